"""Read-only table models for the bilan, and the delegate drawing a target's progress bar."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.domain import formatting as fmt
from app.services.reports import TargetLine

AnyIndex = QModelIndex | QPersistentModelIndex
RATIO_ROLE = Qt.ItemDataRole.UserRole + 1
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
DONE_COLOUR = QColor("#2e7d4f")
ACCENT = QColor("#1f6f8b")


class FigureTableModel(QAbstractTableModel):
    """Rows of already formatted cells; columns listed in ``numeric`` are right-aligned.

    ``ids`` (optional) gives each row the record it is about (``Qt.UserRole``).
    """

    def __init__(self, headers: Sequence[str], numeric: Sequence[int] = (),
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._numeric = set(numeric)
        self._rows: list[tuple[str, ...]] = []
        self._ids: list[str | None] = []

    def set_rows(self, rows: Sequence[Sequence[str]], ids: Sequence[str | None] = ()) -> None:
        self.beginResetModel()
        self._rows = [tuple(r) for r in rows]
        self._ids = list(ids) + [None] * (len(rows) - len(ids))
        self.endResetModel()

    def rows(self) -> list[tuple[str, ...]]:
        return list(self._rows)

    def record_id(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = self._rows[index.row()][index.column()]
            return value if role == Qt.ItemDataRole.DisplayRole else (value or None)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int((_RIGHT if index.column() in self._numeric else _LEFT).value)
        if role == Qt.ItemDataRole.UserRole:
            return self._ids[index.row()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int((_RIGHT if section in self._numeric else _LEFT).value)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemNeverHasChildren)


TARGET_HEADERS = ("Indicateur", "Réalisé", "Cible", "Unité", "Avancement")
PROGRESS_COLUMN = 4


def realised_text(t: TargetLine) -> str:
    return fmt.number(t.realised) if t.realised is not None else "non calculé"


def ratio_text(ratio: float | None) -> str:
    return fmt.percent(ratio) if ratio is not None else "—"


class TargetsModel(FigureTableModel):
    """An action's targets: realised, target, unit, and the ratio drawn as a progress bar."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(TARGET_HEADERS, numeric=(1, 2, 4), parent=parent)
        self._targets: list[TargetLine] = []

    def set_targets(self, targets: Sequence[TargetLine]) -> None:
        self._targets = list(targets)
        self.set_rows([(t.label, realised_text(t), fmt.number(t.target), t.unit,
                        ratio_text(t.ratio)) for t in targets],
                      [t.target_id for t in targets])

    def target(self, row: int) -> TargetLine | None:
        return self._targets[row] if 0 <= row < len(self._targets) else None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == RATIO_ROLE and index.isValid() and index.row() < len(self._targets):
            return self._targets[index.row()].ratio
        if (role == Qt.ItemDataRole.ToolTipRole and index.isValid()
                and index.row() < len(self._targets) and index.column() == PROGRESS_COLUMN):
            t = self._targets[index.row()]
            if t.ratio is None:
                return "Cet indicateur n'est pas calculé par Maillage\u00a0: suivez-le à la main."
            return f"{realised_text(t)} sur {fmt.number(t.target)} {t.unit} ({ratio_text(t.ratio)})"
        return super().data(index, role)


class ProgressDelegate(QStyledItemDelegate):
    """Draws the ratio (``RATIO_ROLE``) as a bar with its percentage, readable in grey print:
    an outlined track, a filled part (hatched once the target is reached) and the figure."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        ratio = index.data(RATIO_ROLE)
        if ratio is None:
            super().paint(painter, option, index)
            return
        widget: QWidget | None = option.widget
        style = widget.style() if widget is not None else None
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        if style is not None:
            from PySide6.QtWidgets import QStyle

            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        draw_progress(painter, option.rect.adjusted(6, 5, -6, -5), ratio, option.font)


def draw_progress(painter: QPainter, rect: QRect, ratio: float, font: Any = None) -> None:
    """A progress bar in ``rect``: track, fill up to ``min(ratio, 1)``, « 75 % » on the right."""
    painter.save()
    if font is not None:
        painter.setFont(font)
    text = ratio_text(ratio)
    text_width = painter.fontMetrics().horizontalAdvance("000 %") + 8
    track = QRect(rect.left(), rect.top(), max(10, rect.width() - text_width), rect.height())
    painter.setPen(QPen(QColor("#5b6270"), 1))
    painter.setBrush(QColor("#ffffff"))
    painter.drawRect(track.adjusted(0, 0, -1, -1))
    filled = int((track.width() - 2) * max(0.0, min(ratio, 1.0)))
    if filled > 0:
        colour = DONE_COLOUR if ratio >= 1 else ACCENT
        inner = QRect(track.left() + 1, track.top() + 1, filled, track.height() - 2)
        painter.fillRect(inner, colour)
        if ratio >= 1:  # reached: hatched, so that it shows in black and white too
            painter.fillRect(inner, Qt.BrushStyle.BDiagPattern)
    painter.setPen(QColor("#1f2933"))
    # Right-aligned inside ``rect`` (the percentage must not run past it).
    painter.drawText(QRect(track.right() + 1, rect.top(), rect.right() - track.right(), rect.height()),
                     int(_RIGHT.value), text)
    painter.restore()
