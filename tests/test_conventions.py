"""Conventions: numbering, lifecycle and history, avenants, list and dashboard alerts."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from app.errors import NotFound, ValidationError
from app.services import conventions as cs
from app.services.conventions import (
    ConventionFilter,
    ConventionInput,
    Funder,
    InstallmentInput,
    PartyInput,
    StatusChange,
)
from app.services.settings import Identity, set_identity
from app.services.workspace import open_workspace
from app.storage.stamping import applying_remote_rows
from app.storage.models import (
    Action,
    Attachment,
    Attendance,
    Blob,
    Convention,
    ConventionEvent,
    Meeting,
    MeetingSession,
    Organisation,
    Person,
)

D = dt.date
PDF_SCAN = b"%PDF-1.4\n% copie signee numerisee\n%%EOF\n"


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def _workspace(site_name: str):
    ws = open_workspace(None)
    set_identity(ws, Identity(organisation_name="GIP Réussir en Sambre Avesnois",
                              address="20 avenue Alphonse de Lamartine", postcode="59600",
                              city="Maubeuge", site_name=site_name))
    return ws


@pytest.fixture
def ws():
    w = _workspace("Antenne de Maubeuge")
    yield w
    w.close()


@pytest.fixture
def world(ws):
    """Two partner structures and an FSE action."""
    with ws.unit(write=True) as s:
        bocage = Organisation(name="Les Ateliers du Bocage", kind_code="aci",
                              legal_form="Association loi 1901", siret="73282932000074",
                              address="3 rue des Tanneurs", postcode="59440",
                              city="Avesnes-sur-Helpe", legal_rep_name="Karim Benali",
                              legal_rep_title="Directeur")
        regie = Organisation(name="Régie du Val de Sambre", kind_code="regie_quartier")
        action = Action(code="FA1", title="Coordination et animation d'un événementiel ESS",
                        fse_rate=0.47)
        s.add_all([bocage, regie, action])
    return {"bocage": bocage.id, "regie": regie.id, "action": action.id}


def draft(world, **overrides) -> ConventionInput:
    values = dict(
        kind="objectifs_financement",
        title="Mois de l'ESS 2026",
        parties=(PartyInput(None, "porteur", "Benjamin Saint-Huile", "Président"),
                 PartyInput(world["bocage"])),
        action_id=world["action"],
        object="Coordonner et animer le Mois de l'ESS en Sambre Avesnois.",
        start_date=D(2026, 1, 1),
        end_date=D(2026, 12, 31),
        amount_cents=1_000_000,
        installments=(InstallmentInput(500_000, D(2026, 1, 15), "à la signature"),
                      InstallmentInput(500_000, D(2026, 7, 1),
                                       "à la remise du bilan intermédiaire")),
        fse_rate=0.47,
        other_funders=(Funder("Département du Nord", 300_000),),
        required_evidence=("emargement", "bilan_intermediaire", "bilan_final"),
    )
    values.update(overrides)
    return ConventionInput(**values)


def sign(ws, convention_id, sent=D(2025, 12, 10), signed=D(2025, 12, 20), scan=None):
    cs.change_status(ws, convention_id, StatusChange("envoyee", sent))
    cs.change_status(ws, convention_id, StatusChange("signee", signed, scan=scan))


# --------------------------------------------------------------------------- creation


def test_create_keeps_parties_installments_and_defaults(ws, world):
    saved = cs.create_convention(ws, draft(world), today=D(2025, 12, 1))
    cv = cs.get_convention(ws, saved.id)
    assert cv.status == "brouillon" and cv.number == "2025-MAU-001"
    assert [p.role for p in cv.parties] == ["porteur", "partenaire"]
    assert cv.porteur.name == "GIP Réussir en Sambre Avesnois"
    assert cv.porteur.address == "20 avenue Alphonse de Lamartine, 59600 Maubeuge"
    # The partner's legal representative fills the party when the form leaves it blank.
    assert (cv.partners[0].representative_name, cv.partners[0].representative_title) == (
        "Karim Benali", "Directeur")
    assert [i.condition for i in cv.installments] == ["à la signature",
                                                       "à la remise du bilan intermédiaire"]
    assert cv.other_funders == (Funder("Département du Nord", 300_000),)
    assert cv.evidence_labels == ("Feuilles d'émargement", "Bilan intermédiaire", "Bilan final")
    assert cv.copies == 2  # one original per party
    assert cv.template_id is not None  # the shipped template of its kind
    assert [(e.status, e.date) for e in cv.events] == [("brouillon", D(2025, 12, 1))]
    assert ("conventions", saved.id) in saved.changes.created


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": "  "}, "title", "intitulé"),
        ({"kind": "contrat"}, "kind", "Type de convention inconnu"),
        ({"parties": (PartyInput(None, "porteur"),)}, "parties", "au moins une structure"),
        ({"end_date": D(2025, 6, 30)}, "end_date", "précède"),
        ({"fse_rate": 47}, "fse_rate", "entre 0 et 100"),
        ({"amount_cents": 800_000}, "installments", "dépasse le montant"),
        ({"required_evidence": ()} | {"other_funders": (Funder(" "),)}, "other_funders", "nom"),
    ],
)
def test_invalid_forms_are_refused_in_french_with_the_field(ws, world, overrides, field, message):
    with pytest.raises(ValidationError) as err:
        cs.create_convention(ws, draft(world, **overrides))
    assert err.value.field == field
    assert message in err.value.message


def test_a_number_given_twice_is_refused(ws, world):
    cs.create_convention(ws, draft(world, number="CV-2026-01"))
    with pytest.raises(ValidationError) as err:
        cs.create_convention(ws, draft(world, number="cv-2026-01"))
    assert err.value.field == "number" and "déjà attribué" in err.value.message


def test_find_by_number_or_id(ws, world):
    saved = cs.create_convention(ws, draft(world), today=D(2026, 2, 1))
    assert cs.find_convention(ws, "2026-mau-001") == saved.id
    assert cs.find_convention(ws, saved.id) == saved.id
    with pytest.raises(NotFound, match="« 2026-X-9 »"):
        cs.find_convention(ws, "2026-X-9")


# --------------------------------------------------------------------------- numbering


def test_numbering_counts_per_site_and_year_and_never_reuses(ws, world):
    cs.set_numbering(ws, "{année}-{site}-{n:03}", "nord")
    first = cs.create_convention(ws, draft(world), today=D(2026, 3, 1))
    second = cs.create_convention(ws, draft(world), today=D(2026, 3, 2))
    assert (first.number, second.number) == ("2026-NORD-001", "2026-NORD-002")
    assert cs.create_convention(ws, draft(world), today=D(2027, 1, 5)).number == "2027-NORD-001"
    # A number typed by hand (or received from elsewhere) moves the counter past it.
    cs.create_convention(ws, draft(world, number="2026-NORD-007"))
    assert cs.preview_number(ws, today=D(2026, 6, 1)) == "2026-NORD-008"
    # A deleted draft's number is not handed out again.
    last = cs.create_convention(ws, draft(world), today=D(2026, 6, 1))
    cs.delete_convention(ws, last.id)
    assert cs.create_convention(ws, draft(world), today=D(2026, 6, 2)).number == "2026-NORD-009"


def test_two_sites_never_hand_out_the_same_number(world):
    nord, sud = _workspace("Antenne de Maubeuge"), _workspace("Antenne d'Avesnes-sur-Helpe")
    try:
        numbers = set()
        for site in (nord, sud):
            with site.unit(write=True) as s:
                org = Organisation(name="Les Ateliers du Bocage", kind_code="aci")
                s.add(org)
            for day in range(1, 4):
                saved = cs.create_convention(
                    site, draft(world, parties=(PartyInput(org.id),), action_id=None),
                    today=D(2026, 1, day))
                numbers.add(saved.number)
        assert numbers == {f"2026-{code}-00{n}" for code in ("MAU", "AVE") for n in (1, 2, 3)}
        assert cs.get_numbering(sud).site_code == "AVE"
        assert cs.get_numbering(sud).warning == ""
    finally:
        nord.close()
        sud.close()


def test_a_site_code_already_used_by_another_antenna_is_flagged(ws, world):
    cs.set_numbering(ws, "{année}-{site}-{n:03}", "MAU")
    cs.create_convention(ws, draft(world), today=D(2026, 1, 5))
    assert cs.get_numbering(ws).warning == ""
    # A convention numbered with our code arrives from another antenna (sync import).
    other_site = "01900000-0000-7000-8000-0000000000b2"
    with ws.unit(write=True) as s, applying_remote_rows(s):
        stamp = [1 << 40, other_site, 1]
        s.add(Convention(number="2026-MAU-014", kind="partenariat", title="Reçue",
                         sync_vv={other_site: 1}, sync_hlc=stamp[0], sync_site=other_site,
                         sync_counter=1, sync_fields={"_": stamp}))
        s.flush()
    settings = cs.get_numbering(ws)
    assert "« MAU » est aussi utilisé par une autre antenne (convention 2026-MAU-014)" in (
        settings.warning)
    # Numbers still never collide: the counter goes past what was received.
    assert cs.preview_number(ws, today=D(2026, 2, 1)) == "2026-MAU-015"


def test_a_pattern_without_site_or_with_an_unknown_field_is_refused(ws):
    with pytest.raises(ValidationError, match=r"\{site\}") as err:
        cs.set_numbering(ws, "{année}-{n:03}", "NORD")
    assert err.value.field == "pattern"
    with pytest.raises(ValidationError, match=r"Champ inconnu dans le modèle de numéro : \{anne\}"):
        cs.set_numbering(ws, "{anne}-{site}-{n}", "NORD")
    with pytest.raises(ValidationError) as err:
        cs.set_numbering(ws, "{année}-{site}-{n}", "Nord-Est!")
    assert err.value.field == "site_code"
    cs.set_numbering(ws, "CONV/{type}/{site}/{année}/{n:02}", "N1")
    assert cs.preview_number(ws, "mise_a_disposition", D(2026, 1, 1)) == "CONV/MAD/N1/2026/01"


def test_default_site_code_comes_from_the_antenna_name():
    assert cs.default_site_code("Antenne de Puisaye", "x") == "PUI"
    assert cs.default_site_code("Siège", "x") == "SIE"
    assert cs.default_site_code("", "0190a4b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b") == "S4A5B"


# --------------------------------------------------------------------------- lifecycle


def test_lifecycle_is_dated_and_kept_in_the_history(ws, world):
    cid = cs.create_convention(ws, draft(world), today=D(2025, 12, 1)).id
    sign(ws, cid, scan=PDF_SCAN)
    cs.change_status(ws, cid, StatusChange("en_cours", D(2026, 1, 1)))
    cs.change_status(ws, cid, StatusChange("resiliee", D(2026, 5, 4),
                                           reason="Cessation d'activité de l'opérateur"))
    cv = cs.get_convention(ws, cid)
    assert [(e.status, e.date) for e in cv.events] == [
        ("brouillon", D(2025, 12, 1)), ("envoyee", D(2025, 12, 10)),
        ("signee", D(2025, 12, 20)), ("en_cours", D(2026, 1, 1)), ("resiliee", D(2026, 5, 4)),
    ]
    assert cv.events[-1].note == "Cessation d'activité de l'opérateur"
    assert (cv.sent_date, cv.signed_date, cv.ended_date) == (
        D(2025, 12, 10), D(2025, 12, 20), D(2026, 5, 4))
    assert cv.termination_reason == "Cessation d'activité de l'opérateur"
    assert cv.next_statuses == ()
    # The scan is stored once by its hash and attached as « convention_signee ».
    assert cv.signed_copy is not None and cv.signed_copy.mime == "application/pdf"
    assert cs.signed_copy_bytes(ws, cid)[2] == PDF_SCAN
    with ws.unit() as s:
        att = s.get(Attachment, cv.signed_copy.id)
        assert (att.owner_table, att.owner_id, att.kind) == ("conventions", cid,
                                                             "convention_signee")
        assert s.get(Blob, att.blob_sha256).size == len(PDF_SCAN)


@pytest.mark.parametrize(
    ("steps", "target", "message"),
    [
        ((), "en_cours", "« Brouillon » : elle ne peut pas passer à « En cours »"),
        ((("envoyee", D(2025, 12, 10)),), "echue", "ne peut pas passer à « Échue »"),
        ((("envoyee", D(2025, 12, 10)), ("signee", D(2025, 12, 20))), "brouillon",
         "ne changent|ne peut pas passer à « Brouillon »"),
    ],
)
def test_invalid_transitions_are_refused_in_french(ws, world, steps, target, message):
    cid = cs.create_convention(ws, draft(world), today=D(2025, 12, 1)).id
    for status, date in steps:
        cs.change_status(ws, cid, StatusChange(status, date))
    with pytest.raises(ValidationError, match=message) as err:
        cs.change_status(ws, cid, StatusChange(target, D(2026, 1, 2)))
    assert err.value.field == "status"
    assert len(cs.get_convention(ws, cid).events) == 1 + len(steps)


def test_closed_conventions_accept_nothing_and_termination_needs_a_reason(ws, world):
    cid = cs.create_convention(ws, draft(world)).id
    sign(ws, cid)
    with pytest.raises(ValidationError, match="motif") as err:
        cs.change_status(ws, cid, StatusChange("resiliee", D(2026, 2, 1)))
    assert err.value.field == "reason"
    with pytest.raises(ValidationError, match="précède la signature"):
        cs.change_status(ws, cid, StatusChange("en_cours", D(2025, 12, 1)))
    cs.change_status(ws, cid, StatusChange("echue", D(2027, 1, 1)))
    with pytest.raises(ValidationError, match="Elle est close"):
        cs.change_status(ws, cid, StatusChange("en_cours", D(2027, 1, 2)))


def test_signed_clauses_change_only_by_avenant_and_only_drafts_are_deleted(ws, world):
    cid = cs.create_convention(ws, draft(world)).id
    cv = cs.get_convention(ws, cid)
    cs.update_convention(ws, cid, replace(cv.as_input(), title="Mois de l'ESS"))
    assert cs.get_convention(ws, cid).title == "Mois de l'ESS"
    sign(ws, cid)
    with pytest.raises(ValidationError, match="que par avenant"):
        cs.update_convention(ws, cid, cs.get_convention(ws, cid).as_input())
    with pytest.raises(ValidationError, match="seul un brouillon"):
        cs.delete_convention(ws, cid)


def test_editing_keeps_installment_ids_and_tombstones_removed_rows(ws, world):
    cid = cs.create_convention(ws, draft(world)).id
    cv = cs.get_convention(ws, cid)
    first = cv.installments[0]
    data = cv.as_input()
    saved = cs.update_convention(ws, cid, replace(
        data,
        installments=(data.installments[0],),
        parties=(*data.parties, PartyInput(world["regie"], "partenaire", "Léa Martin",
                                           "Présidente")),
    ))
    cv = cs.get_convention(ws, cid)
    assert [i.id for i in cv.installments] == [first.id]
    assert [p.name for p in cv.partners] == ["Les Ateliers du Bocage", "Régie du Val de Sambre"]
    assert saved.changes.deleted and all(t == "installments" for t, _ in saved.changes.deleted)


def test_installment_payment_is_recorded_after_signature(ws, world):
    cid = cs.create_convention(ws, draft(world)).id
    inst = cs.get_convention(ws, cid).installments[0]
    with pytest.raises(ValidationError, match="signée"):
        cs.mark_installment_paid(ws, inst.id, D(2026, 1, 20))
    sign(ws, cid)
    cs.mark_installment_paid(ws, inst.id, D(2026, 1, 20))
    assert cs.get_convention(ws, cid).installments[0].paid_date == D(2026, 1, 20)


# --------------------------------------------------------------------------- avenants


def test_an_avenant_changes_the_consolidated_amount_from_its_signature(ws, world):
    parent = cs.create_convention(ws, draft(world), today=D(2025, 12, 1)).id
    with pytest.raises(ValidationError, match="signée ou en cours"):
        cs.create_convention(ws, cs.avenant_draft(ws, parent))
    sign(ws, parent)
    base = cs.avenant_draft(ws, parent)
    assert base.kind == "avenant" and base.parent_id == parent
    assert base.title.startswith("Avenant n° 1 à la convention 2025-MAU-001")
    av1 = cs.create_convention(ws, replace(base, amount_cents=1_250_000), today=D(2026, 3, 1))
    # Not signed yet: the parent keeps its values.
    assert cs.consolidated(ws, parent).amount_cents == 1_000_000
    sign(ws, av1.id, sent=D(2026, 3, 2), signed=D(2026, 3, 15))
    cons = cs.consolidated(ws, parent)
    assert (cons.amount_cents, cons.initial_amount_cents) == (1_250_000, 1_000_000)
    assert [plain(c) for c in cons.avenants[0].changes] == [
        "Le montant total est porté de 10 000,00 € à 12 500,00 € "
        "(douze mille cinq cents euros)."]
    # A second avenant prolongs the convention; both apply in signature order.
    av2 = cs.create_convention(ws, replace(cs.avenant_draft(ws, parent), end_date=D(2027, 6, 30)))
    sign(ws, av2.id, sent=D(2026, 9, 1), signed=D(2026, 9, 10))
    cons = cs.consolidated(ws, parent)
    assert (cons.amount_cents, cons.end_date, cons.start_date) == (
        1_250_000, D(2027, 6, 30), D(2026, 1, 1))
    assert [a.number for a in cons.avenants] == [av1.number, av2.number]
    # As it stood before the second signature:
    assert cs.consolidated(ws, parent, as_of=D(2026, 6, 1)).end_date == D(2026, 12, 31)
    # The list shows the consolidated values; an avenant of an avenant is refused.
    row = next(r for r in cs.list_conventions(ws) if r.id == parent)
    assert (row.amount_cents, row.end_date, row.amended) == (1_250_000, D(2027, 6, 30), True)
    with pytest.raises(ValidationError, match="pas un autre avenant"):
        cs.avenant_draft(ws, av1.id)
    assert [a.id for a in cs.get_convention(ws, parent).avenants] == [av1.id, av2.id]


# --------------------------------------------------------------------------- list


def test_list_filters_and_columns(ws, world):
    a = cs.create_convention(ws, draft(world), today=D(2026, 1, 5)).id
    cs.create_convention(ws, draft(world, kind="partenariat", title="Clauses d'insertion",
                                   parties=(PartyInput(world["regie"]),), action_id=None,
                                   start_date=D(2024, 9, 1), end_date=D(2025, 8, 31),
                                   amount_cents=None, installments=()),
                         today=D(2024, 8, 1))
    sign(ws, a, sent=D(2026, 1, 6), signed=D(2026, 1, 10))
    rows = cs.list_conventions(ws, today=D(2026, 1, 11))
    assert [r.number for r in rows] == ["2026-MAU-001", "2024-MAU-001"]
    top = rows[0]
    assert top.partners == "Les Ateliers du Bocage"
    assert top.period == "01/01/2026 – 31/12/2026"
    assert top.status_label == "Signée"
    assert top.next_deadline == D(2026, 1, 15)
    assert "versement de 5" in top.next_deadline_label
    one = lambda **f: [r.title for r in cs.list_conventions(ws, ConventionFilter(**f))]  # noqa: E731
    assert one(kind="partenariat") == ["Clauses d'insertion"]
    assert one(status="signee") == ["Mois de l'ESS 2026"]
    assert one(partner_id=world["regie"]) == ["Clauses d'insertion"]
    assert one(action_id=world["action"]) == ["Mois de l'ESS 2026"]
    assert one(year=2025) == ["Clauses d'insertion"]
    assert one(search="insertion regie") == ["Clauses d'insertion"]
    choices = cs.filter_choices(ws)
    assert choices.years == (2026, 2025, 2024)
    assert [name for _id, name in choices.partners] == ["Les Ateliers du Bocage",
                                                        "Régie du Val de Sambre"]
    assert [c for c, _l in cs.LIST_COLUMNS] == ["number", "title", "partners", "amount",
                                                "period", "status_label", "next_deadline_label"]


# --------------------------------------------------------------------------- alerts


def _meeting_with_sessions(ws, action_id, people, *, signed: bool, when: dt.date,
                           scanned: bool = False, title="COPIL 1"):
    with ws.unit(write=True) as s:
        m = Meeting(kind="copil", title=title, action_id=action_id, status="tenue")
        s.add(m)
        s.flush()
        session = MeetingSession(meeting_id=m.id, date=when, start_time=dt.time(9),
                                 end_time=dt.time(12), label="matin", sealed=signed)
        s.add(session)
        s.flush()
        for pid in people:
            s.add(Attendance(session_id=session.id, person_id=pid, status="present",
                             signature_sha256=("a" * 64) if signed else None))
        if scanned:
            if s.get(Blob, "b" * 64) is None:
                s.add(Blob(sha256="b" * 64, mime="application/pdf", size=1, data=b"%",
                           created_at=dt.datetime(2026, 1, 1)))
                s.flush()
            s.add(Attachment(owner_table="meetings", owner_id=m.id, blob_sha256="b" * 64,
                             filename="feuille.pdf", mime="application/pdf",
                             kind="emargement_scan", session_id=session.id))
    return m.id


def test_alerts_with_a_fixed_today(ws, world):
    today = D(2026, 11, 15)
    with ws.unit(write=True) as s:
        people = [Person(last_name=n, first_name="A") for n in ("Martin", "Durand")]
        s.add_all(people)
    pids = [p.id for p in people]
    ending = cs.create_convention(ws, draft(world), today=D(2025, 12, 1)).id
    sign(ws, ending)
    cs.change_status(ws, ending, StatusChange("en_cours", D(2026, 1, 2)))
    unsigned = cs.create_convention(ws, draft(world, title="Forum de l'emploi", action_id=None,
                                              required_evidence=()), today=D(2026, 9, 1)).id
    cs.change_status(ws, unsigned, StatusChange("envoyee", D(2026, 10, 1)))
    recent = cs.create_convention(ws, draft(world, title="Rallye", action_id=None,
                                            required_evidence=()), today=D(2026, 11, 1)).id
    cs.change_status(ws, recent, StatusChange("envoyee", D(2026, 11, 1)))
    # Meetings of the action: one signed and countersigned, one without signatures,
    # one whose paper sheet was scanned, one after today, one before the period.
    _meeting_with_sessions(ws, world["action"], pids, signed=True, when=D(2026, 3, 3))
    bad = _meeting_with_sessions(ws, world["action"], pids, signed=False, when=D(2026, 6, 9),
                                 title="COPIL 2")
    _meeting_with_sessions(ws, world["action"], pids, signed=False, when=D(2026, 9, 9),
                           scanned=True, title="GT5 – réunion 2")
    _meeting_with_sessions(ws, world["action"], pids, signed=False, when=D(2026, 12, 1),
                           title="COPIL 3")
    _meeting_with_sessions(ws, world["action"], pids, signed=False, when=D(2025, 10, 1),
                           title="Réunion préparatoire")

    found = cs.alerts(ws, today)
    by_code = {}
    for a in found:
        by_code.setdefault(a.code, []).append(a)
    assert set(by_code) == {"non_signee", "echeance", "fin_proche", "emargements_manquants"}
    assert [a.record_id for a in by_code["non_signee"]] == [unsigned]
    assert "45 jours" in by_code["non_signee"][0].message
    assert by_code["fin_proche"][0].record_id == ending
    assert "jeudi 31 décembre 2026" in by_code["fin_proche"][0].message
    assert "dans 46\xa0jours" in by_code["fin_proche"][0].message
    # Both installments of the running convention are unpaid and past due.
    assert [a.date for a in by_code["echeance"]] == [D(2026, 1, 15), D(2026, 7, 1)]
    assert "à la remise du bilan intermédiaire" in by_code["echeance"][1].message
    assert "en retard" in by_code["echeance"][0].message
    evidence = by_code["emargements_manquants"]
    assert len(evidence) == 1 and evidence[0].record_id == ending
    assert evidence[0].related_ids == (bad,)
    assert "1\xa0créneau sur 3" in evidence[0].message
    assert "COPIL 2 (09/06/2026 matin)\xa0: 2 signatures manquantes" in evidence[0].message
    # Paying the installments and ending the convention clears those alerts.
    for inst in cs.get_convention(ws, ending).installments:
        cs.mark_installment_paid(ws, inst.id, D(2026, 7, 2))
    codes = {a.code for a in cs.alerts(ws, today)}
    assert "echeance" not in codes
    cs.change_status(ws, ending, StatusChange("echue", D(2026, 12, 31)))
    assert {a.code for a in cs.alerts(ws, D(2027, 1, 5))} == {"non_signee",
                                                             "emargements_manquants"}


def test_installment_due_soon_and_convention_past_its_end(ws, world):
    cid = cs.create_convention(ws, draft(world, required_evidence=()), today=D(2025, 12, 1)).id
    sign(ws, cid)
    soon = {a.code: a for a in cs.alerts(ws, D(2026, 1, 5))}
    assert "prévue le jeudi 15 janvier 2026" in soon["echeance"].message
    assert cs.alerts(ws, D(2025, 12, 29)) == ()  # more than 15 days ahead: nothing yet
    for inst in cs.get_convention(ws, cid).installments:
        cs.mark_installment_paid(ws, inst.id, D(2026, 1, 10))
    late = cs.alerts(ws, D(2027, 2, 1))
    assert [a.code for a in late] == ["a_clore"]
    assert "passez-la à «\xa0Échue\xa0»" in late[0].message


def test_history_rows_are_synced_records(ws, world):
    cid = cs.create_convention(ws, draft(world)).id
    sign(ws, cid)
    with ws.unit() as s:
        events = s.query(ConventionEvent).filter_by(convention_id=cid).all()
        assert all(e.sync_vv and e.change_seq for e in events)
