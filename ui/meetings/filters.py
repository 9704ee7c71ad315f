"""The « Structure » filter of the meetings list: type a few letters, pick a structure in
the list that drops down (at most :data:`STRUCTURE_MATCHES` matches, read from the
structures list as one types: a base may hold 20 000 structures, never loaded at once).

The chosen structure stays written in the field; emptying the field (or its clear button)
removes the filter. ``changed`` is emitted with the structure id, or ``None``.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QWidget

from app.services import lists
from app.services.lists import ListQuery
from app.services.workspace import Workspace
from ui.conventions.fields import StructurePicker

STRUCTURE_MATCHES = 50


def structure_matches(ws: Workspace, limit: int = STRUCTURE_MATCHES):  # noqa: ANN201
    """``text → [(id, « Nom (SIGLE) – Commune »)]``, at most ``limit`` structures."""

    def search(text: str) -> list[tuple[str, str]]:
        page = lists.fetch(ws, "structures", ListQuery(search=text), 0, limit)
        out = []
        for row in page.rows:
            name, acronym, _kind, city = row.cells[:4]
            label = name + (f" ({acronym})" if acronym and acronym != name else "")
            out.append((row.id, label + (f" – {city}" if city else "")))
        return out

    return search


class StructureFilter(StructurePicker):
    """A structure picker that keeps the chosen structure (a filter, not a list to fill)."""

    changed = Signal(object)  # the structure id, or None

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(structure_matches(ws), parent)
        self.setPlaceholderText("Toutes les structures")
        self._tip = ("Filtrer par structure\u00a0: organisatrice ou représentée parmi les "
                     "invités (tapez quelques lettres du nom, du sigle ou de la commune)")
        self.setToolTip(self._tip)
        self._id: str | None = None
        self._label = ""
        self.textChanged.connect(self._text_changed)
        self.editingFinished.connect(self._restore_text)

    def value(self) -> str | None:
        return self._id

    @property
    def label(self) -> str:
        return self._label

    def choose(self, row: int) -> None:
        """Filter on the ``row``-th structure found (a click in the list)."""
        record_id, label = self._found[row]
        self.set_value(record_id, label)

    def set_value(self, record_id: str | None, label: str = "") -> None:
        """Filter on ``record_id`` (``None``: every structure), quietly if unchanged."""
        record_id = record_id or None
        changed = record_id != self._id
        self._id, self._label = record_id, (label if record_id else "")
        self.setToolTip(self._label or self._tip)
        # After QCompleter has written the chosen text: show the full label.
        QTimer.singleShot(0, self._restore_text)
        self.blockSignals(True)
        self.setText(self._label)
        self.blockSignals(False)
        if changed:
            self.changed.emit(self._id)

    def _text_changed(self, text: str) -> None:
        if not text.strip() and self._id is not None:
            self.set_value(None)

    def _restore_text(self) -> None:
        """Typed letters without a choice: the field shows the filter in force again."""
        if self.hasFocus() and self.completer_.popup().isVisible():
            return
        if self.text() != self._label:
            self.blockSignals(True)
            self.setText(self._label)
            self.blockSignals(False)
