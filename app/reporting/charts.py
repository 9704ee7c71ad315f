"""Horizontal bar charts for the PDF bilan, readable on a black and white printout.

The same rules as the Bilans view (``ui/bilans/chart.py``): each bar carries its own hatch
pattern and a black outline, its value is written at its end, the categories are named on the
left and the axis below is graduated and titled in French. Nothing depends on colour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.shapes import Circle, Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.documents.common import FONT, FONT_BOLD, register_fonts
from app.domain import formatting as fmt
from app.reporting.scale import nice_step, wrap_words

PATTERNS = ("diagonal", "points", "quadrillage", "antidiagonal", "horizontal", "croisillons",
            "vertical", "plein")
"""One hatch per bar, in this order (the same succession as on screen)."""

INK = colors.HexColor("#1f2933")
HATCH = colors.HexColor("#1f2933")
FILL = colors.white
FONT_SIZE = 8
BAR_HEIGHT = 11
BAR_GAP = 5
SPACING = 3.2  # points between hatch lines


def _clip_diagonals(x0: float, y0: float, x1: float, y1: float, rising: bool) -> list[Line]:
    """Lines at 45° (``rising``) or −45° across the rectangle, clipped to it."""
    lines = []
    if rising:  # y = x - c
        c = x0 - y1
        while c <= x1 - y0:
            lo, hi = max(x0, y0 + c), min(x1, y1 + c)
            if hi - lo > 0.3:
                lines.append(Line(lo, lo - c, hi, hi - c))
            c += SPACING * 1.4
    else:  # y = c - x
        c = x0 + y0
        while c <= x1 + y1:
            lo, hi = max(x0, c - y1), min(x1, c - y0)
            if hi - lo > 0.3:
                lines.append(Line(lo, c - lo, hi, c - hi))
            c += SPACING * 1.4
    return lines


def hatch(x: float, y: float, width: float, height: float, pattern: str) -> list:
    """The shapes filling the rectangle with ``pattern`` (see :data:`PATTERNS`)."""
    x1, y1 = x + width, y + height
    shapes: list = []
    if pattern in ("diagonal", "croisillons"):
        shapes += _clip_diagonals(x, y, x1, y1, rising=True)
    if pattern in ("antidiagonal", "croisillons"):
        shapes += _clip_diagonals(x, y, x1, y1, rising=False)
    if pattern in ("horizontal", "quadrillage"):
        yy = y + SPACING / 2
        while yy < y1:
            shapes.append(Line(x, yy, x1, yy))
            yy += SPACING
    if pattern in ("vertical", "quadrillage"):
        xx = x + SPACING / 2
        while xx < x1:
            shapes.append(Line(xx, y, xx, y1))
            xx += SPACING
    if pattern == "points":
        row = 0
        yy = y + SPACING / 2
        while yy < y1:
            xx = x + SPACING / 2 + (SPACING / 2 if row % 2 else 0)
            while xx < x1:
                shapes.append(Circle(xx, yy, 0.55, fillColor=HATCH, strokeColor=None))
                xx += SPACING
            yy += SPACING
            row += 1
    if pattern == "plein":
        shapes.append(Rect(x, y, width, height, fillColor=colors.HexColor("#9aa5b1"),
                           strokeColor=None))
    for shape in shapes:
        if isinstance(shape, Line):
            shape.strokeColor = HATCH
            shape.strokeWidth = 0.5
    return shapes


LINE = FONT_SIZE + 1.5  # leading of a category name wrapped on several lines
MAX_LINES = 3


def wrap_label(text: str, width: float, max_lines: int = MAX_LINES) -> list[str]:
    """A category name on at most ``max_lines`` lines no wider than ``width``."""
    return wrap_words(text, width, lambda s: stringWidth(s, FONT, FONT_SIZE), max_lines)


def bar_chart(title: str, bars: Sequence[tuple[str, float]], axis_title: str,
              width: float) -> Drawing:
    """A horizontal bar chart ``width`` points wide, titled when ``title`` is not empty;
    « Aucune donnée sur la période. » when there is no bar."""
    register_fonts()
    title_space = FONT_SIZE + 8 if title else 0
    if not bars:
        d = Drawing(width, title_space + BAR_HEIGHT + 4)
        if title:
            d.add(String(0, d.height - FONT_SIZE - 2, title, fontName=FONT_BOLD,
                         fontSize=FONT_SIZE + 1, fillColor=INK))
        d.add(String(0, 4, "Aucune donnée sur la période.", fontName=FONT, fontSize=FONT_SIZE,
                     fillColor=INK))
        return d
    label_width = min(width * 0.42,
                      max(stringWidth(label, FONT, FONT_SIZE) for label, _ in bars) + 8)
    value_width = max(stringWidth(fmt.number(v), FONT_BOLD, FONT_SIZE) for _, v in bars) + 8
    labels = [wrap_label(label, label_width - 8) for label, _ in bars]
    rows = [max(BAR_HEIGHT, len(lines) * LINE) + BAR_GAP for lines in labels]
    axis_space = 2 * FONT_SIZE + 12  # graduations, then the axis title
    height = title_space + sum(rows) + axis_space
    d = Drawing(width, height)
    if title:
        d.add(String(0, height - FONT_SIZE - 2, title, fontName=FONT_BOLD, fontSize=FONT_SIZE + 1,
                     fillColor=INK))
    left = label_width
    span = max(20.0, width - label_width - value_width)
    step = nice_step(max(v for _, v in bars))
    biggest = step * max(1, math.ceil(max(v for _, v in bars) / step))
    scale = span / biggest
    bars_top = height - title_space
    bottom = bars_top - sum(rows)
    y_top = bars_top
    for i, ((_, value), lines, row) in enumerate(zip(bars, labels, rows)):
        middle = y_top - row / 2
        y = middle - BAR_HEIGHT / 2
        first_line = middle + (len(lines) - 1) * LINE / 2 - FONT_SIZE * 0.35
        for k, line in enumerate(lines):
            d.add(String(left - 5, first_line - k * LINE, line, fontName=FONT, fontSize=FONT_SIZE,
                         fillColor=INK, textAnchor="end"))
        length = max(0.8, value * scale)
        d.add(Rect(left, y, length, BAR_HEIGHT, fillColor=FILL, strokeColor=None))
        for shape in hatch(left, y, length, BAR_HEIGHT, PATTERNS[i % len(PATTERNS)]):
            d.add(shape)
        d.add(Rect(left, y, length, BAR_HEIGHT, fillColor=None, strokeColor=INK, strokeWidth=0.7))
        d.add(String(left + length + 3, middle - FONT_SIZE * 0.35, fmt.number(value),
                     fontName=FONT_BOLD, fontSize=FONT_SIZE, fillColor=INK))
        y_top -= row
    # The axis: a base line, graduations in French numbers, its title.
    d.add(Line(left, bottom, left, bars_top, strokeColor=INK, strokeWidth=0.7))
    d.add(Line(left, bottom, left + span, bottom, strokeColor=INK, strokeWidth=0.7))
    tick = 0.0
    while tick <= biggest + 1e-9:
        x = left + tick * scale
        d.add(Line(x, bottom, x, bottom - 3, strokeColor=INK, strokeWidth=0.7))
        d.add(String(x, bottom - 3 - FONT_SIZE, fmt.number(tick), fontName=FONT,
                     fontSize=FONT_SIZE - 1, fillColor=INK, textAnchor="middle"))
        tick += step
    d.add(String(left + span / 2, bottom - 2 * FONT_SIZE - 8, axis_title, fontName=FONT,
                 fontSize=FONT_SIZE, fillColor=INK, textAnchor="middle"))
    return d
