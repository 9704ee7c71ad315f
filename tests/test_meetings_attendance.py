"""Attendance: paper grid, kiosk signatures, walk-ins, sealing, officer override, evidence."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select
from test_meetings_support import DAY, STROKES, make_meeting, net, png_bytes, ws  # noqa: F401

from app.errors import ValidationError
from app.services import attendance as att
from app.services import meetings as svc
from app.storage.ids import attendance_id
from app.storage.models import Attachment, Attendance, AuditEntry, Blob, Person


def _sessions(ws, meeting_id):
    return [x.id for x in svc.get_meeting(ws, meeting_id).sessions]


def test_status_cycle_matches_the_space_bar() -> None:
    assert [att.next_status(s) for s in (None, "present", "absent", "excuse", "retard")] == [
        "present", "absent", "excuse", "present", "present"]


def test_paper_grid_statuses_totals_and_clearing(net) -> None:
    meeting_id = make_meeting(net)
    am, pm = _sessions(net.ws, meeting_id)
    fassi, levy = net.people["Fassi"], net.people["Levy"]
    changes = att.set_attendance(net.ws, [
        att.AttendanceEntry(am, fassi, "present", arrival=dt.time(9, 5), departure=dt.time(12, 30)),
        att.AttendanceEntry(am, levy, "retard", arrival=dt.time(9, 40)),
        att.AttendanceEntry(pm, levy, "excuse"),
    ])
    assert len(changes.created) == 3
    grid = att.attendance_grid(net.ws, meeting_id)
    row = next(r for r in grid.rows if r.person_id == fassi)
    assert row.cells[0] == att.AttendanceCell("present", dt.time(9, 5), dt.time(12, 30), False, None, "papier")
    assert grid.totals[0].attending == 2 and grid.totals[1].excused == 1
    assert grid.totals[0].unknown == len(grid.rows) - 2
    # Same values again: nothing changes; clearing deletes (a tombstone) the record.
    assert not att.set_attendance(net.ws, att.AttendanceEntry(am, fassi, "present", dt.time(9, 5), dt.time(12, 30)))
    assert att.set_attendance(net.ws, att.AttendanceEntry(pm, levy, None)).deleted
    with pytest.raises(ValidationError) as err:
        att.set_attendance(net.ws, att.AttendanceEntry(am, fassi, "parti"))
    assert err.value.field == "status"
    with pytest.raises(ValidationError) as err:
        att.set_attendance(net.ws, att.AttendanceEntry(am, fassi, "present", dt.time(12), dt.time(9)))
    assert err.value.field == "departure"
    stranger = svc.create_meeting(net.ws, svc.MeetingInput(kind="copil", title="Autre")).id
    assert stranger
    with net.ws.unit() as s:
        outsider = s.execute(select(Person.id).where(Person.last_name == "Durand")).scalar()
    svc.remove_participant(net.ws, meeting_id, outsider)
    with pytest.raises(ValidationError) as err:
        att.set_attendance(net.ws, att.AttendanceEntry(am, outsider, "present"))
    assert "pas sur la liste" in err.value.message


def test_all_present_keeps_recorded_statuses_and_apologies(net) -> None:
    meeting_id = make_meeting(net)
    am = _sessions(net.ws, meeting_id)[0]
    svc.set_invitation_status(net.ws, meeting_id, net.people["Lasnier"], "excuse")
    svc.set_invitation_status(net.ws, meeting_id, net.people["Reveau"], "desinscrit")
    att.set_attendance(net.ws, att.AttendanceEntry(am, net.people["Levy"], "absent"))
    att.mark_all_present(net.ws, am)
    cells = {r.person_id: r.cells[0].status for r in att.attendance_grid(net.ws, meeting_id).rows}
    assert cells[net.people["Levy"]] == "absent"
    assert cells[net.people["Lasnier"]] == "excuse"
    assert cells[net.people["Reveau"]] is None
    assert cells[net.people["Fassi"]] == "present"


def test_kiosk_signature_is_stored_as_image_and_strokes(net) -> None:
    meeting_id = make_meeting(net)
    am = _sessions(net.ws, meeting_id)[0]
    pid = net.people["M'Madi"]
    png = att.signature_png_from_strokes(STROKES)
    assert png.startswith(b"\x89PNG")
    saved = att.record_signature(net.ws, att.SignatureInput(am, pid, STROKES, png,
                                                          signed_at=dt.datetime(2026, 5, 12, 9, 3)))
    assert saved.attendance_id == attendance_id(am, pid)
    with net.ws.unit() as s:
        row = s.get(Attendance, saved.attendance_id)
        assert (row.status, row.mode, row.signed_at) == ("present", "tablette", dt.datetime(2026, 5, 12, 9, 3))
        assert s.get(Blob, row.signature_sha256).data == png
    assert att.signature_image(net.ws, am, pid) == png
    strokes = att.signature_strokes(net.ws, am, pid)
    assert len(strokes) == 2 and strokes[0][1] == [20.0, 0.0, 0.7, 16]
    with pytest.raises(ValidationError) as err:
        att.record_signature(net.ws, att.SignatureInput(am, pid, STROKES, png))
    assert err.value.code == "deja-signe"
    att.record_signature(net.ws, att.SignatureInput(am, pid, STROKES[:1], png_bytes()), replace=True)
    with net.ws.unit() as s:
        live = s.execute(select(Attachment).where(Attachment.owner_id == saved.attendance_id,
                                                  Attachment.deleted.is_(False))).scalars().all()
        assert len(live) == 1 and json.loads(s.get(Blob, live[0].blob_sha256).data) == att.normalise_strokes(STROKES[:1])
    kiosk = att.kiosk_list(net.ws, am, "madi")
    assert [(e.display_name, e.signed) for e in kiosk.entries] == [("Anlaouddine M'MADI", True)]


def test_signature_inputs_are_validated(net) -> None:
    meeting_id = make_meeting(net)
    am = _sessions(net.ws, meeting_id)[0]
    pid = net.people["Fassi"]
    for strokes, png, field in [
        ([], png_bytes(), "strokes"),
        ([[]], png_bytes(), "strokes"),
        ([[["x", 1]]], png_bytes(), "strokes"),
        (STROKES, b"GIF89a", "png"),
    ]:
        with pytest.raises(ValidationError) as err:
            att.record_signature(net.ws, att.SignatureInput(am, pid, strokes, png))
        assert err.value.field == field


def test_kiosk_list_shows_no_contact_details(net) -> None:
    meeting_id = make_meeting(net)
    kiosk = att.kiosk_list(net.ws, _sessions(net.ws, meeting_id)[0])
    text = repr(kiosk)
    assert "@example.org" not in text and "+336" not in text and "RSA" not in text
    assert len(kiosk.entries) == 11 and kiosk.meeting_title.startswith("Formation")


def test_walk_in_creates_person_structure_participant_and_signature(net) -> None:
    meeting_id = make_meeting(net)
    am = _sessions(net.ws, meeting_id)[0]
    png = att.signature_png_from_strokes(STROKES)
    r = att.add_walk_in(net.ws, am, att.WalkInInput("Saïd", "Zaïnaba", "Association Mlézi Maoré",
                                                     category="professionnel_siae"),
                        strokes=STROKES, png=png)
    assert r.created_person and r.created_organisation and r.signature is not None
    d = svc.get_meeting(net.ws, meeting_id)
    walk_in = next(p for p in d.participants if p.person_id == r.person_id)
    assert (walk_in.invitation_status, walk_in.organisation) == ("inscrit", "Association Mlézi Maoré")
    assert att.kiosk_list(net.ws, am, "zaïnaba").entries[0].signed
    # The same person again, or someone already on the list: refused with a French message.
    with pytest.raises(ValidationError) as err:
        att.add_walk_in(net.ws, am, att.WalkInInput("Fassi", "Alexandre", "Inter-Made"))
    assert err.value.code == "deja-sur-la-liste"
    with pytest.raises(ValidationError) as err:
        att.add_walk_in(net.ws, am, att.WalkInInput("", "Sans nom"))
    assert err.value.field == "last_name"
    # Known structure by acronym-insensitive name: no duplicate organisation.
    r2 = att.add_walk_in(net.ws, am, att.WalkInInput("Hoarau", "Line", "inter-made"))
    assert not r2.created_organisation and r2.organisation_id == net.orgs["Inter-Made"]


def test_sealed_session_refuses_changes_except_officer_with_reason(net) -> None:
    meeting_id = make_meeting(net)
    am = _sessions(net.ws, meeting_id)[0]
    fassi, levy = net.people["Fassi"], net.people["Levy"]
    att.set_attendance(net.ws, att.AttendanceEntry(am, levy, "absent"))
    att.seal_session(net.ws, am, att.CountersignInput("Marie DULAURIER", png_bytes(), STROKES))
    assert att.countersign_image(net.ws, am) == png_bytes()
    d = svc.get_meeting(net.ws, meeting_id)
    assert d.sessions[0].sealed and d.sessions[0].sealed_by == "Marie DULAURIER"
    for attempt in (
        lambda: att.set_attendance(net.ws, att.AttendanceEntry(am, levy, "present")),
        lambda: att.record_signature(net.ws, att.SignatureInput(am, fassi, STROKES, png_bytes())),
        lambda: att.add_walk_in(net.ws, am, att.WalkInInput("Nouveau", "Venu")),
        lambda: att.seal_session(net.ws, am, att.CountersignInput("X", png_bytes())),
    ):
        with pytest.raises(ValidationError) as err:
            attempt()
        assert err.value.code == "session-scellee" and "scellé" in err.value.message
    with pytest.raises(ValidationError) as err:
        att.set_attendance(net.ws, att.AttendanceEntry(am, levy, "present"), officer_override=True)
    assert err.value.field == "reason"
    att.set_attendance(net.ws, att.AttendanceEntry(am, levy, "present"), officer_override=True,
                       reason="Arrivé en retard, a signé la feuille papier")
    trail = att.audit_trail(net.ws, meeting_id)
    assert trail[0].record_id == attendance_id(am, levy)
    assert "Arrivé en retard" in trail[0].reason and trail[0].fields == ("status",)
    att.unseal_session(net.ws, am, "Contre-signature apposée par erreur")
    with net.ws.unit() as s:
        entry = s.execute(select(AuditEntry).where(AuditEntry.record_id == am)
                          .order_by(AuditEntry.id.desc())).scalars().first()
        assert entry.reason == "Contre-signature apposée par erreur" and entry.operation == "deverrouillage"
    att.set_attendance(net.ws, att.AttendanceEntry(am, levy, "absent"))  # open again


def test_evidence_for_a_training(net) -> None:
    meeting_id = make_meeting(net, with_beneficiary=False)
    am, pm = _sessions(net.ws, meeting_id)
    report = att.evidence(net.ws, meeting_id, today=DAY)
    assert report.rule == "formation" and report.due and not report.complete
    assert any("9\u00a0personnes sans signature ni statut" in m for m in report.missing)
    assert sum("contre-signature" in m for m in report.missing) == 2
    people = [p for last, p in net.people.items() if last != "Dulaurier"]
    for pid in people[:-1]:
        att.record_signature(net.ws, att.SignatureInput(am, pid, STROKES, png_bytes()))
    att.set_attendance(net.ws, att.AttendanceEntry(am, people[-1], "excuse"))
    att.set_attendance(net.ws, [att.AttendanceEntry(pm, pid, "present") for pid in people])
    for sid in (am, pm):
        att.seal_session(net.ws, sid, att.CountersignInput("Marie DULAURIER", png_bytes()))
    report = att.evidence(net.ws, meeting_id, today=DAY)
    assert report.missing == (
        "Mardi 12 mai 2026, après-midi (13\u00a0h\u00a030\u00a0–\u00a017\u00a0h\u00a000)\u00a0: "
        "9\u00a0présences saisies sans signature et aucune feuille signée scannée (Alexandre FASSI, "
        "Ștefan IONESCU, Bruno LASNIER, Pierre LEVY, Anlaouddine M'MADI et 4\u00a0autres).",
    )
    assert report.sessions[0].signed == 8 and report.sessions[0].sealed


def test_evidence_for_a_copil(net) -> None:
    meeting_id = make_meeting(net, kind="copil", title="CP4", trainer=None)
    for sid in _sessions(net.ws, meeting_id):
        att.mark_all_present(net.ws, sid)
    report = att.evidence(net.ws, meeting_id)
    assert report.rule == "reunion" and report.missing == ("Le compte rendu n'est pas rédigé.",)
    svc.save_minutes(net.ws, meeting_id, svc.MinutesInput("Présents et excusés notés."))
    assert att.evidence(net.ws, meeting_id).complete


def test_empty_meeting_evidence_names_what_is_missing(net) -> None:
    meeting_id = svc.create_meeting(net.ws, svc.MeetingInput(kind="copil", title="Vide")).id
    assert att.evidence(net.ws, meeting_id).missing == (
        "Aucun créneau n'est défini pour cette réunion.", "Aucun participant n'est inscrit.")
