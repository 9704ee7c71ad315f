"""RGPD: right of access (PDF + JSON), anonymisation, retention, consent."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass

import pdfplumber
import pytest
from sqlalchemy import func, select, update

from app.services import privacy
from app.services.audit import AuditFilter, list_audit
from app.services.reports import build_report
from app.services.workspace import open_workspace
from app.storage.ids import attendance_id, participant_id
from app.storage.stamping import stamped_connection
from app.storage.models import (
    Action,
    Affiliation,
    Attachment,
    Attendance,
    Blob,
    Meeting,
    MeetingSession,
    Organisation,
    Participant,
    Person,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"signature de Lea"
SHA = hashlib.sha256(PNG).hexdigest()
STROKES = b'[[[0.1,0.2,0.5,0]]]'


@dataclass
class Network:
    lea: str  # public accompagné, in a 2018 workshop only (retention ended 31/12/2023)
    marc: str  # technicien, in the 2018 workshop and a 2026 COPIL (action ending 2027)
    sophie: str  # élue, in the 2018 workshop only
    nadia: str  # public accompagnée, created now, never invited
    paul: str  # professionnel, in a meeting of an action without end date
    workshop: str
    action_2018: str
    session_2018: str


def build(ws) -> Network:
    with ws.unit(write=True) as s:
        a18 = Action(title="Accompagnement renforcé PLIE 2018", end_date=dt.date(2018, 6, 15))
        a27 = Action(title="Coordination ESS 2021-2027", end_date=dt.date(2027, 6, 15))
        open_ended = Action(title="Animation territoriale", end_date=None)
        org = Organisation(name="ACI Les Jardins de Puisaye", kind_code="aci")
        s.add_all([a18, a27, open_ended, org])
        s.flush()
        lea = Person(civility="Mme", last_name="Durand", first_name="Léa", email="lea.durand@example.fr",
                     mobile="+33612345678", category="public", is_beneficiary=True,
                     notes="Orientée par la Mission Locale", consent_date=dt.date(2018, 1, 10),
                     consent_source="formulaire papier")
        marc = Person(civility="M.", last_name="Martin", first_name="Marc", category="technicien",
                      email="marc.martin@example.fr", consent_date=dt.date(2020, 2, 1))
        sophie = Person(civility="Mme", last_name="Roux", first_name="Sophie", category="elu")
        nadia = Person(civility="Mme", last_name="Benali", first_name="Nadia", category="public", is_beneficiary=True)
        paul = Person(civility="M.", last_name="Lefèvre", first_name="Paul", category="professionnel_siae")
        s.add_all([lea, marc, sophie, nadia, paul])
        s.flush()
        s.add(Affiliation(person_id=lea.id, organisation_id=org.id, function="Salariée en insertion"))
        workshop = Meeting(kind="atelier", title="Atelier CV et lettre de motivation", action_id=a18.id, status="tenue")
        copil = Meeting(kind="copil", title="COPIL ESS n° 4", action_id=a27.id, status="tenue")
        animation = Meeting(kind="reunion_technique", title="Réunion technique IAE", action_id=open_ended.id)
        s.add_all([workshop, copil, animation])
        s.flush()
        s18 = MeetingSession(meeting_id=workshop.id, date=dt.date(2018, 3, 12), start_time=dt.time(9),
                             end_time=dt.time(12), label="matin")
        s26 = MeetingSession(meeting_id=copil.id, date=dt.date(2026, 3, 12), start_time=dt.time(14),
                             end_time=dt.time(17), label="apres_midi")
        s25 = MeetingSession(meeting_id=animation.id, date=dt.date(2015, 1, 8), start_time=dt.time(9),
                             end_time=dt.time(11))
        s.add_all([s18, s26, s25])
        s.flush()
        s.add(Blob(sha256=SHA, mime="image/png", size=len(PNG), data=PNG, created_at=dt.datetime(2018, 3, 12, 9, 5)))
        strokes_sha = hashlib.sha256(STROKES).hexdigest()
        s.add(Blob(sha256=strokes_sha, mime="application/json", size=len(STROKES), data=STROKES,
                   created_at=dt.datetime(2018, 3, 12, 9, 5)))
        s.flush()
        for p, m in ((lea, workshop), (marc, workshop), (sophie, workshop), (marc, copil), (paul, animation)):
            s.add(Participant(id=participant_id(m.id, p.id), meeting_id=m.id, person_id=p.id))
        lea_att = attendance_id(s18.id, lea.id)
        s.add(Attendance(id=lea_att, session_id=s18.id, person_id=lea.id, status="present",
                         arrival=dt.time(9), departure=dt.time(12), signature_sha256=SHA,
                         signed_at=dt.datetime(2018, 3, 12, 9, 5), mode="tablette"))
        s.add(Attendance(id=attendance_id(s18.id, marc.id), session_id=s18.id, person_id=marc.id, status="present"))
        s.add(Attendance(id=attendance_id(s18.id, sophie.id), session_id=s18.id, person_id=sophie.id, status="excuse"))
        s.add(Attachment(owner_table="attendance", owner_id=lea_att, blob_sha256=strokes_sha,
                         filename="signature.json", mime="application/json", kind="traces", session_id=s18.id))
    return Network(lea.id, marc.id, sophie.id, nadia.id, paul.id, workshop.id, a18.id, s18.id)


@pytest.fixture
def ws(tmp_path):
    w = open_workspace(tmp_path / "base.sqlite")
    yield w
    w.close()


@pytest.fixture
def net(ws) -> Network:
    return build(ws)


# --------------------------------------------------------------------------- right of access


def test_access_export_pdf_is_readable_and_names_the_meetings(ws, net, tmp_path):
    result = privacy.export_person_data(ws, net.lea, tmp_path / "lea.pdf", tmp_path / "lea.json")
    with pdfplumber.open(result.pdf_path) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        assert len(pdf.pages) == result.pages
    assert "Données personnelles détenues (droit d'accès)" in text
    assert "Durand Léa" in text and "lea.durand@example.fr" in text and "06 12 34 56 78" in text
    assert "Atelier CV et lettre de motivation" in text and "12/03/2018" in text
    assert "ACI Les Jardins de Puisaye" in text and "Salariée en insertion" in text
    assert "Consentement recueilli le 10/01/2018 (formulaire papier)" in text
    assert "Journal des modifications" in text and "Création" in text
    assert f"Page 1 / {result.pages}" in text


def test_access_export_json_holds_everything(ws, net, tmp_path):
    privacy.export_person_data(ws, net.lea, tmp_path / "lea.pdf", tmp_path / "lea.json")
    data = json.loads((tmp_path / "lea.json").read_text(encoding="utf-8"))
    assert data["personne"]["nom"] == "Durand" and data["personne"]["prenom"] == "Léa"
    assert data["personne"]["notes"] == "Orientée par la Mission Locale"
    assert data["consentement"] == {"date": "2018-01-10", "origine": "formulaire papier"}
    assert [f["structure"] for f in data["fonctions"]] == ["ACI Les Jardins de Puisaye"]
    assert [r["reunion"] for r in data["reunions"]] == ["Atelier CV et lettre de motivation"]
    [att] = data["emargements"]
    assert att["statut"] == "Présent(e)" and att["date"] == "2018-03-12"
    assert base64.b64decode(att["signature"]["contenu_base64"]) == PNG
    [strokes] = data["pieces_jointes"]
    assert base64.b64decode(strokes["contenu_base64"]) == STROKES
    tables = {e["enregistrement"] for e in data["journal"]}
    assert {"Contact", "Fonction", "Participant", "Émargement"} <= tables
    assert all("Durand" not in json.dumps(e) for e in data["journal"])
    # Other people's data is not in the file.
    assert "Martin" not in json.dumps(data, ensure_ascii=False)


def test_cli_privacy_export(ws, net, tmp_path, capsys):
    from app.cli import main as cli

    path = ws.path
    ws.close()
    code = cli(["privacy", "export", "lea.durand@example.fr", "--db", str(path),
                "--pdf", str(tmp_path / "a.pdf"), "--json", str(tmp_path / "a.json")])
    assert code == 0 and (tmp_path / "a.pdf").exists() and (tmp_path / "a.json").exists()
    assert cli(["privacy", "export", "Inconnu", "--db", str(path), "--pdf", str(tmp_path / "b.pdf")]) == 1
    assert "Aucune personne ne correspond" in capsys.readouterr().err


# --------------------------------------------------------------------------- erasure


def _indicators(ws, action_id):
    r = build_report(ws, action_id)
    return (r.meetings_by_kind, r.participants_by_category, r.participants_by_sex,
            r.distinct_participants, r.distinct_structures, r.hours)


def test_anonymisation_removes_identity_and_signatures_but_keeps_the_counts(ws, net):
    before = _indicators(ws, net.action_2018)
    with ws.unit() as s:
        counts_before = {m: s.execute(select(func.count()).select_from(m)).scalar_one()
                         for m in (Person, Attendance, Participant, Affiliation)}
    changes = privacy.anonymise_person(ws, net.lea)
    assert ("people", net.lea) in changes.updated
    with ws.unit() as s:
        p = s.get(Person, net.lea)
        assert p.erased and p.last_name.startswith("Personne anonymisée n° ")
        assert (p.first_name, p.email, p.mobile, p.phone, p.notes, p.consent_source) == ("",) * 6
        assert p.consent_date is None
        assert (p.civility, p.category, p.is_beneficiary) == ("Mme", "public", True)
        att = s.get(Attendance, attendance_id(net.session_2018, net.lea))
        assert att.status == "present" and att.signature_sha256 is None and att.erased
        assert (att.arrival, att.departure) == (dt.time(9), dt.time(12))
        assert s.get(Blob, SHA) is None  # the signature image is gone
        assert not s.execute(select(Blob).where(Blob.mime == "application/json", Blob.size > 0)).first()
        strokes = s.execute(select(Attachment).where(Attachment.owner_id == att.id)).scalar_one()
        assert strokes.deleted and strokes.erased
        counts_after = {m: s.execute(select(func.count()).select_from(m)).scalar_one()
                        for m in (Person, Attendance, Participant, Affiliation)}
    assert counts_after == counts_before
    assert _indicators(ws, net.action_2018) == before
    [entry] = list_audit(ws, AuditFilter(record_id=net.lea, operation="anonymisation")).rows
    assert "last_name" in entry.fields and "RGPD" in entry.reason
    assert privacy.anonymise_person(ws, net.lea) == privacy.ChangeSet()  # idempotent


def test_a_duplicate_merged_into_the_person_is_anonymised_with_it(ws, net, tmp_path):
    with ws.unit(write=True) as s:
        dup = Person(last_name="DURAND", first_name="Lea", email="l.durand@example.fr", category="public",
                     is_beneficiary=True, merged_into=net.lea)
        s.add(dup)
    privacy.export_person_data(ws, net.lea, tmp_path / "a.pdf", tmp_path / "a.json")
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert [m["courriel"] for m in data["fiches_fusionnees"]] == ["l.durand@example.fr"]
    changes = privacy.anonymise_person(ws, net.lea)
    assert ("people", dup.id) in changes.updated
    with ws.unit() as s:
        d = s.get(Person, dup.id)
        assert d.erased and d.email == "" and d.last_name.startswith("Personne anonymisée")


def test_the_neutral_label_is_the_same_on_every_machine(net):
    assert privacy.anonymous_label(net.lea) == privacy.anonymous_label(net.lea)
    assert privacy.anonymous_label(net.lea) != privacy.anonymous_label(net.marc)


def test_a_signature_image_shared_with_someone_else_is_kept(ws, net):
    with ws.unit(write=True) as s:
        s.get(Attendance, attendance_id(net.session_2018, net.marc)).signature_sha256 = SHA
    privacy.anonymise_person(ws, net.lea)
    with ws.unit() as s:
        assert s.get(Blob, SHA) is not None


def test_concurrent_values_of_identifying_fields_are_dropped(ws, net):
    stamp = [1, "autre-site", 1]
    siblings = {"email": [["ancienne@example.fr", stamp]], "category": [["autre", stamp]]}
    with ws.unit(write=True) as s, stamped_connection(s) as conn:  # as the sync import would
        conn.execute(update(Person).where(Person.id == net.lea).values(sync_siblings=siblings))
    privacy.anonymise_person(ws, net.lea)
    with ws.unit() as s:
        assert s.get(Person, net.lea).sync_siblings == {"category": [["autre", stamp]]}


def test_free_texts_mentioning_the_person_are_reported(ws, net):
    with ws.unit(write=True) as s:
        s.get(Meeting, net.workshop).minutes = "Mme DURAND a présenté son parcours."
    assert [t for _i, t in privacy.mentions_of_person(ws, net.lea)] == ["Atelier CV et lettre de motivation"]


def test_anonymise_many_reports_progress_and_stops_on_cancel(ws, net):
    seen = []
    result = privacy.anonymise_many(ws, [net.lea, "inconnu", net.sophie],
                                    progress=lambda d, t, m: seen.append((d, t)))
    assert result.done == (net.lea, net.sophie) and not result.cancelled
    assert result.failed[0][0] == "inconnu" and seen[-1] == (3, 3)
    calls = iter([False, True])
    result = privacy.anonymise_many(ws, [net.marc, net.paul], cancel=lambda: next(calls))
    assert result.cancelled and result.done == (net.marc,)
    with ws.unit() as s:
        assert not s.get(Person, net.paul).erased


def test_cli_anonymise_asks_for_confirmation(ws, net, capsys, monkeypatch):
    from app.cli import main as cli

    path = ws.path
    ws.close()
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    assert cli(["privacy", "anonymise", net.lea, "--db", str(path)]) == 1
    assert "--yes" in capsys.readouterr().err
    assert cli(["privacy", "anonymise", "Durand Léa", "--db", str(path), "--yes"]) == 0
    assert "anonymisée" in capsys.readouterr().out
    with open_workspace(path) as again, again.unit() as s:
        assert s.get(Person, net.lea).erased


# --------------------------------------------------------------------------- retention


def test_default_retention_end():
    assert privacy.default_retention_end(dt.date(2027, 6, 15)) == dt.date(2032, 12, 31)
    assert privacy.default_retention_end(dt.date(2027, 12, 31)) == dt.date(2032, 12, 31)
    assert privacy.default_retention_end(dt.date(2028, 1, 1)) == dt.date(2033, 12, 31)
    assert privacy.default_retention_end(None) is None


def test_an_explicit_retention_end_wins_over_the_default(ws, net):
    with ws.unit(write=True) as s:
        s.get(Action, net.action_2018).retention_end = dt.date(2028, 12, 31)  # scheme with 10 years
    assert privacy.person_retention(ws, net.lea).retention_end == dt.date(2028, 12, 31)
    assert privacy.people_due_for_anonymisation(ws, dt.date(2026, 1, 1)) == []


def test_due_list_follows_the_documented_rule(ws, net):
    due = privacy.people_due_for_anonymisation(ws, dt.date(2026, 1, 1))
    by_id = {d.person_id: d for d in due}
    # Léa (public, 2018 only) and Sophie (élue, 2018 only) are due; Marc also sat in a 2026
    # COPIL of an action ending in 2027; Nadia was created today; Paul's action has no end.
    assert set(by_id) == {net.lea, net.sophie}
    lea = by_id[net.lea]
    assert lea.retention_end == dt.date(2023, 12, 31) and lea.last_activity == dt.date(2018, 3, 12)
    assert lea.category_label == "Public accompagné" and lea.actions == ("Accompagnement renforcé PLIE 2018",)
    assert privacy.people_due_for_anonymisation(ws, dt.date(2023, 12, 31)) == []
    # A public accompagné never invited anywhere: five years after the end of its creation year.
    later = dt.date(dt.date.today().year + 6, 1, 1)
    assert net.nadia in {d.person_id for d in privacy.people_due_for_anonymisation(ws, later)}
    privacy.anonymise_person(ws, net.lea)
    assert net.lea not in {d.person_id for d in privacy.people_due_for_anonymisation(ws, dt.date(2026, 1, 1))}


def test_cli_privacy_due(ws, net, capsys):
    from app.cli import main as cli

    path = ws.path
    ws.close()
    assert cli(["privacy", "due", "--db", str(path), "--date", "01/01/2026", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in rows} == {net.lea, net.sophie}
    assert cli(["privacy", "due", "--db", str(path), "--date", "2026-01-01"]) == 0
    assert "2 personnes dont la durée de conservation est échue\u00a0:" in capsys.readouterr().out


# --------------------------------------------------------------------------- consent


@dataclass(frozen=True)
class ContactRow:
    consent_date: dt.date | None
    erased: bool = False


def test_only_people_with_a_recorded_consent_can_be_contacted(ws, net):
    assert privacy.can_contact(ContactRow(dt.date(2024, 1, 1)))
    assert not privacy.can_contact(ContactRow(None))
    assert not privacy.can_contact(ContactRow(dt.date(2024, 1, 1), erased=True))
    with ws.unit() as s:
        assert privacy.can_contact(s.get(Person, net.marc))
        assert not privacy.can_contact(s.get(Person, net.sophie))
        ids = set(s.execute(select(Person.id).where(privacy.contactable_clause())).scalars())
    assert ids == {net.lea, net.marc}
    privacy.anonymise_person(ws, net.lea)
    with ws.unit() as s:
        assert not privacy.can_contact(s.get(Person, net.lea))
        assert set(s.execute(select(Person.id).where(privacy.contactable_clause())).scalars()) == {net.marc}
