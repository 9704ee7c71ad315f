"""What the bar charts of the bilan share on screen and on paper: their axis titles and the
graduation step. No Qt and no ReportLab here (the view imports it)."""

from __future__ import annotations

import math
from collections.abc import Callable

AXIS_TITLES = {
    "meetings": "Nombre de réunions tenues",
    "people": "Nombre de personnes distinctes",
    "structures": "Nombre de structures distinctes",
}


def nice_step(biggest: float, ticks: int = 5) -> float:
    """A round graduation step (1, 2 or 5 × 10^n, at least 1) giving about ``ticks`` intervals."""
    if biggest <= 0:
        return 1.0
    raw = biggest / ticks
    power = 10 ** math.floor(math.log10(raw))
    factor = next((f for f in (1, 2, 5) if raw <= f * power), 10)
    return max(1.0, factor * power)


def wrap_words(text: str, width: float, measure: Callable[[str], float], max_lines: int) -> list[str]:
    """``text`` cut between words into lines no wider than ``width`` (as ``measure`` says),
    at most ``max_lines``; the last line ends in « … » when the text does not fit."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if measure(candidate) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines - 1] + [" ".join(lines[max_lines - 1:])]
    if lines and measure(lines[-1]) > width:
        last = lines[-1]
        while last and measure(last + "…") > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines
