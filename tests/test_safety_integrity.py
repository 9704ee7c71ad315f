"""Start-up: quick integrity check, the latest good backup offered, the start-up backup."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from app.paths import backup_dir_for
from app.services import backups
from app.services.integrity import DatabaseDamaged, probe, quick_check, startup_checks
from app.services.startup import open_for_gui
from app.services.workspace import open_workspace
from app.storage.backup import CheckCancelled
from app.storage.models import Organisation
from app.storage.stamping import bulk_insert


def _make_db(path, n=400):
    with open_workspace(path) as ws:
        with ws.unit(write=True) as s:
            bulk_insert(s, Organisation, [{"name": f"Structure {i}", "notes": "x" * 200} for i in range(n)])
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _damage(path):
    """Scribble over the table pages, as a failing disk would (the header stays readable)."""
    with sqlite3.connect(path) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'organisations'").fetchone()[0]
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    for offset in range(start + 8, min(len(data), start + 40 * page_size), 3):
        data[offset] = 0x5A
    path.write_bytes(bytes(data))


def test_a_sound_or_missing_database_passes(tmp_path):
    assert quick_check(tmp_path / "absente.sqlite").ok
    result = quick_check(_make_db(tmp_path / "maillage.sqlite"))
    assert result.ok and result.message == "" and result.details == ("ok",)


def test_a_damaged_database_is_explained_in_french_with_the_latest_good_backup(tmp_path):
    db = _make_db(tmp_path / "maillage.sqlite")
    with open_workspace(db) as ws:
        good = backups.make_backup(ws, now=dt.datetime(2026, 5, 11, 9, 0)).path
        newer = backups.make_backup(ws, now=dt.datetime(2026, 5, 12, 9, 0)).path
    _damage(newer)  # the newest backup is damaged too: it must not be offered
    _damage(db)
    result = quick_check(db)
    assert not result.ok
    assert "est endommagée" in result.message and "Maillage ne l'a pas modifiée" in result.message
    assert result.latest_good_backup is not None and result.latest_good_backup.path == good
    assert "11/05/2026 09:00" in result.message and "400\u00a0structures" in result.message


def test_without_any_good_backup_the_user_is_told_to_keep_the_file(tmp_path):
    db = _make_db(tmp_path / "maillage.sqlite")
    _damage(db)
    result = quick_check(db)
    assert not result.ok and result.latest_good_backup is None
    assert "Aucune sauvegarde saine" in result.message


def test_open_for_gui_refuses_a_damaged_database_then_opens_the_restored_backup(tmp_path):
    db = _make_db(tmp_path / "maillage.sqlite")
    with open_workspace(db) as ws:
        backups.make_backup(ws, now=dt.datetime(2026, 5, 11, 9, 0))
    _damage(db)
    with pytest.raises(DatabaseDamaged) as err:
        open_for_gui(db, demo=False)
    offered = err.value.result.latest_good_backup
    assert err.value.code == "base-endommagee"
    restored = backups.restore_backup(db, offered.path)
    assert restored.safety_copy is not None and restored.safety_copy.exists()  # damaged file kept
    with open_for_gui(db, demo=False) as ws:
        assert ws.count(Organisation) == 400


def test_open_for_gui_backs_up_at_start_and_reports_a_missing_second_folder(tmp_path):
    db = _make_db(tmp_path / "maillage.sqlite", n=5)
    usb = tmp_path / "usb"
    usb.mkdir()
    with open_workspace(db) as ws:
        backups.set_second_folder(ws, usb)
    usb.rmdir()
    warnings: list[str] = []
    with open_for_gui(db, demo=False, on_warning=warnings.append):
        pass
    [copy] = backup_dir_for(db).glob("*-demarrage.sqlite")
    assert copy.exists()
    assert len(warnings) == 1 and "introuvable" in warnings[0]


def test_a_new_database_gets_no_start_up_backup(tmp_path):
    db = tmp_path / "neuve.sqlite"
    with open_for_gui(db, demo=False):
        pass
    assert not backup_dir_for(db).exists() or not list(backup_dir_for(db).glob("*-demarrage.sqlite"))


def test_the_instant_probe_catches_a_file_that_is_no_database(tmp_path):
    db = _make_db(tmp_path / "maillage.sqlite", n=5)
    db.write_bytes(b"\x00" * 100 + db.read_bytes()[100:])  # header wiped
    result = probe(db)
    assert not result.ok and "est endommagée" in result.message
    with pytest.raises(DatabaseDamaged):
        open_for_gui(db, demo=False, checks=False)


def test_the_gui_runs_the_check_and_backup_as_a_job_after_opening(tmp_path):
    db = _make_db(tmp_path / "maillage.sqlite")
    steps: list[tuple[int, int, str]] = []
    with open_for_gui(db, demo=False, checks=False) as ws:
        assert not backup_dir_for(db).exists() or not list(backup_dir_for(db).glob("*-demarrage.sqlite"))
        report = startup_checks(ws, progress=lambda d, t, m: steps.append((d, t, m)))
    assert report.integrity.ok and report.backup is not None and report.backup.path.exists()
    assert steps[0][2] == "Vérification de la base…" and steps[-1][:2] == (2, 2)


def test_a_damaged_database_gets_no_start_up_backup(tmp_path):
    db = _make_db(tmp_path / "maillage.sqlite")
    with open_workspace(db) as ws:
        good = backups.make_backup(ws, now=dt.datetime(2026, 5, 11, 9, 0)).path
        ws.db.engine.dispose()
        _damage(db)  # the disk fails while the application runs
        report = startup_checks(ws)
    assert not report.integrity.ok and report.backup is None
    assert report.integrity.latest_good_backup.path == good
    assert "pas été faite" in report.warnings[0]
    assert [p.name for p in backup_dir_for(db).glob("*.sqlite")] == [good.name]


def test_the_check_can_be_cancelled(tmp_path):
    db = _make_db(tmp_path / "maillage.sqlite")
    with pytest.raises(CheckCancelled):
        quick_check(db, cancel=lambda: True)
