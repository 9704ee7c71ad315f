"""The conventions list as a table model over :func:`app.services.conventions.list_conventions`.

Conventions are few (dozens, a few hundred at most): the model holds every matching row,
already computed by the service with consolidated amounts and periods (signed avenants
applied) and the next deadline, and sorts them in memory. It offers the interface
:class:`ui.sections.ListSection` expects of its model (``reload``, ``set_search``,
``record_id``, ``row_of``…), plus :meth:`set_filters` for the filter menus.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.domain.text import fold
from app.services.conventions import LIST_COLUMNS, ConventionFilter, ConventionRow
from app.services.lists import ColumnSpec, ListView
from ui.models import MUTED_COLOUR

AnyIndex = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

_KINDS = {"amount": "money"}
_WIDTHS = {"number": 13, "title": 40, "partners": 30, "amount": 13, "period": 23,
           "status_label": 16, "next_deadline_label": 30}

CONVENTIONS_VIEW = ListView(
    "conventions",
    "Conventions",
    tuple(ColumnSpec(key, label, _KINDS.get(key, "text"), _WIDTHS.get(key, 0))
          for key, label in LIST_COLUMNS),
    "Aucune convention pour l'instant : « Nouvelle convention » (Ctrl+N) en rédige une.",
    "number",
    default_descending=True,
)
"""The columns of the conventions list (those of :data:`LIST_COLUMNS`)."""

_STATUS_ORDER = {s: i for i, s in enumerate(
    ("brouillon", "envoyee", "signee", "en_cours", "echue", "resiliee"))}
_FAR = dt.date.max


def _sort_key(key: str) -> Callable[[ConventionRow], Any]:
    """How a column sorts: amounts and dates by value, statuses in lifecycle order."""
    if key == "amount":
        return lambda r: (r.amount_cents is None, r.amount_cents or 0)
    if key == "period":
        return lambda r: (r.start_date is None, r.start_date or _FAR, r.end_date or _FAR)
    if key == "status_label":
        return lambda r: _STATUS_ORDER.get(r.status, 99)
    if key == "next_deadline_label":
        return lambda r: (r.next_deadline is None, r.next_deadline or _FAR)
    return lambda r: (not getattr(r, key), fold(str(getattr(r, key))))


class ConventionTableModel(QAbstractTableModel):
    """Every convention matching the filters; ``fetch(filters)`` returns them (service call).

    Empty until the first :meth:`reload`, so that building the section costs no query.
    """

    def __init__(self, fetch: Callable[[ConventionFilter], tuple[ConventionRow, ...]],
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._view = CONVENTIONS_VIEW
        self._columns = CONVENTIONS_VIEW.columns
        self._filters = ConventionFilter()
        self._rows: list[ConventionRow] = []
        self._loaded = False
        self._sort_key = CONVENTIONS_VIEW.default_sort
        self._descending = CONVENTIONS_VIEW.default_descending

    # --- what the section uses -------------------------------------------------------------

    @property
    def view(self) -> ListView:
        return self._view

    @property
    def query(self) -> ConventionFilter:
        """The filters in force (``query.search`` is the search text, as for the other lists)."""
        return self._filters

    @property
    def loaded(self) -> bool:
        return self._loaded

    @property
    def total(self) -> int:
        return len(self._rows)

    def reload(self) -> None:
        self.beginResetModel()
        try:
            self._rows = self._sorted(list(self._fetch(self._filters)))
            self._loaded = True
        finally:
            self.endResetModel()

    def set_filters(self, filters: ConventionFilter) -> None:
        """Show the conventions matching ``filters`` (the search text is kept)."""
        filters = replace(filters, search=self._filters.search)
        if filters == self._filters and self._loaded:
            return
        self._filters = filters
        self.reload()

    def set_search(self, text: str) -> None:
        filters = replace(self._filters, search=text.strip())
        if filters == self._filters and self._loaded:
            return
        self._filters = filters
        self.reload()

    def row_at(self, row: int) -> ConventionRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def record_id(self, row: int) -> str | None:
        item = self.row_at(row)
        return item.id if item is not None else None

    def row_of(self, record_id: str) -> int | None:
        for row, item in enumerate(self._rows):
            if item.id == record_id:
                return row
        return None

    def column_of(self, key: str) -> int:
        return [c.key for c in self._columns].index(key)

    # --- QAbstractTableModel ---------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        spec = self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = str(getattr(row, spec.key) or "")
            if spec.key == "amount" and row.amended and text:
                text += " *"
            if role == Qt.ItemDataRole.ToolTipRole:
                if spec.key == "amount" and row.amended:
                    return f"{row.amount} (montant consolidé, après avenant)"
                return text or None
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int((_RIGHT if spec.kind == "money" else _LEFT).value)
        if role == Qt.ItemDataRole.ForegroundRole and row.muted:
            return MUTED_COLOUR
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        spec = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return spec.label
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int((_RIGHT if spec.kind == "money" else _LEFT).value)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemNeverHasChildren)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        self._sort_key = self._columns[column].key
        self._descending = order == Qt.SortOrder.DescendingOrder
        if not self._loaded:
            return
        self.layoutAboutToBeChanged.emit()
        old = list(self._rows)
        self._rows = self._sorted(self._rows)
        new_row = {id(r): i for i, r in enumerate(self._rows)}
        from_list, to_list = [], []
        for old_row, item in enumerate(old):
            for c in range(len(self._columns)):
                from_list.append(self.index(old_row, c))
                to_list.append(self.index(new_row[id(item)], c))
        self.changePersistentIndexList(from_list, to_list)
        self.layoutChanged.emit()

    def _sorted(self, rows: list[ConventionRow]) -> list[ConventionRow]:
        key = _sort_key(self._sort_key)
        # Ties keep the service's order (newest number first), whatever the direction.
        return sorted(rows, key=key, reverse=self._descending)
