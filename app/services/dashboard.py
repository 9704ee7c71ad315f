"""The Tableau de bord: what needs attention today."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from app.domain import formatting as fmt
from app.domain import labels
from app.services.settings import get_identity
from app.services.workspace import Workspace
from app.storage.models import (
    Attendance,
    Convention,
    Meeting,
    MeetingSession,
    Organisation,
    Participant,
    Peer,
    Person,
)


@dataclass(frozen=True)
class DashboardItem:
    view: str  # list the item opens (``reunions``, ``conventions``…)
    record_id: str
    title: str
    detail: str


@dataclass(frozen=True)
class Dashboard:
    organisation_name: str
    site_name: str
    counts: tuple[tuple[str, int], ...]  # (label, number) for the tiles
    upcoming: tuple[DashboardItem, ...]
    convention_alerts: tuple[DashboardItem, ...]
    last_sync: str


def dashboard(ws: Workspace, today: dt.date | None = None) -> Dashboard:
    today = today or dt.date.today()
    identity = get_identity(ws)
    with ws.unit() as s:
        def live(model):  # noqa: ANN001, ANN202 - tiny local helper
            return select(func.count()).select_from(model).where(model.deleted.is_(False))

        n_orgs = s.execute(live(Organisation).where(Organisation.archived.is_(False),
                                                    Organisation.merged_into.is_(None))).scalar_one()
        n_people = s.execute(live(Person).where(Person.archived.is_(False),
                                                Person.merged_into.is_(None))).scalar_one()
        n_upcoming = s.execute(
            select(func.count(func.distinct(MeetingSession.meeting_id))).where(
                MeetingSession.date >= today, MeetingSession.deleted.is_(False)
            )
        ).scalar_one()
        n_conventions = s.execute(
            live(Convention).where(Convention.status.in_(("signee", "en_cours")))
        ).scalar_one()

        window_end = today + dt.timedelta(days=14)
        first = (
            select(MeetingSession.meeting_id, func.min(MeetingSession.date).label("first"))
            .where(MeetingSession.date >= today, MeetingSession.deleted.is_(False))
            .group_by(MeetingSession.meeting_id)
            .subquery()
        )
        rows = s.execute(
            select(Meeting.id, Meeting.title, Meeting.kind, Meeting.place_name, first.c.first)
            .join(first, first.c.meeting_id == Meeting.id)
            .where(first.c.first <= window_end, Meeting.deleted.is_(False),
                   Meeting.status.in_(("prevue", "tenue")))
            .order_by(first.c.first, Meeting.title)
            .limit(20)
        ).all()
        invited = dict(
            s.execute(
                select(Participant.meeting_id, func.count())
                .where(Participant.meeting_id.in_([r.id for r in rows]),
                       Participant.deleted.is_(False))
                .group_by(Participant.meeting_id)
            ).all()
        )
        upcoming = tuple(
            DashboardItem(
                "reunions",
                r.id,
                r.title,
                " · ".join(
                    x
                    for x in (
                        fmt.date_long(r.first),
                        labels.label(labels.MEETING_KINDS, r.kind),
                        r.place_name,
                        fmt.plural(invited.get(r.id, 0), "invité"),
                    )
                    if x
                ),
            )
            for r in rows
        )

        last_import = s.execute(select(func.max(Peer.last_import_at))).scalar()
        signed = s.execute(
            select(func.count()).select_from(Attendance).where(
                Attendance.signature_sha256.is_not(None), Attendance.deleted.is_(False)
            )
        ).scalar_one()
    from app.services.conventions import alerts as convention_alerts

    alerts = tuple(
        DashboardItem(a.view, a.record_id, a.title, a.message)
        for a in convention_alerts(ws, today)
    )
    return Dashboard(
        organisation_name=identity.organisation_name,
        site_name=identity.site_name,
        counts=(
            ("Structures", n_orgs),
            ("Contacts", n_people),
            ("Réunions à venir", n_upcoming),
            ("Conventions en cours", n_conventions),
            ("Signatures recueillies", signed),
        ),
        upcoming=upcoming,
        convention_alerts=alerts,
        last_sync=(
            f"Dernier fichier reçu le {fmt.datetime_short(last_import)}"
            if last_import
            else "Aucun fichier de synchronisation reçu pour l'instant."
        ),
    )
