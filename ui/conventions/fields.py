"""Input widgets the convention and bilan dialogs share: a field with its error below it,
French amounts and rates, optional dates, and a searchable structure picker.

The parsers are plain functions (no Qt) so that they can be tested alone; they raise
:class:`ValueError` with a French sentence the form shows next to the field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from babel.numbers import format_decimal
from PySide6.QtCore import QDate, QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt

DATE_FORMAT = "dd/MM/yyyy"
SEARCH_DELAY_MS = 200
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_AMOUNT = re.compile(r"\d+(?:[.,]\d{1,2})?")


# --- parsing (no Qt) -------------------------------------------------------------------------


def parse_amount(text: str) -> int | None:
    """« 10 000,00 », « 10000 », « 21,5 », « 1 000 000 € » → cents; empty → ``None``.

    Raises :class:`ValueError` with a French explanation for anything else.
    """
    raw = (text or "").strip()
    if not raw:
        return None
    compact = _SPACES.sub("", raw).removesuffix("€").removesuffix("EUR")
    if compact.startswith("-"):
        raise ValueError("Le montant ne peut pas être négatif.")
    if compact.count(".") and compact.count(","):  # « 10.000,00 »: dots group thousands
        compact = compact.replace(".", "")
    if not _AMOUNT.fullmatch(compact):
        raise ValueError(f"Montant non reconnu : « {raw} ». Écrivez par exemple 10 000,00.")
    units, _, decimals = compact.replace(",", ".").partition(".")
    return int(units) * 100 + int((decimals + "00")[:2])


def amount_text(cents: int | None) -> str:
    """The value an amount field shows: « 10 000,00 » (no currency sign)."""
    if cents is None:
        return ""
    return format_decimal(cents / 100, format="#,##0.00", locale=fmt.LOCALE)


def parse_number(text: str) -> float | None:
    """« 35 », « 1 200 », « 12,5 » → float; empty → ``None``; raises ValueError in French."""
    raw = (text or "").strip()
    if not raw:
        return None
    compact = _SPACES.sub("", raw).replace(",", ".")
    try:
        return float(compact)
    except ValueError:
        raise ValueError(f"Nombre non reconnu : « {raw} ».") from None


def number_text(value: float | None) -> str:
    """« 35 », « 12,5 », « 1 200 » (French decimals, no trailing zeros)."""
    if value is None:
        return ""
    return fmt.number(int(value) if float(value).is_integer() else value)


# --- widgets ---------------------------------------------------------------------------------


class FieldBox(QWidget):
    """An input with, below it, the reason it was refused (in red, hidden when none)."""

    def __init__(self, editor: QWidget, note: str = "") -> None:
        super().__init__()
        self.editor = editor
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        if note:
            hint = QLabel(note)
            hint.setObjectName("formNote")
            hint.setWordWrap(True)
            layout.addWidget(hint)
        self.error = QLabel("")
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.hide()
        layout.addWidget(self.error)

    def set_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def error_text(self) -> str:
        return self.error.text() if self.error.isVisibleTo(self) else ""


def to_qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class DateEdit(QDateEdit):
    """A French date field (« 01/05/2026 ») with a calendar."""

    def __init__(self, value: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat(DATE_FORMAT)
        self.setCalendarPopup(True)
        self.setDate(to_qdate(value or dt.date.today()))

    def value(self) -> dt.date:
        return from_qdate(self.date())

    def set_value(self, value: dt.date) -> None:
        self.setDate(to_qdate(value))


class OptionalDate(QWidget):
    """A date that may be left out: a box to tick, then the date (« non renseignée »)."""

    changed = Signal()

    def __init__(self, value: dt.date | None = None, check_text: str = "",
                 parent: QWidget | None = None, empty_text: str = "non renseignée") -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.check = QCheckBox(check_text)
        self.check.setToolTip("Cochez pour indiquer la date")
        self.edit = DateEdit(value)
        self.empty_label = QLabel(empty_text)
        self.empty_label.setObjectName("formNote")
        layout.addWidget(self.check)
        layout.addWidget(self.edit)
        layout.addWidget(self.empty_label)
        layout.addStretch(1)
        self.check.toggled.connect(self._toggled)
        self.edit.dateChanged.connect(lambda _d: self.changed.emit())
        self.set_value(value)
        self.setFocusProxy(self.edit)

    def _toggled(self, on: bool) -> None:
        self.edit.setEnabled(on)
        self.edit.setVisible(on)
        self.empty_label.setVisible(not on)
        self.changed.emit()

    def value(self) -> dt.date | None:
        return self.edit.value() if self.check.isChecked() else None

    def set_value(self, value: dt.date | None) -> None:
        if value is not None:
            self.edit.set_value(value)
        self.check.setChecked(value is not None)
        self._toggled(value is not None)


class AmountEdit(QLineEdit):
    """A French amount (« 10 000,00 »), reformatted when left; :meth:`cents` parses it."""

    def __init__(self, cents: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("0,00")
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setText(amount_text(cents))
        self.editingFinished.connect(self._tidy)

    def cents(self) -> int | None:
        """The amount in cents, ``None`` when empty; raises ValueError in French."""
        return parse_amount(self.text())

    def _tidy(self) -> None:
        try:
            value = self.cents()
        except ValueError:
            return  # left as typed: the form says what is wrong when saving
        self.setText(amount_text(value))


class StructurePicker(QLineEdit):
    """Type a few letters of a structure; pick it in the list that drops down.

    ``search(text)`` returns ``[(id, label)]`` (the window passes a function calling
    :func:`app.services.lists.fetch` on the structures list). ``picked(id, label)`` is
    emitted when the user chooses one; the field then empties for the next one.
    """

    picked = Signal(str, str)

    def __init__(self, search: Callable[[str], list[tuple[str, str]]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search = search
        self._found: list[tuple[str, str]] = []
        self.setPlaceholderText("Rechercher une structure par son nom, son sigle ou sa commune…")
        self.setClearButtonEnabled(True)
        self.list_model = QStringListModel(self)
        self.completer_ = QCompleter(self.list_model, self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer_.setMaxVisibleItems(12)
        self.setCompleter(self.completer_)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.textEdited.connect(lambda _t: self._timer.start())
        self.completer_.activated[str].connect(self._chosen)  # type: ignore[index]
        self.returnPressed.connect(self._return_pressed)

    @property
    def results(self) -> list[tuple[str, str]]:
        return list(self._found)

    def run_search(self) -> None:
        self._timer.stop()
        text = self.text().strip()
        self._found = self._search(text) if text else []
        self.list_model.setStringList([label for _id, label in self._found])
        if self._found and self.hasFocus():
            self.completer_.complete()

    def choose(self, row: int) -> None:
        """Pick the ``row``-th structure found (what a click in the list does)."""
        record_id, label = self._found[row]
        self.picked.emit(record_id, label)
        QTimer.singleShot(0, self.clear)  # after QCompleter has written the text

    def _chosen(self, label: str) -> None:
        for row, (_id, text) in enumerate(self._found):
            if text == label:
                self.choose(row)
                return

    def _return_pressed(self) -> None:
        if self._timer.isActive():
            self.run_search()
        if len(self._found) == 1:
            self.choose(0)
