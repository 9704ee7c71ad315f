"""The quick integrity check run before the application opens a database.

:func:`quick_check` runs ``PRAGMA quick_check`` on the file, read-only, before anything
writes to it. When it fails, the result carries a French explanation and the newest backup
that passes the full ``PRAGMA integrity_check``, which the GUI offers to restore
(:func:`app.services.backups.restore_backup`; the damaged file is kept as a safety copy).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from app.domain.formatting import datetime_short
from app.errors import DatabaseError
from app.services.backups import BackupInfo, list_backups
from app.storage.backup import inspect_backup, quick_check_file

_MAX_DETAILS = 20


@dataclass(frozen=True)
class IntegrityResult:
    """Outcome of the start-up check. ``message`` is empty when the file is sound."""

    path: Path
    ok: bool
    details: tuple[str, ...]
    message: str
    latest_good_backup: BackupInfo | None
    seconds: float


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
        + (f" et {len(details) - 1} autre(s) problème(s)" if len(details) > 1 else "")
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


def quick_check(path: Path | str) -> IntegrityResult:
    """``PRAGMA quick_check`` of the database file at ``path`` (read-only).

    A file that does not exist yet is sound (it will be created). On failure, the result
    names the latest good backup, if any.
    """
    path = Path(path)
    start = time.perf_counter()
    if not path.exists():
        return IntegrityResult(path, True, ("ok",), "", None, 0.0)
    details = quick_check_file(path)
    elapsed = time.perf_counter() - start
    if details == ("ok",):
        return IntegrityResult(path, True, details, "", None, elapsed)
    details = details[:_MAX_DETAILS]
    backup = latest_good_backup(path)
    return IntegrityResult(path, False, details, _explain(path, details, backup), backup, elapsed)
