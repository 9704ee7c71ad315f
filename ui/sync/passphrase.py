"""The network passphrase: typed twice to be set or changed, never stored in clear.

- :class:`NewPassphraseFields` — the two hidden fields and the rule of
  :func:`app.sync.crypto.check_new_passphrase` (shared by the first-run assistant);
- :class:`PassphraseDialog` — « Phrase de passe du réseau… » in the Synchronisation view;
- :class:`SessionPassphrase` — the phrase remembered in memory until the base is closed, so
  it is not typed for every file (never written to disk).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.errors import MaillageError
from app.services.workspace import Workspace
from app.sync import crypto
from app.sync.service import has_network_passphrase, set_network_passphrase

PURPOSE = (
    "La phrase de passe du réseau chiffre les fichiers de synchronisation échangés entre le "
    "siège et les antennes (clé USB, courriel)\u00a0: tous les postes du réseau utilisent la "
    "même, et sans elle un fichier perdu reste illisible."
)


class SessionPassphrase:
    """The passphrase typed last, kept in memory while this base is open (or nothing)."""

    def __init__(self) -> None:
        self._value: str | None = None

    @property
    def value(self) -> str | None:
        return self._value

    def remember(self, value: str | None) -> None:
        self._value = value or None

    def forget(self) -> None:
        self._value = None


def password_edit(name: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setPlaceholderText(placeholder)
    return edit


class NewPassphraseFields(QWidget):
    """« Phrase de passe » and « Confirmation »; :meth:`value` checks them."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.new_edit = password_edit(
            "newPassphrase", f"au moins {crypto.MIN_PASSPHRASE} caractères")
        self.confirm_edit = password_edit("confirmPassphrase", "la même, une seconde fois")
        self.error = QLabel("")
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        form.addRow("Phrase de passe\u00a0:", self.new_edit)
        form.addRow("Confirmation\u00a0:", self.confirm_edit)
        form.addRow(self.error)
        for edit in (self.new_edit, self.confirm_edit):
            edit.textChanged.connect(self._edited)

    def _edited(self, _text: str = "") -> None:
        self.set_error("")
        self.changed.emit()

    def is_empty(self) -> bool:
        return not self.new_edit.text() and not self.confirm_edit.text()

    def set_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def value(self) -> str | None:
        """The phrase when both fields agree and it follows the rule; otherwise ``None``,
        with the reason shown under the fields."""
        text = self.new_edit.text()
        try:
            crypto.check_new_passphrase(text)
        except MaillageError as exc:
            self.set_error(exc.message)
            return None
        if text != self.confirm_edit.text():
            self.set_error("Les deux saisies ne sont pas identiques.")
            return None
        self.set_error("")
        return text


class PassphraseDialog(QDialog):
    """Set or change the network passphrase of this machine (accepted once stored)."""

    def __init__(self, ws: Workspace, memory: SessionPassphrase | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.memory = memory
        self.setObjectName("passphraseDialog")
        self.existed = has_network_passphrase(ws)
        self.setWindowTitle("Phrase de passe du réseau")
        layout = QVBoxLayout(self)
        intro = QLabel(PURPOSE)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        if self.existed:
            warning = QLabel(
                "Une phrase de passe est déjà enregistrée sur ce poste. Si vous la changez, "
                "changez-la aussi sur tous les autres postes du réseau\u00a0: les fichiers "
                "préparés ensuite ne pourront être lus qu'avec la nouvelle.")
            warning.setObjectName("formNote")
            warning.setWordWrap(True)
            layout.addWidget(warning)
        self.fields = NewPassphraseFields()
        layout.addWidget(self.fields)
        note = QLabel("Elle n'est jamais enregistrée en clair\u00a0: notez-la en lieu sûr.")
        note.setObjectName("formNote")
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.save_button.setText("&Enregistrer")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def save(self) -> None:
        text = self.fields.value()
        if text is None:
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # deriving the key
        try:
            set_network_passphrase(self.ws, text)
        except MaillageError as exc:
            self.fields.set_error(exc.message)
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        if self.memory is not None:
            self.memory.remember(text)
        self.accept()
