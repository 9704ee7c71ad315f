"""Horizontal bar charts drawn with QPainter, readable when printed in black and white.

Each bar has its own hatch pattern (as well as the accent colour on screen), a black outline
and its value written at its end, so that nothing depends on colour. The same
:meth:`BarChart.render_chart` paints on the screen, on an image or on a printer.

QtCharts was not used: it lives in PySide6-Addons (a much larger download and installer for
four bar charts) and its bars carry their meaning by colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.domain import formatting as fmt

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


class BarChart(QWidget):
    """One bar per ``(label, value)``, longest value = full width; « Aucune donnée » if empty."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("barChart")
        self.title = title
        self.bars: tuple[tuple[str, float], ...] = ()
        self.empty_text = "Aucune donnée sur la période."
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName(title)
        self.setToolTip(title)

    def set_bars(self, bars: Sequence[tuple[str, float]]) -> None:
        self.bars = tuple((str(label), float(value)) for label, value in bars)
        self.setAccessibleDescription(" ; ".join(f"{label} : {fmt.number(value)}"
                                                for label, value in self.bars))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        rows = max(1, len(self.bars))
        title = QFontMetrics(self.font()).height() + 8 if self.title else 0
        return QSize(360, title + rows * (BAR_HEIGHT + BAR_GAP) + BAR_GAP + 8)

    def minimumSizeHint(self) -> QSize:
        return QSize(220, self.sizeHint().height())

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
        label_width = min(LABEL_MAX_PX, int(area.width() * 0.42),
                          max(metrics.horizontalAdvance(label) for label, _ in self.bars) + 16)
        biggest = max(value for _, value in self.bars) or 1.0
        value_width = max(metrics.horizontalAdvance(fmt.number(v)) for _, v in self.bars) + 10
        bar_space = max(20.0, area.width() - label_width - value_width - 4)
        for i, (label, value) in enumerate(self.bars):
            y = top + i * (BAR_HEIGHT + BAR_GAP)
            painter.setPen(INK)
            shown = metrics.elidedText(label, Qt.TextElideMode.ElideRight, label_width - 8)
            painter.drawText(QRectF(area.left(), y, label_width - 8, BAR_HEIGHT),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                             shown)
            length = bar_space * value / biggest
            bar = QRect(int(area.left() + label_width), int(y), max(1, int(length)), BAR_HEIGHT)
            painter.fillRect(bar, FILL)
            painter.fillRect(bar, QBrush(HATCH, PATTERNS[i % len(PATTERNS)]))
            painter.setPen(QPen(INK, 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(bar.adjusted(0, 0, -1, -1))
            painter.drawText(QRectF(bar.right() + 6, y, value_width, BAR_HEIGHT),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             fmt.number(value))
        painter.restore()
