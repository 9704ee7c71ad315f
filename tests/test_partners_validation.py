"""Field validation: what a chargé(e) de mission types is stored normalised, or refused with
the reason in French next to the right field."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain import validation as v
from app.errors import ValidationError
from app.services.partners import (
    InvalidDraft,
    OrganisationDraft,
    PersonDraft,
    check_organisation,
    clean_organisation,
    clean_person,
)
from app.services.settings import normalise_siret as settings_normalise_siret


def test_siret_with_spaces_is_stored_as_14_digits_and_gives_its_siren():
    assert v.normalise_siret("732 829 320 00074") == "73282932000074"
    assert v.normalise_siret(" 732.829.320.00074 ") == "73282932000074"
    assert v.siren_of("73282932000074") == "732829320"
    assert v.format_siret("73282932000074") == "732 829 320 00074"
    assert v.normalise_siret("") == ""
    # The settings keep their own entry point, delegating to the same rule.
    assert settings_normalise_siret("732 829 320 00074") == "73282932000074"


def test_siret_la_poste_exception_is_accepted():
    # La Poste establishments (SIREN 356 000 000) do not follow the Luhn key.
    assert v.normalise_siret("356 000 000 00048") == "35600000000048"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("732 829 320 00075", "la clé de contrôle est fausse"),
        ("7328293200007", "il doit compter 14 chiffres (ici 13)"),
        ("73282932O00074", "il ne doit contenir que des chiffres"),
    ],
)
def test_bad_siret_is_refused_with_the_reason_in_french(value, reason):
    with pytest.raises(ValidationError) as exc:
        v.normalise_siret(value)
    assert exc.value.field == "siret"
    assert exc.value.message.startswith("SIRET invalide : ")
    assert reason in exc.value.message


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("03 86 12 34 56", "+33386123456"),  # Yonne
        ("03.86.12.34.56", "+33386123456"),
        ("+33 (0)3 86 12 34 56", "+33386123456"),
        ("0033 3 86 12 34 56", "+33386123456"),
        ("386123456", "+33386123456"),  # a spreadsheet dropped the leading zero
        ("06 12 34 56 78", "+33612345678"),
        ("0269 60 12 34", "+262269601234"),  # Mayotte, landline
        ("0639 01 23 45", "+262639012345"),  # Mayotte, mobile
        ("0262 16 12 34", "+262262161234"),  # La Réunion, landline
        ("0692 12 34 56", "+262692123456"),  # La Réunion, mobile
        ("0590 20 12 34", "+590590201234"),  # Guadeloupe
        ("0596 30 12 34", "+596596301234"),  # Martinique
        ("0694 20 12 34", "+594694201234"),  # Guyane
        ("+262 269 60 12 34", "+262269601234"),
        ("", ""),
    ],
)
def test_phone_numbers_of_the_metropole_and_overseas_are_stored_in_e164(typed, stored):
    assert v.normalise_phone(typed) == stored


def test_mayotte_is_not_mistaken_for_the_metropole():
    # « 0269 » would be a valid-looking +33 2 69 number; dialled in Mayotte it is +262.
    assert v.normalise_phone("0269 61 23 45").startswith("+262")
    assert v.national_digits("+262269612345") == "0269612345"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("12", "10 chiffres"),
        ("06 12 34 56 7a", "que des chiffres"),
        ("0639 12 34 56", "n'est pas un numéro attribué"),  # unallocated Mayotte range
    ],
)
def test_bad_phone_numbers_are_refused_in_french(typed, reason):
    with pytest.raises(ValidationError) as exc:
        v.normalise_phone(typed, field="mobile")
    assert exc.value.field == "mobile"
    assert exc.value.message.startswith("Téléphone invalide")
    assert reason in exc.value.message


@pytest.mark.parametrize("code", ["89000", "97600", "97615", "20000", "01000", "97400"])
def test_postcodes_including_mayotte(code):
    assert v.normalise_postcode(code) == code


def test_postcode_tolerates_a_space_and_explains_a_lost_zero():
    assert v.normalise_postcode("89 000") == "89000"
    with pytest.raises(ValidationError, match="5 chiffres.*01000") as exc:
        v.normalise_postcode("1000")
    assert exc.value.field == "postcode"
    with pytest.raises(ValidationError, match="aucun département"):
        v.normalise_postcode("96000")


def test_email_and_website():
    assert v.normalise_email(" Jean.Dupont@Mairie-Auxerre.FR ") == "jean.dupont@mairie-auxerre.fr"
    assert v.normalise_email("mailto:contact@coorace.org") == "contact@coorace.org"
    for bad in ("jean.dupont", "a@b", "jean dupont@x.fr", "a@@b.fr"):
        with pytest.raises(ValidationError, match="Courriel invalide") as exc:
            v.normalise_email(bad)
        assert exc.value.field == "email"
    assert v.normalise_website("www.coorace.org") == "https://www.coorace.org"
    assert v.normalise_website("http://cdr-mayotte.fr/ess") == "http://cdr-mayotte.fr/ess"
    with pytest.raises(ValidationError, match="Site web invalide"):
        v.normalise_website("pas un site")


def test_civility_category_and_dates():
    assert v.normalise_civility("Madame") == "Mme"
    assert v.normalise_civility("monsieur") == "M."
    assert v.normalise_category("Élu(e)") == "elu"
    assert v.normalise_category("public accompagné") == "public"
    assert v.normalise_category("") == "autre"
    with pytest.raises(ValidationError, match="Catégorie inconnue") as exc:
        v.normalise_category("Martien")
    assert exc.value.field == "category"
    assert v.parse_date("02/03/2026") == dt.date(2026, 3, 2)
    assert v.parse_date("2026-03-02") == dt.date(2026, 3, 2)
    with pytest.raises(ValidationError, match="jj/mm/aaaa"):
        v.parse_date("31/02/2026")


def test_a_draft_reports_every_invalid_field_at_once():
    draft = OrganisationDraft(name="  ", siret="123", phone="12", email="x@", postcode="1000")
    clean, errors = check_organisation(draft)
    assert set(errors) == {"name", "siret", "phone", "email", "postcode"}
    assert errors["name"] == "Le nom de la structure est obligatoire."
    with pytest.raises(InvalidDraft) as exc:
        clean_organisation(draft)
    assert exc.value.field == "name" and exc.value.errors == errors
    assert "(et 4\u00a0autres champs à corriger)" in exc.value.message


def test_a_valid_draft_comes_back_normalised():
    clean = clean_organisation(OrganisationDraft(
        name=" Fédération COORACE ", siret="732 829 320 00074", phone="03 86 12 34 56",
        email="Contact@Coorace.org", postcode="89 000", website="coorace.org",
        tags=("FSE", " FSE ", "ESS")))
    assert clean.name == "Fédération COORACE" and clean.siret == "73282932000074"
    assert clean.phone == "+33386123456" and clean.email == "contact@coorace.org"
    assert clean.postcode == "89000" and clean.website == "https://coorace.org"
    assert clean.tags == ("FSE", "ESS")
    person = clean_person(PersonDraft(last_name="Attoumani", first_name="Zaïnaba",
                                      civility="Madame", mobile="0639 01 23 45",
                                      category="Public accompagné"))
    assert person.civility == "Mme" and person.mobile == "+262639012345"
    assert person.category == "public"
    with pytest.raises(InvalidDraft) as exc:
        clean_person(PersonDraft(last_name="", consent_date=dt.date.today() + dt.timedelta(days=3)))
    assert set(exc.value.errors) == {"last_name", "consent_date"}
