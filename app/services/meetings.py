"""Meetings: plan them, their sessions (créneaux), agenda, invitations and follow-up.

Every public function is one unit of work. Inputs and outputs are frozen dataclasses;
writes return a :class:`ChangeSet` (or a result carrying one). Errors are
:class:`~app.errors.ValidationError` (with ``field``) or :class:`~app.errors.NotFound`, in
French.

Main entry points
    ``create_meeting(ws, MeetingInput) -> Saved`` / ``update_meeting(ws, id, MeetingInput)``
    / ``delete_meeting(ws, id)``; ``get_meeting(ws, id) -> MeetingDetail``;
    ``list_meetings(ws, …) -> tuple[MeetingSummary]``; ``agenda(ws, start, end)`` (one entry
    per session, for the week / month views); ``resolve_meeting(ws, "CP4")``;
    ``next_in_series(ws, "CP")`` (after « CP4 » comes « CP5 »).
    Sessions: ``default_sessions(start, days)`` (matin 9 h 00–12 h 30, après-midi
    13 h 30–17 h 00), ``add_session`` / ``update_session`` / ``remove_session`` (refused once
    the session holds signatures or is sealed).
    Agenda and follow-up: ``set_agenda``, ``add_follow_up`` / ``update_follow_up`` /
    ``remove_follow_up``, ``save_minutes``.
    Invitations: ``add_participants`` (one by one), ``add_structure_contacts``,
    ``add_by_criteria`` (categories, territories), ``add_from_previous`` (the previous
    meeting of the series), ``import_participants`` (CSV / XLSX, matched to existing
    contacts; unknown people created only with ``create_unknown=True``),
    ``set_invitation_status``, ``set_role``, ``remove_participant``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.domain import formatting as fmt
from app.domain import labels
from app.domain.text import fold
from app.errors import NotFound, ValidationError
from app.services.undo import ChangeRecorder, UndoStep
from app.services.workspace import ChangeSet, Workspace
from app.storage.ids import participant_id
from app.storage.models import (
    Action,
    Affiliation,
    AgendaItem,
    Attendance,
    FollowUpItem,
    Meeting,
    MeetingSession,
    Organisation,
    Participant,
    Person,
)

MORNING = (dt.time(9, 0), dt.time(12, 30))
AFTERNOON = (dt.time(13, 30), dt.time(17, 0))
HALF_DAY_SPLIT = dt.time(13, 0)
"""A session starting before 13 h 00 and ending after it is a full day (« journée »)."""

Progress = Callable[[int, int, str], None]


# --------------------------------------------------------------------------- plain data


@dataclass(frozen=True)
class SessionInput:
    date: dt.date
    start_time: dt.time = MORNING[0]
    end_time: dt.time = MORNING[1]
    label: str = ""  # "matin", "apres_midi", "journee" or free text; "" = from the times


@dataclass(frozen=True)
class AgendaItemInput:
    text: str
    presenter: str = ""


@dataclass(frozen=True)
class MeetingInput:
    """The meeting form. On update, ``agenda`` / ``sessions`` = ``None`` leaves them as they are."""

    kind: str
    title: str
    series: str = ""
    number: int | None = None
    action_id: str | None = None
    organiser_id: str | None = None
    organiser_org_id: str | None = None
    place_name: str = ""
    place_address: str = ""
    capacity: int | None = None
    objectives: str = ""
    status: str = "prevue"
    agenda: tuple[AgendaItemInput, ...] | None = None
    sessions: tuple[SessionInput, ...] | None = None


@dataclass(frozen=True)
class FollowUpInput:
    text: str
    owner_id: str | None = None
    owner_label: str = ""
    due_date: dt.date | None = None
    done: bool = False


@dataclass(frozen=True)
class MinutesInput:
    minutes: str
    decisions: str = ""
    author: str = ""
    date: dt.date | None = None


@dataclass(frozen=True)
class Changes(ChangeSet):
    """What a write changed, with its undo step (``None`` when there is nothing to undo):
    the views refresh from the first, the window's Édition menu keeps the second."""

    undo: UndoStep | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Saved:
    id: str
    changes: ChangeSet


@dataclass(frozen=True)
class SessionView:
    id: str
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    label: str
    label_text: str  # « Matin », « Après-midi »…
    sealed: bool
    sealed_at: dt.datetime | None
    sealed_by: str
    signatures: int
    recorded: int  # attendance records (any status)

    @property
    def caption(self) -> str:
        """« mardi 12 mai 2026, matin (9 h 00 – 12 h 30) »."""
        return (
            f"{fmt.date_long(self.date)}, {self.label_text.lower()} "
            f"({fmt.time_short(self.start_time)}\u00a0–\u00a0{fmt.time_short(self.end_time)})"
        )  # the time range is never split at a line end


@dataclass(frozen=True)
class ParticipantView:
    person_id: str
    first_name: str
    last_name: str
    display_name: str  # « Alexandre FASSI »
    organisation_id: str | None
    organisation: str  # acronym or name
    function: str  # function in that structure, else the category label
    category: str
    is_beneficiary: bool
    role: str
    invitation_status: str


@dataclass(frozen=True)
class AgendaItemView:
    id: str
    position: int
    text: str
    presenter: str


@dataclass(frozen=True)
class FollowUpView:
    id: str
    text: str
    owner_id: str | None
    owner: str
    due_date: dt.date | None
    done: bool


@dataclass(frozen=True)
class MeetingDetail:
    id: str
    kind: str
    kind_label: str
    title: str
    series: str
    number: int | None
    reference: str  # « CP4 », or "" outside a series
    action_id: str | None
    action_title: str
    action_code: str
    funder: str
    fse_rate: float
    organiser_id: str | None
    organiser: str
    organiser_org_id: str | None
    organiser_org: str
    place_name: str
    place_address: str
    capacity: int | None
    objectives: str
    status: str
    status_label: str
    minutes: str
    decisions: str
    minutes_author: str
    minutes_date: dt.date | None
    sessions: tuple[SessionView, ...]
    agenda: tuple[AgendaItemView, ...]
    participants: tuple[ParticipantView, ...]
    follow_ups: tuple[FollowUpView, ...]

    @property
    def speakers(self) -> tuple[ParticipantView, ...]:
        return tuple(p for p in self.participants if p.role in ("intervenant", "organisateur"))

    @property
    def first_date(self) -> dt.date | None:
        return self.sessions[0].date if self.sessions else None


@dataclass(frozen=True)
class MeetingSummary:
    id: str
    reference: str
    title: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    first_date: dt.date | None
    last_date: dt.date | None
    sessions: int
    participants: int
    place_name: str
    action_title: str


@dataclass(frozen=True)
class AgendaEntry:
    """One session in the agenda view."""

    session_id: str
    meeting_id: str
    title: str
    kind: str
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    label: str
    place_name: str
    status: str


@dataclass(frozen=True)
class NextInSeries:
    series: str
    number: int
    reference: str
    previous_meeting_id: str | None


@dataclass(frozen=True)
class AddResult:
    added: int
    already: int
    changes: ChangeSet


@dataclass(frozen=True)
class ImportedRow:
    line: int
    last_name: str
    first_name: str
    email: str
    organisation: str
    person_id: str | None  # matched or created person
    outcome: str  # "existant", "ajouté", "créé", "inconnu", "ambigu", "rejeté"
    reason: str = ""


@dataclass(frozen=True)
class ImportReport:
    rows: tuple[ImportedRow, ...]
    added: int
    created: int
    changes: ChangeSet = field(default_factory=ChangeSet)

    @property
    def unknown(self) -> tuple[ImportedRow, ...]:
        return tuple(r for r in self.rows if r.outcome == "inconnu")

    @property
    def problems(self) -> tuple[ImportedRow, ...]:
        return tuple(r for r in self.rows if r.outcome in ("ambigu", "rejeté"))


class _Changes:
    """Collects, inside a unit of work, what a write changes and the values before it.

    ``track(row)`` before changing an existing row, ``add(row)`` after adding a new one;
    ``result(label)`` (still inside the unit) gives the :class:`Changes` with its undo step.
    """

    def __init__(self, s: Session) -> None:
        self.recorder = ChangeRecorder(s)
        self.created: list[tuple[str, str]] = []
        self.updated: list[tuple[str, str]] = []
        self.deleted: list[tuple[str, str]] = []

    def track(self, row):  # noqa: ANN001, ANN201 - any synced row, returned
        return self.recorder.track(row)

    def add(self, row) -> None:  # noqa: ANN001
        self.recorder.created(row)
        self.created.append((row.__tablename__, row.id))

    def result(self, label: str) -> Changes:
        step = self.recorder.step(label)
        return Changes(tuple(self.created), tuple(self.updated), tuple(self.deleted),
                       undo=step if step else None)


def _short(text: str, size: int = 60) -> str:
    """A title for an undo label (« Modifier la réunion COPIL n° 5 »), long ones shortened."""
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size - 1].rstrip() + "…"


# --------------------------------------------------------------------------- helpers


def display_name(first_name: str, last_name: str) -> str:
    """« Alexandre FASSI » (last name in capitals, as in minutes and sheets)."""
    return " ".join(x for x in (first_name.strip(), last_name.strip().upper()) if x)


def reference(series: str, number: int | None) -> str:
    """« CP4 »: the series followed by the number (as the detail pane shows it).

    A series that ends with a digit gets « n° » (« GT5 n° 4 », never « GT54 »); a series of
    several words gets a space (« Groupe emploi 2 »)."""
    if not series:
        return ""
    if number is None:
        return series
    if series[-1].isdigit():
        return f"{series} n°\u00a0{number}"
    if any(c.isspace() for c in series):
        return f"{series}\u00a0{number}"
    return f"{series}{number}"


def session_label_for(start: dt.time, end: dt.time) -> str:
    """« matin » before 13 h 00, « apres_midi » after, « journee » across it."""
    if end <= HALF_DAY_SPLIT:
        return "matin"
    if start >= HALF_DAY_SPLIT:
        return "apres_midi"
    return "journee"


def default_sessions(start: dt.date, days: int = 1) -> tuple[SessionInput, ...]:
    """Two half-days per day for ``days`` consecutive days."""
    if days < 1:
        raise ValidationError("Le nombre de jours doit être au moins 1.", field="days")
    if days > 60:
        raise ValidationError("Au plus 60 jours par réunion.", field="days")
    out: list[SessionInput] = []
    for i in range(days):
        day = start + dt.timedelta(days=i)
        out.append(SessionInput(day, *MORNING, "matin"))
        out.append(SessionInput(day, *AFTERNOON, "apres_midi"))
    return tuple(out)


def _live(s: Session, model: type, record_id: str | None, what: str):  # noqa: ANN202
    obj = s.get(model, record_id) if record_id else None
    if obj is None or obj.deleted:
        raise NotFound(f"{what} n'existe pas ou a été supprimé(e).")
    return obj


def _meeting(s: Session, meeting_id: str) -> Meeting:
    return _live(s, Meeting, meeting_id, "Cette réunion")


def _live_sessions(s: Session, meeting_id: str) -> list[MeetingSession]:
    return list(
        s.execute(
            select(MeetingSession)
            .where(MeetingSession.meeting_id == meeting_id, MeetingSession.deleted.is_(False))
            .order_by(MeetingSession.date, MeetingSession.start_time)
        ).scalars()
    )


def _signature_count(s: Session, session_ids: Sequence[str]) -> dict[str, int]:
    if not session_ids:
        return {}
    return dict(
        s.execute(
            select(Attendance.session_id, func.count())
            .where(
                Attendance.session_id.in_(session_ids),
                Attendance.deleted.is_(False),
                Attendance.signature_sha256.is_not(None),
            )
            .group_by(Attendance.session_id)
        ).all()
    )


def _validate_meeting(data: MeetingInput) -> None:
    if not data.title.strip():
        raise ValidationError("Le titre de la réunion est obligatoire.", field="title")
    if len(data.title) > 300:
        raise ValidationError("Le titre ne doit pas dépasser 300 caractères.", field="title")
    if data.kind not in labels.MEETING_KINDS:
        raise ValidationError(
            f"Type de réunion inconnu : « {data.kind} ». Types possibles : "
            + ", ".join(labels.MEETING_KINDS) + ".",
            field="kind",
        )
    if data.status not in labels.MEETING_STATUSES:
        raise ValidationError(f"Statut inconnu : « {data.status} ».", field="status")
    if data.capacity is not None and data.capacity < 1:
        raise ValidationError("La capacité doit être un nombre positif.", field="capacity")
    if data.number is not None and data.number < 1:
        raise ValidationError("Le numéro dans la série doit être positif.", field="number")
    if data.number is not None and not data.series.strip():
        raise ValidationError("Un numéro suppose une série (ex. « CP »).", field="series")
    if len(data.series) > 60:
        raise ValidationError("Le nom de série ne doit pas dépasser 60 caractères.", field="series")


def _validate_session(data: SessionInput) -> None:
    if data.end_time <= data.start_time:
        raise ValidationError(
            "L'heure de fin doit suivre l'heure de début "
            f"({fmt.time_short(data.start_time)} – {fmt.time_short(data.end_time)}).",
            field="end_time",
        )


def _check_refs(s: Session, data: MeetingInput) -> None:
    if data.action_id:
        _live(s, Action, data.action_id, "L'action choisie")
    if data.organiser_id:
        _live(s, Person, data.organiser_id, "L'organisateur choisi")
    if data.organiser_org_id:
        _live(s, Organisation, data.organiser_org_id, "La structure organisatrice")


def _check_series_free(s: Session, data: MeetingInput, meeting_id: str | None) -> None:
    if not data.series.strip() or data.number is None:
        return
    q = select(Meeting.id).where(
        Meeting.series == data.series.strip(),
        Meeting.number == data.number,
        Meeting.deleted.is_(False),
    )
    if meeting_id:
        q = q.where(Meeting.id != meeting_id)
    if s.execute(q).first() is not None:
        raise ValidationError(
            f"La réunion « {reference(data.series.strip(), data.number)} » existe déjà : "
            "choisissez un autre numéro.",
            field="number",
        )


def _apply_fields(m: Meeting, data: MeetingInput) -> None:
    m.kind = data.kind
    m.title = data.title.strip()
    m.series = data.series.strip()
    m.number = data.number
    m.action_id = data.action_id or None
    m.organiser_id = data.organiser_id or None
    m.organiser_org_id = data.organiser_org_id or None
    m.place_name = data.place_name.strip()
    m.place_address = data.place_address.strip()
    m.capacity = data.capacity
    m.objectives = data.objectives.strip()
    m.status = data.status


def _set_agenda(s: Session, meeting_id: str, items: Sequence[AgendaItemInput], ch: _Changes) -> None:
    existing = list(
        s.execute(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id, AgendaItem.deleted.is_(False))
            .order_by(AgendaItem.position)
        ).scalars()
    )
    items = [i for i in items if i.text.strip()]
    for pos, item in enumerate(items):
        if pos < len(existing):
            row = existing[pos]
            if (row.text, row.presenter, row.position) != (item.text.strip(), item.presenter.strip(), pos):
                ch.track(row)
                row.text, row.presenter, row.position = item.text.strip(), item.presenter.strip(), pos
                ch.updated.append(("agenda_items", row.id))
        else:
            row = AgendaItem(meeting_id=meeting_id, position=pos, text=item.text.strip(),
                             presenter=item.presenter.strip())
            s.add(row)
            s.flush()
            ch.add(row)
    for row in existing[len(items):]:
        ch.track(row)
        row.deleted = True
        ch.deleted.append(("agenda_items", row.id))


def _new_session(s: Session, meeting_id: str, data: SessionInput, ch: _Changes) -> MeetingSession:
    _validate_session(data)
    row = MeetingSession(
        meeting_id=meeting_id,
        date=data.date,
        start_time=data.start_time,
        end_time=data.end_time,
        label=data.label or session_label_for(data.start_time, data.end_time),
    )
    s.add(row)
    s.flush()
    ch.add(row)
    return row


# --------------------------------------------------------------------------- meetings


def create_meeting(ws: Workspace, data: MeetingInput) -> Saved:
    """Create a meeting with its sessions and agenda."""
    _validate_meeting(data)
    with ws.unit(write=True) as s:
        ch = _Changes(s)
        _check_refs(s, data)
        _check_series_free(s, data, None)
        m = Meeting(kind=data.kind, title=data.title.strip())
        _apply_fields(m, data)
        s.add(m)
        s.flush()
        ch.add(m)
        for sess in data.sessions or ():
            _new_session(s, m.id, sess, ch)
        if data.agenda:
            _set_agenda(s, m.id, data.agenda, ch)
        return Saved(m.id, ch.result(f"Créer la réunion {_short(m.title)}"))


def update_meeting(ws: Workspace, meeting_id: str, data: MeetingInput) -> Changes:
    """Save the form. ``data.sessions`` (when given) replaces the sessions, keeping matching ones."""
    _validate_meeting(data)
    with ws.unit(write=True) as s:
        ch = _Changes(s)
        m = _meeting(s, meeting_id)
        ch.track(m)
        _check_refs(s, data)
        _check_series_free(s, data, m.id)
        before = (m.kind, m.title, m.series, m.number, m.action_id, m.organiser_id,
                  m.organiser_org_id, m.place_name, m.place_address, m.capacity,
                  m.objectives, m.status)
        _apply_fields(m, data)
        after = (m.kind, m.title, m.series, m.number, m.action_id, m.organiser_id,
                 m.organiser_org_id, m.place_name, m.place_address, m.capacity,
                 m.objectives, m.status)
        if before != after:
            ch.updated.append(("meetings", m.id))
        if data.agenda is not None:
            _set_agenda(s, m.id, data.agenda, ch)
        if data.sessions is not None:
            _replace_sessions(s, m.id, data.sessions, ch)
        return ch.result(f"Modifier la réunion {_short(m.title)}")


def _replace_sessions(s: Session, meeting_id: str, wanted: Sequence[SessionInput], ch: _Changes) -> None:
    current = _live_sessions(s, meeting_id)
    key = lambda d, a, b: (d, a, b)  # noqa: E731
    remaining = {key(x.date, x.start_time, x.end_time): x for x in current}
    keep: set[str] = set()
    for data in wanted:
        row = remaining.pop(key(data.date, data.start_time, data.end_time), None)
        if row is None:
            _new_session(s, meeting_id, data, ch)
        else:
            keep.add(row.id)
            label = data.label or row.label
            if label != row.label:
                ch.track(row)
                row.label = label
                ch.updated.append(("sessions", row.id))
    for row in remaining.values():
        _check_removable(s, row)
        ch.track(row)
        row.deleted = True
        ch.deleted.append(("sessions", row.id))


def delete_meeting(ws: Workspace, meeting_id: str) -> Changes:
    """Delete a meeting (a tombstone). Refused when any of its sessions holds evidence."""
    with ws.unit(write=True) as s:
        ch = _Changes(s)
        m = _meeting(s, meeting_id)
        sessions = _live_sessions(s, m.id)
        for row in sessions:
            _check_removable(s, row)
        ch.track(m)
        m.deleted = True
        ch.deleted.append(("meetings", m.id))
        for row in sessions:
            ch.track(row)
            row.deleted = True
            ch.deleted.append(("sessions", row.id))
        return ch.result(f"Supprimer la réunion {_short(m.title)}")


def next_in_series(ws: Workspace, series: str) -> NextInSeries:
    """The number to propose for a new meeting of ``series``: after « CP4 » comes « CP5 »."""
    series = series.strip()
    with ws.unit() as s:
        row = s.execute(
            select(Meeting.id, Meeting.number)
            .where(Meeting.series == series, Meeting.deleted.is_(False), Meeting.number.is_not(None))
            .order_by(Meeting.number.desc())
            .limit(1)
        ).first()
    number = (row.number + 1) if row else 1
    return NextInSeries(series, number, reference(series, number), row.id if row else None)


def split_reference(text: str) -> tuple[str, int] | None:
    """« CP5 » → ("CP", 5); « GT5 – réunion 2 » → ("GT5 – réunion", 2); None without a number."""
    match = re.fullmatch(r"(.*\D)(\d+)", text.strip())
    if not match or not match.group(1).strip():
        return None
    return match.group(1).strip(), int(match.group(2))


def resolve_meeting(ws: Workspace, ref: str) -> str:
    """A meeting id from an id, a series reference (« CP4 ») or a unique title prefix."""
    ref = (ref or "").strip()
    if not ref:
        raise ValidationError("Indiquez une réunion (identifiant, référence ou titre).", field="meeting")
    with ws.unit() as s:
        row = s.get(Meeting, ref)
        if row is not None and not row.deleted:
            return row.id
        rows = s.execute(
            select(Meeting.id, Meeting.title, Meeting.series, Meeting.number)
            .where(Meeting.deleted.is_(False))
        ).all()
    def squeezed(text: str) -> str:
        return re.sub(r"\s+", "", fold(text))

    wanted = squeezed(ref)
    by_ref = [r for r in rows if r.series and wanted in (
        squeezed(reference(r.series, r.number)), squeezed(f"{r.series}{r.number or ''}"))]
    if len(by_ref) == 1:
        return by_ref[0].id
    folded = fold(ref)
    exact = [r for r in rows if fold(r.title) == folded]
    if len(exact) == 1:
        return exact[0].id
    prefix = [r for r in rows if fold(r.title).startswith(folded)] or [
        r for r in rows if r.id.startswith(ref.lower())
    ]
    if len(prefix) == 1:
        return prefix[0].id
    if not prefix:
        raise NotFound(f"Aucune réunion ne correspond à « {ref} ».")
    names = " ; ".join(f"« {r.title} »" for r in prefix[:5])
    more = f" (et {len(prefix) - 5} autres)" if len(prefix) > 5 else ""
    raise ValidationError(
        f"« {ref} » désigne plusieurs réunions : {names}{more}. Précisez.", field="meeting"
    )


def _org_label(org: Organisation | None) -> str:
    if org is None:
        return ""
    return org.acronym or org.name


def get_meeting(ws: Workspace, meeting_id: str) -> MeetingDetail:
    with ws.unit() as s:
        m = _meeting(s, meeting_id)
        action = s.get(Action, m.action_id) if m.action_id else None
        organiser = s.get(Person, m.organiser_id) if m.organiser_id else None
        organiser_org = s.get(Organisation, m.organiser_org_id) if m.organiser_org_id else None
        sessions = _live_sessions(s, m.id)
        ids = [x.id for x in sessions]
        signed = _signature_count(s, ids)
        recorded = dict(
            s.execute(
                select(Attendance.session_id, func.count())
                .where(Attendance.session_id.in_(ids), Attendance.deleted.is_(False))
                .group_by(Attendance.session_id)
            ).all()
        ) if ids else {}
        agenda = s.execute(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == m.id, AgendaItem.deleted.is_(False))
            .order_by(AgendaItem.position)
        ).scalars().all()
        follow = s.execute(
            select(FollowUpItem)
            .where(FollowUpItem.meeting_id == m.id, FollowUpItem.deleted.is_(False))
            .order_by(FollowUpItem.due_date.is_(None), FollowUpItem.due_date, FollowUpItem.id)
        ).scalars().all()
        owners = {
            p.id: p for p in s.execute(
                select(Person).where(Person.id.in_([f.owner_id for f in follow if f.owner_id]))
            ).scalars()
        }
        return MeetingDetail(
            id=m.id,
            kind=m.kind,
            kind_label=labels.label(labels.MEETING_KINDS, m.kind),
            title=m.title,
            series=m.series,
            number=m.number,
            reference=reference(m.series, m.number),
            action_id=m.action_id,
            action_title=action.title if action else "",
            action_code=action.code if action else "",
            funder=action.funder if action else "",
            fse_rate=action.fse_rate if action else 0.0,
            organiser_id=m.organiser_id,
            organiser=display_name(organiser.first_name, organiser.last_name) if organiser else "",
            organiser_org_id=m.organiser_org_id,
            organiser_org=organiser_org.name if organiser_org else "",
            place_name=m.place_name,
            place_address=m.place_address,
            capacity=m.capacity,
            objectives=m.objectives,
            status=m.status,
            status_label=labels.label(labels.MEETING_STATUSES, m.status),
            minutes=m.minutes,
            decisions=m.decisions,
            minutes_author=m.minutes_author,
            minutes_date=m.minutes_date,
            sessions=tuple(
                SessionView(
                    id=x.id, date=x.date, start_time=x.start_time, end_time=x.end_time,
                    label=x.label, label_text=labels.label(labels.SESSION_LABELS, x.label),
                    sealed=x.sealed, sealed_at=x.sealed_at, sealed_by=x.sealed_by,
                    signatures=signed.get(x.id, 0), recorded=recorded.get(x.id, 0),
                )
                for x in sessions
            ),
            agenda=tuple(AgendaItemView(a.id, a.position, a.text, a.presenter) for a in agenda),
            participants=participant_views(s, m.id),
            follow_ups=tuple(
                FollowUpView(
                    f.id, f.text, f.owner_id,
                    f.owner_label or (
                        display_name(owners[f.owner_id].first_name, owners[f.owner_id].last_name)
                        if f.owner_id in owners else ""
                    ),
                    f.due_date, f.done,
                )
                for f in follow
            ),
        )


def participant_views(s: Session, meeting_id: str) -> tuple[ParticipantView, ...]:
    """Participants sorted by last name then first name (accent-insensitive). In-session helper."""
    rows = s.execute(
        select(Participant, Person, Organisation)
        .join(Person, Person.id == Participant.person_id)
        .outerjoin(Organisation, Organisation.id == Participant.organisation_id)
        .where(Participant.meeting_id == meeting_id, Participant.deleted.is_(False))
    ).all()
    functions: dict[tuple[str, str], str] = {}
    person_ids = [p.id for _, p, _ in rows]
    for i in range(0, len(person_ids), 500):
        for a in s.execute(
            select(Affiliation.person_id, Affiliation.organisation_id, Affiliation.function)
            .where(Affiliation.person_id.in_(person_ids[i:i + 500]), Affiliation.deleted.is_(False))
        ):
            if a.function:
                functions[(a.person_id, a.organisation_id)] = a.function
    out = [
        ParticipantView(
            person_id=p.id,
            first_name=p.first_name,
            last_name=p.last_name,
            display_name=display_name(p.first_name, p.last_name),
            organisation_id=o.id if o else None,
            organisation=_org_label(o),
            function=functions.get((p.id, o.id if o else ""), "")
            or labels.label(labels.PERSON_CATEGORIES, p.category),
            category=p.category,
            is_beneficiary=p.is_beneficiary or p.category == "public",
            role=part.role,
            invitation_status=part.invitation_status,
        )
        for part, p, o in rows
    ]
    out.sort(key=lambda v: (fold(v.last_name), fold(v.first_name), v.person_id))
    return tuple(out)


_FIRST = (
    select(func.min(MeetingSession.date))
    .where(MeetingSession.meeting_id == Meeting.id, MeetingSession.deleted.is_(False))
    .correlate(Meeting)
    .scalar_subquery()
)
_LAST = (
    select(func.max(MeetingSession.date))
    .where(MeetingSession.meeting_id == Meeting.id, MeetingSession.deleted.is_(False))
    .correlate(Meeting)
    .scalar_subquery()
)
_NSESS = (
    select(func.count(MeetingSession.id))
    .where(MeetingSession.meeting_id == Meeting.id, MeetingSession.deleted.is_(False))
    .correlate(Meeting)
    .scalar_subquery()
)
_NPART = (
    select(func.count(Participant.id))
    .where(Participant.meeting_id == Meeting.id, Participant.deleted.is_(False))
    .correlate(Meeting)
    .scalar_subquery()
)


def list_meetings(
    ws: Workspace,
    *,
    kind: str | None = None,
    status: str | None = None,
    action_id: str | None = None,
    organisation_id: str | None = None,
    search: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    limit: int | None = None,
) -> tuple[MeetingSummary, ...]:
    """Meetings, most recent first (those without a date last)."""
    q = (
        select(Meeting, _FIRST.label("first"), _LAST.label("last"), _NSESS.label("n_sess"),
               _NPART.label("n_part"), Action.title.label("action_title"))
        .outerjoin(Action, Action.id == Meeting.action_id)
        .where(Meeting.deleted.is_(False))
    )
    if kind:
        q = q.where(Meeting.kind == kind)
    if status:
        q = q.where(Meeting.status == status)
    if action_id:
        q = q.where(Meeting.action_id == action_id)
    if organisation_id:
        q = q.where(
            or_(
                Meeting.organiser_org_id == organisation_id,
                Meeting.id.in_(
                    select(Participant.meeting_id).where(
                        Participant.organisation_id == organisation_id,
                        Participant.deleted.is_(False),
                    )
                ),
            )
        )
    for term in fold(search).split():
        like = f"%{term}%"
        q = q.where(or_(func.maillage_fold(Meeting.title).like(like),
                        func.maillage_fold(Meeting.series).like(like),
                        func.maillage_fold(Meeting.place_name).like(like)))
    if start:
        q = q.where(_LAST >= start)
    if end:
        q = q.where(_FIRST <= end)
    q = q.order_by(_FIRST.is_(None), _FIRST.desc(), Meeting.title)
    if limit:
        q = q.limit(limit)
    with ws.unit() as s:
        return tuple(
            MeetingSummary(
                id=m.id, reference=reference(m.series, m.number), title=m.title, kind=m.kind,
                kind_label=labels.label(labels.MEETING_KINDS, m.kind), status=m.status,
                status_label=labels.label(labels.MEETING_STATUSES, m.status),
                first_date=first, last_date=last, sessions=n_sess, participants=n_part,
                place_name=m.place_name, action_title=action_title or "",
            )
            for m, first, last, n_sess, n_part, action_title in s.execute(q).all()
        )


def agenda(ws: Workspace, start: dt.date, end: dt.date) -> tuple[AgendaEntry, ...]:
    """Sessions between ``start`` and ``end`` (inclusive), for the week and month views."""
    with ws.unit() as s:
        rows = s.execute(
            select(MeetingSession, Meeting)
            .join(Meeting, Meeting.id == MeetingSession.meeting_id)
            .where(
                MeetingSession.deleted.is_(False), Meeting.deleted.is_(False),
                MeetingSession.date >= start, MeetingSession.date <= end,
            )
            .order_by(MeetingSession.date, MeetingSession.start_time, Meeting.title)
        ).all()
        return tuple(
            AgendaEntry(x.id, m.id, m.title, m.kind, x.date, x.start_time, x.end_time, x.label,
                        m.place_name, m.status)
            for x, m in rows
        )


# --------------------------------------------------------------------------- sessions


def _check_removable(s: Session, row: MeetingSession) -> None:
    if row.sealed:
        raise ValidationError(
            f"Le créneau du {fmt.date_long(row.date)} est scellé : il ne peut plus être modifié.",
            field="sessions",
        )
    if _signature_count(s, [row.id]).get(row.id):
        raise ValidationError(
            f"Le créneau du {fmt.date_long(row.date)} porte déjà des signatures : "
            "il ne peut plus être supprimé ni déplacé.",
            field="sessions",
        )


def add_session(ws: Workspace, meeting_id: str, data: SessionInput) -> Saved:
    with ws.unit(write=True) as s:
        ch = _Changes(s)
        m = _meeting(s, meeting_id)
        row = _new_session(s, m.id, data, ch)
        return Saved(row.id, ch.result(f"Ajouter un créneau à {_short(m.title)}"))


def update_session(ws: Workspace, session_id: str, data: SessionInput) -> Changes:
    """Change a session's date, times or label (refused once signed or sealed)."""
    _validate_session(data)
    with ws.unit(write=True) as s:
        ch = _Changes(s)
        row = _live(s, MeetingSession, session_id, "Ce créneau")
        moved = (row.date, row.start_time, row.end_time) != (data.date, data.start_time, data.end_time)
        if moved or row.sealed:
            _check_removable(s, row)
        ch.track(row)
        row.date, row.start_time, row.end_time = data.date, data.start_time, data.end_time
        row.label = data.label or session_label_for(data.start_time, data.end_time)
        ch.updated.append(("sessions", session_id))
        return ch.result(f"Modifier le créneau du {fmt.date_long(row.date)}")


def remove_session(ws: Workspace, session_id: str) -> Changes:
    with ws.unit(write=True) as s:
        ch = _Changes(s)
        row = _live(s, MeetingSession, session_id, "Ce créneau")
        _check_removable(s, row)
        ch.track(row)
        row.deleted = True
        ch.deleted.append(("sessions", session_id))
        return ch.result(f"Retirer le créneau du {fmt.date_long(row.date)}")


# --------------------------------------------------------------------------- agenda, minutes


def set_agenda(ws: Workspace, meeting_id: str, items: Sequence[AgendaItemInput]) -> Changes:
    """Replace the *ordre du jour* by ``items`` in this order (empty items dropped)."""
    with ws.unit(write=True) as s:
        ch = _Changes(s)
        m = _meeting(s, meeting_id)
        _set_agenda(s, meeting_id, items, ch)
        return ch.result(f"Modifier l'ordre du jour de {_short(m.title)}")


def _validate_follow_up(data: FollowUpInput) -> None:
    if not data.text.strip():
        raise ValidationError("Décrivez l'action de suivi.", field="text")


def add_follow_up(ws: Workspace, meeting_id: str, data: FollowUpInput) -> Saved:
    _validate_follow_up(data)
    with ws.unit(write=True) as s:
        _meeting(s, meeting_id)
        if data.owner_id:
            _live(s, Person, data.owner_id, "Le responsable choisi")
        row = FollowUpItem(meeting_id=meeting_id, text=data.text.strip(), owner_id=data.owner_id,
                           owner_label=data.owner_label.strip(), due_date=data.due_date,
                           done=data.done)
        s.add(row)
        s.flush()
        ch = _Changes(s)
        ch.add(row)
        return Saved(row.id, ch.result(f"Ajouter l'action de suivi {_short(row.text, 40)}"))


def update_follow_up(ws: Workspace, item_id: str, data: FollowUpInput) -> Changes:
    _validate_follow_up(data)
    with ws.unit(write=True) as s:
        ch = _Changes(s)
        row = ch.track(_live(s, FollowUpItem, item_id, "Cette action de suivi"))
        if data.owner_id:
            _live(s, Person, data.owner_id, "Le responsable choisi")
        row.text, row.owner_id, row.owner_label = data.text.strip(), data.owner_id, data.owner_label.strip()
        row.due_date, row.done = data.due_date, data.done
        ch.updated.append(("follow_up_items", item_id))
        return ch.result(f"Modifier l'action de suivi {_short(row.text, 40)}")


def remove_follow_up(ws: Workspace, item_id: str) -> Changes:
    with ws.unit(write=True) as s:
        ch = _Changes(s)
        row = ch.track(_live(s, FollowUpItem, item_id, "Cette action de suivi"))
        row.deleted = True
        ch.deleted.append(("follow_up_items", item_id))
        return ch.result(f"Supprimer l'action de suivi {_short(row.text, 40)}")


def save_minutes(ws: Workspace, meeting_id: str, data: MinutesInput) -> ChangeSet:
    """Save the *compte rendu* text, decisions, author and date."""
    if data.date is not None and data.date > dt.date.today() + dt.timedelta(days=1):
        raise ValidationError("La date du compte rendu ne peut pas être dans le futur.", field="date")
    with ws.unit(write=True) as s:
        ch = _Changes(s)
        m = ch.track(_meeting(s, meeting_id))
        m.minutes, m.decisions = data.minutes.strip(), data.decisions.strip()
        m.minutes_author, m.minutes_date = data.author.strip(), data.date
        ch.updated.append(("meetings", meeting_id))
        return ch.result(f"Enregistrer le compte rendu de {_short(m.title)}")


# --------------------------------------------------------------------------- participants


def _primary_org(s: Session, person_ids: Sequence[str]) -> dict[str, str]:
    """Each person's current structure: the primary affiliation, else the latest one."""
    out: dict[str, str] = {}
    today = dt.date.today()
    for i in range(0, len(person_ids), 500):
        rows = s.execute(
            select(Affiliation.person_id, Affiliation.organisation_id, Affiliation.is_primary,
                   Affiliation.end_date)
            .where(Affiliation.person_id.in_(person_ids[i:i + 500]), Affiliation.deleted.is_(False))
            .order_by(Affiliation.is_primary, Affiliation.start_date.is_(None), Affiliation.start_date)
        ).all()
        for r in rows:  # later rows (primary, most recent) win
            if r.end_date is None or r.end_date >= today or r.person_id not in out:
                out[r.person_id] = r.organisation_id
    return out


def _check_role_status(role: str, status: str) -> None:
    if role not in labels.PARTICIPANT_ROLES:
        raise ValidationError(f"Rôle inconnu : « {role} ».", field="role")
    if status not in labels.INVITATION_STATUSES:
        raise ValidationError(f"Statut d'invitation inconnu : « {status} ».", field="invitation_status")


def _add(
    s: Session,
    meeting_id: str,
    person_ids: Iterable[str],
    ch: _Changes,
    *,
    role: str = "participant",
    status: str = "invite",
    organisations: dict[str, str] | None = None,
) -> tuple[int, int]:
    ids = list(dict.fromkeys(person_ids))
    orgs = _primary_org(s, ids)
    if organisations:
        orgs.update(organisations)
    added = already = 0
    for pid in ids:
        pk = participant_id(meeting_id, pid)
        row = s.get(Participant, pk)
        if row is not None and not row.deleted:
            already += 1
            continue
        if row is None:
            row = Participant(id=pk, meeting_id=meeting_id, person_id=pid,
                              organisation_id=orgs.get(pid), role=role, invitation_status=status)
            s.add(row)
            ch.add(row)
        else:  # re-invited after removal: revive the same record (same id everywhere)
            ch.track(row)
            row.deleted, row.role, row.invitation_status = False, role, status
            row.organisation_id = orgs.get(pid, row.organisation_id)
            ch.updated.append(("participants", pk))
        added += 1
    s.flush()
    return added, already


def add_participants(
    ws: Workspace,
    meeting_id: str,
    person_ids: Sequence[str],
    *,
    role: str = "participant",
    status: str = "invite",
) -> AddResult:
    """Invite people one by one (people already invited are left as they are)."""
    _check_role_status(role, status)
    with ws.unit(write=True) as s:
        ch = _Changes(s)
        m = _meeting(s, meeting_id)
        found = set(
            s.execute(
                select(Person.id).where(Person.id.in_(list(person_ids)), Person.deleted.is_(False))
            ).scalars()
        )
        missing = [p for p in person_ids if p not in found]
        if missing:
            raise NotFound(fmt.plural(len(missing), "personne introuvable ou supprimée",
                                      "personnes introuvables ou supprimées") + ".")
        added, already = _add(s, meeting_id, person_ids, ch, role=role, status=status)
        return AddResult(added, already, ch.result(_invite_label(added, m)))


def _invite_label(added: int, m: Meeting) -> str:
    """« Inviter 3 personnes à COPIL n° 5 »."""
    return f"Inviter {fmt.plural(added, 'personne')} à {_short(m.title)}"


def _people_query_live():  # noqa: ANN202
    return select(Person.id).where(
        Person.deleted.is_(False), Person.archived.is_(False), Person.merged_into.is_(None)
    )


def add_structure_contacts(ws: Workspace, meeting_id: str, organisation_ids: Sequence[str]) -> AddResult:
    """Invite every current contact of the chosen structures (they represent that structure)."""
    today = dt.date.today()
    with ws.unit(write=True) as s:
        ch = _Changes(s)
        m = _meeting(s, meeting_id)
        rows = s.execute(
            select(Affiliation.person_id, Affiliation.organisation_id)
            .join(Person, Person.id == Affiliation.person_id)
            .where(
                Affiliation.organisation_id.in_(list(organisation_ids)),
                Affiliation.deleted.is_(False),
                or_(Affiliation.end_date.is_(None), Affiliation.end_date >= today),
                Person.deleted.is_(False), Person.archived.is_(False), Person.merged_into.is_(None),
            )
            .order_by(Affiliation.is_primary)
        ).all()
        orgs = {r.person_id: r.organisation_id for r in rows}
        added, already = _add(s, meeting_id, list(orgs), ch, organisations=orgs)
        return AddResult(added, already, ch.result(_invite_label(added, m)))


def add_by_criteria(
    ws: Workspace,
    meeting_id: str,
    *,
    categories: Sequence[str] = (),
    territories: Sequence[str] = (),
    organisation_kinds: Sequence[str] = (),
) -> AddResult:
    """Invite the contacts of given categories and/or whose structure is in given territories
    (territory name or postcode prefix, e.g. « 89 ») and/or of given kinds of structure."""
    if not (categories or territories or organisation_kinds):
        raise ValidationError("Choisissez au moins une catégorie, un territoire ou un type de structure.",
                              field="categories")
    unknown = [c for c in categories if c not in labels.PERSON_CATEGORIES]
    if unknown:
        raise ValidationError(f"Catégorie inconnue : « {unknown[0]} ».", field="categories")
    with ws.unit(write=True) as s:
        ch = _Changes(s)
        m = _meeting(s, meeting_id)
        q = _people_query_live()
        if categories:
            q = q.where(Person.category.in_(list(categories)))
        if territories or organisation_kinds:
            conds = []
            for t in territories:
                t = t.strip()
                if t.isdigit():
                    conds.append(Organisation.postcode.like(f"{t}%"))
                elif t:
                    conds.append(func.maillage_fold(Organisation.territory) == fold(t))
            org_q = select(Affiliation.person_id).join(
                Organisation, Organisation.id == Affiliation.organisation_id
            ).where(Affiliation.deleted.is_(False), Organisation.deleted.is_(False))
            if conds:
                org_q = org_q.where(or_(*conds))
            if organisation_kinds:
                org_q = org_q.where(Organisation.kind_code.in_(list(organisation_kinds)))
            q = q.where(Person.id.in_(org_q))
        ids = list(s.execute(q).scalars())
        added, already = _add(s, meeting_id, ids, ch)
        return AddResult(added, already, ch.result(_invite_label(added, m)))


def previous_in_series(ws: Workspace, meeting_id: str) -> str | None:
    """The meeting just before this one in its series (by number, else by date)."""
    with ws.unit() as s:
        m = _meeting(s, meeting_id)
        if not m.series:
            return None
        q = select(Meeting.id).where(
            Meeting.series == m.series, Meeting.deleted.is_(False), Meeting.id != m.id
        )
        if m.number is not None:
            q = q.where(Meeting.number < m.number).order_by(Meeting.number.desc())
        else:
            q = q.order_by(_FIRST.desc())
        return s.execute(q.limit(1)).scalar()


def add_from_previous(ws: Workspace, meeting_id: str, previous_id: str | None = None) -> AddResult:
    """Invite everyone from a previous meeting (default: the previous one of the series),
    with the same role and structure; people who had unsubscribed are not re-invited."""
    previous_id = previous_id or previous_in_series(ws, meeting_id)
    if previous_id is None:
        raise ValidationError("Aucune réunion précédente dans cette série.", field="previous")
    added = already = 0
    with ws.unit(write=True) as s:
        ch = _Changes(s)
        m = _meeting(s, meeting_id)
        _meeting(s, previous_id)
        rows = s.execute(
            select(Participant.person_id, Participant.role, Participant.organisation_id)
            .join(Person, Person.id == Participant.person_id)
            .where(Participant.meeting_id == previous_id, Participant.deleted.is_(False),
                   Participant.invitation_status != "desinscrit", Person.deleted.is_(False),
                   Person.archived.is_(False))
        ).all()
        for role in labels.PARTICIPANT_ROLES:
            group = [r for r in rows if r.role == role]
            orgs = {r.person_id: r.organisation_id for r in group if r.organisation_id}
            a, b = _add(s, meeting_id, [r.person_id for r in group], ch, role=role, organisations=orgs)
            added, already = added + a, already + b
        return AddResult(added, already, ch.result(_invite_label(added, m)))


def _person_name(s: Session, person_id: str) -> str:
    person = s.get(Person, person_id)
    return display_name(person.first_name, person.last_name) if person is not None else ""


def set_invitation_status(ws: Workspace, meeting_id: str, person_id: str, status: str) -> Changes:
    _check_role_status("participant", status)
    with ws.unit(write=True) as s:
        ch = _Changes(s)
        row = ch.track(_live(s, Participant, participant_id(meeting_id, person_id), "Cette invitation"))
        row.invitation_status = status
        ch.updated.append(("participants", row.id))
        status_text = labels.label(labels.INVITATION_STATUSES, status).lower()
        return ch.result(f"Marquer {_person_name(s, person_id)} {status_text}")


def set_role(ws: Workspace, meeting_id: str, person_id: str, role: str) -> Changes:
    _check_role_status(role, "invite")
    with ws.unit(write=True) as s:
        ch = _Changes(s)
        row = ch.track(_live(s, Participant, participant_id(meeting_id, person_id), "Cette invitation"))
        row.role = role
        ch.updated.append(("participants", row.id))
        return ch.result(f"Changer le rôle de {_person_name(s, person_id)}")


def remove_participant(ws: Workspace, meeting_id: str, person_id: str) -> Changes:
    """Withdraw an invitation. Refused when the person has signed: mark them « désinscrit » instead."""
    with ws.unit(write=True) as s:
        row = _live(s, Participant, participant_id(meeting_id, person_id), "Cette invitation")
        signed = s.execute(
            select(func.count()).select_from(Attendance)
            .join(MeetingSession, MeetingSession.id == Attendance.session_id)
            .where(MeetingSession.meeting_id == meeting_id, Attendance.person_id == person_id,
                   Attendance.deleted.is_(False),
                   or_(Attendance.signature_sha256.is_not(None), MeetingSession.sealed.is_(True)))
        ).scalar_one()
        if signed:
            raise ValidationError(
                "Cette personne a déjà émargé : elle ne peut pas être retirée de la réunion.",
                field="participants",
            )
        ch = _Changes(s)
        ch.track(row)
        row.deleted = True
        ch.deleted.append(("participants", row.id))
        return ch.result(f"Retirer {_person_name(s, person_id)} des invités")


# --------------------------------------------------------------------------- import a list

_HEADERS = {
    "last_name": ("nom", "nom de famille", "last name", "last_name", "nom usage"),
    "first_name": ("prenom", "first name", "first_name"),
    "email": ("email", "e-mail", "courriel", "mail", "adresse electronique", "adresse mail"),
    "organisation": ("structure", "organisme", "organisation", "entreprise", "employeur", "societe"),
    "function": ("fonction", "poste"),
    "category": ("categorie", "public"),
    "phone": ("telephone", "tel", "portable", "mobile"),
}


def _read_rows(path: Path) -> list[tuple[int, list[str]]]:
    """``(line number, cells as text)`` of a CSV or XLSX list, the header row first.

    Reading (encoding, delimiter, damaged or binary files) is :mod:`app.io.tabular`'s job;
    its errors are French :class:`~app.errors.MaillageError` too.
    """
    from app.io.tabular import open_table

    def text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            return value.strftime("%d/%m/%Y")
        if isinstance(value, dt.date):
            return value.strftime("%d/%m/%Y")
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    with open_table(path) as table:
        out = [(table.info.header_line, [text(h) for h in table.info.headers])]
        out += [(line, [text(c) for c in cells]) for line, cells in table.rows()]
    return out


def _map_header(header: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for idx, name in enumerate(header):
        key = fold(name).strip().replace("_", " ")
        for target, aliases in _HEADERS.items():
            if target not in out and key in aliases:
                out[target] = idx
    if "last_name" not in out:
        raise ValidationError(
            "La première ligne doit nommer les colonnes, dont au moins « Nom » "
            "(et de préférence « Prénom », « Courriel », « Structure »).",
            field="file",
        )
    return out


def _category_code(text: str) -> str:
    folded = fold(text)
    for code, label_ in labels.PERSON_CATEGORIES.items():
        if folded in (code, fold(label_)) or (folded and fold(label_).startswith(folded)):
            return code
    return "autre"


def import_participants(
    ws: Workspace,
    meeting_id: str,
    path: Path | str,
    *,
    create_unknown: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> ImportReport:
    """Invite the people listed in a CSV / XLSX file.

    Each line is matched to an existing contact by e-mail, else by name (and structure when
    several people share a name). Matched people are invited. Unknown people are reported
    (outcome « inconnu ») and created only when ``create_unknown`` is true — with their
    structure when it is not in the base either — the GUI first calls with ``dry_run=True``
    to show the list and asks for confirmation. Ambiguous lines are never guessed.
    Lines are numbered as the spreadsheet or text editor shows them. ``cancel()`` returning
    true stops the import with nothing written (one unit of work).
    """
    rows = _read_rows(Path(path))
    cols = _map_header(rows[0][1])

    def cell(row: list[str], key: str) -> str:
        i = cols.get(key)
        return row[i].strip() if i is not None and i < len(row) else ""

    out: list[ImportedRow] = []
    added = created = 0
    with ws.unit(write=not dry_run) as s:
        ch = _Changes(s)
        m = _meeting(s, meeting_id)
        people = s.execute(
            select(Person.id, Person.last_name, Person.first_name, Person.email)
            .where(Person.deleted.is_(False), Person.merged_into.is_(None))
        ).all()
        by_email: dict[str, list[str]] = {}
        by_name: dict[tuple[str, str], list[str]] = {}
        for p in people:
            if p.email:
                by_email.setdefault(p.email.strip().lower(), []).append(p.id)
            by_name.setdefault((fold(p.last_name), fold(p.first_name)), []).append(p.id)
        orgs = s.execute(
            select(Organisation.id, Organisation.name, Organisation.acronym)
            .where(Organisation.deleted.is_(False), Organisation.merged_into.is_(None))
        ).all()
        org_by_name: dict[str, str] = {}
        for o in orgs:
            org_by_name.setdefault(fold(o.name), o.id)
            if o.acronym:
                org_by_name.setdefault(fold(o.acronym), o.id)
        affs: dict[str, set[str]] = {}
        for a in s.execute(select(Affiliation.person_id, Affiliation.organisation_id)
                           .where(Affiliation.deleted.is_(False))):
            affs.setdefault(a.person_id, set()).add(a.organisation_id)
        invited = set(
            s.execute(select(Participant.person_id).where(
                Participant.meeting_id == meeting_id, Participant.deleted.is_(False))).scalars()
        )
        total = len(rows) - 1
        for k, (n, row) in enumerate(rows[1:], start=1):
            if k % 50 == 0:
                if cancel is not None and cancel():
                    from app.documents.common import Cancelled

                    raise Cancelled("Import annulé : aucune invitation n'a été enregistrée.")
                if progress:
                    progress(k, total, "Lecture de la liste…")
            last, first, email = cell(row, "last_name"), cell(row, "first_name"), cell(row, "email").lower()
            org_text = cell(row, "organisation")
            org_id = org_by_name.get(fold(org_text)) if org_text else None
            base = dict(line=n, last_name=last, first_name=first, email=email, organisation=org_text)
            if not last:
                out.append(ImportedRow(**base, person_id=None, outcome="rejeté", reason="nom manquant"))
                continue
            if email and ("@" not in email or " " in email):
                out.append(ImportedRow(**base, person_id=None, outcome="rejeté",
                                       reason=f"courriel invalide « {email} »"))
                continue
            candidates = by_email.get(email, []) if email else []
            if len(candidates) != 1:
                candidates = by_name.get((fold(last), fold(first)), [])
                if len(candidates) > 1 and org_id:
                    candidates = [c for c in candidates if org_id in affs.get(c, set())]
            if len(candidates) > 1:
                out.append(ImportedRow(**base, person_id=None, outcome="ambigu",
                                       reason=f"{len(candidates)} contacts portent ce nom : "
                                              "précisez le courriel ou la structure"))
                continue
            if candidates:
                pid = candidates[0]
                if pid in invited:
                    out.append(ImportedRow(**base, person_id=pid, outcome="existant"))
                    continue
                if not dry_run:
                    _add(s, meeting_id, [pid], ch, organisations={pid: org_id} if org_id else None)
                invited.add(pid)
                added += 1
                out.append(ImportedRow(**base, person_id=pid, outcome="ajouté"))
                continue
            if not create_unknown or dry_run:
                out.append(ImportedRow(**base, person_id=None, outcome="inconnu",
                                       reason="contact absent de la base"))
                continue
            if org_text and not org_id:
                org = Organisation(name=org_text, tags=["ajoutée par l'import d'une liste"])
                s.add(org)
                s.flush()
                ch.add(org)
                org_id = org.id
                org_by_name[fold(org_text)] = org.id
            person = Person(last_name=last, first_name=first, email=email,
                            category=_category_code(cell(row, "category")),
                            consent_source="liste importée pour une réunion")
            s.add(person)
            s.flush()
            ch.add(person)
            if org_id:
                aff = Affiliation(person_id=person.id, organisation_id=org_id,
                                  function=cell(row, "function"), is_primary=True)
                s.add(aff)
                s.flush()
                ch.add(aff)
                affs.setdefault(person.id, set()).add(org_id)
            by_name.setdefault((fold(last), fold(first)), []).append(person.id)
            if email:
                by_email.setdefault(email, []).append(person.id)
            _add(s, meeting_id, [person.id], ch, organisations={person.id: org_id} if org_id else None)
            invited.add(person.id)
            created += 1
            added += 1
            out.append(ImportedRow(**base, person_id=person.id, outcome="créé"))
        if progress:
            progress(total, total, "Liste lue.")
        changes = ch.result(f"Importer une liste d'invités dans {_short(m.title)}") \
            if not dry_run else Changes()
    return ImportReport(tuple(out), added, created, changes)
