"""The Réunions section on demo data: the form, the agenda, invitations, the evidence panel and
the export of the invitation, used the way a chargé de mission would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.services import attendance as att
from app.services import meetings as svc
from app.services.meetings import MeetingInput, SessionInput
from ui.meetings.agenda import AgendaView, period_label, period_of
from ui.meetings.form import MeetingDialog
from ui.meetings.participants import (
    AddPeopleDialog,
    CriteriaDialog,
    ImportListDialog,
    InvitationsDialog,
    StructuresDialog,
)
from ui.meetings.section import MeetingsSection

TODAY = dt.date.today()


def plain(text: str) -> str:
    """``text`` with its non-breaking spaces (French typography) as plain spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture(autouse=True)
def no_unexpected_message_box(monkeypatch):
    """A message box nobody expected fails the test instead of waiting for a click."""

    def unexpected(*args, **_kwargs):
        raise AssertionError(f"boîte de dialogue inattendue\u00a0: {args[1:3]}")

    for name in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, unexpected)


@pytest.fixture
def page(window) -> MeetingsSection:
    section = window.show_section("reunions")
    assert isinstance(section, MeetingsSection)
    return section


def _meeting(ws, kind: str, *, past: bool | None = None, sealed: bool | None = None):
    for summary in svc.list_meetings(ws, kind=kind):
        detail = svc.get_meeting(ws, summary.id)
        if not detail.sessions:
            continue
        if past is not None and (detail.sessions[-1].date < TODAY) != past:
            continue
        if sealed is not None and any(s.sealed for s in detail.sessions) != sealed:
            continue
        return detail
    raise LookupError(kind)


def _new_meeting(ws, title: str = "Réunion d'essai", days: int = 1, **extra) -> str:
    start = TODAY + dt.timedelta(days=30)
    return svc.create_meeting(ws, MeetingInput(
        kind=extra.pop("kind", "copil"), title=title,
        sessions=svc.default_sessions(start, days), **extra)).id


# --- the section -----------------------------------------------------------------------------


def test_the_toolbar_offers_every_meeting_action_with_its_shortcut(page):
    texts = [a.iconText() for a in (page.new_action, page.edit_action, page.invitations_action,
                                     page.sheet_action, page.grid_action, page.kiosk_action,
                                     page.minutes_action, page.scans_action, page.ics_action)]
    assert texts == ["Nouvelle réunion", "Modifier", "Invitations…", "Feuille d'émargement…",
                     "Saisir les présences…", "Mode émargement", "Compte rendu…",
                     "Classer des scans…", "Exporter l'invitation (.ics)…"]
    assert page.new_action.shortcut().toString() == "Ctrl+N"
    assert page.sheet_action.shortcut().toString() == "Ctrl+P"
    page.select_first()
    assert page.current is not None
    assert page.edit_action.isEnabled() and page.sheet_action.isEnabled()


def test_filters_narrow_the_list(page, demo_ws):
    page.ensure_loaded()
    formations = len(svc.list_meetings(demo_ws, kind="formation"))
    page.kind_filter.setCurrentIndex(page.kind_filter.findData("formation"))
    assert page.model.total == formations > 0
    assert page.clear_filters_button.isEnabled()
    page.clear_filters()
    assert page.model.total == len(svc.list_meetings(demo_ws))


def test_the_evidence_panel_lists_what_is_missing(page, demo_ws):
    training = _meeting(demo_ws, "formation", past=False)
    page.select_record(training.id)
    panel = page.detail_pane.evidence_panel
    report = att.evidence(demo_ws, training.id)
    assert panel is not None and not report.complete
    assert panel.missing_texts() == list(report.missing)
    assert [label.text() for label in panel.item_labels] == [f"• {t}" for t in report.missing[:4]]
    assert panel.state_label.text().startswith("À compléter après la réunion")
    assert "signature" in panel.session_labels[0].text()

    done = next(m.id for m in svc.list_meetings(demo_ws, kind="formation")
                if att.evidence(demo_ws, m.id).complete)
    page.select_record(done)
    panel = page.detail_pane.evidence_panel
    assert panel.state_label.text() == "✓ Justificatifs complets"
    assert panel.item_labels == [] and panel.property("state") == "complete"
    assert all(label.text().endswith(", scellé") for label in panel.session_labels)


# --- the form --------------------------------------------------------------------------------


def test_create_a_two_day_training_through_the_form(page, demo_ws, qtbot):
    page.ensure_loaded()
    page.table.setFocus()
    QTest.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = page.dialog
    assert isinstance(dialog, MeetingDialog)
    assert dialog.windowTitle() == "Nouvelle réunion"
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("formation"))
    QTest.keyClicks(dialog.title_edit, "Formation des referents clauses")
    dialog.place_edit.setText("Maison de l'emploi – salle 2")

    dialog.tabs.setCurrentIndex(1)
    start = TODAY + dt.timedelta(days=20)
    dialog.from_edit.set_value(start)
    dialog.days_spin.setValue(2)
    QTest.mouseClick(dialog.add_days_button, Qt.MouseButton.LeftButton)
    assert dialog.sessions_table.rowCount() == 4
    assert [dialog.sessions_table.item(r, 3).text() for r in range(4)] == [
        "Matin", "Après-midi", "Matin", "Après-midi"]
    dialog.tabs.setCurrentIndex(2)
    dialog.add_agenda_item()
    dialog.agenda_table.item(0, 0).setText("Les clauses sociales d'insertion")
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: page.dialog is None, timeout=3000)
    meeting = page.current
    assert meeting is not None and meeting.title == "Formation des referents clauses"
    assert meeting.kind == "formation" and meeting.place_name == "Maison de l'emploi – salle 2"
    assert [(s.date, s.start_time, s.end_time, s.label) for s in meeting.sessions] == [
        (start, dt.time(9), dt.time(12, 30), "matin"),
        (start, dt.time(13, 30), dt.time(17), "apres_midi"),
        (start + dt.timedelta(days=1), dt.time(9), dt.time(12, 30), "matin"),
        (start + dt.timedelta(days=1), dt.time(13, 30), dt.time(17), "apres_midi")]
    assert [a.text for a in meeting.agenda] == ["Les clauses sociales d'insertion"]
    assert page.model.row_of(meeting.id) is not None
    assert page.window().statusBar().currentMessage() == (
        "Réunion « Formation des referents clauses » créée.")


def test_the_next_number_of_a_series_is_proposed(page, demo_ws, qtbot):
    expected = svc.next_in_series(demo_ws, "CP")
    dialog = page.new_meeting()
    dialog.series_edit.setFocus()
    QTest.keyClicks(dialog.series_edit, "CP")
    qtbot.waitUntil(lambda: dialog.number_spin.value() == expected.number, timeout=3000)
    assert dialog.series_note.text() == (
        f"Après « CP{expected.number - 1} » vient « CP{expected.number} ».")
    dialog.series_edit.setText("Nouvelle série")
    dialog.propose_number()
    assert dialog.number_spin.value() == 1
    assert dialog.series_note.text() == (
        "Première réunion de la série « Nouvelle série »\u00a0: « Nouvelle série\u00a01 ».")
    dialog.done(0)


def test_refused_values_are_shown_under_their_field_and_nothing_is_lost(page, demo_ws):
    before = len(svc.list_meetings(demo_ws))
    dialog = page.new_meeting()
    dialog.tabs.setCurrentIndex(1)
    dialog.days_spin.setValue(1)
    dialog.add_days()
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.tabs.currentIndex() == 0
    assert dialog.fields["title"].error_text() == "Le titre de la réunion est obligatoire."
    assert dialog.sessions_table.rowCount() == 2

    dialog.title_edit.setText("COPIL à renuméroter")
    dialog.series_edit.setText("CP")
    dialog.number_spin.setValue(4)  # CP4 exists in the demo
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert plain(dialog.fields["number"].error_text()) == (
        "La réunion « CP4 » existe déjà : choisissez un autre numéro.")

    dialog.number_spin.setValue(0)
    dialog.tabs.setCurrentIndex(1)
    end = dialog.sessions_table.cellWidget(0, 2)
    end.set_value(dt.time(8, 0))
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.tabs.currentIndex() == 1
    assert dialog.fields["sessions"].error_text().startswith("L'heure de fin doit suivre")
    assert dialog.title_edit.text() == "COPIL à renuméroter"
    assert len(svc.list_meetings(demo_ws)) == before
    dialog.done(0)  # closed without the « abandon the changes? » question


def test_a_signed_session_can_no_longer_be_removed(page, demo_ws):
    done = _meeting(demo_ws, "formation", past=True, sealed=True)
    page.select_record(done.id)
    dialog = page.edit_current()
    assert dialog.windowTitle() == f"Modifier la réunion – {done.title}"
    dialog.tabs.setCurrentIndex(1)
    dialog.sessions_table.selectRow(0)
    dialog.remove_session()
    assert dialog.sessions_table.rowCount() == len(done.sessions)
    assert dialog.fields["sessions"].error_text() == (
        f"Le créneau du {svc.fmt.date_long(done.sessions[0].date)} est scellé\u00a0: il ne peut "
        "plus être modifié.")
    assert not dialog.sessions_table.cellWidget(0, 0).isEnabled()
    dialog.reject()


def test_agenda_items_are_added_moved_and_removed(page, demo_ws):
    meeting_id = _new_meeting(demo_ws)
    page.select_record(meeting_id)
    dialog = page.edit_current()
    for text in ("Accueil", "Bilan", "Perspectives"):
        dialog.add_agenda_item()
        dialog.agenda_table.item(dialog.agenda_table.rowCount() - 1, 0).setText(text)
    dialog.agenda_table.setCurrentCell(2, 0)
    dialog.move_agenda_item(-1)
    dialog.agenda_table.setCurrentCell(0, 0)
    dialog.remove_agenda_item()
    assert dialog.save()
    dialog.accept()
    assert [a.text for a in svc.get_meeting(demo_ws, meeting_id).agenda] == [
        "Perspectives", "Bilan"]


def test_sessions_added_one_by_one_follow_the_half_days(page, demo_ws):
    dialog = page.new_meeting()
    dialog.from_edit.set_value(dt.date(2027, 3, 1))
    dialog.add_session()
    dialog.add_session()
    dialog.add_session()
    rows = [(r.date, r.start, r.end) for r in dialog.session_rows]
    assert rows == [(dt.date(2027, 3, 1), dt.time(9), dt.time(12, 30)),
                    (dt.date(2027, 3, 1), dt.time(13, 30), dt.time(17)),
                    (dt.date(2027, 3, 2), dt.time(9), dt.time(12, 30))]
    dialog.sessions_table.selectRow(1)
    dialog.remove_session()
    assert len(dialog.session_rows) == 2
    dialog.done(0)  # closed without the « abandon the changes? » question


# --- invitations -----------------------------------------------------------------------------


def test_invite_one_by_one_by_structure_and_by_category(page, demo_ws, qtbot):
    meeting_id = _new_meeting(demo_ws, "Réunion des partenaires")
    page.select_record(meeting_id)
    dialog = page.open_invitations()
    assert isinstance(dialog, InvitationsDialog)
    panel = dialog.panel

    add = panel.add_people()
    assert isinstance(add, AddPeopleDialog)
    add.search_field.setText("laurent")
    add.run_search()
    assert add.results.count() >= 1
    first_id = add.results.item(0).data(Qt.ItemDataRole.UserRole)
    add.choose(first_id)
    add.role_combo.setCurrentIndex(add.role_combo.findData("intervenant"))
    assert add.invite_button.text() == "&Inviter (1)"
    add.accept()
    qtbot.waitUntil(lambda: panel.dialog is None, timeout=2000)
    assert [(p.person_id, p.role) for p in panel.participants] == [(first_id, "intervenant")]
    assert panel.message.text() == "1\u00a0personne invitée."

    structures = panel.add_structures()
    assert isinstance(structures, StructuresDialog)
    structures.picker.setText("coorace")
    structures.picker.run_search()
    structures.picker.choose(0)
    assert len(structures.ids()) == 1
    structures.accept()
    qtbot.waitUntil(lambda: panel.dialog is None, timeout=2000)
    assert len(panel.participants) > 1

    criteria = panel.add_by_criteria()
    assert isinstance(criteria, CriteriaDialog)
    criteria.accept()
    assert criteria.isVisible()
    assert criteria.fields["categories"].error_text().startswith("Choisissez au moins une")
    criteria.check_category("elu")
    before = {p.person_id for p in panel.participants}
    criteria.accept()
    qtbot.waitUntil(lambda: panel.dialog is None, timeout=2000)
    added = [p for p in panel.participants if p.person_id not in before]
    assert added and all(p.category == "elu" for p in added)

    # Role and status are changed in the table itself.
    combo = panel.table.cellWidget(0, 4)
    combo.setCurrentIndex(combo.findData("excuse"))
    person = panel.participants[0].person_id
    assert next(p for p in svc.get_meeting(demo_ws, meeting_id).participants
                if p.person_id == person).invitation_status == "excuse"

    dialog.reject()
    qtbot.waitUntil(lambda: page.dialog is None, timeout=2000)
    assert page.current.id == meeting_id
    assert len(page.current.participants) == len(panel.participants)


def test_invite_everyone_from_the_previous_meeting_of_the_series(page, demo_ws):
    expected = svc.next_in_series(demo_ws, "CP")
    previous = svc.get_meeting(demo_ws, expected.previous_meeting_id)
    meeting_id = _new_meeting(demo_ws, "COPIL suivant", series="CP", number=expected.number)
    page.select_record(meeting_id)
    dialog = page.open_invitations()
    result = dialog.panel.add_from_previous()
    wanted = {p.person_id for p in previous.participants if p.invitation_status != "desinscrit"}
    assert result is not None and result.added == len(wanted)
    assert {p.person_id for p in dialog.panel.participants} == wanted
    assert dialog.panel.message.text().startswith(f"Depuis « {previous.reference} »\u00a0: ")
    dialog.reject()


def test_a_new_meeting_is_saved_before_its_first_invitation(page, demo_ws, qtbot):
    dialog = page.new_meeting()
    dialog.tabs.setCurrentIndex(3)
    assert dialog.participants.add_people() is None  # no title yet: the form says so
    assert dialog.tabs.currentIndex() == 0
    assert dialog.fields["title"].error_text() == "Le titre de la réunion est obligatoire."
    dialog.title_edit.setText("Groupe de travail clauses")
    assert dialog.speakers_label.text() == "aucun(e) pour l'instant"
    add = dialog.participants.add_people()
    assert dialog.meeting_id is not None and isinstance(add, AddPeopleDialog)
    person_id = add.results.item(0).data(Qt.ItemDataRole.UserRole)
    add.choose(person_id)
    add.role_combo.setCurrentIndex(add.role_combo.findData("intervenant"))
    add.accept()
    qtbot.waitUntil(lambda: dialog.participants.dialog is None, timeout=2000)
    name = dialog.participants.participants[0].display_name
    assert dialog.speakers_label.text() == f"{name} (intervenant(e))"
    dialog.reject()
    qtbot.waitUntil(lambda: page.dialog is None, timeout=2000)
    assert page.current is not None and page.current.id == dialog.meeting_id


def test_import_a_list_previews_then_creates_the_unknown(page, demo_ws, qtbot, tmp_path,
                                                         monkeypatch):
    meeting_id = _new_meeting(demo_ws, "Information collective")
    known = svc.get_meeting(demo_ws, _meeting(demo_ws, "copil").id).participants[0]
    csv = tmp_path / "inscrits.csv"
    csv.write_text("Nom;Prénom;Structure\n"
                   f"{known.last_name};{known.first_name};{known.organisation}\n"
                   "Nouvelle-Personne;Zoé;Association des Tests\n"
                   ";Sans nom;\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(csv), ""))
    page.select_record(meeting_id)
    dialog = page.open_invitations()
    panel = dialog.panel
    importer = panel.import_list()
    assert isinstance(importer, ImportListDialog)
    qtbot.waitUntil(lambda: importer.preview is not None, timeout=10_000)
    assert importer.table.rowCount() == 3
    outcomes = [importer.table.item(r, 5).text() for r in range(3)]
    assert outcomes == ["à inviter", "inconnu(e)\u00a0: contact absent de la base",
                        "rejetée\u00a0: nom manquant"]
    assert "Rien n'est encore enregistré" in importer.summary.text()
    assert svc.get_meeting(demo_ws, meeting_id).participants == ()
    assert importer.create_button.isEnabled()
    QTest.mouseClick(importer.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.dialog is None, timeout=10_000)
    names = panel.names()
    assert known.display_name in names and "Zoé NOUVELLE-PERSONNE" in names
    assert panel.message.text() == ("Liste « inscrits.csv »\u00a0: 2\u00a0personnes invitées, dont "
                                    "1\u00a0personne créée.")
    dialog.reject()


def test_an_unreadable_list_is_explained(page, demo_ws, qtbot, tmp_path, monkeypatch):
    meeting_id = _new_meeting(demo_ws)
    bad = tmp_path / "liste.csv"
    bad.write_text("Prénom;Ville\nZoé;Auxerre\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    page.select_record(meeting_id)
    dialog = page.open_invitations()
    importer = dialog.panel.import_list()
    qtbot.waitUntil(lambda: importer.error.isVisibleTo(importer), timeout=10_000)
    assert "Nom" in importer.error.text()
    assert not importer.known_button.isEnabled() and not importer.create_button.isEnabled()
    importer.reject()
    dialog.reject()


def test_a_person_who_signed_cannot_be_withdrawn(page, demo_ws, monkeypatch):
    done = _meeting(demo_ws, "formation", past=True, sealed=True)
    page.select_record(done.id)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    dialog = page.open_invitations()
    panel = dialog.panel
    count = len(panel.participants)
    panel.table.selectRow(0)
    panel.remove_selected()
    assert len(panel.participants) == count
    assert "a déjà émargé" in warned[0]
    dialog.reject()


# --- the agenda ------------------------------------------------------------------------------


def test_period_labels_are_french():
    assert period_label("week", dt.date(2026, 11, 25)) == "Semaine du 23 au 29 novembre 2026"
    assert period_label("week", dt.date(2026, 12, 30)) == (
        "Semaine du 28 décembre 2026 au 3 janvier 2027")
    assert period_label("month", dt.date(2026, 11, 25)) == "Novembre 2026"
    start, end = period_of("month", dt.date(2026, 11, 25))
    assert start == dt.date(2026, 10, 26) and (end - start).days == 41


def test_agenda_week_and_month_show_sessions_and_a_click_opens_the_meeting(page, demo_ws, qtbot):
    training = _meeting(demo_ws, "formation", past=False)
    page.select_record(training.id)
    page.set_view("week")
    agenda = page.agenda
    assert isinstance(agenda, AgendaView)
    assert page.view_stack.currentWidget() is agenda
    agenda.set_day(training.sessions[0].date)
    placed = [p for p in agenda.canvas.placed() if p.entry and p.entry.meeting_id == training.id]
    assert len(placed) == sum(1 for s in training.sessions
                              if period_of("week", training.sessions[0].date)[0] <= s.date
                              <= period_of("week", training.sessions[0].date)[1])
    assert agenda.period_label.text() == period_label("week", training.sessions[0].date)

    other = next(p for p in agenda.canvas.placed() if p.entry)
    page.select_record(_new_meeting(demo_ws))  # something else shown first
    QTest.mouseClick(agenda.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     other.rect.center().toPoint())
    assert page.current.id == other.entry.meeting_id
    QTest.mouseDClick(agenda.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                      other.rect.center().toPoint())
    dialog = page.dialog
    assert isinstance(dialog, MeetingDialog) and dialog.meeting_id == other.entry.meeting_id
    dialog.reject()

    page.set_view("month")
    assert agenda.mode == "month"
    assert agenda.period_label.text() == period_label("month", agenda.day)
    entries = [p for p in agenda.canvas.placed() if p.entry]
    assert entries and all(isinstance(p.rect.center(), type(other.rect.center())) for p in entries)
    agenda.step(1)
    assert agenda.day.month == (training.sessions[0].date.month % 12) + 1
    page.set_view("list")
    assert page.view_stack.currentWidget() is page.table


def test_month_view_double_click_on_a_day_shows_its_week(page, qtbot):
    page.set_view("month")
    agenda = page.agenda
    agenda.set_day(dt.date(2031, 1, 10))  # a month without any meeting
    canvas = agenda.canvas
    assert canvas.placed() == [] and agenda.count_label.text() == "Aucune réunion sur cette période"
    # Thursday 16 January 2031: third row (the grid starts on Monday 30 December 2030).
    cell_w = canvas.width() / 7
    cell_h = (canvas.height() - 26) / 6
    point = QPoint(int(3 * cell_w + cell_w / 2), int(26 + 2 * cell_h + cell_h / 2))
    assert canvas.day_at(point.toPointF()) == dt.date(2031, 1, 16)
    QTest.mouseDClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    assert agenda.mode == "week" and agenda.day == dt.date(2031, 1, 16)
    assert page.view_buttons["week"].isChecked()
    assert agenda.period_label.text() == "Semaine du 13 au 19 janvier 2031"


# --- the invitation file ---------------------------------------------------------------------


def test_export_the_invitation_as_ics(page, demo_ws, tmp_path, monkeypatch):
    meeting_id = _new_meeting(demo_ws, "COPIL avec invitation")
    page.select_record(meeting_id)
    offered = []

    def ask(_parent, _title, start, _filter):
        offered.append(Path(start).name)
        return str(tmp_path / "invitation"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", ask)
    dest = page.export_ics()
    assert dest == tmp_path / "invitation.ics"
    text = dest.read_text(encoding="utf-8")
    assert text.startswith("BEGIN:VCALENDAR") and "COPIL avec invitation" in text
    assert offered[0].startswith("invitation-") and offered[0].endswith(".ics")


def test_a_meeting_without_evidence_can_be_deleted(page, demo_ws, monkeypatch):
    meeting_id = _new_meeting(demo_ws, "Réunion à supprimer")
    page.select_record(meeting_id)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert page.delete_current()
    assert page.model.row_of(meeting_id) is None
    assert all(m.id != meeting_id for m in svc.list_meetings(demo_ws))


def test_sessions_refused_by_the_service_keep_the_form_open(page, demo_ws):
    meeting_id = _new_meeting(demo_ws, "Formation courte", kind="formation")
    detail = svc.get_meeting(demo_ws, meeting_id)
    person = svc.get_meeting(demo_ws, _meeting(demo_ws, "copil").id).participants[0].person_id
    svc.add_participants(demo_ws, meeting_id, [person])
    png = att.signature_png_from_strokes([[[0, 0, 0.5], [40, 10, 0.5]]])
    att.record_signature(demo_ws, att.SignatureInput(detail.sessions[0].id, person,
                                                     [[[0, 0, 0.5], [40, 10, 0.5]]], png))
    page.select_record(meeting_id)
    dialog = page.edit_current()
    # The table was read before the signature for an unsigned copy: simulate a stale form.
    dialog.session_rows[0].signatures = 0
    dialog.session_rows[0].start = dt.time(10, 0)
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.tabs.currentIndex() == 1
    assert "porte déjà des signatures" in dialog.fields["sessions"].error_text()
    assert [s.start_time for s in svc.get_meeting(demo_ws, meeting_id).sessions][0] == dt.time(9)
    dialog.done(0)  # closed without the « abandon the changes? » question


def test_unknown_sessions_input_is_refused_in_french():
    with pytest.raises(svc.ValidationError):
        svc.default_sessions(TODAY, 0)
    assert SessionInput(TODAY).start_time == dt.time(9)
