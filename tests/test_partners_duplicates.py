"""Duplicates: each rule finds its candidates; a merge moves everything to the survivor and
can be undone exactly."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.errors import ValidationError
from app.services import duplicates as D
from app.services import lists, search
from app.services import partners as P
from app.services.dump import dump
from app.services.workspace import open_workspace
from app.storage.ids import attendance_id, participant_id
from app.storage.models import (
    Attendance,
    Convention,
    ConventionParty,
    FollowUpItem,
    Meeting,
    MeetingSession,
    Participant,
    Person,
)


@pytest.fixture
def ws():
    w = open_workspace(None)
    yield w
    w.close()


def org(ws, name, **values):
    return P.create_organisation(ws, P.OrganisationDraft(name=name, **values)).id


def person(ws, last, first, org_id=None, function="", **values):
    aff = P.AffiliationDraft("", org_id, function) if org_id else None
    return P.create_person(ws, P.PersonDraft(last_name=last, first_name=first, **values),
                           affiliation=aff).id


def pairs(candidates):
    return {frozenset((c.first_id, c.second_id)): c for c in candidates}


# --- Candidates --------------------------------------------------------------------------


def test_structures_same_siret_email_phone_or_similar_name_and_postcode(ws):
    relais = org(ws, "Le Relais de l'Yonne", siret="732 829 320 00074", postcode="89000",
                 email="contact@relais89.fr", phone="03 86 12 34 56")
    same_siret = org(ws, "Relais 89", siret="73282932000074")
    same_email = org(ws, "Association Le Relais", email="CONTACT@relais89.fr")
    same_phone = org(ws, "Ressourcerie", phone="0386123456")
    similar = org(ws, "Relais de l'Yonne (Le)", postcode="89000")
    elsewhere = org(ws, "Relais de l'Yonne (Le)", postcode="21000")
    found = pairs(D.find_duplicate_candidates(ws, "organisations"))
    assert found[frozenset((relais, same_siret))].reasons == ("Même SIRET (732 829 320 00074)",)
    assert found[frozenset((relais, same_siret))].score == 100
    assert found[frozenset((relais, same_email))].reasons == ("Même courriel (contact@relais89.fr)",)
    assert found[frozenset((relais, same_phone))].reasons == ("Même téléphone (03 86 12 34 56)",)
    name_reason = found[frozenset((relais, similar))].reasons[0]
    assert name_reason.startswith("Noms proches (") and "même code postal (89000)" in name_reason
    assert frozenset((relais, elsewhere)) not in found and frozenset((similar, elsewhere)) not in found
    ordered = D.find_duplicate_candidates(ws, "organisations")
    assert [c.score for c in ordered] == sorted((c.score for c in ordered), reverse=True)


def test_people_same_email_phone_or_similar_name_in_the_same_structure_or_domain(ws):
    relais = org(ws, "Le Relais")
    other = org(ws, "Autre structure")
    sev = person(ws, "Lefèvre", "Séverine", relais, email="s.lefevre@relais89.fr",
                 mobile="06 12 34 56 78")
    same_email = person(ws, "Lefevre", "S.", email="S.Lefevre@relais89.fr")
    same_phone = person(ws, "Dupont", "Jean", phone="06 12 34 56 78")
    same_org = person(ws, "Lefebvre", "Severine", relais)
    same_domain = person(ws, "Le Fèvre", "Séverine", other, email="direction@relais89.fr")
    unrelated = person(ws, "Lefebvre", "Séverine", other)  # same name, nothing else in common
    webmail_a = person(ws, "Martin", "Lucie", email="lucie.martin@orange.fr")
    webmail_b = person(ws, "Martin", "Lucie", email="lmartin@orange.fr")
    found = pairs(D.find_duplicate_candidates(ws, "people"))
    assert found[frozenset((sev, same_email))].score == 95
    assert found[frozenset((sev, same_phone))].reasons == ("Même téléphone (06 12 34 56 78)",)
    assert "dans la même structure" in found[frozenset((sev, same_org))].reasons[0]
    assert "même domaine de courriel (relais89.fr)" in found[frozenset((sev, same_domain))].reasons[0]
    assert frozenset((sev, unrelated)) not in found
    assert frozenset((webmail_a, webmail_b)) not in found  # orange.fr says nothing


def test_candidates_for_just_imported_records_only(ws):
    a = org(ws, "Chantier d'insertion du Tonnerrois", postcode="89700")
    b = org(ws, "Chantier d'insertion du Tonnerois", postcode="89700")
    c = org(ws, "Régie de quartier des Champs-Plaisants", postcode="89000")
    d = org(ws, "Regie de quartier des Champs Plaisants", postcode="89000")
    assert {frozenset((x.first_id, x.second_id)) for x in D.find_duplicate_candidates(
        ws, "organisations", [a])} == {frozenset((a, b))}
    assert len(D.find_duplicate_candidates(ws, "organisations")) == 2
    assert D.find_duplicate_candidates(ws, "organisations", []) == []
    assert frozenset((c, d)) in pairs(D.find_duplicate_candidates(ws, "organisations", [d, a]))
    with pytest.raises(ValidationError):
        D.find_duplicate_candidates(ws, "meetings")


def test_merged_and_deleted_records_are_not_candidates(ws):
    a = org(ws, "Relais 89", siret="732 829 320 00074")
    b = org(ws, "Relais Yonne", siret="732 829 320 00074")
    D.merge(ws, "organisations", a, b)
    assert D.find_duplicate_candidates(ws, "organisations") == []


def test_create_forms_are_warned_of_existing_records(ws):
    relais = org(ws, "Le Relais de l'Yonne", siret="732 829 320 00074", postcode="89000")
    matches = D.check_new_organisation(ws, P.OrganisationDraft(name="Relais de l yonne",
                                                               postcode="89000"))
    assert [m.id for m in matches] == [relais] and matches[0].reasons[0].startswith("Noms proches")
    by_siret = D.check_new_organisation(ws, P.OrganisationDraft(name="Tout autre nom",
                                                                siret="73282932000074"))
    assert by_siret[0].score == 100 and by_siret[0].label == "Le Relais de l'Yonne"
    assert D.check_new_organisation(ws, P.OrganisationDraft(name="Sans rapport", postcode="97600")) == []
    sev = person(ws, "Lefèvre", "Séverine", relais, email="s.lefevre@relais89.fr")
    assert [m.reasons for m in D.check_new_person(ws, P.PersonDraft(last_name="LEFEVRE",
                                                                     first_name="séverine"))] == [
        ("Même nom et prénom",)]
    in_org = D.check_new_person(ws, P.PersonDraft(last_name="Lefebvre", first_name="Séverine"),
                                organisation_id=relais)
    assert [m.id for m in in_org] == [sev] and "même structure" in in_org[0].reasons[0]
    by_mail = D.check_new_person(ws, P.PersonDraft(last_name="X", email="S.LEFEVRE@relais89.fr"))
    assert by_mail[0].id == sev and by_mail[0].score == 95


# --- Merge -------------------------------------------------------------------------------


@pytest.fixture
def twins(ws):
    """Séverine recorded twice, each with participations, signatures and functions."""
    relais = org(ws, "Le Relais", siret="732 829 320 00074")
    relais_bis = org(ws, "Relais 89", email="contact@relais89.fr", tags=("ESS",))
    keep = person(ws, "Lefèvre", "Séverine", relais, "Directrice", email="s.lefevre@relais89.fr")
    lose = person(ws, "Lefebvre", "Severine", relais, "Directrice", mobile="06 12 34 56 78")
    with ws.unit(write=True) as s:
        copil = Meeting(kind="copil", title="COPIL n° 4", organiser_id=lose, organiser_org_id=relais_bis)
        gt = Meeting(kind="groupe_travail", title="GT5 – réunion 2")
        s.add_all([copil, gt])
        s.flush()
        morning = MeetingSession(meeting_id=copil.id, date=dt.date(2026, 3, 2),
                                 start_time=dt.time(9), end_time=dt.time(12, 30), label="matin")
        gt_session = MeetingSession(meeting_id=gt.id, date=dt.date(2026, 4, 7),
                                    start_time=dt.time(14), end_time=dt.time(17))
        s.add_all([morning, gt_session])
        s.flush()
        s.add_all([
            # Both were invited to the COPIL: one excused herself, the other registered and signed.
            Participant(meeting_id=copil.id, person_id=keep, invitation_status="excuse"),
            Participant(meeting_id=copil.id, person_id=lose, invitation_status="inscrit",
                        role="intervenant", organisation_id=relais_bis),
            Attendance(session_id=morning.id, person_id=keep, status="absent"),
            Attendance(session_id=morning.id, person_id=lose, status="present",
                       signature_sha256="ab" * 32, mode="tablette",
                       signed_at=dt.datetime(2026, 3, 2, 9, 5)),
            # Only the duplicate attended the working group.
            Participant(meeting_id=gt.id, person_id=lose, invitation_status="inscrit"),
            Attendance(session_id=gt_session.id, person_id=lose, status="retard"),
            FollowUpItem(meeting_id=copil.id, text="Envoyer le bilan", owner_id=lose),
        ])
        convention = Convention(number="2026-AUX-001", kind="partenariat", title="Ressourcerie")
        s.add(convention)
        s.flush()
        s.add(ConventionParty(convention_id=convention.id, organisation_id=relais_bis,
                              representative_name="Séverine Lefèvre"))
    return {"keep": keep, "lose": lose, "relais": relais, "relais_bis": relais_bis,
            "copil": copil.id, "gt": gt.id, "morning": morning.id, "gt_session": gt_session.id,
            "convention": convention.id}


def live(s, model, **where):
    stmt = select(model).where(model.deleted.is_(False))
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    return s.execute(stmt).scalars().all()


def test_merging_people_moves_participations_and_attendance_then_undo_restores_all(ws, twins):
    keep, lose = twins["keep"], twins["lose"]
    before = dump(ws)
    preview = D.merge_preview(ws, "people", keep, lose)
    assert {f.name: f.default for f in preview.fields}["mobile"] == "loser"  # fills a blank
    assert ("émargements", 2) in preview.moves and ("participations aux réunions", 2) in preview.moves
    result = D.merge(ws, "people", keep, lose, {"last_name": "survivor", "first_name": "survivor"})
    assert result.undo.label == "Fusionner le contact Severine Lefebvre dans Séverine Lefèvre"
    assert dict(result.moved) == {"affiliations": 1, "attendance": 2, "follow_up_items": 1,
                                  "meetings": 1, "participants": 2}
    with ws.unit() as s:
        survivor, loser = s.get(Person, keep), s.get(Person, lose)
        assert survivor.mobile == "+33612345678" and survivor.email == "s.lefevre@relais89.fr"
        assert loser.merged_into == keep and not loser.deleted  # hidden, never deleted
        assert live(s, Attendance, person_id=lose) == [] and live(s, Participant, person_id=lose) == []
        # Both signed up for the COPIL: the survivor's row keeps the better of the two.
        copil = s.get(Participant, participant_id(twins["copil"], keep))
        assert (copil.invitation_status, copil.role, copil.organisation_id) == (
            "inscrit", "intervenant", twins["relais_bis"])
        morning = s.get(Attendance, attendance_id(twins["morning"], keep))
        assert morning.status == "present" and morning.signature_sha256 == "ab" * 32
        assert morning.mode == "tablette"
        # Only the duplicate attended the GT: the row moves under the derived id.
        gt = s.get(Attendance, attendance_id(twins["gt_session"], keep))
        assert gt is not None and gt.status == "retard" and not gt.deleted
        assert s.get(Participant, participant_id(twins["gt"], keep)).invitation_status == "inscrit"
        assert s.get(Meeting, twins["copil"]).organiser_id == keep
        assert live(s, FollowUpItem)[0].owner_id == keep
    # Both were « Directrice » of Le Relais: one function remains.
    assert len(P.affiliations(ws, person_id=keep)) == 1
    assert lists.count(ws, "contacts") == 1
    assert [h.id for h in search.global_search(ws, "lefebvre")] == []
    result.undo.undo(ws)
    assert dump(ws) == before
    assert lists.count(ws, "contacts") == 2
    result.undo.redo(ws)
    with ws.unit() as s:
        assert s.get(Person, lose).merged_into == keep


def test_merging_structures_moves_functions_parties_and_references(ws, twins):
    before = dump(ws)
    result = D.merge(ws, "organisations", twins["relais"], twins["relais_bis"],
                     {"email": "loser"})
    assert dict(result.moved) == {"convention_parties": 1, "meetings": 1, "participants": 1}
    with ws.unit() as s:
        parties = live(s, ConventionParty, convention_id=twins["convention"])
        assert [p.organisation_id for p in parties] == [twins["relais"]]
        assert s.get(Meeting, twins["copil"]).organiser_org_id == twins["relais"]
    survivor = P.get_organisation(ws, twins["relais"])
    assert survivor.email == "contact@relais89.fr" and survivor.tags == ("ESS",)
    assert survivor.siret == "73282932000074"
    assert P.get_organisation(ws, twins["relais_bis"]).merged_into == twins["relais"]
    assert lists.count(ws, "structures") == 1
    result.undo.undo(ws)
    assert dump(ws) == before


def test_merge_refuses_nonsense(ws, twins):
    with pytest.raises(ValidationError, match="deux fiches différentes"):
        D.merge(ws, "people", twins["keep"], twins["keep"])
    with pytest.raises(ValidationError, match="Champ inconnu"):
        D.merge(ws, "people", twins["keep"], twins["lose"], {"sync_vv": "loser"})
    with pytest.raises(ValidationError, match="Choix invalide"):
        D.merge(ws, "people", twins["keep"], twins["lose"], {"email": "les deux"})
    D.merge(ws, "people", twins["keep"], twins["lose"])
    with pytest.raises(ValidationError, match="déjà été fusionnée"):
        D.merge(ws, "people", twins["keep"], twins["lose"])


def test_merge_is_an_ordinary_stamped_write(ws, twins):
    with ws.unit() as s:
        seq_before = s.get(Person, twins["lose"]).change_seq
    D.merge(ws, "people", twins["keep"], twins["lose"])
    with ws.unit() as s:
        loser = s.get(Person, twins["lose"])
        assert loser.change_seq > seq_before and "merged_into" in loser.sync_fields
        moved = s.get(Attendance, attendance_id(twins["gt_session"], twins["keep"]))
        assert moved.sync_site == ws.site_id and moved.change_seq > seq_before
