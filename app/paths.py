"""Where Maillage keeps its files on each operating system."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "Maillage"


def data_dir() -> Path:
    """Per-user data folder: ``~/.local/share/Maillage`` on Linux,
    ``%LOCALAPPDATA%\\Maillage`` on Windows, ``~/Library/Application Support/Maillage`` on macOS.
    ``MAILLAGE_DATA_DIR`` overrides it (tests, portable installs)."""
    override = os.environ.get("MAILLAGE_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    """The database used when no ``--db`` is given: ``MAILLAGE_DB`` or the data folder."""
    env = os.environ.get("MAILLAGE_DB")
    if env:
        return Path(env)
    return data_dir() / "maillage.sqlite"


def demo_db_path() -> Path:
    return data_dir() / "demo.sqlite"


def backup_dir_for(db_path: Path) -> Path:
    """Backups of a database live next to it, in ``sauvegardes/``."""
    return db_path.parent / "sauvegardes"
