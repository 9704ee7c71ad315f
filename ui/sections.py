"""A list section of the main window: search, archived filter, table and detail pane."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt
from app.errors import MaillageError
from app.services import details
from app.services.lists import ListView
from app.services.lists import view as list_view
from app.services.workspace import Workspace
from ui import settings
from ui.detail import PLACEHOLDER, DetailPane
from ui.models import RecordListModel, workspace_loader
from ui.navigation import Section

SEARCH_DELAY_MS = 200
SELECT_MAX_PAGES = 5  # pages loaded to find a record to select before showing it alone
MAX_COLUMN_PX = 340

# What a count reads like above each list (« 79 structures »).
_NOUNS: dict[str, tuple[str, str, str]] = {
    "structures": ("Aucune structure", "structure", "structures"),
    "contacts": ("Aucun contact", "contact", "contacts"),
    "reunions": ("Aucune réunion", "réunion", "réunions"),
    "conventions": ("Aucune convention", "convention", "conventions"),
    "actions": ("Aucune action", "action", "actions"),
    "pairs": ("Aucun site partenaire", "site partenaire", "sites partenaires"),
}


def count_text(view_name: str, n: int) -> str:
    """« Aucune structure », « 1 structure », « 1 234 structures »."""
    none, one, many = _NOUNS.get(view_name, ("Aucun élément", "élément", "éléments"))
    if n == 0:
        return none
    return f"{fmt.number(n)}\u00a0{one if n == 1 else many}"


class ListTable(QTableView):
    """A table that says, centred in its viewport, why it is empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty_label = QLabel(self.viewport())
        self.empty_label.setObjectName("emptyList")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.hide()
        layout = QVBoxLayout(self.viewport())
        layout.setContentsMargins(40, 20, 40, 20)
        layout.addWidget(self.empty_label, 0, Qt.AlignmentFlag.AlignCenter)

    # Whether the current index is being set by Qt on focus-in (the first row, when there
    # is no current row): that is not the user choosing a record.
    focusing = False

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.focusing = True
        try:
            super().focusInEvent(event)
        finally:
            self.focusing = False

    def show_empty(self, text: str | None) -> None:
        """Show ``text`` over the empty table (``None`` hides it)."""
        self.empty_label.setText(text or "")
        self.empty_label.setVisible(bool(text))


class ListSection(QWidget):
    """One list of :mod:`app.services.lists` with its detail pane.

    Nothing is queried until :meth:`ensure_loaded` (the first visit). ``count_changed`` tells
    the window how many records match, for its status line.
    """

    count_changed = Signal(int)
    open_record = Signal(str, str)  # list view name, record id: a row of the detail's tables

    def __init__(self, ws: Workspace, section: Section, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert section.list_view is not None
        self.ws = ws
        self.section = section
        self.view = self._list_view()
        self.setObjectName(f"section-{section.key}")
        self.model = self._create_model()
        self._columns_fitted = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(8)
        layout.addLayout(self._header())
        extra = self._extra_header()
        if extra is not None:
            layout.addWidget(extra)

        self.table = ListTable()
        self._setup_table()
        self.detail_pane = DetailPane()
        self.detail_pane.open_record.connect(self.open_record)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("listSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail_pane)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([560, 480])  # proportions until laid out
        layout.addWidget(self.splitter, 1)
        state = settings.load_splitter_state(self.section.key)
        if state is not None:
            self.splitter.restoreState(state)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self.search_field.textChanged.connect(lambda _text: self._search_timer.start())
        self.search_field.returnPressed.connect(self._apply_search)
        self.model.modelReset.connect(self._after_reset)
        self.model.rowsInserted.connect(lambda *_: self._update_empty())
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

    # --- construction ---------------------------------------------------------------------

    def _list_view(self) -> ListView:
        """The columns shown (a subclass may show its own, e.g. the conventions)."""
        return list_view(self.section.list_view)

    def _create_model(self) -> RecordListModel:
        """The table's model; a subclass may give another with the same interface."""
        return RecordListModel(workspace_loader(self.ws, self.view.name), self.view, self)

    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(12)
        title = QLabel(self.section.heading)
        title.setObjectName("sectionTitle")
        row.addWidget(title)
        self.count_label = QLabel("")
        self.count_label.setObjectName("sectionCount")
        row.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignBottom)
        row.addStretch(1)
        self.archived_box: QCheckBox | None = None
        if self.section.archived:
            self.archived_box = QCheckBox("Afficher les archivés")
            self.archived_box.toggled.connect(self.model.set_show_archived)
            row.addWidget(self.archived_box)
        self.search_field = QLineEdit()
        self.search_field.setObjectName("searchField")
        self.search_field.setPlaceholderText("Rechercher…")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setMinimumWidth(180)
        self.search_field.setMaximumWidth(320)
        self.search_field.setToolTip("Rechercher dans la liste (Ctrl+F)")
        row.addWidget(self.search_field)
        return row

    def _extra_header(self) -> QWidget | None:
        """A box above the list (the Synchronisation section shows this site)."""
        return None

    def _setup_table(self) -> None:
        table = self.table
        table.setObjectName("recordTable")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setShowGrid(False)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSectionsMovable(False)
        char = table.fontMetrics().averageCharWidth()
        for column, spec in enumerate(self.view.columns):
            if spec.width:
                table.setColumnWidth(column, min(MAX_COLUMN_PX, spec.width * char + 16))
        default_column = self.model.column_of(self.view.default_sort)
        order = (Qt.SortOrder.DescendingOrder if self.view.default_descending
                 else Qt.SortOrder.AscendingOrder)
        header.setSortIndicator(default_column, order)
        table.setSortingEnabled(True)  # calls model.sort(): only records the order until loaded

    # --- loading --------------------------------------------------------------------------

    def ensure_loaded(self) -> None:
        """Load the list the first time the section is shown."""
        if not self.model.loaded:
            self.model.reload()

    def refresh(self) -> None:
        """Query again (F5), keeping the selected record when it is still listed."""
        self.model.reload()

    def _apply_search(self) -> None:
        self._search_timer.stop()
        self.model.set_search(self.search_field.text())

    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def _after_reset(self) -> None:
        self._update_empty()
        if not self._columns_fitted and self.model.rowCount() > 0:
            self._fit_columns()
        self.count_label.setText(count_text(self.view.name, self.model.total))
        self.count_changed.emit(self.model.total)
        shown = self.detail_pane.detail
        row = self.model.row_of(shown.id) if shown is not None else None
        if row is not None:
            self._select_row(row)
        elif shown is not None or self.model.rowCount() == 0:
            self.detail_pane.show_message("" if self.model.rowCount() == 0 else PLACEHOLDER)

    def _fit_columns(self) -> None:
        """Size the columns to the first page of rows (once: the user's widths then stay)."""
        self._columns_fitted = True
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount() - 1):  # the last one stretches
            wanted = max(self.table.sizeHintForColumn(column), header.sectionSizeHint(column))
            self.table.setColumnWidth(column, min(MAX_COLUMN_PX, wanted + 6))

    def _update_empty(self) -> None:
        if self.model.rowCount() > 0:
            self.table.show_empty(None)
        elif self.model.query.search:
            self.table.show_empty(f"Aucun résultat pour « {self.model.query.search} ».")
        else:
            self.table.show_empty(self.view.empty_text)

    # --- selection and detail -------------------------------------------------------------

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        record_id = self.model.record_id(current.row()) if current.isValid() else None
        if record_id is None:
            return
        if self.table.focusing and self.detail_pane.detail is not None:
            return  # a record shown without its row (not loaded) stays shown
        if self.detail_pane.detail is not None and self.detail_pane.detail.id == record_id:
            return
        self.show_record(record_id)

    def show_record(self, record_id: str) -> None:
        """Show ``record_id`` in the detail pane (whether or not its row is loaded)."""
        try:
            self.detail_pane.show_detail(details.detail(self.ws, self.view.name, record_id))
        except MaillageError as exc:
            self.detail_pane.show_message(exc.message)

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                 | QItemSelectionModel.SelectionFlag.Rows)
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)

    def select_first(self) -> None:
        self.ensure_loaded()
        if self.model.rowCount() > 0:
            self._select_row(0)

    def select_record(self, record_id: str) -> bool:
        """Select ``record_id`` in the list; when its row is not loaded, still show its detail.

        Returns whether the row was found among the loaded rows.
        """
        self.ensure_loaded()
        row = self.model.row_of(record_id)
        if row is None and self.model.query.search:
            # A search may hide it: show the whole list again.
            self.search_field.blockSignals(True)
            self.search_field.clear()
            self.search_field.blockSignals(False)
            self.model.set_search("")
            row = self.model.row_of(record_id)
        pages = 0
        while row is None and pages < SELECT_MAX_PAGES and self.model.canFetchMore(QModelIndex()):
            self.model.fetchMore(QModelIndex())  # a few more pages: it may be further down
            row = self.model.row_of(record_id)
            pages += 1
        if row is not None:
            self._select_row(row)
            return True
        self.table.clearSelection()
        self.show_record(record_id)
        return False

    def save_state(self) -> None:
        settings.save_splitter_state(self.section.key, self.splitter.saveState())
