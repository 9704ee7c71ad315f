"""A long partners job (import, export) off the GUI thread, with progress and cancellation.

The function is Qt-free: ``fn(progress, cancelled)``, where ``progress(done, total, message)``
may be called from the worker and ``cancelled()`` says whether the user pressed « Annuler ».
The job belongs to the application, not to the dialog that started it, so a dialog closed
meanwhile is never signalled once deleted; exactly one of the two callbacks runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Signal

from ui.jobs import Job, start_job

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]


class _Relay(QObject):
    """Carries progress from the worker to the GUI thread (a queued signal)."""

    progressed = Signal(int, int, str)


class Task:
    """A running job: :meth:`cancel` asks it to stop; ``running`` until it reported."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self.running = True
        self.job: Job | None = None

    def cancel(self) -> None:
        self._stop.set()

    @property
    def cancel_requested(self) -> bool:
        return self._stop.is_set()


def run_task(view: QObject, fn: Callable[[Progress, Cancelled], Any],
             on_finished: Callable[[Any], None], on_failed: Callable[[Exception], None],
             on_progress: Callable[[int, int, str], None] | None = None) -> Task:
    """Start ``fn`` in the thread pool; callbacks run in the GUI thread while ``view`` lives."""
    app = QCoreApplication.instance()
    task = Task()
    relay = _Relay(app)
    if on_progress is not None:
        relay.progressed.connect(
            lambda done, total, text: on_progress(done, total, text)
            if shiboken6.isValid(view) and task.running else None)

    def work() -> Any:
        return fn(lambda done, total, text: relay.progressed.emit(int(done), int(total), text),
                  lambda: task.cancel_requested)

    def finished(result: object) -> None:
        task.running = False
        _cleanup()
        if shiboken6.isValid(view):
            on_finished(result)

    def failed(error: Exception) -> None:
        task.running = False
        _cleanup()
        if shiboken6.isValid(view):
            on_failed(error)

    def _cleanup() -> None:
        if task.job is not None:
            task.job.deleteLater()
        relay.deleteLater()

    task.job = start_job(work, app, finished, failed)
    return task
