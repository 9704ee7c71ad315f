"""Result rows, medians, the merged ``results.json`` and the printed table. No Qt, no app."""

from __future__ import annotations

import json
import math
import os
import statistics
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Iterable, Sequence

# The exact keys of every object in results.json (the contract other tools read).
ROW_KEYS = (
    "name", "median_s", "target_s", "baseline_s", "ratio", "max_ratio", "peak_rss_mb",
    "target_rss_mb",
)


@dataclass(frozen=True)
class Row:
    """One line of results: ``None`` where a field does not apply."""

    name: str
    median_s: float | None = None
    target_s: float | None = None
    baseline_s: float | None = None
    ratio: float | None = None
    max_ratio: float | None = None
    peak_rss_mb: float | None = None
    target_rss_mb: float | None = None

    @classmethod
    def from_samples(
        cls,
        name: str,
        samples: Sequence[float],
        *,
        target_s: float | None = None,
        baseline_samples: Sequence[float] | None = None,
        max_ratio: float | None = None,
        rss_samples: Sequence[float] | None = None,
        target_rss_mb: float | None = None,
    ) -> Row:
        """Median of the timings, median of the baseline, their ratio, and the peak memory."""
        median_s = median(samples)
        baseline_s = median(baseline_samples) if baseline_samples else None
        ratio = median_s / baseline_s if baseline_s else None
        peak = max(rss_samples) if rss_samples else None
        return cls(
            name=name,
            median_s=_round(median_s, 4),
            target_s=target_s,
            baseline_s=_round(baseline_s, 4),
            ratio=_round(ratio, 3),
            max_ratio=max_ratio,
            peak_rss_mb=_round(peak, 1),
            target_rss_mb=target_rss_mb,
        )

    @classmethod
    def from_dict(cls, data: dict) -> Row:
        if set(data) != set(ROW_KEYS):
            raise ValueError(f"clés inattendues : {sorted(set(data) ^ set(ROW_KEYS))}")
        return cls(**data)

    def as_dict(self) -> dict:
        return asdict(self)

    def misses(self) -> list[str]:
        """What this row exceeds, in French (empty when every target is met)."""
        out = []
        if _over(self.median_s, self.target_s):
            out.append("durée")
        if _over(self.ratio, self.max_ratio):
            out.append("rapport")
        if _over(self.peak_rss_mb, self.target_rss_mb):
            out.append("mémoire")
        return out


assert tuple(f.name for f in fields(Row)) == ROW_KEYS


def median(samples: Iterable[float]) -> float:
    values = [float(v) for v in samples]
    if not values:
        raise ValueError("aucune mesure")
    return statistics.median(values)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _over(value: float | None, limit: float | None) -> bool:
    return value is not None and limit is not None and value > limit


# --- results.json ------------------------------------------------------------------------------


def load_results(path: Path) -> list[Row]:
    """The rows already recorded; a missing or unreadable file counts as empty."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [Row.from_dict(item) for item in data]
    except FileNotFoundError:
        return []
    except (ValueError, TypeError, AttributeError) as exc:
        print(f"Résultats précédents illisibles ({path}) : {exc} — ils sont remplacés.")
        return []


def merge_results(path: Path, rows: Iterable[Row]) -> list[Row]:
    """Replace the rows of the same name, keep the others, append new ones; write atomically."""
    merged = {row.name: row for row in load_results(path)}
    for row in rows:
        merged[row.name] = row
    result = list(merged.values())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(
        json.dumps([row.as_dict() for row in result], ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    os.replace(tmp, path)
    return result


# --- the table ---------------------------------------------------------------------------------


def _num(value: float | None, unit: str = "", digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:.{digits}f}".replace(".", ",")
    return f"{text}\u00a0{unit}" if unit else text


def status(row: Row | None, error: str | None = None) -> str:
    if error is not None or row is None:
        return "ÉCHEC"
    misses = row.misses()
    return "DÉPASSÉ (" + ", ".join(misses) + ")" if misses else "ok"


HEADERS = ("Mesure", "Médiane", "Cible", "Référence", "Rapport", "Mémoire", "État")


def table_lines(entries: Sequence[tuple[str, Row | None, str | None]]) -> list[str]:
    """``entries``: (name, row or None, error or None) → aligned text lines."""
    cells = [HEADERS]
    for name, row, error in entries:
        if row is None:
            cells.append((name, "—", "—", "—", "—", "—", status(None, error)))
            continue
        ratio = _num(row.ratio)
        if row.max_ratio is not None:
            ratio += f" / {_num(row.max_ratio, digits=1)}"
        memory = _num(row.peak_rss_mb, "Mo", 0)
        if row.target_rss_mb is not None:
            memory += f" / {_num(row.target_rss_mb, 'Mo', 0)}"
        cells.append((
            row.name, _num(row.median_s, "s"), _num(row.target_s, "s"), _num(row.baseline_s, "s"),
            ratio, memory, status(row),
        ))
    widths = [max(len(line[i]) for line in cells) for i in range(len(HEADERS))]
    out = []
    for index, line in enumerate(cells):
        out.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip())
        if index == 0:
            out.append("  ".join("-" * w for w in widths))
    return out
