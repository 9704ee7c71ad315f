"""Invitations as iCalendar files (RFC 5545) that Outlook and Thunderbird import.

``meeting_ics(ws, meeting_id) -> bytes`` gives a ``VCALENDAR`` (``METHOD:PUBLISH``) with
one ``VEVENT`` per session, times local to the site's time zone with its ``VTIMEZONE``
(Europe/Paris by default; Indian/Mayotte for an antenna in Mayotte — see
``set_site_timezone``). ``write_ics`` writes it atomically. The text follows the RFC to the
letter: CRLF line endings, lines folded at 75 octets (never inside a UTF-8 character),
TEXT values escaped (``\\`` ``;`` ``,`` and new lines).

No attendee is listed: the file is an invitation to forward, and participants' e-mail
addresses (some of them *publics accompagnés*) must not travel with it.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from app.domain import formatting as fmt
from app.errors import ValidationError
from app.services.workspace import ChangeSet, Workspace
from app.storage.models import Meeting, MeetingSession, Person, Setting

TIMEZONE_KEY = "site_timezone"
DEFAULT_TIMEZONE = "Europe/Paris"
TIMEZONES: dict[str, str] = {
    "Europe/Paris": "France métropolitaine (Europe/Paris)",
    "Indian/Mayotte": "Mayotte (Indian/Mayotte)",
    "Indian/Reunion": "La Réunion (Indian/Reunion)",
    "America/Guadeloupe": "Guadeloupe (America/Guadeloupe)",
    "America/Martinique": "Martinique (America/Martinique)",
    "America/Cayenne": "Guyane (America/Cayenne)",
}
"""Time zones offered for a site (others with a fixed offset or EU rules work too)."""

PRODID = "-//Maillage//Maillage réunions//FR"


@dataclass(frozen=True)
class IcsEvent:
    uid: str
    start: dt.datetime  # local wall time in the calendar's zone (naive)
    end: dt.datetime
    summary: str
    location: str = ""
    description: str = ""
    status: str = "CONFIRMED"
    categories: str = ""
    organizer_name: str = ""
    organizer_email: str = ""
    sequence: int = 0


# --------------------------------------------------------------------------- site setting


def get_site_timezone(ws: Workspace) -> str:
    with ws.unit() as s:
        row = s.get(Setting, TIMEZONE_KEY)
        value = row.value if row is not None else None
    return value if isinstance(value, str) and value else DEFAULT_TIMEZONE


def set_site_timezone(ws: Workspace, tz: str) -> ChangeSet:
    vtimezone(tz, 2026)  # validates
    with ws.unit(write=True) as s:
        row = s.get(Setting, TIMEZONE_KEY)
        if row is None:
            s.add(Setting(key=TIMEZONE_KEY, value=tz))
        else:
            row.value = tz
    return ChangeSet(updated=(("settings", TIMEZONE_KEY),))


# --------------------------------------------------------------------------- RFC 5545 text


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def _param(value: str) -> str:
    """A parameter value, quoted when it holds ``:;,`` (DQUOTE itself is not allowed)."""
    value = value.replace('"', "'").replace("\r", " ").replace("\n", " ")
    return f'"{value}"' if any(c in value for c in ":;,") else value


def fold_line(line: str) -> str:
    """Fold a content line at 75 octets, continuation lines starting with one space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    current = bytearray()
    limit = 75
    for ch in line:
        encoded = ch.encode("utf-8")
        if len(current) + len(encoded) > limit:
            parts.append(current.decode("utf-8"))
            current = bytearray()
            limit = 74  # the leading space counts
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _fmt_local(value: dt.datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%S")


def _offset(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}{minutes % 60:02d}"


def vtimezone(tz: str, year: int) -> list[str]:
    """The VTIMEZONE lines for ``tz``: EU summer-time rules or a fixed offset."""
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"Fuseau horaire inconnu : « {tz} ».", field="timezone") from exc
    jan = dt.datetime(year, 1, 15, 12, tzinfo=zone)
    jul = dt.datetime(year, 7, 15, 12, tzinfo=zone)
    std, dst = jan.utcoffset(), jul.utcoffset()
    assert std is not None and dst is not None
    lines = ["BEGIN:VTIMEZONE", f"TZID:{tz}"]
    if std == dst:
        lines += [
            "BEGIN:STANDARD",
            f"TZOFFSETFROM:{_offset(std)}",
            f"TZOFFSETTO:{_offset(std)}",
            f"TZNAME:{jan.tzname()}",
            "DTSTART:19700101T000000",
            "END:STANDARD",
        ]
    else:
        # EU rule: change at 01:00 UTC on the last Sunday of March and of October.
        march = max(d for d in (dt.date(year, 3, day) for day in range(25, 32)) if d.weekday() == 6)
        change = dt.datetime(march.year, 3, march.day, 1, tzinfo=dt.timezone.utc)
        if change.astimezone(zone).utcoffset() != dst or tz.split("/")[0] != "Europe":
            raise ValidationError(
                f"Le fuseau « {tz} » n'est pas pris en charge pour les invitations.",
                field="timezone",
            )
        std_start = (dt.datetime(1970, 1, 1, 1) + std).time()
        dst_start = (dt.datetime(1970, 1, 1, 1) + dst).time()
        lines += [
            "BEGIN:DAYLIGHT",
            f"TZOFFSETFROM:{_offset(std)}",
            f"TZOFFSETTO:{_offset(dst)}",
            f"TZNAME:{jul.tzname()}",
            f"DTSTART:19700329T{std_start.strftime('%H%M%S')}",
            "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
            "END:DAYLIGHT",
            "BEGIN:STANDARD",
            f"TZOFFSETFROM:{_offset(dst)}",
            f"TZOFFSETTO:{_offset(std)}",
            f"TZNAME:{jan.tzname()}",
            f"DTSTART:19701025T{dst_start.strftime('%H%M%S')}",
            "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
            "END:STANDARD",
        ]
    lines.append("END:VTIMEZONE")
    return lines


def build_calendar(events: Sequence[IcsEvent], tz: str = DEFAULT_TIMEZONE,
                   now: dt.datetime | None = None) -> bytes:
    """The calendar as UTF-8 bytes with CRLF line endings (pure function)."""
    stamp = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    year = min((e.start.year for e in events), default=stamp.year)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *vtimezone(tz, year),
    ]
    for e in events:
        if e.end <= e.start:
            raise ValidationError("Un créneau se termine avant de commencer.", field="end_time")
        lines += [
            "BEGIN:VEVENT",
            f"UID:{e.uid}",
            f"DTSTAMP:{stamp.strftime('%Y%m%dT%H%M%SZ')}",
            f"DTSTART;TZID={tz}:{_fmt_local(e.start)}",
            f"DTEND;TZID={tz}:{_fmt_local(e.end)}",
            f"SEQUENCE:{max(0, int(e.sequence))}",
            f"SUMMARY:{escape_text(e.summary)}",
        ]
        if e.location:
            lines.append(f"LOCATION:{escape_text(e.location)}")
        if e.description:
            lines.append(f"DESCRIPTION:{escape_text(e.description)}")
        if e.categories:
            lines.append(f"CATEGORIES:{escape_text(e.categories)}")
        if e.organizer_email:
            cn = f";CN={_param(e.organizer_name)}" if e.organizer_name else ""
            lines.append(f"ORGANIZER{cn}:mailto:{e.organizer_email}")
        lines += [f"STATUS:{e.status}", "TRANSP:OPAQUE", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold_line(line) for line in lines) + "\r\n").encode("utf-8")


# --------------------------------------------------------------------------- from a meeting

_STATUS = {"prevue": "CONFIRMED", "tenue": "CONFIRMED", "reportee": "TENTATIVE", "annulee": "CANCELLED"}
_SEQUENCE_EPOCH = 1_700_000_000  # keeps SEQUENCE small while growing with each edit


def meeting_events(ws: Workspace, meeting_id: str) -> list[IcsEvent]:
    from app.services.meetings import get_meeting

    detail = get_meeting(ws, meeting_id)
    with ws.unit() as s:
        m = s.get(Meeting, meeting_id)
        hlc = [m.sync_hlc, *s.execute(
            select(MeetingSession.sync_hlc).where(MeetingSession.meeting_id == meeting_id)
        ).scalars()]
        organiser = s.get(Person, detail.organiser_id) if detail.organiser_id else None
        email = organiser.email if organiser and not organiser.is_beneficiary else ""
    sequence = max(0, (max(hlc) >> 16) // 1000 - _SEQUENCE_EPOCH)
    location = ", ".join(
        x for x in (detail.place_name, detail.place_address.replace("\n", ", ")) if x.strip()
    )
    desc = [detail.kind_label]
    if detail.objectives:
        desc += ["", f"Objectifs : {detail.objectives}"]
    if detail.agenda:
        desc += ["", "Ordre du jour :"] + [f"{i}. {a.text}" for i, a in enumerate(detail.agenda, 1)]
    if detail.organiser:
        desc += ["", f"Organisation : {detail.organiser}"
                 + (f" ({detail.organiser_org})" if detail.organiser_org else "")]
    events = []
    many = len(detail.sessions) > 1
    for x in detail.sessions:
        # « … – matin du mardi 12 mai 2026 », as everywhere else in French.
        summary = detail.title + (f" – {x.label_text.lower()} du {fmt.date_long(x.date)}" if many else "")
        events.append(IcsEvent(
            uid=f"{x.id}@maillage",
            start=dt.datetime.combine(x.date, x.start_time),
            end=dt.datetime.combine(x.date, x.end_time),
            summary=summary,
            location=location,
            description="\n".join(desc),
            status=_STATUS.get(detail.status, "CONFIRMED"),
            categories=detail.kind_label,
            organizer_name=detail.organiser,
            organizer_email=email,
            sequence=sequence,
        ))
    if not events:
        raise ValidationError("Cette réunion n'a aucun créneau : ajoutez-en un avant d'inviter.",
                              field="sessions")
    return events


def meeting_ics(ws: Workspace, meeting_id: str, *, tz: str | None = None,
                now: dt.datetime | None = None) -> bytes:
    return build_calendar(meeting_events(ws, meeting_id), tz or get_site_timezone(ws), now)


def write_ics(ws: Workspace, meeting_id: str, path: Path | str, *, tz: str | None = None) -> Path:
    """Write the invitation to ``path`` (temporary file, then rename)."""
    data = meeting_ics(ws, meeting_id, tz=tz)
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".~", suffix=".ics", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path
