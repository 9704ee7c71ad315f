"""Integrity checks around start-up, and what to offer when a database is damaged.

Two levels, so that start-up stays fast on a large database:

- :func:`probe` (milliseconds, whatever the size): the file is a readable SQLite database
  with a readable schema. :func:`app.services.startup.open_for_gui` runs it before opening;
- :func:`quick_check` (``PRAGMA quick_check``: reads every page, about 0,1 s per 10 Mo):
  run by :func:`startup_checks`, the start-up job the GUI runs off its thread once the
  window is shown, which then takes the start-up backup — only when the check passed, so a
  damaged database never pushes good copies out of the rotation.

On failure, the result carries a French explanation and the newest backup that passes the
full ``PRAGMA integrity_check``; the GUI offers to restore it
(:func:`app.services.backups.restore_backup`, which keeps the damaged file aside).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.domain.formatting import datetime_short, plural
from app.errors import DatabaseError, MaillageError
from app.services.backups import BackupInfo, BackupResult, list_backups, startup_backup
from app.services.workspace import Workspace
from app.storage.backup import inspect_backup, probe_file, quick_check_file

_MAX_DETAILS = 20

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class IntegrityResult:
    """Outcome of a check. ``message`` is empty when the file is sound."""

    path: Path
    ok: bool
    details: tuple[str, ...]
    message: str
    latest_good_backup: BackupInfo | None
    seconds: float


@dataclass(frozen=True)
class StartupReport:
    """What the start-up job found and did. Show ``warnings``; if ``integrity.ok`` is false,
    show ``integrity.message`` and offer ``integrity.latest_good_backup``."""

    integrity: IntegrityResult
    backup: BackupResult | None
    warnings: tuple[str, ...] = ()


class DatabaseDamaged(DatabaseError):
    """The database failed its integrity check; ``result`` says what to offer the user."""

    code = "base-endommagee"

    def __init__(self, result: IntegrityResult) -> None:
        super().__init__(result.message)
        self.result = result


def latest_good_backup(db_path: Path) -> BackupInfo | None:
    """The newest backup of ``db_path`` that passes ``integrity_check`` and the schema check."""
    for info in list_backups(Path(db_path)):
        if not info.readable:
            continue
        try:
            inspect_backup(info.path)
        except DatabaseError:
            continue
        return info
    return None


def _explain(path: Path, details: tuple[str, ...], backup: BackupInfo | None) -> str:
    first = details[0] if details else "erreur inconnue"
    text = (
        f"La base « {path.name} » est endommagée (SQLite signale : « {first} »"
        + (f" et {plural(len(details) - 1, 'autre problème', 'autres problèmes')}"
           if len(details) > 1 else "")
        + "). Cela arrive après une coupure de courant, un disque ou une clé USB défaillants, "
        "ou une copie du fichier interrompue. Maillage ne l'a pas modifiée. "
    )
    if backup is not None:
        text += (
            f"La dernière sauvegarde saine date du {datetime_short(backup.date)} "
            f"({backup.counts_label}). Vous pouvez la restaurer : la base endommagée sera "
            "d'abord copiée à part, et les saisies faites depuis cette sauvegarde seront à refaire."
        )
    else:
        text += (
            "Aucune sauvegarde saine n'a été trouvée : conservez le fichier tel quel et "
            "demandez de l'aide avant toute autre manipulation."
        )
    return text


def _result(path: Path, details: tuple[str, ...], start: float) -> IntegrityResult:
    elapsed = time.perf_counter() - start
    if details == ("ok",):
        return IntegrityResult(path, True, details, "", None, elapsed)
    details = details[:_MAX_DETAILS]
    backup = latest_good_backup(path)
    return IntegrityResult(path, False, details, _explain(path, details, backup), backup, elapsed)


def probe(path: Path | str) -> IntegrityResult:
    """The instant check run before opening (a missing file is sound: it will be created)."""
    path = Path(path)
    if not path.exists():
        return IntegrityResult(path, True, ("ok",), "", None, 0.0)
    return _result(path, probe_file(path), time.perf_counter())


def quick_check(path: Path | str, cancel: Callable[[], bool] | None = None) -> IntegrityResult:
    """``PRAGMA quick_check`` of the database file at ``path`` (read-only, safe while open).

    A file that does not exist yet is sound. On failure, the result names the latest good
    backup, if any. ``cancel()`` stops with :class:`app.storage.backup.CheckCancelled`.
    """
    path = Path(path)
    if not path.exists():
        return IntegrityResult(path, True, ("ok",), "", None, 0.0)
    start = time.perf_counter()
    return _result(path, quick_check_file(path, cancel=cancel), start)


def startup_checks(
    ws: Workspace,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> StartupReport:
    """The start-up job: quick integrity check, then (if sound) the start-up backup.

    Long on a large database: the GUI runs it off its thread after the first paint. Backup
    problems (second folder missing, disk full) become French ``warnings``, never errors.
    """
    if ws.path is None:
        ok = IntegrityResult(Path(":memory:"), True, ("ok",), "", None, 0.0)
        return StartupReport(ok, None)
    if progress is not None:
        progress(0, 2, "Vérification de la base…")
    integrity = quick_check(ws.path, cancel)
    if not integrity.ok:
        return StartupReport(integrity, None, (
            "La sauvegarde du démarrage n'a pas été faite, pour ne pas remplacer une "
            "sauvegarde saine par une copie de la base endommagée.",
        ))
    if progress is not None:
        progress(1, 2, "Sauvegarde de la base…")
    try:
        backup = startup_backup(ws, cancel=cancel)
    except (MaillageError, OSError) as exc:
        return StartupReport(integrity, None, (f"La sauvegarde automatique du démarrage a échoué : {exc}",))
    if progress is not None:
        progress(2, 2, "Base vérifiée et sauvegardée.")
    return StartupReport(integrity, backup, backup.warnings)
