"""Attendance from paper, the compte rendu, printing the sheets and filing the scans, through
the Réunions section on demo data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox
from pypdf import PdfReader

from app.documents.sheet import write_attendance_sheet
from app.services import attendance as att
from app.services import lists
from app.services import meetings as svc
from app.services.lists import ListQuery
from app.services.meetings import MeetingInput
from ui.conventions.printing import page_count
from ui.meetings.grid import FIXED_COLUMNS, AttendanceGridDialog
from ui.meetings.minutes import MinutesDialog
from ui.meetings.printing import SheetDialog, sheet_name
from ui.meetings.scans import ScansDialog
from ui.meetings.section import MeetingsSection

TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def no_unexpected_message_box(monkeypatch):
    def unexpected(*args, **_kwargs):
        raise AssertionError(f"boîte de dialogue inattendue\u00a0: {args[1:3]}")

    for name in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, unexpected)


@pytest.fixture
def page(window) -> MeetingsSection:
    return window.show_section("reunions")


@pytest.fixture
def meeting(demo_ws) -> str:
    """A one-day COPIL to come (two half-days) with the participants of a demo COPIL."""
    meeting_id = svc.create_meeting(demo_ws, MeetingInput(
        kind="copil", title="Comité de pilotage de test",
        sessions=svc.default_sessions(TODAY + dt.timedelta(days=14), 1))).id
    source = next(m for m in svc.list_meetings(demo_ws, kind="copil") if m.participants >= 10)
    people = [p.person_id for p in svc.get_meeting(demo_ws, source.id).participants]
    svc.add_participants(demo_ws, meeting_id, people)
    svc.set_invitation_status(demo_ws, meeting_id, people[-1], "excuse")
    return meeting_id


def _sealed_training(ws) -> svc.MeetingDetail:
    for summary in svc.list_meetings(ws, kind="formation"):
        detail = svc.get_meeting(ws, summary.id)
        if detail.sessions and all(s.sealed for s in detail.sessions):
            return detail
    raise LookupError


def _status(ws, meeting_id: str, row: int, session: int) -> str | None:
    return att.attendance_grid(ws, meeting_id).rows[row].cells[session].status


# --- the paper grid --------------------------------------------------------------------------


def test_space_cycles_present_absent_excused_and_the_arrows_move(page, meeting, demo_ws, qtbot):
    page.select_record(meeting)
    dialog = page.open_grid()
    assert isinstance(dialog, AttendanceGridDialog)
    table = dialog.table
    assert dialog.model.rowCount() == len(svc.get_meeting(demo_ws, meeting).participants) + 1
    assert dialog.model.headerData(FIXED_COLUMNS, Qt.Orientation.Horizontal).endswith("\nMatin")
    assert table.currentIndex().row() == 0 and table.currentIndex().column() == FIXED_COLUMNS

    QTest.keyClick(table, Qt.Key.Key_Space)
    assert _status(demo_ws, meeting, 0, 0) == "present"
    assert dialog.model.index(0, FIXED_COLUMNS).data() == "Présent(e)"
    QTest.keyClick(table, Qt.Key.Key_Space)
    assert _status(demo_ws, meeting, 0, 0) == "absent"
    QTest.keyClick(table, Qt.Key.Key_Space)
    assert _status(demo_ws, meeting, 0, 0) == "excuse"
    QTest.keyClick(table, Qt.Key.Key_Space)
    assert _status(demo_ws, meeting, 0, 0) == "present"

    QTest.keyClick(table, Qt.Key.Key_Down)
    QTest.keyClick(table, Qt.Key.Key_Right)
    assert (table.currentIndex().row(), table.currentIndex().column()) == (1, FIXED_COLUMNS + 1)
    QTest.keyClick(table, Qt.Key.Key_A)
    assert _status(demo_ws, meeting, 1, 1) == "absent"
    QTest.keyClick(table, Qt.Key.Key_Delete)
    assert _status(demo_ws, meeting, 1, 1) is None
    assert dialog.message.text().endswith("sans statut.")


def test_all_present_sets_the_session_and_the_totals_follow(page, meeting, demo_ws):
    page.select_record(meeting)
    dialog = page.open_grid()
    table = dialog.table
    QTest.keyClick(table, Qt.Key.Key_A)  # the first person was absent
    QTest.mouseClick(dialog.all_present_button, Qt.MouseButton.LeftButton)
    grid = att.attendance_grid(demo_ws, meeting)
    statuses = [r.cells[0].status for r in grid.rows]
    assert statuses[0] == "absent"
    excused = [r for r in grid.rows if r.invitation_status == "excuse"]
    assert all(r.cells[0].status == "excuse" for r in excused)
    assert statuses.count("present") == len(grid.rows) - 1 - len(excused)
    assert all(r.cells[1].status is None for r in grid.rows)  # the afternoon is untouched
    total_row = dialog.model.total_row
    totals = grid.totals[0]
    assert dialog.model.index(total_row, 0).data() == "Total"
    assert dialog.model.index(total_row, FIXED_COLUMNS).data().startswith(
        f"{totals.attending}\u00a0présents")
    assert "1\u00a0absent" in dialog.model.index(total_row, FIXED_COLUMNS).data()
    assert dialog.message.text().endswith("présences enregistrées.")


def test_arrival_and_departure_times_are_optional(page, meeting, demo_ws):
    page.select_record(meeting)
    dialog = page.open_grid()
    dialog.arrival_edit.set_value(dt.time(9, 20))
    dialog.departure_edit.set_value(None)
    assert dialog.apply_times()
    cell = att.attendance_grid(demo_ws, meeting).rows[0].cells[0]
    assert (cell.status, cell.arrival, cell.departure) == ("present", dt.time(9, 20), None)
    assert dialog.model.index(0, FIXED_COLUMNS).data() == "Présent(e) · 9\u00a0h\u00a020 → …"
    dialog.departure_edit.set_value(dt.time(9, 0))
    assert not dialog.apply_times()
    assert dialog.message.text() == "L'heure de départ doit suivre l'heure d'arrivée."


def test_a_sealed_session_is_read_only_unless_the_officer_gives_a_reason(page, demo_ws,
                                                                         monkeypatch):
    done = _sealed_training(demo_ws)
    page.select_record(done.id)
    dialog = page.open_grid()
    table = dialog.table
    grid = att.attendance_grid(demo_ws, done.id)
    row = next(i for i, r in enumerate(grid.rows) if not r.cells[0].signed)
    before = grid.rows[row].cells[0].status
    table.setCurrentIndex(dialog.model.index(row, FIXED_COLUMNS))
    assert dialog.model.headerData(FIXED_COLUMNS, Qt.Orientation.Horizontal).endswith("(scellé)")
    QTest.keyClick(table, Qt.Key.Key_Space)
    assert _status(demo_ws, done.id, row, 0) == before
    assert "est scellé" in dialog.message.text()
    assert dialog.officer_button.isEnabled()

    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QInputDialog, "getText",
                        lambda *a, **k: ("Feuille papier mal reportée", True))
    QTest.mouseClick(dialog.officer_button, Qt.MouseButton.LeftButton)
    assert dialog.overrides == {done.sessions[0].id: "Feuille papier mal reportée"}
    assert dialog.override_label.isVisible()
    assert dialog.model.headerData(FIXED_COLUMNS, Qt.Orientation.Horizontal).endswith(
        "(modifiable)")
    table.setCurrentIndex(dialog.model.index(row, FIXED_COLUMNS))
    wanted, key = ("absent", Qt.Key.Key_A) if before != "absent" else ("present", Qt.Key.Key_P)
    QTest.keyClick(table, key)
    assert _status(demo_ws, done.id, row, 0) == wanted
    reasons = [a.reason for a in att.audit_trail(demo_ws, done.id)]
    assert any("Feuille papier mal reportée" in r for r in reasons)

    # The next session is still closed.
    table.setCurrentIndex(dialog.model.index(row, FIXED_COLUMNS + 1))
    assert dialog.officer_button.isEnabled()


def test_a_signature_on_screen_is_not_changed_from_the_paper_grid(page, demo_ws):
    done = _sealed_training(demo_ws)
    page.select_record(done.id)
    dialog = page.open_grid()
    grid = att.attendance_grid(demo_ws, done.id)
    row = next(i for i, r in enumerate(grid.rows) if r.cells[0].signed)
    dialog.table.setCurrentIndex(dialog.model.index(row, FIXED_COLUMNS))
    assert "✓" in dialog.model.index(row, FIXED_COLUMNS).data()
    QTest.keyClick(dialog.table, Qt.Key.Key_Space)
    assert dialog.message.text().endswith("sa présence ne se change pas ici.")


def test_closing_the_grid_refreshes_the_evidence(page, meeting, demo_ws, qtbot):
    page.select_record(meeting)
    before = page.detail_pane.evidence_panel.missing_texts()
    dialog = page.open_grid()
    dialog.all_present()
    dialog.table.setCurrentIndex(dialog.model.index(0, FIXED_COLUMNS + 1))
    dialog.all_present()
    dialog.reject()
    qtbot.waitUntil(lambda: page.dialog is None, timeout=2000)
    after = page.detail_pane.evidence_panel.missing_texts()
    assert after != before and after == list(att.evidence(demo_ws, meeting).missing)
    assert page.window().statusBar().currentMessage() == "Présences enregistrées."


# --- the minutes -----------------------------------------------------------------------------


def test_minutes_take_presents_from_attendance_and_save_follow_ups(page, meeting, demo_ws,
                                                                    qtbot):
    session = svc.get_meeting(demo_ws, meeting).sessions[0]
    att.mark_all_present(demo_ws, session.id)
    svc.set_agenda(demo_ws, meeting, [svc.AgendaItemInput("Bilan de l'année"),
                                      svc.AgendaItemInput("Budget")])
    page.select_record(meeting)
    dialog = page.open_minutes()
    assert isinstance(dialog, MinutesDialog)
    from app.documents.minutes import load_minutes

    expected = load_minutes(demo_ws, meeting)
    assert dialog.present_view.toPlainText().splitlines() == list(expected.present)
    assert dialog.excused_view.toPlainText().splitlines() == list(expected.excused)
    assert len(expected.excused) == 1
    assert dialog.agenda_view.toPlainText().splitlines() == ["1. Bilan de l'année", "2. Budget"]

    QTest.keyClicks(dialog.content_edit, "Le bilan est presente.")
    dialog.decisions_edit.setPlainText("Le budget est adopte.")
    row = dialog.add_follow_up()
    owner = svc.get_meeting(demo_ws, meeting).participants[0]
    dialog.set_follow_up(row, "Envoyer le compte rendu", owner.display_name,
                         TODAY + dt.timedelta(days=7))
    row = dialog.add_follow_up()
    dialog.set_follow_up(row, "")
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.fields_follow.error_text() == (
        "Action 2\u00a0: décrivez l'action de suivi (ou retirez la ligne).")
    dialog.set_follow_up(row, "Relancer les excusés", "Quelqu'un d'extérieur")
    dialog.author_edit.setText("Séverine Mercier")
    dialog.date_edit.set_value(TODAY)
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=2000)

    detail = svc.get_meeting(demo_ws, meeting)
    assert (detail.minutes, detail.decisions) == ("Le bilan est presente.", "Le budget est adopte.")
    assert (detail.minutes_author, detail.minutes_date) == ("Séverine Mercier", TODAY)
    follow = sorted((f.text, f.owner_id, f.owner, f.due_date) for f in detail.follow_ups)
    assert follow == [
        ("Envoyer le compte rendu", owner.person_id, owner.display_name,
         TODAY + dt.timedelta(days=7)),
        ("Relancer les excusés", None, "Quelqu'un d'extérieur", None)]
    assert page.window().statusBar().currentMessage() == "Compte rendu enregistré."

    dialog = page.open_minutes()
    dialog.follow_table.setCurrentCell(0, 0)
    dialog.remove_follow_up()
    assert dialog.save()
    assert len(svc.get_meeting(demo_ws, meeting).follow_ups) == 1
    dialog.reject()


def test_a_minutes_date_in_the_future_is_refused_next_to_it(page, meeting, demo_ws):
    page.select_record(meeting)
    dialog = page.open_minutes()
    dialog.date_edit.set_value(TODAY + dt.timedelta(days=30))
    assert not dialog.save()
    assert dialog.fields["date"].error_text() == (
        "La date du compte rendu ne peut pas être dans le futur.")
    dialog.done(0)


def test_print_the_minutes_opens_the_preview(page, meeting, demo_ws, qtbot):
    page.select_record(meeting)
    dialog = page.open_minutes()
    dialog.content_edit.setPlainText("Compte rendu à imprimer.")
    assert dialog.print_minutes() is not None
    qtbot.waitUntil(lambda: dialog.preview_dialog is not None, timeout=15_000)
    preview = dialog.preview_dialog
    assert preview.page_count == len(preview.images) == page_count(preview.path) >= 1
    assert "Compte rendu à imprimer." in PdfReader(preview.path).pages[0].extract_text()
    assert svc.get_meeting(demo_ws, meeting).minutes == "Compte rendu à imprimer."
    preview.close()
    dialog.reject()


# --- the attendance sheet --------------------------------------------------------------------


def test_the_sheet_preview_shows_one_image_per_page_then_prints_and_saves(
        page, demo_ws, qtbot, tmp_path, monkeypatch):
    meeting_id = svc.create_meeting(demo_ws, MeetingInput(
        kind="formation", title="Formation avec beaucoup d'inscrits",
        sessions=svc.default_sessions(TODAY + dt.timedelta(days=3), 1))).id
    people = [row.id for row in lists.fetch(demo_ws, "contacts", ListQuery(), 0, 80).rows]
    svc.add_participants(demo_ws, meeting_id, people)
    page.select_record(meeting_id)
    dialog = page.open_sheet()
    assert isinstance(dialog, SheetDialog)
    assert dialog.blank_spin.value() == 5
    dialog.blank_spin.setValue(8)
    dialog.preview()
    qtbot.waitUntil(lambda: dialog.preview_dialog is not None, timeout=20_000)
    preview = dialog.preview_dialog
    pages = len(PdfReader(preview.path).pages)
    assert pages == dialog.pages > 1
    assert preview.page_count == len(preview.images) == len(preview.page_labels) == pages
    assert preview.windowTitle().startswith("Aperçu – Feuille d'émargement")
    text = PdfReader(preview.path).pages[0].extract_text()
    assert "Feuille d'émargement" in text and "Page 1 / " in text
    preview.close()

    printed = tmp_path / "imprime.pdf"

    def accept(self):  # the user chose « Imprimer » in the system dialog
        self.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        self.printer().setOutputFileName(str(printed))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    dialog.print_()
    qtbot.waitUntil(lambda: dialog.message.text().endswith("envoyée(s) à l'impression."),
                    timeout=20_000)
    assert len(PdfReader(printed).pages) == pages

    offered = []

    def ask(_parent, _title, start, _filter):
        offered.append(Path(start).name)
        return str(tmp_path / "feuille"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", ask)
    dialog.signed_box.setChecked(True)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.message.text().startswith("Enregistré"), timeout=20_000)
    assert (tmp_path / "feuille.pdf").read_bytes().startswith(b"%PDF")
    detail = svc.get_meeting(demo_ws, meeting_id)
    assert offered == [sheet_name(detail, signed=True)]
    assert "exemplaire signé" in PdfReader(tmp_path / "feuille.pdf").pages[0].extract_text()
    dialog.reject()


# --- scans -----------------------------------------------------------------------------------


def _page_png(pdf_path: Path, dest: Path, index: int = 0) -> Path:
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        image = pdf[index].render(scale=200 / 72).to_pil()
    finally:
        pdf.close()
    image.convert("L").save(dest)
    return dest


def test_a_scanned_sheet_page_is_filed_and_another_is_filed_by_hand(page, meeting, demo_ws,
                                                                   qtbot, tmp_path, monkeypatch):
    sheet = write_attendance_sheet(demo_ws, meeting, tmp_path / "feuille.pdf")
    scan = _page_png(sheet.path, tmp_path / "scan-page-1.png")
    from PIL import Image

    blank = tmp_path / "illisible.png"
    Image.new("L", (800, 1100), 255).save(blank)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *a, **k: ([str(scan), str(blank)], ""))
    page.select_record(meeting)
    detail = svc.get_meeting(demo_ws, meeting)
    dialog = page.open_scans()
    assert isinstance(dialog, ScansDialog)
    assert dialog.choose_files() is not None
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=60_000)

    assert dialog.filed_table.rowCount() == 1
    cells = [dialog.filed_table.item(0, c).text() for c in range(6)]
    assert cells[0] == "scan-page-1.png" and cells[2] == detail.title and cells[4] == "1"
    assert "matin" in cells[3] and "après-midi" in cells[3]
    assert dialog.unfiled_table.rowCount() == 1
    assert dialog.unfiled_table.item(0, 2).text() == "aucun code QR lisible sur cette page"
    assert dialog.filed_title.text() == "Pages classées (1)"

    dialog.unfiled_table.selectRow(0)
    assert dialog.manual_button.isEnabled()
    assert not dialog.file_selected()
    assert dialog.manual_error.text() == "Choisissez au moins un créneau pour cette page."
    dialog.check_session(detail.sessions[1].id)
    dialog.manual_page.setValue(2)
    assert dialog.file_selected()
    assert dialog.unfiled_table.rowCount() == 0 and dialog.filed_table.rowCount() == 2

    from app.documents.scans import scanned_pages

    filed = scanned_pages(demo_ws, meeting)
    assert sorted((sid, p) for sid, p, _a in filed) == sorted(
        [(detail.sessions[0].id, 1), (detail.sessions[1].id, 1), (detail.sessions[1].id, 2)])
    dialog.reject()
    qtbot.waitUntil(lambda: page.dialog is None, timeout=2000)
    assert any("page scannée" in label.text() or "pages scannées" in label.text()
               for label in page.detail_pane.evidence_panel.session_labels)
