"""Bilans: the indicators funders pay against, counted from what Maillage already holds.

Counting rules (also in the README):

- a meeting is *held* when its status is « tenue » and its first session falls in the period;
- participants are **distinct people**, not signatures: a person present (présent or en
  retard) at any session of the period counts once; a merged duplicate counts once, under the
  record it was merged into;
- sex is read from the civility (Mme → femmes, M. → hommes, otherwise « non renseigné »);
- a structure is *mobilised* when at least one person present came on its behalf (the
  structure recorded on the invitation, otherwise the person's primary current function);
- hours of presence: for each present person and session, departure − arrival when both are
  recorded, otherwise the session's duration;
- signature completeness of a meeting: present people whose presence is evidenced (a captured
  signature, or a paper sheet) divided by present people.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, func, select

from app.domain import labels
from app.errors import NotFound
from app.services.workspace import Workspace
from app.storage.models import (
    Action,
    Affiliation,
    Attendance,
    IndicatorTarget,
    Meeting,
    MeetingSession,
    Organisation,
    OrganisationKind,
    Participant,
    Person,
)

PRESENT = ("present", "retard")
SEXES = {"Mme": "Femmes", "M.": "Hommes"}
UNKNOWN_SEX = "Non renseigné"


@dataclass(frozen=True)
class Period:
    start: dt.date | None = None
    end: dt.date | None = None

    def contains(self, day: dt.date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def label(self) -> str:
        from app.domain.formatting import date_short

        if self.start and self.end:
            return f"du {date_short(self.start)} au {date_short(self.end)}"
        if self.start:
            return f"depuis le {date_short(self.start)}"
        if self.end:
            return f"jusqu'au {date_short(self.end)}"
        return "toute la période"


@dataclass(frozen=True)
class MeetingLine:
    meeting_id: str
    date: dt.date
    title: str
    kind: str
    invited: int
    present: int
    excused: int
    absent: int
    evidenced: int  # present people with a signature or a paper sheet

    @property
    def completeness(self) -> float:
        return self.evidenced / self.present if self.present else 1.0


@dataclass(frozen=True)
class AttendanceLine:
    """One row of the underlying data (the XLSX « Présences » sheet)."""

    date: dt.date
    meeting: str
    session: str
    person_id: str
    last_name: str
    first_name: str
    category: str
    organisation: str
    status: str
    hours: float
    signed: bool


@dataclass(frozen=True)
class TargetLine:
    target_id: str
    label: str
    target: float
    unit: str
    realised: float | None  # None when the rule cannot be computed

    @property
    def ratio(self) -> float | None:
        if self.realised is None or not self.target:
            return None
        return self.realised / self.target


@dataclass(frozen=True)
class Report:
    action_id: str | None
    action_code: str
    action_title: str
    funder: str
    fse_rate: float
    period: Period
    meetings_by_kind: tuple[tuple[str, int], ...]  # (kind code, held meetings)
    participants_by_category: tuple[tuple[str, int], ...]
    participants_by_sex: tuple[tuple[str, int], ...]
    structures_by_kind: tuple[tuple[str, int], ...]  # (kind label, distinct structures)
    distinct_participants: int
    distinct_structures: int
    distinct_elus: int
    hours: float
    meetings: tuple[MeetingLine, ...]
    attendance: tuple[AttendanceLine, ...]
    targets: tuple[TargetLine, ...]

    @property
    def meetings_held(self) -> int:
        return sum(n for _, n in self.meetings_by_kind)


def _survivor(person_id: str, merged: dict[str, str | None]) -> str:
    seen = set()
    while merged.get(person_id) and person_id not in seen:
        seen.add(person_id)
        person_id = merged[person_id]  # type: ignore[assignment]
    return person_id


def _hours(start: dt.time, end: dt.time, arrival: dt.time | None, departure: dt.time | None) -> float:
    a, d = (arrival, departure) if arrival and departure else (start, end)
    seconds = (dt.datetime.combine(dt.date.min, d) - dt.datetime.combine(dt.date.min, a)).total_seconds()
    return max(seconds, 0) / 3600


def resolve_action(ws: Workspace, ref: str) -> str:
    """An action id from its id, its code or an unambiguous title prefix."""
    with ws.unit() as s:
        if s.get(Action, ref) is not None:
            return ref
        ids = s.execute(
            select(Action.id).where(Action.deleted.is_(False), func.lower(Action.code) == ref.lower())
        ).scalars().all()
        if not ids:
            ids = s.execute(
                select(Action.id).where(Action.deleted.is_(False), Action.title.like(f"{ref}%"))
            ).scalars().all()
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise NotFound(f"Aucune action ne correspond à «\u00a0{ref}\u00a0».")
    raise NotFound(f"Plusieurs actions correspondent à «\u00a0{ref}\u00a0»\u00a0: précisez son code.")


def build_report(
    ws: Workspace, action_id: str | None, period: Period = Period(), *, with_rows: bool = True
) -> Report:
    """Every table of the bilan for one action (or all when ``action_id`` is None).

    ``with_rows=False`` leaves out the underlying attendance rows (``Report.attendance``),
    which only the XLSX export needs.
    """
    with ws.unit() as s:
        action = s.get(Action, action_id) if action_id else None
        if action_id and (action is None or action.deleted):
            raise NotFound("Cette action n'existe plus.")
        session_filter = [MeetingSession.deleted.is_(False), Meeting.deleted.is_(False)]
        if action_id:
            session_filter.append(Meeting.action_id == action_id)
        if period.start:
            session_filter.append(MeetingSession.date >= period.start)
        if period.end:
            session_filter.append(MeetingSession.date <= period.end)
        sessions = s.execute(
            select(MeetingSession.id, MeetingSession.meeting_id, MeetingSession.date,
                   MeetingSession.start_time, MeetingSession.end_time, MeetingSession.label,
                   Meeting.title, Meeting.kind, Meeting.status)
            .join(Meeting, Meeting.id == MeetingSession.meeting_id)
            .where(*session_filter)
        ).all()
        session_by_id = {x.id: x for x in sessions}
        meeting_ids = sorted({x.meeting_id for x in sessions})
        attendance = s.execute(
            select(Attendance.session_id, Attendance.person_id, Attendance.status, Attendance.arrival,
                   Attendance.departure, Attendance.signature_sha256, Attendance.mode)
            .join(MeetingSession, MeetingSession.id == Attendance.session_id)
            .join(Meeting, Meeting.id == MeetingSession.meeting_id)
            .where(Attendance.deleted.is_(False), *session_filter)
        ).all()
        participants = s.execute(
            select(Participant.meeting_id, Participant.person_id, Participant.organisation_id,
                   Participant.invitation_status, Participant.role)
            .join(Meeting, Meeting.id == Participant.meeting_id)
            .where(Participant.deleted.is_(False), Meeting.id.in_(
                select(MeetingSession.meeting_id).join(Meeting, Meeting.id == MeetingSession.meeting_id)
                .where(*session_filter)
            ))
        ).all()
        person_ids = {a.person_id for a in attendance} | {p.person_id for p in participants}
        people: dict[str, Person] = {}
        merged: dict[str, str | None] = {}
        pending = set(person_ids)
        while pending:  # follow merge chains so survivors are loaded too
            batch = list(pending)
            pending = set()
            for i in range(0, len(batch), 900):
                for p in s.execute(select(Person).where(Person.id.in_(batch[i:i + 900]))).scalars():
                    people[p.id] = p
                    merged[p.id] = p.merged_into
                    if p.merged_into and p.merged_into not in people:
                        pending.add(p.merged_into)
        primary_org: dict[str, str] = {}
        ids = list(people)
        for i in range(0, len(ids), 900):
            for person_id, org_id in s.execute(
                select(Affiliation.person_id, Affiliation.organisation_id)
                .where(Affiliation.person_id.in_(ids[i:i + 900]), Affiliation.deleted.is_(False),
                       Affiliation.end_date.is_(None))
                .order_by(Affiliation.is_primary)  # primary last: it wins in the dict
            ):
                primary_org[person_id] = org_id
        org_ids = set(primary_org.values()) | {p.organisation_id for p in participants if p.organisation_id}
        orgs: dict[str, tuple[str, str]] = {}
        org_list = list(org_ids)
        for i in range(0, len(org_list), 900):
            for oid, name, kind_label, kind_code, merged_into in s.execute(
                select(Organisation.id, Organisation.name, OrganisationKind.label, Organisation.kind_code,
                       Organisation.merged_into)
                .outerjoin(OrganisationKind, and_(OrganisationKind.code == Organisation.kind_code,
                                                  OrganisationKind.deleted.is_(False)))
                .where(Organisation.id.in_(org_list[i:i + 900]))
            ):
                orgs[oid] = (name, kind_label or kind_code, merged_into)
        targets = s.execute(
            select(IndicatorTarget)
            .where(IndicatorTarget.action_id == action_id, IndicatorTarget.deleted.is_(False))
            .order_by(IndicatorTarget.position)
        ).scalars().all() if action_id else []
        meta = (
            (action.id, action.code, action.title, action.funder, action.fse_rate)
            if action else (None, "", "Toutes les actions", "", 0.0)
        )

    org_cache: dict[tuple[str, str], str | None] = {}

    def org_of(meeting_id: str, person_id: str) -> str | None:
        key = (meeting_id, person_id)
        if key in org_cache:
            return org_cache[key]
        org = invited_org.get(key) or primary_org.get(person_id)
        while org and orgs.get(org, (None, None, None))[2]:
            org = orgs[org][2]
        org_cache[key] = org
        return org

    invited_org = {(p.meeting_id, p.person_id): p.organisation_id for p in participants if p.organisation_id}

    # Meetings held, by kind: status « tenue » and first session in the period.
    first_date: dict[str, dt.date] = {}
    meeting_info: dict[str, tuple[str, str, str]] = {}
    for x in sessions:
        if x.meeting_id not in first_date or x.date < first_date[x.meeting_id]:
            first_date[x.meeting_id] = x.date
        meeting_info[x.meeting_id] = (x.title, x.kind, x.status)
    held = Counter(meeting_info[m][1] for m in meeting_ids if meeting_info[m][2] == "tenue")

    present_people: set[str] = set()
    structures: set[str] = set()
    hours = 0.0
    counted: set[tuple[str, str]] = set()  # (person, session): a merged duplicate counts once
    per_meeting: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    lines: list[AttendanceLine] = []
    survivor = {pid: _survivor(pid, merged) for pid in people}
    for a in attendance:
        sess = session_by_id[a.session_id]
        person = survivor.get(a.person_id, a.person_id)
        bucket = per_meeting[sess.meeting_id]
        if a.status in PRESENT:
            present_people.add(person)
            bucket["present"].add(person)
            if a.signature_sha256 or a.mode == "papier":
                bucket["evidenced"].add(person)
            h = 0.0
            if (person, a.session_id) not in counted:
                counted.add((person, a.session_id))
                h = _hours(sess.start_time, sess.end_time, a.arrival, a.departure)
                hours += h
            org = org_of(sess.meeting_id, a.person_id)
            if org:
                structures.add(org)
        else:
            h = 0.0
            bucket[a.status].add(person)
        if not with_rows:
            continue
        p = people.get(person)
        org = org_of(sess.meeting_id, a.person_id)
        lines.append(AttendanceLine(
            date=sess.date, meeting=sess.title,
            session=labels.label(labels.SESSION_LABELS, sess.label),
            person_id=person, last_name=p.last_name if p else "", first_name=p.first_name if p else "",
            category=labels.label(labels.PERSON_CATEGORIES, p.category) if p else "",
            organisation=orgs[org][0] if org and org in orgs else "",
            status=labels.label(labels.ATTENDANCE_STATUSES, a.status), hours=round(h, 2),
            signed=bool(a.signature_sha256),
        ))
    lines.sort(key=lambda x: (x.date, x.meeting, x.session, x.last_name, x.first_name))

    categories = Counter(people[p].category for p in present_people if p in people)
    sexes = Counter(SEXES.get(people[p].civility, UNKNOWN_SEX) for p in present_people if p in people)
    elus = sum(1 for p in present_people if p in people and people[p].category == "elu")
    kinds = Counter(orgs[o][1] for o in structures if o in orgs)

    invited_by_meeting: dict[str, set[str]] = defaultdict(set)
    for p in participants:
        if p.invitation_status != "desinscrit":
            invited_by_meeting[p.meeting_id].add(survivor.get(p.person_id, p.person_id))
    meeting_lines = []
    for m in meeting_ids:
        b = per_meeting.get(m, {})
        present = b.get("present", set())
        excused = b.get("excuse", set()) - present
        absent = b.get("absent", set()) - present - excused
        meeting_lines.append(MeetingLine(
            meeting_id=m, date=first_date[m], title=meeting_info[m][0], kind=meeting_info[m][1],
            invited=len(invited_by_meeting.get(m, set())), present=len(present),
            excused=len(excused), absent=len(absent), evidenced=len(b.get("evidenced", set())),
        ))
    meeting_lines.sort(key=lambda x: (x.date, x.title))

    partial = dict(
        held=held, present=present_people, structures=structures, hours=hours,
        categories=categories, elus=elus, people=people, orgs=orgs,
    )
    target_lines = tuple(
        TargetLine(t.id, t.label, t.target, t.unit, evaluate_rule(t.rule or {}, partial))
        for t in targets
    )
    return Report(
        action_id=meta[0], action_code=meta[1], action_title=meta[2], funder=meta[3],
        fse_rate=meta[4] or 0.0, period=period,
        meetings_by_kind=tuple(sorted(held.items(), key=lambda kv: (-kv[1], kv[0]))),
        participants_by_category=tuple(
            (code, categories.get(code, 0)) for code in labels.PERSON_CATEGORIES if categories.get(code)
        ),
        participants_by_sex=tuple((k, sexes[k]) for k in ("Femmes", "Hommes", UNKNOWN_SEX) if sexes.get(k)),
        structures_by_kind=tuple(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
        distinct_participants=len(present_people),
        distinct_structures=len(structures),
        distinct_elus=elus,
        hours=round(hours, 2),
        meetings=tuple(meeting_lines),
        attendance=tuple(lines),
        targets=target_lines,
    )


def evaluate_rule(rule: dict, partial: dict) -> float | None:
    """The realised value of an indicator rule such as ``{"count": "meetings", "kind": "copil"}``.

    Supported: ``meetings`` (optionally ``kind``), ``people`` (optionally ``category``),
    ``organisations`` (distinct structures mobilised), ``hours``. Unknown → None.
    """
    what = rule.get("count")
    if what == "meetings":
        held: Counter = partial["held"]
        return float(held.get(rule["kind"], 0) if rule.get("kind") else sum(held.values()))
    if what == "people":
        if rule.get("category"):
            people = partial["people"]
            return float(sum(1 for p in partial["present"] if p in people and people[p].category == rule["category"]))
        return float(len(partial["present"]))
    if what == "organisations":
        return float(len(partial["structures"]))
    if what == "hours":
        return round(partial["hours"], 2)
    return None
