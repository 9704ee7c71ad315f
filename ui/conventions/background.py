"""Background work for views that may be closed before it ends (conventions, bilans, dashboard).

:func:`ui.jobs.start_job` delivers its result to a ``Job`` owned by a parent object. A view
that owned its jobs would take them along when it is deleted (another base opened, the window
closed), and the worker would then signal a deleted object. Here the job belongs to the
application, is deleted once it has reported, and the callbacks run only while the view
still exists.

Jobs must not import modules (see :data:`LAZY_MODULES`): import what they need in the GUI
thread before starting them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject

from ui.jobs import Job, start_job


# Modules the jobs below import on first use (ReportLab decodes font names with mac_roman,
# openpyxl loads a part writer lazily). A module imported by a worker thread runs PySide's
# import hook there, which can crash the GUI thread (PySide6 6.12): they are imported in the
# GUI thread before the first job starts.
LAZY_MODULES = ("encodings.mac_roman", "openpyxl.packaging.extended")
_primed = False


def prime_imports() -> None:
    """Import :data:`LAZY_MODULES` now, in the calling (GUI) thread; once is enough."""
    global _primed
    if _primed:
        return
    for name in LAZY_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:  # a library that no longer needs it
            pass
    _primed = True


def guarded_job(view: QObject, fn: Callable[[], Any], on_finished: Callable[[Any], None],
                on_failed: Callable[[Exception], None]) -> Job:
    """Run ``fn()`` off the GUI thread; report to ``view`` only if it is still alive."""
    prime_imports()
    holder: list[Job] = []

    def finished(result: object) -> None:
        holder[0].deleteLater()
        if shiboken6.isValid(view):
            on_finished(result)

    def failed(error: Exception) -> None:
        holder[0].deleteLater()
        if shiboken6.isValid(view):
            on_failed(error)

    job = start_job(fn, QCoreApplication.instance(), finished, failed)
    holder.append(job)
    return job
