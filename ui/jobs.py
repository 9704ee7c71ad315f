"""Running a Qt-free function off the GUI thread.

The function never touches widgets; exactly one of ``finished(result)`` or ``failed(error)``
is emitted, in the GUI thread, when it ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class Job(QObject):
    """The GUI-side handle of a background function."""

    finished = Signal(object)
    failed = Signal(object)


class _Runner(QRunnable):
    def __init__(self, fn: Callable[[], Any], job: Job) -> None:
        super().__init__()
        self._fn = fn
        self._job = job

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # reported to the GUI, which explains it in French
            self._job.failed.emit(exc)
            return
        self._job.finished.emit(result)


def start_job(
    fn: Callable[[], Any],
    parent: QObject,
    on_finished: Callable[[Any], None],
    on_failed: Callable[[Exception], None],
) -> Job:
    """Start ``fn()`` in the global thread pool; the callbacks run in the GUI thread."""
    job = Job(parent)
    job.finished.connect(on_finished)
    job.failed.connect(on_failed)
    QThreadPool.globalInstance().start(_Runner(fn, job))
    return job
