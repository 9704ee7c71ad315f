"""Scanned signed sheets are filed under the right meeting, session and page by their QR code."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from test_meetings_support import add_people, make_meeting, net, render_page, ws  # noqa: F401

from app.documents import scans
from app.documents.sheet import write_attendance_sheet
from app.errors import ValidationError
from app.services import attendance as att
from app.services import meetings as svc


def _scan(pdf: Path, index: int, out: Path, angle: float, *, dpi: int = 150, quality: int | None = None) -> Path:
    """A page as a scanner would give it: grey, a little askew, maybe JPEG-compressed."""
    img = render_page(pdf, index, dpi=dpi).rotate(angle, expand=True, fillcolor=255,
                                                  resample=Image.Resampling.BICUBIC)
    if quality:
        img.convert("RGB").save(out, quality=quality)
    else:
        img.save(out)
    return out


def test_rotated_scan_is_filed_under_the_right_session(net, tmp_path) -> None:
    meeting_id = make_meeting(net, days=4)  # one sheet per day
    sheet = tmp_path / "emargement.pdf"
    result = write_attendance_sheet(net.ws, meeting_id, sheet)
    detail = svc.get_meeting(net.ws, meeting_id)
    third_day_page = next(i for i, g in enumerate(_pages_groups(result)) if g == result.groups[2])
    png = _scan(sheet, third_day_page, tmp_path / "scan-jour3.png", angle=3.5)
    jpg = _scan(sheet, 0, tmp_path / "scan-jour1.jpg", angle=-4, quality=75)
    report = scans.file_scans(net.ws, [png, jpg], meeting_id=meeting_id)
    assert report.unfiled == ()
    by_file = {Path(f.source).name: f for f in report.filed}
    assert set(by_file["scan-jour3.png"].session_ids) == set(result.groups[2])
    assert by_file["scan-jour3.png"].sheet_page == third_day_page + 1
    assert set(by_file["scan-jour1.jpg"].session_ids) == {x.id for x in detail.sessions[:2]}
    filed = scans.scanned_pages(net.ws, meeting_id)
    assert len(filed) == 4 and {sid for sid, _, _ in filed} == set(result.groups[2]) | set(result.groups[0])
    # The evidence now counts a scanned page for those sessions.
    ev = att.evidence(net.ws, meeting_id)
    assert [s.scanned_pages for s in ev.sessions] == [1, 1, 0, 0, 1, 1, 0, 0]


def _pages_groups(result):
    """Which sessions each page of a sheet holds: pages are laid out group after group."""
    # Each day of this meeting fits on pages of its own; read them back from the QR codes.
    from app.documents.sheet import decode_qr

    out = []
    for i in range(result.pages):
        code = decode_qr(scans.read_codes(render_page(result.path, i))[0])
        out.append(next(g for g in result.groups if all(code.matches(s) for s in g)))
    return out


def test_pdf_scan_with_unreadable_and_foreign_pages(net, tmp_path) -> None:
    meeting_id = make_meeting(net)
    other_id = make_meeting(net, title="Autre formation")
    add_people(net, meeting_id, 20)
    sheet = tmp_path / "emargement.pdf"
    pages = write_attendance_sheet(net.ws, meeting_id, sheet).pages
    other = tmp_path / "autre.pdf"
    write_attendance_sheet(net.ws, other_id, other)
    # A « scanned » PDF: every page of the sheet, a blank page, a page of another meeting.
    images = [render_page(sheet, i, dpi=150).convert("RGB") for i in range(pages)]
    images.append(Image.new("RGB", images[0].size, "white"))
    images.append(render_page(other, 0, dpi=150).convert("RGB"))
    scan = tmp_path / "scan.pdf"
    images[0].save(scan, save_all=True, append_images=images[1:], resolution=150)
    progress = []
    report = scans.file_scans(net.ws, [scan], meeting_id=meeting_id,
                              progress=lambda d, t, m: progress.append(m))
    assert [f.sheet_page for f in report.filed] == list(range(1, pages + 1))
    assert [(u.index, u.reason) for u in report.unfiled] == [
        (pages, "aucun code QR lisible sur cette page"),
        (pages + 1, "cette page appartient à une autre réunion\u00a0: «\u00a0Autre formation\u00a0»"),
    ]
    assert progress and "page" in progress[0]
    # Filing the same scan again adds nothing.
    again = scans.file_scans(net.ws, [scan], meeting_id=meeting_id)
    assert [f.already_filed for f in again.filed] == [True] * pages and not again.changes, again
    # The blank page is filed by hand under the morning session.
    am = svc.get_meeting(net.ws, meeting_id).sessions[0].id
    manual = scans.file_page_manually(net.ws, scan, pages, meeting_id, [am], sheet_page=None)
    assert manual.session_ids == (am,) and not manual.already_filed
    with pytest.raises(ValidationError):
        scans.file_page_manually(net.ws, scan, pages, meeting_id, [])
    # Without a target meeting, the foreign page is filed under its own meeting.
    report = scans.file_scans(net.ws, [scan])
    assert {f.meeting_id for f in report.filed} == {meeting_id, other_id}


def test_unsupported_or_broken_files_are_refused(net, tmp_path) -> None:
    (tmp_path / "scan.tiff").write_bytes(b"II*\x00")
    with pytest.raises(ValidationError) as err:
        scans.file_scans(net.ws, [tmp_path / "scan.tiff"])
    assert "PDF, JPEG ou PNG" in err.value.message
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4 tronque")
    with pytest.raises(ValidationError):
        scans.file_scans(net.ws, [tmp_path / "scan.pdf"])
    assert att.SCAN_KIND == scans.SCAN_KIND
