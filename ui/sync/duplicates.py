"""Duplicates to review after an import: a record received resembles one already here.

Each pair opens the merge dialog of the structures and contacts (:class:`ui.partners.merge.
MergeDialog`); the record that was here before the import is kept by default. A merge is an
ordinary change (one undo step) that the next files carry to the other machines. The list
is kept in the base (locally) until each pair is merged or dismissed.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.duplicates import DuplicateCandidate
from app.services.workspace import Workspace
from app.sync.service import (
    DuplicateToReview,
    ImportReport,
    duplicates_to_review,
    forget_duplicate,
    remember_duplicates,
)
from ui.sync.models import RowsModel
from ui.tables import read_only_table

EMPTY_TEXT = ("Aucun doublon à vérifier\u00a0: après un import, les structures et contacts reçus "
              "qui ressemblent à une fiche de ce poste sont listés ici.")
_KINDS = {"organisations": "Structure", "people": "Contact"}
_VIEWS = {"organisations": "structures", "people": "contacts"}


# A received record resembling one already here (kept in the base until reviewed).
PendingPair = DuplicateToReview


def pending_pairs(report: ImportReport) -> list[PendingPair]:
    """The candidates of an import, the record created by the file first."""
    created = {rid for _table, rid in report.changes.created}
    out = []
    for c in report.duplicate_candidates:
        if not isinstance(c, DuplicateCandidate):
            continue
        if c.second_id in created and c.first_id not in created:
            out.append(PendingPair(c.table, c.second_id, c.first_id, c.second_label,
                                   c.first_label, tuple(c.reasons)))
        else:
            out.append(PendingPair(c.table, c.first_id, c.second_id, c.first_label,
                                   c.second_label, tuple(c.reasons)))
    return out


class DuplicatesPanel(QWidget):
    """The pairs to review, with « Fusionner… », « Ouvrir la fiche » and « Pas un doublon »."""

    merged = Signal(object)  # MergeResult
    open_requested = Signal(str, str)  # list view, record id
    count_changed = Signal(int)

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.setObjectName("syncDuplicatesPanel")
        self.dialog: QDialog | None = None
        self.model: RowsModel[PendingPair] = RowsModel([
            ("Type", lambda p: _KINDS.get(p.table, p.table)),
            ("Fiche reçue", lambda p: p.received_label),
            ("Ressemble à (fiche de ce poste)", lambda p: p.kept_label),
            ("Raisons", lambda p: ", ".join(p.reasons)),
        ], self)
        self.table = QTableView()
        self.table.setObjectName("syncDuplicatesTable")
        self.table.setModel(self.model)
        read_only_table(self.table)
        self.table.doubleClicked.connect(lambda _index: self.merge_current())
        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setObjectName("emptyList")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.merge_button = QPushButton("&Fusionner…")
        self.merge_button.setToolTip("Comparer les deux fiches et les fusionner (Entrée)")
        self.open_button = QPushButton("&Ouvrir la fiche reçue")
        self.dismiss_button = QPushButton("Ce ne sont &pas des doublons")
        self.dismiss_button.setToolTip("Retirer la paire de la liste sans rien modifier")
        self.merge_button.clicked.connect(self.merge_current)
        self.open_button.clicked.connect(self.open_current)
        self.dismiss_button.clicked.connect(self.dismiss_current)
        buttons = QHBoxLayout()
        buttons.addWidget(self.merge_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.dismiss_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label, 1)
        layout.addLayout(buttons)
        self.add(duplicates_to_review(ws))

    # --- contents ---------------------------------------------------------------------------

    def add_report(self, report: ImportReport) -> int:
        """Add the pairs of an import (a pair already listed is not repeated); they are kept in
        the base until reviewed."""
        pairs = pending_pairs(report)
        remember_duplicates(self.ws, pairs)
        return self.add(pairs)

    def add(self, pairs: Iterable[PendingPair]) -> int:
        known = {(p.table, frozenset((p.received_id, p.kept_id))) for p in self.model.items}
        items = self.model.items
        added = 0
        for p in pairs:
            key = (p.table, frozenset((p.received_id, p.kept_id)))
            if key not in known:
                known.add(key)
                items.append(p)
                added += 1
        if added:
            self.model.set_items(items)
            self.table.resizeColumnsToContents()
            for col in range(3):
                self.table.setColumnWidth(col, min(self.table.columnWidth(col), 260))
            if self.current() is None:
                self._select(0)
        self._update()
        return added

    def current(self) -> PendingPair | None:
        index = self.table.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def _select(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)

    def _remove_current(self) -> None:
        row = self.table.currentIndex().row()
        pair = self.model.item(row)
        if pair is not None:
            forget_duplicate(self.ws, pair)
        self.model.remove(row)
        self._select(min(row, self.model.rowCount() - 1))
        self._update()

    def _update(self) -> None:
        n = self.model.rowCount()
        self.table.setVisible(n > 0)
        self.empty_label.setVisible(n == 0)
        for button in (self.merge_button, self.open_button, self.dismiss_button):
            button.setEnabled(n > 0)
        self.count_changed.emit(n)

    # --- actions ----------------------------------------------------------------------------

    def merge_current(self) -> QDialog | None:
        """Open the merge dialog on the selected pair (the record here kept by default)."""
        from ui.partners.merge import MergeDialog

        pair = self.current()
        if pair is None:
            return None
        dialog = MergeDialog(self.ws, pair.table, pair.kept_id, pair.received_id, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.dialog = dialog

        def finished(result: int) -> None:
            self.dialog = None
            if result == QDialog.DialogCode.Accepted and dialog.result is not None:
                self._remove_current()
                self.merged.emit(dialog.result)

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def open_current(self) -> None:
        pair = self.current()
        if pair is not None:
            self.open_requested.emit(_VIEWS.get(pair.table, pair.table), pair.received_id)

    def dismiss_current(self) -> None:
        if self.current() is not None:
            self._remove_current()
