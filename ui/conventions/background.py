"""Background work for views that may be closed before it ends (conventions, bilans, dashboard).

:func:`ui.jobs.start_job` delivers its result to a ``Job`` owned by a parent object. A view
that owned its jobs would take them along when it is deleted (another base opened, the window
closed), and the worker would then signal a deleted object. Here the job belongs to the
application, is deleted once it has reported, and the callbacks run only while the view
still exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject

from ui.jobs import Job, start_job


def guarded_job(view: QObject, fn: Callable[[], Any], on_finished: Callable[[Any], None],
                on_failed: Callable[[Exception], None]) -> Job:
    """Run ``fn()`` off the GUI thread; report to ``view`` only if it is still alive."""
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
