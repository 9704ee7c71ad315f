"""The read-only detail pane on the right of each list: one :class:`RecordDetail` at a time.

A tabbed record (a structure, a contact) shows its fields in an « Identité » tab and each
related table in a tab of its own; a row of those tables opens the record it is about
(double-click or Entrée): the pane emits ``open_record(view, id)``.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QTabWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt
from app.services.details import DetailTable, RecordDetail

# What a row of a related table opens, said in its tooltip.
_OPENS = {
    "structures": "la structure",
    "contacts": "le contact",
    "reunions": "la réunion",
    "conventions": "la convention",
}
IDENTITY_TAB = "Identité"

FIELD_LABEL_MAX_PX = 150
COMPACT_HEADER_STYLE = "QHeaderView::section { padding: 5px 6px 5px 6px; }"
PLACEHOLDER = "Sélectionnez une ligne de la liste pour en afficher le détail."


def _label(text: str, name: str = "", *, selectable: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        label.setObjectName(name)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def fit_widths(natural: list[int], available: int) -> list[int]:
    """Column widths filling ``available`` pixels: narrow columns keep their natural width,
    the wide ones share what is left equally (they are elided, with the full text in a tooltip).
    """
    if not natural:
        return []
    if sum(natural) <= available:
        extra = available - sum(natural)
        return [*natural[:-1], natural[-1] + extra]
    widths = [0] * len(natural)
    pending = sorted(range(len(natural)), key=lambda i: natural[i])
    left = available
    while pending:
        share = left // len(pending)
        i = pending[0]
        if natural[i] <= share:
            widths[i] = natural[i]
            left -= natural[i]
            pending.pop(0)
        else:
            for j in pending:
                widths[j] = max(40, share)
            break
    return widths


def share_widths(natural: list[int], minimum: list[int], available: int) -> list[int]:
    """Column widths filling ``available`` pixels for a table whose text wraps: columns
    narrower than a fair share keep their natural width; the others get at least their
    ``minimum`` (their longest word) and share the rest in proportion to what they lack.
    """
    count = len(natural)
    if not count:
        return []
    if sum(natural) <= available:
        widths = list(natural)
        widest = max(range(count), key=lambda i: natural[i])
        widths[widest] += available - sum(natural)
        return widths
    widths = [0] * count
    pending = sorted(range(count), key=lambda i: natural[i])
    left = available
    while pending and natural[pending[0]] <= left // len(pending):
        i = pending.pop(0)
        widths[i] = natural[i]
        left -= natural[i]
    floor = [max(minimum[i], 40) for i in pending]
    if sum(floor) > left:  # too narrow even for the longest words: they are elided
        return [w or max(40, left * f // sum(floor))
                for w, f in zip(widths, _spread(floor, pending, count), strict=True)]
    spare = left - sum(floor)
    lacking = [max(0, natural[i] - f) for i, f in zip(pending, floor, strict=True)]
    total_lack = sum(lacking) or 1
    for i, f, lack in zip(pending, floor, lacking, strict=True):
        widths[i] = min(natural[i], f + spare * lack // total_lack)
    return widths


def _spread(values: list[int], columns: list[int], count: int) -> list[int]:
    """``values`` given for ``columns``, placed in a list of ``count`` (0 elsewhere)."""
    out = [0] * count
    for i, v in zip(columns, values, strict=True):
        out[i] = v
    return out


class _CompactTable(QTableWidget):
    """A small read-only table as tall as its rows and as wide as the pane (which scrolls)."""

    def __init__(self, table: DetailTable) -> None:
        super().__init__(len(table.rows), len(table.headers))
        self.setObjectName("detailTable")
        self.setHorizontalHeaderLabels(list(table.headers))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setVisible(False)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.horizontalHeader()
        # Never sorted: no room kept for a sort arrow, the columns get it (the sessions of a
        # meeting, « jeu. 3 juin 2027 » and « 14 h 00 – 16 h 30 », fit the pane whole).
        header.setStyleSheet(COMPACT_HEADER_STYLE)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        row_height = self.fontMetrics().height() + 8
        self.verticalHeader().setDefaultSectionSize(row_height)
        for r, row in enumerate(table.rows):
            for c, value in enumerate(row[: len(table.headers)]):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.setItem(r, c, item)
        self.resizeColumnsToContents()
        self._natural = [self.columnWidth(c) for c in range(len(table.headers))]
        height = header.sizeHint().height() + row_height * len(table.rows) + 2 * self.frameWidth()
        self.setFixedHeight(height)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        for column, width in enumerate(fit_widths(self._natural, self.viewport().width())):
            self.setColumnWidth(column, width)


class RelatedTable(QTableWidget):
    """A related table in its tab: rows selectable, scrolling, each row opening its record.

    ``record_requested(view, id)`` is emitted when a row with a link is activated.
    """

    record_requested = Signal(str, str)

    def __init__(self, table: DetailTable, parent: QWidget | None = None) -> None:
        super().__init__(len(table.rows), len(table.headers), parent)
        self.data_table = table
        self.setObjectName("relatedTable")
        self.setHorizontalHeaderLabels(list(table.headers))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Long titles and names wrap on two lines rather than being cut.
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for r, row in enumerate(table.rows):
            link = table.link(r)
            hint = (f"\nDouble-cliquez (ou Entrée) pour ouvrir {_OPENS.get(link[0], 'la fiche')}."
                    if link else "")
            for c, value in enumerate(row[: len(table.headers)]):
                item = QTableWidgetItem(value)
                item.setToolTip(f"{value}{hint}" if value else hint.strip())
                self.setItem(r, c, item)
        self.resizeColumnsToContents()
        self._natural = [self.columnWidth(c) + 8 for c in range(len(table.headers))]
        self._minimum = self._longest_words(table)
        self._line = self.fontMetrics().lineSpacing()
        self.activated.connect(self._activated)

    def _longest_words(self, table: DetailTable) -> list[int]:
        """Per column, the width of its header and of its longest word (it never wraps)."""
        metrics = self.fontMetrics()
        header = self.horizontalHeader()
        out = []
        for c in range(len(table.headers)):
            words = {w for row in table.rows if c < len(row) for w in row[c].split()}
            longest = max((metrics.horizontalAdvance(w) for w in words), default=0)
            out.append(max(header.sectionSizeHint(c), longest + 16))
        return out

    def link(self, row: int) -> tuple[str, str] | None:
        return self.data_table.link(row)

    def _activated(self, index: QModelIndex) -> None:
        link = self.link(index.row()) if index.isValid() else None
        if link is not None:
            self.record_requested.emit(*link)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # Room is kept for the vertical scroll bar, which appears once the rows are laid out.
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        available = self.contentsRect().width() - bar
        widths = share_widths(self._natural, self._minimum, available)
        if widths == [self.columnWidth(c) for c in range(self.columnCount())]:
            return
        for column, width in enumerate(widths):
            self.setColumnWidth(column, width)
        # One line per row when everything fits, else two (the rest is in the tooltip).
        wraps = any(w < n for w, n in zip(widths, self._natural, strict=True))
        self.verticalHeader().setDefaultSectionSize(self._line * (2 if wraps else 1) + 8)


def tab_text(table: DetailTable) -> str:
    """« Réunions (48) », « Contacts » when there is none."""
    n = table.total if table.total is not None else len(table.rows)
    return f"{table.title} ({fmt.number(n)})" if n else table.title


class DetailPane(QScrollArea):
    """Title, subtitle, privacy banner, then the labelled fields and the related tables
    (one under the other, or in tabs for a tabbed record).

    ``open_record(view, id)``: a row of a related table asks to open its record.
    """

    open_record = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tabs: QTabWidget | None = None
        self.related: dict[str, RelatedTable] = {}
        self._tab_title = IDENTITY_TAB  # the tab shown stays shown from record to record
        self.setObjectName("detailPane")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._detail: RecordDetail | None = None
        self.title_label = _label("", "detailTitle")
        self.subtitle_label = _label("", "detailSubtitle")
        self.banner_label = _label("", "privacyBanner")
        self.message_label = _label(PLACEHOLDER, "detailPlaceholder", selectable=False)
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._body: QWidget | None = None
        self._show_body(None)

    @property
    def detail(self) -> RecordDetail | None:
        """The record shown, or ``None`` when the pane shows a message."""
        return self._detail

    def title_text(self) -> str:
        return self.title_label.text() if self._detail is not None else ""

    def show_detail(self, detail: RecordDetail) -> None:
        self._detail = detail
        self._show_body(detail)

    def show_message(self, text: str) -> None:
        """A message instead of a record (nothing selected, record gone…)."""
        self._detail = None
        self.message_label.setText(text)
        self._show_body(None)

    def clear(self) -> None:
        self.show_message(PLACEHOLDER)

    def _show_body(self, detail: RecordDetail | None) -> None:
        body = QWidget()
        body.setObjectName("detailBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(8)
        # The labels are reused: detach them from the previous body before it is deleted.
        for label in (self.title_label, self.subtitle_label, self.banner_label, self.message_label):
            label.setParent(None)
        self.tabs = None
        self.related = {}
        if detail is None:
            layout.addStretch(1)
            layout.addWidget(self.message_label)
            layout.addStretch(2)
        elif detail.tabbed:
            self._add_heading(layout, detail)
            self.tabs = self._tabbed(detail)
            layout.addWidget(self.tabs, 1)
        else:
            self._add_heading(layout, detail)
            if detail.fields:
                layout.addLayout(self._fields(detail))
            for table in detail.tables:
                self._add_table(layout, table)
            layout.addStretch(1)
        old = self.takeWidget()
        self.setWidget(body)
        self._body = body
        if old is not None:
            old.deleteLater()

    def _add_heading(self, layout: QVBoxLayout, detail: RecordDetail) -> None:
        """Title, subtitle and privacy banner: the first three items of the body."""
        self.title_label.setText(detail.title)
        layout.addWidget(self.title_label)
        self.subtitle_label.setText(detail.subtitle)
        self.subtitle_label.setVisible(bool(detail.subtitle))
        layout.addWidget(self.subtitle_label)
        self.banner_label.setText(detail.banner or "")
        self.banner_label.setVisible(bool(detail.banner))
        layout.addWidget(self.banner_label)

    def _tabbed(self, detail: RecordDetail) -> QTabWidget:
        tabs = QTabWidget()
        tabs.setObjectName("detailTabs")
        tabs.setDocumentMode(True)
        tabs.setUsesScrollButtons(True)
        identity = QScrollArea()
        identity.setObjectName("identityTab")
        identity.setWidgetResizable(True)
        identity.setFrameShape(QFrame.Shape.NoFrame)
        identity.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        inner.setObjectName("detailBody")
        column = QVBoxLayout(inner)
        column.setContentsMargins(4, 4, 4, 4)
        if detail.fields:
            column.addLayout(self._fields(detail))
        else:
            column.addWidget(_label("Aucune information saisie.", "detailEmpty", selectable=False))
        column.addStretch(1)
        identity.setWidget(inner)
        tabs.addTab(identity, IDENTITY_TAB)
        for table in detail.tables:
            tabs.addTab(self._related_tab(table), tab_text(table))
            tabs.setTabToolTip(tabs.count() - 1, table.title)
        titles = [IDENTITY_TAB, *(t.title for t in detail.tables)]
        if self._tab_title in titles:
            tabs.setCurrentIndex(titles.index(self._tab_title))
        tabs.currentChanged.connect(lambda i: self._tab_changed(titles, i))
        return tabs

    def _tab_changed(self, titles: list[str], index: int) -> None:
        if 0 <= index < len(titles):
            self._tab_title = titles[index]

    def _related_tab(self, table: DetailTable) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 6, 0, 0)
        column.setSpacing(6)
        if not table.rows:
            empty = _label(table.empty_text, "detailEmpty", selectable=False)
            empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(empty)
            column.addStretch(1)
            return page
        related = RelatedTable(table)
        related.record_requested.connect(self.open_record)
        self.related[table.title] = related
        column.addWidget(related, 1)
        if table.total is not None:
            column.addWidget(_label(
                f"Seules les {fmt.number(len(table.rows))} premières lignes sur "
                f"{fmt.number(table.total)} sont affichées.", "detailEmpty", selectable=False))
        return page

    def show_tab(self, title: str) -> bool:
        """Show the tab of the related table ``title`` (or « Identité »)."""
        if self.tabs is None:
            return False
        for i in range(self.tabs.count()):
            if self.tabs.tabToolTip(i) == title or self.tabs.tabText(i) == title:
                self.tabs.setCurrentIndex(i)
                return True
        return False

    @staticmethod
    def _fields(detail: RecordDetail) -> QFormLayout:
        form = QFormLayout()
        form.setContentsMargins(0, 6, 0, 4)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(5)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        for name, value in detail.fields:
            key = _label(f"{name}\u00a0:", "fieldLabel", selectable=False)
            key.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            # A long label wraps on a fixed width instead of squeezing the values.
            long = key.fontMetrics().horizontalAdvance(key.text()) > FIELD_LABEL_MAX_PX
            key.setWordWrap(long)
            if long:
                key.setFixedWidth(FIELD_LABEL_MAX_PX)
            form.addRow(key, _label(value, "fieldValue"))
        return form

    @staticmethod
    def _add_table(layout: QVBoxLayout, table: DetailTable) -> None:
        count = f" ({len(table.rows)})" if table.rows else ""
        layout.addSpacing(6)
        layout.addWidget(_label(f"{table.title}{count}", "detailTableTitle", selectable=False))
        if table.rows:
            layout.addWidget(_CompactTable(table))
        else:
            layout.addWidget(_label(table.empty_text, "detailEmpty", selectable=False))
