"""The detail pane of a meeting at the main window's usual size: its sessions read whole."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QTableWidget
from sqlalchemy import text

from app.services.details import meeting_detail


def _sessions_table(page) -> QTableWidget:  # noqa: ANN001
    tables = [t for t in page.detail_pane.findChildren(QTableWidget, "detailTable")
              if t.horizontalHeaderItem(0).text() == "Date"]
    assert len(tables) == 1
    return tables[0]


def _widest_session_date(ws) -> str:  # noqa: ANN001
    """The meeting whose session dates are the widest words of the demo (« mercredi »,
    « septembre »…), with a sealed session when one exists."""
    with ws.unit() as s:
        rows = s.execute(text(
            "SELECT m.id, s.date, s.sealed FROM meetings m JOIN sessions s ON s.meeting_id = m.id "
            "WHERE m.deleted = 0 AND s.deleted = 0")).all()
    return max(rows, key=lambda r: (len(meeting_detail(ws, r.id).tables[0].rows[0][0]), r.sealed)).id


def test_the_sessions_of_a_meeting_show_their_date_and_hours_whole(window, demo_ws, qtbot) -> None:
    """« jeudi 3 juin… » and « 14 h 00 – … » were cut at the pane's usual width."""
    window.resize(1280, 800)
    page = window.show_section("reunions")
    for select in (page.select_first, lambda: page.select_record(_widest_session_date(demo_ws))):
        select()
        QApplication.processEvents()  # the deferred resize that sets the column widths
        table = _sessions_table(page)
        metrics = table.fontMetrics()
        headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
        assert headers == ["Date", "Créneau", "Horaires", "Présents"]
        for column in range(table.columnCount()):
            cells = [table.item(r, column).text() for r in range(table.rowCount())]
            longest = max(metrics.horizontalAdvance(c) for c in cells)
            assert table.columnWidth(column) >= longest, (headers[column], cells)
        right = table.columnViewportPosition(3) + table.columnWidth(3)
        assert right <= table.viewport().width()  # and nothing runs out of the pane
        assert all("\u00a0–\u00a0" in table.item(r, 2).text() for r in range(table.rowCount()))
