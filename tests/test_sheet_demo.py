"""Every meeting of the demo database prints: sheet (blank and signed), minutes, evidence."""

from __future__ import annotations

import pdfplumber

from app.documents.minutes import write_minutes
from app.documents.scans import read_codes
from app.documents.sheet import decode_qr, write_attendance_sheet
from app.services.attendance import evidence
from app.services.meetings import get_meeting, list_meetings


def test_demo_meetings_print(demo_ws, tmp_path) -> None:
    meetings = list_meetings(demo_ws)
    assert len(meetings) >= 10
    kinds_done: set[str] = set()
    for m in meetings:
        report = evidence(demo_ws, m.id)
        assert all(item.endswith(".") for item in report.missing)
        if m.kind in kinds_done:
            continue
        kinds_done.add(m.kind)
        detail = get_meeting(demo_ws, m.id)
        sheet = write_attendance_sheet(demo_ws, m.id, tmp_path / f"{m.id}.pdf", signed=m.status == "tenue")
        with pdfplumber.open(sheet.path) as pdf:
            first = pdf.pages[0].extract_text() or ""
        assert detail.title.split(" ")[0] in first and f"Page 1 / {sheet.pages}" in first
        assert "@" not in first  # no contact detail on a sheet
        write_minutes(demo_ws, m.id, tmp_path / f"cr-{m.id}.pdf")
    assert len(kinds_done) >= 5
    # The QR code of a demo sheet names its meeting.
    from test_meetings_support import render_page

    code = decode_qr(read_codes(render_page(sheet.path, 0))[0])
    assert code.meeting_id == detail.id and code.page == 1
