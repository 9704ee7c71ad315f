"""The Tableau de bord: what needs attention today.

Each upcoming meeting (first session still to come within 14 days) carries a short evidence
status, counted in the same SQL query that lists them, with the rules of
:func:`app.services.attendance.evidence` applied to the sessions already held:

- training (formation, atelier): every expected participant has a signature or a status on
  each held session, a présence typed in without signature is covered by a scanned sheet of
  that session, and each held session is countersigned (sealed);
- other meetings: a présence status for every expected person, and once every session is
  held, the compte rendu written.

Before the (rest of the) meeting the status says how many people registered and how many
have not answered their invitation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, exists, func, not_, or_, select
from sqlalchemy.orm import aliased

from app.domain import formatting as fmt
from app.domain import labels
from app.services.attendance import PRESENT, SCAN_KIND, TRAINING_KINDS
from app.services.settings import get_identity
from app.services.workspace import Workspace
from app.storage.models import (
    Attachment,
    Attendance,
    Convention,
    Meeting,
    MeetingSession,
    Organisation,
    Participant,
    Peer,
    Person,
)


ALERT = "alerte"  # evidence missing on a session already held, or nobody registered
PREPARE = "a_faire"  # nothing wrong yet: what to prepare before the meeting
DONE = "complet"  # every piece of evidence is there


@dataclass(frozen=True)
class DashboardItem:
    view: str  # list the item opens (``reunions``, ``conventions``…)
    record_id: str
    title: str
    detail: str
    status: str = ""  # a short French status (upcoming meetings: their evidence)
    tone: str = ""  # ALERT, PREPARE, DONE or "" (how the status is shown)


@dataclass(frozen=True)
class MeetingEvidenceCounts:
    """What the dashboard counts for one upcoming meeting (one row of its query)."""

    training: bool
    registered: int  # participants (role « participant ») inscrits
    unanswered: int  # participants invited who have not answered
    excused: int  # participants who sent their apologies beforehand
    held_sessions: int  # sessions already over
    pending_sessions: int  # sessions still to come
    unrecorded: int  # (held session, expected person) with no signature nor status
    unsigned_unscanned: int  # training: présences typed in, unsigned, no scanned sheet
    unsealed: int  # training: held sessions not countersigned
    minutes_written: bool


def evidence_status(c: MeetingEvidenceCounts) -> tuple[str, str]:
    """The status shown under an upcoming meeting, and its tone."""
    if c.registered + c.unanswered + c.excused == 0:
        return "Aucun participant inscrit", ALERT
    parts: list[str] = []
    tone = PREPARE
    if c.held_sessions:
        if c.training:
            missing = c.unrecorded + c.unsigned_unscanned
            if missing:
                parts.append(fmt.plural(missing, "signature manquante", "signatures manquantes"))
            if c.unsealed:
                parts.append(fmt.plural(c.unsealed, "créneau à contre-signer",
                                        "créneaux à contre-signer"))
        elif c.unrecorded:
            parts.append(fmt.plural(c.unrecorded, "présence à saisir", "présences à saisir"))
        if parts:
            tone = ALERT
    if c.pending_sessions == 0:
        if not c.training and not c.minutes_written:
            parts.append("Compte rendu à rédiger")
        return (" · ".join(parts), tone) if parts else ("Preuves complètes", DONE)
    answers = [fmt.plural(c.registered, "inscrit")]
    if c.unanswered:
        answers.append(f"{fmt.number(c.unanswered)}\u00a0sans réponse")
    if c.excused:
        answers.append(fmt.plural(c.excused, "excusé"))
    parts.append(", ".join(answers))
    return " · ".join(parts), tone


def _evidence_columns(today: dt.date, now: dt.time | None) -> list:
    """Correlated counts (one per column) of the evidence of each row's meeting."""
    training = Meeting.kind.in_(sorted(TRAINING_KINDS))
    p = aliased(Participant)
    x = aliased(MeetingSession)
    a = aliased(Attendance)
    scan = aliased(Attachment)
    held = x.date < today if now is None else or_(x.date < today,
                                                  and_(x.date == today, x.end_time <= now))
    live_session = and_(x.meeting_id == Meeting.id, x.deleted.is_(False))
    expected = and_(p.meeting_id == Meeting.id, p.deleted.is_(False),
                    p.invitation_status != "desinscrit",
                    or_(not_(training), p.role == "participant"))
    recorded = and_(a.session_id == x.id, a.person_id == p.person_id, a.deleted.is_(False))

    def count(*where, joins=()):  # noqa: ANN001, ANN202 - a correlated COUNT(*)
        query = select(func.count())
        for frm in joins:
            query = query.select_from(frm)
        return query.where(*where).correlate(Meeting).scalar_subquery()

    def invitations(status: str):  # noqa: ANN202
        return count(p.meeting_id == Meeting.id, p.deleted.is_(False), p.role == "participant",
                     p.invitation_status == status, joins=(p,))

    return [
        invitations("inscrit").label("registered"),
        invitations("invite").label("unanswered"),
        invitations("excuse").label("excused"),
        count(live_session, held, joins=(x,)).label("held_sessions"),
        count(live_session, not_(held), joins=(x,)).label("pending_sessions"),
        count(live_session, held, expected, ~exists().where(recorded),
              joins=(x, p)).label("unrecorded"),
        count(live_session, held, expected, training, recorded, a.status.in_(PRESENT),
              a.signature_sha256.is_(None),
              ~exists().where(scan.owner_table == "meetings", scan.owner_id == Meeting.id,
                              scan.kind == SCAN_KIND, scan.deleted.is_(False),
                              scan.session_id == x.id),
              joins=(x, p, a)).label("unsigned_unscanned"),
        count(live_session, held, training, x.sealed.is_(False), joins=(x,)).label("unsealed"),
    ]


@dataclass(frozen=True)
class Dashboard:
    organisation_name: str
    site_name: str
    counts: tuple[tuple[str, int], ...]  # (label, number) for the tiles
    upcoming: tuple[DashboardItem, ...]
    convention_alerts: tuple[DashboardItem, ...]
    last_sync: str


TILES: tuple[str, ...] = (
    "Structures",
    "Contacts",
    "Réunions à venir",
    "Conventions en cours",
    "Signatures recueillies",
)
"""The tiles' labels, in order (a view may show them before their counts)."""


def tile_counts(ws: Workspace, today: dt.date | None = None) -> tuple[tuple[str, int], ...]:
    """(label, number) for each of :data:`TILES`, in one query.

    These scan whole tables (100 000 people, 500 000 attendance records on a large base):
    a view shows the rest of the dashboard first and counts them off the GUI thread.
    """
    today = today or dt.date.today()

    def live(model, *where):  # noqa: ANN001, ANN202 - COUNT(*) of live rows
        return (select(func.count()).select_from(model)
                .where(model.deleted.is_(False), *where).scalar_subquery())

    with ws.unit() as s:
        row = s.execute(select(
            live(Organisation, Organisation.archived.is_(False), Organisation.merged_into.is_(None)),
            live(Person, Person.archived.is_(False), Person.merged_into.is_(None)),
            select(func.count(func.distinct(MeetingSession.meeting_id)))
            .where(MeetingSession.date >= today, MeetingSession.deleted.is_(False))
            .scalar_subquery(),
            live(Convention, Convention.status.in_(("signee", "en_cours"))),
            live(Attendance, Attendance.signature_sha256.is_not(None)),
        )).one()
    return tuple(zip(TILES, (int(n) for n in row)))


def dashboard(ws: Workspace, today: dt.date | None = None, *, now: dt.time | None = None,
              with_counts: bool = True) -> Dashboard:
    """The dashboard as of ``today`` (default: now). A session of ``today`` counts as held once
    its end time is past ``now``; with an explicit ``today`` and no ``now``, only earlier days'
    sessions are held. ``with_counts=False`` leaves the tiles' counts out (``counts == ()``):
    see :func:`tile_counts`."""
    if today is None:
        moment = dt.datetime.now()
        today, now = moment.date(), now or moment.time().replace(microsecond=0)
    identity = get_identity(ws)
    counts = tile_counts(ws, today) if with_counts else ()
    with ws.unit() as s:
        window_end = today + dt.timedelta(days=14)
        first = (
            select(MeetingSession.meeting_id, func.min(MeetingSession.date).label("first"))
            .where(MeetingSession.date >= today, MeetingSession.date <= window_end,
                   MeetingSession.deleted.is_(False))
            .group_by(MeetingSession.meeting_id)
            .subquery()
        )
        # The 20 nearest meetings first, then their evidence counted on those rows only.
        nearest = (
            select(Meeting.id, Meeting.title, Meeting.kind, Meeting.place_name,
                   Meeting.minutes, first.c.first)
            .join(first, first.c.meeting_id == Meeting.id)
            .where(Meeting.deleted.is_(False),
                   Meeting.status.in_(("prevue", "tenue")))
            .order_by(first.c.first, Meeting.title)
            .limit(20)
            .subquery()
        )
        rows = s.execute(
            select(Meeting.id, Meeting.title, Meeting.kind, Meeting.place_name,
                   Meeting.minutes, nearest.c.first, *_evidence_columns(today, now))
            .join(nearest, nearest.c.id == Meeting.id)
            .order_by(nearest.c.first, Meeting.title)
        ).all()
        upcoming = tuple(_upcoming_item(r) for r in rows)

        last_import = s.execute(select(func.max(Peer.last_import_at))).scalar()
    from app.services.conventions import alerts as convention_alerts

    alerts = tuple(
        DashboardItem(a.view, a.record_id, a.title, a.message)
        for a in convention_alerts(ws, today)
    )
    return Dashboard(
        organisation_name=identity.organisation_name,
        site_name=identity.site_name,
        counts=counts,
        upcoming=upcoming,
        convention_alerts=alerts,
        last_sync=(
            f"Dernier fichier reçu le {fmt.datetime_short(last_import)}"
            if last_import
            else "Aucun fichier de synchronisation reçu pour l'instant."
        ),
    )


def _upcoming_item(r) -> DashboardItem:  # noqa: ANN001 - a result row of dashboard()
    counts = MeetingEvidenceCounts(
        training=r.kind in TRAINING_KINDS, registered=r.registered, unanswered=r.unanswered,
        excused=r.excused, held_sessions=r.held_sessions, pending_sessions=r.pending_sessions,
        unrecorded=r.unrecorded, unsigned_unscanned=r.unsigned_unscanned, unsealed=r.unsealed,
        minutes_written=bool((r.minutes or "").strip()),
    )
    status, tone = evidence_status(counts)
    detail = " · ".join(x for x in (fmt.date_long(r.first),
                                     labels.label(labels.MEETING_KINDS, r.kind), r.place_name) if x)
    return DashboardItem("reunions", r.id, r.title, detail, status, tone)
