"""« Préparer un fichier pour… » and « Importer un fichier »: the two exchange dialogs.

Both run the engine (:func:`app.sync.service.export_file` / :func:`import_file`) off the GUI
thread through :func:`ui.partners.background.run_task`, with a progress bar and « Annuler »
(a cancel writes nothing), then show a summary in place. A refusal (wrong passphrase, damaged
file, file from a newer version…) is shown in a message box with the engine's French
message; the database is then unchanged. The file and the passphrase are plain fields, so a
test (or a user with the keyboard) fills them in without any file dialog.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import MaillageError
from app.services.workspace import Workspace
from app.sync.errors import SyncCancelled
from app.sync.service import ExportReport, ImportReport, SyncStatus, export_file, import_file
from ui import settings
from ui.partners.background import Task, run_task
from ui.sync import texts
from ui.sync.passphrase import PURPOSE, NewPassphraseFields, SessionPassphrase, password_edit

UNCHANGED = "La base n'a pas été modifiée."


def refusal_text(error: Exception, *, writes: bool) -> str:
    """The French explanation of a failed exchange (``writes``: an import, which says that
    the database is unchanged)."""
    if isinstance(error, MaillageError):
        text = error.message
    elif isinstance(error, OSError):
        text = f"Le fichier n'a pas pu être lu ou écrit ({error.strerror or error})."
    else:
        text = f"Erreur inattendue\u00a0: {error}"
    if writes and "pas été modifiée" not in text:
        text += "\n\n" + UNCHANGED
    return text


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:40] or "site"


class _ExchangeDialog(QDialog):
    """The common part: passphrase, progress bar with « Annuler », summary, refusal box."""

    action_text = ""
    running_text = ""

    def __init__(self, ws: Workspace, memory: SessionPassphrase, has_passphrase: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.memory = memory
        self.has_passphrase = has_passphrase
        self.task: Task | None = None
        self.error_box: QMessageBox | None = None
        self._close_when_done = False
        self.layout_ = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout_.addLayout(self.form)

    # --- pieces the subclasses place --------------------------------------------------------

    def _file_row(self, edit: QLineEdit, button: QPushButton) -> QWidget:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(edit, 1)
        line.addWidget(button)
        return row

    def _passphrase_rows(self, *, new_allowed: bool) -> None:
        """The passphrase field (prefilled when remembered), or — when this machine has none
        yet and the file is to be written — the phrase typed twice."""
        self.new_fields: NewPassphraseFields | None = None
        self.passphrase_edit = password_edit("passphraseEdit")
        if new_allowed and not self.has_passphrase:
            note = QLabel("Aucune phrase de passe du réseau n'est encore enregistrée sur ce "
                          "poste\u00a0: celle que vous saisissez le deviendra. " + PURPOSE)
            note.setObjectName("formNote")
            note.setWordWrap(True)
            self.form.addRow(note)
            self.new_fields = NewPassphraseFields()
            self.form.addRow(self.new_fields)
        else:
            self.passphrase_edit.setText(self.memory.value or "")
            self.form.addRow("Phrase de passe du réseau\u00a0:", self.passphrase_edit)
        self.remember_box = QCheckBox("Retenir la phrase de passe jusqu'à la fermeture de Maillage")
        self.remember_box.setChecked(True)
        self.form.addRow("", self.remember_box)

    def _finish_layout(self) -> None:
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.progress_label = QLabel("")
        self.progress_label.setObjectName("progressLabel")
        self.progress_label.hide()
        self.summary = QLabel("")
        self.summary.setObjectName("syncSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.hide()
        self.layout_.addWidget(self.progress_label)
        self.layout_.addWidget(self.progress)
        self.layout_.addWidget(self.summary)
        self.layout_.addStretch(1)
        self.buttons = QDialogButtonBox()
        self.run_button = self.buttons.addButton(self.action_text,
                                                 QDialogButtonBox.ButtonRole.AcceptRole)
        self.run_button.setDefault(True)
        self.cancel_button = self.buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        self.run_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.reject)
        self.layout_.addWidget(self.buttons)

    # --- passphrase -------------------------------------------------------------------------

    def passphrase(self) -> str | None:
        if self.new_fields is not None:
            return self.new_fields.value()
        text = self.passphrase_edit.text()
        if not text:
            self._refuse("Phrase de passe manquante",
                         "Saisissez la phrase de passe du réseau\u00a0: elle chiffre les fichiers.")
            return None
        return text

    # --- running ----------------------------------------------------------------------------

    def start(self) -> Task | None:
        """Run the job (refused with a message when a field is missing)."""
        if self.task is not None and self.task.running:
            return None
        prepared = self._prepare()
        if prepared is None:
            return None
        passphrase = self.passphrase()
        if passphrase is None:
            return None
        job = prepared(passphrase)
        self._passphrase_used = passphrase
        self.summary.hide()
        self.progress.setValue(0)
        self.progress.show()
        self.progress_label.setText(self.running_text)
        self.progress_label.show()
        self._set_running(True)
        self.task = run_task(self, job, self._finished, self._failed, self._progressed)
        return self.task

    def _prepare(self) -> Callable[[str], Callable[[Any, Any], Any]] | None:
        """Check the fields; return ``passphrase -> job(progress, cancelled)``."""
        raise NotImplementedError

    def _set_running(self, running: bool) -> None:
        for widget in self._inputs():
            widget.setEnabled(not running)
        self.run_button.setEnabled(not running)
        self.cancel_button.setText("Annuler")
        self.cancel_button.setToolTip("Arrêter\u00a0: rien n'est écrit" if running else "")

    def _inputs(self) -> list[QWidget]:
        raise NotImplementedError

    def cancel(self) -> None:
        if self.task is not None and self.task.running:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText("Annulation…")

    def _progressed(self, done: int, total: int, message: str) -> None:
        self.progress.setValue(int(100 * done / max(total, 1)))
        if message and self.cancel_button.isEnabled():
            self.progress_label.setText(message)

    def _finished(self, report: Any) -> None:
        self._after_run()
        if self.remember_box.isChecked():
            self.memory.remember(self._passphrase_used)
        self.summary.setText(self._summary(report))
        self.summary.show()
        self.run_button.hide()
        self.cancel_button.setText("Fermer")
        self._done(report)
        self._close_if_asked()

    def _failed(self, error: Exception) -> None:
        self._after_run()
        if isinstance(error, SyncCancelled):
            self.summary.setText(error.message)
            self.summary.show()
        else:
            self._refuse(self.refused_title, refusal_text(error, writes=self.writes))
        self._close_if_asked()

    def _after_run(self) -> None:
        self._set_running(False)
        self.cancel_button.setEnabled(True)
        self.progress.hide()
        self.progress_label.hide()

    def _refuse(self, title: str, text: str) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.error_box = box
        box.finished.connect(lambda _r: setattr(self, "error_box", None))
        box.open()
        return box

    refused_title = ""
    writes = False

    def _summary(self, report: Any) -> str:
        raise NotImplementedError

    def _done(self, report: Any) -> None:
        raise NotImplementedError

    # --- closing ----------------------------------------------------------------------------

    def _close_if_asked(self) -> None:
        if self._close_when_done:
            self._close_when_done = False
            super().reject()

    def reject(self) -> None:
        """« Annuler » while the job runs stops it (nothing is written); otherwise closes."""
        if self.task is not None and self.task.running:
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.task is not None and self.task.running:
            self._close_when_done = True
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)


class ExportDialog(_ExchangeDialog):
    """« Préparer un fichier pour… »: the peer (or every site, or a new one), the folder."""

    exported = Signal(object)  # ExportReport
    action_text = "&Préparer le fichier"
    running_text = "Préparation du fichier…"
    refused_title = "Fichier non préparé"

    NEW_SITE = "__nouveau__"
    ALL_SITES = "__tous__"

    def __init__(self, ws: Workspace, status: SyncStatus, memory: SessionPassphrase,
                 to_site: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ws, memory, status.has_passphrase, parent)
        self.status = status
        self.setObjectName("syncExportDialog")
        self.setWindowTitle("Préparer un fichier de synchronisation")
        self.report: ExportReport | None = None
        intro = QLabel(
            "Le fichier contient ce que le destinataire n'a pas encore reçu de ce poste. "
            "Il est chiffré\u00a0: vous pouvez le copier sur une clé USB ou l'envoyer par "
            "courriel.")
        intro.setWordWrap(True)
        self.form.addRow(intro)

        self.target_combo = QComboBox()
        self.target_combo.setObjectName("targetCombo")
        for peer in status.peers:
            self.target_combo.addItem(peer.name or f"site {peer.site_id[:8]}", peer.site_id)
        if status.peers:
            self.target_combo.addItem("Tous les sites connus", self.ALL_SITES)
        self.target_combo.addItem("Tous / nouveau site (fichier complet)", self.NEW_SITE)
        if to_site is not None and self.target_combo.findData(to_site) >= 0:
            self.target_combo.setCurrentIndex(self.target_combo.findData(to_site))
        self.full_box = QCheckBox("Tout inclure (fichier complet)")
        self.full_box.setToolTip("Pour un poste qui repart d'une base vide ou a perdu ses données")
        self.form.addRow("&Destinataire\u00a0:", self.target_combo)
        self.form.addRow("", self.full_box)

        start = settings.last_folder() or Path.home()
        self.folder_edit = QLineEdit(str(start))
        self.folder_edit.setObjectName("folderEdit")
        self.folder_button = QPushButton("C&hoisir…")
        self.folder_button.setToolTip("Choisir le dossier, par exemple la clé USB")
        self.folder_button.clicked.connect(self.choose_folder)
        self.form.addRow("D&ossier\u00a0:", self._file_row(self.folder_edit, self.folder_button))
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("nameEdit")
        self.form.addRow("&Nom du fichier\u00a0:", self.name_edit)
        self._passphrase_rows(new_allowed=True)
        self._finish_layout()

        self._auto_name = ""
        self.target_combo.currentIndexChanged.connect(self._target_changed)
        self._target_changed()
        self.resize(620, self.sizeHint().height())

    def target(self) -> tuple[str | None, bool]:
        """``(to_site, full)`` for the engine."""
        data = self.target_combo.currentData()
        if data == self.NEW_SITE:
            return None, True
        if data == self.ALL_SITES:
            return None, self.full_box.isChecked()
        return data, self.full_box.isChecked()

    def _target_changed(self, _index: int = 0) -> None:
        new_site = self.target_combo.currentData() == self.NEW_SITE
        self.full_box.setEnabled(not new_site)
        if new_site:
            self.full_box.setChecked(True)
        elif not self.full_box.isEnabled():
            self.full_box.setChecked(False)
        if self.name_edit.text() in ("", self._auto_name):
            self._auto_name = self.default_name()
            self.name_edit.setText(self._auto_name)

    def default_name(self) -> str:
        """« maillage-siege-pour-avallon-2026-05-12.msync »."""
        data = self.target_combo.currentData()
        target = "tous" if data in (self.NEW_SITE, self.ALL_SITES) else self.target_combo.currentText()
        origin = self.status.site_name or "ce-poste"
        return (f"maillage-{_slug(origin)}-pour-{_slug(target)}-"
                f"{dt.date.today().isoformat()}{texts.FILE_SUFFIX}")

    def choose_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Dossier où préparer le fichier",
                                                self.folder_edit.text())
        if name:
            self.folder_edit.setText(name)

    def path(self) -> Path:
        name = self.name_edit.text().strip()
        if name and not Path(name).suffix:
            name += texts.FILE_SUFFIX
        return Path(self.folder_edit.text().strip()).expanduser() / name

    def _inputs(self) -> list[QWidget]:
        widgets: list[QWidget] = [self.target_combo, self.folder_edit, self.folder_button,
                                  self.name_edit, self.passphrase_edit, self.remember_box]
        if self.new_fields is not None:
            widgets.append(self.new_fields)
        if self.target_combo.currentData() != self.NEW_SITE:
            widgets.append(self.full_box)
        return widgets

    def _prepare(self) -> Callable[[str], Callable[[Any, Any], Any]] | None:
        folder = Path(self.folder_edit.text().strip()).expanduser()
        if not self.folder_edit.text().strip() or not folder.is_dir():
            self._refuse(self.refused_title, "Choisissez un dossier existant (par exemple la clé USB).")
            return None
        if not self.name_edit.text().strip():
            self._refuse(self.refused_title, "Indiquez le nom du fichier à créer.")
            return None
        ws, path = self.ws, self.path()
        to_site, full = self.target()

        def prepared(passphrase: str) -> Callable[[Any, Any], Any]:
            def job(progress, cancelled) -> ExportReport:  # noqa: ANN001
                return export_file(ws, path, to_site=to_site, full=full, passphrase=passphrase,
                                   progress=progress, cancel=cancelled)
            return job

        settings.set_last_folder(folder)
        return prepared

    def _summary(self, report: ExportReport) -> str:
        return texts.export_summary(report)

    def _done(self, report: ExportReport) -> None:
        self.report = report
        self.exported.emit(report)


class ImportDialog(_ExchangeDialog):
    """« Importer un fichier »: verify, then apply the whole file or nothing."""

    imported = Signal(object)  # ImportReport
    action_text = "&Importer"
    running_text = "Vérification du fichier…"
    refused_title = "Fichier refusé"
    writes = True

    def __init__(self, ws: Workspace, memory: SessionPassphrase, has_passphrase: bool,
                 path: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ws, memory, has_passphrase, parent)
        self.setObjectName("syncImportDialog")
        self.setWindowTitle("Importer un fichier de synchronisation")
        self.report: ImportReport | None = None
        intro = QLabel(
            "Le fichier est entièrement vérifié avant d'être appliqué, en une seule fois\u00a0: "
            "un fichier endommagé, incomplet ou chiffré avec une autre phrase de passe est "
            "refusé sans rien modifier. Importer deux fois le même fichier ne change rien.")
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.file_edit = QLineEdit(str(path) if path else "")
        self.file_edit.setObjectName("fileEdit")
        self.file_edit.setPlaceholderText("fichier reçu (clé USB, pièce jointe…)")
        self.file_button = QPushButton("C&hoisir…")
        self.file_button.clicked.connect(self.choose_file)
        self.form.addRow("&Fichier\u00a0:", self._file_row(self.file_edit, self.file_button))
        self._passphrase_rows(new_allowed=False)
        self._finish_layout()
        self.resize(620, self.sizeHint().height())

    def choose_file(self) -> None:
        start = self.file_edit.text() or str(settings.last_folder() or Path.home())
        name, _ = QFileDialog.getOpenFileName(self, "Importer un fichier de synchronisation",
                                              start, texts.FILE_FILTER)
        if name:
            self.file_edit.setText(name)

    def _inputs(self) -> list[QWidget]:
        return [self.file_edit, self.file_button, self.passphrase_edit, self.remember_box]

    def _prepare(self) -> Callable[[str], Callable[[Any, Any], Any]] | None:
        text = self.file_edit.text().strip()
        path = Path(text).expanduser()
        if not text or not path.is_file():
            self._refuse(self.refused_title, "Choisissez le fichier reçu\u00a0: "
                         + (f"«\u00a0{path}\u00a0» n'existe pas." if text else "aucun fichier indiqué."))
            return None
        ws = self.ws

        def prepared(passphrase: str) -> Callable[[Any, Any], Any]:
            def job(progress, cancelled) -> ImportReport:  # noqa: ANN001
                return import_file(ws, path, passphrase=passphrase, progress=progress,
                                   cancel=cancelled)
            return job

        settings.set_last_folder(path.parent)
        return prepared

    def _summary(self, report: ImportReport) -> str:
        return texts.import_summary(report)

    def _done(self, report: ImportReport) -> None:
        self.report = report
        self.imported.emit(report)
