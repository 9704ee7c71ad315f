"""The Réunions section and the window: the structure filter, the view remembered across
restarts, and meeting edits in the Édition menu's undo history (Ctrl+Z, Ctrl+Maj+Z)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from app.services import meetings as svc
from app.services.meetings import MeetingInput
from ui import settings
from ui.main import create_application
from ui.mainwindow import MainWindow
from ui.meetings.filters import STRUCTURE_MATCHES
from ui.meetings.form import MeetingDialog
from ui.meetings.participants import InvitationsDialog
from ui.meetings.section import MeetingsSection

TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def no_unexpected_message_box(monkeypatch):
    def unexpected(*args, **_kwargs):
        raise AssertionError(f"boîte de dialogue inattendue\u00a0: {args[1:3]}")

    for name in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, unexpected)


def _window(qtbot, ws) -> MainWindow:
    create_application()
    win = MainWindow(ws)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def window(qtbot, demo_ws):
    return _window(qtbot, demo_ws)


@pytest.fixture
def page(window) -> MeetingsSection:
    section = window.show_section("reunions")
    assert isinstance(section, MeetingsSection)
    return section


def _undo_text(window: MainWindow) -> str:
    return window.undo.undo_action.text()


def _ctrl_z(window: MainWindow, page: MeetingsSection, *, redo: bool = False) -> None:
    window.activateWindow()
    page.table.setFocus()
    mods = Qt.KeyboardModifier.ControlModifier
    if redo:
        mods |= Qt.KeyboardModifier.ShiftModifier
    QTest.keyClick(window, Qt.Key.Key_Z, mods)


def _new_meeting(ws, title: str) -> str:
    return svc.create_meeting(ws, MeetingInput(
        kind="copil", title=title,
        sessions=svc.default_sessions(TODAY + dt.timedelta(days=30), 1))).id


# --- the structure filter ----------------------------------------------------------------


def _represented_structure(ws) -> tuple[str, str]:
    """A structure whose people are invited to some, not all, meetings: (id, name)."""
    total = len(svc.list_meetings(ws))
    for summary in svc.list_meetings(ws):
        for p in svc.get_meeting(ws, summary.id).participants:
            if p.organisation_id and 0 < len(svc.list_meetings(
                    ws, organisation_id=p.organisation_id)) < total:
                return p.organisation_id, p.organisation
    raise LookupError("structure")


def test_the_structure_filter_finds_a_structure_by_a_few_letters(page, demo_ws, qtbot):
    page.ensure_loaded()
    org_id, name = _represented_structure(demo_ws)
    expected = len(svc.list_meetings(demo_ws, organisation_id=org_id))
    field = page.structure_filter
    assert field.placeholderText() == "Toutes les structures"
    QTest.keyClicks(field, name[:6])  # (unfocused: no popup offscreen)
    qtbot.waitUntil(lambda: any(i == org_id for i, _ in field.results), timeout=3000)
    assert len(field.results) <= STRUCTURE_MATCHES
    row = next(r for r, (i, _label) in enumerate(field.results) if i == org_id)
    chosen = field.results[row][1]
    field.choose(row)

    assert page.model.total == expected
    assert ("structure", org_id) in page.filters()
    assert page.clear_filters_button.isEnabled()
    qtbot.waitUntil(lambda: field.text() == chosen, timeout=3000)  # the filter stays written

    field.clear()  # the field's clear button: every meeting again
    assert page.model.total == len(svc.list_meetings(demo_ws))
    assert not page.clear_filters_button.isEnabled()


def test_the_structure_filter_is_cleared_with_the_others(page, demo_ws):
    page.ensure_loaded()
    org_id, name = _represented_structure(demo_ws)
    page.structure_filter.set_value(org_id, name)
    page.status_filter.setCurrentIndex(page.status_filter.findData("prevue"))
    assert page.model.total == len(svc.list_meetings(demo_ws, organisation_id=org_id,
                                                     status="prevue"))
    page.clear_filters()
    assert page.structure_filter.text() == "" and page.structure_filter.value() is None
    assert page.model.total == len(svc.list_meetings(demo_ws))


def test_the_status_filter_shows_its_whole_text(page):
    combo = page.status_filter
    assert combo.currentText() == "Tous les statuts"
    width = combo.fontMetrics().horizontalAdvance("Tous les statuts")
    assert combo.width() >= width + 20  # the text and the arrow, not « Tous les statut: »


# --- the view remembered -----------------------------------------------------------------


def test_the_chosen_view_is_remembered_for_the_next_start(qtbot, demo_ws):
    first = _window(qtbot, demo_ws)
    page = first.show_section("reunions")
    assert page.view_stack.currentWidget() is page.table  # the list by default
    QTest.mouseClick(page.view_buttons["month"], Qt.MouseButton.LeftButton)
    assert settings.meetings_view() == "month"
    first.close()

    again = _window(qtbot, demo_ws).show_section("reunions")
    assert again.view_stack.currentWidget() is again.agenda
    assert again.agenda.mode == "month" and again.view_buttons["month"].isChecked()

    again.set_view("list")
    assert settings.meetings_view() == "list"
    third = _window(qtbot, demo_ws).show_section("reunions")
    assert third.view_stack.currentWidget() is third.table


# --- undo and redo -----------------------------------------------------------------------


def test_a_meeting_created_in_the_form_is_undone_with_ctrl_z_and_redone(window, page, demo_ws, qtbot):
    page.ensure_loaded()
    page.table.setFocus()
    QTest.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = page.dialog
    assert isinstance(dialog, MeetingDialog)
    QTest.keyClicks(dialog.title_edit, "COPIL de printemps")
    dialog.tabs.setCurrentIndex(1)
    dialog.from_edit.set_value(TODAY + dt.timedelta(days=12))
    dialog.days_spin.setValue(1)
    QTest.mouseClick(dialog.add_days_button, Qt.MouseButton.LeftButton)
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=3000)
    meeting_id = page.current.id
    assert page.model.row_of(meeting_id) is not None
    assert _undo_text(window) == "Annuler « Créer la réunion COPIL de printemps »"

    _ctrl_z(window, page)
    assert page.model.row_of(meeting_id) is None
    assert all(m.id != meeting_id for m in svc.list_meetings(demo_ws))
    assert page.current is None and not page.edit_action.isEnabled()
    assert window.statusBar().currentMessage() == "Annulé : Créer la réunion COPIL de printemps"
    assert window.undo.redo_action.text() == "Rétablir « Créer la réunion COPIL de printemps »"

    _ctrl_z(window, page, redo=True)
    assert page.model.row_of(meeting_id) is not None
    detail = svc.get_meeting(demo_ws, meeting_id)
    assert detail.title == "COPIL de printemps" and len(detail.sessions) == 2


def test_a_status_change_in_the_form_is_undone(window, page, demo_ws, qtbot):
    meeting_id = _new_meeting(demo_ws, "Réunion à reporter")
    page.select_record(meeting_id)
    dialog = page.edit_current()
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData("reportee"))
    with qtbot.waitSignal(dialog.finished, timeout=3000):
        QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert svc.get_meeting(demo_ws, meeting_id).status == "reportee"
    assert _undo_text(window) == "Annuler « Modifier la réunion Réunion à reporter »"
    assert ("Statut", "Reportée") in page.detail_pane.detail.fields

    _ctrl_z(window, page)
    assert svc.get_meeting(demo_ws, meeting_id).status == "prevue"
    assert ("Statut", "Prévue") in page.detail_pane.detail.fields


def test_invitations_and_their_statuses_are_undone(window, page, demo_ws, qtbot):
    meeting_id = _new_meeting(demo_ws, "Réunion avec invités")
    people = [p.person_id for p in svc.get_meeting(demo_ws, _any_meeting_with_people(demo_ws))
              .participants[:3]]
    page.select_record(meeting_id)
    dialog = page.open_invitations()
    assert isinstance(dialog, InvitationsDialog)
    result = svc.add_participants(demo_ws, meeting_id, people)
    dialog.panel.changed.emit(result.changes)  # as the « Ajouter » dialog does
    dialog.panel.reload()
    dialog.panel.set_status(people[0], "excuse")
    with qtbot.waitSignal(dialog.finished, timeout=3000):
        dialog.accept()
    assert _undo_text(window) == (
        "Annuler « Modifier les invitations à Réunion avec invités »")

    _ctrl_z(window, page)
    assert svc.get_meeting(demo_ws, meeting_id).participants == ()
    _ctrl_z(window, page, redo=True)
    statuses = {p.person_id: p.invitation_status
                for p in svc.get_meeting(demo_ws, meeting_id).participants}
    assert statuses == {people[0]: "excuse", people[1]: "invite", people[2]: "invite"}


def _any_meeting_with_people(ws) -> str:
    return next(m.id for m in svc.list_meetings(ws) if m.participants >= 3)


def test_a_deleted_meeting_comes_back_with_ctrl_z(window, page, demo_ws, monkeypatch):
    meeting_id = _new_meeting(demo_ws, "Réunion supprimée par erreur")
    page.select_record(meeting_id)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert page.delete_current()
    assert page.model.row_of(meeting_id) is None
    assert _undo_text(window) == "Annuler « Supprimer la réunion Réunion supprimée par erreur »"

    _ctrl_z(window, page)
    assert page.model.row_of(meeting_id) is not None
    assert len(svc.get_meeting(demo_ws, meeting_id).sessions) == 2  # its two half-days too


# --- typography seen while walking through the section -----------------------------------


def test_quoted_titles_and_time_ranges_do_not_break_apart(page, demo_ws):
    meeting_id = _new_meeting(demo_ws, "Formation-action – module « clauses sociales » (3 jours)")
    page.select_record(meeting_id)
    # « module «|clauses » » once wrapped with the guillemet alone at the end of a line.
    assert "«\u00a0clauses sociales\u00a0»" in page.detail_pane.title_text()
    panel = page.detail_pane.evidence_panel
    first = panel.session_labels[0].text()
    assert "9\u00a0h\u00a000\u00a0–\u00a012\u00a0h\u00a030)\u00a0:" in first  # one block, no break


def test_missing_people_are_counted_in_plain_french(page, demo_ws):
    meeting_id = _new_meeting(demo_ws, "Réunion sans présences")
    people = [p.person_id for p in svc.get_meeting(demo_ws, _any_meeting_with_people(demo_ws))
              .participants[:3]]
    svc.add_participants(demo_ws, meeting_id, people)
    page.select_record(meeting_id)
    items = [label.text() for label in page.detail_pane.evidence_panel.item_labels]
    assert any("3\u00a0personnes sans statut de présence" in t for t in items), items
    assert not any("(s)" in t for t in items)
