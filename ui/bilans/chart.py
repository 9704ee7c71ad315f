"""Horizontal bar charts drawn with QPainter, readable when printed in black and white.

Each bar has its own hatch pattern (as well as the accent colour on screen), a black outline
and its value written at its end; the categories are named on the left (on two lines when
long) and the axis below is graduated and titled in French, so that nothing depends on colour.
The same :meth:`BarChart.render_chart` paints on the screen, on an image or on a printer. The
PDF bilan draws the same charts with ReportLab (``app/reporting/charts.py``).

QtCharts was not used: it lives in PySide6-Addons (a much larger download and installer for
four bar charts) and its bars carry their meaning by colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.domain import formatting as fmt
from app.reporting.scale import nice_step, wrap_words

PATTERNS = (
    Qt.BrushStyle.BDiagPattern,
    Qt.BrushStyle.Dense5Pattern,
    Qt.BrushStyle.CrossPattern,
    Qt.BrushStyle.FDiagPattern,
    Qt.BrushStyle.HorPattern,
    Qt.BrushStyle.DiagCrossPattern,
    Qt.BrushStyle.VerPattern,
    Qt.BrushStyle.Dense3Pattern,
)
"""One hatch per bar, in this order (they stay apart when photocopied)."""

INK = QColor("#1f2933")
FILL = QColor("#cfe3ea")
HATCH = QColor("#1f6f8b")
BAR_HEIGHT = 20
BAR_GAP = 8
LABEL_MAX_PX = 230
PADDING = 10
TICK = 4
LABEL_LINES = 2


class BarChart(QWidget):
    """One bar per ``(label, value)``, longest value = full width; « Aucune donnée » if empty."""

    def __init__(self, title: str = "", axis_title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("barChart")
        self.title = title
        self.axis_title = axis_title  # « Nombre de réunions tenues »
        self.bars: tuple[tuple[str, float], ...] = ()
        self.empty_text = "Aucune donnée sur la période."
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName(title)
        self.setToolTip(title)

    def set_bars(self, bars: Sequence[tuple[str, float]]) -> None:
        self.bars = tuple((str(label), float(value)) for label, value in bars)
        self.setAccessibleDescription("\u00a0; ".join(f"{label}\u00a0: {fmt.number(value)}"
                                                for label, value in self.bars))
        self.updateGeometry()
        self.update()

    @staticmethod
    def _lines(metrics: QFontMetrics, label: str, label_width: int) -> list[str]:
        return wrap_words(label, label_width - 8, metrics.horizontalAdvance, LABEL_LINES)

    def _row_heights(self, metrics: QFontMetrics, label_width: int) -> list[int]:
        """Each bar's row: one line of text, two for a long category name."""
        return [max(BAR_HEIGHT, len(self._lines(metrics, label, label_width)) * metrics.height())
                + BAR_GAP for label, _ in self.bars]

    def _label_width(self, metrics: QFontMetrics, width: float) -> int:
        return min(LABEL_MAX_PX, int(width * 0.42),
                   max(metrics.horizontalAdvance(label) for label, _ in self.bars) + 16)

    def _axis_height(self, metrics: QFontMetrics) -> int:
        return TICK + 2 + metrics.height() + (metrics.height() + 2 if self.axis_title else 0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        """Long category names take two lines when the chart is narrow."""
        metrics = QFontMetrics(self.font())
        title = metrics.height() + 8 if self.title else 0
        if not self.bars:
            return title + BAR_HEIGHT + BAR_GAP + 8
        rows = self._row_heights(metrics, self._label_width(metrics, width - 2 * PADDING))
        return title + 4 + sum(rows) + self._axis_height(metrics) + 8

    def sizeHint(self) -> QSize:
        return QSize(360, self.heightForWidth(max(self.width(), 360)))

    def minimumSizeHint(self) -> QSize:
        return QSize(220, self.heightForWidth(max(self.width(), 220)))

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), QColor("#ffffff"))
            self.render_chart(painter, QRectF(self.rect().adjusted(PADDING, 2, -PADDING, -2)))
        finally:
            painter.end()

    def to_image(self, size: QSize | None = None) -> QImage:
        """The chart on a white image (what a black and white printer receives)."""
        size = size or self.sizeHint()
        image = QImage(size, QImage.Format.Format_RGB32)
        image.fill(QColor("#ffffff"))
        painter = QPainter(image)
        try:
            painter.setFont(self.font())
            self.render_chart(painter, QRectF(0, 0, size.width(), size.height()))
        finally:
            painter.end()
        return image

    def render_chart(self, painter: QPainter, area: QRectF) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        metrics = painter.fontMetrics()
        top = area.top() + 4
        if self.title:
            bold = painter.font()
            bold.setBold(True)
            painter.setFont(bold)
            painter.setPen(INK)
            title = painter.fontMetrics().elidedText(self.title, Qt.TextElideMode.ElideRight,
                                                     int(area.width()))
            painter.drawText(QRectF(area.left(), top, area.width(), metrics.height() + 4),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             title)
            bold.setBold(False)
            painter.setFont(bold)
            top += metrics.height() + 8
        if not self.bars:
            painter.setPen(QColor("#6b7280"))
            painter.drawText(QRectF(area.left(), top, area.width(), BAR_HEIGHT),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             self.empty_text)
            painter.restore()
            return
        label_width = self._label_width(metrics, area.width())
        rows = self._row_heights(metrics, label_width)
        step = nice_step(max(value for _, value in self.bars))
        biggest = step * max(1, -(-max(value for _, value in self.bars) // step))
        value_width = max(metrics.horizontalAdvance(fmt.number(v)) for _, v in self.bars) + 10
        bar_space = max(20.0, area.width() - label_width - value_width - 4)
        left = area.left() + label_width
        y = top
        for i, ((label, value), row) in enumerate(zip(self.bars, rows)):
            painter.setPen(INK)
            lines = self._lines(metrics, label, label_width)
            text_top = y + (row - BAR_GAP - len(lines) * metrics.height()) / 2
            for k, line in enumerate(lines):
                painter.drawText(QRectF(area.left(), text_top + k * metrics.height(),
                                        label_width - 8, metrics.height()),
                                 int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                                 line)
            bar_top = y + (row - BAR_GAP - BAR_HEIGHT) / 2
            length = bar_space * value / biggest
            bar = QRect(int(left), int(bar_top), max(1, int(length)), BAR_HEIGHT)
            painter.fillRect(bar, FILL)
            painter.fillRect(bar, QBrush(HATCH, PATTERNS[i % len(PATTERNS)]))
            painter.setPen(QPen(INK, 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(bar.adjusted(0, 0, -1, -1))
            painter.drawText(QRectF(bar.right() + 6, bar_top, value_width, BAR_HEIGHT),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             fmt.number(value))
            y += row
        # The axis: the origin line, the base line graduated in French numbers, its title.
        bottom = y - BAR_GAP / 2
        painter.setPen(QPen(INK, 1))
        painter.drawLine(int(left), int(top), int(left), int(bottom))
        painter.drawLine(int(left), int(bottom), int(left + bar_space), int(bottom))
        tick = 0.0
        while tick <= biggest + 1e-9:
            x = left + bar_space * tick / biggest
            painter.drawLine(int(x), int(bottom), int(x), int(bottom + TICK))
            text = fmt.number(tick)
            w = metrics.horizontalAdvance(text) + 4
            painter.drawText(QRectF(x - w / 2, bottom + TICK + 1, w, metrics.height()),
                             int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), text)
            tick += step
        if self.axis_title:
            painter.drawText(QRectF(left, bottom + TICK + 2 + metrics.height(), bar_space,
                                    metrics.height() + 2),
                             int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                             self.axis_title)
        painter.restore()
