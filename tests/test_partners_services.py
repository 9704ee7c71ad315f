"""Structures and contacts: create, edit, archive, restore, undo / redo, and search."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text

from app.errors import NotFound, ValidationError
from app.services import lists, search
from app.services import partners as P
from app.services.dump import dump
from app.services.lists import ListQuery
from app.services.undo import UndoConflict, UndoStack
from app.services.workspace import open_workspace
from app.storage.models import Organisation, Person
from app.storage.stamping import applying_remote_rows, bulk_insert


@pytest.fixture
def ws():
    w = open_workspace(None)
    yield w
    w.close()


def coorace(**changes) -> P.OrganisationDraft:
    values = dict(name="Fédération COORACE", acronym="COORACE", kind_code="federation",
                  siret="732 829 320 00074", postcode="89000", city="Auxerre",
                  phone="03 86 12 34 56", email="contact@coorace.org")
    values.update(changes)
    return P.OrganisationDraft(**values)


def titles(ws, query):
    return [h.title for h in search.global_search(ws, query)]


# --- CRUD, archive, undo -----------------------------------------------------------------


def test_create_stores_normalised_values_and_returns_what_changed(ws):
    result = P.create_organisation(ws, coorace())
    assert result.changes.created == (("organisations", result.id),)
    assert result.undo.label == "Créer la structure COORACE"
    org = P.get_organisation(ws, result.id)
    assert org.siret == "73282932000074" and org.siren == "732829320"
    assert org.siret_display == "732 829 320 00074"
    assert org.phone == "+33386123456" and org.phone_display == "03 86 12 34 56"
    assert not org.archived and org.draft() == P.clean_organisation(coorace())


def test_invalid_form_is_refused_with_the_field_and_nothing_is_written(ws):
    with pytest.raises(P.InvalidDraft) as exc:
        P.create_organisation(ws, coorace(siret="732 829 320 00075"))
    assert exc.value.field == "siret" and "clé de contrôle" in exc.value.message
    with pytest.raises(ValidationError, match="Type de structure inconnu") as exc2:
        P.create_organisation(ws, coorace(kind_code="martien"))
    assert exc2.value.field == "kind_code"
    assert ws.count(Organisation) == 0


def test_edit_then_undo_and_redo_through_the_stack(ws):
    stack = UndoStack()
    created = P.create_organisation(ws, coorace())
    stack.push(created.undo)
    before = dump(ws)
    edited = P.update_organisation(ws, created.id, coorace(name="COORACE Bourgogne-Franche-Comté"))
    stack.push(edited.undo)
    assert edited.changes.updated == (("organisations", created.id),)
    assert stack.undo_text == "Annuler « Modifier la structure COORACE »"
    changes = stack.undo(ws)
    assert changes.updated == (("organisations", created.id),)
    assert dump(ws) == before
    assert stack.redo_text == "Rétablir « Modifier la structure COORACE »"
    stack.redo(ws)
    assert P.get_organisation(ws, created.id).name == "COORACE Bourgogne-Franche-Comté"
    # Undoing the creation leaves a tombstone; redoing brings the record back.
    stack.undo(ws)
    stack.undo(ws)
    assert not stack.can_undo and ws.count(Organisation) == 1
    with pytest.raises(NotFound):
        P.get_organisation(ws, created.id)
    stack.redo(ws)
    assert P.get_organisation(ws, created.id).name == "Fédération COORACE"


def test_saving_an_unchanged_form_writes_nothing(ws):
    created = P.create_organisation(ws, coorace())
    with ws.unit() as s:
        counter = s.get(Organisation, created.id).sync_counter
    result = P.update_organisation(ws, created.id, coorace())
    assert result.undo is None and not result.changes
    with ws.unit() as s:
        assert s.get(Organisation, created.id).sync_counter == counter


def test_undo_is_a_stamped_write(ws):
    created = P.create_organisation(ws, coorace())
    edited = P.update_organisation(ws, created.id, coorace(city="Sens", postcode="89100"))
    with ws.unit() as s:
        counter = s.get(Organisation, created.id).sync_counter
    edited.undo.undo(ws)
    with ws.unit() as s:
        org = s.get(Organisation, created.id)
        assert org.city == "Auxerre" and org.sync_counter > counter
        assert set(org.sync_fields) >= {"city", "postcode"}


def test_undo_refuses_to_overwrite_a_later_change(ws):
    created = P.create_organisation(ws, coorace())
    first = P.update_organisation(ws, created.id, coorace(city="Sens", postcode="89100"))
    P.update_organisation(ws, created.id, coorace(city="Joigny", postcode="89300"))
    with pytest.raises(UndoConflict, match="modifié depuis"):
        first.undo.undo(ws)
    assert P.get_organisation(ws, created.id).city == "Joigny"


def test_archive_needs_a_reason_hides_and_restores(ws):
    created = P.create_organisation(ws, coorace())
    with pytest.raises(ValidationError, match="raison") as exc:
        P.archive_organisation(ws, created.id, "  ")
    assert exc.value.field == "archived_reason"
    archived = P.archive_organisation(ws, created.id, "Fusion avec la fédération régionale")
    assert archived.undo.label == "Archiver la structure COORACE"
    assert lists.count(ws, "structures") == 0
    assert lists.count(ws, "structures", ListQuery(show_archived=True)) == 1
    org = P.get_organisation(ws, created.id)
    assert org.archived and org.archived_reason == "Fusion avec la fédération régionale"
    archived.undo.undo(ws)
    assert lists.count(ws, "structures") == 1
    archived.undo.redo(ws)
    restored = P.restore_organisation(ws, created.id)
    assert restored.undo.label == "Restaurer la structure COORACE"
    assert not P.get_organisation(ws, created.id).archived


def test_people_with_functions_in_structures(ws):
    org = P.create_organisation(ws, coorace()).id
    mission = P.create_organisation(ws, P.OrganisationDraft(name="Mission Locale de l'Auxerrois",
                                                            kind_code="mission_locale")).id
    created = P.create_person(
        ws, P.PersonDraft(last_name="Lefèvre", first_name="Séverine", civility="Madame",
                          email="S.Lefevre@coorace.org", category="professionnel_siae"),
        affiliation=P.AffiliationDraft("", org, "Chargée de mission", is_primary=True))
    assert created.undo.label == "Créer le contact Séverine Lefèvre"
    assert {t for t, _ in created.changes.created} == {"people", "affiliations"}
    person = P.get_person(ws, created.id)
    assert person.email == "s.lefevre@coorace.org" and person.civility == "Mme"
    added = P.add_affiliation(ws, P.AffiliationDraft(created.id, mission, "Référente PLIE",
                                                     start_date=dt.date(2024, 9, 1),
                                                     is_primary=True))
    assert "Référente PLIE" in added.undo.label
    functions = P.affiliations(ws, person_id=created.id)
    assert [(f.organisation_name, f.is_primary) for f in functions] == [
        ("Mission Locale de l'Auxerrois", True), ("Fédération COORACE", False)]
    ended = P.end_affiliation(ws, functions[1].id, dt.date(2025, 1, 31))
    assert not P.affiliations(ws, person_id=created.id)[-1].is_current(dt.date(2025, 6, 1))
    ended.undo.undo(ws)
    added.undo.undo(ws)  # also gives the primary flag back to the first function
    assert [(f.organisation_name, f.is_primary) for f in P.affiliations(ws, person_id=created.id)] == [
        ("Fédération COORACE", True)]
    with pytest.raises(ValidationError, match="précède"):
        P.add_affiliation(ws, P.AffiliationDraft(created.id, org, start_date=dt.date(2025, 1, 1),
                                                 end_date=dt.date(2024, 1, 1)))


def test_a_public_accompagne_is_flagged_as_beneficiary(ws):
    created = P.create_person(ws, P.PersonDraft(last_name="Attoumani", first_name="Zaïnaba",
                                                category="public"))
    assert P.get_person(ws, created.id).is_beneficiary
    P.update_person(ws, created.id, P.PersonDraft(last_name="Attoumani", first_name="Zaïnaba",
                                                  category="grand_public"))
    assert not P.get_person(ws, created.id).is_beneficiary
    archived = P.archive_person(ws, created.id, "Doublon saisi par erreur")
    assert archived.undo.label == "Archiver le contact Zaïnaba Attoumani"
    assert P.restore_person(ws, created.id).undo.label == "Restaurer le contact Zaïnaba Attoumani"


# --- Search ------------------------------------------------------------------------------


@pytest.fixture
def network(ws):
    ids = {}
    ids["oeuvre"] = P.create_organisation(ws, P.OrganisationDraft(
        name="Œuvre de la Puisaye", acronym="OP", kind_code="aci", siret="732 829 320 00074",
        city="Toucy", postcode="89130", phone="03 86 44 12 34")).id
    ids["cdr"] = P.create_organisation(ws, P.OrganisationDraft(
        name="Centre de ressources de Mayotte", acronym="CDR", kind_code="cdr",
        city="Mamoudzou", postcode="97600", email="contact@cdr-mayotte.yt")).id
    ids["sev"] = P.create_person(ws, P.PersonDraft(
        last_name="Lefèvre", first_name="Séverine", email="s.lefevre@mairie-toucy.fr",
        phone="03 86 12 34 56"), affiliation=P.AffiliationDraft("", ids["oeuvre"], "Présidente")).id
    ids["zai"] = P.create_person(ws, P.PersonDraft(
        last_name="Attoumani", first_name="Zaïnaba", mobile="0639 01 23 45")).id
    return ids


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("severine", "Séverine Lefèvre"),
        ("SÉVERINE", "Séverine Lefèvre"),
        ("lefe", "Séverine Lefèvre"),  # prefix, as you type
        ("sev lef", "Séverine Lefèvre"),
        ("zainaba", "Zaïnaba Attoumani"),
        ("oeuvre", "Œuvre de la Puisaye (OP)"),
        ("œuv", "Œuvre de la Puisaye (OP)"),
        ("toucy", "Œuvre de la Puisaye (OP)"),  # commune
        ("cdr", "Centre de ressources de Mayotte (CDR)"),  # sigle
        ("mamoudzou", "Centre de ressources de Mayotte (CDR)"),
        ("732 829 320", "Œuvre de la Puisaye (OP)"),  # SIRET, as printed
        ("73282932000074", "Œuvre de la Puisaye (OP)"),
        ("s.lefevre@mairie", "Séverine Lefèvre"),  # e-mail
        ("cdr-mayotte", "Centre de ressources de Mayotte (CDR)"),
        ("03 86 12 34 56", "Séverine Lefèvre"),  # phone, any format
        ("0386123456", "Séverine Lefèvre"),
        ("03.86.12", "Séverine Lefèvre"),
        ("+33 3 86 12", "Séverine Lefèvre"),
        ("0639 01", "Zaïnaba Attoumani"),  # Mayotte mobile
        ("+262 639", "Zaïnaba Attoumani"),
    ],
)
def test_global_search_is_case_accent_insensitive_with_prefixes(ws, network, query, expected):
    assert expected in titles(ws, query)


def test_global_search_results_say_what_they_are(ws, network):
    hits = search.global_search(ws, "sev")
    assert [(h.kind, h.id) for h in hits] == [("people", network["sev"])]
    assert hits[0].subtitle == "Présidente, Œuvre de la Puisaye"
    org = search.global_search(ws, "oeuvre")[0]
    assert org.kind == "organisations" and org.subtitle == "Atelier et chantier d'insertion (ACI) · Toucy"
    assert search.global_search(ws, "   ") == [] and search.global_search(ws, "!?") == []
    assert titles(ws, "introuvable") == []


def test_lists_search_through_the_index(ws, network):
    def names(view, q):
        return [r.cells[0] for r in lists.fetch(ws, view, ListQuery(search=q)).rows]

    assert names("contacts", "severine") == ["Lefèvre"]
    assert names("contacts", "0639") == ["Attoumani"]
    assert names("structures", "puisaye oeu") == ["Œuvre de la Puisaye"]
    assert lists.count(ws, "structures", ListQuery(search="97600")) == 1


def test_index_follows_edits_archives_and_undo(ws, network):
    result = P.update_person(ws, network["sev"], P.PersonDraft(last_name="Martin-Lefèvre",
                                                              first_name="Séverine"))
    assert "Séverine Martin-Lefèvre" in titles(ws, "martin")
    assert titles(ws, "03 86 12 34") == []  # the phone was removed by the edit
    result.undo.undo(ws)
    assert titles(ws, "martin") == [] and "Séverine Lefèvre" in titles(ws, "0386123456")
    P.archive_organisation(ws, network["oeuvre"], "Dissoute")
    hit = search.global_search(ws, "oeuvre")[0]
    assert hit.archived and "archivée" in hit.subtitle
    assert lists.count(ws, "structures", ListQuery(search="oeuvre")) == 0
    assert lists.count(ws, "structures", ListQuery(search="oeuvre", show_archived=True)) == 1


def test_index_follows_bulk_inserts_and_rows_from_another_site(ws):
    with ws.unit(write=True) as s:
        bulk_insert(s, Person, [{"last_name": f"Soilihi {i}", "first_name": "Anli"} for i in range(300)])
    assert len(search.search_ids(ws, "people", "soilihi", limit=500)) == 300
    assert lists.count(ws, "contacts", ListQuery(search="anli soil")) == 300
    # A row applied by the sync import keeps its stamps: the index follows all the same.
    remote = Person(id="01900000-0000-7000-8000-000000000001", last_name="Houmadi",
                    first_name="Fatima", sync_vv={"autre-site": 3}, sync_hlc=1,
                    sync_site="autre-site", sync_counter=3, sync_fields={"_": [1, "autre-site", 3]})
    with ws.unit(write=True) as s, applying_remote_rows(s):
        s.add(remote)
    assert titles(ws, "houmadi") == ["Fatima Houmadi"]


def test_an_erased_person_leaves_nothing_in_the_index(ws, network):
    with ws.unit(write=True) as s:
        s.get(Person, network["zai"]).erased = True
    search.purge_index(ws)
    assert titles(ws, "zainaba") == [] and titles(ws, "0639") == []
    with ws.unit() as s:
        rows = s.execute(text("SELECT title, extra FROM search_people_docs")).all()
    assert all("zainaba" not in title and "639" not in extra for title, extra in rows)


def test_rebuilding_the_index_gives_the_same_answers(ws, network):
    assert search.rebuild_index(ws) == {"organisations": 2, "people": 2}
    assert "Séverine Lefèvre" in titles(ws, "severine")
    with ws.unit() as s:
        docs = s.execute(text("SELECT count(*) FROM search_people_docs")).scalar_one()
        assert docs == 2
        assert s.execute(select(Person.id)).all()


def test_match_expression_keeps_numbers_together():
    assert search.match_expression("03 86 12") == '"038612"*'
    assert search.match_expression("0033 3 86") == '"33386"*'
    assert search.match_expression("Œuvre d'art") == '"oeuvre"* "d"* "art"*'
    assert search.match_expression(" ") is None
    assert search.match_expression("Sé") == 'title : "se"*'  # first keystrokes: names only
