"""The Tableau de bord: counts, the next fortnight's meetings, conventions needing attention.

:meth:`DashboardView.load` shows at once what the user reads first (the next meetings with
their evidence status, the conventions, the sync status); the tiles' counts and the actions'
indicators scan whole tables, so they are counted off the GUI thread once the view has been
painted (the tiles show « … » meanwhile).
"""

from __future__ import annotations

import datetime as dt
import threading

from PySide6.QtCore import (
    QEventLoop,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
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
from app.errors import MaillageError
from app.services.dashboard import ALERT, DONE, TILES, Dashboard, DashboardItem, dashboard, tile_counts
from app.services.workspace import Workspace
from ui.bilans.indicators import ActionIndicators
from ui.conventions.background import guarded_job
from ui.jobs import Job

TITLE_ROLE = Qt.ItemDataRole.UserRole + 1
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 2
TARGET_ROLE = Qt.ItemDataRole.UserRole + 3  # (list view name, record id)
STATUS_ROLE = Qt.ItemDataRole.UserRole + 4  # the status line, with its mark (« ⚠ … »)
TONE_ROLE = Qt.ItemDataRole.UserRole + 5  # ALERT, PREPARE, DONE or ""

# A status reads without colour: a mark before it, bold when something is missing.
TONE_MARKS = {ALERT: "\u26a0", DONE: "\u2713"}
TONE_COLOURS = {ALERT: "#a61b1b", DONE: "#1d6b36"}

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

    def __init__(self, label: str, value: int | None, target: str | None) -> None:
        super().__init__()
        self.setObjectName("tile")
        self.target = target
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(2)
        self.value_label = QLabel()
        self.value_label.setObjectName("tileValue")
        self.caption_label = QLabel(label)
        self.caption_label.setObjectName("tileCaption")
        self.caption_label.setWordWrap(True)
        layout.addWidget(self.value_label)
        layout.addWidget(self.caption_label)
        self.set_value(value)
        if target:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setToolTip(f"Ouvrir la liste «\u00a0{label}\u00a0»")

    def set_value(self, value: int | None) -> None:
        """The number, or « … » while it is being counted."""
        self.value_label.setText("…" if value is None else fmt.number(value))
        shown = "en cours de calcul" if value is None else fmt.number(value)
        self.value_label.setAccessibleName(f"{self.caption_label.text()}\u00a0: {shown}")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self.target and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.target)
        super().mouseReleaseEvent(event)


def status_text(item: DashboardItem) -> str:
    """The status line as shown: « ⚠ 3 signatures manquantes », « ✓ Preuves complètes »."""
    if not item.status:
        return ""
    mark = TONE_MARKS.get(item.tone, "\u2022")
    return f"{mark}\u00a0{item.status}"


class _ItemDelegate(QStyledItemDelegate):
    """A title in bold over a wrapped detail line in grey, then the status line if any."""

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        bold = QFont(option.font)
        bold.setBold(True)
        return bold, QFont(option.font)

    @staticmethod
    def _status_font(normal: QFont, tone: str) -> QFont:
        font = QFont(normal)
        font.setBold(tone == ALERT)
        return font

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
        detail_rect = QFontMetrics(normal).boundingRect(QRect(rect.left(), top, rect.width(), 10_000),
                                                        _WRAP, detail)
        painter.drawText(QRect(rect.left(), top, rect.width(), detail_rect.height()), _WRAP, detail)
        status = index.data(STATUS_ROLE) or ""
        if status:
            tone = index.data(TONE_ROLE) or ""
            font = self._status_font(normal, tone)
            painter.setFont(font)
            painter.setPen(text_colour if selected else QColor(TONE_COLOURS.get(tone, "#1f2933")))
            top += detail_rect.height() + _GAP
            painter.drawText(QRect(rect.left(), top, rect.width(), rect.bottom() - top + 1), _WRAP,
                             status)
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
        status = index.data(STATUS_ROLE) or ""
        if status:
            font = self._status_font(normal, index.data(TONE_ROLE) or "")
            height += _GAP + QFontMetrics(font).boundingRect(box, _WRAP, status).height()
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
            status = status_text(entry)
            text = "\n".join(x for x in (entry.title, entry.detail, status) if x)
            item = QListWidgetItem(text)  # what screen readers and keyboard search read
            item.setData(TITLE_ROLE, entry.title)
            item.setData(DETAIL_ROLE, entry.detail)
            item.setData(STATUS_ROLE, status)
            item.setData(TONE_ROLE, entry.tone)
            item.setData(TARGET_ROLE, (entry.view, entry.record_id))
            item.setToolTip("\n".join(x for x in (entry.detail, entry.status) if x))
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
    counts_loaded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard")
        self._ws: Workspace | None = None
        self._today: dt.date | None = None
        self._counts_pending = False
        self._painted = False
        self._cancel: threading.Event | None = None
        self.counts_job: Job | None = None
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

    # --- loading --------------------------------------------------------------------------

    def load(self, ws: Workspace, today: dt.date | None = None) -> None:
        """Show the dashboard of ``ws`` now; its tiles and indicators follow once painted."""
        self.set_dashboard(dashboard(ws, today, with_counts=False))
        self._ws, self._today = ws, today
        self._counts_pending = True
        if self._painted:
            QTimer.singleShot(0, self._start_counts)
        self.indicators.load(ws)

    def paintEvent(self, event) -> None:  # noqa: ANN001 - QPaintEvent
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            if self._counts_pending:
                QTimer.singleShot(0, self._start_counts)  # after this paint reached the screen

    def _start_counts(self) -> None:
        if not self._counts_pending or self._ws is None:
            return
        self._counts_pending = False
        if self._cancel is not None:
            self._cancel.set()
        cancel = threading.Event()
        self._cancel = cancel
        ws, today = self._ws, self._today
        self.counts_job = guarded_job(self, lambda: tile_counts(ws, today),
                                      lambda result: self._counted(cancel, result),
                                      lambda error: self._not_counted(cancel, error))

    def _counted(self, cancel: threading.Event, counts: tuple[tuple[str, int], ...]) -> None:
        if cancel.is_set():
            return
        self.counts_job = None
        self.set_counts(counts)
        self.counts_loaded.emit()

    def _not_counted(self, cancel: threading.Event, error: Exception) -> None:
        if cancel.is_set():
            return
        self.counts_job = None
        message = error.message if isinstance(error, MaillageError) else str(error)
        for tile in self.tiles:
            tile.value_label.setText("—")
            tile.value_label.setToolTip(f"Ce nombre n'a pas pu être calculé\u00a0: {message}")
        self.counts_loaded.emit()

    def wait_until_ready(self, timeout_ms: int = 10_000) -> bool:
        """Wait for the tiles and the indicators computed in the background (screenshots)."""
        if self._counts_pending:
            self._start_counts()
        if self.counts_job is not None:
            loop = QEventLoop()
            self.counts_loaded.connect(loop.quit)
            QTimer.singleShot(timeout_ms, loop.quit)
            loop.exec()
            self.counts_loaded.disconnect(loop.quit)
        return self.counts_job is None and self.indicators.wait_until_ready(timeout_ms)

    # --- showing --------------------------------------------------------------------------

    def set_counts(self, counts: tuple[tuple[str, int], ...]) -> None:
        """The tiles with these counts (« … » for a label missing from ``counts``)."""
        values = dict(counts)
        for tile in self.tiles:
            self.tiles_row.removeWidget(tile)
            tile.deleteLater()
        self.tiles = []
        for label in TILES:
            tile = Tile(label, values.get(label), TILE_TARGETS.get(label))
            tile.clicked.connect(self.open_list)
            self.tiles_row.addWidget(tile, 1)
            self.tiles.append(tile)

    def set_dashboard(self, data: Dashboard) -> None:
        """Show ``data``; its tiles too when it carries their counts (otherwise « … »)."""
        if self._cancel is not None:  # a count still running would show older figures
            self._cancel.set()
            self.counts_job = None
        self._counts_pending = False
        self.title_label.setText(data.organisation_name or "Tableau de bord")
        parts = ["Tableau de bord"]
        if data.site_name:
            parts.append(data.site_name)
        self.subtitle_label.setText(" · ".join(parts))
        self.set_counts(data.counts)
        self.upcoming.set_items(data.upcoming)
        self.alerts.set_items(data.convention_alerts)
        self.sync_label.setText(f"Synchronisation\u00a0: {data.last_sync}")
