"""Shared PDF base for every Maillage document (ReportLab platypus, no Qt).

Stable API (used by the attendance sheet, the minutes, conventions and bilans):

Fonts and styles
    ``register_fonts()`` — idempotent; registers the embedded DejaVu fonts from the
    ``resources`` package as two families usable in ``<b>``/``<i>`` markup:
    ``FONT`` (« DejaVuSans », bold, oblique) and ``FONT_CONDENSED`` (« DejaVuSansCondensed »,
    condensed bold; italic falls back to DejaVuSans-Oblique). Every text prints: accents,
    Œ œ, ’, ğ ș ư…
    ``styles()`` — a dict of French paragraph styles, keys: ``body``, ``small``, ``tiny``,
    ``title``, ``subtitle``, ``heading``, ``heading2``, ``cell``, ``cell_bold``,
    ``cell_small``, ``label``, ``mention``, ``right``, ``center``. Derive with
    ``ParagraphStyle(name, parent=styles()["body"], …)``; never mutate them.
    ``esc(text)`` escapes text for a Paragraph (``&``, ``<``, ``>``; newlines → ``<br/>``);
    ``para(text, style="body")`` builds an escaped Paragraph.

European funding
    ``draw_eu_emblem(canvas, x, y, height)`` draws the EU flag in vector (blue #003399,
    twelve yellow #FFCC00 five-pointed stars on a circle of radius height/3, each star
    inscribed in a circle of radius height/18, width = 1.5 × height); (x, y) is the
    lower-left corner; returns the width drawn.
    ``draw_eu_mention(canvas, x, y, height)`` draws the emblem followed by
    « Cofinancé par l'Union européenne »; returns the width drawn.
    ``EuFundingBlock(height)`` is the same as a flowable. Constants ``EU_MENTION`` and
    ``FSE_MENTION`` (« Cette action est cofinancée par le Fonds social européen »).

QR codes
    ``draw_qr(canvas, payload, x, y, size)`` draws a segno QR code in vector (with its quiet
    zone, on white), ``QrFlowable(payload, size)`` as a flowable.

Page furniture and building
    ``PageHeader`` (our identity, logo, document title and subtitle, EU emblem when the
    action is EU-funded; ``compact=True`` puts the title beside the identity to save height
    on landscape pages) — build it with ``header_from_identity(identity, title=…)`` from
    ``app.services.settings.get_identity(ws)``. Header and the fixed part of the footer are
    drawn once and reused on every page (PDF form XObjects).
    ``PageFooter`` (document reference, generation date « mardi 12 mai 2026 », optional QR
    code whose payload may depend on the page, optional FSE mention, « Page x / y »).
    ``PageMark(**values)`` is an invisible flowable: once drawn, ``values`` update
    ``PageInfo.marks`` seen by the footer of that page (e.g. which sessions a page holds).
    ``build_pdf(path, story, *, landscape=False, header=None, footer=None, title="",
    author="", subject="", invariant=False, progress=None, cancel=None) -> BuildResult``
    lays out ``story`` on A4, draws header and footer on every page, writes to a temporary
    file then renames it over ``path``. ``progress(done, total, message)`` is called while
    laying out; ``cancel()`` returning true stops with :class:`Cancelled` and leaves
    ``path`` untouched. ``frame_width(landscape)`` gives the usable width for tables.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

import segno
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape as _landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from app.domain.formatting import date_long
from app.errors import MaillageError

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_CONDENSED = "DejaVuSansCondensed"
FONT_CONDENSED_BOLD = "DejaVuSansCondensed-Bold"

EU_BLUE = colors.HexColor("#003399")
EU_YELLOW = colors.HexColor("#FFCC00")
EU_MENTION = "Cofinancé par l'Union européenne"
FSE_MENTION = "Cette action est cofinancée par le Fonds social européen"

INK = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#8C8C8C")
SHADE = colors.HexColor("#E8EDF3")

MARGIN = 12 * mm
HEADER_GAP = 4 * mm
FOOTER_HEIGHT = 22 * mm
QR_SIZE = 19 * mm
QR_MASK = 3

Progress = Callable[[int, int, str], None]
CancelCheck = Callable[[], bool]


class Cancelled(MaillageError):
    """The user stopped a long job; nothing was written."""

    code = "annule"

    def __init__(self, message: str = "Opération annulée : aucun fichier n'a été écrit.") -> None:
        super().__init__(message)


# --------------------------------------------------------------------------- fonts, styles


@functools.cache
def register_fonts() -> None:
    """Register the embedded DejaVu fonts and their families (safe to call often)."""
    names = {
        FONT: "DejaVuSans.ttf",
        FONT_BOLD: "DejaVuSans-Bold.ttf",
        FONT_ITALIC: "DejaVuSans-Oblique.ttf",
        FONT_CONDENSED: "DejaVuSansCondensed.ttf",
        FONT_CONDENSED_BOLD: "DejaVuSansCondensed-Bold.ttf",
    }
    # Binary (zlib only) content streams: smaller files and no ASCII85 pass over each page.
    rl_config.useA85 = 0
    folder = files("resources") / "fonts"
    for name, filename in names.items():
        with as_file(folder / filename) as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD
    )
    pdfmetrics.registerFontFamily(
        FONT_CONDENSED,
        normal=FONT_CONDENSED,
        bold=FONT_CONDENSED_BOLD,
        italic=FONT_ITALIC,
        boldItalic=FONT_CONDENSED_BOLD,
    )


@functools.cache
def styles() -> dict[str, ParagraphStyle]:
    """French paragraph styles (shared objects: derive, never mutate)."""
    register_fonts()
    body = ParagraphStyle(
        "body", fontName=FONT, fontSize=9.5, leading=12.5, textColor=INK, alignment=TA_LEFT,
        spaceAfter=3,
    )

    def derive(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=body, **kw)

    return {
        "body": body,
        "small": derive("small", fontSize=8, leading=10),
        "tiny": derive("tiny", fontSize=6.5, leading=8, textColor=MUTED, spaceAfter=0),
        "title": derive("title", fontName=FONT_BOLD, fontSize=16, leading=20, spaceAfter=4),
        "subtitle": derive("subtitle", fontSize=11, leading=14, spaceAfter=4),
        "heading": derive(
            "heading", fontName=FONT_BOLD, fontSize=12, leading=15, spaceBefore=8, spaceAfter=4,
            textColor=EU_BLUE, keepWithNext=1,
        ),
        "heading2": derive(
            "heading2", fontName=FONT_BOLD, fontSize=10.5, leading=13, spaceBefore=6,
            spaceAfter=2, keepWithNext=1,
        ),
        "cell": derive("cell", fontName=FONT_CONDENSED, fontSize=8.5, leading=10, spaceAfter=0),
        "cell_bold": derive(
            "cell_bold", fontName=FONT_CONDENSED_BOLD, fontSize=8.5, leading=10, spaceAfter=0
        ),
        "cell_small": derive(
            "cell_small", fontName=FONT_CONDENSED, fontSize=7, leading=8.5, spaceAfter=0
        ),
        "label": derive(
            "label", fontName=FONT_BOLD, fontSize=8, leading=10, textColor=MUTED, spaceAfter=0
        ),
        "mention": derive("mention", fontName=FONT_ITALIC, fontSize=8, leading=10),
        "right": derive("right", alignment=TA_RIGHT),
        "center": derive("center", alignment=TA_CENTER),
    }


def esc(text: object) -> str:
    """Text made safe for a Paragraph; line breaks kept."""
    if text is None:
        return ""
    return _xml_escape(str(text)).replace("\r\n", "\n").replace("\n", "<br/>")


def para(text: object, style: str | ParagraphStyle = "body") -> Paragraph:
    """An escaped Paragraph in one of :func:`styles` (by name) or a given style."""
    st = styles()[style] if isinstance(style, str) else style
    return Paragraph(esc(text), st)


def frame_width(landscape: bool = False) -> float:
    """Usable width of the page between the margins (points)."""
    width = (_landscape(A4) if landscape else A4)[0]
    return width - 2 * MARGIN


# --------------------------------------------------------------------------- EU emblem


def _star(c: rl_canvas.Canvas, cx: float, cy: float, radius: float) -> None:
    inner = radius * math.sin(math.radians(18)) / math.sin(math.radians(126))
    path = c.beginPath()
    for i in range(10):
        r = radius if i % 2 == 0 else inner
        angle = math.radians(90 + 36 * i)
        x, y = cx + r * math.cos(angle), cy + r * math.sin(angle)
        if i == 0:
            path.moveTo(x, y)
        else:
            path.lineTo(x, y)
    path.close()
    c.drawPath(path, stroke=0, fill=1)


def draw_eu_emblem(c: rl_canvas.Canvas, x: float, y: float, height: float) -> float:
    """The EU flag in vector, lower-left corner at (x, y). Returns its width (1.5 × height)."""
    width = 1.5 * height
    c.saveState()
    c.setFillColor(EU_BLUE)
    c.rect(x, y, width, height, stroke=0, fill=1)
    c.setFillColor(EU_YELLOW)
    cx, cy = x + width / 2, y + height / 2
    ring, star = height / 3, height / 18
    for hour in range(12):
        angle = math.radians(90 - 30 * hour)
        _star(c, cx + ring * math.cos(angle), cy + ring * math.sin(angle), star)
    c.restoreState()
    return width


def draw_eu_mention(c: rl_canvas.Canvas, x: float, y: float, height: float) -> float:
    """Emblem then « Cofinancé par l'Union européenne » on two lines. Returns the width."""
    register_fonts()
    flag = draw_eu_emblem(c, x, y, height)
    size = max(6.0, height * 0.3)
    lines = ("Cofinancé par", "l'Union européenne")
    c.saveState()
    c.setFillColor(INK)
    c.setFont(FONT, size)
    tx = x + flag + height * 0.2
    c.drawString(tx, y + height / 2 + size * 0.15, lines[0])
    c.drawString(tx, y + height / 2 - size * 1.05, lines[1])
    c.restoreState()
    return flag + height * 0.2 + max(pdfmetrics.stringWidth(t, FONT, size) for t in lines)


class EuFundingBlock(Flowable):
    """The emblem with « Cofinancé par l'Union européenne », as a flowable."""

    def __init__(self, height: float = 10 * mm) -> None:
        super().__init__()
        self.flag_height = height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        register_fonts()
        size = max(6.0, self.flag_height * 0.3)
        text = pdfmetrics.stringWidth("l'Union européenne", FONT, size)
        self.width = 1.7 * self.flag_height + text
        return self.width, self.flag_height

    def draw(self) -> None:
        draw_eu_mention(self.canv, 0, 0, self.flag_height)


# --------------------------------------------------------------------------- QR codes


def draw_qr(c: rl_canvas.Canvas, payload: str, x: float, y: float, size: float) -> None:
    """A QR code (error correction M, quiet zone included) filling a size × size square.

    Drawn in vector as raw rectangle operators in module units (one ``re`` per run of dark
    modules): a sheet has one code per page, so this must stay cheap. The mask is fixed
    (any mask is valid; searching the best one costs 4× the time for no reading benefit
    on printed pages).
    """
    qr = segno.make(payload, error="m", micro=False, mask=QR_MASK)
    matrix = qr.matrix
    border = 4
    n = len(matrix) + 2 * border
    module = size / n
    c.saveState()
    c.setFillColor(colors.white)
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColor(colors.black)
    # Module space: origin at the top-left module of the quiet zone, y growing downwards.
    c.transform(module, 0, 0, -module, x + border * module, y + size - border * module)
    ops: list[str] = []
    for r, row in enumerate(matrix):
        col, width = 0, len(row)
        while col < width:
            if row[col]:
                start = col
                while col < width and row[col]:
                    col += 1
                # A hair of overlap hides seams between neighbouring rows when rendered.
                ops.append(f"{start} {r - 0.02:.2f} {col - start} 1.04 re")
            else:
                col += 1
    ops.append("f")
    c.addLiteral("\n".join(ops))
    c.restoreState()


class QrFlowable(Flowable):
    def __init__(self, payload: str, size: float = QR_SIZE) -> None:
        super().__init__()
        self.payload = payload
        self.size = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        draw_qr(self.canv, self.payload, 0, 0, self.size)


# --------------------------------------------------------------------------- page furniture


@dataclass(frozen=True)
class PageHeader:
    """What is printed at the top of every page."""

    organisation_name: str = ""
    organisation_lines: tuple[str, ...] = ()
    logo_png: bytes | None = None
    title: str = ""
    subtitle: str = ""
    eu_funded: bool = False
    compact: bool = False  # title and subtitle beside the identity (saves height, landscape)


def header_from_identity(
    identity: Any, *, title: str, subtitle: str = "", eu_funded: bool = False
) -> PageHeader:
    """A :class:`PageHeader` from ``app.services.settings.Identity``."""
    from app.domain.formatting import siret as fmt_siret

    lines = []
    address = " ".join(
        part for part in (identity.address.replace("\n", ", ").strip(),
                          f"{identity.postcode} {identity.city}".strip()) if part
    )
    if address:
        lines.append(address)
    if identity.siret:
        lines.append(f"SIRET {fmt_siret(identity.siret)}")
    return PageHeader(
        organisation_name=identity.organisation_name or identity.site_name,
        organisation_lines=tuple(lines),
        logo_png=identity.logo_png,
        title=title,
        subtitle=subtitle,
        eu_funded=eu_funded,
    )


@dataclass(frozen=True)
class PageInfo:
    """Given to a footer's QR payload function: the page number and the current marks."""

    number: int
    marks: dict[str, Any]


@dataclass(frozen=True)
class PageFooter:
    """What is printed at the bottom of every page. ``qr`` may be a payload or a function."""

    reference: str = ""
    generated_on: dt.date | None = None
    qr: str | Callable[[PageInfo], str | None] | None = None
    fse_mention: bool = False
    note: str = ""


@dataclass(frozen=True)
class BuildResult:
    path: Path
    pages: int


class PageMark(Flowable):
    """Invisible: once drawn, updates the marks the footer of this page sees."""

    def __init__(self, **values: Any) -> None:
        super().__init__()
        self.values = values

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        doc = getattr(self.canv, "_maillage_doc", None)
        if doc is not None:
            doc.page_marks.update(self.values)


class _NumberedCanvas(rl_canvas.Canvas):
    """Keeps each page until the end so that « Page x / y » can be written with y known."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._page_total_at: list[tuple[float, float, float]] = []
        self._current_total_at: tuple[float, float, float] | None = None

    def page_total_at(self, x: float, y: float, size: float) -> None:
        """Write « Page n / N » right-aligned at (x, y) on this page, when N is known."""
        self._current_total_at = (x, y, size)

    def showPage(self) -> None:  # noqa: N802 (ReportLab API)
        self._pages.append(dict(self.__dict__))
        self._page_total_at.append(self._current_total_at)
        self._current_total_at = None
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        positions = self._page_total_at
        for number, (state, where) in enumerate(zip(self._pages, positions), start=1):
            self.__dict__.update(state)
            if where is not None:
                x, y, size = where
                self.setFont(FONT, size)
                self.setFillColor(INK)
                self.drawRightString(x, y, f"Page {number} / {total}")
            rl_canvas.Canvas.showPage(self)
        rl_canvas.Canvas.save(self)


def _wrap_lines(text: str, font: str, size: float, width: float, max_lines: int) -> list[str]:
    # Split on ordinary spaces only: non-breaking spaces (before « : », inside « ») hold.
    words, lines, line = [w for w in text.split(" ") if w], [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if pdfmetrics.stringWidth(candidate, font, size) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and pdfmetrics.stringWidth(last + " …", font, size) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + " …"
    return lines


class _Furniture:
    """Draws header and footer; computes the space they take.

    Header: the identity (logo, name on up to two lines, address, SIRET) on the left, the EU
    emblem and mention on the right when EU-funded; the title and subtitle below — or, when
    ``compact``, between the two when there is room enough (landscape pages).
    """

    IDENTITY_BAND = 16 * mm
    NAME_SIZE = 11
    LINE_SIZE = 7.5
    GAP = 6 * mm

    def __init__(self, header: PageHeader | None, footer: PageFooter | None, width: float) -> None:
        self.header = header
        self.footer = footer
        self.width = width
        self.title_lines: list[str] = []
        self.subtitle_lines: list[str] = []
        self.name_lines: list[str] = []
        self.logo: tuple[ImageReader, float, float] | None = None
        self.compact = False
        if header is None:
            return
        if header.logo_png:
            try:
                img = ImageReader(io.BytesIO(header.logo_png))
                iw, ih = img.getSize()
                lw = min(self.IDENTITY_BAND * iw / ih, 45 * mm)
                self.logo = (img, lw, lw * ih / iw)
            except Exception:  # a broken logo must not prevent printing the evidence
                self.logo = None
        logo_w = self.logo[1] + 3 * mm if self.logo else 0.0
        right_w = self.eu_width + self.GAP if header.eu_funded else 0.0
        # Identity: as wide as it needs, up to the room left by the EU block (or 38 % in compact).
        limit = (self.width * 0.38 if header.compact else self.width - right_w) - logo_w
        self.name_lines = _wrap_lines(header.organisation_name, FONT_BOLD, self.NAME_SIZE, limit, 2)
        used = max(
            [pdfmetrics.stringWidth(n, FONT_BOLD, self.NAME_SIZE) for n in self.name_lines]
            + [pdfmetrics.stringWidth(n, FONT, self.LINE_SIZE) for n in header.organisation_lines[:3]]
            + [0.0]
        )
        self.identity_width = logo_w + min(used, limit)
        self.middle_x = self.identity_width + self.GAP
        self.middle_width = self.width - self.middle_x - right_w
        self.compact = header.compact and self.middle_width >= self.width * 0.3
        text_width = self.middle_width if self.compact else self.width
        self.title_lines = _wrap_lines(header.title, FONT_BOLD, 13, text_width, 1 if self.compact else 2)
        self.subtitle_lines = _wrap_lines(header.subtitle, FONT, 10, text_width, 2 if self.compact else 3)

    @property
    def eu_width(self) -> float:
        flag_h = 11 * mm
        return 1.7 * flag_h + pdfmetrics.stringWidth("l'Union européenne", FONT, max(6.0, flag_h * 0.3))

    @property
    def band_height(self) -> float:
        lines = len(self.name_lines) + len(self.header.organisation_lines[:3]) if self.header else 0
        return max(self.IDENTITY_BAND, 13.0 * len(self.name_lines) + 9.0 * (lines - len(self.name_lines)) + 4)

    @property
    def header_height(self) -> float:
        if self.header is None:
            return 0.0
        text = 16 * len(self.title_lines) + 12.5 * len(self.subtitle_lines)
        if self.compact:
            return max(self.band_height, text) + 2 * mm
        return self.band_height + 3 * mm + text + 2 * mm

    @property
    def footer_height(self) -> float:
        if self.footer is None:
            return 0.0
        return FOOTER_HEIGHT if self.footer.qr else 13 * mm

    def draw(self, c: rl_canvas.Canvas, doc: "_Document") -> None:
        page_w, page_h = doc.pagesize
        if self.header is not None:
            # The header is the same on every page: drawn once as a form XObject, reused.
            name = f"MaillageHeader{id(self)}"
            if not c.hasForm(name):
                c.beginForm(name)
                self._draw_header(c, MARGIN, page_h - MARGIN)
                c.endForm()
            c.doForm(name)
        if self.footer is not None:
            self._draw_footer(c, doc, MARGIN, MARGIN, page_w - MARGIN)

    def _draw_lines(self, c: rl_canvas.Canvas, x: float, top: float) -> float:
        """Title and subtitle from ``top`` down; returns the y below them."""
        y = top
        c.setFillColor(INK)
        c.setFont(FONT_BOLD, 13)
        for line in self.title_lines:
            y -= 13
            c.drawString(x, y, line)
            y -= 3
        c.setFont(FONT, 10)
        for line in self.subtitle_lines:
            y -= 10
            c.drawString(x, y, line)
            y -= 2.5
        return y

    def _draw_header(self, c: rl_canvas.Canvas, left: float, top: float) -> None:
        h = self.header
        assert h is not None
        band = self.band_height
        x = left
        if self.logo:
            img, lw, lh = self.logo
            c.drawImage(img, x, top - self.IDENTITY_BAND + (self.IDENTITY_BAND - lh) / 2, lw, lh,
                        mask="auto")
            x += lw + 3 * mm
        c.setFillColor(INK)
        c.setFont(FONT_BOLD, self.NAME_SIZE)
        y = top
        for line in self.name_lines:
            y -= 12
            c.drawString(x, y, line)
            y -= 1
        c.setFont(FONT, self.LINE_SIZE)
        c.setFillColor(MUTED)
        y -= 2
        for line in h.organisation_lines[:3]:
            y -= 9
            c.drawString(x, y, line)
        if h.eu_funded:
            flag_h = 11 * mm
            draw_eu_mention(c, left + self.width - self.eu_width,
                            top - self.IDENTITY_BAND + (self.IDENTITY_BAND - flag_h) / 2, flag_h)
        if self.compact:
            self._draw_lines(c, left + self.middle_x, top)
            rule_y = top - self.header_height + 0.5 * mm
        else:
            rule_y = self._draw_lines(c, left, top - band - 3 * mm) - 1.5 * mm
        c.setStrokeColor(RULE)
        c.setLineWidth(0.6)
        c.line(left, rule_y, left + self.width, rule_y)

    def _draw_footer(
        self, c: rl_canvas.Canvas, doc: "_Document", left: float, bottom: float, right: float
    ) -> None:
        f = self.footer
        assert f is not None
        page = c.getPageNumber()
        payload = f.qr(PageInfo(page, dict(doc.page_marks))) if callable(f.qr) else f.qr
        if payload:
            draw_qr(c, payload, left, bottom, QR_SIZE)
        x = left + QR_SIZE + 3 * mm if f.qr else left
        top = bottom + self.footer_height - 4 * mm
        # Reference, date and mentions are the same on every page: one form XObject.
        name = f"MaillageFooter{id(self)}"
        if not c.hasForm(name):
            c.beginForm(name)
            self._draw_footer_text(c, x, top, right)
            c.endForm()
        c.doForm(name)
        if isinstance(c, _NumberedCanvas):
            c.page_total_at(right, top - 8, 8.5)
        else:  # pragma: no cover - only with a foreign canvas maker
            c.setFont(FONT, 8.5)
            c.drawRightString(right, top - 8, f"Page {page}")

    def _draw_footer_text(self, c: rl_canvas.Canvas, x: float, top: float, right: float) -> None:
        f = self.footer
        assert f is not None
        c.setStrokeColor(RULE)
        c.setLineWidth(0.4)
        c.line(x, top + 2 * mm, right, top + 2 * mm)
        c.setFillColor(INK)
        c.setFont(FONT, 7.5)
        generated = f.generated_on or dt.date.today()
        parts = []
        if f.reference:
            parts.append(f"Réf. {f.reference}")
        parts.append(f"Document généré le {date_long(generated)}")
        c.drawString(x, top - 8, " — ".join(parts))
        line_y = top - 18
        if f.fse_mention:
            c.setFont(FONT_ITALIC, 7.5)
            c.drawString(x, line_y, FSE_MENTION)
            line_y -= 10
        if f.note:
            c.setFont(FONT, 6.5)
            c.setFillColor(MUTED)
            for line in _wrap_lines(f.note, FONT, 6.5, right - x - 30 * mm, 2):
                c.drawString(x, line_y, line)
                line_y -= 8.5


class _Document(BaseDocTemplate):
    def __init__(self, filename: str, furniture: _Furniture, **kw: Any) -> None:
        super().__init__(filename, **kw)
        self.furniture = furniture
        self.page_marks: dict[str, Any] = {}

    def beforeDocument(self) -> None:  # noqa: N802 (ReportLab API)
        self.canv._maillage_doc = self  # type: ignore[attr-defined]


def build_pdf(
    path: Path | str,
    story: list[Flowable],
    *,
    landscape: bool = False,
    header: PageHeader | None = None,
    footer: PageFooter | None = None,
    title: str = "",
    author: str = "",
    subject: str = "",
    invariant: bool = False,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> BuildResult:
    """Lay out ``story`` on A4 pages with header and footer; write ``path`` atomically."""
    register_fonts()
    path = Path(path)
    pagesize = _landscape(A4) if landscape else A4
    width = pagesize[0] - 2 * MARGIN
    furniture = _Furniture(header, footer, width)
    top = MARGIN + furniture.header_height + (HEADER_GAP if header else 0)
    bottom = MARGIN + furniture.footer_height + (3 * mm if footer else 0)
    frame = Frame(
        MARGIN, bottom, width, pagesize[1] - top - bottom,
        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".~" + path.stem, suffix=".pdf", dir=path.parent)
    os.close(fd)
    doc = _Document(
        tmp_name,
        furniture,
        pagesize=pagesize,
        leftMargin=MARGIN, rightMargin=MARGIN, topMargin=top, bottomMargin=bottom,
        title=title, author=author, subject=subject, creator="Maillage",
        invariant=1 if invariant else 0,
    )
    doc.addPageTemplates(
        [PageTemplate(id="page", frames=[frame], onPageEnd=furniture.draw, pagesize=pagesize)]
    )
    if progress is not None or cancel is not None:
        estimate = [max(len(story), 1)]

        def on_progress(kind: str, value: int) -> None:
            if cancel is not None and cancel():
                raise Cancelled()
            if kind == "SIZE_EST":
                estimate[0] = max(value, 1)
            elif kind == "PROGRESS" and progress is not None:
                progress(min(value, estimate[0]), estimate[0], "Mise en page…")

        doc.setProgressCallBack(on_progress)
    try:
        doc.build(list(story), canvasmaker=_NumberedCanvas)
        pages = doc.page
        if cancel is not None and cancel():
            raise Cancelled()
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    if progress is not None:
        progress(1, 1, "Document enregistré.")
    return BuildResult(path=path, pages=pages)


__all__ = [
    "BuildResult",
    "Cancelled",
    "EU_MENTION",
    "EuFundingBlock",
    "FONT",
    "FONT_BOLD",
    "FONT_CONDENSED",
    "FONT_CONDENSED_BOLD",
    "FONT_ITALIC",
    "FSE_MENTION",
    "PageFooter",
    "PageHeader",
    "PageInfo",
    "PageMark",
    "QrFlowable",
    "build_pdf",
    "draw_eu_emblem",
    "draw_eu_mention",
    "draw_qr",
    "esc",
    "frame_width",
    "header_from_identity",
    "para",
    "register_fonts",
    "styles",
]
