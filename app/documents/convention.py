"""The printed convention (PDF): parties, numbered articles, installments, signatures.

:func:`load` gathers plain data (:class:`ConventionDocument`) from the services,
:func:`build_story` turns it into flowables (a pure function), :func:`write_convention_pdf`
lays it out with the shared page furniture of :mod:`app.documents.common`: our identity and
the convention's number on top of every page, the EU emblem and the FSE mention when the FSE
rate is above zero, « Page x / y », and a box for the parties' initials (paraphes).

A value not known yet prints as a visible blank (« SIRET : __________ ») to be filled in by
hand, never as an error; an unknown placeholder in the template is refused by name before
anything is written.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from app.documents.common import (
    FONT,
    FONT_BOLD,
    MUTED,
    RULE,
    SHADE,
    BuildResult,
    CancelCheck,
    PageFooter,
    Progress,
    build_pdf,
    esc as _common_esc,
    frame_width,
    header_from_identity,
    styles,
)
from app.domain.amounts import number_in_words
from app.services.conventions import ConventionView, PartyView, find_convention, get_convention
from app.services.settings import Identity, format_siret, get_identity
from app.services.templates import (
    GAP,
    Block,
    BulletList,
    InstallmentTable,
    RenderedConvention,
    TextBlock,
    legal_date,
    render_convention,
)
from app.services.workspace import Workspace

LONG_GAP = "____________________"
INITIALS_BOX_WIDTH = 62 * mm
INITIALS_BOX_HEIGHT = 12 * mm


@dataclass(frozen=True)
class ConventionDocument:
    """Everything printed, as plain data."""

    convention: ConventionView
    rendered: RenderedConvention
    identity: Identity
    printed_on: dt.date


def load(ws: Workspace, reference: str, today: dt.date | None = None) -> ConventionDocument:
    """The convention named by ``reference`` (id or number), rendered for printing.

    Raises ``NotFound`` or ``ValidationError`` (« Champ inconnu : {…} ») in French.
    """
    convention_id = find_convention(ws, reference)
    rendered = render_convention(ws, convention_id)
    return ConventionDocument(get_convention(ws, convention_id), rendered, get_identity(ws),
                              today or dt.date.today())


# --------------------------------------------------------------------------- styles


def _styles() -> dict[str, ParagraphStyle]:
    base = styles()
    body = ParagraphStyle("conv_body", parent=base["body"], alignment=TA_JUSTIFY,
                          fontSize=9.5, leading=13, spaceAfter=4)
    return {
        "body": body,
        "bullet": ParagraphStyle("conv_bullet", parent=body, leftIndent=14, bulletIndent=4,
                                 spaceAfter=2),
        "kind": ParagraphStyle("conv_kind", parent=base["title"], alignment=TA_CENTER,
                               fontSize=15, leading=19, spaceAfter=2),
        "title": ParagraphStyle("conv_title", parent=base["subtitle"], alignment=TA_CENTER,
                                fontName=FONT_BOLD, fontSize=11.5, leading=15, spaceAfter=2),
        "number": ParagraphStyle("conv_number", parent=base["body"], alignment=TA_CENTER,
                                 spaceAfter=10),
        "section": ParagraphStyle("conv_section", parent=base["heading2"], spaceBefore=8,
                                  spaceAfter=5),
        "article": ParagraphStyle("conv_article", parent=base["heading"], fontSize=10.5,
                                  leading=13.5, spaceBefore=9, spaceAfter=4),
        "party_name": ParagraphStyle("conv_party", parent=base["body"], fontName=FONT_BOLD,
                                     fontSize=10, leading=13, spaceAfter=1),
        "label": base["label"],
        "cell": base["cell"],
        "cell_bold": base["cell_bold"],
        "mention": ParagraphStyle("conv_mention", parent=base["mention"], fontSize=9,
                                  leading=12),
        "agreed": ParagraphStyle("conv_agreed", parent=base["body"], fontName=FONT_BOLD,
                                 alignment=TA_CENTER, spaceBefore=10, spaceAfter=6),
        "tiny": base["tiny"],
        "small": base["small"],
    }


_BEFORE_PUNCTUATION = re.compile(r"[ \u202f]([:;!?»])")


def esc(text: object) -> str:
    """Escaped for a Paragraph, with French no-break spaces: before « : ; ! ? » and after
    « «, and inside amounts (Babel's U+202F, at which ReportLab would break a line)."""
    text = _BEFORE_PUNCTUATION.sub("\u00a0\\1", str(text) if text is not None else "")
    text = text.replace("« ", "«\u00a0").replace("\u202f", "\u00a0")
    return _common_esc(text)


def _or_gap(value: str, gap: str = GAP) -> str:
    return value.strip() if value and value.strip() else gap


# --------------------------------------------------------------------------- story


def _party_nickname(p: PartyView, n_partners: int) -> str:
    if p.role == "porteur":
        return "le porteur"
    if n_partners == 1:
        return "le partenaire"
    return p.acronym or p.name


def _party_block(p: PartyView, n_partners: int, st: dict[str, ParagraphStyle],
                 width: float) -> list[Flowable]:
    name = p.name or LONG_GAP
    if p.acronym and p.acronym != p.name:
        name = f"{name} ({p.acronym})"
    representative = _or_gap(p.representative_name, LONG_GAP)
    if p.representative_title.strip():
        representative += f", {p.representative_title.strip()}"
    rows = [
        ("Forme juridique", _or_gap(p.legal_form, LONG_GAP)),
        ("SIRET", format_siret(p.siret) if p.siret else LONG_GAP),
        ("Adresse", _or_gap(p.address, LONG_GAP)),
        ("Représenté(e) par", representative),
    ]
    table = Table(
        [[Paragraph(esc(label + " :"), st["label"]), Paragraph(esc(value), st["cell"])]
         for label, value in rows],
        colWidths=[34 * mm, width - 40 * mm],
        hAlign="LEFT",
    )
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    return [
        Paragraph(esc(name), st["party_name"]),
        table,
        Paragraph(esc(f"ci-après « {_party_nickname(p, n_partners)} »,"), st["mention"]),
    ]


def _blocks(blocks: tuple[Block, ...], st: dict[str, ParagraphStyle],
            width: float) -> list[Flowable]:
    out: list[Flowable] = []
    for b in blocks:
        if isinstance(b, TextBlock):
            out.append(Paragraph(esc(b.text), st["body"]))
        elif isinstance(b, BulletList):
            out.extend(Paragraph(esc(item), st["bullet"], bulletText="–") for item in b.items)
            out.append(Spacer(1, 2))
        elif isinstance(b, InstallmentTable):
            out.append(_installment_table(b, st, width))
    return out


def _installment_table(t: InstallmentTable, st: dict[str, ParagraphStyle],
                       width: float) -> Table:
    right = ParagraphStyle("conv_cell_right", parent=st["cell"], alignment=2)
    right_bold = ParagraphStyle("conv_cell_right_bold", parent=st["cell_bold"], alignment=2)
    data = [[Paragraph("Échéance", st["cell_bold"]), Paragraph("Montant", right_bold),
             Paragraph("Condition de versement", st["cell_bold"])]]
    for due, amount, condition in t.rows:
        data.append([Paragraph(esc(due), st["cell"]), Paragraph(esc(amount), right),
                     Paragraph(esc(condition or "—"), st["cell"])])
    data.append([Paragraph("Total", st["cell_bold"]), Paragraph(esc(t.total), right_bold), ""])
    table = Table(data, colWidths=[38 * mm, 30 * mm, width - 68 * mm - 8 * mm],
                  hAlign="CENTER", repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, RULE),
    ]))
    return table


def _signature_table(parties: tuple[PartyView, ...], st: dict[str, ParagraphStyle],
                     width: float) -> Table:
    per_row = min(3, max(1, len(parties)))
    col = width / per_row
    cells = []
    for p in parties:
        cells.append([
            Paragraph(f"Pour <b>{esc(p.name or GAP)}</b>", st["cell"]),
            Paragraph(esc(_or_gap(p.representative_name)), st["cell_bold"]),
            Paragraph(esc(_or_gap(p.representative_title)), st["cell"]),
            Spacer(1, 4),
            Paragraph("« Lu et approuvé »", st["small"]),
            Paragraph("Signature et cachet", st["tiny"]),
            Spacer(1, 24 * mm),
        ])
    rows = [cells[i:i + per_row] for i in range(0, len(cells), per_row)]
    for row in rows:
        row.extend([""] * (per_row - len(row)))
    table = Table(rows, colWidths=[col] * per_row, hAlign="CENTER")
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
    ]
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell != "":
                style.append(("BOX", (c, r), (c, r), 0.5, RULE))
    table.setStyle(TableStyle(style))
    return table


def build_story(doc: ConventionDocument) -> list[Flowable]:
    """The flowables of the convention, from plain data (no database, no file)."""
    cv, rendered, identity = doc.convention, doc.rendered, doc.identity
    st = _styles()
    width = frame_width()
    partners = cv.partners
    porteur = cv.porteur
    story: list[Flowable] = [_InitialsOnEveryPage(len(cv.parties))]
    story += [
        Paragraph(esc(cv.kind_label.upper()), st["kind"]),
        Paragraph(esc(cv.title), st["title"]),
        Paragraph(esc(f"N° {cv.number}"), st["number"]),
        Paragraph("Entre les soussignés :", st["section"]),
    ]
    ordered = ([porteur] if porteur else []) + list(partners)
    for i, p in enumerate(ordered):
        block = _party_block(p, len(partners), st, width)
        if i == 0:
            block.append(Paragraph("d'une part,", st["mention"]))
            block.append(Paragraph("<b>Et</b>", st["body"]))
        elif i == len(ordered) - 1:
            block.append(Paragraph("d'autre part.", st["mention"]))
        story.append(KeepTogether(block + [Spacer(1, 4)]))
    if rendered.preamble:
        story.append(Spacer(1, 4))
        story += _blocks(rendered.preamble, st, width)
    story.append(Paragraph("Il a été convenu ce qui suit :", st["agreed"]))
    last: list[Flowable] = []
    for index, article in enumerate(rendered.articles):
        body = _blocks(article.blocks, st, width)
        head = Paragraph(esc(article.heading), st["article"])
        if index == len(rendered.articles) - 1:
            last = [head, *body]  # kept with the signatures, never a page of signatures alone
            break
        # Keep the heading with the first block so that it never ends a page alone.
        story.append(KeepTogether([head, *body[:1]]))
        story += body[1:]
    place = cv.signed_place or identity.city
    when = legal_date(cv.signed_date) or GAP
    copies = ("exemplaires originaux" if cv.copies > 1 else "exemplaire original")
    story.append(KeepTogether([
        *last,
        Spacer(1, 8),
        Paragraph(esc(f"Fait à {_or_gap(place)}, le {when}, "
                      f"en {number_in_words(cv.copies)} {copies}."), st["body"]),
        Spacer(1, 6),
        _signature_table(tuple(ordered), st, width),
    ]))
    return story


# --------------------------------------------------------------------------- initials box


def draw_initials_box(canvas: Any, right: float, bottom: float, parties: int) -> None:
    """The « Paraphes » box, one cell per party, lower-right corner at (right, bottom)."""
    w, h = INITIALS_BOX_WIDTH, INITIALS_BOX_HEIGHT
    x = right - w
    canvas.saveState()
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.rect(x, bottom, w, h, stroke=1, fill=0)
    cells = max(1, min(parties, 4))
    for i in range(1, cells):
        canvas.line(x + i * w / cells, bottom, x + i * w / cells, bottom + h - 3.2 * mm)
    canvas.line(x, bottom + h - 3.2 * mm, x + w, bottom + h - 3.2 * mm)
    canvas.setFillColor(MUTED)
    canvas.setFont(FONT, 6.5)
    canvas.drawString(x + 1.5 * mm, bottom + h - 2.4 * mm, "Paraphes des parties")
    canvas.restoreState()


class _InitialsOnEveryPage(Flowable):
    """Invisible; once drawn, every page keeps room for the initials box and draws it.

    It uses ReportLab's public frame geometry (``bottomPadding``, ``x1``, ``y1``, ``width``)
    and chains the page templates' ``onPageEnd`` as ReportLab's own ``PageAccumulator``
    does. Placed first in the story, it acts on page 1 before anything else is laid out.
    """

    def __init__(self, parties: int) -> None:
        super().__init__()
        self.parties = parties

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        doc = getattr(self.canv, "_doctemplate", None)
        if doc is None or getattr(doc, "_initials_box", False):
            return
        doc._initials_box = True
        parties = self.parties
        reserve = INITIALS_BOX_HEIGHT + 3 * mm

        def draw_box(canv: Any, d: Any) -> None:
            frame = d.pageTemplate.frames[0]
            draw_initials_box(canv, frame.x1 + frame.width, frame.y1, parties)

        for template in doc.pageTemplates:
            for frame in template.frames:
                frame.bottomPadding = max(frame.bottomPadding, reserve)
            template.onPageEnd = _chain(template.onPageEnd, draw_box)


def _chain(first: Callable[[Any, Any], None],
           then: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
    def both(canv: Any, doc: Any) -> None:
        first(canv, doc)
        then(canv, doc)

    return both


# --------------------------------------------------------------------------- writing


def write_pdf(doc: ConventionDocument, path: Path | str, *, invariant: bool = False,
              progress: Progress | None = None, cancel: CancelCheck | None = None) -> BuildResult:
    cv = doc.convention
    fse = cv.fse_rate > 0
    title = (f"Avenant réf. {cv.number} à la convention n° {cv.parent_number}"
             if cv.kind == "avenant" else f"{cv.kind_label} n° {cv.number}")
    header = header_from_identity(doc.identity, title=title, subtitle=cv.title, eu_funded=fse)
    footer = PageFooter(reference=cv.number, generated_on=doc.printed_on, fse_mention=fse)
    return build_pdf(
        path, build_story(doc), header=header, footer=footer,
        title=f"{title} – {cv.title}",
        author=doc.identity.organisation_name, subject=cv.title,
        invariant=invariant, progress=progress, cancel=cancel,
    )


def write_convention_pdf(ws: Workspace, reference: str, path: Path | str, *,
                         today: dt.date | None = None, invariant: bool = False,
                         progress: Progress | None = None,
                         cancel: CancelCheck | None = None) -> BuildResult:
    """Print the convention ``reference`` (id or number) to ``path`` (written atomically)."""
    return write_pdf(load(ws, reference, today), path, invariant=invariant,
                     progress=progress, cancel=cancel)


__all__ = [
    "ConventionDocument",
    "build_story",
    "draw_initials_box",
    "load",
    "write_convention_pdf",
    "write_pdf",
]
