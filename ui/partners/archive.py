"""Archiving a structure or a contact: the reason is required (it is shown on the record).

Records are never deleted: an archived one is hidden from the lists (« Afficher les
archivés » shows it again) and « Restaurer » brings it back.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.errors import MaillageError
from app.services.partners import WriteResult
from ui.conventions.fields import FieldBox
from ui.partners.widgets import line_edit

REASONS_HINT = "Structure fermée, doublon, a quitté le réseau, n'est plus notre partenaire…"


class ArchiveDialog(QDialog):
    """« Archiver » with its reason; ``archive(reason)`` is the service call.

    After ``accept()``, ``saved`` is what the call returned.
    """

    def __init__(self, what: str, archive: Callable[[str], WriteResult],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("archiveDialog")
        self.setWindowTitle("Archiver")
        self._archive = archive
        self.saved: WriteResult | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(f"Archiver {what} ? Elle n'apparaîtra plus dans les listes ; "
                       "« Afficher les archivés » la montre encore et « Restaurer » la rétablit."
                       if what.startswith("la ") else
                       f"Archiver {what} ? Il n'apparaîtra plus dans les listes ; "
                       "« Afficher les archivés » le montre encore et « Restaurer » le rétablit.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        caption = QLabel("Raison de l'archivage\u00a0*\u00a0:")
        self.reason_edit = line_edit("", REASONS_HINT, 300)
        caption.setBuddy(self.reason_edit)
        self.reason_box = FieldBox(self.reason_edit)
        layout.addWidget(caption)
        layout.addWidget(self.reason_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Archiver")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def save(self) -> None:
        try:
            self.saved = self._archive(self.reason_edit.text())
        except MaillageError as exc:
            self.reason_box.set_error(exc.message)
            self.reason_edit.setFocus()
            return
        self.accept()
