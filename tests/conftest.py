"""Shared fixtures. Qt runs offscreen; every test gets its own data folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never touch the real user data folder or the user's Qt settings."""
    data = tmp_path_factory.mktemp("donnees")
    monkeypatch.setenv("MAILLAGE_DATA_DIR", str(data))
    monkeypatch.delenv("MAILLAGE_DB", raising=False)
    monkeypatch.setenv("MAILLAGE_SETTINGS_DIR", str(data / "reglages"))
    return data


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo database, generated once per test run (copy it before writing)."""
    from app.demo import generate
    from app.services.workspace import open_workspace

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    with open_workspace(path) as ws:
        generate(ws, scale="small")
        ws.db.engine.dispose()
    # Fold the WAL into the main file so a plain copy is complete.
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the small demo database."""
    dest = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_template, dest)
    return dest


@pytest.fixture
def demo_ws(demo_db: Path):
    from app.services.workspace import open_workspace

    ws = open_workspace(demo_db)
    yield ws
    ws.close()


@pytest.fixture
def window(qtbot, demo_ws):
    """The main window on the demo base, shown offscreen; background work ends before the base
    closes."""
    from PySide6.QtCore import QThreadPool

    from ui.main import create_application
    from ui.mainwindow import MainWindow

    create_application()
    win = MainWindow(demo_ws)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    QThreadPool.globalInstance().waitForDone(30_000)
