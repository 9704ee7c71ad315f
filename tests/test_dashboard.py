"""The Tableau de bord: the evidence status of the next fortnight's meetings, and the tiles
counted after the first paint."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.services import attendance
from app.services.dashboard import ALERT, DONE, PREPARE, dashboard, tile_counts
from app.services.workspace import open_workspace
from app.storage.models import (
    Attachment,
    Attendance,
    Blob,
    Meeting,
    MeetingSession,
    Organisation,
    Participant,
    Person,
)
from ui.dashboard import STATUS_ROLE, TARGET_ROLE, DashboardView

TODAY = dt.date(2026, 5, 12)  # a Tuesday
T = dt.time


def _meeting(s, kind: str, title: str, days: list[int], *, minutes: str = "",
             start: T = T(9), end: T = T(12, 30)) -> tuple[str, list[str]]:
    m = Meeting(kind=kind, title=title, status="prevue", minutes=minutes)
    s.add(m)
    s.flush()
    sessions = [MeetingSession(meeting_id=m.id, date=TODAY + dt.timedelta(days=d), start_time=start,
                               end_time=end, label="matin") for d in days]
    s.add_all(sessions)
    s.flush()
    return m.id, [x.id for x in sessions]


def _people(s, n: int, prefix: str) -> list[str]:
    people = [Person(last_name=f"{prefix} {i}", first_name="Camille", category="technicien")
              for i in range(n)]
    s.add_all(people)
    s.flush()
    return [p.id for p in people]


def _invite(s, meeting_id: str, person_ids: list[str], status: str = "inscrit",
            role: str = "participant") -> None:
    s.add_all([Participant(meeting_id=meeting_id, person_id=p, role=role, invitation_status=status)
               for p in person_ids])


@pytest.fixture
def ws(tmp_path):
    w = open_workspace(tmp_path / "tableau.sqlite")  # a file: the tiles are counted in a thread
    yield w
    w.close()


@pytest.fixture
def board(ws):
    """Five upcoming meetings whose evidence is known, and one beyond the fortnight."""
    ids = {}
    with ws.unit(write=True) as s:
        # A two-day training: yesterday (held) and in 3 days. 5 participants; yesterday
        # 3 signed, 1 typed in as present without signature, 1 with nothing; not countersigned.
        ids["formation"], (held, _) = _meeting(s, "formation", "Formation clauses d'insertion",
                                               [-1, 3])
        trainees = _people(s, 5, "Stagiaire")
        _invite(s, ids["formation"], trainees)
        organiser = _people(s, 1, "Formatrice")
        _invite(s, ids["formation"], organiser, role="organisateur")  # not expected to sign
        ids["held_session"] = held
        for i, person in enumerate(trainees[:3]):
            s.add(Attendance(session_id=held, person_id=person, status="present",
                             signature_sha256=f"{i:064d}", mode="tablette"))
        s.add(Attendance(session_id=held, person_id=trainees[3], status="present", mode="saisie"))
        # A COPIL in 5 days: 3 registered, 2 not answered, 1 excused, 1 withdrawn.
        ids["copil"], _ = _meeting(s, "copil", "COPIL n° 4", [5])
        members = _people(s, 7, "Membre")
        _invite(s, ids["copil"], members[:3])
        _invite(s, ids["copil"], members[3:5], status="invite")
        _invite(s, ids["copil"], members[5:6], status="excuse")
        _invite(s, ids["copil"], members[6:], status="desinscrit")
        # A workshop in 2 days that nobody has been invited to yet.
        ids["atelier"], _ = _meeting(s, "atelier", "Atelier GPEC", [2])
        # A technical meeting this morning, every status recorded, no minutes yet.
        ids["technique"], (morning,) = _meeting(s, "reunion_technique", "Réunion technique",
                                                [0], end=T(11))
        staff = _people(s, 2, "Agent")
        _invite(s, ids["technique"], staff)
        s.add_all([Attendance(session_id=morning, person_id=staff[0], status="present"),
                   Attendance(session_id=morning, person_id=staff[1], status="excuse")])
        # The same, with its minutes written: nothing missing.
        ids["technique_cr"], (morning2,) = _meeting(s, "reunion_technique", "Réunion technique bis",
                                                    [0], end=T(11), minutes="Relevé de décisions.")
        _invite(s, ids["technique_cr"], staff)
        s.add_all([Attendance(session_id=morning2, person_id=staff[0], status="present"),
                   Attendance(session_id=morning2, person_id=staff[1], status="absent")])
        # Beyond the fortnight.
        ids["later"], _ = _meeting(s, "copil", "COPIL n° 5", [20])
        _invite(s, ids["later"], members[:2])
        s.add(Organisation(name="Regain"))
    return ids


def _statuses(ws, **kwargs) -> dict[str, tuple[str, str]]:
    return {i.record_id: (i.status, i.tone) for i in dashboard(ws, TODAY, **kwargs).upcoming}


def test_training_with_signatures_missing_on_a_held_session(ws, board):
    status, tone = _statuses(ws)[board["formation"]]
    assert status == ("2\u00a0signatures manquantes · 1\u00a0créneau à contre-signer · "
                      "5\u00a0inscrits")
    assert tone == ALERT
    # The same count as the meeting's own evidence for that session: nobody recorded, and a
    # présence typed in without signature nor scanned sheet.
    report = attendance.evidence(ws, board["formation"], today=TODAY)
    held = next(x for x in report.sessions if x.session_id == board["held_session"])
    assert (held.expected - held.recorded) + held.present_unsigned == 2
    assert not held.sealed


def test_a_scanned_sheet_covers_the_unsigned_presence(ws, board):
    with ws.unit(write=True) as s:
        s.add(Blob(sha256="f" * 64, mime="application/pdf", size=4, data=b"%PDF",
                   created_at=dt.datetime(2026, 5, 11, 18)))
        s.flush()
        s.add(Attachment(owner_table="meetings", owner_id=board["formation"], blob_sha256="f" * 64,
                         filename="emargement.pdf", mime="application/pdf",
                         kind=attendance.SCAN_KIND, session_id=board["held_session"], page=1))
    status, tone = _statuses(ws)[board["formation"]]
    assert status.startswith("1\u00a0signature manquante · 1\u00a0créneau à contre-signer")
    assert tone == ALERT


def test_before_a_meeting_the_answers_to_the_invitations(ws, board):
    statuses = _statuses(ws)
    assert statuses[board["copil"]] == ("3\u00a0inscrits, 2\u00a0sans réponse, 1\u00a0excusé", PREPARE)
    assert statuses[board["atelier"]] == ("Aucun participant inscrit", ALERT)
    assert board["later"] not in statuses


def test_a_meeting_over_today_asks_for_its_minutes_then_is_complete(ws, board):
    before_end = _statuses(ws, now=T(10, 30))
    assert before_end[board["technique"]] == ("2\u00a0inscrits", PREPARE)
    after_end = _statuses(ws, now=T(11, 15))
    assert after_end[board["technique"]] == ("Compte rendu à rédiger", PREPARE)
    assert after_end[board["technique_cr"]] == ("Preuves complètes", DONE)


def test_a_presence_not_recorded_on_a_held_meeting(ws, board):
    with ws.unit(write=True) as s:
        for row in s.query(Attendance).filter(Attendance.status == "excuse"):
            row.deleted = True  # a tombstone: as if never recorded
    status, tone = _statuses(ws, now=T(12))[board["technique"]]
    assert status == "1\u00a0présence à saisir · Compte rendu à rédiger"
    assert tone == ALERT


def test_tiles_count_live_records(ws, board):
    counts = dict(tile_counts(ws, TODAY))
    assert counts["Structures"] == 1
    assert counts["Contacts"] == 5 + 1 + 7 + 2
    assert counts["Réunions à venir"] == 6  # the training, COPIL 4 and 5, the workshop, today's two
    assert counts["Signatures recueillies"] == 3
    assert dashboard(ws, TODAY, with_counts=False).counts == ()
    assert dashboard(ws, TODAY).counts == tile_counts(ws, TODAY)


def test_view_shows_the_status_then_the_tiles_and_items_open_their_meeting(ws, board, qtbot):
    view = DashboardView()
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.load(ws, TODAY)
    assert [t.value_label.text() for t in view.tiles] == ["…"] * 5  # counted after the paint
    listed = view.upcoming.list
    texts = {listed.item(i).data(TARGET_ROLE)[1]: listed.item(i).data(STATUS_ROLE)
             for i in range(listed.count())}
    assert texts[board["formation"]] == ("\u26a0\u00a02\u00a0signatures manquantes · "
                                         "1\u00a0créneau à contre-signer · 5\u00a0inscrits")
    assert texts[board["atelier"]] == "\u26a0\u00a0Aucun participant inscrit"
    assert texts[board["copil"]].startswith("\u2022\u00a03\u00a0inscrits")
    with qtbot.waitSignal(view.counts_loaded, timeout=10_000):
        view.show()
    tiles = {t.caption_label.text(): t.value_label.text() for t in view.tiles}
    assert tiles["Contacts"] == "15" and tiles["Signatures recueillies"] == "3"

    row = next(i for i in range(listed.count())
               if listed.item(i).data(TARGET_ROLE)[1] == board["formation"])
    # The status line makes the row taller than a title and a detail alone.
    assert listed.visualItemRect(listed.item(row)).height() > 3 * listed.fontMetrics().height()
    listed.setFocus()
    listed.setCurrentRow(row)
    with qtbot.waitSignal(view.open_record) as opened:
        QTest.keyClick(listed, Qt.Key.Key_Return)
    assert opened.args == ["reunions", board["formation"]]
