"""The Tableau de bord: counts, the next fortnight's meetings, conventions needing attention."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt
from app.services.dashboard import Dashboard, DashboardItem
from ui.bilans.indicators import ActionIndicators

TITLE_ROLE = Qt.ItemDataRole.UserRole + 1
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 2
TARGET_ROLE = Qt.ItemDataRole.UserRole + 3  # (list view name, record id)

# Where a tile leads, by its label (labels come from app.services.dashboard).
TILE_TARGETS: dict[str, str] = {
    "Structures": "structures",
    "Contacts": "contacts",
    "Réunions à venir": "reunions",
    "Conventions en cours": "conventions",
    "Signatures recueillies": "reunions",
}
_WRAP = int(Qt.TextFlag.TextWordWrap.value) | int(Qt.AlignmentFlag.AlignLeft.value)
_PAD_X, _PAD_Y, _GAP = 10, 7, 2


class Tile(QFrame):
    """A big number and its label; a click opens the matching list."""

    clicked = Signal(str)

    def __init__(self, label: str, value: int, target: str | None) -> None:
        super().__init__()
        self.setObjectName("tile")
        self.target = target
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(2)
        self.value_label = QLabel(fmt.number(value))
        self.value_label.setObjectName("tileValue")
        self.caption_label = QLabel(label)
        self.caption_label.setObjectName("tileCaption")
        self.caption_label.setWordWrap(True)
        layout.addWidget(self.value_label)
        layout.addWidget(self.caption_label)
        if target:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setToolTip(f"Ouvrir la liste « {label} »")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self.target and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.target)
        super().mouseReleaseEvent(event)


class _ItemDelegate(QStyledItemDelegate):
    """A title in bold over a wrapped detail line in grey."""

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        bold = QFont(option.font)
        bold.setBold(True)
        return bold, QFont(option.font)

    def _text_width(self, option: QStyleOptionViewItem) -> int:
        view = option.widget
        width = view.viewport().width() if view is not None else option.rect.width()
        return max(120, width - 2 * _PAD_X)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        title = index.data(TITLE_ROLE) or ""
        detail = index.data(DETAIL_ROLE) or ""
        bold, normal = self._fonts(opt)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        text_colour = opt.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = text_colour if selected else QColor("#5b6270")
        rect = opt.rect.adjusted(_PAD_X, _PAD_Y, -_PAD_X, -_PAD_Y)
        painter.save()
        painter.setFont(bold)
        painter.setPen(text_colour)
        title_rect = QFontMetrics(bold).boundingRect(QRect(rect.left(), rect.top(), rect.width(), 10_000),
                                                     _WRAP, title)
        painter.drawText(QRect(rect.left(), rect.top(), rect.width(), title_rect.height()), _WRAP, title)
        painter.setFont(normal)
        painter.setPen(muted)
        top = rect.top() + title_rect.height() + _GAP
        painter.drawText(QRect(rect.left(), top, rect.width(), rect.bottom() - top + 1), _WRAP, detail)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        width = self._text_width(option)
        bold, normal = self._fonts(option)
        title = index.data(TITLE_ROLE) or ""
        detail = index.data(DETAIL_ROLE) or ""
        box = QRect(0, 0, width, 10_000)
        height = QFontMetrics(bold).boundingRect(box, _WRAP, title).height()
        if detail:
            height += _GAP + QFontMetrics(normal).boundingRect(box, _WRAP, detail).height()
        return QSize(width, height + 2 * _PAD_Y)


class ItemList(QWidget):
    """A titled list of :class:`DashboardItem`; Enter or a double-click opens the record."""

    activated = Signal(str, str)  # list view name, record id

    def __init__(self, title: str, empty_text: str) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.title_label = QLabel(title)
        self.title_label.setObjectName("panelTitle")
        layout.addWidget(self.title_label)
        self.list = QListWidget()
        self.list.setObjectName("dashboardList")
        self.list.setItemDelegate(_ItemDelegate(self.list))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setUniformItemSizes(False)
        self.list.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemActivated.connect(self._activated)
        layout.addWidget(self.list, 1)
        self.empty_label = QLabel(empty_text)
        self.empty_label.setObjectName("panelEmpty")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty_label, 1)
        self.set_items(())

    def set_items(self, items: tuple[DashboardItem, ...]) -> None:
        self.list.clear()
        for entry in items:
            item = QListWidgetItem(f"{entry.title}\n{entry.detail}")
            item.setData(TITLE_ROLE, entry.title)
            item.setData(DETAIL_ROLE, entry.detail)
            item.setData(TARGET_ROLE, (entry.view, entry.record_id))
            item.setToolTip(entry.detail)
            self.list.addItem(item)
        self.list.setVisible(bool(items))
        self.empty_label.setVisible(not items)

    def _activated(self, item: QListWidgetItem) -> None:
        view, record_id = item.data(TARGET_ROLE)
        self.activated.emit(view, record_id)


class DashboardView(QWidget):
    """What needs attention today. ``open_record`` / ``open_list`` ask the window to navigate."""

    open_record = Signal(str, str)  # list view name, record id
    open_list = Signal(str)  # list view name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(12)
        self.title_label = QLabel("Tableau de bord")
        self.title_label.setObjectName("sectionTitle")
        self.subtitle_label = QLabel("")
        self.subtitle_label.setObjectName("dashboardSubtitle")
        self.subtitle_label.setWordWrap(True)
        layout.addWidget(self.title_label)
        layout.addWidget(self.subtitle_label)
        self.tiles_row = QHBoxLayout()
        self.tiles_row.setSpacing(12)
        layout.addLayout(self.tiles_row)
        self.tiles: list[Tile] = []

        panels = QGridLayout()
        panels.setHorizontalSpacing(16)
        self.upcoming = ItemList("Réunions des 14 prochains jours",
                                 "Aucune réunion prévue dans les 14 prochains jours.")
        self.alerts = ItemList("Conventions à surveiller",
                               "Aucune convention ne demande d'attention pour l'instant.")
        panels.setVerticalSpacing(12)
        panels.addWidget(self.upcoming, 0, 0)
        panels.addWidget(self.alerts, 0, 1, 2, 1)
        panels.setColumnStretch(0, 1)
        panels.setColumnStretch(1, 1)
        # Progress of the running actions, counted off the GUI thread after the first paint.
        self.indicators = ActionIndicators()
        self.indicators.activated.connect(self.open_record)
        panels.addWidget(self.indicators, 1, 0)
        panels.setRowStretch(0, 1)
        panels.setRowStretch(1, 1)
        layout.addLayout(panels, 1)
        for panel in (self.upcoming, self.alerts):
            panel.activated.connect(self.open_record)

        self.sync_label = QLabel("")
        self.sync_label.setObjectName("syncStatus")
        layout.addWidget(self.sync_label)

    def wait_until_ready(self, timeout_ms: int = 10_000) -> bool:
        """Wait for the indicators computed in the background (screenshots)."""
        return self.indicators.wait_until_ready(timeout_ms)

    def set_dashboard(self, data: Dashboard) -> None:
        self.title_label.setText(data.organisation_name or "Tableau de bord")
        parts = ["Tableau de bord"]
        if data.site_name:
            parts.append(data.site_name)
        self.subtitle_label.setText(" · ".join(parts))
        for tile in self.tiles:
            self.tiles_row.removeWidget(tile)
            tile.deleteLater()
        self.tiles = []
        for label, value in data.counts:
            tile = Tile(label, value, TILE_TARGETS.get(label))
            tile.clicked.connect(self.open_list)
            self.tiles_row.addWidget(tile, 1)
            self.tiles.append(tile)
        self.upcoming.set_items(data.upcoming)
        self.alerts.set_items(data.convention_alerts)
        self.sync_label.setText(f"Synchronisation\u00a0: {data.last_sync}")
