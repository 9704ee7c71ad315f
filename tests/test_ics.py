"""Invitations (.ics): RFC 5545 to the letter, read back by a strict parser and by icalendar."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import icalendar
import pytest
from test_meetings_support import DAY, make_meeting, net, ws  # noqa: F401

from app.errors import ValidationError
from app.services import ics
from app.services import meetings as svc

NOW = dt.datetime(2026, 5, 1, 8, 30, tzinfo=dt.timezone.utc)


def strict_parse(data: bytes) -> list[tuple[str, dict[str, str], str]]:
    """Unfold and split content lines, failing on anything RFC 5545 forbids."""
    assert data.endswith(b"\r\n")
    physical = data.split(b"\r\n")[:-1]
    for raw in physical:
        assert b"\n" not in raw and b"\r" not in raw, raw
        assert len(raw) <= 75, (len(raw), raw)
        raw.decode("utf-8")  # every physical line is valid UTF-8 on its own
    logical: list[bytes] = []
    for raw in physical:
        if raw.startswith(b" ") or raw.startswith(b"\t"):
            logical[-1] += raw[1:]
        else:
            logical.append(raw)
    out = []
    for line in logical:
        text = line.decode("utf-8")
        match = re.fullmatch(r"([A-Z][A-Z0-9-]*)((?:;[A-Z-]+=(?:\"[^\"]*\"|[^;:,\"]*))*):(.*)", text)
        assert match, text
        params = dict(p.split("=", 1) for p in match.group(2).split(";")[1:])
        out.append((match.group(1), params, match.group(3)))
    stack = []
    for name, _, value in out:
        if name == "BEGIN":
            stack.append(value)
        elif name == "END":
            assert stack.pop() == value
    assert not stack
    return out


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def test_invitation_is_valid_rfc5545(net) -> None:
    meeting_id = make_meeting(net, days=2, title="Formation « Clauses sociales », niveau 2 ; Yonne")
    data = ics.meeting_ics(net.ws, meeting_id, now=NOW)
    lines = strict_parse(data)
    names = [n for n, _, _ in lines]
    assert names[:5] == ["BEGIN", "VERSION", "PRODID", "CALSCALE", "METHOD"]
    assert names.count("BEGIN") == 1 + 1 + 2 + 4  # calendar, timezone, daylight/standard, events
    events = [i for i, (n, _, v) in enumerate(lines) if n == "BEGIN" and v == "VEVENT"]
    assert len(events) == 4
    detail = svc.get_meeting(net.ws, meeting_id)
    uids = [v for n, _, v in lines if n == "UID"]
    assert uids == [f"{x.id}@maillage" for x in detail.sessions]
    starts = [(p, v) for n, p, v in lines if n == "DTSTART" and "TZID" in p]
    assert starts[0] == ({"TZID": "Europe/Paris"}, "20260512T090000")
    assert starts[1] == ({"TZID": "Europe/Paris"}, "20260512T133000")
    summary = unescape(next(v for n, _, v in lines if n == "SUMMARY"))
    assert summary.startswith("Formation « Clauses sociales », niveau 2 ; Yonne – matin du mardi 12 mai 2026")
    raw_summary = next(v for n, _, v in lines if n == "SUMMARY")
    assert "\\," in raw_summary and "\\;" in raw_summary
    location = unescape(next(v for n, _, v in lines if n == "LOCATION"))
    assert location == "Salle du conseil, 4 rue de la Mairie, 89000 Auxerre"
    description = unescape(next(v for n, _, v in lines if n == "DESCRIPTION"))
    assert "Ordre du jour" in description and "\n1. Rappel réunion 1" in description
    assert next(v for n, _, v in lines if n == "DTSTAMP") == "20260501T083000Z"
    assert "ATTENDEE" not in names  # no participant's address travels with the invitation


def test_icalendar_reads_the_times_in_paris(net) -> None:
    meeting_id = make_meeting(net, days=1)
    cal = icalendar.Calendar.from_ical(ics.meeting_ics(net.ws, meeting_id, now=NOW))
    events = list(cal.walk("VEVENT"))
    start = events[0]["DTSTART"].dt
    assert start.utcoffset() == dt.timedelta(hours=2)  # summer time in May
    assert start.astimezone(dt.timezone.utc).hour == 7
    assert events[1]["DTEND"].dt.replace(tzinfo=None) == dt.datetime(2026, 5, 12, 17, 0)
    assert str(events[0]["STATUS"]) == "CONFIRMED"


def test_mayotte_and_winter_time(net) -> None:
    meeting_id = svc.create_meeting(net.ws, svc.MeetingInput(
        kind="copil", title="COPIL Mayotte", sessions=svc.default_sessions(dt.date(2026, 12, 8)))).id
    assert ics.get_site_timezone(net.ws) == "Europe/Paris"
    ics.set_site_timezone(net.ws, "Indian/Mayotte")
    data = ics.meeting_ics(net.ws, meeting_id, now=NOW)
    lines = strict_parse(data)
    assert ("TZOFFSETTO", {}, "+0300") in lines and "DAYLIGHT" not in [v for _, _, v in lines]
    start = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]["DTSTART"].dt
    assert start.astimezone(dt.timezone.utc).hour == 6  # 9 h 00 in Mayotte = 6 h 00 UTC
    paris = icalendar.Calendar.from_ical(ics.meeting_ics(net.ws, meeting_id, tz="Europe/Paris"))
    assert paris.walk("VEVENT")[0]["DTSTART"].dt.utcoffset() == dt.timedelta(hours=1)
    with pytest.raises(ValidationError) as err:
        ics.set_site_timezone(net.ws, "Mars/Olympus")
    assert err.value.field == "timezone"


def test_fold_never_splits_a_character() -> None:
    line = "DESCRIPTION:" + "é" * 80 + "😀" * 10
    folded = ics.fold_line(line).encode()
    parts = folded.split(b"\r\n")
    assert all(len(p) <= 75 for p in parts) and all(p.startswith(b" ") for p in parts[1:])
    assert b"".join(p[1:] if i else p for i, p in enumerate(parts)).decode() == line
    assert ics.escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"


def test_vtimezone_offsets_match_zoneinfo() -> None:
    for tz in ics.TIMEZONES:
        lines = ics.vtimezone(tz, 2026)
        winter = dt.datetime(2026, 1, 15, 12, tzinfo=ZoneInfo(tz)).utcoffset()
        total = int(winter.total_seconds() // 60)
        sign = "+" if total >= 0 else "-"
        assert f"TZOFFSETTO:{sign}{abs(total) // 60:02d}{abs(total) % 60:02d}" in lines, tz


def test_cancelled_meeting_and_meeting_without_session(net, tmp_path) -> None:
    meeting_id = make_meeting(net)
    d = svc.get_meeting(net.ws, meeting_id)
    svc.update_meeting(net.ws, meeting_id, svc.MeetingInput(kind=d.kind, title=d.title, status="annulee",
                                                          action_id=d.action_id))
    path = ics.write_ics(net.ws, meeting_id, tmp_path / "invitation.ics")
    assert b"STATUS:CANCELLED\r\n" in path.read_bytes()
    empty = svc.create_meeting(net.ws, svc.MeetingInput(kind="copil", title="Sans date")).id
    with pytest.raises(ValidationError) as err:
        ics.meeting_ics(net.ws, empty)
    assert "aucun créneau" in err.value.message
    assert DAY.year == 2026
