"""Automatic backups: when they are taken, how long they are kept, where, and restoring one.

When (the callers):

- at start-up (:func:`startup_backup`, from :func:`app.services.startup.open_for_gui`);
- before a schema migration (wired through ``open_database(before_migration=...)``);
- before a CSV/XLSX import and before a sync import: the import code calls
  :func:`backup_before` (``backup_before(ws, "import")``, ``backup_before(ws, "synchro")``)
  before it opens its write transaction;
- on request (« Sauvegarder maintenant », ``maillage backup``).

Where: ``app.paths.backup_dir_for(db)`` (``sauvegardes/`` next to the database) and, when
the user set one, a second folder (network drive, USB key), in a sub-folder
``Maillage-<machine>`` so that several laptops can share a drive without pruning each
other's copies. A missing second folder gives a French warning; the main copy is made anyway.

Rotation (:func:`rotation_keep`), applied to the copies of one database in one folder:

- the newest copy of each of the 7 most recent days that have a copy (« 7 journalières ») ;
- then the newest copy of each of the 4 most recent ISO weeks before those days
  (« 4 hebdomadaires ») ;
- every precautionary copy (before an import, a sync, a migration or a restoration) of the
  last 24 hours, so a bad import discovered the same day can still be undone;
- the newest copy taken before a migration and the newest taken before a restoration,
  whatever their age.

Files whose names do not follow :func:`app.storage.backup.timestamped_name` are never touched.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
import socket
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from app.domain.formatting import number, plural
from app.domain.text import fold
from app.errors import DatabaseError, ValidationError
from app.paths import backup_dir_for
from app.services.workspace import ChangeSet, Workspace
from app.storage.backup import (
    COUNTED_TABLES,
    BackupCancelled,
    backup_file,
    free_backup_path,
    parse_backup_name,
    read_summary,
)
from app.storage.models import Setting

log = logging.getLogger(__name__)

SECOND_FOLDER_KEY = "sauvegarde.second_dossier"
DAILY_COPIES = 7
WEEKLY_COPIES = 4
PRECAUTION_HOURS = 24
_STALE_PARTIAL = dt.timedelta(hours=1)

REASON_LABELS: dict[str, str] = {
    "demarrage": "Au démarrage",
    "manuelle": "Sauvegarde manuelle",
    "avant-migration": "Avant la mise à jour de la base",
    "avant-import": "Avant un import",
    "avant-synchro": "Avant une synchronisation",
    "avant-restauration": "Avant une restauration",
    "endommagee": "Copie d'une base endommagée",
}
_PROTECTED = ("avant-migration", "avant-restauration")

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class BackupInfo:
    """One backup file as the restore dialog lists it."""

    path: Path
    date: dt.datetime
    size: int
    reason: str
    location: str  # "principal" or "second"
    schema_version: int | None
    counts: tuple[tuple[str, int], ...]
    readable: bool = True

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.reason, self.reason.replace("-", " ").capitalize())

    @property
    def size_label(self) -> str:
        """« 2,4 Mo »."""
        mb = self.size / (1024 * 1024)
        if mb < 0.1:
            return f"{number(max(1, round(self.size / 1024)))}\u00a0ko"
        return f"{number(round(mb, 1))}\u00a0Mo"

    @property
    def counts_label(self) -> str:
        """« 48 structures, 312 contacts, 25 réunions… » (tables with no record left out)."""
        if not self.readable:
            return "illisible"
        nouns = dict(COUNTED_TABLES)
        parts = [plural(n, nouns.get(t, t)) for t, n in self.counts if n]
        return ", ".join(parts) if parts else "base vide"


@dataclass(frozen=True)
class BackupResult:
    """A backup just taken: the main copy, its copy in the second folder, what rotation removed."""

    path: Path
    copies: tuple[Path, ...] = ()
    removed: tuple[Path, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class RestoreResult:
    target: Path
    restored_from: Path
    safety_copy: Path | None
    schema_version: int
    counts: tuple[tuple[str, int], ...]


# --- settings ------------------------------------------------------------------------------


def get_second_folder(ws: Workspace) -> Path | None:
    with ws.unit() as s:
        row = s.get(Setting, SECOND_FOLDER_KEY)
        value = row.value if row is not None else None
    return Path(value) if value else None


def set_second_folder(ws: Workspace, folder: Path | str | None) -> ChangeSet:
    """Set (or with ``None`` remove) the second backup folder. It must exist when set."""
    value = None
    if folder is not None and str(folder).strip():
        path = Path(folder).expanduser()
        if not path.is_dir():
            raise ValidationError(
                f"Le dossier « {path} » est introuvable : branchez le support ou choisissez "
                "un autre dossier.",
                field="second_folder",
            )
        value = str(path.resolve())
    with ws.unit(write=True) as s:
        row = s.get(Setting, SECOND_FOLDER_KEY)
        if row is None:
            s.add(Setting(key=SECOND_FOLDER_KEY, value=value))
        else:
            row.value = value
    return ChangeSet(updated=(("settings", SECOND_FOLDER_KEY),))


def missing_folder_warning(folder: Path) -> str:
    return (
        f"Le second dossier de sauvegarde « {folder} » est introuvable (clé USB débranchée ou "
        "lecteur réseau indisponible ?) : la copie n'y a pas été faite. La sauvegarde "
        "principale, elle, est bien enregistrée."
    )


def second_folder_warning(ws: Workspace) -> str | None:
    """The warning to show when a second folder is set but cannot be reached, else ``None``."""
    folder = get_second_folder(ws)
    if folder is not None and not folder.is_dir():
        return missing_folder_warning(folder)
    return None


def _machine_subfolder() -> str:
    host = re.sub(r"[^A-Za-z0-9_.-]+", "-", socket.gethostname()).strip("-.") or "poste"
    return f"Maillage-{host}"


def second_backup_dir(folder: Path) -> Path:
    """Where this machine's copies go inside the chosen second folder."""
    return Path(folder) / _machine_subfolder()


# --- rotation ------------------------------------------------------------------------------


def rotation_keep(
    copies: list[tuple[Path, dt.datetime, str]], now: dt.datetime
) -> set[Path]:
    """Which of ``copies`` (path, date taken, reason) the rotation keeps (rule: module doc)."""
    ordered = sorted(copies, key=lambda c: (c[1], c[0].name), reverse=True)
    keep: set[Path] = set()
    days: list[dt.date] = []
    for path, taken, _reason in ordered:
        day = taken.date()
        if day in days:
            continue
        if len(days) >= DAILY_COPIES:
            break
        days.append(day)
        keep.add(path)
    weeks: list[tuple[int, int]] = []
    for path, taken, _reason in ordered:
        if taken.date() in days:
            continue
        week = tuple(taken.isocalendar())[:2]
        if week in weeks:
            continue
        if len(weeks) >= WEEKLY_COPIES:
            break
        weeks.append(week)  # type: ignore[arg-type]
        keep.add(path)
    horizon = now - dt.timedelta(hours=PRECAUTION_HOURS)
    for path, taken, reason in ordered:
        if reason.startswith("avant-") and taken >= horizon:
            keep.add(path)
    for protected in _PROTECTED:
        newest = next((p for p, _t, r in ordered if r == protected), None)
        if newest is not None:
            keep.add(newest)
    return keep


def _copies_in(folder: Path, stem: str) -> list[tuple[Path, dt.datetime, str]]:
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        parsed = parse_backup_name(entry.name)
        if parsed is not None and parsed.stem == stem and entry.is_file():
            found.append((entry, parsed.taken_at, parsed.reason))
    return found


def rotate(folder: Path, stem: str, now: dt.datetime | None = None) -> tuple[Path, ...]:
    """Delete the copies of database ``stem`` in ``folder`` that the rotation does not keep."""
    now = now or dt.datetime.now()
    copies = _copies_in(folder, stem)
    keep = rotation_keep(copies, now)
    removed = []
    for path, _taken, _reason in copies:
        if path not in keep:
            try:
                path.unlink()
                removed.append(path)
            except OSError as exc:  # pragma: no cover - file in use on Windows
                log.warning("Sauvegarde %s non supprimée : %s", path, exc)
    for partial in folder.glob(f"{stem}-*.partiel"):
        try:
            if dt.datetime.fromtimestamp(partial.stat().st_mtime) < now - _STALE_PARTIAL:
                partial.unlink()
        except OSError:  # pragma: no cover
            pass
    return tuple(sorted(removed))


# --- taking backups ------------------------------------------------------------------------


def reason_code(reason: str) -> str:
    """``"import"`` → ``"avant-import"``; codes already known are kept as they are."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(reason)).strip("-") or "manuelle"
    if slug in REASON_LABELS:
        return slug
    if slug in ("synchronisation", "sync"):
        slug = "synchro"
    return slug if slug.startswith("avant-") else f"avant-{slug}"


def _copy_to_second(backup: Path, folder: Path, stem: str, now: dt.datetime) -> tuple[Path | None, tuple[Path, ...], str | None]:
    if not folder.is_dir():
        return None, (), missing_folder_warning(folder)
    target_dir = second_backup_dir(folder)
    try:
        target_dir.mkdir(exist_ok=True)
        dest = target_dir / backup.name
        tmp = dest.with_name(dest.name + ".partiel")
        shutil.copyfile(backup, tmp)
        tmp.replace(dest)
        removed = rotate(target_dir, stem, now)
    except OSError as exc:
        return None, (), (
            f"La copie vers le second dossier de sauvegarde « {folder} » a échoué "
            f"({exc.strerror or exc}). La sauvegarde principale, elle, est bien enregistrée."
        )
    return dest, removed, None


def make_backup(
    ws: Workspace,
    reason: str = "manuelle",
    *,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> BackupResult:
    """Back up the open database now, copy it to the second folder, then rotate both.

    ``progress(done, total, message)`` and ``cancel()`` make it a long job the GUI can run
    off its thread; cancelling leaves no file behind. Raises :class:`DatabaseError` for an
    in-memory database.
    """
    if ws.path is None:
        raise DatabaseError("Une base en mémoire ne peut pas être sauvegardée.")
    now = now or dt.datetime.now()
    code = reason_code(reason) if reason not in REASON_LABELS else reason
    db = ws.path
    stem = db.stem
    folder = backup_dir_for(db)
    dest = free_backup_path(folder, code, now, stem)
    step = None
    if progress is not None:
        def step(done: int, total: int) -> None:
            progress(done, total, "Sauvegarde de la base…")
    path = backup_file(db, dest, progress=step, cancel=cancel)
    removed = list(rotate(folder, stem, now))
    copies: list[Path] = []
    warnings: list[str] = []
    second = get_second_folder(ws)
    if second is not None:
        copy, removed_there, warning = _copy_to_second(path, second, stem, now)
        if copy is not None:
            copies.append(copy)
        removed.extend(removed_there)
        if warning:
            log.warning("%s", warning)
            warnings.append(warning)
    return BackupResult(path=path, copies=tuple(copies), removed=tuple(removed), warnings=tuple(warnings))


def backup_before(ws: Workspace, reason: str) -> Path | None:
    """The precautionary copy an import or a sync import takes before writing anything.

    Call it before opening the write transaction: ``backup_before(ws, "import")`` or
    ``backup_before(ws, "synchro")``. Returns the copy (``None`` for an in-memory database,
    which has nothing to protect). A missing second folder is logged, not raised.
    """
    if ws.path is None:
        return None
    return make_backup(ws, reason_code(reason)).path


def startup_backup(
    ws: Workspace, *, now: dt.datetime | None = None, cancel: Callable[[], bool] | None = None
) -> BackupResult:
    """The copy taken each time the application opens a database (after its check passed:
    :func:`app.services.integrity.startup_checks`)."""
    return make_backup(ws, "demarrage", now=now, cancel=cancel)


# --- listing and restoring -----------------------------------------------------------------


def describe_backup(path: Path, location: str = "principal") -> BackupInfo:
    """Date, size and record counts of a backup file (any Maillage file the user picks)."""
    path = Path(path)
    parsed = parse_backup_name(path.name)
    stat = path.stat()
    date = parsed.taken_at if parsed else dt.datetime.fromtimestamp(stat.st_mtime).replace(microsecond=0)
    reason = parsed.reason if parsed else "fichier"
    try:
        version, counts = read_summary(path)
        readable = True
    except DatabaseError:
        version, counts, readable = None, (), False
    return BackupInfo(
        path=path,
        date=date,
        size=stat.st_size,
        reason=reason,
        location=location,
        schema_version=version,
        counts=counts,
        readable=readable,
    )


def _second_folder_of_file(db: Path) -> Path | None:
    """The second folder setting read straight from the file (works when it cannot be opened)."""
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (SECOND_FOLDER_KEY,)).fetchone()
    except sqlite3.Error:
        return None
    if not row or not row[0]:
        return None
    import json

    try:
        value = json.loads(row[0])
    except ValueError:
        return None
    return Path(value) if isinstance(value, str) and value else None


def list_backups(ws_or_path: Workspace | Path | str) -> list[BackupInfo]:
    """The backups of a database, newest first, from the main and the second folder.

    Accepts an open workspace or the path of a database (even one that cannot be opened,
    for the start-up failure path).
    """
    if isinstance(ws_or_path, Workspace):
        if ws_or_path.path is None:
            return []
        db = ws_or_path.path
        second = get_second_folder(ws_or_path)
    else:
        db = Path(ws_or_path)
        second = _second_folder_of_file(db) if db.exists() else None
    found = [describe_backup(p, "principal") for p, _t, _r in _copies_in(backup_dir_for(db), db.stem)]
    if second is not None:
        found += [
            describe_backup(p, "second")
            for p, _t, _r in _copies_in(second_backup_dir(second), db.stem)
        ]
    found.sort(key=lambda b: (b.date, b.path.name, b.location == "principal"), reverse=True)
    return found


def restore_backup(target: Path, backup: Path) -> RestoreResult:
    """Replace the database ``target`` (closed) with a checked ``backup``.

    The backup passes ``PRAGMA integrity_check`` and the schema version check before anything
    is replaced, and the current database is copied first (``…-avant-restauration``).
    Raises :class:`DatabaseError` / :class:`app.errors.SchemaTooNew` in French, leaving the
    database unchanged. Close the workspace before calling; open it again afterwards.
    """
    from app.services.maintenance import restore

    safety = restore(Path(backup), Path(target))
    version, counts = read_summary(Path(target))
    return RestoreResult(
        target=Path(target),
        restored_from=Path(backup),
        safety_copy=safety,
        schema_version=version,
        counts=counts,
    )


__all__ = [
    "BackupCancelled",
    "BackupInfo",
    "BackupResult",
    "REASON_LABELS",
    "RestoreResult",
    "backup_before",
    "describe_backup",
    "get_second_folder",
    "list_backups",
    "make_backup",
    "restore_backup",
    "rotate",
    "rotation_keep",
    "second_folder_warning",
    "set_second_folder",
    "startup_backup",
]
