"""Crash trials: a process killed (SIGKILL) at a random moment of a long write.

Every time, the database must open, pass ``PRAGMA integrity_check`` and hold either all or
nothing of the interrupted operation. The worker is ``tests/crash_worker.py``; each
operation is first run once to completion to measure it, then killed after a random delay
drawn between 0 and 130 % of that duration.

``MAILLAGE_CRASH_TRIALS`` sets the number of trials per operation (3 in the normal suite,
50 with ``make soak``); ``MAILLAGE_CRASH_SEED`` replays a run (the seed is printed).

Operations: the CSV import of structures (``app.io.partners_import``) and the import of
another antenna's sync file (``app.sync``), each preceded by its precautionary backup; a
batch of ORM edits; a backup.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.paths import backup_dir_for
from app.services.maintenance import check
from app.services.workspace import open_workspace
from app.storage.models import AuditEntry, Organisation, SyncFile
from app.storage.stamping import bulk_insert

sys.path.insert(0, str(Path(__file__).parent))
import crash_worker  # noqa: E402

WORKER = Path(__file__).with_name("crash_worker.py")
TRIALS = int(os.environ.get("MAILLAGE_CRASH_TRIALS", "3"))
SEED = int(os.environ.get("MAILLAGE_CRASH_SEED") or random.SystemRandom().randrange(1 << 30))
BASE_ROWS = 4_000
OPERATIONS = ("import", "sync", "edits", "backup")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4 000 structures with notes (about 12 Mo), WAL folded into the file."""
    path = tmp_path_factory.mktemp("crash") / "modele.sqlite"
    with open_workspace(path) as ws:
        with ws.unit(write=True) as s:
            bulk_insert(s, Organisation, [
                {"name": f"Structure {i}", "city": "Auxerre", "notes": f"Note {i} " + "x" * 2000}
                for i in range(BASE_ROWS)
            ])
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _sync_file(path.with_name("autre-antenne"))
    return path


def _sync_file(folder: Path) -> Path:
    """The file another antenna sends: :data:`crash_worker.SYNC_ROWS` new structures."""
    from app.sync import crypto
    from app.sync.service import export_file

    folder.mkdir()
    with open_workspace(folder / "maillage.sqlite") as other:
        with other.unit(write=True) as s:
            bulk_insert(s, Organisation, [
                {"name": f"{crash_worker.SYNC_NAME} {i}", "city": "Tonnerre"} for i in range(crash_worker.SYNC_ROWS)
            ])
        saved = crypto.DEFAULT_KDF
        crypto.DEFAULT_KDF = {"name": "scrypt", "n": crypto.KDF_N_RANGE[0], "r": 8, "p": 1}  # quick to open
        try:
            export_file(other, folder / "antenne.msync", full=True, passphrase=crash_worker.SYNC_PASSPHRASE)
        finally:
            crypto.DEFAULT_KDF = saved
    return folder / "antenne.msync"


@dataclass(frozen=True)
class State:
    integrity: str
    structures: int
    imported: int
    synced: int
    sync_files: int
    edited: int
    edit_entries: int
    backups: tuple[tuple[str, int], ...]  # (integrity, structures) of each complete backup file


def _read_state(db: Path) -> State:
    with open_workspace(db, create=False) as ws:
        report = check(ws)
        with ws.unit() as s:
            imported = s.execute(select(func.count()).select_from(Organisation).where(
                Organisation.name.like(f"{crash_worker.IMPORT_NAME}%"))).scalar_one()
            synced = s.execute(select(func.count()).select_from(Organisation).where(
                Organisation.name.like(f"{crash_worker.SYNC_NAME}%"))).scalar_one()
            sync_files = s.execute(select(func.count()).select_from(SyncFile)).scalar_one()
            edited = s.execute(select(func.count()).select_from(Organisation).where(
                Organisation.city == crash_worker.EDIT_CITY)).scalar_one()
            entries = s.execute(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.table_name == "organisations", AuditEntry.operation == "modification")).scalar_one()
    copies = []
    folder = backup_dir_for(db)
    for copy in sorted(folder.glob("*.sqlite")) if folder.exists() else []:
        with sqlite3.connect(f"file:{copy}?mode=ro", uri=True) as conn:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            n = conn.execute("SELECT count(*) FROM organisations").fetchone()[0]
        copies.append((ok, n))
    return State(report.integrity, dict(report.counts)["organisations"], imported, synced, sync_files,
                 edited, entries, tuple(copies))


def _run(operation: str, db: Path, delay: float | None, extra: Path) -> tuple[bool, float | None]:
    """Run the worker; kill it ``delay`` seconds after it starts working (None: let it finish).

    Returns (killed, duration reported by the worker when it finished).
    """
    proc = subprocess.Popen(
        [sys.executable, str(WORKER), operation, str(db), str(extra)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        first = proc.stdout.readline().strip()
        if first != "GO":
            proc.wait(timeout=60)
            pytest.fail(f"le processus de test n'a pas démarré : {proc.stderr.read()[-2000:]}")
        killed = False
        if delay is not None:
            time.sleep(delay)  # the random moment of the crash
            if proc.poll() is None:
                proc.kill()  # SIGKILL on POSIX
                killed = True
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if killed:
        return True, None
    assert proc.returncode == 0, err[-2000:]
    done = [line for line in out.splitlines() if line.startswith("DONE")]
    return False, float(done[0].split()[1]) if done else None


def _expect_all_or_nothing(operation: str, before: State, after: State, where: str) -> str:
    assert after.integrity == "ok", where
    if operation == "import":
        assert after.imported in (0, crash_worker.IMPORT_ROWS), where
        assert after.structures == BASE_ROWS + after.imported, where
        if after.imported:
            assert after.backups, f"{where}: import written without its precautionary backup"
        outcome = "tout" if after.imported else "rien"
    elif operation == "sync":
        assert after.synced in (0, crash_worker.SYNC_ROWS), where
        assert after.sync_files == (1 if after.synced else 0), f"{where}: import log out of step"
        assert after.structures == BASE_ROWS + after.synced, where
        if after.synced:
            assert after.backups, f"{where}: sync applied without its precautionary backup"
        outcome = "tout" if after.synced else "rien"
    elif operation == "edits":
        assert after.edited in (0, crash_worker.EDIT_ROWS), where
        assert after.edit_entries == after.edited, f"{where}: audit log out of step with the edits"
        assert after.structures == BASE_ROWS, where
        outcome = "tout" if after.edited else "rien"
    else:
        assert after.structures == BASE_ROWS and after.imported == after.synced == after.edited == 0, where
        assert len(after.backups) <= 1, where
        outcome = "tout" if after.backups else "rien"
    for ok, n in after.backups:  # a backup file, when there is one, is always complete
        assert ok == "ok" and n == before.structures, f"{where}: incomplete backup {ok} {n}"
    return outcome


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_killed_write_leaves_all_or_nothing(operation: str, template: Path, tmp_path: Path) -> None:
    rng = random.Random(f"{SEED}-{operation}")
    # Calibration: the operation run to completion (this is also the « all » reference).
    db = tmp_path / "etalon" / "maillage.sqlite"
    db.parent.mkdir()
    shutil.copyfile(template, db)
    before = _read_state(db)
    sync_file = template.with_name("autre-antenne") / "antenne.msync"
    killed, duration = _run(operation, db, None, sync_file)
    assert not killed and duration is not None
    assert _expect_all_or_nothing(operation, before, _read_state(db), "étalonnage") == "tout"

    outcomes: Counter[str] = Counter()
    for trial in range(TRIALS):
        db = tmp_path / f"essai-{trial}" / "maillage.sqlite"
        db.parent.mkdir()
        shutil.copyfile(template, db)
        delay = rng.uniform(0, 1.3 * duration)
        killed, _ = _run(operation, db, delay, sync_file)
        where = f"{operation}, essai {trial}, graine {SEED}, arrêt à {delay:.3f} s"
        outcome = _expect_all_or_nothing(operation, before, _read_state(db), where)
        outcomes[outcome if killed else "terminé"] += 1
    summary = (
        f"[crash] {operation}: {TRIALS} essais (graine {SEED}, durée {duration:.2f} s) — "
        f"tué, rien écrit : {outcomes['rien']} ; tué, tout écrit : {outcomes['tout']} ; "
        f"terminé avant l'arrêt : {outcomes['terminé']}"
    )
    print(summary)
    report = os.environ.get("MAILLAGE_CRASH_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as fh:
            fh.write(summary + "\n")
