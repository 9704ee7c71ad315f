"""Backups: consistent copies while writing, rotation, second folder, checked restore."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sqlite3
import threading

import pytest

from app.errors import DatabaseError, SchemaTooNew
from app.paths import backup_dir_for
from app.services import backups
from app.services.workspace import open_workspace
from app.storage.backup import BackupCancelled, backup_file, parse_backup_name
from app.storage.models import Organisation
from app.storage.stamping import bulk_insert


@pytest.fixture
def ws(tmp_path):
    w = open_workspace(tmp_path / "maillage.sqlite")
    with w.unit(write=True) as s:
        bulk_insert(s, Organisation, [{"name": f"Structure {i}"} for i in range(40)])
    yield w
    w.close()


def _count(path, table="organisations"):
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return conn.execute(f"SELECT count(*) FROM {table} WHERE deleted = 0").fetchone()[0]


def _integrity(path):
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backup_is_consistent_while_a_writer_is_active(ws, tmp_path):
    """Batches of 25 rows are committed meanwhile: every copy holds whole batches only."""
    stop = threading.Event()
    writer = open_workspace(ws.path)

    def write() -> None:
        while not stop.is_set():
            with writer.unit(write=True) as s:
                bulk_insert(s, Organisation, [{"name": f"Lot {i}"} for i in range(25)])

    thread = threading.Thread(target=write)
    thread.start()
    try:
        copies = [backup_file(ws.path, tmp_path / f"copie-{i}.sqlite") for i in range(8)]
    finally:
        stop.set()
        thread.join()
        writer.close()
    counts = set()
    for copy in copies:
        assert _integrity(copy) == "ok"
        n = _count(copy)
        assert (n - 40) % 25 == 0, "a copy caught a half-committed batch"
        counts.add(n)
    assert max(counts) > 40  # the writer did write while we copied
    assert not list(tmp_path.glob("*.partiel"))


def test_make_backup_lands_in_the_data_folder_with_counts(ws):
    result = backups.make_backup(ws, "manuelle")
    assert result.path.parent == backup_dir_for(ws.path)
    assert result.path.name.startswith("maillage-") and result.path.name.endswith("-manuelle.sqlite")
    [info] = backups.list_backups(ws)
    assert info.path == result.path and info.reason_label == "Sauvegarde manuelle"
    assert dict(info.counts)["organisations"] == 40
    assert "40\u00a0structures" in info.counts_label and info.size > 0 and info.schema_version == ws.schema_version
    # Listing also works from the database path alone (start-up failure path).
    assert [b.path for b in backups.list_backups(ws.path)] == [result.path]


def test_backup_before_an_import_is_named_for_it(ws):
    path = backups.backup_before(ws, "import")
    assert path is not None and parse_backup_name(path.name).reason == "avant-import"
    assert backups.backup_before(ws, "synchro").name.endswith("-avant-synchro.sqlite")
    with open_workspace(None) as memory:
        assert backups.backup_before(memory, "import") is None


def test_cancelled_backup_leaves_no_file(ws, tmp_path):
    with pytest.raises(BackupCancelled):
        backup_file(ws.path, tmp_path / "x.sqlite", cancel=lambda: True)
    assert not list(tmp_path.glob("x.sqlite*"))


def test_rotation_keeps_seven_daily_and_four_weekly_copies(ws):
    """Two months of daily use, driven by a fake clock."""
    folder = backup_dir_for(ws.path)
    start = dt.datetime(2026, 3, 2, 9, 0)  # a Monday
    for day in range(60):
        now = start + dt.timedelta(days=day)
        backups.startup_backup(ws, now=now)
        backups.startup_backup(ws, now=now + dt.timedelta(hours=5))  # second start that day
        assert len(list(folder.glob("*.sqlite"))) <= 11
    kept = sorted(parse_backup_name(p.name).taken_at for p in folder.glob("*.sqlite"))
    assert len(kept) == 11
    last = start + dt.timedelta(days=59, hours=5)
    daily, weekly = kept[4:], kept[:4]
    # The last 7 days, each with its newest copy (the afternoon one).
    assert daily == [last - dt.timedelta(days=d) for d in range(6, -1, -1)]
    # Then one per ISO week for the 4 weeks before, each the newest copy of its week.
    weeks = [t.isocalendar()[:2] for t in weekly]
    assert len(set(weeks)) == 4 and max(weekly) < min(daily)
    for t in weekly:
        # Newest of its week: the Sunday afternoon, or the day just before the daily copies.
        assert t.hour == 14
        assert t.weekday() == 6 or (t + dt.timedelta(days=1)).date() == min(daily).date()


def test_rotation_keeps_same_day_import_copies_and_the_last_restore_copy():
    now = dt.datetime(2026, 5, 12, 18, 0)
    p = lambda name: __import__("pathlib").Path(name)  # noqa: E731
    copies = [
        (p("a"), dt.datetime(2026, 5, 12, 9), "demarrage"),
        (p("b"), dt.datetime(2026, 5, 12, 10), "avant-import"),
        (p("c"), dt.datetime(2026, 5, 12, 11), "avant-import"),
        (p("d"), dt.datetime(2025, 1, 5, 11), "avant-restauration"),
        (p("e"), dt.datetime(2026, 5, 12, 12), "demarrage"),
    ]
    keep = backups.rotation_keep(copies, now)
    assert keep == {p("b"), p("c"), p("d"), p("e")}


def test_rotation_never_touches_other_files_or_other_databases(ws):
    folder = backup_dir_for(ws.path)
    folder.mkdir(parents=True, exist_ok=True)
    foreign = folder / "notes.txt"
    foreign.write_text("à garder")
    other_db = folder / "demo-20200101-090000-demarrage.sqlite"
    other_db.write_bytes(b"x")
    backups.startup_backup(ws)
    assert foreign.exists() and other_db.exists()


def test_second_folder_gets_a_copy(ws, tmp_path):
    usb = tmp_path / "cle-usb"
    usb.mkdir()
    backups.set_second_folder(ws, usb)
    result = backups.make_backup(ws)
    assert result.warnings == () and len(result.copies) == 1
    copy = result.copies[0]
    assert copy.parent.parent == usb.resolve() and copy.parent.name.startswith("Maillage-")
    assert _integrity(copy) == "ok" and _count(copy) == 40
    assert {b.location for b in backups.list_backups(ws)} == {"principal", "second"}


def test_missing_second_folder_gives_a_french_warning_and_the_main_copy(ws, tmp_path):
    usb = tmp_path / "cle-usb"
    usb.mkdir()
    backups.set_second_folder(ws, usb)
    usb.rmdir()  # the key was unplugged
    result = backups.make_backup(ws)
    assert result.path.exists() and result.copies == ()
    [warning] = result.warnings
    assert "introuvable" in warning and str(usb.resolve()) in warning
    assert backups.second_folder_warning(ws) == warning


def test_second_folder_must_exist_when_chosen(ws, tmp_path):
    from app.errors import ValidationError

    with pytest.raises(ValidationError, match="introuvable"):
        backups.set_second_folder(ws, tmp_path / "absent")
    backups.set_second_folder(ws, None)
    assert backups.get_second_folder(ws) is None


# --------------------------------------------------------------------------- restore


def test_restore_backs_up_the_current_database_first(ws):
    copy = backups.make_backup(ws).path
    with ws.unit(write=True) as s:
        bulk_insert(s, Organisation, [{"name": "Ajoutée après"}])
    target = ws.path
    ws.close()
    result = backups.restore_backup(target, copy)
    assert _count(target) == 40 and dict(result.counts)["organisations"] == 40
    assert result.safety_copy is not None and "avant-restauration" in result.safety_copy.name
    assert _count(result.safety_copy) == 41
    with open_workspace(target) as again:
        assert again.count(Organisation) == 40


def test_restore_refuses_a_corrupted_file_and_leaves_the_database_unchanged(ws, tmp_path):
    good = backups.make_backup(ws).path
    bad = tmp_path / "abimee.sqlite"
    data = bytearray(good.read_bytes())
    for offset in range(4096 * 2, len(data), 97):
        data[offset] = 0xA5
    bad.write_bytes(bytes(data))
    target = ws.path
    ws.close()
    before = _sha(target)
    safety_before = set(backup_dir_for(target).iterdir())
    with pytest.raises(DatabaseError) as err:
        backups.restore_backup(target, bad)
    assert "abimee.sqlite" in err.value.message
    assert _sha(target) == before
    assert set(backup_dir_for(target).iterdir()) == safety_before  # nothing touched
    assert not list(tmp_path.glob("*.restauration"))


def test_restore_refuses_a_file_from_a_newer_maillage(ws, tmp_path):
    newer = tmp_path / "future.sqlite"
    shutil.copyfile(backups.make_backup(ws).path, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 999")
    target = ws.path
    ws.close()
    before = _sha(target)
    with pytest.raises(SchemaTooNew, match="plus récente"):
        backups.restore_backup(target, newer)
    assert _sha(target) == before


def test_restore_refuses_a_file_that_is_not_a_maillage_database(ws, tmp_path):
    other = tmp_path / "autre.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    target = ws.path
    ws.close()
    with pytest.raises(DatabaseError, match="n'est pas une sauvegarde Maillage"):
        backups.restore_backup(target, other)


def test_cli_restore_goes_through_the_same_checks(ws, tmp_path, capsys):
    from app.cli import main as cli

    copy = backups.make_backup(ws).path
    target = ws.path
    ws.close()
    assert cli(["restore", "--db", str(target), str(copy)]) == 0
    assert "avant-restauration" in capsys.readouterr().out
    bad = tmp_path / "vide.sqlite"
    bad.write_bytes(b"ceci n'est pas une base")
    assert cli(["restore", "--db", str(target), str(bad)]) == 1
    assert "Erreur" in capsys.readouterr().err
