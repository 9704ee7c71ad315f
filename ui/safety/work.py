"""Background tasks with progress and cancel for the safety dialogs.

``run_task(owner, fn, ...)`` runs ``fn(progress, cancel)`` off the GUI thread: ``progress``
(``done, total, message``) is relayed to the GUI thread, ``cancel()`` says whether the user
asked to stop. The result (or the error) is delivered only while ``owner`` still exists
(:func:`ui.conventions.background.guarded_job`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.errors import MaillageError
from ui.conventions.background import guarded_job

Progress = Callable[[int, int, str], None]


class _Relay(QObject):
    progress = Signal(int, int, str)


class Task:
    """A running background task: ``cancel()`` asks it to stop, ``running`` says if it runs."""

    def __init__(self) -> None:
        self._cancel = threading.Event()
        self.running = True
        self.relay = _Relay()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()


def run_task(
    owner: QObject,
    fn: Callable[[Progress, Callable[[], bool]], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[Exception], None],
    on_progress: Progress | None = None,
) -> Task:
    task = Task()
    relay = task.relay
    if on_progress is not None:
        def relay_progress(done: int, total: int, message: str) -> None:
            if shiboken6.isValid(owner):
                on_progress(done, total, message)
        relay.progress.connect(relay_progress)

    def report(done: int, total: int, message: str) -> None:
        relay.progress.emit(int(done), int(total), str(message))

    def work() -> Any:
        return fn(report, task._cancel.is_set)

    def finished(result: object) -> None:
        task.running = False
        on_done(result)

    def failed(error: Exception) -> None:
        task.running = False
        on_failed(error)

    guarded_job(owner, work, finished, failed)
    return task


def error_text(error: BaseException) -> str:
    """A French sentence for an error raised by a service or the file system."""
    if isinstance(error, MaillageError):
        return error.message
    if isinstance(error, OSError):
        what = f" « {error.filename} »" if getattr(error, "filename", None) else ""
        return f"Le fichier{what} n'a pas pu être lu ou écrit : {error.strerror or error}."
    return f"Erreur inattendue : {error}"


def busy_dialog(parent: QWidget, text: str, *, cancellable: bool = False,
                title: str = "Maillage") -> QProgressDialog:
    """A window-modal progress dialog shown at once (indeterminate until told a total)."""
    dialog = QProgressDialog(text, "Annuler" if cancellable else "", 0, 0, parent)
    if not cancellable:
        dialog.setCancelButton(None)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumWidth(420)
    dialog.setValue(0)
    dialog.show()
    return dialog


def show_progress(dialog: QProgressDialog, done: int, total: int, message: str) -> None:
    if not shiboken6.isValid(dialog):
        return
    if message:
        dialog.setLabelText(message)
    if total > 0:
        dialog.setMaximum(total)
        dialog.setValue(min(done, total))
