"""The bilan as an XLSX workbook: one sheet per table plus the underlying attendance rows."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.domain import labels
from app.domain.formatting import date_long
from app.services.reports import Report

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)


def safe_cell(value: object) -> object:
    """Neutralise text a spreadsheet would run as a formula (= + - @ at the start)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _sheet(wb: Workbook, title: str, report: Report, headers: list[str], rows: list[list[object]],
           formats: dict[int, str] | None = None, first: bool = False) -> None:
    ws = wb.active if first else wb.create_sheet()
    ws.title = title[:31]
    ws["A1"] = f"Bilan – {report.action_code + ' – ' if report.action_code else ''}{report.action_title}"
    ws["A1"].font = TITLE
    ws["A2"] = (f"Période\u00a0: {report.period.label()}"
                + (f" · Financeur\u00a0: {report.funder}" if report.funder else ""))
    ws["A3"] = f"Édité le {date_long(dt.date.today())}"
    header_row = 5
    for col, name in enumerate(headers, start=1):
        cell = ws.cell(row=header_row, column=col, value=name)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for r, row in enumerate(rows, start=header_row + 1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=safe_cell(value))
            if formats and c in formats:
                cell.number_format = formats[c]
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    if rows:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headers))}{header_row + len(rows)}"
    for c, name in enumerate(headers, start=1):
        width = max([len(str(name))] + [len(str(row[c - 1])) for row in rows[:500] if row[c - 1] is not None])
        ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 10), 60)


def write_xlsx(report: Report, path: Path) -> Path:
    """Write the workbook atomically (temporary file, then rename)."""
    wb = Workbook()
    summary = [
        ["Réunions tenues", report.meetings_held],
        ["Participants distincts", report.distinct_participants],
        ["Structures mobilisées", report.distinct_structures],
        ["Élus distincts", report.distinct_elus],
        ["Heures de présence", report.hours],
    ]
    summary += [[f"Indicateur\u00a0: {t.label}", t.realised if t.realised is not None else "non calculable"]
                for t in report.targets]
    _sheet(wb, "Synthèse", report, ["Indicateur", "Réalisé"], summary, first=True)
    if report.targets:
        _sheet(wb, "Objectifs", report, ["Indicateur", "Cible", "Réalisé", "Taux", "Unité"],
               [[t.label, t.target, t.realised, t.ratio, t.unit] for t in report.targets],
               formats={4: "0 %"})
    _sheet(wb, "Réunions par type", report, ["Type de réunion", "Réunions tenues"],
           [[labels.label(labels.MEETING_KINDS, k), n] for k, n in report.meetings_by_kind])
    _sheet(wb, "Participants par catégorie", report, ["Catégorie", "Personnes distinctes"],
           [[labels.label(labels.PERSON_CATEGORIES, k), n] for k, n in report.participants_by_category])
    _sheet(wb, "Participants par sexe", report, ["Sexe", "Personnes distinctes"],
           [list(x) for x in report.participants_by_sex])
    _sheet(wb, "Structures par type", report, ["Type de structure", "Structures distinctes"],
           [list(x) for x in report.structures_by_kind])
    _sheet(wb, "Réunions", report,
           ["Date", "Réunion", "Type", "Invités", "Présents", "Excusés", "Absents", "Émargement complet"],
           [[m.date, m.title, labels.label(labels.MEETING_KINDS, m.kind), m.invited, m.present,
             m.excused, m.absent, m.completeness if m.present else None] for m in report.meetings],
           formats={1: "DD/MM/YYYY", 8: "0 %"})
    _sheet(wb, "Présences", report,
           ["Date", "Réunion", "Créneau", "Nom", "Prénom", "Catégorie", "Structure", "Présence",
            "Heures", "Signature"],
           [[a.date, a.meeting, a.session, a.last_name, a.first_name, a.category, a.organisation,
             a.status, a.hours, "oui" if a.signed else "non"] for a in report.attendance],
           formats={1: "DD/MM/YYYY", 9: "0.00"})
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".xlsx.partiel")
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
