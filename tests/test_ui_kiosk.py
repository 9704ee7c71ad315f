"""The signing kiosk driven like a participant would: taps, mouse strokes on the pad,
« Valider », the walk-in form, the trainer's countersignature, leaving with the officer."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QPointingDevice, QTabletEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenuBar, QMessageBox

from app.errors import ValidationError
from app.services import attendance as att
from app.services import lock as lock_service
from app.services import meetings as svc
from app.services.meetings import MeetingInput
from ui.kiosk.pad import SignaturePad, smooth_segments
from ui.kiosk.window import KioskWindow
from ui.meetings.section import MeetingsSection

TODAY = dt.date.today()
PASSWORD = "un-secret-solide"


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
def training(demo_ws) -> str:
    """A two-day training to come, with the participants of a demo COPIL (one by phone and
    e-mail in the base: none of it may show)."""
    start = TODAY + dt.timedelta(days=10)
    meeting_id = svc.create_meeting(demo_ws, MeetingInput(
        kind="formation", title="Formation à l'accueil des publics",
        sessions=svc.default_sessions(start, 2))).id
    source = next(m for m in svc.list_meetings(demo_ws, kind="copil") if m.participants >= 10)
    people = [p.person_id for p in svc.get_meeting(demo_ws, source.id).participants]
    svc.add_participants(demo_ws, meeting_id, people)
    trainer = people[0]
    svc.set_role(demo_ws, meeting_id, trainer, "intervenant")
    return meeting_id


@pytest.fixture
def kiosk(page, training, qtbot) -> KioskWindow:
    page.select_record(training)
    window = page.start_kiosk()
    assert isinstance(window, KioskWindow)
    # Not given to qtbot: it would close it before this fixture lets the officer leave.
    qtbot.waitExposed(window)
    yield window
    if not window._may_close:  # the officer lets it close at the end of the test
        window.leave()


def sign(qtbot, pad: SignaturePad, strokes: int = 2) -> None:
    """Sign on the pad with the mouse: press, a wavy path of moves, release."""
    for n in range(strokes):
        y0 = 60 + 40 * n
        path = [QPoint(40 + 9 * i, y0 + int(18 * math.sin(i / 2.5))) for i in range(40)]
        QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, path[0])
        for point in path[1:]:
            QTest.mouseMove(pad, point)
        QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           path[-1])


def tap_name(kiosk: KioskWindow, name: str) -> None:
    names = kiosk.entry_names()
    row = names.index(name)
    item = kiosk.name_list.item(row)
    rect = kiosk.name_list.visualItemRect(item)
    QTest.mouseClick(kiosk.name_list.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, rect.center())


def choose_first_session(kiosk: KioskWindow) -> str:
    session = kiosk.meeting.sessions[0]
    QTest.mouseClick(kiosk.session_buttons[session.id], Qt.MouseButton.LeftButton)
    assert kiosk.stack.currentIndex() == KioskWindow.PAGE_LIST
    return session.id


# --- signing ---------------------------------------------------------------------------------


def test_the_kiosk_hides_the_application_and_shows_only_the_session_list(kiosk, window, demo_ws,
                                                                         training):
    assert window.isHidden()
    assert kiosk.isVisible() and kiosk.isWindow()
    assert not kiosk.findChildren(QMenuBar)
    assert kiosk.stack.currentIndex() == KioskWindow.PAGE_SESSIONS
    assert len(kiosk.session_buttons) == 4
    session_id = choose_first_session(kiosk)
    expected = att.kiosk_list(demo_ws, session_id)
    assert kiosk.entry_names() == [e.display_name for e in expected.entries]
    assert kiosk.count_label.text() == f"0 / {len(expected.entries)} signature"
    # No contact detail anywhere: neither on screen nor in the data the list holds.
    from app.services.partners import get_person

    shown = " ".join(label.text() for label in kiosk.findChildren(type(kiosk.caption_label)))
    for entry in expected.entries:
        person = get_person(demo_ws, entry.person_id)
        for detail in (person.email, person.phone, person.mobile):
            if detail:
                assert detail not in shown
        item = kiosk.name_list.item(kiosk.entry_names().index(entry.display_name))
        assert set(vars(item.data(Qt.ItemDataRole.UserRole))) == {
            "person_id", "display_name", "organisation", "signed", "status"}


def test_search_then_sign_with_the_mouse(kiosk, demo_ws, qtbot):
    session_id = choose_first_session(kiosk)
    entries = att.kiosk_list(demo_ws, session_id).entries
    target = entries[3]
    QTest.keyClicks(kiosk.search_field, target.display_name.split()[-1].lower()[:5])
    assert target.display_name in kiosk.entry_names()
    assert len(kiosk.entry_names()) < len(entries)
    tap_name(kiosk, target.display_name)
    assert kiosk.stack.currentIndex() == KioskWindow.PAGE_PAD
    assert kiosk.pad_heading.text() == target.display_name
    assert not kiosk.validate_button.isEnabled()

    sign(qtbot, kiosk.pad, strokes=2)
    assert kiosk.validate_button.isEnabled()
    assert len(kiosk.pad.strokes()) == 2
    QTest.mouseClick(kiosk.validate_button, Qt.MouseButton.LeftButton)

    assert kiosk.stack.currentIndex() == KioskWindow.PAGE_LIST
    assert kiosk.thanks_label.isVisible()
    assert kiosk.thanks_label.text() == (
        f"Merci, {target.display_name}\u00a0: votre signature est enregistrée.")
    assert kiosk.last_save_ms is not None and kiosk.last_save_ms < 100
    assert kiosk.search_field.text() == ""
    entry = next(e for e in kiosk.kiosk.entries if e.person_id == target.person_id)
    assert entry.signed and entry.status == "present"
    assert kiosk.count_label.text() == f"1 / {len(entries)} signature"

    grid = att.attendance_grid(demo_ws, kiosk.meeting_id)
    row = next(r for r in grid.rows if r.person_id == target.person_id)
    cell = row.cells[0]
    assert cell.signed and cell.status == "present" and cell.mode == "tablette"
    assert cell.signed_at is not None
    strokes = att.signature_strokes(demo_ws, session_id, target.person_id)
    assert len(strokes) == 2 and all(len(s) > 10 for s in strokes)
    assert all(len(point) == 4 and point[2] == 0.5 for s in strokes for point in s)
    assert strokes[0][-1][3] >= strokes[0][0][3]  # times in milliseconds, increasing
    png = att.signature_image(demo_ws, session_id, target.person_id)
    image = QImage.fromData(png)
    assert png.startswith(b"\x89PNG") and 0 < image.width() <= 600 and image.height() <= 200

    # Signed already: a second tap says so and opens no pad.
    tap_name(kiosk, target.display_name)
    assert kiosk.stack.currentIndex() == KioskWindow.PAGE_LIST
    assert kiosk.thanks_label.text() == (
        f"{target.display_name}, vous avez déjà signé pour ce créneau.")


def test_effacer_empties_the_pad_and_retour_signs_nothing(kiosk, demo_ws, qtbot):
    session_id = choose_first_session(kiosk)
    target = kiosk.kiosk.entries[0]
    tap_name(kiosk, target.display_name)
    sign(qtbot, kiosk.pad, strokes=1)
    assert not kiosk.pad.is_empty
    QTest.mouseClick(kiosk.clear_button, Qt.MouseButton.LeftButton)
    assert kiosk.pad.is_empty and not kiosk.validate_button.isEnabled()
    QTest.mouseClick(kiosk.back_button, Qt.MouseButton.LeftButton)
    assert kiosk.stack.currentIndex() == KioskWindow.PAGE_LIST
    assert att.signature_image(demo_ws, session_id, target.person_id) is None


def test_a_walk_in_signs_after_giving_their_name(kiosk, demo_ws, qtbot):
    session_id = choose_first_session(kiosk)
    before = len(kiosk.kiosk.entries)
    QTest.mouseClick(kiosk.walk_in_button, Qt.MouseButton.LeftButton)
    assert kiosk.stack.currentIndex() == KioskWindow.PAGE_WALK_IN
    QTest.mouseClick(kiosk.walk_in_next, Qt.MouseButton.LeftButton)
    assert kiosk.walk_in_fields["last_name"].error_text() == "Indiquez votre nom."
    assert kiosk.walk_in_fields["first_name"].error_text() == "Indiquez votre prénom."

    someone = kiosk.kiosk.entries[0]
    first, last = someone.display_name.split(" ", 1)
    kiosk.last_name_edit.setText(last.title())
    kiosk.first_name_edit.setText(first)
    QTest.mouseClick(kiosk.walk_in_next, Qt.MouseButton.LeftButton)
    assert "est déjà sur la liste" in kiosk.walk_in_fields["last_name"].error_text()

    kiosk.last_name_edit.setText("Madi")
    kiosk.first_name_edit.setText("Anlaouddine")
    kiosk.organisation_edit.setText("Association des Tests de Mamoudzou")
    kiosk.category_combo.setCurrentIndex(kiosk.category_combo.findData("professionnel_siae"))
    QTest.mouseClick(kiosk.walk_in_next, Qt.MouseButton.LeftButton)
    assert kiosk.stack.currentIndex() == KioskWindow.PAGE_PAD
    assert kiosk.pad_heading.text() == "Anlaouddine MADI"
    sign(qtbot, kiosk.pad)
    QTest.mouseClick(kiosk.validate_button, Qt.MouseButton.LeftButton)

    assert kiosk.stack.currentIndex() == KioskWindow.PAGE_LIST
    assert kiosk.thanks_label.text().startswith("Merci, Anlaouddine MADI")
    assert len(kiosk.kiosk.entries) == before + 1
    entry = next(e for e in kiosk.kiosk.entries if e.display_name == "Anlaouddine MADI")
    assert entry.signed and entry.organisation == "Association des Tests de Mamoudzou"
    participant = next(p for p in svc.get_meeting(demo_ws, kiosk.meeting_id).participants
                       if p.person_id == entry.person_id)
    assert (participant.invitation_status, participant.category) == ("inscrit",
                                                                     "professionnel_siae")
    assert att.signature_image(demo_ws, session_id, entry.person_id) is not None


def test_the_countersignature_seals_the_session_and_further_changes_are_refused(
        kiosk, demo_ws, qtbot, window):
    session_id = choose_first_session(kiosk)
    first = kiosk.kiosk.entries[1]
    tap_name(kiosk, first.display_name)
    sign(qtbot, kiosk.pad)
    QTest.mouseClick(kiosk.validate_button, Qt.MouseButton.LeftButton)

    QTest.mouseClick(kiosk.countersign_button, Qt.MouseButton.LeftButton)
    assert kiosk.stack.currentIndex() == KioskWindow.PAGE_PAD
    assert kiosk.signer_box.isVisible()
    trainer = next(p for p in kiosk.meeting.participants if p.role == "intervenant")
    assert kiosk.signer_combo.currentText() == trainer.display_name
    assert kiosk.validate_button.text() == "Valider et clore le créneau"
    sign(qtbot, kiosk.pad)
    QTest.mouseClick(kiosk.validate_button, Qt.MouseButton.LeftButton)

    assert kiosk.stack.currentIndex() == KioskWindow.PAGE_LIST
    assert kiosk.thanks_label.text() == (
        f"Créneau clos\u00a0: contre-signé par {trainer.display_name}. Merci.")
    session = next(s for s in svc.get_meeting(demo_ws, kiosk.meeting_id).sessions
                   if s.id == session_id)
    assert session.sealed and session.sealed_by == trainer.display_name
    assert att.countersign_image(demo_ws, session_id).startswith(b"\x89PNG")
    assert kiosk.closed_label.isVisible()
    assert not kiosk.name_list.isEnabled() and not kiosk.walk_in_button.isEnabled()

    other = kiosk.kiosk.entries[2]
    png = att.signature_png_from_strokes([[[0, 0, 0.5], [30, 5, 0.5]]])
    with pytest.raises(ValidationError) as refused:
        att.record_signature(demo_ws, att.SignatureInput(session_id, other.person_id,
                                                         [[[0, 0, 0.5], [30, 5, 0.5]]], png))
    assert refused.value.code == "session-scellee"
    with pytest.raises(ValidationError):
        att.set_attendance(demo_ws, att.AttendanceEntry(session_id, other.person_id, "absent"))
    kiosk.choose_person(other.person_id)  # a tap on the closed list does nothing
    assert kiosk.stack.currentIndex() == KioskWindow.PAGE_LIST

    kiosk.leave()
    assert window.statusBar().currentMessage() == (
        "Mode émargement terminé\u00a0: 1\u00a0signature recueillie, 1\u00a0créneau clos.")
    page = window.section_page("reunions")
    assert page.current.id == kiosk.meeting_id
    assert page.current.sessions[0].sealed
    assert page.detail_pane.evidence_panel.session_labels[0].text().endswith(", scellé")


def test_a_countersignature_needs_a_name(kiosk, qtbot):
    choose_first_session(kiosk)
    kiosk.start_countersign()
    kiosk.signer_combo.setCurrentText("")
    sign(qtbot, kiosk.pad)
    kiosk.validate()
    assert kiosk.stack.currentIndex() == KioskWindow.PAGE_PAD
    assert kiosk.pad_error.text() == "Indiquez le nom de la personne qui contre-signe."


# --- leaving ---------------------------------------------------------------------------------


def test_leaving_asks_the_officer_and_brings_the_application_back(kiosk, window, qtbot,
                                                                   monkeypatch, demo_ws):
    asked = []

    def answer(reply):
        def question(_parent, title, text, *_args):
            asked.append((title, text))
            return reply
        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    QTest.keyClick(kiosk, Qt.Key.Key_Escape)
    assert asked and asked[0][0] == "Quitter le mode émargement"
    assert kiosk.isVisible() and window.isHidden()

    kiosk.close()  # Alt+F4 and the like: refused, the officer is asked
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=2000)
    assert kiosk.isVisible()

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    with qtbot.waitSignal(kiosk.exited, timeout=2000):
        QTest.mouseClick(kiosk.findChildren(type(kiosk.walk_in_button), "kioskDiscreet")[0],
                         Qt.MouseButton.LeftButton)
    assert not kiosk.isVisible()
    assert window.isVisible()
    page = window.section_page("reunions")
    assert page.kiosk is None
    assert window.statusBar().currentMessage() == "Mode émargement terminé."


def test_leaving_needs_the_password_when_one_is_set(page, training, qtbot, demo_ws, window):
    lock_service.set_password(demo_ws, PASSWORD)
    page.select_record(training)
    kiosk = page.start_kiosk()
    assert kiosk.stack.currentIndex() == KioskWindow.PAGE_SESSIONS
    QTest.keyClick(kiosk, Qt.Key.Key_Escape)
    dialog = kiosk.officer_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "Quitter le mode émargement"
    dialog.prompt.field.setText("pas le bon")
    dialog.prompt.submit()
    qtbot.waitUntil(lambda: dialog.prompt.error.text() == "Mot de passe incorrect.",
                    timeout=10_000)
    assert kiosk.isVisible()
    dialog.prompt.field.setText(PASSWORD)
    with qtbot.waitSignal(kiosk.exited, timeout=10_000):
        dialog.prompt.submit()
    assert not kiosk.isVisible() and window.isVisible()


def test_changing_session_needs_the_officer_too(kiosk, monkeypatch):
    choose_first_session(kiosk)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    QTest.mouseClick(kiosk.change_session_button, Qt.MouseButton.LeftButton)
    assert kiosk.stack.currentIndex() == KioskWindow.PAGE_SESSIONS


def test_the_inactivity_lock_is_suspended_while_the_kiosk_runs(page, training, window, demo_ws,
                                                               qtbot, monkeypatch):
    lock = window.lock_controller
    suspended = []
    monkeypatch.setattr(lock, "set_suspended", lambda value: suspended.append(value))
    page.select_record(training)
    kiosk = page.start_kiosk(svc.get_meeting(demo_ws, training).sessions[1].id)
    assert kiosk.stack.currentIndex() == KioskWindow.PAGE_LIST
    assert suspended == [True]
    kiosk.leave()
    assert suspended == [True, False]


# --- the pad ---------------------------------------------------------------------------------


def test_the_pad_smooths_strokes_and_crops_its_image(qtbot):
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(600, 240)
    pad.show()
    sign(qtbot, pad, strokes=1)
    points = pad.strokes()[0]
    segments = smooth_segments([tuple(p) for p in points])  # type: ignore[misc]
    assert len(segments) == len(points) - 1
    # A quadratic curve (Qt keeps it as the equivalent cubic): start, two controls, end.
    assert segments[0][0].elementCount() == 4
    ink = pad.ink_rect()
    image = pad.to_image()
    assert image.width() < pad.width() and image.width() >= ink.width()
    assert image.pixelColor(0, 0).alpha() == 0  # transparent around the ink
    pad.clear()
    assert pad.is_empty and pad.strokes() == []


def test_the_stylus_pressure_is_kept(qtbot):
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(500, 200)
    pad.show()
    device = QPointingDevice("stylet", 42, QPointingDevice.DeviceType.Stylus,
                             QPointingDevice.PointerType.Pen,
                             QPointingDevice.Capability.Position | QPointingDevice.Capability.Pressure,
                             1, 3)
    for kind, x, pressure in ((QTabletEvent.Type.TabletPress, 20, 0.2),
                              (QTabletEvent.Type.TabletMove, 60, 0.6),
                              (QTabletEvent.Type.TabletMove, 100, 0.9),
                              (QTabletEvent.Type.TabletRelease, 100, 0.0)):
        point = QPointF(x, 50)
        event = QTabletEvent(kind, device, point, pad.mapToGlobal(point), pressure, 0, 0, 0, 0, 0,
                             Qt.KeyboardModifier.NoModifier, Qt.MouseButton.LeftButton,
                             Qt.MouseButton.LeftButton)
        QApplication.sendEvent(pad, event)
    (stroke,) = pad.strokes()
    assert [p[2] for p in stroke] == [0.2, 0.6, 0.9]
    assert json.dumps(stroke)  # plain numbers, as the service stores them


def test_a_finger_on_a_touch_screen_signs_too(qtbot):
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(500, 200)
    pad.show()
    screen = QTest.createTouchDevice()
    QTest.touchEvent(pad, screen).press(0, QPoint(20, 30)).commit()
    for x in range(30, 200, 10):
        QTest.touchEvent(pad, screen).move(0, QPoint(x, 30 + x // 5)).commit()
    QTest.touchEvent(pad, screen).release(0, QPoint(200, 70)).commit()
    (stroke,) = pad.strokes()  # one stroke: no mouse event is synthesised on top of it
    assert len(stroke) > 10 and {p[2] for p in stroke} == {0.5}
    assert stroke[-1][0] > stroke[0][0] + 150


def test_a_quoted_title_keeps_its_guillemets_with_their_words(page, demo_ws, qtbot):
    """« module «|clauses sociales » » once wrapped with « alone at the end of the line."""
    from PySide6.QtWidgets import QLabel

    meeting_id = svc.create_meeting(demo_ws, MeetingInput(
        kind="formation", title="Formation-action – module « clauses sociales » (3 jours)",
        sessions=svc.default_sessions(TODAY + dt.timedelta(days=5), 1))).id
    page.select_record(meeting_id)
    kiosk = page.start_kiosk()
    qtbot.waitExposed(kiosk)
    try:
        title = kiosk.findChild(QLabel, "kioskTitle")
        assert title.text() == "Formation-action – module «\u00a0clauses sociales\u00a0» (3 jours)"
    finally:
        kiosk.leave()
