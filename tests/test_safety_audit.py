"""The audit log: who, when, which record, which fields — never the personal values."""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import sqlite3

import pytest
from sqlalchemy import insert

from app.services.audit import AuditFilter, audit_reason, export_audit_csv, list_audit
from app.services.workspace import open_workspace
from app.storage.ids import new_id
from app.storage.models import Meeting, MeetingSession, Organisation, Person
from app.storage.stamping import applying_remote_rows, bulk_insert, stamped_connection

SECRET_VALUES = ("Zébulon", "Anaïs", "anais.zebulon@example.fr", "+33612345678", "Suivie par le SPIP")


@pytest.fixture
def ws(tmp_path):
    w = open_workspace(tmp_path / "base.sqlite")
    yield w
    w.close()


def _entries(ws, **filters):
    return list(list_audit(ws, AuditFilter(**filters), 0, 1000).rows)


def _beneficiary(ws) -> str:
    with ws.unit(write=True) as s:
        p = Person(civility="Mme", last_name="Zébulon", first_name="Anaïs", email="anais.zebulon@example.fr",
                   mobile="+33612345678", category="public", is_beneficiary=True, notes="Suivie par le SPIP")
        s.add(p)
    return p.id


def test_create_update_delete_record_who_when_what_and_which_fields(ws):
    before = dt.datetime.now().replace(microsecond=0)
    pid = _beneficiary(ws)
    with ws.unit(write=True) as s:
        s.get(Person, pid).email = "autre@example.fr"
    with ws.unit(write=True) as s:
        s.get(Person, pid).deleted = True
    rows = sorted(_entries(ws, record_id=pid), key=lambda r: r.id)
    assert [r.operation for r in rows] == ["creation", "modification", "suppression"]
    created, updated, deleted = rows
    assert {"last_name", "first_name", "email", "mobile", "notes", "category"} <= set(created.fields)
    assert updated.fields == ("email",) and updated.fields_label == "courriel"
    assert deleted.fields == ("deleted",) and deleted.operation_label == "Suppression"
    for r in rows:
        assert r.os_user == getpass.getuser() and r.site_id == ws.site_id
        assert r.table == "people" and r.table_label == "Contact"
        assert before <= r.at <= dt.datetime.now()


def test_the_log_never_holds_personal_values(ws):
    pid = _beneficiary(ws)
    with ws.unit(write=True) as s:
        with audit_reason(s, "Correction demandée par la personne"):
            s.get(Person, pid).notes = "Suivie par le SPIP (bis)"
    raw = sqlite3.connect(ws.path)
    try:
        text = " ".join(str(v) for row in raw.execute("SELECT * FROM audit_log") for v in row)
    finally:
        raw.close()
    assert pid in text
    for value in SECRET_VALUES:
        assert value not in text


def test_a_reason_is_attached_and_unsealing_is_named(ws):
    with ws.unit(write=True) as s:
        m = Meeting(kind="formation", title="Formation des encadrants techniques")
        s.add(m)
        s.flush()
        sess = MeetingSession(meeting_id=m.id, date=dt.date(2026, 5, 12), start_time=dt.time(9),
                              end_time=dt.time(12), sealed=True, sealed_by="Claire Formatrice")
        s.add(sess)
    with ws.unit(write=True) as s:
        with audit_reason(s, "Signature oubliée par une participante"):
            s.get(MeetingSession, sess.id).sealed = False
    [entry] = _entries(ws, record_id=sess.id, operation="deverrouillage")
    assert entry.operation_label == "Déverrouillage de créneau scellé"
    assert entry.reason == "Signature oubliée par une participante"
    assert entry.record_label.startswith("Formation des encadrants techniques – 12/05/2026")
    # The reason does not leak into later units of work.
    with ws.unit(write=True) as s:
        s.get(MeetingSession, sess.id).label = "matin"
    [later] = _entries(ws, record_id=sess.id, operation="modification")
    assert later.reason == ""


def test_bulk_insert_writes_one_summary_entry_per_batch(ws):
    with ws.unit(write=True) as s:
        bulk_insert(s, Organisation, [{"name": f"Structure {i}", "city": "Auxerre"} for i in range(500)])
    rows = _entries(ws, table="organisations")
    assert len(rows) == 1
    [batch] = rows
    assert batch.operation == "creation-lot" and batch.operation_label == "Création en lot"
    assert batch.reason == "Lot de 500 enregistrements" and set(batch.fields) == {"name", "city"}


def test_rows_applied_from_a_sync_file_are_not_logged(ws):
    other, remote_id, batch_id = new_id(), new_id(), new_id()
    stamp = [1 << 40, other, 7]
    with ws.unit(write=True) as s:
        with applying_remote_rows(s):
            s.add(Person(id=remote_id, last_name="Venue d'ailleurs", sync_vv={other: 7}, sync_hlc=stamp[0],
                         sync_site=other, sync_counter=7, sync_fields={"_": stamp}))
            s.flush()
            with stamped_connection(s) as conn:
                conn.execute(insert(Organisation.__table__), [{
                    "id": batch_id, "name": "Structure distante", "sync_vv": {other: 8}, "sync_hlc": stamp[0] + 1,
                    "sync_site": other, "sync_counter": 8, "sync_fields": {"_": stamp}, "change_seq": 99,
                }])
    assert _entries(ws, record_id=remote_id) == []
    assert _entries(ws, record_id=batch_id) == []


def test_filters_and_paging_happen_in_sql(ws):
    pid = _beneficiary(ws)
    with ws.unit(write=True) as s:
        for i in range(30):
            s.get(Person, pid).phone = f"+3338612{i:04d}"
            s.flush()
    page = list_audit(ws, AuditFilter(record_id=pid, operation="modification"), offset=10, limit=5)
    assert page.total == 30 and len(page.rows) == 5
    all_ids = [r.id for r in list_audit(ws, AuditFilter(record_id=pid, operation="modification"), 0, 100).rows]
    assert [r.id for r in page.rows] == all_ids[10:15]  # newest first
    assert list_audit(ws, AuditFilter(os_user="personne-inconnue")).total == 0
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert list_audit(ws, AuditFilter(since=tomorrow)).total == 0
    assert list_audit(ws, AuditFilter(until=dt.date.today(), record_id=pid)).total == 31


def test_csv_export_for_french_excel(ws, tmp_path):
    pid = _beneficiary(ws)
    with ws.unit(write=True) as s:
        org = Organisation(name="Régie de quartier")
        s.add(org)
    with ws.unit(write=True) as s:
        with audit_reason(s, "=HYPERLINK(\"http://exemple\")"):
            s.get(Organisation, org.id).city = "Sens"
    out = tmp_path / "journal.csv"
    n = export_audit_csv(ws, out, AuditFilter(since=dt.date.today()))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0][:5] == ["Date", "Heure", "Utilisateur", "Site", "Opération"]
    assert len(rows) == n + 1
    today = dt.date.today().strftime("%d/%m/%Y")
    assert all(r[0] == today for r in rows[1:])
    modified = [r for r in rows if r[4] == "Modification"]
    assert modified[0][9] == "'=HYPERLINK(\"http://exemple\")"  # formula neutralised
    assert modified[0][6] == "Régie de quartier" and modified[0][8] == "commune"
    # A public accompagné is not named in the exported file.
    [person_row] = [r for r in rows if r[7] == pid]
    assert person_row[6] == "Public accompagné (nom masqué)"
    assert "Zébulon" not in raw.decode("utf-8-sig")


def test_cli_audit_list_and_export(ws, tmp_path, capsys):
    from app.cli import main as cli
    import json

    pid = _beneficiary(ws)
    path = ws.path
    ws.close()
    assert cli(["audit", "list", "--db", str(path), "--record", pid, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 1 and data["entries"][0]["operation"] == "creation"
    assert cli(["audit", "export", str(tmp_path / "j.csv"), "--db", str(path)]) == 0
    assert "exportée" in capsys.readouterr().out
    assert cli(["audit", "export", str(tmp_path / "j.txt"), "--db", str(path)]) == 1
    assert ".csv" in capsys.readouterr().err
