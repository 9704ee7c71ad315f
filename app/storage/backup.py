"""Consistent copies of a live database (SQLite online backup API) and restoring them."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from app.errors import DatabaseError, SchemaTooNew


def backup_file(source: Path, dest: Path) -> Path:
    """Copy the database at ``source`` to ``dest``, consistent even while it is being written."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".partiel")
    if tmp.exists():
        tmp.unlink()
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, closing(
        sqlite3.connect(tmp)
    ) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")
    tmp.replace(dest)
    return dest


def timestamped_name(reason: str, now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now()
    return f"maillage-{now:%Y%m%d-%H%M%S}-{reason}.sqlite"


def backup_before_migration(path: Path) -> Path:
    from app.paths import backup_dir_for

    return backup_file(path, backup_dir_for(path) / timestamped_name("avant-migration"))


def inspect_backup(path: Path) -> int:
    """Check a backup before it replaces anything; return its schema version.

    Raises :class:`DatabaseError` in French when the file is not a sound Maillage database.
    """
    from app.storage.migrations import SCHEMA_VERSION

    path = Path(path)
    if not path.is_file():
        raise DatabaseError(f"Le fichier « {path} » n'existe pas.")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
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
            f"(schéma {version})."
        )
    return version


def restore_file(backup: Path, target: Path) -> Path | None:
    """Replace the database at ``target`` with ``backup`` after checking it.

    The current database is backed up first; returns that safety copy (``None`` if there
    was no database yet). The restored file keeps the identity of the copy, so it takes a
    new site id when opened (its counters may already be known to peers).
    """
    inspect_backup(backup)
    target = Path(target)
    safety = None
    if target.exists():
        from app.paths import backup_dir_for

        safety = backup_file(target, backup_dir_for(target) / timestamped_name("avant-restauration"))
    tmp = target.with_name(target.name + ".restauration")
    shutil.copyfile(backup, tmp)
    for suffix in ("-wal", "-shm"):
        side = Path(str(target) + suffix)
        if side.exists():
            side.unlink()
    tmp.replace(target)
    return safety
