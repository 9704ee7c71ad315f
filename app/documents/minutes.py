"""The *compte rendu* (minutes) of a meeting as a PDF.

``load_minutes(ws, meeting_id) -> Minutes`` gathers plain data — présents and excusés from
the attendance, formatted « Alexandre FASSI (Inter-Made) » as in the network's own minutes;
``minutes_story(minutes)`` builds the flowables (pure); ``write_minutes(ws, meeting_id, path)``
writes the file.

The free text (content, decisions) accepts a light markup: a blank line separates
paragraphs, a line starting with « - » or « • » is a bullet, a line starting with « # » is a
sub-heading.

Privacy: *publics accompagnés* are counted, never named (« et 2 personnes accompagnées »).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, ListFlowable, ListItem, Paragraph, Spacer, Table, TableStyle

from app.documents.common import (
    RULE,
    SHADE,
    BuildResult,
    CancelCheck,
    PageFooter,
    PageHeader,
    Progress,
    build_pdf,
    esc,
    frame_width,
    styles,
)
from app.domain import formatting as fmt

TITLE = "Compte rendu"


@dataclass(frozen=True)
class FollowUpLine:
    text: str
    owner: str
    due_date: dt.date | None
    done: bool = False


@dataclass(frozen=True)
class Minutes:
    meeting_id: str
    title: str
    kind_label: str
    reference: str
    dates: tuple[dt.date, ...]
    times: str
    place: str
    present: tuple[str, ...]
    excused: tuple[str, ...]
    beneficiaries_present: int
    agenda: tuple[str, ...]
    objectives: str
    content: str
    decisions: str
    follow_ups: tuple[FollowUpLine, ...]
    author: str
    written_on: dt.date | None
    action: str = ""
    funder: str = ""
    fse_rate: float = 0.0
    organisation_name: str = ""
    organisation_lines: tuple[str, ...] = ()
    logo_png: bytes | None = None
    generated_on: dt.date = field(default_factory=dt.date.today)

    @property
    def document_reference(self) -> str:
        ref = (self.reference or self.meeting_id[:8]).replace(" ", "")
        day = self.dates[0].strftime("%Y%m%d") if self.dates else ""
        return "-".join(x for x in ("CR", ref, day) if x)


def person_label(name: str, organisation: str) -> str:
    """« Alexandre FASSI (Inter-Made) »."""
    return f"{name} ({organisation})" if organisation else name


def load_minutes(ws: object, meeting_id: str, *, today: dt.date | None = None) -> Minutes:
    from sqlalchemy import select

    from app.documents.common import header_from_identity
    from app.services.meetings import get_meeting
    from app.services.settings import get_identity
    from app.storage.models import Attendance

    detail = get_meeting(ws, meeting_id)  # type: ignore[arg-type]
    identity = get_identity(ws)  # type: ignore[arg-type]
    header = header_from_identity(identity, title=TITLE)
    statuses: dict[str, set[str]] = {}
    ids = [x.id for x in detail.sessions]
    if ids:
        with ws.unit() as s:  # type: ignore[attr-defined]
            for person_id, status in s.execute(
                select(Attendance.person_id, Attendance.status)
                .where(Attendance.session_id.in_(ids), Attendance.deleted.is_(False))
            ):
                statuses.setdefault(person_id, set()).add(status)
    present, excused, beneficiaries = [], [], 0
    for p in detail.participants:  # already sorted by name
        seen = statuses.get(p.person_id, set())
        if seen & {"present", "retard"}:
            if p.is_beneficiary:
                beneficiaries += 1
            else:
                present.append(person_label(p.display_name, p.organisation))
        elif ("excuse" in seen or p.invitation_status == "excuse") and not p.is_beneficiary:
            excused.append(person_label(p.display_name, p.organisation))
    times = " ; ".join(dict.fromkeys(
        f"{fmt.time_short(x.start_time)} – {fmt.time_short(x.end_time)}" for x in detail.sessions))
    return Minutes(
        meeting_id=detail.id,
        title=detail.title,
        kind_label=detail.kind_label,
        reference=detail.reference,
        dates=tuple(sorted({x.date for x in detail.sessions})),
        times=times,
        place=", ".join(x for x in (detail.place_name, detail.place_address.replace("\n", ", ")) if x.strip()),
        present=tuple(present),
        excused=tuple(excused),
        beneficiaries_present=beneficiaries,
        agenda=tuple(a.text for a in detail.agenda),
        objectives=detail.objectives,
        content=detail.minutes,
        decisions=detail.decisions,
        follow_ups=tuple(FollowUpLine(f.text, f.owner, f.due_date, f.done) for f in detail.follow_ups),
        author=detail.minutes_author or detail.organiser_org or header.organisation_name,
        written_on=detail.minutes_date,
        action=" – ".join(x for x in (detail.action_code, detail.action_title) if x),
        funder=detail.funder,
        fse_rate=detail.fse_rate,
        organisation_name=header.organisation_name,
        organisation_lines=header.organisation_lines,
        logo_png=header.logo_png,
        generated_on=today or dt.date.today(),
    )


def _rich_text(text: str) -> list:
    """Paragraphs, « - » bullets and « # » sub-headings from the typed text."""
    st = styles()
    out: list = []
    bullets: list[str] = []

    def flush() -> None:
        if bullets:
            out.append(ListFlowable(
                [ListItem(Paragraph(esc(b), st["body"]), leftIndent=12) for b in bullets],
                bulletType="bullet", start="•", leftIndent=12, bulletFontSize=9,
            ))
            bullets.clear()

    paragraph: list[str] = []

    def flush_paragraph() -> None:
        if paragraph:
            out.append(Paragraph(esc(" ".join(paragraph)), st["body"]))
            paragraph.clear()

    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush_paragraph()
            flush()
            continue
        if line[:2] in ("- ", "• ", "* ") or line in ("-", "•"):
            flush_paragraph()
            bullets.append(line[2:].strip())
            continue
        flush()
        if line.startswith("#"):
            flush_paragraph()
            out.append(Paragraph(esc(line.lstrip("#").strip()), st["heading2"]))
            continue
        paragraph.append(line)
    flush_paragraph()
    flush()
    return out


def _dates_text(dates: Sequence[dt.date]) -> str:
    if not dates:
        return "date à fixer"
    if len(dates) == 1:
        return fmt.date_long(dates[0])
    return f"du {fmt.date_long(dates[0])} au {fmt.date_long(dates[-1])}"


def minutes_story(m: Minutes) -> list:
    """The flowables of the compte rendu (pure: reads only ``m``)."""
    st = styles()
    label = ParagraphStyle("m_label", parent=st["body"], spaceAfter=4)
    story: list = []
    facts = [
        ("Réunion", m.kind_label + (f" – {m.reference}" if m.reference else "")),
        ("Date", _dates_text(m.dates) + (f", {m.times}" if m.times else "")),
        ("Lieu", m.place),
        ("Action", m.action + (f" (financeur : {m.funder})" if m.funder else "")),
    ]
    rows = [[Paragraph(esc(k), st["label"]), Paragraph(esc(v), st["body"])] for k, v in facts if v.strip()]
    if rows:
        story.append(Table(rows, colWidths=[28 * mm, frame_width() - 28 * mm], hAlign="LEFT",
                           style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                             ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                             ("TOPPADDING", (0, 0), (-1, -1), 1),
                                             ("BOTTOMPADDING", (0, 0), (-1, -1), 0)])))
        story.append(Spacer(1, 4 * mm))
    present = " ; ".join(m.present)
    if m.beneficiaries_present:
        extra = fmt.plural(m.beneficiaries_present, "personne accompagnée", "personnes accompagnées")
        present = f"{present} ; et {extra}" if present else extra.capitalize()
    story.append(Paragraph(f"<b>Présents\u00a0:</b> {esc(present) or 'non renseigné'}", label))
    word = "Excusé" if len(m.excused) == 1 else "Excusés"
    story.append(Paragraph(f"<b>{word}\u00a0:</b> {esc(' ; '.join(m.excused)) or 'aucun'}", label))
    if m.agenda:
        story.append(Paragraph("Ordre du jour", st["heading"]))
        story.append(ListFlowable(
            [ListItem(Paragraph(esc(a), st["body"]), leftIndent=16) for a in m.agenda],
            bulletType="1", bulletFormat="%s.", leftIndent=16, bulletFontSize=9.5,
        ))
    if m.objectives.strip():
        story.append(Spacer(1, 2 * mm))
        story.append(Paragraph(f"<b>Objectifs\u00a0:</b> {esc(m.objectives)}", st["body"]))
    if m.content.strip():
        story.append(Paragraph("Compte rendu", st["heading"]))
        story.extend(_rich_text(m.content))
    if m.decisions.strip():
        story.append(Paragraph("Décisions", st["heading"]))
        story.extend(_rich_text(m.decisions))
    if m.follow_ups:
        cell = st["cell"]
        data = [["Action", "Responsable", "Échéance", "État"]] + [
            [Paragraph(esc(f.text), cell), Paragraph(esc(f.owner or "—"), cell),
             fmt.date_short(f.due_date) if f.due_date else "—", "Fait" if f.done else "À faire"]
            for f in m.follow_ups
        ]
        width = frame_width()
        table = Table(data, colWidths=[width - 92 * mm, 45 * mm, 25 * mm, 22 * mm], repeatRows=1,
                      hAlign="LEFT", style=TableStyle([
                          ("FONT", (0, 0), (-1, 0), "DejaVuSansCondensed-Bold", 8.5),
                          ("FONT", (0, 1), (-1, -1), "DejaVuSansCondensed", 8.5),
                          ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                          ("GRID", (0, 0), (-1, -1), 0.5, RULE),
                          ("VALIGN", (0, 0), (-1, -1), "TOP"),
                      ]))
        story.append(KeepTogether([Paragraph("Suites à donner", st["heading"]), table]))
    written = fmt.date_short(m.written_on) if m.written_on else "…"
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph(f"<i>CR réalisé par {esc(m.author or '…')}, le {written}</i>", st["right"]))
    return story


def render_minutes(m: Minutes, path: Path | str, *, progress: Progress | None = None,
                   cancel: CancelCheck | None = None, invariant: bool = False) -> BuildResult:
    header = PageHeader(
        organisation_name=m.organisation_name,
        organisation_lines=m.organisation_lines,
        logo_png=m.logo_png,
        title=TITLE,
        subtitle=fmt.typography(m.title),
        eu_funded=m.fse_rate > 0,
    )
    footer = PageFooter(reference=m.document_reference, generated_on=m.generated_on,
                        fse_mention=m.fse_rate > 0)
    return build_pdf(path, minutes_story(m), header=header, footer=footer,
                     title=f"{TITLE} – {m.title}", author=m.author, subject=m.document_reference,
                     invariant=invariant, progress=progress, cancel=cancel)


def write_minutes(ws: object, meeting_id: str, path: Path | str, *,
                  progress: Progress | None = None, cancel: CancelCheck | None = None) -> BuildResult:
    """Load and render the compte rendu of a meeting (CLI and GUI)."""
    return render_minutes(load_minutes(ws, meeting_id), path, progress=progress, cancel=cancel)
