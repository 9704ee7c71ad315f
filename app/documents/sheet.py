"""The attendance sheet (*feuille d'émargement*) as a PDF.

Three layers, as everywhere in :mod:`app.documents`:

- ``load_attendance_sheet(ws, meeting_id, signed=…, blank_rows=…) -> AttendanceSheet`` reads
  everything the sheet prints into plain frozen data (inside one unit of work);
- ``sheet_story(sheet) -> SheetLayout`` is a pure function building the flowables;
- ``render_attendance_sheet(sheet, path)`` / ``write_attendance_sheet(ws, meeting_id, path)``
  lay them out with :func:`app.documents.common.build_pdf` (progress and cancel supported).

Layout: our identity and logo, « Feuille d'émargement » and the meeting title on every page
(EU emblem and mentions when the action is FSE-funded); a block with kind, dates, times,
venue, trainers, action and funder; the table N°, Nom, Prénom, Structure, Fonction or
category, one signature column per session, then blank rows for walk-ins. Rows are sorted by
name and never split; the header row repeats; more than three session columns → landscape;
more sessions than fit → one sheet per day. The table's last row holds the trainer's or
organiser's countersignature, a box under each session column, kept on the page of the last
rows (a separate block used to take a page of its own). Each page's
footer has « Page x / y », the reference, the date and a QR code (:func:`encode_qr`) that
:mod:`app.documents.scans` reads back to file scanned pages.

Privacy: no contact details are ever printed; for *publics accompagnés* the structure and
category are left out too (« Participant(e) » instead).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from app.documents.common import (
    FONT_CONDENSED,
    FONT_CONDENSED_BOLD,
    FONT_ITALIC,
    MUTED,
    RULE,
    SHADE,
    BuildResult,
    CancelCheck,
    PageFooter,
    PageMark,
    Progress,
    build_pdf,
    esc,
    frame_width,
    header_from_identity,
    styles,
)
from app.domain import formatting as fmt
from app.domain import labels

LAYOUT_VERSION = 1
QR_PREFIX = "MAILLAGE-EM"
SESSION_SUFFIX = 12  # hex digits of a session id kept in the QR code (the random end)
PORTRAIT_MAX_SESSIONS = 3
MIN_SIGNATURE_WIDTH = 24 * mm
MAX_SIGNATURE_WIDTH = 34 * mm
ROW_HEIGHT = 11 * mm
CELL_PAD = 2.5
PAD_Y = 1.5
BODY_SIZE = 8.5
BODY_LEADING = 10.0
SHEET_TITLE = "Feuille d'émargement"


# --------------------------------------------------------------------------- plain data


@dataclass(frozen=True)
class SheetSession:
    id: str
    date: dt.date
    label: str  # « Matin », « Après-midi »…
    start_time: dt.time
    end_time: dt.time
    countersigner: str = ""
    sealed: bool = False
    sealed_by: str = ""
    sealed_at: dt.datetime | None = None
    countersign_png: bytes | None = None


@dataclass(frozen=True)
class SheetCell:
    status: str | None = None
    signature_png: bytes | None = None


@dataclass(frozen=True)
class SheetRow:
    last_name: str
    first_name: str
    structure: str
    function: str
    cells: tuple[SheetCell, ...] = ()


@dataclass(frozen=True)
class AttendanceSheet:
    meeting_id: str
    title: str
    kind_label: str
    reference: str
    place: str
    trainers: tuple[str, ...]
    organiser: str
    action: str
    funder: str
    fse_rate: float
    sessions: tuple[SheetSession, ...]
    rows: tuple[SheetRow, ...]
    organisation_name: str = ""
    organisation_lines: tuple[str, ...] = ()
    logo_png: bytes | None = None
    signed: bool = False
    blank_rows: int = 5
    generated_on: dt.date = field(default_factory=dt.date.today)

    @property
    def fse(self) -> bool:
        return self.fse_rate > 0

    @property
    def document_reference(self) -> str:
        ref = self.reference or self.meeting_id[:8]
        day = self.sessions[0].date.strftime("%Y%m%d") if self.sessions else ""
        return "-".join(x for x in ("EM", ref.replace(" ", ""), day) if x)


@dataclass(frozen=True)
class SheetCode:
    """What a sheet's QR code says."""

    version: int
    meeting_id: str
    session_suffixes: tuple[str, ...]
    page: int

    def matches(self, session_id: str) -> bool:
        return session_id.replace("-", "").upper().endswith(self.session_suffixes) if self.session_suffixes else False


@dataclass(frozen=True)
class SheetLayout:
    story: list
    landscape: bool
    groups: tuple[tuple[str, ...], ...]  # session ids of each sheet (one per day when split)


@dataclass(frozen=True)
class SheetResult:
    path: Path
    pages: int
    groups: tuple[tuple[str, ...], ...]


# --------------------------------------------------------------------------- QR code


def encode_qr(meeting_id: str, session_ids: Sequence[str], page: int) -> str:
    """« MAILLAGE-EM:1:<meeting hex>:<session suffix>.<…>:<page> » (QR alphanumeric mode)."""
    meeting_hex = uuid.UUID(meeting_id).hex.upper()
    sessions = ".".join(uuid.UUID(s).hex.upper()[-SESSION_SUFFIX:] for s in session_ids)
    return f"{QR_PREFIX}:{LAYOUT_VERSION}:{meeting_hex}:{sessions}:{page}"


_QR_RE = re.compile(
    rf"^{QR_PREFIX}:(\d+):([0-9A-F]{{32}}):((?:[0-9A-F]{{{SESSION_SUFFIX}}}(?:\.|(?=:)))*):(\d+)$"
)


def decode_qr(text: str) -> SheetCode | None:
    """The content of a sheet's QR code, or None when it is not one of ours."""
    match = _QR_RE.match((text or "").strip().upper())
    if not match:
        return None
    version, meeting_hex, sessions, page = match.groups()
    return SheetCode(
        version=int(version),
        meeting_id=str(uuid.UUID(meeting_hex)),
        session_suffixes=tuple(x for x in sessions.split(".") if x),
        page=int(page),
    )


# --------------------------------------------------------------------------- loading


def load_attendance_sheet(
    ws: object,
    meeting_id: str,
    *,
    signed: bool = False,
    blank_rows: int = 5,
    today: dt.date | None = None,
) -> AttendanceSheet:
    """Everything the sheet prints, as plain data. ``signed`` adds signatures and statuses."""
    from sqlalchemy import select

    from app.errors import ValidationError
    from app.services.meetings import get_meeting
    from app.services.settings import get_identity
    from app.storage.models import Attendance, Blob

    if not 0 <= blank_rows <= 200:
        raise ValidationError("Le nombre de lignes vierges doit être compris entre 0 et 200.",
                              field="blank_rows")
    detail = get_meeting(ws, meeting_id)  # type: ignore[arg-type]
    identity = get_identity(ws)  # type: ignore[arg-type]
    header = header_from_identity(identity, title=SHEET_TITLE)
    trainers = tuple(p.display_name for p in detail.participants if p.role == "intervenant")
    organisers = tuple(p.display_name for p in detail.participants if p.role == "organisateur")
    signers = trainers or organisers or ((detail.organiser,) if detail.organiser else ())
    countersigner = signers[0] if signers else ""
    expected = [p for p in detail.participants
                if p.role == "participant" and p.invitation_status != "desinscrit"]
    records: dict[tuple[str, str], tuple[str, str | None]] = {}
    images: dict[str, bytes] = {}
    if signed and detail.sessions:
        with ws.unit() as s:  # type: ignore[attr-defined]
            ids = [x.id for x in detail.sessions]
            for a in s.execute(select(Attendance.session_id, Attendance.person_id, Attendance.status,
                                      Attendance.signature_sha256)
                               .where(Attendance.session_id.in_(ids), Attendance.deleted.is_(False))):
                records[(a.session_id, a.person_id)] = (a.status, a.signature_sha256)
            wanted = {sha for _, sha in records.values() if sha}
            wanted |= {x for x in (_countersign_sha(s, sid) for sid in ids) if x}
            for blob in s.execute(select(Blob.sha256, Blob.data).where(Blob.sha256.in_(wanted))):
                images[blob.sha256] = bytes(blob.data)
            counters = {sid: _countersign_sha(s, sid) for sid in ids}
    else:
        counters = {}
    sessions = tuple(
        SheetSession(
            id=x.id, date=x.date, label=x.label_text, start_time=x.start_time, end_time=x.end_time,
            countersigner=countersigner, sealed=x.sealed, sealed_by=x.sealed_by,
            sealed_at=x.sealed_at,
            countersign_png=images.get(counters.get(x.id) or "") if signed else None,
        )
        for x in detail.sessions
    )
    rows = []
    for p in expected:
        cells = []
        if signed:
            for x in detail.sessions:
                status, sha = records.get((x.id, p.person_id), (None, None))
                if status is None and p.invitation_status == "excuse":
                    status = "excuse"
                cells.append(SheetCell(status, images.get(sha) if sha else None))
        rows.append(SheetRow(
            last_name=p.last_name,
            first_name=p.first_name,
            structure="" if p.is_beneficiary else p.organisation,
            function=labels.label(labels.PARTICIPANT_ROLES, "participant") if p.is_beneficiary else p.function,
            cells=tuple(cells),
        ))
    place = ", ".join(x for x in (detail.place_name, detail.place_address.replace("\n", ", ")) if x.strip())
    action = " – ".join(x for x in (detail.action_code, detail.action_title) if x)
    return AttendanceSheet(
        meeting_id=detail.id,
        title=detail.title,
        kind_label=detail.kind_label,
        reference=detail.reference,
        place=place,
        trainers=trainers or organisers,
        organiser=" – ".join(x for x in (detail.organiser, detail.organiser_org) if x),
        action=action,
        funder=detail.funder,
        fse_rate=detail.fse_rate,
        sessions=sessions,
        rows=tuple(rows),
        organisation_name=header.organisation_name,
        organisation_lines=header.organisation_lines,
        logo_png=header.logo_png,
        signed=signed,
        blank_rows=blank_rows,
        generated_on=today or dt.date.today(),
    )


def _countersign_sha(s: object, session_id: str) -> str | None:
    from app.storage.models import MeetingSession

    row = s.get(MeetingSession, session_id)  # type: ignore[attr-defined]
    return row.countersign_sha256 if row is not None else None


# --------------------------------------------------------------------------- story


def session_groups(sessions: Sequence[SheetSession]) -> tuple[tuple[SheetSession, ...], ...]:
    """The sessions of each sheet: all on one sheet when they fit, else one sheet per day."""
    fit = max_sessions(landscape=True)
    if len(sessions) <= fit:
        return (tuple(sessions),) if sessions else ((),)
    days: dict[dt.date, list[SheetSession]] = {}
    for x in sessions:
        days.setdefault(x.date, []).append(x)
    out: list[tuple[SheetSession, ...]] = []
    for day in sorted(days):
        group = days[day]
        for i in range(0, len(group), fit):
            out.append(tuple(group[i:i + fit]))
    return tuple(out)


_FIXED_MIN = (7 * mm, 27 * mm, 22 * mm, 30 * mm, 24 * mm)  # N°, Nom, Prénom, Structure, Fonction


def max_sessions(landscape: bool) -> int:
    if not landscape:
        return PORTRAIT_MAX_SESSIONS
    return int((frame_width(True) - sum(_FIXED_MIN)) // MIN_SIGNATURE_WIDTH)


def column_widths(n_sessions: int, landscape: bool, last_number: int = 99) -> list[float]:
    """N°, Nom, Prénom, Structure, Fonction, then one signature column per session."""
    total = frame_width(landscape)
    fixed = list(_FIXED_MIN)
    # N° wide enough for the largest number (« 1005 » on a forum sheet).
    fixed[0] = max(fixed[0], stringWidth(str(last_number), FONT_CONDENSED, 8.5) + 2 * CELL_PAD + 1)
    if n_sessions:
        sig = min(MAX_SIGNATURE_WIDTH, max(MIN_SIGNATURE_WIDTH, (total - sum(fixed)) / n_sessions))
    else:
        sig = 0.0
    spare = total - sum(fixed) - sig * n_sessions
    if spare > 0:  # give the rest to the text columns (not to N°)
        text = sum(fixed[1:])
        fixed = [fixed[0]] + [w + spare * w / text for w in fixed[1:]]
    return fixed + [sig] * n_sessions


def _styles() -> dict[str, ParagraphStyle]:
    base = styles()
    return {
        "cell": base["cell"],
        "cell_bold": base["cell_bold"],
        "head": ParagraphStyle("sheet_head", parent=base["cell_bold"], fontSize=8, leading=9.5,
                               alignment=1),
        "label": ParagraphStyle("sheet_label", parent=base["label"], fontSize=8, leading=10),
        "value": ParagraphStyle("sheet_value", parent=base["body"], fontSize=8.5, leading=10.5,
                                spaceAfter=0),
        "small": ParagraphStyle("sheet_small", parent=base["cell_small"], alignment=1),
        "box": ParagraphStyle("sheet_box", parent=base["cell"], fontSize=8, leading=10),
        "small_left": ParagraphStyle("sheet_small_left", parent=base["cell_small"]),
    }


def _dates_text(group: Sequence[SheetSession]) -> str:
    days = sorted({x.date for x in group})
    if not days:
        return "à fixer"
    if len(days) == 1:
        return fmt.date_long(days[0])
    if len(days) == 2:
        return f"{fmt.date_long(days[0])} et {fmt.date_long(days[1])}"
    return f"du {fmt.date_long(days[0])} au {fmt.date_long(days[-1])} ({len(days)} jours)"


def _times_text(group: Sequence[SheetSession]) -> str:
    seen: list[str] = []
    for x in group:
        text = (f"{x.label.lower()} {fmt.time_short(x.start_time)}\u00a0–\u00a0"
                f"{fmt.time_short(x.end_time)}")  # a time range is never split
        if text not in seen:
            seen.append(text)
    return " ; ".join(seen)


def _details_block(sheet: AttendanceSheet, group: Sequence[SheetSession], landscape: bool) -> Table:
    st = _styles()
    pairs = [
        ("Intitulé", sheet.title),
        ("Type", sheet.kind_label + (f" – {sheet.reference}" if sheet.reference else "")),
        ("Date(s)", _dates_text(group)),
        ("Horaires", _times_text(group)),
        ("Lieu", sheet.place or "—"),
        ("Intervenant(s) / formateur", ", ".join(sheet.trainers) or "—"),
        ("Action", sheet.action or "—"),
        ("Financeur", (sheet.funder or "—") + (
            f" – cofinancement FSE {fmt.percent(sheet.fse_rate)}" if sheet.fse else "")),
    ]
    if sheet.organiser:
        pairs.append(("Organisation", sheet.organiser))
    width = frame_width(landscape)
    label_w = 33 * mm
    data, style = [], [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]
    half = (len(pairs) + 1) // 2
    left, right = pairs[:half], pairs[half:]
    for i in range(half):
        row = [Paragraph(esc(left[i][0]), st["label"]),
               Paragraph(esc(fmt.typography(left[i][1])), st["value"])]
        if i < len(right):
            row += [Paragraph(esc(right[i][0]), st["label"]),
                    Paragraph(esc(fmt.typography(right[i][1])), st["value"])]
        else:
            row += ["", ""]
        data.append(row)
    value_w = (width - 2 * label_w) / 2
    return Table(data, colWidths=[label_w, value_w, label_w, value_w], style=TableStyle(style),
                 hAlign="LEFT")


MIN_TEXT_SIZE = 6.5
"""The smallest size a name is set in before it is broken inside a word."""


def _word_pieces(word: str) -> list[str]:
    """A word and where it may break: after its hyphens (« Marie-|Antoinette-|Élisabeth »)."""
    return re.split(r"(?<=[-‐])(?=[^-‐])", word)


def _split_to_width(piece: str, room: float, font: str, size: float) -> list[str]:
    """A piece still too wide at the smallest size, cut between letters to fit ``room``."""
    out, current = [], ""
    for char in piece:
        if current and stringWidth(current + char, font, size) > room:
            out.append(current)
            current = char
        else:
            current += char
    return out + [current] if current else out


def fit_text(text: str, width: float, font: str, size: float) -> tuple[str, float | None]:
    """``text`` wrapped into lines (joined by new lines, which a Table draws much faster
    than a Paragraph) to fit a cell ``width`` wide; and a smaller font size when a word is
    wider than the cell (``None``: size unchanged).

    Lines break on spaces (non-breaking spaces hold), then after the hyphens of a compound
    name (« ROCHEFOUCAULD-|MONTMORENCY »); a word still too wide at :data:`MIN_TEXT_SIZE` is
    set smaller and, only then, cut between letters. No text ever runs out of its cell."""
    room = width - 2 * CELL_PAD
    if not text or stringWidth(text, font, size) <= room:
        return text, None
    words = [_word_pieces(w) for w in text.split(" ") if w]
    widest = max(stringWidth(p, font, size) for pieces in words for p in pieces)
    new_size = None
    if widest > room:
        new_size = max(MIN_TEXT_SIZE, math.floor(size * room / widest * 10) / 10)
    used_size = new_size or size
    space = stringWidth(" ", font, used_size)
    lines: list[str] = []
    current = ""
    used = 0.0
    for pieces in words:
        for k, piece in enumerate(pieces):
            gap = 0.0 if (k or not current) else space
            w = stringWidth(piece, font, used_size)
            if current and used + gap + w > room:
                lines.append(current)
                current, used, gap = "", 0.0, 0.0
            if w > room:  # a piece wider than the cell even at the smallest size
                chunks = _split_to_width(piece, room, font, used_size)
                lines.extend(([current] if current else []) + chunks[:-1])
                current = chunks[-1]
                used = stringWidth(current, font, used_size)
                continue
            current += (" " if gap else "") + piece
            used += gap + w
    lines.append(current)
    return "\n".join(lines), new_size


class _Signature(Flowable):
    """A signature image scaled into its cell, keeping its proportions."""

    def __init__(self, png: bytes, width: float, height: float) -> None:
        super().__init__()
        from reportlab.lib.utils import ImageReader

        self.reader = ImageReader(io.BytesIO(png))
        iw, ih = self.reader.getSize()
        scale = min(width / iw, height / ih)
        self.w, self.h = iw * scale, ih * scale

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.w, self.h

    def draw(self) -> None:
        self.canv.drawImage(self.reader, 0, 0, self.w, self.h, mask="auto")


_STATUS_TEXT = {"absent": "Absent", "excuse": "Excusé", "retard": "Présent (saisie, retard)",
                "present": "Présent (saisie)"}


def _signature_cell(cell: SheetCell, width: float, height: float) -> object:
    if cell.signature_png:
        try:
            return _Signature(cell.signature_png, width - 2 * CELL_PAD, height - 2 * CELL_PAD)
        except Exception:  # an unreadable image still leaves the cell marked
            return "Signature illisible"
    if cell.status is None:
        return ""
    return _STATUS_TEXT.get(cell.status, cell.status)


def _attendance_table(sheet: AttendanceSheet, group: Sequence[SheetSession], landscape: bool) -> Table:
    widths = column_widths(len(group), landscape, len(sheet.rows) + sheet.blank_rows)
    # Plain strings (not Paragraphs): the header row is drawn again on every page.
    head_cells: list[object] = ["N°", "Nom", "Prénom", "Structure", "Fonction /\ncatégorie"]
    for x in group:
        head_cells.append(
            f"{_day_short(x.date)}\n{x.label}\n"
            f"{fmt.time_short(x.start_time)} – {fmt.time_short(x.end_time)}"
        )
    data: list[list[object]] = [head_cells]
    index = {x.id: i for i, x in enumerate(sheet.sessions)}
    shrunk: list[tuple] = []  # per-cell font commands for the few texts set smaller
    # Row heights are known here (texts are wrapped by fit_text): giving them to the Table
    # spares it measuring 300 × 9 cells again on every page split.
    heights = [max(9 * mm, 3 * 9.5 + 2 * PAD_Y)]
    for n, row in enumerate(sheet.rows, start=1):
        line: list[object] = [str(n)]
        height = ROW_HEIGHT
        for col, text in enumerate((row.last_name.upper(), row.first_name, row.structure, row.function),
                                   start=1):
            font = FONT_CONDENSED_BOLD if col == 1 else FONT_CONDENSED
            fitted, size = fit_text(text, widths[col], font, BODY_SIZE)
            line.append(fitted)
            leading = BODY_LEADING if size is None else size * 1.18
            height = max(height, (fitted.count("\n") + 1) * leading + 2 * PAD_Y)
            if size is not None:
                shrunk.append(("FONT", (col, n), (col, n), font, size, leading))
        heights.append(height)
        for i, x in enumerate(group):
            if sheet.signed and row.cells:
                line.append(_signature_cell(row.cells[index[x.id]], widths[5 + i], ROW_HEIGHT))
            else:
                line.append("")
        data.append(line)
    first_blank = len(sheet.rows) + 1
    for n in range(first_blank, first_blank + sheet.blank_rows):
        data.append([str(n)] + [""] * (len(widths) - 1))
        heights.append(ROW_HEIGHT)
    countersign, countersign_height = _countersign_row(sheet, group, widths)
    data.append(countersign)
    heights.append(countersign_height)
    last = len(data) - 1
    style = [
        ("FONT", (0, 0), (-1, -1), FONT_CONDENSED, BODY_SIZE, BODY_LEADING),
        ("FONT", (0, 0), (-1, 0), FONT_CONDENSED_BOLD, 8, 9.5),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("FONT", (1, 1), (1, -1), FONT_CONDENSED_BOLD, BODY_SIZE, BODY_LEADING),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("GRID", (0, 0), (-1, last - 1), 0.5, RULE),
        ("GRID", (5, last), (-1, last), 0.5, RULE),  # the countersignature boxes
        ("BOX", (0, 0), (-1, -1), 0.9, colors.black),
        ("LINEBELOW", (0, 0), (-1, 0), 0.9, colors.black),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), PAD_Y),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_Y),
    ]
    if sheet.signed:  # « Absent », « Excusé »… in the signature cells
        style += [
            ("FONT", (5, 1), (-1, -1), FONT_ITALIC, 7),
            ("TEXTCOLOR", (5, 1), (-1, -1), MUTED),
            ("ALIGN", (5, 1), (-1, -1), "CENTER"),
        ]
    if sheet.blank_rows:
        style.append(("TEXTCOLOR", (0, first_blank), (0, last - 1), MUTED))
    style += shrunk
    style += [
        ("VALIGN", (0, last), (-1, last), "TOP"),
        ("BACKGROUND", (0, last), (4, last), SHADE),
        ("LINEABOVE", (0, last), (-1, last), 0.9, colors.black),
    ]
    table = _SheetTable(
        data,
        colWidths=widths,
        rowHeights=heights,
        repeatRows=1,
        style=TableStyle(style),
        hAlign="LEFT",
    )
    table.keep_tail = min(KEEP_WITH_COUNTERSIGN + 1, last)
    return table


class _SheetTable(Table):
    """A Table whose last ``keep_tail`` rows always share a page: the countersignature row
    never starts a page alone, the last participants' rows come with it (and the header row,
    repeated). Done in :meth:`split` rather than with a NOSPLIT command, which costs a pass
    over every cell of a 300-row table at each page break."""

    keep_tail = 0

    def split(self, availWidth: float, availHeight: float) -> list:
        parts = super().split(availWidth, availHeight)
        if len(parts) == 2 and self.keep_tail:
            left = len(parts[1]._cellvalues) - self.repeatRows
            if left < self.keep_tail:
                first = len(self._cellvalues) - self.keep_tail  # rows of the first part
                if first <= self.repeatRows:
                    return []  # the header alone would stay: the whole table moves on
                parts = super().split(availWidth, sum(self._rowHeights[:first]) + 1e-6)
        if len(parts) == 2:
            parts[1].keep_tail = self.keep_tail
        return parts


def _when(value: dt.datetime | None) -> str:
    """« 12/05/2026 à 12 h 40 »."""
    if value is None:
        return ""
    return f"{fmt.date_short(value.date())} à {fmt.time_short(value.time())}"


def _day_short(day: dt.date) -> str:
    """« mar. 12/05 »."""
    names = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
    return f"{names[day.weekday()]} {day.strftime('%d/%m')}"


COUNTERSIGN_HEIGHT = 16 * mm
"""Room for the trainer's or organiser's signature under each session column."""
KEEP_WITH_COUNTERSIGN = 2
"""Table rows printed on the same page as the countersignature row (never left alone)."""
COUNTERSIGN_TITLE = "Contre-signature du formateur ou de l'organisateur"


def _countersign_row(sheet: AttendanceSheet, group: Sequence[SheetSession],
                     widths: Sequence[float]) -> tuple[list[object], float]:
    """The last row of the table: what it is (over the five text columns), then one box per
    session, right under the session's own column (its date, half-day and times), for the
    trainer's or organiser's countersignature; and the row's height.

    Being a row of the table, it costs one row's height rather than a block of its own, and
    it shares the page of the last participants' rows (see :data:`KEEP_WITH_COUNTERSIGN`)."""
    st = _styles()
    names = {x.countersigner for x in group}
    shared = names.pop() if len(names) == 1 else None
    label: list[object] = [Paragraph(f"<b>{esc(COUNTERSIGN_TITLE)}</b>", st["box"])]
    if shared is not None:
        label.append(Paragraph(
            f"Formateur / organisateur\u00a0: {esc(shared or '…………………………')}", st["box"]))
    label.append(Paragraph("<i>Nom et signature de chaque créneau dans sa colonne.</i>" if shared is None
                           else "<i>Une signature par créneau, dans sa colonne.</i>", st["small_left"]))
    cells: list[object] = [_Overhanging(label, sum(widths[:5]) - 2 * CELL_PAD), "", "", "", ""]
    for x, width in zip(group, widths[5:]):
        parts: list[object] = []
        if shared is None:
            parts.append(Paragraph(esc(x.countersigner or "…………………"), st["small_left"]))
        if sheet.signed and x.sealed:
            if x.countersign_png:
                try:
                    parts.append(_Signature(x.countersign_png, width - 2 * CELL_PAD, 10 * mm))
                except Exception:  # an unreadable image still leaves the box marked
                    parts.append(Paragraph("Contre-signature illisible", st["small_left"]))
            parts.append(Paragraph(
                f"<i>Scellé par {esc(x.sealed_by)} le {esc(_when(x.sealed_at))}</i>",
                st["small_left"]))
        elif sheet.signed:
            parts.append(Paragraph("<i>Créneau non scellé</i>", st["small_left"]))
        cells.append(parts)
    room = [sum(widths[:5])] + list(widths[5:])
    height = max(_stack_height(c, w) for c, w in zip([label, *cells[5:]], room))
    return cells, max(COUNTERSIGN_HEIGHT, height)


class _Overhanging(Flowable):
    """Paragraphs set ``width`` wide in a cell narrower than that (the N° cell of the
    countersignature row, whose neighbours are left empty and unruled): what a SPAN would
    do, without the pass over every cell of the table that a SPAN costs at each page break."""

    def __init__(self, parts: Sequence[Paragraph], width: float) -> None:
        super().__init__()
        self.parts, self.text_width = list(parts), width

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.heights = [p.wrap(self.text_width, ah)[1] for p in self.parts]
        return min(aw, self.text_width), sum(self.heights)

    def draw(self) -> None:
        y = sum(self.heights)
        for p, h in zip(self.parts, self.heights):
            y -= h
            p.drawOn(self.canv, 0, y)


def _stack_height(parts: Sequence[object], width: float) -> float:
    """Height of the flowables of a cell ``width`` wide, paddings included."""
    inner = width - 2 * CELL_PAD
    return sum(p.wrap(inner, 1000)[1] for p in parts) + 2 * PAD_Y + 1  # type: ignore[attr-defined]


def sheet_story(sheet: AttendanceSheet) -> SheetLayout:
    """The flowables of the whole document (pure: reads only ``sheet``)."""
    groups = session_groups(sheet.sessions)
    landscape = max(len(g) for g in groups) > PORTRAIT_MAX_SESSIONS
    story: list = []
    for i, group in enumerate(groups):
        if i:
            story.append(PageBreak())
        story.append(PageMark(sessions=tuple(x.id for x in group)))
        story.append(_details_block(sheet, group, landscape))
        if sheet.signed:
            story.append(Paragraph(
                "<i>Feuille signée : signatures recueillies à l'écran ; « Présent (saisie) » "
                "indique une présence saisie d'après la feuille papier.</i>",
                ParagraphStyle("signed_note", parent=styles()["tiny"], spaceBefore=3)))
        story.append(Spacer(1, 3 * mm))
        story.append(_attendance_table(sheet, group, landscape))
    return SheetLayout(story, landscape, tuple(tuple(x.id for x in g) for g in groups))


def _footer(sheet: AttendanceSheet) -> PageFooter:
    def payload(page: object) -> str:
        sessions = page.marks.get("sessions", ())  # type: ignore[attr-defined]
        return encode_qr(sheet.meeting_id, sessions, page.number)  # type: ignore[attr-defined]

    return PageFooter(
        reference=sheet.document_reference,
        generated_on=sheet.generated_on,
        qr=payload,
        fse_mention=sheet.fse,
        note=(
            "Signer atteste de votre présence. Ces informations servent uniquement à justifier "
            "la réalisation de l'action auprès de ses financeurs."
        ),
    )


def render_attendance_sheet(
    sheet: AttendanceSheet,
    path: Path | str,
    *,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    invariant: bool = False,
) -> SheetResult:
    from app.documents.common import PageHeader

    layout = sheet_story(sheet)
    header = PageHeader(
        organisation_name=sheet.organisation_name,
        organisation_lines=sheet.organisation_lines,
        logo_png=sheet.logo_png,
        title=SHEET_TITLE + (" – exemplaire signé" if sheet.signed else ""),
        subtitle=fmt.typography(sheet.title),  # « guillemets » never left alone at a line end
        eu_funded=sheet.fse,
        compact=layout.landscape,
    )
    result: BuildResult = build_pdf(
        path, layout.story, landscape=layout.landscape, header=header, footer=_footer(sheet),
        title=f"{SHEET_TITLE} – {sheet.title}", author=sheet.organisation_name,
        subject=sheet.document_reference, invariant=invariant, progress=progress, cancel=cancel,
    )
    return SheetResult(result.path, result.pages, layout.groups)


def write_attendance_sheet(
    ws: object,
    meeting_id: str,
    path: Path | str,
    *,
    blank_rows: int = 5,
    signed: bool = False,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> SheetResult:
    """Load and render the sheet of a meeting (the CLI and the GUI call this)."""
    if progress:
        progress(0, 1, "Lecture de la réunion…")
    sheet = load_attendance_sheet(ws, meeting_id, signed=signed, blank_rows=blank_rows)
    return render_attendance_sheet(sheet, path, progress=progress, cancel=cancel)
