"""The look and behaviour every read-only table of the application shares."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

_SELECT = QAbstractItemView.SelectionMode


def read_only_table(table: QTableView, *, single: bool = True) -> QTableView:
    """Whole rows selected (one at a time when ``single``), nothing edited in place, alternate
    row colours without grid or row numbers, one line a row, interactive column widths and the
    last column stretched. Returns ``table``."""
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(_SELECT.SingleSelection if single else _SELECT.ExtendedSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table
