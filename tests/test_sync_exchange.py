"""Two and three machines exchanging files: deltas, acknowledgements, idempotence, order,
conflicts and their resolution, deletion against edit, erasure, images, clocks, copies."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services.privacy import anonymise_person
from app.services.workspace import open_workspace
from app.storage import stamping
from app.storage.models import (
    Affiliation,
    Attendance,
    Blob,
    Meeting,
    MeetingSession,
    Organisation,
    Person,
    Setting,
    SyncFile,
    SyncState,
)
from app.sync import crypto, state
from app.sync.errors import SyncCancelled, UnknownSigningKey, WrongPassphrase
from app.sync.service import (
    conflicts,
    export_file,
    has_network_passphrase,
    resolve_conflict,
    restore_deleted,
    set_network_passphrase,
    status,
)
from test_sync_support import PASSPHRASE, Site, database_picture, exchange, fast_kdf, sites  # noqa: F401


def _org(site: Site, **values) -> str:  # noqa: ANN003
    with site.ws.unit(write=True) as s:
        o = Organisation(**{"name": "Régie de quartier", "kind_code": "regie", **values})
        s.add(o)
    return o.id


def _edit(site: Site, model: type, rid: str, **values) -> None:  # noqa: ANN003
    with site.ws.unit(write=True) as s:
        obj = s.get(model, rid)
        for k, v in values.items():
            setattr(obj, k, v)


def _get(site: Site, model: type, rid: str):  # noqa: ANN202
    with site.ws.unit() as s:
        return s.get(model, rid)


def _counter(site: Site) -> tuple[int, int, int]:
    with site.ws.unit() as s:
        st = s.get(SyncState, 1)
        return st.counter, st.hlc, st.change_seq


def _rows(path: Path, site: Site, to: Site | None = None, **kw) -> dict[str, int]:  # noqa: ANN003
    return export_file(site.ws, path, to_site=to.site_id if to else None, passphrase=PASSPHRASE, **kw).counts


def test_first_file_is_complete_then_deltas_hold_only_what_changed(sites, tmp_path) -> None:  # noqa: ANN001
    a, b = sites("siege", "avallon")
    ids = [_org(a, name=f"Structure {i}") for i in range(3)]
    first = a.export(b if False else None)
    report = b.load(first)
    assert report.created == 3 and report.origin_name == "siege"
    assert b.dump() == a.dump()
    a.load(b.export(a))  # B acknowledges

    _edit(a, Organisation, ids[1], city="Sens")
    delta = _rows(tmp_path / "delta.msync", a, b)
    assert delta == {"organisations": 1}
    full = _rows(tmp_path / "full.msync", a, b, full=True)
    assert full["organisations"] == 3 and full["organisation_kinds"] > 20
    b.load(tmp_path / "delta.msync")
    assert b.dump() == a.dump()


def test_files_are_cumulative_until_acknowledged_and_a_lost_file_is_harmless(sites) -> None:  # noqa: ANN001
    a, b = sites("siege", "avallon")
    ids = [_org(a, name=f"S{i}") for i in range(3)]
    exchange(a, b)
    _edit(a, Organisation, ids[0], city="Sens")
    lost = a.export(b)  # never arrives
    _edit(a, Organisation, ids[1], city="Joigny")
    second = a.export(b)
    report = b.load(second)
    assert report.updated == 2  # the lost file's change came along
    assert b.dump() == a.dump()
    a.load(b.export(a))  # acknowledgement
    empty = a.export(b)
    assert b.load(empty).tables == {}
    # the lost file turns up later: nothing changes
    before = b.dump(), _counter(b)
    late = b.load(lost)
    assert late.updated == late.created == 0 and b.dump() == before[0] and _counter(b) == before[1]


def test_reimport_changes_nothing_and_leaves_nothing_to_export(sites) -> None:  # noqa: ANN001
    a, b = sites("siege", "avallon")
    _org(a, name="COORACE")
    f = a.export()
    b.load(f)
    picture = database_picture(b.path)
    again = b.load(f)
    assert again.already_imported
    assert database_picture(b.path) == picture
    # the same content in another file: every row skipped, no change counter moved
    f2 = a.export(full=True)
    before = _counter(b)
    report = b.load(f2)
    assert report.created == report.updated == 0 and report.skipped > 0
    assert _counter(b) == before
    # and B has nothing new for A
    a.load(b.export(a))
    b.load(a.export(b))
    assert a.load(b.export(a)).tables == {}


def test_out_of_order_and_stale_files(sites) -> None:  # noqa: ANN001
    a, b, c = sites("siege", "avallon", "puisaye")
    rid = _org(a, name="Tremplin")
    f1 = a.export()
    _edit(a, Organisation, rid, city="Sens")
    f2 = a.export()
    _edit(a, Organisation, rid, city="Auxerre", notes="Vu en COPIL")
    f3 = a.export()
    for f in (f3, f1, f2, f3):
        b.load(f)
    for f in (f2, f3, f1):
        c.load(f)
    assert a.dump() == b.dump() == c.dump()
    assert _get(b, Organisation, rid).city == "Auxerre"
    assert conflicts(b.ws) == [] and conflicts(c.ws) == []


def test_concurrent_edits_conflict_then_resolution_propagates_everywhere(sites) -> None:  # noqa: ANN001
    a, b, c = sites("siege", "avallon", "puisaye")
    rid = _org(a, name="Régie", city="Sens")
    f = a.export()
    b.load(f)
    c.load(f)
    _edit(a, Organisation, rid, city="Auxerre")
    _edit(b, Organisation, rid, city="Avallon", phone="+33386000000")  # phone: B only
    fa, fb = a.export(), b.export()
    a.load(fb)
    b.load(fa)
    c.load(fb)
    c.load(fa)
    assert a.dump() == b.dump() == c.dump()
    for site in (a, b, c):
        [conflict] = conflicts(site.ws)
        assert (conflict.table, conflict.record_id, conflict.field) == ("organisations", rid, "city")
        assert {v.value for v in conflict.values} == {"Auxerre", "Avallon"}
        assert {v.site_name for v in conflict.values} == {"siege", "avallon"}
        assert conflict.shown == conflict.values[0].value
    assert _get(a, Organisation, rid).phone == "+33386000000"

    changes = resolve_conflict(c.ws, "organisations", rid, "city", "Auxerre")
    assert changes.updated == (("organisations", rid),)
    assert conflicts(c.ws) == []
    fc = c.export()
    a.load(fc)
    b.load(fc)
    for site in (a, b, c):
        assert conflicts(site.ws) == []
        assert _get(site, Organisation, rid).city == "Auxerre"
    assert a.dump() == b.dump() == c.dump()


def test_sequential_edits_are_never_a_conflict(sites) -> None:  # noqa: ANN001
    a, b = sites("siege", "avallon")
    rid = _org(a, name="Régie", city="Sens")
    exchange(a, b)
    _edit(b, Organisation, rid, city="Joigny")
    exchange(b, a)
    _edit(a, Organisation, rid, city="Tonnerre")
    exchange(a, b)
    assert conflicts(a.ws) == conflicts(b.ws) == []
    assert _get(b, Organisation, rid).city == "Tonnerre"


def test_delete_against_concurrent_edit_is_a_conflict_with_one_call_restore(sites) -> None:  # noqa: ANN001
    a, b = sites("siege", "avallon")
    rid = _org(a, name="Régie", city="Sens")
    exchange(a, b)
    _edit(a, Organisation, rid, deleted=True)
    _edit(b, Organisation, rid, city="Joigny")
    fa, fb = a.export(b), b.export(a)
    a.load(fb)
    b.load(fa)
    assert a.dump() == b.dump()
    for site in (a, b):
        [conflict] = conflicts(site.ws)
        assert conflict.kind == "suppression" and conflict.field == "deleted"
        assert conflict.message == "modifié ailleurs pendant sa suppression ici"
        assert [v.field for v in conflict.values] == ["deleted", "city"]
        assert _get(site, Organisation, rid).deleted
    changes = restore_deleted(a.ws, "organisations", rid)
    assert changes.updated == (("organisations", rid),)
    b.load(a.export(b))
    for site in (a, b):
        obj = _get(site, Organisation, rid)
        assert not obj.deleted and obj.city == "Joigny"
        assert conflicts(site.ws) == []


def test_confirming_a_deletion_closes_the_conflict(sites) -> None:  # noqa: ANN001
    a, b = sites("siege", "avallon")
    rid = _org(a, name="Régie")
    exchange(a, b)
    _edit(a, Organisation, rid, deleted=True)
    _edit(b, Organisation, rid, notes="modifiée")
    a.load(b.export(a))
    assert len(conflicts(a.ws)) == 1
    changes = resolve_conflict(a.ws, "organisations", rid, "deleted", True)
    assert changes.deleted == (("organisations", rid),)
    b.load(a.export(b))
    assert conflicts(a.ws) == conflicts(b.ws) == []
    assert _get(b, Organisation, rid).deleted


def test_erasure_wins_against_older_files_and_concurrent_edits(sites) -> None:  # noqa: ANN001
    a, b, c = sites("siege", "avallon", "puisaye")
    with a.ws.unit(write=True) as s:
        p = Person(last_name="Martin", first_name="Jeanne", email="jeanne.martin@example.org",
                   category="public", is_beneficiary=True)
        s.add(p)
    pid = p.id
    old = a.export()
    b.load(old)
    _edit(b, Person, pid, email="j.martin@example.org", notes="suivi")  # concurrent with the erasure
    fb = b.export()
    anonymise_person(a.ws, pid)
    fa = a.export()
    for f in (old, fb):
        a.load(f)
    b.load(fa)
    b.load(old)
    c.load(fa)
    c.load(fb)
    c.load(old)
    for site in (a, b, c):
        person = _get(site, Person, pid)
        assert person.erased and person.email == "" and person.notes == "" and person.first_name == ""
        text = "\n".join(database_picture(site.path))
        assert "jeanne.martin@example.org" not in text and "j.martin@example.org" not in text
    assert a.dump() == b.dump() == c.dump()


def _signature_setup(site: Site) -> tuple[str, str, str]:
    png = b"\x89PNG\r\n\x1a\n" + hashlib.sha256(site.name.encode()).digest() * 40
    sha = hashlib.sha256(png).hexdigest()
    with site.ws.unit(write=True) as s:
        s.add(Blob(sha256=sha, mime="image/png", size=len(png), data=png,
                   created_at=dt.datetime(2026, 3, 2, 9, 0)))
        person = Person(last_name="Durand", first_name="Ali")
        meeting = Meeting(kind="copil", title="CP4 – ressourcerie")
        s.add_all([person, meeting])
        s.flush()
        session = MeetingSession(meeting_id=meeting.id, date=dt.date(2026, 3, 2),
                                 start_time=dt.time(9), end_time=dt.time(12), label="matin")
        s.add(session)
        s.flush()
        att = Attendance(session_id=session.id, person_id=person.id, status="present",
                         signature_sha256=sha, signed_at=dt.datetime(2026, 3, 2, 9, 5), mode="tablette")
        s.add(att)
    return sha, att.id, session.id


def test_signature_images_travel_once_per_peer(sites, tmp_path) -> None:  # noqa: ANN001
    a, b = sites("siege", "avallon")
    sha, att_id, _sid = _signature_setup(a)
    first = export_file(a.ws, tmp_path / "1.msync", passphrase=PASSPHRASE)
    assert first.blobs == 1
    report = b.load(tmp_path / "1.msync")
    assert report.blobs == 1
    with b.ws.unit() as s:
        assert s.get(Blob, sha).data.startswith(b"\x89PNG")
    a.load(b.export(a))  # acknowledgement
    _edit(a, Attendance, att_id, status="retard")
    second = export_file(a.ws, tmp_path / "2.msync", to_site=b.site_id, passphrase=PASSPHRASE)
    assert second.counts["attendance"] == 1 and second.blobs == 0
    assert b.load(tmp_path / "2.msync").updated >= 1
    # a machine that never saw it gets it in a complete file
    assert export_file(a.ws, tmp_path / "3.msync", full=True, passphrase=PASSPHRASE).blobs == 1


def test_an_attachment_delta_applies_on_a_machine_that_never_saw_its_file(sites, tmp_path) -> None:  # noqa: ANN001
    from app.storage.models import Attachment

    a, b, c = sites("siege", "avallon", "puisaye")
    oid = _org(a, name="GEIQ BTP")
    scan = b"%PDF-1.7 convention signee " * 50
    sha = hashlib.sha256(scan).hexdigest()
    with a.ws.unit(write=True) as s:
        s.add(Blob(sha256=sha, mime="application/pdf", size=len(scan), data=scan,
                   created_at=dt.datetime(2026, 3, 2, 9, 0)))
        s.flush()
        att = Attachment(owner_table="organisations", owner_id=oid, blob_sha256=sha,
                         filename="convention.pdf", mime="application/pdf", label="Convention")
        s.add(att)
    exchange(a, b)
    _edit(a, Attachment, att.id, label="Convention signée")
    delta = export_file(a.ws, tmp_path / "d.msync", to_site=b.site_id, passphrase=PASSPHRASE)
    assert delta.counts["attachments"] == 1
    report = c.load(tmp_path / "d.msync")  # C never received the scan: it comes with its row
    assert report.tables["attachments"].created == 1
    with c.ws.unit() as s:
        assert s.get(Blob, sha).data == scan


def test_referenced_parents_travel_so_a_delta_applies_on_a_new_machine(sites, tmp_path) -> None:  # noqa: ANN001
    a, b, c = sites("siege", "avallon", "puisaye")
    oid = _org(a, name="GEIQ BTP")
    with a.ws.unit(write=True) as s:
        p = Person(last_name="Petit", first_name="Nadia")
        s.add(p)
    exchange(a, b)
    with a.ws.unit(write=True) as s:
        aff = Affiliation(person_id=p.id, organisation_id=oid, function="Directrice")
        s.add(aff)
    delta = export_file(a.ws, tmp_path / "d.msync", to_site=b.site_id, passphrase=PASSPHRASE)
    assert delta.counts == {"organisations": 1, "people": 1, "affiliations": 1}
    report = c.load(tmp_path / "d.msync")  # C has never seen the structure nor the person
    assert report.tables["affiliations"].created == 1
    assert _get(c, Affiliation, aff.id).function == "Directrice"
    assert b.load(tmp_path / "d.msync").tables["organisations"].skipped == 1


def test_local_clock_moves_past_incoming_clocks(sites, monkeypatch) -> None:  # noqa: ANN001
    a, b = sites("siege", "avallon")
    rid = _org(a, name="Régie", city="Sens")
    exchange(a, b)
    real = stamping.physical_hlc
    years_ahead = 3 * 365 * 24 * 3600
    monkeypatch.setattr(stamping, "physical_hlc", lambda now=None: real() + (years_ahead * 1000 << 16))
    _edit(b, Organisation, rid, city="Joigny")  # B's clock is three years ahead
    monkeypatch.setattr(stamping, "physical_hlc", real)
    a.load(b.export(a))
    b_hlc = _get(b, Organisation, rid).sync_hlc
    assert _counter(a)[1] >= b_hlc
    _edit(a, Organisation, rid, city="Tonnerre")  # A saw B's edit: A's later edit wins
    assert _get(a, Organisation, rid).sync_hlc > b_hlc
    b.load(a.export(b))
    assert _get(b, Organisation, rid).city == "Tonnerre"
    assert conflicts(a.ws) == conflicts(b.ws) == []


def test_a_copied_database_is_a_new_machine_and_both_converge(sites, tmp_path) -> None:  # noqa: ANN001
    a, b = sites("siege", "avallon")
    rid = _org(a, name="Régie", city="Sens")
    exchange(a, b)
    a.ws.close()
    with sqlite3.connect(a.path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    copy_path = tmp_path / "copie.sqlite"
    shutil.copyfile(a.path, copy_path)
    a.ws = open_workspace(a.path)
    copy = open_workspace(copy_path)
    try:
        assert copy.site_id != a.site_id
        with copy.unit() as s:
            assert a.site_id in s.get(SyncState, 1).previous_site_ids
            # the copy knows everything the original had written (its former self)
            assert state.knowledge(s)[a.site_id] >= 1
        with copy.unit(write=True) as s:
            s.get(Organisation, rid).notes = "écrit sur la copie"
        _edit(a, Organisation, rid, city="Auxerre")
        fc = tmp_path / "copie.msync"
        export_file(copy, fc, passphrase=PASSPHRASE)
        fa = a.export()
        a.load(fc)  # signed by the copy's own key: a new machine
        from app.sync.service import import_file

        import_file(copy, fa, passphrase=PASSPHRASE)  # the original's rows are not "ours"
        from app.services.dump import dump

        assert dump(copy) == a.dump()
        assert _get(a, Organisation, rid).notes == "écrit sur la copie"
        assert _get(a, Organisation, rid).city == "Auxerre"
        assert conflicts(copy) == []
    finally:
        copy.close()


def test_a_file_signed_with_another_key_for_a_known_machine_is_refused(sites) -> None:  # noqa: ANN001
    a, b = sites("siege", "avallon")
    rid = _org(a, name="Régie")
    b.load(a.export())
    private, public = crypto.new_signing_key()
    with a.ws.unit(write=True) as s:  # someone else's key, same site id
        s.get(Setting, state.SIGNING_KEY).value = {
            "site_id": a.site_id, "private": crypto.b64(private), "public": crypto.b64(public)}
    _edit(a, Organisation, rid, city="Sens")
    forged = a.export()
    picture = database_picture(b.path)
    with pytest.raises(UnknownSigningKey) as err:
        b.load(forged)
    assert "clé connue" in err.value.message
    assert database_picture(b.path) == picture


def test_own_file_is_a_no_op(sites) -> None:  # noqa: ANN001
    (a,) = sites("siege")
    _org(a)
    f = a.export()
    picture = database_picture(a.path)
    assert a.load(f).own_file
    assert database_picture(a.path) == picture


def test_passphrase_is_recorded_and_checked_before_exporting(sites, tmp_path) -> None:  # noqa: ANN001
    a, b = sites("siege", "avallon")
    assert not has_network_passphrase(a.ws)
    with pytest.raises(Exception) as short:
        set_network_passphrase(a.ws, "court")
    assert "au moins 8" in str(short.value)
    set_network_passphrase(a.ws, PASSPHRASE)
    assert has_network_passphrase(a.ws)
    with pytest.raises(WrongPassphrase) as err:
        export_file(a.ws, tmp_path / "x.msync", passphrase="une autre phrase")
    assert "Phrase de passe incorrecte" in err.value.message
    assert not (tmp_path / "x.msync").exists()
    assert not list(tmp_path.glob(".maillage-sync-*"))
    b.load(a.export())
    assert has_network_passphrase(b.ws)  # learnt from the first file it could read


def test_cancel_writes_nothing(sites, tmp_path) -> None:  # noqa: ANN001
    a, b = sites("siege", "avallon")
    for i in range(30):
        _org(a, name=f"S{i}")
    picture = database_picture(a.path)
    with pytest.raises(SyncCancelled):
        export_file(a.ws, tmp_path / "x.msync", passphrase=PASSPHRASE, cancel=lambda: True)
    assert not (tmp_path / "x.msync").exists() and not list(tmp_path.glob(".maillage-sync-*"))
    f = a.export()
    assert database_picture(a.path) != picture  # the real export logged itself
    before = database_picture(b.path)
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(SyncCancelled):
        b.load(f, cancel=cancel)
    assert database_picture(b.path) == before
    seen = []
    report = b.load(f, progress=lambda done, total, msg: seen.append((done, total)))
    assert report.created == 30 and seen and seen[-1][0] == seen[-1][1]


def test_duplicates_created_on_two_machines_are_proposed_after_import(sites) -> None:  # noqa: ANN001
    a, b = sites("siege", "avallon")
    _org(a, name="Régie de quartier du Sénonais", siret="41816609600069", postcode="89100")
    _org(b, name="Regie de Quartier Senonais", siret="41816609600069", postcode="89100")
    report = b.load(a.export())
    assert report.duplicates >= 1
    assert report.duplicate_candidates[0].table == "organisations"


def test_status_lists_peers_acknowledgements_and_files(sites) -> None:  # noqa: ANN001
    a, b = sites("siege", "avallon")
    _org(a)
    exchange(a, b)
    b.load(a.export(b))
    st = status(a.ws)
    assert st.site_name == "siege" and st.has_passphrase
    [peer] = st.peers
    assert peer.name == "avallon" and peer.acked[a.site_id] == _counter(a)[0]
    assert peer.last_import_at and peer.last_export_at
    assert {f.direction for f in st.files} == {"import", "export"}
    with a.ws.unit() as s:
        assert s.execute(select(SyncFile).where(SyncFile.direction == "import")).scalars().first()
