"""The compte rendu read back: présents and excusés from the attendance, agenda, follow-up."""

from __future__ import annotations

import datetime as dt
import re

import pdfplumber
from test_meetings_support import DAY, make_meeting, net, ws  # noqa: F401

from app.documents.minutes import load_minutes, write_minutes
from app.services import attendance as att
from app.services import meetings as svc


def _text(path) -> str:
    with pdfplumber.open(path) as pdf:
        text = " ".join(page.extract_text() or "" for page in pdf.pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def test_minutes_like_the_gt5_report(net, tmp_path) -> None:
    meeting_id = make_meeting(net, kind="groupe_travail", title="GT5 – réunion 2", trainer=None)
    sessions = [x.id for x in svc.get_meeting(net.ws, meeting_id).sessions]
    present = ["Fassi", "Dulaurier", "Reveau", "Levy"]
    att.set_attendance(net.ws, [att.AttendanceEntry(sessions[0], net.people[n], "present") for n in present])
    att.set_attendance(net.ws, att.AttendanceEntry(sessions[1], net.people["Levy"], "retard"))
    att.set_attendance(net.ws, att.AttendanceEntry(sessions[0], net.people["Lasnier"], "excuse"))
    svc.set_invitation_status(net.ws, meeting_id, net.people["M'Madi"], "excuse")
    att.set_attendance(net.ws, att.AttendanceEntry(sessions[0], net.beneficiary_id, "present"))
    svc.save_minutes(net.ws, meeting_id, svc.MinutesInput(
        minutes="# Rappel réunion 1\n6 axes d'accompagnement ont été dégagés :\n- Diagnostic préalable\n"
                "- Accompagnement de sécurisation\n\nSeuls les points 1 et 2 sont traités.",
        decisions="- Construire une trame de diagnostic commune",
        author="Regain", date=dt.date(2011, 7, 21)))
    svc.add_follow_up(net.ws, meeting_id, svc.FollowUpInput(
        "Cadrer les attendus du diagnostic", owner_id=net.people["Dulaurier"], due_date=dt.date(2011, 9, 30)))
    m = load_minutes(net.ws, meeting_id)
    assert m.present == ("Marie DULAURIER (RAMSESS)", "Alexandre FASSI (Inter-Made)",
                         "Pierre LEVY (Regain)", "Virginie REVEAU (ESIA)")
    assert m.excused == ("Bruno LASNIER (APEAS)", "Anlaouddine M'MADI (CDR Mayotte)")
    assert m.beneficiaries_present == 1
    path = tmp_path / "cr.pdf"
    result = write_minutes(net.ws, meeting_id, path)
    text = _text(path)
    assert result.pages == 1
    for expected in (
        "Compte rendu", "GT5 – réunion 2", "Groupe de travail",
        "Présents : Marie DULAURIER (RAMSESS) ; Alexandre FASSI (Inter-Made) ; Pierre LEVY (Regain) ; "
        "Virginie REVEAU (ESIA) ; et 1 personne accompagnée",
        "Excusés : Bruno LASNIER (APEAS) ; Anlaouddine M'MADI (CDR Mayotte)",
        "Ordre du jour", "1. Rappel réunion 1", "Rappel réunion 1", "Diagnostic préalable",
        "Seuls les points 1 et 2 sont traités.", "Décisions", "Construire une trame de diagnostic commune",
        "Suites à donner", "Cadrer les attendus du diagnostic", "Marie DULAURIER", "30/09/2011",
        "CR réalisé par Regain, le 21/07/2011", "Page 1 / 1",
        "Cette action est cofinancée par le Fonds social européen",
    ):
        assert expected in text, expected
    assert "DURAND" not in text and "Kévin" not in text  # a public accompagné is counted, not named


def test_minutes_without_attendance_or_text(net, tmp_path) -> None:
    meeting_id = svc.create_meeting(net.ws, svc.MeetingInput(
        kind="copil", title="CP5", sessions=svc.default_sessions(DAY))).id
    path = tmp_path / "cr.pdf"
    write_minutes(net.ws, meeting_id, path)
    text = _text(path)
    assert "Présents : non renseigné" in text and "Excusés : aucun" in text
    assert "CR réalisé par PLIE du Grand Auxerrois, le …" in text
