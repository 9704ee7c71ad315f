"""Opening the database the application starts on (the user's, another file, or the demo)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.errors import MaillageError
from app.paths import default_db_path, demo_db_path
from app.services.workspace import Workspace, open_workspace
from app.storage.models import Organisation

Progress = Callable[[int, int, str], None]


def ensure_demo(path: Path, progress: Progress | None = None) -> Workspace:
    """Open the demo database at ``path``, creating and filling it on first use."""
    from app.demo import generate

    ws = open_workspace(path)
    try:
        if ws.count(Organisation) == 0:
            generate(ws, scale="small", progress=progress)
    except Exception:
        ws.close()
        raise
    return ws


def open_for_gui(
    path: Path | None,
    demo: bool,
    progress: Progress | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> Workspace:
    """The workspace the window opens on.

    ``demo`` with no explicit path uses the demo database (filled on first use); with a path,
    that file is filled with demo data if it is empty. Without ``demo``: ``path``, or the
    default per-user database, which is first given a quick integrity check
    (:class:`app.services.integrity.DatabaseDamaged` when it fails: its ``result`` names the
    latest good backup to offer) and, once open, an automatic backup. Backup problems (second
    folder missing, disk full) do not prevent opening: they go to ``on_warning`` in French.
    """
    if demo:
        return ensure_demo(Path(path) if path else demo_db_path(), progress)
    from app.services.backups import startup_backup
    from app.services.integrity import DatabaseDamaged, quick_check

    db = Path(path) if path else default_db_path()
    existed = db.exists()
    if existed:
        result = quick_check(db)
        if not result.ok:
            raise DatabaseDamaged(result)
    ws = open_workspace(db)
    if existed:
        try:
            outcome = startup_backup(ws)
            warnings = outcome.warnings
        except (MaillageError, OSError) as exc:
            warnings = (f"La sauvegarde automatique du démarrage a échoué : {exc}",)
        if on_warning is not None:
            for warning in warnings:
                on_warning(warning)
    return ws
