"""The signature pad: mouse, touch screen or stylus (with its pressure), smooth strokes.

Each stroke is a list of points ``(x, y, pressure, t)`` in pad pixels, ``t`` in milliseconds
since the first point of the signature; the mouse and screens that report no pressure give
0.5. Strokes are drawn as quadratic curves through the midpoints of successive points (a
:class:`QPainterPath` per segment, so that the width can follow the pressure).

:meth:`SignaturePad.strokes` is what :func:`app.services.attendance.record_signature` keeps;
:meth:`SignaturePad.to_png` is the image printed on the signed sheet: the signature cropped to
its ink, at most :data:`PNG_SIZE`, on a transparent background.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QElapsedTimer, QEvent, QIODevice, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

Point = tuple[float, float, float, int]

INK = QColor("#14213d")
PEN_WIDTH = 3.2  # at pressure 0.5, in pad pixels
PNG_SIZE = (600, 200)
PNG_MARGIN = 8  # pixels of the pad around the ink
MOUSE_PRESSURE = 0.5
MIN_DISTANCE = 1.0  # points closer than this to the previous one are dropped


def pen_width(pressure: float, base: float = PEN_WIDTH) -> float:
    """The stroke width for ``pressure`` (0..1): from 0.6× to 1.6× the base width."""
    return base * (0.6 + max(0.0, min(1.0, pressure)))


def smooth_segments(points: list[Point]) -> list[tuple[QPainterPath, float]]:
    """The stroke as short quadratic curves ``(path, pressure)`` through the midpoints."""
    if not points:
        return []
    if len(points) == 1:
        x, y, p, _t = points[0]
        path = QPainterPath(QPointF(x, y))
        path.lineTo(x + 0.01, y + 0.01)  # a dot
        return [(path, p)]
    out: list[tuple[QPainterPath, float]] = []
    start = QPointF(points[0][0], points[0][1])
    for i in range(1, len(points) - 1):
        x, y, p, _t = points[i]
        nx, ny = points[i + 1][0], points[i + 1][1]
        mid = QPointF((x + nx) / 2, (y + ny) / 2)
        path = QPainterPath(start)
        path.quadTo(QPointF(x, y), mid)
        out.append((path, p))
        start = mid
    last = points[-1]
    path = QPainterPath(start)
    path.lineTo(QPointF(last[0], last[1]))
    out.append((path, last[2]))
    return out


def paint_strokes(painter: QPainter, strokes: list[list[Point]], scale: float = 1.0) -> None:
    pen = QPen(INK)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for stroke in strokes:
        for path, pressure in smooth_segments(stroke):
            pen.setWidthF(pen_width(pressure) * scale)
            painter.setPen(pen)
            painter.drawPath(path)


class SignaturePad(QWidget):
    """A white frame to sign in; ``changed`` after every stroke and after « Effacer »."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signaturePad")
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumSize(420, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Cadre de signature")
        self.hint = "Signez ici"
        self._strokes: list[list[Point]] = []
        self._current: list[Point] | None = None
        self._clock = QElapsedTimer()

    # --- what the kiosk reads ----------------------------------------------------------------

    @property
    def is_empty(self) -> bool:
        return not any(self._strokes)

    def strokes(self) -> list[list[list[float]]]:
        """``[[[x, y, pressure, t_ms], …], …]`` as the attendance service stores them."""
        return [[[round(x, 1), round(y, 1), round(p, 3), int(t)] for x, y, p, t in stroke]
                for stroke in self._strokes if stroke]

    def point_count(self) -> int:
        return sum(len(s) for s in self._strokes)

    def clear(self) -> None:
        """« Effacer »."""
        self._strokes = []
        self._current = None
        self._clock.invalidate()
        self.update()
        self.changed.emit()

    def ink_rect(self) -> QRectF:
        """The bounding box of the ink, in pad pixels (empty when nothing is signed)."""
        points = [(x, y) for stroke in self._strokes for x, y, _p, _t in stroke]
        if not points:
            return QRectF()
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))

    def to_image(self, max_size: tuple[int, int] = PNG_SIZE) -> QImage:
        """The signature cropped to its ink (with a margin), scaled down to fit ``max_size``."""
        margin = PNG_MARGIN + PEN_WIDTH * 2
        ink = self.ink_rect().adjusted(-margin, -margin, margin, margin)
        if ink.isEmpty():
            ink = QRectF(0, 0, 2 * margin, 2 * margin)
        scale = min(1.0, max_size[0] / ink.width(), max_size[1] / ink.height())
        width, height = max(1, round(ink.width() * scale)), max(1, round(ink.height() * scale))
        image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.scale(scale, scale)
        painter.translate(-ink.left(), -ink.top())
        paint_strokes(painter, self._strokes)
        painter.end()
        return image

    def to_png(self, max_size: tuple[int, int] = PNG_SIZE) -> bytes:
        """:meth:`to_image` as PNG bytes."""
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.to_image(max_size).save(buffer, "PNG")
        buffer.close()
        return bytes(data.data())

    # --- input -------------------------------------------------------------------------------

    def _elapsed(self) -> int:
        if not self._clock.isValid():
            self._clock.start()
        return int(self._clock.elapsed())

    def begin_stroke(self, pos: QPointF, pressure: float) -> None:
        self._current = [(pos.x(), pos.y(), pressure, self._elapsed())]
        self._strokes.append(self._current)
        self.update(self._dirty(self._current[-1], self._current[-1]))

    def extend_stroke(self, pos: QPointF, pressure: float) -> None:
        if self._current is None:
            self.begin_stroke(pos, pressure)
            return
        last = self._current[-1]
        if abs(pos.x() - last[0]) + abs(pos.y() - last[1]) < MIN_DISTANCE:
            return
        point = (pos.x(), pos.y(), pressure, self._elapsed())
        self._current.append(point)
        before = self._current[-3] if len(self._current) > 2 else last
        self.update(self._dirty(before, point))

    def end_stroke(self, pos: QPointF | None = None, pressure: float | None = None) -> None:
        if self._current is None:
            return
        if pos is not None:
            self.extend_stroke(pos, pressure if pressure is not None else self._current[-1][2])
        self._current = None
        self.update()
        self.changed.emit()

    def _dirty(self, a: Point, b: Point) -> QRectF:
        pad = PEN_WIDTH * 2 + 2
        rect = QRectF(QPointF(min(a[0], b[0]), min(a[1], b[1])),
                      QPointF(max(a[0], b[0]), max(a[1], b[1])))
        return rect.adjusted(-pad, -pad, pad, pad).toAlignedRect()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.begin_stroke(event.position(), MOUSE_PRESSURE)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._current is not None:
            self.extend_stroke(event.position(), MOUSE_PRESSURE)
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._current is not None:
            self.end_stroke(event.position(), MOUSE_PRESSURE)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def tabletEvent(self, event: QTabletEvent) -> None:
        """A stylus: its pressure sets the width (accepted: no mouse event follows)."""
        pressure = event.pressure() if event.pressure() > 0 else MOUSE_PRESSURE
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self.begin_stroke(event.position(), pressure)
        elif kind == QEvent.Type.TabletMove and self._current is not None:
            self.extend_stroke(event.position(), pressure)
        elif kind == QEvent.Type.TabletRelease:
            self.end_stroke()
        event.accept()

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd,
                    QEvent.Type.TouchCancel):
            self._touch(event)  # type: ignore[arg-type]
            event.accept()
            return True
        return super().event(event)

    def _touch(self, event: QTouchEvent) -> None:
        points = event.points()
        if not points:
            if event.type() in (QEvent.Type.TouchEnd, QEvent.Type.TouchCancel):
                self.end_stroke()
            return
        point = points[0]  # one finger signs; the others are ignored
        raw = point.pressure()
        pressure = raw if 0 < raw < 1 else MOUSE_PRESSURE  # many screens report 0 or 1 only
        if event.type() == QEvent.Type.TouchBegin:
            self.begin_stroke(point.position(), pressure)
        elif event.type() == QEvent.Type.TouchUpdate:
            self.extend_stroke(point.position(), pressure)
        else:
            self.end_stroke(point.position(), pressure)

    # --- painting ----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        frame = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        painter.setPen(QPen(QColor("#9aa5b1"), 2))
        painter.drawRoundedRect(frame, 10, 10)
        baseline = self.height() * 0.72
        painter.setPen(QPen(QColor("#c7cdd6"), 1.5, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(30, baseline), QPointF(self.width() - 30, baseline))
        if self.is_empty and self.hint:
            painter.setPen(QColor("#9aa5b1"))
            font = painter.font()
            font.setPointSizeF(max(10.0, font.pointSizeF() * 1.3))
            painter.setFont(font)
            painter.drawText(QRectF(30, baseline - 40, self.width() - 60, 34),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, self.hint)
        paint_strokes(painter, self._strokes)
        painter.end()
