"""Qt item models over the record lists of :mod:`app.services.lists`.

A list is never loaded whole: the model counts the matching records once, then asks for
pages of :data:`PAGE_SIZE` rows as the view scrolls (``canFetchMore`` / ``fetchMore``).
Sorting and searching are done in SQL by the service; the model only holds the rows it has
been given, already formatted in French.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor

from app.services import lists
from app.services.lists import ListPage, ListQuery, ListRow, ListView
from app.services.workspace import Workspace

PAGE_SIZE = 200
MUTED_COLOUR = QColor("#8a8f98")
RIGHT_ALIGNED_KINDS = frozenset({"int", "money", "percent", "date"})
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class ListLoader:
    """How a model gets its rows: ``count(query)`` and ``fetch(query, offset, limit)``."""

    count: Callable[[ListQuery], int]
    fetch: Callable[[ListQuery, int, int], ListPage]


def workspace_loader(ws: Workspace, view_name: str) -> ListLoader:
    """A loader reading the list ``view_name`` of the open workspace ``ws``."""
    return ListLoader(
        count=lambda query: lists.count(ws, view_name, query),
        fetch=lambda query, offset, limit: lists.fetch(ws, view_name, query, offset, limit),
    )


class RecordListModel(QAbstractTableModel):
    """One service list as a table: lazy pages, SQL sorting, search, filters and archived.

    The model is empty until :meth:`reload` is first called, so building a window costs no
    query; a section loads its list the first time it is shown.
    """

    def __init__(self, loader: ListLoader, view: ListView, parent: Any = None) -> None:
        super().__init__(parent)
        self._loader = loader
        self._view = view
        self._columns = view.columns
        self._query = ListQuery(sort=view.default_sort, descending=view.default_descending)
        self._rows: list[ListRow] = []
        self._total = 0
        self._loaded = False
        # fetchMore() called by a listener while modelReset is being delivered is run just
        # after, so that listeners connected later never see rows inserted mid-reset.
        self._announcing_reset = False
        self._inserting = False  # fetchMore() is not re-entrant (listeners may call it)
        self._deferred_fetch = QTimer(self)
        self._deferred_fetch.setSingleShot(True)
        self._deferred_fetch.setInterval(0)
        self._deferred_fetch.timeout.connect(lambda: self.fetchMore(QModelIndex()))

    # --- what the sections use ----------------------------------------------------------

    @property
    def view(self) -> ListView:
        return self._view

    @property
    def query(self) -> ListQuery:
        return self._query

    @property
    def loaded(self) -> bool:
        return self._loaded

    @property
    def total(self) -> int:
        """How many records match the current query (loaded or not)."""
        return self._total

    def reload(self) -> None:
        """Count again and load the first page (after a search, a sort or F5)."""
        self.beginResetModel()
        try:
            self._total = self._loader.count(self._query)
            first = self._loader.fetch(self._query, 0, PAGE_SIZE) if self._total else None
            self._rows = list(first.rows) if first else []
            if len(self._rows) < PAGE_SIZE:
                self._total = len(self._rows)  # the count may be stale: trust the rows
            self._loaded = True
        finally:
            self._deferred_fetch.stop()
            self._announcing_reset = True
            try:
                self.endResetModel()
            finally:
                self._announcing_reset = False
        self._inserting = False  # fetchMore() is not re-entrant (listeners may call it)

    def set_query(self, query: ListQuery) -> None:
        """Show the records matching ``query``: reloads if it changed (or never loaded)."""
        if query == self._query and self._loaded:
            return
        self._query = query
        self.reload()

    def set_search(self, text: str) -> None:
        self.set_query(replace(self._query, search=text.strip()))

    def set_show_archived(self, show: bool) -> None:
        self.set_query(replace(self._query, show_archived=bool(show)))

    def set_filters(self, filters: tuple[tuple[str, str], ...]) -> None:
        """Keep only the records matching every ``(key, value)`` (see ``ListQuery.filters``)."""
        self.set_query(replace(self._query, filters=tuple(filters)))

    def record_id(self, row: int) -> str | None:
        if 0 <= row < len(self._rows):
            return self._rows[row].id
        return None

    def row_of(self, record_id: str) -> int | None:
        """The row of ``record_id`` among the rows loaded so far, or ``None``."""
        for row, item in enumerate(self._rows):
            if item.id == record_id:
                return row
        return None

    def column_of(self, key: str) -> int:
        return [c.key for c in self._columns].index(key)

    # --- QAbstractTableModel --------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if column >= len(row.cells):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return row.cells[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            text = row.cells[column]
            return text or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            kind = self._columns[column].kind
            return int((_RIGHT if kind in RIGHT_ALIGNED_KINDS else _LEFT).value)
        if role == Qt.ItemDataRole.ForegroundRole and row.muted:
            return MUTED_COLOUR
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        spec = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return spec.label
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int((_RIGHT if spec.kind in RIGHT_ALIGNED_KINDS else _LEFT).value)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def canFetchMore(self, parent: AnyIndex) -> bool:
        return (not parent.isValid() and self._loaded and not self._inserting
                and len(self._rows) < self._total)

    def fetchMore(self, parent: AnyIndex) -> None:
        if not self.canFetchMore(parent):
            return
        if self._announcing_reset:
            self._deferred_fetch.start()
            return
        page = self._loader.fetch(self._query, len(self._rows), PAGE_SIZE)
        known = {r.id for r in self._rows[-PAGE_SIZE:]}
        rows = [r for r in page.rows if r.id not in known]
        if len(page.rows) < PAGE_SIZE:
            self._total = len(self._rows) + len(rows)  # reached the end
        if not rows:
            return
        start = len(self._rows)
        self._inserting = True
        try:
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        finally:
            self._inserting = False

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL by the column's key; the model is reset on the first page."""
        if not 0 <= column < len(self._columns):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        query = replace(self._query, sort=self._columns[column].key, descending=descending)
        if not self._loaded:
            self._query = query  # applied by the first reload
            return
        self.set_query(query)
