"""Opening the database the application starts on (the user's, another file, or the demo)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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


def open_for_gui(path: Path | None, demo: bool, progress: Progress | None = None) -> Workspace:
    """The workspace the window opens on.

    ``demo`` with no explicit path uses the demo database (filled on first use); with a path,
    that file is filled with demo data if it is empty. Without ``demo``: ``path``, or the
    default per-user database.
    """
    if demo:
        return ensure_demo(Path(path) if path else demo_db_path(), progress)
    return open_workspace(Path(path) if path else default_db_path())
