"""The funder-ready bilan (PDF): our identity, the action, every table, targets, EU mention."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from app.documents.common import (
    FSE_MENTION,
    PageFooter,
    build_pdf,
    frame_width,
    header_from_identity,
    para,
    styles,
)
from app.domain import formatting as fmt
from app.domain import labels
from app.reporting.charts import bar_chart
from app.reporting.scale import AXIS_TITLES
from app.services.reports import Report
from app.services.settings import get_identity
from app.services.workspace import Workspace

GRID = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DCE6F1")),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
    ("TOPPADDING", (0, 0), (-1, -1), 3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
])


def _table(title: str, headers: list[str], rows: list[list[str]], widths: list[float],
           chart: tuple[list[tuple[str, float]], str] | None = None) -> list:
    """A titled table; with ``chart`` (bars, axis title) its bar chart stands on its right."""
    total = frame_width()
    if chart is not None:
        table_share = 0.4
        widths = [w * table_share for w in widths]
    number = ParagraphStyle("cell_number", parent=styles()["cell"], alignment=TA_RIGHT)
    data = [[para(h, "cell_bold") for h in headers]] + [
        [para(c, "cell" if i == 0 or (i == 1 and len(row) > 4) else number) for i, c in enumerate(row)]
        for row in rows
    ]
    if not rows:
        data.append([para("Aucune donnée sur la période.", "cell")] + [""] * (len(headers) - 1))
    table = Table(data, colWidths=[w * total for w in widths], repeatRows=1)
    table.setStyle(GRID)
    if chart is None:  # the heading stays with the first rows (a long table still splits)
        return [KeepTogether([para(title, "heading2"), Spacer(0, 2 * mm), table]), Spacer(0, 6 * mm)]
    bars, axis_title = chart
    gap = 6 * mm
    drawing = bar_chart("", bars, axis_title, total * (1 - table_share) - gap)
    side = Table([[table, drawing]], colWidths=[total * table_share + gap, total * (1 - table_share) - gap])
    side.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (0, 0), gap),
                              ("RIGHTPADDING", (1, 0), (1, 0), 0),
                              ("TOPPADDING", (0, 0), (-1, -1), 0)]))
    return [KeepTogether([para(title, "heading2"), Spacer(0, 2 * mm), side]), Spacer(0, 6 * mm)]


def _percent(value: float | None) -> str:
    return fmt.percent(value) if value is not None else "—"


def write_pdf(ws: Workspace, report: Report, path: Path, *, today: dt.date | None = None) -> Path:
    identity = get_identity(ws)
    eu = report.fse_rate > 0
    title = "Bilan de l'action"
    subtitle = " – ".join(x for x in (report.action_code, report.action_title) if x)
    story: list = []
    story.append(para(subtitle, "title"))
    facts = [f"Période : {report.period.label()}"]
    if report.funder:
        facts.append(f"Financeur : {report.funder}")
    if eu:
        facts.append(f"Taux de cofinancement FSE : {fmt.percent(report.fse_rate)}")
    story += [para(fmt.typography(" · ".join(facts)), "subtitle"), Spacer(0, 4 * mm)]
    if eu:  # the emblem is in the page header; the mention is stated once here
        story += [para(FSE_MENTION, "mention"), Spacer(0, 4 * mm)]

    summary = [
        ["Réunions tenues", fmt.number(report.meetings_held)],
        ["Participants distincts", fmt.number(report.distinct_participants)],
        ["Structures mobilisées", fmt.number(report.distinct_structures)],
        ["Élus distincts", fmt.number(report.distinct_elus)],
        ["Heures de présence", fmt.number(report.hours)],
    ]
    story += _table("Synthèse", ["Indicateur", "Réalisé"], summary, [0.7, 0.3])
    if report.targets:
        story += _table(
            "Objectifs de la fiche action",
            ["Indicateur", "Cible", "Réalisé", "Taux"],
            [[t.label, f"{fmt.number(t.target)} {t.unit}".strip(),
              fmt.number(t.realised) if t.realised is not None else "non calculable",
              _percent(t.ratio)] for t in report.targets],
            [0.52, 0.18, 0.15, 0.15],
        )
    kinds = [(labels.label(labels.MEETING_KINDS, k), n) for k, n in report.meetings_by_kind]
    categories = [(labels.label(labels.PERSON_CATEGORIES, k), n)
                  for k, n in report.participants_by_category]
    for heading, header, rows, axis in (
        ("Réunions tenues par type", ["Type", "Réunions"], kinds, AXIS_TITLES["meetings"]),
        ("Participants distincts par catégorie", ["Catégorie", "Personnes"], categories,
         AXIS_TITLES["people"]),
        ("Participants distincts par sexe", ["Sexe", "Personnes"], list(report.participants_by_sex),
         AXIS_TITLES["people"]),
        ("Structures mobilisées par type", ["Type de structure", "Structures"],
         list(report.structures_by_kind), AXIS_TITLES["structures"]),
    ):
        story += _table(heading, header, [[k, fmt.number(n)] for k, n in rows], [0.7, 0.3],
                        chart=([(k, float(n)) for k, n in rows], axis))
    story += _table(
        "Détail par réunion",
        ["Date", "Réunion", "Invités", "Présents", "Excusés", "Absents", "Émargement"],
        [[fmt.date_short(m.date), m.title, fmt.number(m.invited), fmt.number(m.present),
          fmt.number(m.excused), fmt.number(m.absent),
          _percent(m.completeness if m.present else None)] for m in report.meetings],
        [0.12, 0.33, 0.1, 0.11, 0.1, 0.1, 0.14],
    )
    story.append(para(fmt.typography(
        "Règles de comptage : les participants sont des personnes distinctes (et non des "
        "signatures) ; un doublon fusionné compte une fois ; les heures de présence "
        "additionnent la durée des créneaux (ou les heures d'arrivée et de départ notées)."),
        "small",
    ))
    header = header_from_identity(identity, title=title, subtitle=report.period.label(), eu_funded=eu)
    footer = PageFooter(
        reference=f"Bilan {report.action_code or 'toutes actions'}",
        generated_on=today or dt.date.today(),
        fse_mention=eu,
    )
    build_pdf(path, story, header=header, footer=footer, title=f"{title} – {subtitle}",
              author=identity.organisation_name, subject="Bilan")
    return Path(path)
