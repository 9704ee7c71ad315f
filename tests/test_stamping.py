"""Every write through the services is stamped in one place; nothing bypasses it."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from sqlalchemy import text, update

from app.errors import WriteBypassError
from app.services.workspace import open_workspace
from app.storage.ids import attendance_id, participant_id
from app.storage.models import (
    Attendance,
    Meeting,
    MeetingSession,
    Organisation,
    Participant,
    Person,
    SyncState,
)
from app.storage.stamping import bulk_insert


@pytest.fixture
def ws(tmp_path):
    w = open_workspace(tmp_path / "base.sqlite")
    yield w
    w.close()


def _state(ws):
    with ws.unit() as s:
        st = s.get(SyncState, 1)
        return st.counter, st.hlc, st.change_seq


def test_create_stamps_vector_clock_fields_and_change_counter(ws):
    before = _state(ws)
    with ws.unit(write=True) as s:
        org = Organisation(name="COORACE", kind_code="federation")
        s.add(org)
    with ws.unit() as s:
        org = s.get(Organisation, org.id)
        counter, hlc, seq = _state(ws)
        assert counter == before[0] + 1 and seq == before[2] + 1
        assert org.sync_vv == {ws.site_id: counter}
        assert [org.sync_hlc, org.sync_site, org.sync_counter] == [hlc, ws.site_id, counter]
        assert org.sync_fields == {"_": [hlc, ws.site_id, counter]}
        assert org.change_seq == seq
        assert not org.deleted and org.deleted_vv is None
        assert len(org.id) == 36 and org.id[14] == "7"  # UUIDv7 text


def test_update_stamps_only_the_changed_fields(ws):
    with ws.unit(write=True) as s:
        org = Organisation(name="Regain", kind_code="aci")
        s.add(org)
    with ws.unit() as s:
        created = s.get(Organisation, org.id)
        base = created.sync_fields["_"]
    with ws.unit(write=True) as s:
        s.get(Organisation, org.id).city = "Auxerre"
    with ws.unit() as s:
        org = s.get(Organisation, org.id)
        counter, hlc, seq = _state(ws)
        assert org.sync_fields["_"] == base
        assert org.sync_fields["city"] == [hlc, ws.site_id, counter]
        assert "name" not in org.sync_fields
        assert org.sync_vv[ws.site_id] == counter
        assert org.sync_hlc > base[0] and org.change_seq == seq


def test_an_edit_without_change_writes_no_stamp(ws):
    with ws.unit(write=True) as s:
        org = Organisation(name="APEAS")
        s.add(org)
    before = _state(ws)
    with ws.unit(write=True) as s:
        s.get(Organisation, org.id).name = "APEAS"
    assert _state(ws) == before


def test_delete_is_a_stamped_tombstone_and_physical_delete_is_refused(ws):
    with ws.unit(write=True) as s:
        org = Organisation(name="Inter-Made")
        s.add(org)
    with pytest.raises(WriteBypassError):
        with ws.unit(write=True) as s:
            s.delete(s.get(Organisation, org.id))
    with ws.unit(write=True) as s:
        s.get(Organisation, org.id).deleted = True
    with ws.unit() as s:
        org = s.get(Organisation, org.id)
        counter, _hlc, _seq = _state(ws)
        assert org.deleted and org.deleted_vv == {ws.site_id: counter}
        assert org.sync_fields["deleted"][2] == counter


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO organisations (id, name) VALUES ('x', 'y')",
        "UPDATE organisations SET name = 'z'",
        "delete from people",
        'UPDATE "attendance" SET status = \'absent\'',
    ],
)
def test_raw_sql_writes_to_synced_tables_are_refused(ws, statement):
    with pytest.raises(WriteBypassError, match="passez par les services"):
        with ws.unit(write=True) as s:
            s.execute(text(statement))


def test_core_update_bypassing_the_orm_is_refused(ws):
    with pytest.raises(WriteBypassError):
        with ws.unit(write=True) as s:
            s.execute(update(Organisation).values(name="x"))


def test_refused_write_leaves_the_database_unchanged(ws):
    with ws.unit(write=True) as s:
        s.add(Organisation(name="ESIA"))
    before = _state(ws)
    with pytest.raises(WriteBypassError):
        with ws.unit(write=True) as s:
            s.add(Organisation(name="RAMSESS"))
            s.flush()
            s.execute(text("DELETE FROM organisations"))
    assert _state(ws) == before
    assert ws.count(Organisation) == 1


def test_participants_and_attendance_get_ids_from_their_natural_key(ws):
    import datetime as dt

    with ws.unit(write=True) as s:
        person = Person(last_name="Attoumani", first_name="Zaïnaba")
        meeting = Meeting(kind="copil", title="COPIL n° 4")
        s.add_all([person, meeting])
        s.flush()
        session = MeetingSession(meeting_id=meeting.id, date=dt.date(2026, 5, 12),
                                 start_time=dt.time(9), end_time=dt.time(12, 30), label="matin")
        s.add(session)
        s.flush()
        part = Participant(meeting_id=meeting.id, person_id=person.id)
        att = Attendance(session_id=session.id, person_id=person.id, status="present")
        s.add_all([part, att])
    assert part.id == participant_id(meeting.id, person.id)
    assert att.id == attendance_id(session.id, person.id)


def test_bulk_insert_stamps_like_the_flush_hook(ws):
    rows = [{"name": f"Structure {i}"} for i in range(3)]
    before = _state(ws)
    with ws.unit(write=True) as s:
        assert bulk_insert(s, Organisation, rows) == 3
    with ws.unit() as s:
        orgs = s.query(Organisation).order_by(Organisation.sync_counter).all()
    counters = [o.sync_counter for o in orgs]
    assert counters == [before[0] + 1, before[0] + 2, before[0] + 3]
    assert all(o.sync_vv == {ws.site_id: o.sync_counter} for o in orgs)
    assert len({o.change_seq for o in orgs}) == 3


def test_clock_never_goes_backwards_even_if_the_wall_clock_does(ws, monkeypatch):
    import app.storage.stamping as stamping

    with ws.unit(write=True) as s:
        s.add(Organisation(name="A"))
    _c, hlc_before, _s = _state(ws)
    monkeypatch.setattr(stamping, "physical_hlc", lambda now=None: 0)
    with ws.unit(write=True) as s:
        s.add(Organisation(name="B"))
    assert _state(ws)[1] == hlc_before + 1


def test_a_copied_database_file_becomes_a_new_site(tmp_path):
    original = tmp_path / "antenne.sqlite"
    with open_workspace(original) as ws:
        with ws.unit(write=True) as s:
            s.add(Organisation(name="CDR Mayotte"))
        first_site = ws.site_id
    with sqlite3.connect(original) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = tmp_path / "copie.sqlite"
    shutil.copyfile(original, copy)
    with open_workspace(copy) as ws:
        assert ws.site_id != first_site
        with ws.unit() as s:
            st = s.get(SyncState, 1)
            assert st.previous_site_ids == [first_site] and st.counter == 0
            s.rollback()
        with ws.unit(write=True) as s:
            org = Organisation(name="Relais Chantiers")
            s.add(org)
        assert org.sync_vv == {ws.site_id: 1}
    with open_workspace(original) as ws:
        assert ws.site_id == first_site
