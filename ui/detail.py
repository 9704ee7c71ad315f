"""The read-only detail pane on the right of each list: one :class:`RecordDetail` at a time."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.details import DetailTable, RecordDetail

FIELD_LABEL_MAX_PX = 150
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


class DetailPane(QScrollArea):
    """Title, subtitle, privacy banner, labelled fields, then the related tables."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        if detail is None:
            layout.addStretch(1)
            layout.addWidget(self.message_label)
            layout.addStretch(2)
        else:
            self.title_label.setText(detail.title)
            layout.addWidget(self.title_label)
            self.subtitle_label.setText(detail.subtitle)
            self.subtitle_label.setVisible(bool(detail.subtitle))
            layout.addWidget(self.subtitle_label)
            self.banner_label.setText(detail.banner or "")
            self.banner_label.setVisible(bool(detail.banner))
            layout.addWidget(self.banner_label)
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
