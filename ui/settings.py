"""The one module that reads and writes Qt settings (window geometry, splitters, folders).

Settings live in an INI file: in ``MAILLAGE_SETTINGS_DIR`` when it is set (tests, portable
installs), otherwise in the user's configuration folder under « Maillage ». They carry a
version; a file written by an incompatible version is cleared rather than misread.
Everything stored here is a convenience: losing it only costs the user a window size.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

SETTINGS_VERSION = 1
_VERSION_KEY = "version"
FILE_NAME = "maillage.ini"


def settings_path() -> Path | None:
    """The INI file used when ``MAILLAGE_SETTINGS_DIR`` is set (``None`` otherwise)."""
    folder = os.environ.get("MAILLAGE_SETTINGS_DIR")
    return Path(folder) / FILE_NAME if folder else None


def _store() -> QSettings:
    path = settings_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        store = QSettings(str(path), QSettings.Format.IniFormat)
    else:
        store = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                          "Maillage", "Maillage")
    version = store.value(_VERSION_KEY)
    if version is None or str(version) != str(SETTINGS_VERSION):
        if version is not None:
            store.clear()  # a future or unknown layout: start afresh
        store.setValue(_VERSION_KEY, SETTINGS_VERSION)
    return store


def _load_bytes(key: str) -> QByteArray | None:
    value = _store().value(key)
    if isinstance(value, QByteArray) and not value.isEmpty():
        return value
    if isinstance(value, (bytes, bytearray)) and value:
        return QByteArray(bytes(value))
    return None


def _save_bytes(key: str, data: QByteArray | bytes) -> None:
    store = _store()
    store.setValue(key, QByteArray(data))
    store.sync()


def load_geometry(window: str) -> QByteArray | None:
    """The saved ``saveGeometry()`` of the window called ``window``, if any."""
    return _load_bytes(f"fenetres/{window}/geometrie")


def save_geometry(window: str, data: QByteArray | bytes) -> None:
    _save_bytes(f"fenetres/{window}/geometrie", data)


def load_splitter_state(name: str) -> QByteArray | None:
    """The saved ``QSplitter.saveState()`` of the splitter called ``name``, if any."""
    return _load_bytes(f"separateurs/{name}")


def save_splitter_state(name: str, data: QByteArray | bytes) -> None:
    _save_bytes(f"separateurs/{name}", data)


def last_folder() -> Path | None:
    """The folder of the last file the user opened or saved through a file dialog."""
    value = _store().value("dossiers/dernier")
    if not value:
        return None
    path = Path(str(value))
    return path if path.is_dir() else None


def set_last_folder(folder: Path) -> None:
    store = _store()
    store.setValue("dossiers/dernier", str(folder))
    store.sync()


# --- partners import: the column mapping the user chose, per kind of file ----------------


def load_import_mapping(target: str) -> dict[str, str]:
    """The ``{header: field}`` last confirmed for a ``target`` import (``organisations`` or
    ``people``); ``{}`` when none. A header mapped to ``""`` was deliberately ignored."""
    value = _store().value(f"import/{target}/correspondance")
    if not value:
        return {}
    try:
        data = json.loads(str(value))
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str)}


def save_import_mapping(target: str, mapping: dict[str, str]) -> None:
    """Remember ``mapping`` (merged over what was remembered for other headers)."""
    remembered = load_import_mapping(target)
    remembered.update(mapping)
    store = _store()
    store.setValue(f"import/{target}/correspondance", json.dumps(remembered, ensure_ascii=False))
    store.sync()


# --- meetings: the view last chosen (« Liste », « Semaine » or « Mois ») ------------------

MEETINGS_VIEWS = ("list", "week", "month")


def meetings_view() -> str:
    """The meetings view the user last chose: ``list`` (default), ``week`` or ``month``."""
    value = str(_store().value("reunions/vue") or "")
    return value if value in MEETINGS_VIEWS else "list"


def set_meetings_view(view: str) -> None:
    if view not in MEETINGS_VIEWS:
        return
    store = _store()
    store.setValue("reunions/vue", view)
    store.sync()
