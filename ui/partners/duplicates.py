"""Possible duplicates, shown before a creation and after an import.

- :class:`DuplicatesPanel` sits in a structure or contact form being created: the existing
  records resembling it, with « Ouvrir », « Créer quand même » and « Fusionner… ».
- :class:`CandidatesDialog` lists the pairs an import produced (new record, existing one);
  each pair can be opened or merged.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt
from app.services.duplicates import DuplicateCandidate, DuplicateMatch

_KIND_NOUNS = {"organisations": ("structure", "structures"), "people": ("contact", "contacts")}


def match_text(match: DuplicateMatch) -> str:
    """« COORACE (Paris) — Même SIRET, Nom proche (archivée) »."""
    reasons = ", ".join(match.reasons)
    archived = ""
    if match.archived:
        archived = " (archivée)" if match.table == "organisations" else " (archivé)"
    return f"{match.label}{archived} — {reasons}"


class DuplicatesPanel(QFrame):
    """Existing records resembling the one being created, and what to do about them."""

    open_requested = Signal(str)  # id of the existing record
    merge_requested = Signal(str)  # id of the existing record to merge with
    create_anyway = Signal()

    def __init__(self, table: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("infoBox")
        self.table = table
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        self.title = QLabel("")
        self.title.setObjectName("panelTitle")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.list = QListWidget()
        self.list.setObjectName("duplicatesList")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.itemActivated.connect(lambda _item: self._open())
        layout.addWidget(self.list)
        buttons = QHBoxLayout()
        self.open_button = QPushButton("&Ouvrir")
        self.open_button.setToolTip("Abandonner la saisie et ouvrir la fiche existante")
        self.merge_button = QPushButton("&Fusionner…")
        self.merge_button.setToolTip(
            "Enregistrer la nouvelle fiche puis la fusionner avec la fiche existante")
        self.create_button = QPushButton("&Créer quand même")
        self.create_button.setToolTip("Ce n'est pas la même : enregistrer la nouvelle fiche")
        for button in (self.open_button, self.merge_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.create_button)
        layout.addLayout(buttons)
        self.open_button.clicked.connect(self._open)
        self.merge_button.clicked.connect(self._merge)
        self.create_button.clicked.connect(self.create_anyway.emit)
        self.hide()

    def set_matches(self, matches: Sequence[DuplicateMatch]) -> None:
        self.list.clear()
        for match in matches:
            item = QListWidgetItem(match_text(match))
            item.setData(Qt.ItemDataRole.UserRole, match.id)
            item.setToolTip(match_text(match))
            self.list.addItem(item)
        n = len(matches)
        if self.table == "organisations":
            what = ("Une structure existante ressemble" if n == 1 else
                    f"{fmt.number(n)} structures existantes ressemblent") + " à celle que vous créez"
        else:
            what = ("Un contact existant ressemble" if n == 1 else
                    f"{fmt.number(n)} contacts existants ressemblent") + " à celui que vous créez"
        self.title.setText(f"{what} : vérifiez avant d'enregistrer.")
        rows = min(max(n, 1), 4)
        self.list.setFixedHeight(self.list.sizeHintForRow(0) * rows + 2 * self.list.frameWidth() + 2)
        if n:
            self.list.setCurrentRow(0)
        self.setVisible(bool(n))

    def current_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _open(self) -> None:
        record_id = self.current_id()
        if record_id:
            self.open_requested.emit(record_id)

    def _merge(self) -> None:
        record_id = self.current_id()
        if record_id:
            self.merge_requested.emit(record_id)


class CandidatesDialog(QDialog):
    """The possible duplicates among the records an import just created."""

    merge_requested = Signal(str, str)  # the two ids
    open_requested = Signal(str)

    def __init__(self, table: str, candidates: Sequence[DuplicateCandidate],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        one, many = _KIND_NOUNS[table]
        self.setWindowTitle("Doublons possibles")
        self.candidates = list(candidates)
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"{fmt.plural(len(candidates), 'paire')} de {many} à vérifier : une fiche importée "
            "ressemble à une fiche existante. Fusionnez celles qui désignent la même "
            f"{one if one == 'structure' else 'personne'} ; les autres restent telles quelles.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(len(candidates), 3)
        self.table.setObjectName("candidatesTable")
        self.table.setHorizontalHeaderLabels(["Fiche", "Ressemble à", "Raisons"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        for row, c in enumerate(candidates):
            for col, text in enumerate((c.first_label, c.second_label, ", ".join(c.reasons))):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, col, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.resizeColumnsToContents()
        for col in range(2):
            self.table.setColumnWidth(col, min(self.table.columnWidth(col), 280))
        self.table.itemDoubleClicked.connect(lambda _item: self._merge())
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox()
        self.merge_button = buttons.addButton("&Fusionner…", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button = buttons.addButton("&Ouvrir", QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText("Fermer")
        buttons.rejected.connect(self.reject)
        self.merge_button.clicked.connect(self._merge)
        self.open_button.clicked.connect(self._open)
        layout.addWidget(buttons)
        if candidates:
            self.table.selectRow(0)
        self.resize(760, 380)

    def current(self) -> DuplicateCandidate | None:
        row = self.table.currentRow()
        return self.candidates[row] if 0 <= row < len(self.candidates) else None

    def remove_current(self) -> None:
        """Drop the pair just merged from the list."""
        row = self.table.currentRow()
        if 0 <= row < len(self.candidates):
            self.candidates.pop(row)
            self.table.removeRow(row)

    def _merge(self) -> None:
        pair = self.current()
        if pair is not None:
            self.merge_requested.emit(pair.first_id, pair.second_id)

    def _open(self) -> None:
        pair = self.current()
        if pair is not None:
            self.open_requested.emit(pair.first_id)
