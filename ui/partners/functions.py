"""The functions of a contact in the contact form: structure, fonction, début, fin, principale.

A structure is chosen with a search field (a few letters of its name, sigle or commune);
dates are typed « jj/mm/aaaa ». :meth:`FunctionsEditor.values` reads the table and says, line
by line and in French, what cannot be read; :func:`plan_changes` compares it with the
functions recorded so that the form writes only what changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt
from app.domain import validation as v
from app.errors import ValidationError
from app.services import lists
from app.services.lists import ListQuery
from app.services.partners import AffiliationRecord
from app.services.workspace import Workspace
from ui.conventions.fields import StructurePicker

STRUCTURE_RESULTS = 15
COL_STRUCTURE, COL_FUNCTION, COL_START, COL_END, COL_PRIMARY = range(5)
HEADERS = ("Structure", "Fonction", "Début", "Fin", "Principale")
_ID_ROLE = Qt.ItemDataRole.UserRole
_AFF_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class FunctionRow:
    """One line of the table, read: ``affiliation_id`` is ``None`` for a new function."""

    affiliation_id: str | None
    organisation_id: str
    organisation_label: str
    function: str
    start_date: dt.date | None
    end_date: dt.date | None
    is_primary: bool


@dataclass(frozen=True)
class FunctionChanges:
    """What saving the table writes."""

    added: tuple[FunctionRow, ...] = ()
    updated: tuple[FunctionRow, ...] = ()  # primary ones last (they demote the others)
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def plan_changes(recorded: Sequence[AffiliationRecord], rows: Sequence[FunctionRow]) -> FunctionChanges:
    """The additions, changes and removals turning ``recorded`` into ``rows``."""
    by_id = {a.id: a for a in recorded}
    kept = {r.affiliation_id for r in rows if r.affiliation_id}
    updated = []
    for row in rows:
        old = by_id.get(row.affiliation_id or "")
        if old is None:
            continue
        if (old.organisation_id, old.function, old.start_date, old.end_date, old.is_primary) != (
                row.organisation_id, row.function, row.start_date, row.end_date, row.is_primary):
            updated.append(row)
    updated.sort(key=lambda r: r.is_primary)
    return FunctionChanges(
        added=tuple(r for r in rows if r.affiliation_id is None or r.affiliation_id not in by_id),
        updated=tuple(updated),
        removed=tuple(a.id for a in recorded if a.id not in kept),
    )


def structure_search(ws: Workspace):  # noqa: ANN201 - a callable for StructurePicker
    """``text → [(id, « Nom (SIGLE) – Commune »)]`` over the structures list."""

    def search(text: str) -> list[tuple[str, str]]:
        page = lists.fetch(ws, "structures", ListQuery(search=text), 0, STRUCTURE_RESULTS)
        out = []
        for row in page.rows:
            name, acronym, _kind, city = row.cells[:4]
            label = name + (f" ({acronym})" if acronym and acronym != name else "")
            out.append((row.id, label + (f" – {city}" if city else "")))
        return out

    return search


class FunctionsEditor(QWidget):
    """The table of a contact's functions with its structure search and its error line."""

    def __init__(self, ws: Workspace, recorded: Sequence[AffiliationRecord] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.recorded = tuple(recorded)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        row = QHBoxLayout()
        caption = QLabel("Ajouter une fonction dans\u00a0:")
        self.picker = StructurePicker(structure_search(ws))
        self.picker.setObjectName("functionStructurePicker")
        caption.setBuddy(self.picker)
        self.picker.picked.connect(self.add_function)
        self.remove_button = QPushButton("&Retirer la fonction")
        self.remove_button.setToolTip(
            "Retirer une fonction saisie par erreur (pour un départ, indiquez plutôt la fin)")
        self.remove_button.clicked.connect(self.remove_current)
        row.addWidget(caption)
        row.addWidget(self.picker, 1)
        row.addWidget(self.remove_button)
        layout.addLayout(row)

        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("functionsTable")
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        triggers = QAbstractItemView.EditTrigger
        self.table.setEditTriggers(triggers.DoubleClicked | triggers.SelectedClicked
                                   | triggers.EditKeyPressed | triggers.AnyKeyPressed)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_STRUCTURE, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        metrics = self.table.fontMetrics()
        char = metrics.averageCharWidth()
        for col, chars in ((COL_FUNCTION, 26), (COL_START, 12), (COL_END, 12), (COL_PRIMARY, 8)):
            title = header.fontMetrics().horizontalAdvance(HEADERS[col]) + 32  # bold, sort room
            self.table.setColumnWidth(col, max(chars * char + 16, title))
        self.table.setMinimumHeight(self.table.verticalHeader().defaultSectionSize() * 4 + 30)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        self.error = QLabel("")
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        note = QLabel("Dates au format jj/mm/aaaa ; une fonction sans fin est en cours.")
        note.setObjectName("formNote")
        layout.addWidget(note)
        for record in self.recorded:
            self._append(record.organisation_id, record.organisation_name, record.function,
                         record.start_date, record.end_date, record.is_primary, record.id)
        self._update_buttons()

    # --- rows -------------------------------------------------------------------------------

    def _append(self, org_id: str, org_label: str, function: str, start: dt.date | None,
                end: dt.date | None, primary: bool, affiliation_id: str | None = None) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        structure = QTableWidgetItem(org_label)
        structure.setData(_ID_ROLE, org_id)
        structure.setData(_AFF_ROLE, affiliation_id or "")
        structure.setToolTip(org_label)
        structure.setFlags(structure.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(row, COL_STRUCTURE, structure)
        self.table.setItem(row, COL_FUNCTION, QTableWidgetItem(function))
        self.table.setItem(row, COL_START, QTableWidgetItem(fmt.date_short(start)))
        self.table.setItem(row, COL_END, QTableWidgetItem(fmt.date_short(end)))
        check = QTableWidgetItem("")
        check.setFlags((check.flags() | Qt.ItemFlag.ItemIsUserCheckable) & ~Qt.ItemFlag.ItemIsEditable)
        check.setCheckState(Qt.CheckState.Checked if primary else Qt.CheckState.Unchecked)
        check.setToolTip("Fonction principale (une seule à la fois)")
        self.table.setItem(row, COL_PRIMARY, check)
        return row

    def add_function(self, org_id: str, org_label: str) -> None:
        """A new line for a function in ``org_id``: the cursor goes to its « Fonction »."""
        primary = not any(r.is_primary and r.end_date is None for r in self.rows())
        row = self._append(org_id, org_label, "", None, None, primary)
        self.table.setCurrentCell(row, COL_FUNCTION)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.table.editItem(self.table.item(row, COL_FUNCTION))

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.table.currentRow() >= 0 and self.table.rowCount() > 0)

    # --- reading ------------------------------------------------------------------------------

    def _text(self, row: int, col: int) -> str:
        item = self.table.item(row, col)
        return item.text().strip() if item is not None else ""

    def _read(self) -> tuple[list[FunctionRow], list[str]]:
        rows: list[FunctionRow] = []
        errors: list[str] = []
        for r in range(self.table.rowCount()):
            structure = self.table.item(r, COL_STRUCTURE)
            name = structure.text()
            dates: list[dt.date | None] = []
            for col, what in ((COL_START, "début"), (COL_END, "fin")):
                try:
                    dates.append(v.parse_date(self._text(r, col), field=what))
                except ValidationError as exc:
                    errors.append(f"Ligne {r + 1} ({name}), {what} : {exc.message}")
                    dates.append(None)
            start, end = dates
            if start and end and end < start:
                errors.append(f"Ligne {r + 1} ({name}) : la fin de la fonction précède son début.")
            function = self._text(r, COL_FUNCTION)
            if len(function) > 200:
                errors.append(f"Ligne {r + 1} ({name}) : la fonction est trop longue "
                              f"({len(function)} caractères, maximum 200).")
            primary = self.table.item(r, COL_PRIMARY).checkState() == Qt.CheckState.Checked
            rows.append(FunctionRow(structure.data(_AFF_ROLE) or None, structure.data(_ID_ROLE),
                                    name, function, start, end, primary))
        return rows, errors

    def rows(self) -> list[FunctionRow]:
        """The rows as typed (a date that cannot be read counts as none)."""
        return self._read()[0]

    def values(self) -> list[FunctionRow] | None:
        """The rows, or ``None`` after showing under the table what cannot be read."""
        rows, errors = self._read()
        self.error.setText("\n".join(errors))
        self.error.setVisible(bool(errors))
        return None if errors else rows

    def changes(self) -> FunctionChanges | None:
        rows = self.values()
        return None if rows is None else plan_changes(self.recorded, rows)
