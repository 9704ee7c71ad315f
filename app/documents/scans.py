"""File scans of signed attendance sheets by the QR code printed on each page.

``file_scans(ws, paths, meeting_id=None, progress=…, cancel=…) -> ScanReport`` renders each
page of the given PDF files with ``pypdfium2`` (JPEG and PNG files are one page each), reads
the QR codes with ``zxing-cpp`` (it copes with pages scanned slightly askew), and files every
page whose code names a meeting of this database: the page is stored once as a
:class:`~app.storage.models.Blob` (a one-page PDF, or the image itself) and attached to the
meeting once per session it covers (``Attachment(owner_table="meetings", session_id, page,
kind="feuille_emargement_scan")``). Pages without a readable code, or whose code names
another meeting or unknown sessions, are returned as :class:`UnfiledPage` with the reason, in
French, for manual filing with :func:`file_page_manually`. Filing the same scan twice adds
nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.documents.common import Cancelled
from app.documents.sheet import SheetCode, decode_qr
from app.errors import NotFound, ValidationError
from app.services.workspace import ChangeSet, Workspace
from app.storage.models import Attachment, Blob, Meeting, MeetingSession

SCAN_KIND = "feuille_emargement_scan"
RENDER_DPI = (200, 300)  # first try, then a finer rendering when no code was found
IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
MAX_FILE_BYTES = 200 * 1024 * 1024

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class FiledPage:
    source: str
    index: int  # 0-based page in the scanned file
    meeting_id: str
    meeting_title: str
    session_ids: tuple[str, ...]
    sheet_page: int  # « Page x » printed on the sheet
    attachment_ids: tuple[str, ...]
    sha256: str
    already_filed: bool = False


@dataclass(frozen=True)
class UnfiledPage:
    source: str
    index: int
    reason: str


@dataclass(frozen=True)
class ScanReport:
    filed: tuple[FiledPage, ...]
    unfiled: tuple[UnfiledPage, ...]
    changes: ChangeSet

    @property
    def summary(self) -> str:
        return (f"{len(self.filed)} page(s) classée(s), {len(self.unfiled)} page(s) "
                "à classer à la main.")


@dataclass(frozen=True)
class _Page:
    index: int
    data: bytes  # what is stored: a one-page PDF or the image file
    mime: str
    render: Callable[[int], object]  # dpi -> PIL image


# --------------------------------------------------------------------------- reading


def read_codes(image: object) -> list[str]:
    """Texts of the QR codes found in a PIL image (any orientation, slightly rotated too)."""
    import zxingcpp

    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def sheet_code(image_for_dpi: Callable[[int], object]) -> tuple[SheetCode | None, str]:
    """The first sheet code on a page, trying finer renderings; else None and why."""
    others = False
    for dpi in RENDER_DPI:
        texts = read_codes(image_for_dpi(dpi))
        for text in texts:
            code = decode_qr(text)
            if code is not None:
                return code, ""
        others = others or bool(texts)
    if others:
        return None, "le code lu n'est pas celui d'une feuille d'émargement Maillage"
    return None, "aucun code QR lisible sur cette page"


def _pages(path: Path) -> Iterator[_Page]:
    suffix = path.suffix.lower()
    if not path.exists():
        raise NotFound(f"Fichier introuvable : « {path} ».")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValidationError(f"« {path.name} » dépasse 200 Mo : scannez-le en plusieurs fois.",
                              field="file")
    if suffix in IMAGE_TYPES:
        from PIL import Image, ImageOps

        data = path.read_bytes()

        def render(dpi: int, data: bytes = data) -> object:
            img = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
            return img.convert("L")

        try:
            render(0)
        except Exception as exc:
            raise ValidationError(f"Image illisible : « {path.name} ».", field="file") from exc
        yield _Page(0, data, IMAGE_TYPES[suffix], render)
        return
    if suffix != ".pdf":
        raise ValidationError(
            f"« {path.name} » : format non pris en charge (PDF, JPEG ou PNG).", field="file")
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
        # A second handle only for extracting pages: rendering fills pdfium's caches, which
        # would otherwise change the bytes of pages extracted afterwards.
        source = pdfium.PdfDocument(str(path))
    except Exception as exc:
        raise ValidationError(f"PDF illisible : « {path.name} ».", field="file") from exc
    try:
        for i in range(len(pdf)):
            single = pdfium.PdfDocument.new()
            single.import_pages(source, [i])
            buf = io.BytesIO()
            single.save(buf)
            single.close()
            data = _stable_id(buf.getvalue())

            def render(dpi: int, i: int = i) -> object:
                page = pdf[i]
                try:
                    return page.render(scale=dpi / 72, grayscale=True).to_pil()
                finally:
                    page.close()

            yield _Page(i, data, "application/pdf", render)
    finally:
        source.close()
        pdf.close()


_PDF_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")


_PDF_DATE = re.compile(rb"/(?:CreationDate|ModDate)\s*\(D:(\d{14})")


def _stable_id(pdf: bytes) -> bytes:
    """Make an extracted page's bytes depend on its content only: the creation date pdfium
    writes becomes 1970 (same length, so the cross-reference offsets hold) and the random
    trailer /ID is derived from the content. The same scanned page then always gives the
    same bytes, hence the same Blob, and filing a scan twice adds nothing."""
    pdf = _PDF_DATE.sub(lambda m: m.group(0)[: -14] + b"19700101000000", pdf)

    def same_length(match: re.Match[bytes]) -> bytes:
        digest = hashlib.sha256(_PDF_ID.sub(b"", pdf)).hexdigest().upper().encode()
        first, second = match.group(1), match.group(2)
        return (match.group(0)
                .replace(first, (digest * 4)[: len(first)], 1)
                .replace(second, (digest * 4)[: len(second)], 1))

    return _PDF_ID.sub(same_length, pdf, count=1)


# --------------------------------------------------------------------------- filing


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _store(s: object, page: _Page) -> str:
    sha = hashlib.sha256(page.data).hexdigest()
    if s.get(Blob, sha) is None:  # type: ignore[attr-defined]
        s.add(Blob(sha256=sha, mime=page.mime, size=len(page.data), data=page.data,  # type: ignore[attr-defined]
                   created_at=_now()))
        s.flush()  # type: ignore[attr-defined]
    return sha


def _attach(s: object, meeting: Meeting, session_ids: Sequence[str], sheet_page: int | None,
            page: _Page, source: Path, created: list) -> tuple[tuple[str, ...], str, bool]:
    sha = _store(s, page)
    ids, already = [], True
    ext = ".pdf" if page.mime == "application/pdf" else source.suffix.lower()
    for sid in session_ids or (None,):
        existing = s.execute(select(Attachment.id).where(  # type: ignore[attr-defined]
            Attachment.owner_table == "meetings", Attachment.owner_id == meeting.id,
            Attachment.blob_sha256 == sha, Attachment.session_id == sid if sid else Attachment.session_id.is_(None),
            Attachment.deleted.is_(False))).scalar()
        if existing:
            ids.append(existing)
            continue
        already = False
        label = "Feuille d'émargement signée" + (f" – page {sheet_page}" if sheet_page else "")
        att = Attachment(owner_table="meetings", owner_id=meeting.id, blob_sha256=sha,
                         filename=f"{source.stem}-p{page.index + 1}{ext}"[:300], mime=page.mime,
                         kind=SCAN_KIND, label=label, session_id=sid, page=sheet_page)
        s.add(att)  # type: ignore[attr-defined]
        s.flush()  # type: ignore[attr-defined]
        ids.append(att.id)
        created.append(("attachments", att.id))
    return tuple(ids), sha, already


def _sessions_for(s: object, meeting_id: str, code: SheetCode) -> list[str]:
    rows = s.execute(select(MeetingSession.id).where(  # type: ignore[attr-defined]
        MeetingSession.meeting_id == meeting_id, MeetingSession.deleted.is_(False))).scalars()
    return [sid for sid in rows if code.matches(sid)]


def file_scans(
    ws: Workspace,
    paths: Sequence[Path | str],
    *,
    meeting_id: str | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> ScanReport:
    """Read and file scanned sheets (all in one unit of work: cancelling files nothing)."""
    filed: list[FiledPage] = []
    unfiled: list[UnfiledPage] = []
    created: list[tuple[str, str]] = []
    files = [Path(p) for p in paths]
    with ws.unit(write=True) as s:
        if meeting_id is not None:
            target = s.get(Meeting, meeting_id)
            if target is None or target.deleted:
                raise NotFound("Cette réunion n'existe pas ou a été supprimée.")
        done = 0
        for n, path in enumerate(files):
            for page in _pages(path):
                if cancel is not None and cancel():
                    raise Cancelled("Classement annulé : aucune page n'a été enregistrée.")
                done += 1
                if progress:
                    progress(n, len(files), f"{path.name} : page {page.index + 1}")
                code, why = sheet_code(page.render)
                if code is None:
                    unfiled.append(UnfiledPage(str(path), page.index, why))
                    continue
                meeting = s.get(Meeting, code.meeting_id)
                if meeting is None or meeting.deleted:
                    unfiled.append(UnfiledPage(str(path), page.index,
                                               "la réunion de cette feuille n'existe pas dans cette base"))
                    continue
                if meeting_id is not None and meeting.id != meeting_id:
                    unfiled.append(UnfiledPage(str(path), page.index,
                                               f"cette page appartient à une autre réunion : « {meeting.title} »"))
                    continue
                sessions = _sessions_for(s, meeting.id, code)
                if not sessions:
                    unfiled.append(UnfiledPage(str(path), page.index,
                                               "les créneaux de cette feuille n'existent plus"))
                    continue
                ids, sha, already = _attach(s, meeting, sessions, code.page, page, path, created)
                filed.append(FiledPage(str(path), page.index, meeting.id, meeting.title,
                                       tuple(sessions), code.page, ids, sha, already))
        if progress:
            progress(len(files), len(files), "Classement terminé.")
    return ScanReport(tuple(filed), tuple(unfiled), ChangeSet(created=tuple(created)))


def file_page_manually(
    ws: Workspace,
    path: Path | str,
    index: int,
    meeting_id: str,
    session_ids: Sequence[str],
    sheet_page: int | None = None,
) -> FiledPage:
    """File one page that had no readable code, under the sessions the user chose."""
    path = Path(path)
    if not session_ids:
        raise ValidationError("Choisissez au moins un créneau pour cette page.", field="session_ids")
    created: list[tuple[str, str]] = []
    with ws.unit(write=True) as s:
        meeting = s.get(Meeting, meeting_id)
        if meeting is None or meeting.deleted:
            raise NotFound("Cette réunion n'existe pas ou a été supprimée.")
        valid = set(s.execute(select(MeetingSession.id).where(
            MeetingSession.meeting_id == meeting_id, MeetingSession.deleted.is_(False))).scalars())
        wrong = [x for x in session_ids if x not in valid]
        if wrong:
            raise ValidationError("Un des créneaux choisis n'appartient pas à cette réunion.",
                                  field="session_ids")
        for page in _pages(path):
            if page.index == index:
                ids, sha, already = _attach(s, meeting, session_ids, sheet_page, page, path, created)
                return FiledPage(str(path), index, meeting.id, meeting.title, tuple(session_ids),
                                 sheet_page or 0, ids, sha, already)
    raise ValidationError(f"« {path.name} » n'a pas de page {index + 1}.", field="index")


def scanned_pages(ws: Workspace, meeting_id: str) -> tuple[tuple[str, int | None, str], ...]:
    """(session id, sheet page, attachment id) of the scans filed for a meeting."""
    with ws.unit() as s:
        rows = s.execute(select(Attachment.session_id, Attachment.page, Attachment.id).where(
            Attachment.owner_table == "meetings", Attachment.owner_id == meeting_id,
            Attachment.kind == SCAN_KIND, Attachment.deleted.is_(False))
            .order_by(Attachment.page, Attachment.session_id)).all()
        return tuple((r.session_id, r.page, r.id) for r in rows)
