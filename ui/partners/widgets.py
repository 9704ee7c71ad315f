"""What the structure and contact forms share: labelled fields with their error below them.

A :class:`FieldGrid` lays out fields on a grid of label / field pairs and shows, in red under
each field, the French reason :func:`app.services.partners.check_organisation` (or
``check_person``) gave for it. Required fields are marked « * ».
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ui.conventions.fields import FieldBox

REQUIRED_NOTE = "Les champs marqués d'un astérisque (*) sont obligatoires."


def line_edit(text: str = "", placeholder: str = "", max_length: int = 0) -> QLineEdit:
    edit = QLineEdit(text)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    if max_length:
        edit.setMaxLength(max_length)
    return edit


def notes_edit(text: str = "", lines: int = 3) -> QPlainTextEdit:
    """A multi-line field in which Tab moves on (it never types a tabulation)."""
    edit = QPlainTextEdit(text)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 14)
    return edit


class FieldGrid(QWidget):
    """« Label : field » rows in ``columns`` side-by-side columns (each laid out on its own,
    so that an error under a field never shifts the other column), then full-width rows."""

    def __init__(self, columns: int = 1, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(6)
        top = QHBoxLayout()
        top.setSpacing(24)
        outer.addLayout(top)
        self._grids: list[QGridLayout] = []
        for _ in range(columns):
            grid = self._grid()
            column = QVBoxLayout()
            column.addLayout(grid)
            column.addStretch(1)
            top.addLayout(column, 1)
            self._grids.append(grid)
        self._bottom = self._grid()
        outer.addLayout(self._bottom)
        self.boxes: dict[str, FieldBox] = {}
        self.labels: dict[str, QLabel] = {}

    @staticmethod
    def _grid() -> QGridLayout:
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 1)
        return grid

    def add(self, name: str, label: str, editor: QWidget, *, column: int = 0,
            required: bool = False, note: str = "", span: bool = False) -> QWidget:
        """Add ``editor`` for the field ``name``; ``span`` puts it below, full width."""
        text = f"{label}\u00a0*\u00a0:" if required else f"{label}\u00a0:"
        caption = QLabel(text)
        caption.setBuddy(editor)
        caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        caption.setContentsMargins(0, 5, 0, 0)
        if required:
            caption.setToolTip("Champ obligatoire")
        box = FieldBox(editor, note)
        grid = self._bottom if span else self._grids[column]
        row = grid.rowCount() if grid.count() else 0
        grid.addWidget(caption, row, 0)
        grid.addWidget(box, row, 1)
        self.boxes[name] = box
        self.labels[name] = caption
        if span or column == 0:  # the full-width rows line up with the first column
            width = max(self.labels[n].sizeHint().width() for n in self.labels
                        if self._grid_of(n) in (self._grids[0], self._bottom))
            self._grids[0].setColumnMinimumWidth(0, width)
            self._bottom.setColumnMinimumWidth(0, width)
        return editor

    def _grid_of(self, name: str) -> QGridLayout | None:
        caption = self.labels[name]
        for grid in (*self._grids, self._bottom):
            if grid.indexOf(caption) >= 0:
                return grid
        return None

    def add_widget(self, widget: QWidget, *, column: int = 0, span: bool = False) -> None:
        """A row without label (a note, a banner), under the field column."""
        grid = self._bottom if span else self._grids[column]
        row = grid.rowCount() if grid.count() else 0
        grid.addWidget(widget, row, 1)

    def show_errors(self, errors: Mapping[str, str]) -> list[str]:
        """Show each reason under its field (others cleared); returns the fields shown."""
        shown = []
        for name, box in self.boxes.items():
            reason = errors.get(name, "")
            box.set_error(reason)
            if reason:
                shown.append(name)
        return shown

    def clear_errors(self) -> None:
        self.show_errors({})

    def error_text(self, name: str) -> str:
        return self.boxes[name].error_text()

    def focus(self, name: str) -> None:
        editor = self.boxes[name].editor
        editor.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(editor, QLineEdit):
            editor.selectAll()


def set_combo_data(combo: QComboBox, data: object, fallback_label: str = "") -> None:
    """Select the entry holding ``data``; a value the list does not offer is added."""
    index = combo.findData(data)
    if index < 0:
        combo.addItem(fallback_label or str(data), data)
        index = combo.count() - 1
    combo.setCurrentIndex(index)


def confirm_discard(parent: QWidget) -> bool:
    """Ask before closing a form whose changes would be lost."""
    answer = QMessageBox.question(
        parent, "Abandonner la saisie",
        "Les modifications saisies ne sont pas enregistrées. Les abandonner ?",
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Discard
