"""What the meeting dialogs and the kiosk share: background work, the officer's confirmation,
status messages and a few small widgets.

Background work goes through :func:`ui.safety.work.run_task` (progress, cancel, results
delivered only while the owner still exists). Modules the documents import on first use are
imported in the GUI thread first (:func:`prime_imports`), as :mod:`ui.conventions.background`
explains.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTime, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QTimeEdit,
    QWidget,
)

from app.domain import formatting as fmt
from app.services import lock as lock_service
from app.services.meetings import Changes, SessionView
from app.services.workspace import ChangeSet, Workspace
from ui.conventions.background import prime_imports as prime_common_imports
from ui.safety.work import Progress, Task, error_text, run_task
from ui.undo import combined_step

__all__ = [
    "OptionalTime", "Progress", "Task", "ask_reason", "confirm_officer", "error_text",
    "merged", "prime_imports", "run_in_background", "session_short", "show_status",
]

# Modules the sheet, the minutes, the scans and the list import read on first use (Pillow
# plugins, zxing-cpp, pypdfium2, openpyxl…): imported here, in the GUI thread, before a job.
LAZY_MODULES = (
    "app.documents.sheet", "app.documents.minutes", "app.documents.scans", "app.io.tabular",
    "app.services.settings", "app.services.conventions", "stdnum.fr.siret", "num2words",
    "pypdfium2", "zxingcpp", "PIL.Image", "PIL.ImageOps", "PIL.ImageDraw", "PIL.ImageChops",
    "PIL.ImageSequence", "PIL.PngImagePlugin", "PIL.JpegImagePlugin", "openpyxl",
    "cryptography.hazmat.primitives.kdf.argon2", "pwd", "getpass",
)
_primed = False


def prime_imports() -> None:
    """Import what the background jobs need, now, in the GUI thread (once)."""
    global _primed
    if _primed:
        return
    prime_common_imports()
    for name in LAZY_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:  # an optional library missing: its job explains it when run
            continue
        if name == "PIL.Image":
            module.init()  # registers every image plugin (imported lazily otherwise)
    _primed = True


def run_in_background(owner: Any, fn: Callable[[Progress, Callable[[], bool]], Any],
                      on_done: Callable[[Any], None], on_failed: Callable[[Exception], None],
                      on_progress: Progress | None = None) -> Task:
    """``fn(progress, cancelled)`` off the GUI thread; callbacks only while ``owner`` lives."""
    prime_imports()
    return run_task(owner, fn, on_done, on_failed, on_progress)


def merged(changes: list[ChangeSet], label: str = "") -> Changes:
    """Several writes as one change set whose undo step undoes them all together.

    The step is named ``label`` (by default, the name of the first write's step); a write
    without an undo step (a signature, an attendance) is refreshed but not undone.
    """
    steps = [c.undo for c in changes if getattr(c, "undo", None)]
    if len(steps) == 1 and not label:
        step = steps[0]
    else:
        step = combined_step(label or (steps[0].label if steps else ""), steps)
    return Changes(tuple(x for c in changes for x in c.created),
                   tuple(x for c in changes for x in c.updated),
                   tuple(x for c in changes for x in c.deleted), undo=step)


def show_status(widget: QWidget, text: str, timeout: int = 8000) -> None:
    """A message in the main window's status bar (when the widget is in it)."""
    current: QWidget | None = widget
    while current is not None:
        window = current.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, timeout)
            return
        current = window.parentWidget()  # a dialog: the window it was opened from


def session_short(session: SessionView) -> str:
    """« mar. 12/05 – matin » (a column header, a check box)."""
    day = fmt.date_long(session.date).split(" ")[0][:3]
    return f"{day}. {session.date:%d/%m} – {session.label_text.lower()}"


# --- the officer's confirmation ------------------------------------------------------------


def confirm_officer(parent: QWidget, ws: Workspace, on_confirmed: Callable[[], None], *,
                    title: str, text: str, question: str) -> QDialog | None:
    """The application password when one is set (checked off the GUI thread), otherwise a
    yes / no ``question``; ``on_confirmed()`` runs once confirmed.

    Returns the password dialog (open, window-modal) or ``None`` when a question was asked.
    """
    if lock_service.has_password(ws):
        from ui.safety.lock import PasswordDialog

        dialog = PasswordDialog(ws, title, text, parent=parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.accepted.connect(on_confirmed)
        dialog.open()
        return dialog
    answer = QMessageBox.question(
        parent, title, question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No)
    if answer == QMessageBox.StandardButton.Yes:
        on_confirmed()
    return None


def ask_reason(parent: QWidget, title: str, label: str) -> str | None:
    """A reason typed by the officer (kept in the audit log); ``None`` when cancelled."""
    while True:
        text, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, "")
        if not ok:
            return None
        if text.strip():
            return text.strip()
        QMessageBox.warning(parent, title, "Indiquez le motif\u00a0: il est gardé dans le journal.")


# --- small widgets ---------------------------------------------------------------------------


def to_qtime(value: dt.time) -> QTime:
    return QTime(value.hour, value.minute)


def from_qtime(value: QTime) -> dt.time:
    return dt.time(value.hour(), value.minute())


class TimeEdit(QTimeEdit):
    """« 09:30 », by steps of 5 minutes with the arrows."""

    def __init__(self, value: dt.time | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat("HH:mm")
        self.setTime(to_qtime(value or dt.time(9, 0)))
        self.setKeyboardTracking(False)

    def value(self) -> dt.time:
        return from_qtime(self.time())

    def set_value(self, value: dt.time) -> None:
        self.setTime(to_qtime(value))


class OptionalTime(QWidget):
    """A time that may be left out (arrival, departure): a box to tick, then the time."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.check = QCheckBox(text)
        self.edit = TimeEdit()
        self.edit.setEnabled(False)
        self.check.toggled.connect(self.edit.setEnabled)
        layout.addWidget(self.check)
        layout.addWidget(self.edit)

    def value(self) -> dt.time | None:
        return self.edit.value() if self.check.isChecked() else None

    def set_value(self, value: dt.time | None) -> None:
        if value is not None:
            self.edit.set_value(value)
        self.check.setChecked(value is not None)
