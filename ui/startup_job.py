"""The start-up job in the GUI: integrity check and automatic backup, off the GUI thread.

The window paints first; the job (:func:`app.services.integrity.startup_checks`) reads the
whole file — seconds on a large database — and then reports: a message in the status bar,
warnings in a dialog, a damaged database with an offer to restore the latest good backup.
Closing the window or opening another base cancels it (the job checks a cancel flag).
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QMessageBox

from app.domain.formatting import datetime_short
from app.errors import MaillageError
from app.services import integrity
from app.services.integrity import StartupReport
from app.services.workspace import Workspace
from ui.jobs import Job, start_job

RUNNING_MESSAGE = "Vérification et sauvegarde de la base en arrière-plan…"
DONE_MESSAGE = "Base vérifiée et sauvegardée."


class StartupChecks:
    """At most one start-up job for a window; ``start()`` again replaces the running one."""

    def __init__(self, window: Any) -> None:  # a ui.mainwindow.MainWindow
        self._window = window
        self._cancel: threading.Event | None = None
        self.job: Job | None = None

    @property
    def running(self) -> bool:
        return self._cancel is not None and not self._cancel.is_set()

    def start(self) -> Job | None:
        ws: Workspace = self._window.workspace
        if ws.path is None:
            return None
        self.stop()
        cancel = threading.Event()
        self._cancel = cancel
        self._window.statusBar().showMessage(RUNNING_MESSAGE)
        self.job = start_job(
            lambda: integrity.startup_checks(ws, None, cancel.is_set), self._window,
            lambda report: self._done(ws, cancel, report),
            lambda error: self._failed(cancel, error),
        )
        return self.job

    def stop(self) -> None:
        """Cancel the running job and wait until it has let go of the database."""
        if self.running:
            assert self._cancel is not None
            self._cancel.set()
            QThreadPool.globalInstance().waitForDone(60_000)

    def _done(self, ws: Workspace, cancel: threading.Event, report: StartupReport) -> None:
        if cancel.is_set() or ws is not self._window.workspace:
            return  # cancelled, or about a base that is no longer shown
        cancel.set()  # finished: nothing left to stop
        bar = self._window.statusBar()
        bar.clearMessage()
        if not report.integrity.ok:
            offer_restore(self._window, report)
            return
        if report.backup is not None:
            bar.showMessage(DONE_MESSAGE, 8000)
        for warning in report.warnings:
            QMessageBox.warning(self._window, "Sauvegarde automatique", warning)

    def _failed(self, cancel: threading.Event, error: Exception) -> None:
        if cancel.is_set():
            return
        cancel.set()
        self._window.statusBar().clearMessage()
        message = error.message if isinstance(error, MaillageError) else str(error)
        QMessageBox.warning(self._window, "Vérification de la base",
                            f"La vérification du démarrage n'a pas pu se faire : {message}")


def offer_restore(window: Any, report: StartupReport) -> None:
    """Explain a damaged database and offer its latest good backup."""
    result = report.integrity
    box = QMessageBox(window)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Base endommagée")
    box.setText(result.message or "La vérification de la base a trouvé des erreurs.")
    restore = None
    backup = result.latest_good_backup
    if backup is not None:
        box.setInformativeText(
            f"La dernière sauvegarde saine date du {datetime_short(backup.date)}. "
            "La restaurer remplace la base actuelle, qui est d'abord copiée à part."
        )
        restore = box.addButton("Restaurer cette sauvegarde", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Continuer sans restaurer", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if restore is None or box.clickedButton() is not restore:
        return
    from app.services.backups import restore_backup

    path = window.workspace.path
    window.workspace.close()
    try:
        restore_backup(path, backup.path)
    except MaillageError as exc:
        QMessageBox.critical(window, "Restauration impossible", exc.message)
    except OSError as exc:
        QMessageBox.critical(window, "Restauration impossible",
                             f"La sauvegarde n'a pas pu être recopiée : {exc.strerror or exc}.")
    window.open_database(path)
