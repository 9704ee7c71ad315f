"""Consistent copies of a live database (SQLite online backup API) and restoring them.

File-level functions only (no ORM, no settings): they work on any Maillage file, even one
of an older schema or one the application cannot open. Policy (when to back up, rotation,
second folder) lives in :mod:`app.services.backups`.

Backup file names: ``{stem}-{AAAAMMJJ}-{HHMMSS}[-n]-{raison}.sqlite`` where ``stem`` is the
name of the database file without its extension (``maillage``, ``demo``…), so several
databases sharing a folder keep separate backups.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from app.errors import DatabaseError, SchemaTooNew

BackupProgress = Callable[[int, int], None]
"""``progress(pages_done, pages_total)`` during a copy."""

_CHUNK_PAGES = 512
_NAME_RE = re.compile(
    r"^(?P<stem>.+)-(?P<date>\d{8})-(?P<time>\d{6})(?:-(?P<seq>\d+))?-(?P<reason>[a-z0-9-]+)\.sqlite$"
)

# Tables whose live records are counted to describe a backup (table → French noun, singular).
COUNTED_TABLES: tuple[tuple[str, str], ...] = (
    ("organisations", "structure"),
    ("people", "contact"),
    ("meetings", "réunion"),
    ("attendance", "émargement"),
    ("conventions", "convention"),
    ("actions", "action"),
)


class BackupCancelled(DatabaseError):
    code = "sauvegarde-annulee"


class CheckCancelled(DatabaseError):
    code = "verification-annulee"


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _open_ro(path: Path) -> sqlite3.Connection:
    """A read-only connection whose text never fails to decode (damaged files report bytes)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.text_factory = lambda raw: raw.decode("utf-8", "replace")
    return conn


def backup_file(
    source: Path,
    dest: Path,
    *,
    progress: BackupProgress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> Path:
    """Copy the database at ``source`` to ``dest``, consistent even while it is being written.

    The copy is written to ``dest.partiel`` then renamed, so ``dest`` is either absent or a
    complete database (a crash leaves at most a stray ``.partiel`` file). Without
    ``progress``/``cancel`` the copy is taken in one step under one read snapshot (writers
    are not blocked in WAL mode); with them it goes by chunks and may restart if another
    connection writes meanwhile. ``cancel()`` returning true stops with
    :class:`BackupCancelled` and leaves no file.
    """
    source, dest = Path(source), Path(dest)
    if not source.is_file():
        raise DatabaseError(f"La base « {source} » n'existe pas : rien à sauvegarder.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".partiel")
    if tmp.exists():
        tmp.unlink()

    def step(status: int, remaining: int, total: int) -> None:
        if cancel is not None and cancel():
            raise BackupCancelled("Sauvegarde annulée.")
        if progress is not None:
            progress(total - remaining, total)

    chunked = progress is not None or cancel is not None
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, closing(
            sqlite3.connect(tmp)
        ) as dst:
            src.backup(
                dst,
                pages=_CHUNK_PAGES if chunked else -1,
                progress=step if chunked else None,
                sleep=0.0,
            )
            dst.execute("PRAGMA journal_mode = DELETE")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    tmp.replace(dest)
    _fsync_dir(dest.parent)
    return dest


def timestamped_name(reason: str, now: dt.datetime | None = None, stem: str = "maillage") -> str:
    """``maillage-20260512-093000-demarrage.sqlite``."""
    now = now or dt.datetime.now()
    return f"{stem}-{now:%Y%m%d-%H%M%S}-{reason}.sqlite"


def free_backup_path(folder: Path, reason: str, now: dt.datetime, stem: str) -> Path:
    """A backup path in ``folder`` not taken yet (two copies in the same second get ``-2``…)."""
    candidate = folder / timestamped_name(reason, now, stem)
    n = 1
    while candidate.exists():
        n += 1
        candidate = folder / f"{stem}-{now:%Y%m%d-%H%M%S}-{n}-{reason}.sqlite"
    return candidate


@dataclass(frozen=True)
class BackupName:
    """What a backup's file name says."""

    stem: str
    taken_at: dt.datetime
    seq: int
    reason: str


def parse_backup_name(name: str) -> BackupName | None:
    """Read a backup file name; ``None`` for any other file."""
    match = _NAME_RE.match(name)
    if match is None:
        return None
    try:
        taken = dt.datetime.strptime(match["date"] + match["time"], "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return BackupName(match["stem"], taken, int(match["seq"] or 1), match["reason"])


def backup_before_migration(path: Path) -> Path:
    from app.paths import backup_dir_for

    path = Path(path)
    folder = backup_dir_for(path)
    return backup_file(path, free_backup_path(folder, "avant-migration", dt.datetime.now(), path.stem))


def quick_check_file(
    path: Path, *, full: bool = False, cancel: Callable[[], bool] | None = None
) -> tuple[str, ...]:
    """``PRAGMA quick_check`` (or ``integrity_check`` with ``full``) of a file, read-only.

    Returns the lines SQLite reports (``("ok",)`` for a sound file). A file that is not a
    database at all gives one line with SQLite's error. ``cancel()`` returning true stops
    the check with :class:`CheckCancelled`. Safe while the database is open elsewhere.
    """
    pragma = "integrity_check" if full else "quick_check"
    stopped = [False]

    def handler() -> int:
        if cancel is not None and cancel():
            stopped[0] = True
            return 1
        return 0

    try:
        with closing(_open_ro(path)) as conn:
            if cancel is not None:
                conn.set_progress_handler(handler, 20_000)
            return tuple(str(r[0]) for r in conn.execute(f"PRAGMA {pragma}"))
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        if stopped[0]:
            raise CheckCancelled("Vérification de la base interrompue.") from exc
        return (str(exc),)


def probe_file(path: Path) -> tuple[str, ...]:
    """An instant check that the file is a readable SQLite database with a readable schema.

    Catches gross damage (not a database, truncated or scribbled header, unreadable
    schema) in milliseconds, whatever the size; :func:`quick_check_file` reads every page.
    """
    try:
        with closing(_open_ro(path)) as conn:
            conn.execute("PRAGMA user_version").fetchone()
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        return (str(exc),)
    return ("ok",)


def inspect_backup(path: Path) -> int:
    """Check a backup before it replaces anything; return its schema version.

    ``PRAGMA integrity_check`` must say ``ok``, the file must be a Maillage database and its
    schema not newer than this version knows. Raises :class:`DatabaseError` (or
    :class:`SchemaTooNew`) with a French message otherwise.
    """
    from app.storage.migrations import SCHEMA_VERSION

    path = Path(path)
    if not path.is_file():
        raise DatabaseError(f"Le fichier « {path} » n'existe pas.")
    try:
        with closing(_open_ro(path)) as conn:
            result = "; ".join(str(r[0]) for r in conn.execute("PRAGMA integrity_check"))
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise DatabaseError(
            f"« {path.name} » n'est pas une base Maillage lisible ({exc})."
        ) from exc
    if result != "ok":
        raise DatabaseError(f"La sauvegarde « {path.name} » est endommagée : {result}.")
    if "sync_state" not in tables or version < 1:
        raise DatabaseError(f"« {path.name} » n'est pas une sauvegarde Maillage.")
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"La sauvegarde « {path.name} » vient d'une version plus récente de Maillage "
            f"(schéma {version}, cette version connaît le schéma {SCHEMA_VERSION}) : "
            "mettez Maillage à jour pour la restaurer."
        )
    return version


def read_summary(path: Path) -> tuple[int, tuple[tuple[str, int], ...]]:
    """Schema version and live record counts of a Maillage file (read-only, no check).

    Raises :class:`DatabaseError` when the file cannot be read.
    """
    try:
        with closing(_open_ro(path)) as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            counts = []
            for table, _label in COUNTED_TABLES:
                if table in tables:
                    n = conn.execute(f"SELECT count(*) FROM {table} WHERE deleted = 0").fetchone()[0]
                    counts.append((table, int(n)))
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise DatabaseError(f"« {Path(path).name} » n'est pas lisible ({exc}).") from exc
    return version, tuple(counts)


def copy_damaged(path: Path, folder: Path, now: dt.datetime | None = None) -> Path:
    """Keep a raw copy of a database that SQLite cannot back up (with its WAL, if any)."""
    path = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    dest = free_backup_path(folder, "endommagee", now or dt.datetime.now(), path.stem)
    shutil.copyfile(path, dest)
    wal = Path(str(path) + "-wal")
    if wal.exists():
        shutil.copyfile(wal, Path(str(dest) + "-wal"))
    return dest


def restore_file(backup: Path, target: Path) -> Path | None:
    """Replace the database at ``target`` with ``backup`` after checking it.

    The backup is first copied next to the target and the *copy* is checked (so what is
    checked is exactly what gets installed); nothing is touched if the check fails. The
    current database is then backed up (``…-avant-restauration.sqlite``; a raw copy
    ``…-endommagee.sqlite`` if SQLite cannot read it). Returns that safety copy (``None`` if
    there was no database yet). The database must not be open (close the workspace first).
    The restored file is a new file, so it takes a new site id when opened (its counters may
    already be known to peers).
    """
    from app.paths import backup_dir_for

    backup, target = Path(backup), Path(target)
    inspect_backup(backup)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".restauration")
    shutil.copyfile(backup, tmp)
    try:
        inspect_backup(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        safety = None
        if target.exists():
            folder = backup_dir_for(target)
            now = dt.datetime.now()
            try:
                safety = backup_file(
                    target, free_backup_path(folder, "avant-restauration", now, target.stem)
                )
            except (sqlite3.DatabaseError, UnicodeDecodeError):
                safety = copy_damaged(target, folder, now)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    # The old WAL must go before the new file lands, or SQLite would replay it onto it.
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    tmp.replace(target)
    _fsync_dir(target.parent)
    return safety
