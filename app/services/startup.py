"""Opening the database the application starts on (the user's, another file, or the demo)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import DatabaseError as SQLAlchemyDatabaseError

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
    *,
    checks: bool = True,
) -> Workspace:
    """The workspace the window opens on.

    ``demo`` with no explicit path uses the demo database (filled on first use); with a path,
    that file is filled with demo data if it is empty. Without ``demo``: ``path``, or the
    default per-user database, which is first probed (instant) and raises
    :class:`app.services.integrity.DatabaseDamaged` when damaged (its ``result`` names the
    latest good backup to offer).

    Then the start-up job (``PRAGMA quick_check`` and the start-up backup,
    :func:`app.services.integrity.startup_checks`): with ``checks=True`` it runs here, before
    returning (``DatabaseDamaged`` if the check fails; backup warnings go to
    ``on_warning``). It reads the whole file, so the GUI passes ``checks=False`` and runs
    ``startup_checks(ws, progress, cancel)`` off its thread once the window is shown.
    """
    if demo:
        return ensure_demo(Path(path) if path else demo_db_path(), progress)
    from app.services.integrity import DatabaseDamaged, probe, startup_checks

    db = Path(path) if path else default_db_path()
    existed = db.exists()
    if existed:
        result = probe(db)
        if not result.ok:
            raise DatabaseDamaged(result)
    try:
        ws = open_workspace(db)
    except SQLAlchemyDatabaseError as exc:  # a damaged page that opening had to read
        if existed:
            from app.services.integrity import quick_check

            result = quick_check(db)
            if not result.ok:
                raise DatabaseDamaged(result) from exc
        raise
    if existed and checks:
        try:
            report = startup_checks(ws)
        except BaseException:
            ws.close()
            raise
        if not report.integrity.ok:
            ws.close()
            raise DatabaseDamaged(report.integrity)
        if on_warning is not None:
            for warning in report.warnings:
                on_warning(warning)
    return ws
