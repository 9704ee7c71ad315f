"""The open conflicts: a list, and the competing values of the selected one side by side.

Each value shows its machine and when it was written, with « Garder cette valeur »; a field
takes a new value instead. A deletion that another machine's edit had not seen offers
« Restaurer » or « Confirmer la suppression ». Every answer is an ordinary edit
(:func:`app.sync.service.resolve_conflict` / :func:`restore_deleted`) that closes the conflict
here and on every machine the next files reach; ``resolved(changes, message)`` says so.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import MaillageError
from app.services.workspace import ChangeSet, Workspace
from app.sync.service import Conflict, ConflictValue, conflicts, resolve_conflict, restore_deleted
from ui.sync import texts
from ui.sync.models import RowsModel
from ui.tables import read_only_table

EMPTY_TEXT = ("Aucun conflit\u00a0: les fichiers reçus n'ont contredit aucune modification "
              "faite sur ce poste.")
NBSP = texts.NBSP


def conflict_key(c: Conflict) -> tuple[str, str, str]:
    return (c.table, c.record_id, c.field)


class ConflictsPanel(QWidget):
    """The list of :func:`app.sync.service.conflicts` and the resolution of the selected one."""

    resolved = Signal(object, str)  # ChangeSet, message for the status bar
    count_changed = Signal(int)

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.setObjectName("conflictsPanel")
        self.current: Conflict | None = None
        self.keep_buttons: list[QPushButton] = []
        self.error_box: QMessageBox | None = None

        self.model: RowsModel[Conflict] = RowsModel([
            ("Fiche", texts.record_text),
            ("Champ", texts.conflict_field_text),
            ("Valeurs en concurrence", texts.competing_text),
        ], self)
        self.table = QTableView()
        self.table.setObjectName("conflictsTable")
        self.table.setModel(self.model)
        read_only_table(self.table)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.show_conflict(self.model.item(current.row())))

        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setObjectName("emptyList")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.detail = QWidget()
        self.detail.setObjectName("conflictDetail")
        detail = QVBoxLayout(self.detail)
        detail.setContentsMargins(12, 4, 4, 4)
        self.title_label = QLabel("")
        self.title_label.setObjectName("panelTitle")
        self.title_label.setWordWrap(True)
        self.message_label = QLabel("")
        self.message_label.setObjectName("formNote")
        self.message_label.setWordWrap(True)
        detail.addWidget(self.title_label)
        detail.addWidget(self.message_label)
        self.cards_host = QWidget()
        self.cards = QHBoxLayout(self.cards_host)
        self.cards.setContentsMargins(0, 0, 0, 0)
        self.cards.setSpacing(10)
        detail.addWidget(self.cards_host)
        self.actions_row = QWidget()
        actions = QHBoxLayout(self.actions_row)
        actions.setContentsMargins(0, 0, 0, 0)
        self.new_value_label = QLabel("Ou une nouvelle &valeur\u00a0:")
        self.new_value_edit = QLineEdit()
        self.new_value_edit.setObjectName("newValueEdit")
        self.new_value_label.setBuddy(self.new_value_edit)
        self.save_new_button = QPushButton("&Enregistrer cette valeur")
        self.restore_button = QPushButton("&Restaurer")
        self.restore_button.setToolTip("Annuler la suppression et garder les modifications faites ailleurs")
        self.confirm_delete_button = QPushButton("Confirmer la &suppression")
        for w in (self.new_value_label, self.new_value_edit, self.save_new_button,
                  self.restore_button, self.confirm_delete_button):
            actions.addWidget(w)
        actions.setStretch(1, 1)
        detail.addWidget(self.actions_row)
        self.new_value_error = QLabel("")
        self.new_value_error.setObjectName("fieldError")
        self.new_value_error.hide()
        detail.addWidget(self.new_value_error)
        detail.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.detail)
        self.detail_scroll = scroll

        self.new_value_edit.textChanged.connect(self._typed)
        self.new_value_edit.returnPressed.connect(self.save_new_value)
        self.save_new_button.clicked.connect(self.save_new_value)
        self.restore_button.clicked.connect(self.restore)
        self.confirm_delete_button.clicked.connect(self.confirm_deletion)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table)
        left_layout.addWidget(self.empty_label)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([440, 620])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.show_conflict(None)

    # --- loading ----------------------------------------------------------------------------

    def load(self) -> None:
        """Read the open conflicts again, keeping the selected one when it is still open."""
        keep = conflict_key(self.current) if self.current is not None else None
        items = conflicts(self.ws)
        self.model.set_items(items)
        empty = not items
        self.table.setVisible(not empty)
        self.empty_label.setVisible(empty)
        if not empty:
            self.table.resizeColumnToContents(0)
            self.table.setColumnWidth(0, min(self.table.columnWidth(0), 300))
            self.table.resizeColumnToContents(1)
        keys = [conflict_key(c) for c in items]
        row = keys.index(keep) if keep in keys else (0 if items else -1)
        if row >= 0:
            self.select_row(row)
        else:
            self.show_conflict(None)
        self.count_changed.emit(len(items))

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.show_conflict(self.model.item(row))

    # --- the selected conflict --------------------------------------------------------------

    def show_conflict(self, conflict: Conflict | None) -> None:
        self.current = conflict
        while self.cards.count():
            item = self.cards.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.keep_buttons = []
        self.new_value_edit.clear()
        self.new_value_error.hide()
        self.detail.setVisible(conflict is not None)
        self.detail_scroll.setVisible(conflict is not None)
        if conflict is None:
            return
        deletion = texts.is_deletion(conflict)
        what = "suppression" if deletion else f"champ «{NBSP}{texts.field_label(conflict.field)}{NBSP}»"
        self.title_label.setText(f"{texts.record_text(conflict)} — {what}")
        self.message_label.setText(
            f"{conflict.message[:1].upper()}{conflict.message[1:]}. "
            + ("Restaurez la fiche avec les modifications faites ailleurs, ou confirmez sa "
               "suppression." if deletion else
               "Gardez l'une des valeurs ou saisissez-en une nouvelle\u00a0: tous les postes "
               "la recevront au prochain échange."))
        for number, value in enumerate(conflict.values, start=1):
            self.cards.addWidget(self._card(conflict, value, number))
        self.cards.addStretch(1)
        kind = texts.typed_kind(conflict)
        for w in (self.new_value_label, self.new_value_edit, self.save_new_button):
            w.setVisible(kind is not None)
        self.restore_button.setVisible(deletion)
        self.confirm_delete_button.setVisible(deletion)
        self._typed()

    def _card(self, conflict: Conflict, value: ConflictValue, number: int) -> QFrame:
        card = QFrame()
        card.setObjectName("infoBox")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        box = QVBoxLayout(card)
        box.setContentsMargins(12, 10, 12, 10)
        deletion = texts.is_deletion(conflict)
        shown = (texts.deletion_value_text(value) if deletion
                 else texts.value_text(value.value, conflict.field))
        value_label = QLabel(shown)
        value_label.setObjectName("conflictValue")
        value_label.setWordWrap(True)
        value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = value_label.font()
        font.setBold(True)
        value_label.setFont(font)
        origin = QLabel(f"Poste\u00a0: {texts.site_text(value)}\n"
                        + (f"Le {texts.when(value.at)}" if value.at else "Date inconnue"))
        origin.setObjectName("conflictOrigin")
        origin.setWordWrap(True)
        box.addWidget(value_label)
        box.addWidget(origin)
        if value.value == conflict.shown and not deletion:
            current = QLabel("(valeur affichée pour l'instant)")
            current.setObjectName("formNote")
            box.addWidget(current)
        if not deletion:
            keep = QPushButton(f"&{number} Garder cette valeur" if number < 10 else "Garder cette valeur")
            keep.setObjectName("keepButton")
            keep.setToolTip(f"Garder «{NBSP}{shown}{NBSP}» (Alt+{number})" if number < 10
                            else f"Garder «{NBSP}{shown}{NBSP}»")
            keep.clicked.connect(lambda _checked=False, v=value.value: self.keep(v))
            box.addWidget(keep)
            self.keep_buttons.append(keep)
        box.addStretch(1)
        card.setMinimumWidth(180)
        return card

    def _typed(self, _text: str = "") -> None:
        self.new_value_error.hide()
        self.save_new_button.setEnabled(bool(self.new_value_edit.text().strip()))

    # --- answers ----------------------------------------------------------------------------

    def keep(self, value: Any) -> bool:
        """« Garder cette valeur »."""
        c = self.current
        if c is None:
            return False
        return self._write(lambda: resolve_conflict(self.ws, c.table, c.record_id, c.field, value),
                           f"Conflit résolu\u00a0: {texts.field_label(c.field).lower()} de "
                           f"«{NBSP}{c.label}{NBSP}» = {texts.value_text(value, c.field)}.")

    def save_new_value(self) -> bool:
        c = self.current
        if c is None or texts.typed_kind(c) is None or not self.new_value_edit.text().strip():
            return False
        try:
            value = texts.parse_typed(c, self.new_value_edit.text())
        except ValueError as exc:
            self.new_value_error.setText(str(exc))
            self.new_value_error.show()
            return False
        return self.keep(value)

    def restore(self) -> bool:
        c = self.current
        if c is None:
            return False
        return self._write(lambda: restore_deleted(self.ws, c.table, c.record_id),
                           f"{texts.record_text(c)} restauré(e).")

    def confirm_deletion(self) -> bool:
        c = self.current
        if c is None:
            return False
        return self._write(lambda: resolve_conflict(self.ws, c.table, c.record_id, "deleted", True),
                           f"Suppression confirmée\u00a0: {texts.record_text(c)}.")

    def _write(self, write: Any, message: str) -> bool:
        try:
            changes: ChangeSet = write()
        except MaillageError as exc:
            box = QMessageBox(QMessageBox.Icon.Warning, "Résolution impossible", exc.message,
                              QMessageBox.StandardButton.Ok, self)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
            self.error_box = box
            box.open()
            return False
        self.load()
        self.resolved.emit(changes, message)
        return True
