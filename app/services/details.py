"""Read-only record details for the detail pane: labelled fields and related tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, func, or_, select
from sqlalchemy.orm import Session

from app.domain import formatting as fmt
from app.domain import labels
from app.domain.text import fold
from app.errors import NotFound
from app.services.workspace import Workspace
from app.storage.models import (
    Action,
    Affiliation,
    AgendaItem,
    Attendance,
    Convention,
    ConventionEvent,
    ConventionParty,
    IndicatorTarget,
    Installment,
    Meeting,
    MeetingSession,
    Organisation,
    OrganisationKind,
    Participant,
    Peer,
    Person,
)

PRIVACY_BANNER = (
    "Public accompagné\u00a0: données personnelles protégées. N'inscrivez ici aucune information "
    "sensible (santé, situation sociale, nationalité, handicap, justice)\u00a0; ces notes ne sont "
    "jamais imprimées sur les documents de réunion."
)


# How many related rows a tab shows at most (the most recent first); the total is said.
RELATED_LIMIT = 200


@dataclass(frozen=True)
class DetailTable:
    """A table of related records. ``links`` gives, row by row, the record a row is about as
    ``(list view name, record id)`` (``("", "")`` for none); ``total`` is the number of rows
    there are when only the first ``len(rows)`` are given (``None``: all are given)."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty_text: str = "Aucun élément."
    links: tuple[tuple[str, str], ...] = ()
    total: int | None = None

    def link(self, row: int) -> tuple[str, str] | None:
        """The ``(view, id)`` row ``row`` opens, or ``None``."""
        if 0 <= row < len(self.links) and self.links[row][1]:
            return self.links[row]
        return None


@dataclass(frozen=True)
class RecordDetail:
    """A record for the detail pane. ``tabbed``: the fields go in an « Identité » tab and
    each table in a tab of its own (structures and contacts); otherwise one column."""

    id: str
    title: str
    subtitle: str
    fields: tuple[tuple[str, str], ...]
    tables: tuple[DetailTable, ...] = ()
    banner: str | None = None
    tabbed: bool = False


def _nonempty(pairs: list[tuple[str, str | None]]) -> tuple[tuple[str, str], ...]:
    return tuple((k, v) for k, v in pairs if v)


def _person_name(p: Person) -> str:
    return " ".join(x for x in (p.civility, p.first_name, p.last_name) if x)


def _attendance_text(status: str, sha: str | None, mode: str) -> str:
    """The « Présence » cell of an attendance record, with its signature when present:
    « Présent(e) – a signé » (on screen), « – sur papier », « – sans signature »."""
    text = labels.label(labels.ATTENDANCE_STATUSES, status)
    if status not in ("present", "retard"):
        return text
    signed = "a signé" if sha else "sur papier" if mode == "papier" else "sans signature"
    # Non-breaking spaces: wrapped, it reads « Présent(e) – » then « a signé ».
    return f"{text}\u00a0– " + signed.replace(" ", "\u00a0")


def _functions(s: Session, where: list[ColumnElement[bool]]) -> tuple[list[Row[Any]], int]:
    """Affiliations with their person and structure, current ones first."""
    stmt = (
        select(Affiliation, Person, Organisation.name)
        .join(Person, Person.id == Affiliation.person_id)
        .join(Organisation, Organisation.id == Affiliation.organisation_id)
        .where(Affiliation.deleted.is_(False), Person.deleted.is_(False),
               Organisation.deleted.is_(False), *where)
    )
    total = s.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    rows = s.execute(
        stmt.order_by(Affiliation.end_date.is_not(None), Affiliation.end_date.desc(),
                      Person.last_name, Person.first_name, Organisation.name)
        .limit(RELATED_LIMIT)
    ).all()
    return list(rows), total


def _attendance(s: Session, where: list[ColumnElement[bool]]) -> tuple[list[Row[Any]], int]:
    """Attendance records (most recent first) with their meeting, session and person."""
    stmt = (
        select(Meeting.id.label("meeting_id"), Meeting.title, MeetingSession.date,
               MeetingSession.label, Person.id.label("person_id"), Person.civility,
               Person.first_name, Person.last_name, Attendance.status,
               Attendance.signature_sha256, Attendance.mode)
        .select_from(Attendance)
        .join(MeetingSession, MeetingSession.id == Attendance.session_id)
        .join(Meeting, Meeting.id == MeetingSession.meeting_id)
        .join(Person, Person.id == Attendance.person_id)
        .where(Attendance.deleted.is_(False), MeetingSession.deleted.is_(False),
               Meeting.deleted.is_(False), *where)
    )
    total = s.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    rows = s.execute(
        stmt.order_by(MeetingSession.date.desc(), MeetingSession.start_time, Person.last_name,
                      Person.first_name).limit(RELATED_LIMIT)
    ).all()
    return list(rows), total


def _session_day(day: Any, label: str) -> str:
    """« 19/11/2026 (matin) »: two half-days of one meeting are told apart."""
    text = fmt.date_short(day)
    return f"{text} ({labels.label(labels.SESSION_LABELS, label).lower()})" if label else text


def _session_date(day: Any) -> str:
    """« jeu. 3 juin 2027 »: the day of a session, short enough to be read whole in the
    narrow « Créneaux » table of a meeting, even « mer. 30 septembre 2026 »."""
    from babel.dates import format_date

    return format_date(day, "EEE d\u00a0MMMM y", locale=fmt.LOCALE)


def _limited(total: int, shown: int) -> int | None:
    return total if total > shown else None


def organisation_detail(ws: Workspace, record_id: str) -> RecordDetail:
    """A structure: its identity, then tabs « Contacts » (current and past functions),
    « Réunions » (attendance of its people, on its behalf) and « Conventions »."""
    with ws.unit() as s:
        o = s.get(Organisation, record_id)
        if o is None or o.deleted:
            raise NotFound("Cette structure n'existe plus.")
        kind = s.execute(
            select(OrganisationKind.label).where(OrganisationKind.code == o.kind_code)
        ).scalar()
        affs, affs_total = _functions(s, [Affiliation.organisation_id == o.id])
        # Its people: whoever attended on its behalf, or (when the meeting does not say for
        # which structure) one of the people who held a function there.
        affiliated = select(Affiliation.person_id).where(
            Affiliation.organisation_id == o.id, Affiliation.deleted.is_(False))
        on_behalf = select(Participant.id).where(
            Participant.meeting_id == Meeting.id,
            Participant.person_id == Attendance.person_id,
            Participant.deleted.is_(False),
        )
        attended, attended_total = _attendance(s, [
            Attendance.person_id.in_(affiliated),
            or_(on_behalf.where(Participant.organisation_id == o.id).exists(),
                ~on_behalf.where(Participant.organisation_id.is_not(None)).exists()),
        ])
        party_of = (
            select(Convention.id, Convention.number, Convention.title, Convention.status,
                   Convention.amount_cents, ConventionParty.role)
            .join(ConventionParty, ConventionParty.convention_id == Convention.id)
            .where(ConventionParty.organisation_id == o.id, ConventionParty.deleted.is_(False),
                   Convention.deleted.is_(False))
        )
        parties_total = s.execute(
            select(func.count()).select_from(party_of.subquery())).scalar_one()
        parties = s.execute(
            party_of.order_by(Convention.start_date.desc(), Convention.number)
            .limit(RELATED_LIMIT)
        ).all()
        address = ", ".join(x for x in (o.address, f"{o.postcode} {o.city}".strip()) if x)
        fields = _nonempty(
            [
                ("Sigle", o.acronym),
                ("Type", kind or o.kind_code),
                ("SIRET", fmt.siret(o.siret)),
                ("SIREN", fmt.siret(o.siret)[:11] if o.siret else ""),
                ("Adresse", address),
                ("Territoire", o.territory),
                ("Téléphone", fmt.phone(o.phone)),
                ("Courriel", o.email),
                ("Site web", o.website),
                ("Forme juridique", o.legal_form),
                ("Représentant légal", " – ".join(x for x in (o.legal_rep_name, o.legal_rep_title) if x)),
                ("Effectif", fmt.number(o.headcount) if o.headcount is not None else ""),
                ("Étiquettes", ", ".join(o.tags or [])),
                ("Notes", o.notes),
                ("Archivée", f"Oui – {o.archived_reason}" if o.archived else ""),
            ]
        )
        meetings = [
            (row.title, _session_day(row.date, row.label),
             _person_name_of("", row.first_name, row.last_name),
             _attendance_text(row.status, row.signature_sha256, row.mode))
            for row in attended
        ]
        return RecordDetail(
            id=o.id,
            title=o.name,
            subtitle=" · ".join(x for x in (kind or "", o.city) if x),
            fields=fields,
            tabbed=True,
            tables=(
                DetailTable(
                    "Contacts", ("Personne", "Fonction", "Depuis", "Jusqu'au"),
                    tuple(
                        (_person_name(p), a.function, fmt.date_short(a.start_date),
                         fmt.date_short(a.end_date) if a.end_date else "en poste")
                        for a, p, _name in affs
                    ),
                    "Aucun contact rattaché.",
                    links=tuple(("contacts", p.id) for _a, p, _name in affs),
                    total=_limited(affs_total, len(affs)),
                ),
                DetailTable(
                    "Réunions", ("Réunion", "Date", "Personne", "Présence"),
                    tuple(meetings),
                    "Personne de cette structure n'a encore participé à une réunion.",
                    links=tuple(("reunions", row.meeting_id) for row in attended),
                    total=_limited(attended_total, len(attended)),
                ),
                DetailTable(
                    "Conventions", ("Numéro", "Titre", "Rôle", "Statut", "Montant"),
                    tuple(
                        (number, title, "Porteur" if role == "porteur" else "Partenaire",
                         labels.label(labels.CONVENTION_STATUSES, status),
                         fmt.money(amount) if amount is not None else "")
                        for _id, number, title, status, amount, role in parties
                    ),
                    "Aucune convention avec cette structure.",
                    links=tuple(("conventions", row.id) for row in parties),
                    total=_limited(parties_total, len(parties)),
                ),
            ),
        )


def _person_name_of(civility: str, first: str, last: str) -> str:
    return " ".join(x for x in (civility, first, last) if x)


def person_detail(ws: Workspace, record_id: str) -> RecordDetail:
    """A contact: identity, then tabs « Structures » (functions over time), « Réunions »
    (attendance with signatures) and « Conventions » (signed as a party's representative).
    A *public accompagné* carries the privacy banner."""
    with ws.unit() as s:
        p = s.get(Person, record_id)
        if p is None or p.deleted:
            raise NotFound("Ce contact n'existe plus.")
        affs, affs_total = _functions(s, [Affiliation.person_id == p.id])
        attended, attended_total = _attendance(s, [Attendance.person_id == p.id])
        # A convention « signed » by this person: one of its parties is a structure where
        # the person held a function and names the person as its representative.
        names = {fold(f"{p.first_name} {p.last_name}"), fold(f"{p.last_name} {p.first_name}")}
        names.discard("")
        signed_stmt = (
            select(Convention.id, Convention.number, Convention.title, Organisation.name,
                   ConventionParty.representative_title, Convention.status,
                   Convention.signed_date)
            .join(ConventionParty, ConventionParty.convention_id == Convention.id)
            .join(Organisation, Organisation.id == ConventionParty.organisation_id)
            .where(
                Convention.deleted.is_(False),
                ConventionParty.deleted.is_(False),
                func.maillage_fold(ConventionParty.representative_name).in_(sorted(names)),
                ConventionParty.organisation_id.in_(
                    select(Affiliation.organisation_id).where(
                        Affiliation.person_id == p.id, Affiliation.deleted.is_(False))),
            )
        )
        signed_total = s.execute(
            select(func.count()).select_from(signed_stmt.subquery())).scalar_one()
        signed = s.execute(
            signed_stmt.order_by(Convention.start_date.desc(), Convention.number)
            .limit(RELATED_LIMIT)
        ).all()
        is_public = p.is_beneficiary or p.category == "public"
        fields = _nonempty(
            [
                ("Civilité", labels.label(labels.CIVILITIES, p.civility) if p.civility else ""),
                ("Catégorie", labels.label(labels.PERSON_CATEGORIES, p.category)),
                ("Courriel", p.email),
                ("Téléphone", fmt.phone(p.phone)),
                ("Portable", fmt.phone(p.mobile)),
                ("Consentement", " – ".join(x for x in (fmt.date_short(p.consent_date), p.consent_source) if x)),
                ("Notes", p.notes),
                ("Archivé", f"Oui – {p.archived_reason}" if p.archived else ""),
            ]
        )
        return RecordDetail(
            id=p.id,
            title=" ".join(x for x in (p.first_name, p.last_name) if x),
            subtitle=labels.label(labels.PERSON_CATEGORIES, p.category),
            fields=fields,
            banner=PRIVACY_BANNER if is_public else None,
            tabbed=True,
            tables=(
                DetailTable(
                    "Structures",
                    ("Structure", "Fonction", "Depuis", "Jusqu'au"),
                    tuple(
                        (name, a.function, fmt.date_short(a.start_date),
                         fmt.date_short(a.end_date) if a.end_date else "en poste")
                        for a, _p, name in affs
                    ),
                    "Rattaché(e) à aucune structure.",
                    links=tuple(("structures", a.organisation_id) for a, _p, _name in affs),
                    total=_limited(affs_total, len(affs)),
                ),
                DetailTable(
                    "Réunions",
                    ("Réunion", "Date", "Présence"),
                    tuple(
                        (row.title, _session_day(row.date, row.label),
                         _attendance_text(row.status, row.signature_sha256, row.mode))
                        for row in attended
                    ),
                    "Aucune participation enregistrée.",
                    links=tuple(("reunions", row.meeting_id) for row in attended),
                    total=_limited(attended_total, len(attended)),
                ),
                DetailTable(
                    "Conventions",
                    ("Numéro", "Titre", "Signée pour", "Statut"),
                    tuple(
                        (number, title, " – ".join(x for x in (org, quality) if x),
                         f"Signée le {fmt.date_short(signed_on)}" if signed_on
                         else labels.label(labels.CONVENTION_STATUSES, status))
                        for _id, number, title, org, quality, status, signed_on in signed
                    ),
                    "Aucune convention signée par ce contact.",
                    links=tuple(("conventions", row.id) for row in signed),
                    total=_limited(signed_total, len(signed)),
                ),
            ),
        )


def meeting_detail(ws: Workspace, record_id: str) -> RecordDetail:
    with ws.unit() as s:
        m = s.get(Meeting, record_id)
        if m is None or m.deleted:
            raise NotFound("Cette réunion n'existe plus.")
        action = s.get(Action, m.action_id) if m.action_id else None
        sessions = s.execute(
            select(MeetingSession)
            .where(MeetingSession.meeting_id == m.id, MeetingSession.deleted.is_(False))
            .order_by(MeetingSession.date, MeetingSession.start_time)
        ).scalars().all()
        present = dict(
            s.execute(
                select(Attendance.session_id, func.count())
                .where(
                    Attendance.session_id.in_([x.id for x in sessions]),
                    Attendance.status.in_(("present", "retard")),
                    Attendance.deleted.is_(False),
                )
                .group_by(Attendance.session_id)
            ).all()
        )
        agenda = s.execute(
            select(AgendaItem.text, AgendaItem.presenter)
            .where(AgendaItem.meeting_id == m.id, AgendaItem.deleted.is_(False))
            .order_by(AgendaItem.position)
        ).all()
        people = s.execute(
            select(Person, Participant.role, Participant.invitation_status, Organisation.name)
            .join(Participant, Participant.person_id == Person.id)
            .outerjoin(Organisation, Organisation.id == Participant.organisation_id)
            .where(Participant.meeting_id == m.id, Participant.deleted.is_(False))
            .order_by(Participant.role != "intervenant", Person.last_name, Person.first_name)
        ).all()
        fields = _nonempty(
            [
                ("Type", labels.label(labels.MEETING_KINDS, m.kind)),
                ("Série", f"{m.series}{m.number}" if m.series and m.number else m.series),
                ("Statut", labels.label(labels.MEETING_STATUSES, m.status)),
                ("Action", f"{action.code} – {action.title}" if action else ""),
                ("Financeur", action.funder if action else ""),
                ("Lieu", ", ".join(x for x in (m.place_name, m.place_address) if x)),
                ("Capacité", fmt.number(m.capacity) if m.capacity else ""),
                ("Objectifs", m.objectives),
                ("Décisions", m.decisions),
            ]
        )
        first = sessions[0].date if sessions else None
        return RecordDetail(
            id=m.id,
            title=m.title,
            subtitle=fmt.date_long(first) if first else "Pas encore de date",
            fields=fields,
            tables=(
                DetailTable(
                    "Créneaux",
                    ("Date", "Créneau", "Horaires", "Présents"),
                    tuple(
                        (
                            _session_date(x.date),
                            labels.label(labels.SESSION_LABELS, x.label),
                            # A time range is never split over two lines.
                            f"{fmt.time_short(x.start_time)}\u00a0–\u00a0{fmt.time_short(x.end_time)}",
                            # The seal goes with the count it closes: a fifth column
                            # « Scellé » left the date and hours cut in the pane.
                            fmt.number(present.get(x.id, 0)) + (" · scellé" if x.sealed else ""),
                        )
                        for x in sessions
                    ),
                    "Aucun créneau.",
                ),
                DetailTable(
                    "Ordre du jour",
                    ("Point", "Intervenant"),
                    tuple((t, pr) for t, pr in agenda),
                    "Ordre du jour à préparer.",
                ),
                DetailTable(
                    "Participants",
                    ("Personne", "Structure", "Rôle", "Invitation"),
                    tuple(
                        (_person_name(p), org or "", labels.label(labels.PARTICIPANT_ROLES, role),
                         labels.label(labels.INVITATION_STATUSES, inv))
                        for p, role, inv, org in people
                    ),
                    "Personne n'est encore invité.",
                ),
            ),
        )


def convention_detail(ws: Workspace, record_id: str) -> RecordDetail:
    from app.services.conventions import consolidated

    cons = consolidated(ws, record_id)
    period = (f"du {fmt.date_short(cons.start_date)} au {fmt.date_short(cons.end_date)}"
              if cons.start_date and cons.end_date else "")
    consolidated_fields = [
        ("Période", period + (" (après avenant)" if cons.amended and period else "")),
        ("Montant", fmt.money(cons.amount_cents) + (" (après avenant)" if cons.amended else "")),
    ]
    if cons.amended:
        consolidated_fields.append(("Montant initial", fmt.money(cons.initial_amount_cents)))
    with ws.unit() as s:
        c = s.get(Convention, record_id)
        if c is None or c.deleted:
            raise NotFound("Cette convention n'existe plus.")
        action = s.get(Action, c.action_id) if c.action_id else None
        parent = s.get(Convention, c.parent_id) if c.parent_id else None
        parties = s.execute(
            select(ConventionParty, Organisation.name)
            .outerjoin(Organisation, Organisation.id == ConventionParty.organisation_id)
            .where(ConventionParty.convention_id == c.id, ConventionParty.deleted.is_(False))
            .order_by(ConventionParty.position)
        ).all()
        installments = s.execute(
            select(Installment)
            .where(Installment.convention_id == c.id, Installment.deleted.is_(False))
            .order_by(Installment.position)
        ).scalars().all()
        events = s.execute(
            select(ConventionEvent)
            .where(ConventionEvent.convention_id == c.id, ConventionEvent.deleted.is_(False))
            .order_by(ConventionEvent.date)
        ).scalars().all()
        fields = _nonempty(
            [
                ("Type", labels.label(labels.CONVENTION_KINDS, c.kind)),
                ("Statut", labels.label(labels.CONVENTION_STATUSES, c.status)),
                *consolidated_fields,
                ("Avenant à", f"{parent.number} – {parent.title}" if parent else ""),
                ("Action", f"{action.code} – {action.title}" if action else ""),
                ("Objet", c.object),
                ("Taux FSE", fmt.percent(c.fse_rate) if c.fse_rate else ""),
                ("Pièces exigées", ", ".join(labels.label(labels.EVIDENCE_KINDS, e) for e in c.required_evidence or [])),
                ("Signée le", fmt.date_short(c.signed_date)),
            ]
        )
        return RecordDetail(
            id=c.id,
            title=f"{c.number} – {c.title}",
            subtitle=labels.label(labels.CONVENTION_KINDS, c.kind),
            fields=fields,
            tables=(
                DetailTable(
                    "Parties",
                    ("Structure", "Rôle", "Représentant(e)", "Qualité"),
                    tuple((name or "", "Porteur" if p.role == "porteur" else "Partenaire",
                           p.representative_name, p.representative_title) for p, name in parties),
                ),
                DetailTable(
                    "Échéancier",
                    ("Échéance", "Montant", "Condition", "Versé le"),
                    tuple((fmt.date_short(i.due_date), fmt.money(i.amount_cents), i.condition,
                           fmt.date_short(i.paid_date)) for i in installments),
                    "Pas d'échéancier.",
                ),
                DetailTable(
                    "Historique",
                    ("Date", "Statut", "Note"),
                    tuple((fmt.date_short(e.date), labels.label(labels.CONVENTION_STATUSES, e.status), e.note)
                          for e in events),
                ),
            ),
        )


def action_detail(ws: Workspace, record_id: str) -> RecordDetail:
    with ws.unit() as s:
        a = s.get(Action, record_id)
        if a is None or a.deleted:
            raise NotFound("Cette action n'existe plus.")
        targets = s.execute(
            select(IndicatorTarget)
            .where(IndicatorTarget.action_id == a.id, IndicatorTarget.deleted.is_(False))
            .order_by(IndicatorTarget.position)
        ).scalars().all()
        by_kind = s.execute(
            select(Meeting.kind, func.count())
            .where(Meeting.action_id == a.id, Meeting.deleted.is_(False))
            .group_by(Meeting.kind)
        ).all()
        fields = _nonempty(
            [
                ("Code", a.code),
                ("Financeur", a.funder),
                ("Taux FSE", fmt.percent(a.fse_rate) if a.fse_rate else "non cofinancée par le FSE"),
                ("Période", f"du {fmt.date_short(a.start_date)} au {fmt.date_short(a.end_date)}"
                 if a.start_date and a.end_date else ""),
                ("Conservation des pièces jusqu'au", fmt.date_short(a.retention_end)),
                ("Description", a.description),
            ]
        )
        return RecordDetail(
            id=a.id,
            title=a.title,
            subtitle=a.funder,
            fields=fields,
            tables=(
                DetailTable(
                    "Indicateurs",
                    ("Indicateur", "Cible", "Unité"),
                    tuple((t.label, fmt.number(t.target), t.unit) for t in targets),
                    "Aucun indicateur défini.",
                ),
                DetailTable(
                    "Réunions par type",
                    ("Type", "Nombre"),
                    tuple((labels.label(labels.MEETING_KINDS, k), fmt.number(n)) for k, n in by_kind),
                    "Aucune réunion rattachée.",
                ),
            ),
        )


def peer_detail(ws: Workspace, record_id: str) -> RecordDetail:
    with ws.unit() as s:
        p = s.get(Peer, record_id)
        if p is None:
            raise NotFound("Ce site est inconnu.")
        return RecordDetail(
            id=p.site_id,
            title=p.name or p.site_id,
            subtitle="Site partenaire",
            fields=_nonempty(
                [
                    ("Identifiant", p.site_id),
                    ("Dernier fichier reçu", fmt.datetime_short(p.last_import_at) or "jamais"),
                    ("Dernier fichier envoyé", fmt.datetime_short(p.last_export_at) or "jamais"),
                ]
            ),
        )


_DETAILS = {
    "structures": organisation_detail,
    "contacts": person_detail,
    "reunions": meeting_detail,
    "conventions": convention_detail,
    "actions": action_detail,
    "pairs": peer_detail,
}


def detail(ws: Workspace, view_name: str, record_id: str) -> RecordDetail:
    try:
        getter = _DETAILS[view_name]
    except KeyError:
        raise NotFound(f"Liste inconnue : « {view_name} ».") from None
    return getter(ws, record_id)
