"""« Fichier › Restaurer une sauvegarde… »: the backups of the open base, and restoring one.

The list (:func:`app.services.backups.list_backups`: each file is opened to count its
records) and the restoration (integrity check of the backup, copy of the current base, then
replacement) run off the GUI thread. Restoring closes the workspace, replaces the file, and
opens the window again on the restored base.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QThreadPool, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt
from app.paths import backup_dir_for
from app.services import backups
from app.services.backups import BackupInfo, BackupResult
from ui import settings
from ui.safety.work import Task, busy_dialog, error_text, run_task
from ui.tables import read_only_table

LOCATION_LABELS = {
    "principal": "Dossier principal",
    "second": "Second dossier",
    "fichier": "Autre fichier",
}
COLUMNS = ("Date", "Motif", "Emplacement", "Taille", "Contenu")
WAIT_FOR_JOBS_MS = 15_000


def backup_date_label(value: dt.datetime) -> str:
    """« mardi 12 mai 2026 à 14:05 »."""
    return f"{fmt.date_long(value.date())} à {value:%H:%M}"


class RestoreDialog(QDialog):
    """The list of backups; « Restaurer » replaces the open base with the selected one.

    ``window`` is the main window (``workspace``, ``open_database``, ``stop_startup_checks``).
    """

    listed = Signal()  # the list has been (re)loaded

    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent if parent is not None else window)
        self.setObjectName("restoreDialog")
        self.setWindowTitle("Restaurer une sauvegarde")
        self.window_ = window
        self.ws = window.workspace
        self.backups: list[BackupInfo] = []
        self.list_task: Task | None = None
        self.backup_task: Task | None = None
        self.restoring = False
        self._note = ""  # said after the list, once reloaded

        intro = QLabel(
            "Choisissez la sauvegarde à remettre en place. La base actuelle est d'abord "
            "copiée à part (sauvegarde « Avant une restauration ») : vous pourrez y revenir. "
            "Les saisies faites depuis la sauvegarde choisie seront à refaire."
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("backupTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        read_only_table(self.table)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self.restore_selected())

        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(8)
        self.detail = QLabel("")
        self.detail.setObjectName("backupDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel("")
        self.status.setObjectName("formNote")
        self.status.setWordWrap(True)
        self.warning = QLabel("")
        self.warning.setObjectName("privacyBanner")
        self.warning.setWordWrap(True)
        self.warning.hide()
        folder = backup_dir_for(self.ws.path) if self.ws.path is not None else None
        self.folder_label = QLabel(
            f"Sauvegardes automatiques : {folder}" if folder is not None
            else "Une base en mémoire n'a pas de sauvegardes."
        )
        self.folder_label.setObjectName("formNote")
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.backup_button = QPushButton("&Faire une sauvegarde maintenant")
        self.backup_button.clicked.connect(self.backup_now)
        self.other_button = QPushButton("Choisir un &autre fichier…")
        self.other_button.setToolTip("Une sauvegarde copiée sur une clé USB ou un lecteur réseau")
        self.other_button.clicked.connect(self.choose_other_file)
        self.restore_button = QPushButton("&Restaurer…")
        self.restore_button.setDefault(True)
        self.restore_button.clicked.connect(self.restore_selected)
        close = QPushButton("Fermer")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.other_button)
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addWidget(self.warning)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.busy)
        layout.addWidget(self.status)
        layout.addWidget(self.folder_label)
        layout.addLayout(buttons)
        QShortcut(QKeySequence("F5"), self, self.reload)
        self.resize(1040, 480)
        self._update_buttons()
        self.reload()

    # --- the list ---------------------------------------------------------------------------

    @property
    def busy_now(self) -> bool:
        return bool((self.list_task and self.list_task.running)
                    or (self.backup_task and self.backup_task.running) or self.restoring)

    def reload(self) -> None:
        """List the backups again (off the GUI thread)."""
        if self.list_task is not None and self.list_task.running:
            return
        ws = self.ws
        self.busy.show()
        self.status.setText("Lecture des sauvegardes…")
        second = backups.get_second_folder(ws)
        warning = (
            f"Le second dossier de sauvegarde « {second} » est introuvable (clé USB débranchée "
            "ou lecteur réseau indisponible ?) : les sauvegardes qu'il contient ne sont pas "
            "listées." if second is not None and not second.is_dir() else "")
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))
        self.list_task = run_task(self, lambda _p, _c: backups.list_backups(ws),
                                  self._listed, self._list_failed)
        self._update_buttons()

    def _listed(self, found: list[BackupInfo]) -> None:
        extra = [b for b in self.backups if b.location == "fichier"]
        self.backups = extra + list(found)
        self._fill()
        self.busy.hide()
        if not self.backups:
            text = "Aucune sauvegarde pour cette base pour l'instant."
        else:
            text = fmt.plural(len(self.backups), "sauvegarde") + "."
        self.status.setText(f"{text} {self._note}".strip())
        self._note = ""
        self._update_buttons()
        self.listed.emit()

    def _list_failed(self, error: Exception) -> None:
        self.busy.hide()
        self.status.setText(f"Les sauvegardes n'ont pas pu être lues : {error_text(error)}")
        self._update_buttons()
        self.listed.emit()

    def _fill(self) -> None:
        self.table.setRowCount(len(self.backups))
        for row, info in enumerate(self.backups):
            cells = (
                backup_date_label(info.date),
                info.reason_label if info.location != "fichier" else info.path.name,
                LOCATION_LABELS.get(info.location, info.location),
                info.size_label,
                info.counts_label,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(str(info.path) if column != 4 else text)
                if column == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if not info.readable:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        for column in range(len(COLUMNS) - 1):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column) + 12, 280))
        if self.backups:
            self.table.selectRow(0)

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        row = rows[0].row()
        return self.backups[row] if 0 <= row < len(self.backups) else None

    def select_path(self, path: Path) -> None:
        for row, info in enumerate(self.backups):
            if info.path == path:
                self.table.selectRow(row)
                return

    def _update_buttons(self) -> None:
        info = self.selected()
        busy = self.busy_now
        if info is None:
            self.detail.setText("")
        elif not info.readable:
            self.detail.setText(f"« {info.path.name} » est illisible : elle ne peut pas être "
                                "restaurée.")
        else:
            self.detail.setText(f"Sauvegarde du {backup_date_label(info.date)} : "
                                f"{info.counts_label}.")
        self.restore_button.setEnabled(info is not None and info.readable and not busy)
        self.backup_button.setEnabled(self.ws.path is not None and not busy)
        self.other_button.setEnabled(not busy)

    # --- another file -----------------------------------------------------------------------

    def choose_other_file(self) -> None:
        start = settings.last_folder() or Path.home()
        name, _ = QFileDialog.getOpenFileName(
            self, "Choisir une sauvegarde", str(start),
            "Bases Maillage (*.sqlite *.db);;Tous les fichiers (*)")
        if not name:
            return
        path = Path(name)
        settings.set_last_folder(path.parent)
        try:
            info = backups.describe_backup(path, "fichier")
        except OSError as exc:
            QMessageBox.warning(self, "Sauvegarde illisible", error_text(exc))
            return
        if not info.readable:
            QMessageBox.warning(self, "Sauvegarde illisible",
                                f"« {path.name} » n'est pas une base Maillage lisible.")
            return
        self.backups = [info] + [b for b in self.backups if b.path != path]
        self._fill()
        self.select_path(path)

    # --- a backup now -----------------------------------------------------------------------

    def backup_now(self) -> None:
        ws = self.ws
        self.busy.show()
        self.status.setText("Sauvegarde en cours…")

        def progress(done: int, total: int, _message: str) -> None:
            if total > 0:
                self.busy.setRange(0, total)
                self.busy.setValue(done)

        self.backup_task = run_task(
            self, lambda p, c: backups.make_backup(ws, "manuelle", progress=p, cancel=c),
            self._backed_up, self._backup_failed, progress)
        self._update_buttons()

    def _backed_up(self, result: BackupResult) -> None:
        self.busy.setRange(0, 0)
        self._note = f"Sauvegarde enregistrée : {result.path.name}."
        for warning in result.warnings:
            QMessageBox.warning(self, "Sauvegarde", warning)
        self.reload()

    def _backup_failed(self, error: Exception) -> None:
        self.busy.setRange(0, 0)
        self.busy.hide()
        self.status.setText("")
        self._update_buttons()
        QMessageBox.critical(self, "Sauvegarde impossible",
                             f"La sauvegarde a échoué : {error_text(error)}")

    # --- restoring --------------------------------------------------------------------------

    def restore_selected(self) -> None:
        info = self.selected()
        if info is None or not info.readable or self.busy_now:
            return
        if self.ws.path is None:
            QMessageBox.warning(self, "Restauration impossible",
                                "Une base en mémoire ne peut pas être remplacée.")
            return
        text = (
            f"Remplacer la base « {self.ws.path.name} » par la sauvegarde du "
            f"{backup_date_label(info.date)} ({info.counts_label}) ?\n\n"
            "La base actuelle sera d'abord copiée dans le dossier des sauvegardes "
            "(« Avant une restauration ») : rien n'est perdu. Les saisies faites depuis "
            "cette sauvegarde ne figureront plus dans la base restaurée."
        )
        answer = QMessageBox.question(
            self, "Restaurer cette sauvegarde ?", text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.restoring = True
        self.accept()
        restore_into_window(self.window_, info)


def restore_into_window(window: Any, info: BackupInfo) -> Task | None:
    """Close the window's base, restore ``info`` over it off the GUI thread, open it again."""
    ws = window.workspace
    path = ws.path
    if path is None:
        return None
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        window.stop_startup_checks()
        # Background readers of this base (indicators, reports) finish before it is closed.
        QThreadPool.globalInstance().waitForDone(WAIT_FOR_JOBS_MS)
        QApplication.processEvents()  # their results reach their views while these exist
        ws.close()
    finally:
        QApplication.restoreOverrideCursor()
    progress = busy_dialog(window, "Vérification et restauration de la sauvegarde…",
                           title="Restauration")

    def done(result: backups.RestoreResult) -> None:
        progress.close()
        progress.deleteLater()
        if not window.open_database(path):
            return
        safety = result.safety_copy
        window.statusBar().showMessage(
            f"Sauvegarde du {backup_date_label(info.date)} restaurée.", 15000)
        QMessageBox.information(
            window, "Sauvegarde restaurée",
            f"La sauvegarde du {backup_date_label(info.date)} a été restaurée."
            + (f"\n\nLa base remplacée a été copiée dans « {safety} »." if safety else ""))

    def failed(error: Exception) -> None:
        progress.close()
        progress.deleteLater()
        QMessageBox.critical(window, "Restauration impossible",
                             f"{error_text(error)}\n\nLa base n'a pas été modifiée.")
        window.open_database(path)

    task = run_task(window, lambda _p, _c: backups.restore_backup(path, info.path), done, failed)
    window.restore_task = task
    return task


def show_restore_dialog(window: Any) -> RestoreDialog:
    dialog = RestoreDialog(window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


__all__ = ["RestoreDialog", "backup_date_label", "restore_into_window", "show_restore_dialog"]
