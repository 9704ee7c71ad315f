"""« Changer le statut » : the next lifecycle step of a convention, dated, with its reason
(résiliation) or the scan of the signed copy (signature)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import MaillageError, ValidationError
from app.services.conventions import (
    ConventionView,
    Saved,
    StatusChange,
    change_status,
    status_label,
)
from app.services.workspace import Workspace
from ui import settings
from ui.conventions.fields import DateEdit, FieldBox

SCAN_FILTER = "Copie signée (*.pdf *.png *.jpg *.jpeg);;Tous les fichiers (*)"

# What the date means for each step.
_DATE_LABELS = {
    "envoyee": "Envoyée le",
    "signee": "Signée le",
    "en_cours": "Démarrée le",
    "echue": "Échue le",
    "resiliee": "Résiliée le",
    "brouillon": "Date",
}


class StatusDialog(QDialog):
    """Offers the statuses :attr:`ConventionView.next_statuses` allows; ``saved`` after OK."""

    def __init__(self, ws: Workspace, convention: ConventionView, status: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusDialog")
        self.ws = ws
        self.convention = convention
        self.saved: Saved | None = None
        self.setWindowTitle(f"Changer le statut – {convention.number}")

        layout = QVBoxLayout(self)
        intro = QLabel(f"« {convention.title} » est actuellement « {convention.status_label} ».")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.status_combo = QComboBox()
        for code in convention.next_statuses:
            self.status_combo.addItem(status_label(code), code)
        if status is not None and status in convention.next_statuses:
            self.status_combo.setCurrentIndex(convention.next_statuses.index(status))
        self.date_edit = DateEdit(dt.date.today())
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("facultatif : « envoyée par courriel au président »")
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setPlaceholderText("Motif de la résiliation (obligatoire)")
        self.reason_edit.setFixedHeight(70)
        self.reason_edit.setTabChangesFocus(True)
        self.scan_edit = QLineEdit()
        self.scan_edit.setPlaceholderText("PDF, PNG ou JPEG – facultatif, peut être joint plus tard")
        browse = QPushButton("Choisir…")
        browse.clicked.connect(self.choose_scan)
        scan_row = QWidget()
        row = QHBoxLayout(scan_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.scan_edit, 1)
        row.addWidget(browse)

        self.fields = {
            "status": FieldBox(self.status_combo),
            "date": FieldBox(self.date_edit),
            "note": FieldBox(self.note_edit),
            "reason": FieldBox(self.reason_edit),
            "scan": FieldBox(scan_row),
        }
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Nouveau statut", self.fields["status"])
        self.date_label = QLabel("&Date")
        self.date_label.setBuddy(self.date_edit)
        form.addRow(self.date_label, self.fields["date"])
        form.addRow("N&ote", self.fields["note"])
        self.reason_label = QLabel("&Motif")
        self.reason_label.setBuddy(self.reason_edit)
        form.addRow(self.reason_label, self.fields["reason"])
        self.scan_label = QLabel("&Copie signée")
        self.scan_label.setBuddy(self.scan_edit)
        form.addRow(self.scan_label, self.fields["scan"])
        self.form = form
        layout.addLayout(form)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Enregistrer")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout.addWidget(buttons)
        self.status_combo.currentIndexChanged.connect(lambda _i: self._status_changed())
        self._status_changed()
        self.resize(520, self.sizeHint().height())

    def chosen_status(self) -> str:
        return self.status_combo.currentData() or ""

    def chosen_status_label(self) -> str:
        return self.status_combo.currentText()

    def _status_changed(self) -> None:
        status = self.chosen_status()
        self.date_label.setText("&" + _DATE_LABELS.get(status, "Date"))
        for widget in (self.reason_label, self.fields["reason"]):
            widget.setVisible(status == "resiliee")
        for widget in (self.scan_label, self.fields["scan"]):
            widget.setVisible(status == "signee")
        for box in self.fields.values():
            box.set_error("")
        self.adjustSize()

    def choose_scan(self) -> None:
        start = settings.last_folder() or Path.home()
        name, _ = QFileDialog.getOpenFileName(self, "Copie signée de la convention", str(start),
                                              SCAN_FILTER)
        if name:
            self.scan_edit.setText(name)
            settings.set_last_folder(Path(name).parent)

    def change(self) -> StatusChange:
        """The step as typed; raises ValidationError (field ``scan``) if the file is unreadable."""
        status = self.chosen_status()
        scan, filename = None, ""
        path_text = self.scan_edit.text().strip()
        if status == "signee" and path_text:
            path = Path(path_text)
            try:
                scan = path.read_bytes()
            except OSError as exc:
                raise ValidationError(f"Le fichier « {path.name} » n'a pas pu être lu : "
                                      f"{exc.strerror or exc}.", field="scan") from None
            filename = path.name
        return StatusChange(
            status=status, date=self.date_edit.value(), note=self.note_edit.text(),
            reason=self.reason_edit.toPlainText() if status == "resiliee" else "",
            scan=scan, scan_filename=filename,
        )

    def accept(self) -> None:
        for box in self.fields.values():
            box.set_error("")
        if not self.chosen_status():
            self.fields["status"].set_error("Cette convention est close : aucun statut ne suit.")
            return
        try:
            self.saved = change_status(self.ws, self.convention.id, self.change())
        except ValidationError as exc:
            box = self.fields.get(exc.field or "", self.fields["status"])
            box.set_error(exc.message)
            box.editor.setFocus()
            return
        except MaillageError as exc:
            self.fields["status"].set_error(exc.message)
            return
        super().accept()
