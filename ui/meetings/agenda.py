"""The agenda: the sessions of a week (hours × days) or of a month (a calendar grid).

The sessions come from :func:`app.services.meetings.agenda`. A click on a session selects its
meeting (``meeting_clicked``), a double click or Entrée opens it (``meeting_activated``). In the
month view a double click on a day shows its week. Page précédente / Page suivante move by a
period, Origine comes back to today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel.dates import format_date
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeySequence, QMouseEvent, QPainter, QPaintEvent, QPen, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from app.domain import formatting as fmt
from app.domain import labels
from app.services.meetings import AgendaEntry, agenda
from app.services.workspace import Workspace

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
FIRST_HOUR, LAST_HOUR = 8, 19
WEEK_HEADER = 40
GUTTER = 48
MONTH_HEADER = 26
MONTH_LINE = 19

KIND_COLOURS = {
    "copil": "#1f6f8b", "cotech": "#1f6f8b", "groupe_travail": "#2f7d6d",
    "reunion_technique": "#2f7d6d", "reunion_elargie": "#2f7d6d", "formation": "#4f7a28",
    "atelier": "#4f7a28", "info_collective": "#8a5a00", "forum": "#a34d1c",
    "commission": "#6a4c93", "assemblee_generale": "#6a4c93", "visite": "#5b6270",
}


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def month_grid_start(day: dt.date) -> dt.date:
    """The Monday on or before the first of ``day``'s month (the grid's first cell)."""
    return week_start(day.replace(day=1))


def period_of(mode: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The dates shown: a week (Monday to Sunday) or six weeks around a month."""
    if mode == "week":
        start = week_start(day)
        return start, start + dt.timedelta(days=6)
    start = month_grid_start(day)
    return start, start + dt.timedelta(days=41)


def period_label(mode: str, day: dt.date) -> str:
    """« Semaine du 23 au 29 novembre 2026 », « Novembre 2026 »."""
    if mode == "month":
        text = format_date(day, "MMMM y", locale=fmt.LOCALE)
        return text[0].upper() + text[1:]
    start, end = period_of("week", day)
    if start.month == end.month:
        return f"Semaine du {start.day} au {format_date(end, 'd MMMM y', locale=fmt.LOCALE)}"
    if start.year == end.year:
        return (f"Semaine du {format_date(start, 'd MMMM', locale=fmt.LOCALE)} au "
                f"{format_date(end, 'd MMMM y', locale=fmt.LOCALE)}")
    return (f"Semaine du {format_date(start, 'd MMMM y', locale=fmt.LOCALE)} au "
            f"{format_date(end, 'd MMMM y', locale=fmt.LOCALE)}")


def _hours(t: dt.time) -> float:
    return t.hour + t.minute / 60


@dataclass(frozen=True)
class Placed:
    """A session drawn at ``rect`` (``entry`` is ``None`` for a « + n autres » line)."""

    rect: QRectF
    entry: AgendaEntry | None
    day: dt.date
    more: int = 0


class AgendaCanvas(QWidget):
    """The painted week or month; :meth:`placed` says where each session is."""

    clicked = Signal(str)  # meeting id
    activated = Signal(str)  # meeting id
    day_activated = Signal(object)  # dt.date

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agendaCanvas")
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(420, 320)
        self.mode = "week"
        self.day = dt.date.today()
        self.today = dt.date.today()
        self.entries: tuple[AgendaEntry, ...] = ()
        self.selected: str | None = None

    def set_data(self, mode: str, day: dt.date, entries: tuple[AgendaEntry, ...]) -> None:
        self.mode, self.day, self.entries = mode, day, entries
        self.update()

    # --- geometry ---------------------------------------------------------------------------

    def hour_range(self) -> tuple[int, int]:
        first, last = FIRST_HOUR, LAST_HOUR
        for e in self.entries:
            first = min(first, int(_hours(e.start_time)))
            last = max(last, int(_hours(e.end_time) + 0.99))
        return first, min(24, max(last, first + 1))

    def placed(self) -> list[Placed]:
        return self._placed_week() if self.mode == "week" else self._placed_month()

    def _placed_week(self) -> list[Placed]:
        start, _end = period_of("week", self.day)
        first, last = self.hour_range()
        width = (self.width() - GUTTER) / 7
        per_hour = (self.height() - WEEK_HEADER - 1) / (last - first)
        out: list[Placed] = []
        for offset in range(7):
            day = start + dt.timedelta(days=offset)
            todays = sorted((e for e in self.entries if e.date == day),
                            key=lambda e: (e.start_time, e.end_time))
            lanes: list[dt.time] = []  # the end of the last session in each lane
            lane_of: list[int] = []
            for e in todays:
                lane = next((i for i, end in enumerate(lanes) if end <= e.start_time), None)
                if lane is None:
                    lanes.append(e.end_time)
                    lane = len(lanes) - 1
                else:
                    lanes[lane] = e.end_time
                lane_of.append(lane)
            count = max(1, len(lanes))
            lane_width = (width - 6) / count
            for e, lane in zip(todays, lane_of, strict=True):
                x = GUTTER + offset * width + 3 + lane * lane_width
                top = WEEK_HEADER + (_hours(e.start_time) - first) * per_hour
                height = max(18.0, (_hours(e.end_time) - _hours(e.start_time)) * per_hour)
                out.append(Placed(QRectF(x, top + 1, lane_width - 2, height - 2), e, day))
        return out

    def _placed_month(self) -> list[Placed]:
        start, _end = period_of("month", self.day)
        width = self.width() / 7
        height = (self.height() - MONTH_HEADER - 1) / 6
        out: list[Placed] = []
        by_day: dict[dt.date, list[AgendaEntry]] = {}
        for e in self.entries:
            by_day.setdefault(e.date, []).append(e)
        for index in range(42):
            day = start + dt.timedelta(days=index)
            cell = QRectF((index % 7) * width, MONTH_HEADER + (index // 7) * height, width, height)
            todays = by_day.get(day, [])
            room = max(0, int((cell.height() - 22) // MONTH_LINE))
            shown = todays if len(todays) <= room else todays[:max(0, room - 1)]
            for n, e in enumerate(shown):
                rect = QRectF(cell.left() + 3, cell.top() + 20 + n * MONTH_LINE,
                              cell.width() - 6, MONTH_LINE - 2)
                out.append(Placed(rect, e, day))
            hidden = len(todays) - len(shown)
            if hidden:
                rect = QRectF(cell.left() + 3, cell.top() + 20 + len(shown) * MONTH_LINE,
                              cell.width() - 6, MONTH_LINE - 2)
                out.append(Placed(rect, None, day, hidden))
        return out

    def day_at(self, pos: QPointF) -> dt.date | None:
        if self.mode == "week":
            if pos.x() < GUTTER:
                return None
            column = int((pos.x() - GUTTER) / ((self.width() - GUTTER) / 7))
            return period_of("week", self.day)[0] + dt.timedelta(days=min(6, max(0, column)))
        if pos.y() < MONTH_HEADER:
            return None
        column = int(pos.x() / (self.width() / 7))
        row = int((pos.y() - MONTH_HEADER) / ((self.height() - MONTH_HEADER) / 6))
        index = min(41, max(0, row * 7 + min(6, column)))
        return period_of("month", self.day)[0] + dt.timedelta(days=index)

    def item_at(self, pos: QPointF) -> Placed | None:
        for item in reversed(self.placed()):
            if item.rect.contains(pos):
                return item
        return None

    # --- input ------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        item = self.item_at(event.position())
        if event.button() == Qt.MouseButton.LeftButton and item is not None and item.entry:
            self.selected = item.entry.meeting_id
            self.update()
            self.clicked.emit(item.entry.meeting_id)
            return
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        item = self.item_at(event.position())
        if item is not None and item.entry is not None:
            self.activated.emit(item.entry.meeting_id)
            return
        day = self.day_at(event.position())
        if day is not None and self.mode == "month":
            self.day_activated.emit(day)
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: ANN001 - QKeyEvent
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected:
            self.activated.emit(self.selected)
            return
        super().keyPressEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            item = self.item_at(QPointF(event.pos()))  # type: ignore[attr-defined]
            if item is not None and item.entry is not None:
                QToolTip.showText(event.globalPos(), tooltip(item.entry), self)  # type: ignore[attr-defined]
            elif item is not None:
                QToolTip.showText(event.globalPos(),  # type: ignore[attr-defined]
                                  "Double-cliquez sur le jour pour voir sa semaine.", self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    # --- painting ---------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        if self.mode == "week":
            self._paint_week(painter)
        else:
            self._paint_month(painter)
        for item in self.placed():
            self._paint_item(painter, item)
        painter.end()

    def _paint_week(self, painter: QPainter) -> None:
        start, _end = period_of("week", self.day)
        first, last = self.hour_range()
        width = (self.width() - GUTTER) / 7
        per_hour = (self.height() - WEEK_HEADER - 1) / (last - first)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.85))
        for offset in range(7):
            day = start + dt.timedelta(days=offset)
            x = GUTTER + offset * width
            if day == self.today:
                painter.fillRect(QRectF(x, 0, width, self.height()), QColor("#fff8dc"))
            elif offset >= 5:
                painter.fillRect(QRectF(x, WEEK_HEADER, width, self.height()), QColor("#f7f9fb"))
            painter.setPen(QColor("#1f2933") if day != self.today else QColor("#7a4d00"))
            bold = QFont(self.font())
            bold.setBold(day == self.today)
            painter.setFont(bold)
            text = f"{WEEKDAYS[offset][:3]}. {day.day}/{day.month:02d}"
            painter.drawText(QRectF(x, 0, width, WEEK_HEADER),
                             Qt.AlignmentFlag.AlignCenter, text)
        painter.setFont(small)
        for hour in range(first, last + 1):
            y = WEEK_HEADER + (hour - first) * per_hour
            painter.setPen(QColor("#e4e8ee"))
            painter.drawLine(QPointF(GUTTER, y), QPointF(self.width(), y))
            if hour < last:
                painter.setPen(QColor("#6b7280"))
                painter.drawText(QRectF(0, y + 1, GUTTER - 6, 16),
                                 Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                                 f"{hour}\u00a0h")
        painter.setPen(QColor("#d3dae3"))
        for offset in range(8):
            x = GUTTER + offset * width
            painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        painter.drawLine(QPointF(0, WEEK_HEADER), QPointF(self.width(), WEEK_HEADER))
        painter.setFont(self.font())

    def _paint_month(self, painter: QPainter) -> None:
        start, _end = period_of("month", self.day)
        width = self.width() / 7
        height = (self.height() - MONTH_HEADER - 1) / 6
        painter.setPen(QColor("#3e4652"))
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        for column, name in enumerate(WEEKDAYS):
            painter.drawText(QRectF(column * width, 0, width, MONTH_HEADER),
                             Qt.AlignmentFlag.AlignCenter, name[:3] + ".")
        for index in range(42):
            day = start + dt.timedelta(days=index)
            cell = QRectF((index % 7) * width, MONTH_HEADER + (index // 7) * height, width, height)
            if day == self.today:
                painter.fillRect(cell, QColor("#fff8dc"))
            elif day.month != self.day.month:
                painter.fillRect(cell, QColor("#f7f9fb"))
            painter.setPen(QColor("#e4e8ee"))
            painter.drawRect(cell)
            font = QFont(self.font())
            font.setBold(day == self.today)
            painter.setFont(font)
            painter.setPen(QColor("#1f2933") if day.month == self.day.month else QColor("#9aa5b1"))
            painter.drawText(cell.adjusted(5, 2, -5, 0),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                             str(day.day) if day.day != 1 else
                             f"1 {format_date(day, 'MMM', locale=fmt.LOCALE)}")
        painter.setFont(self.font())

    def _paint_item(self, painter: QPainter, item: Placed) -> None:
        rect = item.rect
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.85))
        painter.setFont(small)
        if item.entry is None:
            painter.setPen(QColor("#1f6f8b"))
            painter.drawText(rect.adjusted(4, 0, 0, 0),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             f"+ {item.more} autre{'s' if item.more > 1 else ''}")
            return
        e = item.entry
        colour = QColor(KIND_COLOURS.get(e.kind, "#1f6f8b"))
        faded = e.status in ("annulee", "reportee")
        if faded:
            colour = QColor("#9aa5b1")
        fill = QColor(colour)
        fill.setAlpha(40 if faded else 52)
        selected = e.meeting_id == self.selected
        painter.setPen(QPen(colour, 2 if selected else 1,
                            Qt.PenStyle.DashLine if e.status == "reportee" else Qt.PenStyle.SolidLine))
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 4, 4)
        painter.fillRect(QRectF(rect.left(), rect.top(), 4, rect.height()), colour)
        painter.setPen(QColor("#1f2933") if not faded else QColor("#6b7280"))
        time_text = fmt.time_short(e.start_time)
        inner = rect.adjusted(7, 1, -3, -1)
        metrics = painter.fontMetrics()
        if self.mode == "week" and rect.height() >= 2.2 * metrics.height():
            when = f"{time_text} – {fmt.time_short(e.end_time)}"
            if metrics.horizontalAdvance(when) > inner.width():
                when = time_text  # a narrow column: the start only (the end is in the tooltip)
            bold = QFont(small)
            bold.setBold(True)
            painter.setFont(bold)
            painter.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                             metrics.elidedText(when, Qt.TextElideMode.ElideRight, int(inner.width())))
            painter.setFont(small)
            lines = max(1, int((inner.height() - metrics.height()) // metrics.height()))
            body = inner.adjusted(0, metrics.height(), 0, 0)
            text = self._wrapped(e.title, metrics, int(body.width()), lines)
            painter.drawText(body, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, text)
        else:
            # A narrow month cell shows the title only (the times are in the tooltip).
            line = f"{time_text} {e.title}" if inner.width() >= 150 else e.title
            painter.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             metrics.elidedText(line, Qt.TextElideMode.ElideRight, int(inner.width())))
        if e.status == "annulee":
            painter.setPen(QPen(QColor("#6b7280"), 1))
            y = rect.top() + min(rect.height() / 2, metrics.height())
            painter.drawLine(QPointF(rect.left() + 6, y), QPointF(rect.right() - 4, y))

    @staticmethod
    def _wrapped(text: str, metrics, width: int, lines: int) -> str:  # noqa: ANN001
        words, out, current = text.split(), [], ""
        for word in words:
            candidate = f"{current} {word}".strip()
            if metrics.horizontalAdvance(candidate) <= width or not current:
                current = candidate
            else:
                out.append(current)
                current = word
        if current:
            out.append(current)
        if len(out) > lines:
            out = out[:lines]
            out[-1] = metrics.elidedText(out[-1] + " …", Qt.TextElideMode.ElideRight, width)
        return "\n".join(metrics.elidedText(x, Qt.TextElideMode.ElideRight, width) for x in out)


def tooltip(e: AgendaEntry) -> str:
    caption = f"{fmt.date_long(e.date)}, {fmt.time_short(e.start_time)} – {fmt.time_short(e.end_time)}"
    parts = [e.title, caption[0].upper() + caption[1:], labels.label(labels.MEETING_KINDS, e.kind)]
    if e.place_name:
        parts.append(e.place_name)
    if e.status != "prevue":
        parts.append(labels.label(labels.MEETING_STATUSES, e.status))
    return "\n".join(parts)


class AgendaView(QWidget):
    """The agenda with its navigation: ‹ Aujourd'hui › and the period shown."""

    meeting_clicked = Signal(str)
    meeting_activated = Signal(str)
    mode_changed = Signal(str)

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agendaView")
        self.ws = ws
        self.mode = "week"
        self.day = dt.date.today()
        self.loaded = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        row = QHBoxLayout()
        self.previous_button = QPushButton("‹")
        self.previous_button.setToolTip("Période précédente (Page précédente)")
        self.today_button = QPushButton("Aujourd'hui")
        self.today_button.setToolTip("Revenir à aujourd'hui (Origine)")
        self.next_button = QPushButton("›")
        self.next_button.setToolTip("Période suivante (Page suivante)")
        for button in (self.previous_button, self.next_button):
            button.setFixedWidth(34)
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.today_button.clicked.connect(lambda: self.set_day(dt.date.today()))
        self.period_label = QLabel("")
        self.period_label.setObjectName("panelTitle")
        self.count_label = QLabel("")
        self.count_label.setObjectName("sectionCount")
        row.addWidget(self.previous_button)
        row.addWidget(self.today_button)
        row.addWidget(self.next_button)
        row.addSpacing(10)
        row.addWidget(self.period_label)
        row.addStretch(1)
        row.addWidget(self.count_label)
        layout.addLayout(row)
        self.canvas = AgendaCanvas()
        self.canvas.clicked.connect(self.meeting_clicked)
        self.canvas.activated.connect(self.meeting_activated)
        self.canvas.day_activated.connect(self.show_week_of)
        layout.addWidget(self.canvas, 1)
        for key, slot in ((QKeySequence.StandardKey.MoveToPreviousPage, lambda: self.step(-1)),
                          (QKeySequence.StandardKey.MoveToNextPage, lambda: self.step(1)),
                          (QKeySequence(Qt.Key.Key_Home), lambda: self.set_day(dt.date.today()))):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.reload()
        self.mode_changed.emit(mode)

    def set_day(self, day: dt.date) -> None:
        self.day = day
        self.reload()

    def show_week_of(self, day: dt.date) -> None:
        self.day = day
        self.set_mode("week")

    def step(self, direction: int) -> None:
        if self.mode == "week":
            self.set_day(self.day + dt.timedelta(days=7 * direction))
        else:
            month = self.day.month - 1 + direction
            self.set_day(dt.date(self.day.year + month // 12, month % 12 + 1, 1))

    def select(self, meeting_id: str | None) -> None:
        self.canvas.selected = meeting_id
        self.canvas.update()

    def reload(self) -> None:
        start, end = period_of(self.mode, self.day)
        entries = agenda(self.ws, start, end)
        self.loaded = True
        self.canvas.today = dt.date.today()
        self.canvas.set_data(self.mode, self.day, entries)
        self.period_label.setText(period_label(self.mode, self.day))
        if self.mode == "month":
            shown = [e for e in entries if e.date.month == self.day.month]
        else:
            shown = list(entries)
        meetings = len({e.meeting_id for e in shown})
        self.count_label.setText(
            f"{fmt.plural(len(shown), 'créneau', 'créneaux')}, "
            f"{fmt.plural(meetings, 'réunion')}" if shown else "Aucune réunion sur cette période")
