"""RGPD: right of access, right to erasure (anonymisation), retention periods, consent.

Right of access — :func:`export_person_data` writes a readable PDF and a JSON file with
everything held about one person: identity, consent, functions in structures, meetings,
attendance (with signature images, in the JSON), follow-ups, attachments, audit entries.

Right to erasure — :func:`anonymise_person` replaces what identifies the person with a
neutral label derived from the record id (« Personne anonymisée n° 12345678 »: the same on
every machine, so two sites erasing the same person agree), clears e-mail, phones, notes and
consent, deletes the signature images and pen strokes, and sets ``erased``, which the sync
always lets win over older files. It keeps what indicators count: category, civility (sex
statistics), beneficiary flag, functions, invitations and attendance statuses and times.
Free texts written about meetings (minutes, decisions) are not rewritten: see
:func:`mentions_of_person`.

Retention — each action keeps its evidence until ``retention_end``, by default 31 December of
the 5th year after the year it ends (FSE+ 2021–2027: :func:`default_retention_end`).
:func:`people_due_for_anonymisation` applies this rule (documented on the function).

Consent — :func:`can_contact` is the one rule for e-mail and vCard exports: a person is
exported only with a recorded consent date, and never once deleted or anonymised.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from app.domain import formatting as fmt
from app.domain import labels
from app.domain.text import fold
from app.errors import NotFound
from app.services.audit import FIELD_LABELS, OPERATION_LABELS, TABLE_LABELS, entries_for_records
from app.services.workspace import ChangeSet, Workspace
from app.storage.audit import ANONYMISATION, set_audit_reason
from app.storage.models import (
    Action,
    Affiliation,
    Attachment,
    Attendance,
    Blob,
    FollowUpItem,
    Meeting,
    MeetingSession,
    Organisation,
    Participant,
    Person,
)

RETENTION_YEARS = 5
PUBLIC_CATEGORY = "public"
ERASED_REASON = "Droit à l'effacement (RGPD) : données identifiantes anonymisées"
# Fields that identify a person (cleared by anonymisation, masked in concurrent siblings).
IDENTIFYING_FIELDS = (
    "last_name", "first_name", "email", "phone", "mobile", "notes", "consent_source",
    "consent_date", "archived_reason",
)
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()

Progress = Callable[[int, int, str], None]


# --------------------------------------------------------------------------- consent


def can_contact(person: Any) -> bool:
    """Whether ``person`` may appear in an e-mail or vCard export.

    Works on a :class:`Person` row or any object (dataclass, row) with ``consent_date`` and,
    optionally, ``erased`` / ``deleted``: a consent date must be recorded, and the person
    must be neither deleted nor anonymised.
    """
    if getattr(person, "consent_date", None) is None:
        return False
    return not getattr(person, "erased", False) and not getattr(person, "deleted", False)


def contactable_clause() -> ColumnElement[bool]:
    """:func:`can_contact` as a SQL condition on :class:`Person`, for export queries."""
    return and_(Person.consent_date.is_not(None), Person.erased.is_(False), Person.deleted.is_(False))


# --------------------------------------------------------------------------- retention


def default_retention_end(end_date: dt.date | None) -> dt.date | None:
    """31 December of the 5th year after ``end_date``'s year (15/06/2027 → 31/12/2032)."""
    if end_date is None:
        return None
    return dt.date(end_date.year + RETENTION_YEARS, 12, 31)


def effective_retention_end(action: Any) -> dt.date | None:
    """The action's ``retention_end``, or the default from its end date (``None``: unknown)."""
    return action.retention_end or default_retention_end(action.end_date)


def _created_on(record_id: str) -> dt.date | None:
    """The creation date written in a UUIDv7 id (``None`` for other ids)."""
    hexa = record_id.replace("-", "")
    if len(hexa) != 32 or hexa[12] != "7":
        return None
    try:
        return dt.datetime.fromtimestamp(int(hexa[:12], 16) / 1000).date()
    except (ValueError, OverflowError, OSError):
        return None


@dataclass(frozen=True)
class PersonRetention:
    """How long a person's data must be kept, and why."""

    person_id: str
    retention_end: dt.date | None  # None: cannot be determined (action without end date)
    last_activity: dt.date | None
    meetings: int
    actions: tuple[str, ...]

    def ended(self, today: dt.date) -> bool:
        return self.retention_end is not None and self.retention_end < today


@dataclass(frozen=True)
class DuePerson:
    """A line of « Données à anonymiser »."""

    person_id: str
    name: str
    category: str
    is_beneficiary: bool
    last_activity: dt.date | None
    retention_end: dt.date | None
    actions: tuple[str, ...]

    @property
    def category_label(self) -> str:
        return labels.label(labels.PERSON_CATEGORIES, self.category)


# Links between people and meetings: invited, attended, organised, owner of a follow-up.
# Streamed as plain tuples (UNION ALL: duplicates do not change a maximum) and aggregated
# in Python against the per-meeting terms: a few seconds for 100 000 people.
_LINKS_SQL = """
SELECT person_id, meeting_id FROM participants WHERE deleted = 0 {0}
UNION ALL SELECT a.person_id, x.meeting_id FROM attendance a JOIN sessions x ON x.id = a.session_id
          WHERE a.deleted = 0 {1}
UNION ALL SELECT organiser_id, id FROM meetings WHERE organiser_id IS NOT NULL {2}
UNION ALL SELECT owner_id, meeting_id FROM follow_up_items WHERE owner_id IS NOT NULL {3}
"""


def _meeting_terms(s: Session) -> dict[str, tuple[dt.date | None, dt.date | None, str | None]]:
    """meeting id → (retention end, last session date, action title)."""
    actions = {
        aid: (end or default_retention_end(action_end), title)
        for aid, end, action_end, title in s.execute(
            select(Action.id, Action.retention_end, Action.end_date, Action.title))
    }
    last = dict(
        s.execute(
            select(MeetingSession.meeting_id, func.max(MeetingSession.date))
            .where(MeetingSession.deleted.is_(False))
            .group_by(MeetingSession.meeting_id)
        ).all()
    )
    out = {}
    for mid, action_id in s.execute(select(Meeting.id, Meeting.action_id).where(Meeting.deleted.is_(False))):
        last_date = last.get(mid)
        if action_id in actions:
            end, title = actions[action_id]
            out[mid] = (end, last_date, title)
        else:
            out[mid] = (default_retention_end(last_date), last_date, None)
    return out


class _Agg:
    __slots__ = ("meetings", "unknown", "end", "last", "actions")

    def __init__(self) -> None:
        self.meetings: set[str] = set()
        self.unknown = False
        self.end: dt.date | None = None
        self.last: dt.date | None = None
        self.actions: set[str] = set()


def _aggregates(
    s: Session, person_id: str | None = None, cancel: Callable[[], bool] | None = None
) -> dict[str, _Agg]:
    """person id → what their linked meetings say about retention."""
    terms = _meeting_terms(s)
    if person_id:
        sql = _LINKS_SQL.format("AND person_id = ?", "AND a.person_id = ?", "AND organiser_id = ?",
                                "AND owner_id = ?")
        params: tuple = (person_id,) * 4
    else:
        sql, params = _LINKS_SQL.format("", "", "", ""), ()
    out: dict[str, _Agg] = {}
    # The DB-API cursor directly: a million rows through SQLAlchemy's row layer cost seconds.
    cursor = s.connection().connection.driver_connection.execute(sql, params)
    for i, (pid, mid) in enumerate(cursor):
        if cancel is not None and i % 50_000 == 0 and cancel():
            from app.documents.common import Cancelled

            raise Cancelled("Recherche interrompue.")
        term = terms.get(mid)
        if term is None:
            continue  # a deleted meeting holds nothing any more
        agg = out.get(pid)
        if agg is None:
            agg = out[pid] = _Agg()
        agg.meetings.add(mid)
        end, last, title = term
        if end is None:
            agg.unknown = True
        elif agg.end is None or end > agg.end:
            agg.end = end
        if last is not None and (agg.last is None or last > agg.last):
            agg.last = last
        if title:
            agg.actions.add(title)
    return out


def _retention(pid: str, is_public: bool, agg: _Agg | None) -> PersonRetention:
    if agg is not None:
        end = None if agg.unknown else agg.end
        return PersonRetention(pid, end, agg.last, len(agg.meetings), tuple(sorted(agg.actions)))
    created = _created_on(pid) if is_public else None
    return PersonRetention(pid, default_retention_end(created), None, 0, ())


def _is_public(p: Any) -> bool:
    return bool(p.is_beneficiary) or p.category == PUBLIC_CATEGORY


def person_retention(ws: Workspace, person_id: str) -> PersonRetention:
    """Until when this person's data is kept (shown before a manual anonymisation)."""
    with ws.unit() as s:
        p = s.get(Person, person_id)
        if p is None:
            raise NotFound("Cette personne n'existe pas (ou plus).")
        return _retention(person_id, _is_public(p), _aggregates(s, person_id).get(person_id))


def people_due_for_anonymisation(
    ws: Workspace,
    today: dt.date | None = None,
    *,
    cancel: Callable[[], bool] | None = None,
) -> list[DuePerson]:
    """People whose data has passed its retention period, for confirmation in bulk.

    Rule. A person's retention end is the latest retention end of the meetings they are
    linked to (invited, attended, organised, or owner of a follow-up): the meeting's action's
    ``retention_end`` (default: :func:`default_retention_end` of the action's end date), or,
    for a meeting outside any action, the default rule applied to its last session date. An
    action without end date, or a meeting without date outside an action, keeps the person
    (the period cannot be known). A person is due when that end is past (``< today``):

    - *publics accompagnés* (beneficiary flag or category « Public accompagné ») — also when
      linked to no meeting at all, from the date their record was created;
    - everyone else (professionals, elected members…) only when linked to meetings: the
      rule then implies at least five full years without any activity; directory contacts
      never invited anywhere are left to the officer (archive or delete them).

    Already anonymised and deleted people are not listed. A few seconds on 100 000 people:
    the GUI runs it off its thread (``cancel()`` stops it with ``Cancelled``).
    """
    today = today or dt.date.today()
    with ws.unit() as s:
        aggregates = _aggregates(s, cancel=cancel)
        people = s.execute(
            select(Person.id, Person.last_name, Person.first_name, Person.category, Person.is_beneficiary)
            .where(Person.erased.is_(False), Person.deleted.is_(False))
        ).all()
    due = []
    for pid, last, first, category, beneficiary in people:
        is_public = bool(beneficiary) or category == PUBLIC_CATEGORY
        agg = aggregates.get(pid)
        if agg is None and not is_public:
            continue
        r = _retention(pid, is_public, agg)
        if r.ended(today):
            name = " ".join(x for x in (last, first) if x)
            due.append(DuePerson(pid, name, category, bool(beneficiary), r.last_activity, r.retention_end, r.actions))
    due.sort(key=lambda d: (d.retention_end or dt.date.min, fold(d.name)))
    return due


# --------------------------------------------------------------------------- erasure


def anonymous_label(person_id: str) -> str:
    """« Personne anonymisée n° 12345678 », derived from the id (identical on every machine)."""
    n = int(hashlib.sha256(person_id.encode()).hexdigest()[:12], 16) % 100_000_000
    return f"Personne anonymisée n° {n:08d}"


def _drop_siblings(obj: Any, names: Iterable[str]) -> None:
    # Concurrent losing values may still hold the old identity: erasure removes them too.
    if obj.sync_siblings:
        kept = {k: v for k, v in obj.sync_siblings.items() if k not in set(names)}
        obj.sync_siblings = kept or None


def _placeholder_blob(s: Session) -> str:
    if s.get(Blob, EMPTY_SHA256) is None:
        s.add(Blob(sha256=EMPTY_SHA256, mime="application/octet-stream", size=0, data=b"",
                   created_at=dt.datetime.now().replace(microsecond=0)))
        s.flush()
    return EMPTY_SHA256


def _anonymise(s: Session, person_id: str, reason: str, seen: set[str] | None = None) -> ChangeSet:
    p = s.get(Person, person_id)
    if p is None:
        raise NotFound("Cette personne n'existe pas (ou plus).")
    seen = seen if seen is not None else set()
    seen.add(p.id)
    # Duplicates merged into this person hold the same person's data: they go too.
    merged: list[tuple[str, str]] = []
    for loser in s.execute(select(Person.id).where(Person.merged_into == p.id)).scalars().all():
        if loser not in seen:
            merged.extend(_anonymise(s, loser, reason, seen).updated)
    if p.erased:
        return ChangeSet(updated=tuple(merged))
    set_audit_reason(s, reason, ANONYMISATION)
    updated: list[tuple[str, str]] = [("people", p.id)]
    label = anonymous_label(p.id)
    p.last_name, p.first_name = label, ""
    p.email = p.phone = p.mobile = p.notes = p.consent_source = p.archived_reason = ""
    p.consent_date = None
    p.erased = True
    _drop_siblings(p, IDENTIFYING_FIELDS)

    hashes: set[str] = set()
    attendance = list(s.execute(select(Attendance).where(Attendance.person_id == p.id)).scalars())
    for a in attendance:
        if a.signature_sha256:
            hashes.add(a.signature_sha256)
        a.signature_sha256 = None
        a.erased = True
        _drop_siblings(a, ("signature_sha256",))
        updated.append(("attendance", a.id))
    owners = or_(
        and_(Attachment.owner_table == "people", Attachment.owner_id == p.id),
        and_(Attachment.owner_table == "attendance", Attachment.owner_id.in_([a.id for a in attendance])),
    )
    attachments = list(s.execute(select(Attachment).where(owners)).scalars())
    if attachments:
        placeholder = _placeholder_blob(s)
        for att in attachments:
            hashes.add(att.blob_sha256)
            att.blob_sha256 = placeholder
            att.filename, att.label = "fichier-efface", ""
            att.deleted = True
            att.erased = True
            _drop_siblings(att, ("blob_sha256", "filename", "label"))
            updated.append(("attachments", att.id))
    for item in s.execute(select(FollowUpItem).where(FollowUpItem.owner_id == p.id)).scalars():
        if item.owner_label:
            item.owner_label = label
            updated.append(("follow_up_items", item.id))
    s.flush()
    hashes.discard(EMPTY_SHA256)
    for sha in hashes:
        still_used = s.execute(select(func.count()).select_from(Attendance).where(Attendance.signature_sha256 == sha)).scalar_one()
        still_used += s.execute(select(func.count()).select_from(Attachment).where(Attachment.blob_sha256 == sha)).scalar_one()
        still_used += s.execute(select(func.count()).select_from(MeetingSession).where(MeetingSession.countersign_sha256 == sha)).scalar_one()
        blob = s.get(Blob, sha)
        if blob is not None and not still_used:
            s.delete(blob)
    return ChangeSet(updated=tuple(updated + merged))


def anonymise_person(ws: Workspace, person_id: str, *, reason: str = ERASED_REASON) -> ChangeSet:
    """Erase what identifies the person, in one unit of work (see module doc). Idempotent.

    Records merged into this person (``merged_into``) are anonymised with it.

    Cannot be undone, here or by a later sync file. During the retention period this also
    erases evidence (signatures): the GUI warns first using :func:`person_retention`.
    """
    with ws.unit(write=True) as s:
        return _anonymise(s, person_id, reason)


@dataclass(frozen=True)
class BulkAnonymisation:
    done: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]
    cancelled: bool
    changes: ChangeSet = field(default_factory=ChangeSet)


def anonymise_many(
    ws: Workspace,
    ids: Sequence[str],
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> BulkAnonymisation:
    """Anonymise each person in its own unit of work (confirmation in bulk).

    A cancel stops between two people: those done stay done (reported in ``done``). A person
    that fails (e.g. gone meanwhile) is reported in ``failed`` with a French message.
    """
    done: list[str] = []
    failed: list[tuple[str, str]] = []
    updated: list[tuple[str, str]] = []
    total = len(ids)
    for i, pid in enumerate(ids):
        if cancel is not None and cancel():
            return BulkAnonymisation(tuple(done), tuple(failed), True, ChangeSet(updated=tuple(updated)))
        try:
            changes = anonymise_person(ws, pid)
        except NotFound as exc:
            failed.append((pid, exc.message))
        else:
            done.append(pid)
            updated.extend(changes.updated)
        if progress is not None:
            progress(i + 1, total, f"Anonymisation : {i + 1} / {total}")
    return BulkAnonymisation(tuple(done), tuple(failed), False, ChangeSet(updated=tuple(updated)))


def mentions_of_person(ws: Workspace, person_id: str) -> list[tuple[str, str]]:
    """Meetings whose free texts (minutes, decisions, objectives) contain the person's name.

    Anonymisation does not rewrite free text: the officer reviews these before erasing.
    Returns ``(meeting_id, title)`` pairs.
    """
    with ws.unit() as s:
        p = s.get(Person, person_id)
        if p is None or p.erased or len(p.last_name) < 2:
            return []
        needle = f"%{fold(p.last_name)}%"
        rows = s.execute(
            select(Meeting.id, Meeting.title).where(
                Meeting.deleted.is_(False),
                or_(func.maillage_fold(Meeting.minutes).like(needle),
                    func.maillage_fold(Meeting.decisions).like(needle),
                    func.maillage_fold(Meeting.objectives).like(needle)),
            )
        ).all()
    return [(mid, title) for mid, title in rows]


# --------------------------------------------------------------------------- right of access


def _iso(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat()
    return value


def person_data(ws: Workspace, person_id: str) -> dict[str, Any]:
    """Everything held about a person, as plain JSON-ready data (right of access)."""
    with ws.unit() as s:
        p = s.get(Person, person_id)
        if p is None:
            raise NotFound("Cette personne n'existe pas (ou plus).")
        person = {
            "id": p.id, "civilite": p.civility, "nom": p.last_name, "prenom": p.first_name,
            "courriel": p.email, "telephone": p.phone, "portable": p.mobile,
            "categorie": labels.label(labels.PERSON_CATEGORIES, p.category),
            "public_accompagne": p.is_beneficiary, "notes": p.notes,
            "archive": p.archived, "motif_archivage": p.archived_reason,
            "fusionne_dans": p.merged_into, "supprime": p.deleted, "anonymise": p.erased,
        }
        consent = {"date": _iso(p.consent_date), "origine": p.consent_source}
        affiliations = [
            {"structure": org.name if org else "", "structure_id": a.organisation_id,
             "fonction": a.function, "debut": _iso(a.start_date), "fin": _iso(a.end_date),
             "principale": a.is_primary, "supprimee": a.deleted}
            for a, org in s.execute(
                select(Affiliation, Organisation)
                .outerjoin(Organisation, Organisation.id == Affiliation.organisation_id)
                .where(Affiliation.person_id == p.id)
            ).all()
        ]
        first_dates = dict(s.execute(
            select(MeetingSession.meeting_id, func.min(MeetingSession.date)).group_by(MeetingSession.meeting_id)
        ).all())
        participations = []
        participant_ids = []
        for part, m in s.execute(
            select(Participant, Meeting).join(Meeting, Meeting.id == Participant.meeting_id)
            .where(Participant.person_id == p.id)
        ).all():
            participant_ids.append(part.id)
            participations.append({
                "reunion": m.title, "reunion_id": m.id,
                "type": labels.label(labels.MEETING_KINDS, m.kind),
                "date": _iso(first_dates.get(m.id)),
                "role": labels.label(labels.PARTICIPANT_ROLES, part.role),
                "invitation": labels.label(labels.INVITATION_STATUSES, part.invitation_status),
                "supprime": part.deleted,
            })
        participations.sort(key=lambda r: (r["date"] or "", r["reunion"]))
        attendance = []
        attendance_ids = []
        for a, sess, m in s.execute(
            select(Attendance, MeetingSession, Meeting)
            .join(MeetingSession, MeetingSession.id == Attendance.session_id)
            .join(Meeting, Meeting.id == MeetingSession.meeting_id)
            .where(Attendance.person_id == p.id)
        ).all():
            attendance_ids.append(a.id)
            blob = s.get(Blob, a.signature_sha256) if a.signature_sha256 else None
            attendance.append({
                "reunion": m.title, "reunion_id": m.id, "creneau_id": sess.id,
                "date": _iso(sess.date), "debut": _iso(sess.start_time), "fin": _iso(sess.end_time),
                "creneau": labels.label(labels.SESSION_LABELS, sess.label),
                "statut": labels.label(labels.ATTENDANCE_STATUSES, a.status),
                "arrivee": _iso(a.arrival), "depart": _iso(a.departure),
                "mode": labels.label(labels.ATTENDANCE_MODES, a.mode),
                "signe_le": _iso(a.signed_at), "supprime": a.deleted,
                "signature": None if blob is None else {
                    "sha256": blob.sha256, "type": blob.mime,
                    "contenu_base64": base64.b64encode(bytes(blob.data)).decode("ascii"),
                },
            })
        attendance.sort(key=lambda r: (r["date"], r["debut"]))
        organised = [
            {"reunion": m.title, "reunion_id": m.id, "date": _iso(first_dates.get(m.id))}
            for m in s.execute(select(Meeting).where(Meeting.organiser_id == p.id)).scalars()
        ]
        follow_ups = [
            {"reunion_id": f.meeting_id, "texte": f.text, "echeance": _iso(f.due_date), "fait": f.done}
            for f in s.execute(select(FollowUpItem).where(FollowUpItem.owner_id == p.id)).scalars()
        ]
        attachments = []
        for att in s.execute(select(Attachment).where(or_(
            and_(Attachment.owner_table == "people", Attachment.owner_id == p.id),
            and_(Attachment.owner_table == "attendance", Attachment.owner_id.in_(attendance_ids)),
        ))).scalars():
            blob = s.get(Blob, att.blob_sha256)
            attachments.append({
                "fichier": att.filename, "libelle": att.label, "type": att.mime, "nature": att.kind,
                "rattache_a": TABLE_LABELS.get(att.owner_table, att.owner_table),
                "supprime": att.deleted,
                "contenu_base64": base64.b64encode(bytes(blob.data)).decode("ascii") if blob and blob.size else None,
            })
        merged = [
            {"id": m.id, "nom": m.last_name, "prenom": m.first_name, "courriel": m.email,
             "telephone": m.phone, "portable": m.mobile, "notes": m.notes, "anonymise": m.erased}
            for m in s.execute(select(Person).where(Person.merged_into == p.id)).scalars()
        ]
        affiliation_ids = list(s.execute(select(Affiliation.id).where(Affiliation.person_id == p.id)).scalars())
        audit = [
            {"date": r.at.isoformat(sep=" "), "utilisateur": r.os_user, "site": r.site_id,
             "enregistrement": TABLE_LABELS.get(r.table, r.table), "enregistrement_id": r.record_id,
             "operation": OPERATION_LABELS.get(r.operation, r.operation),
             "champs": list(r.fields), "motif": r.reason}
            for r in entries_for_records(s, [p.id, *affiliation_ids, *participant_ids, *attendance_ids])
        ]
    return {
        "format": "maillage-droit-d-acces",
        "version": 1,
        "genere_le": dt.datetime.now().replace(microsecond=0).isoformat(sep=" "),
        "personne": person,
        "consentement": consent,
        "fiches_fusionnees": merged,
        "fonctions": affiliations,
        "reunions": participations,
        "reunions_organisees": organised,
        "emargements": attendance,
        "suites_a_donner": follow_ups,
        "pieces_jointes": attachments,
        "journal": audit,
    }


@dataclass(frozen=True)
class PersonExport:
    pdf_path: Path
    json_path: Path
    pages: int
    counts: tuple[tuple[str, int], ...]


def _pdf_story(data: dict[str, Any]) -> list:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Spacer, Table, TableStyle

    from app.documents.common import SHADE, frame_width, para, styles

    st = styles()
    width = frame_width()

    def table(headers: Sequence[str], rows: list[Sequence[Any]], ratios: Sequence[float]) -> Any:
        if not rows:
            return para("Aucun élément.", "small")
        body = [[para(h, "cell_bold") for h in headers]]
        body += [[para("" if v is None else v, "cell") for v in row] for row in rows]
        t = Table(body, colWidths=[width * r for r in ratios], repeatRows=1)
        t.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#8C8C8C")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        return t

    def d(value: str | None) -> str:
        if not value:
            return ""
        return fmt.date_short(dt.date.fromisoformat(value[:10]))

    def yes(value: bool) -> str:
        return "oui" if value else "non"

    p, c = data["personne"], data["consentement"]
    story: list = [
        para("Ce document liste toutes les données que cette base Maillage contient sur la "
             "personne ci-dessous (droit d'accès, article 15 du RGPD). Le fichier JSON remis "
             "avec lui contient les mêmes données sous une forme lisible par une machine, "
             "y compris les images des signatures.", "body"),
        para("Identité", st["heading"]),
        table(("Donnée", "Valeur"), [
            ("Civilité", p["civilite"]), ("Nom", p["nom"]), ("Prénom", p["prenom"]),
            ("Courriel", p["courriel"]), ("Téléphone", fmt.phone(p["telephone"])),
            ("Portable", fmt.phone(p["portable"])), ("Catégorie", p["categorie"]),
            ("Public accompagné", yes(p["public_accompagne"])), ("Notes", p["notes"]),
            ("Archivé", yes(p["archive"]) + (f" ({p['motif_archivage']})" if p["motif_archivage"] else "")),
            ("Anonymisé", yes(p["anonymise"])), ("Identifiant", p["id"]),
        ], (0.3, 0.7)),
        para("Consentement", st["heading"]),
        para(
            f"Consentement recueilli le {d(c['date'])}" + (f" ({c['origine']})." if c["origine"] else ".")
            if c["date"] else "Aucun consentement enregistré : la personne n'est pas destinataire "
            "des envois par courriel ni des exports de contacts.", "body"),
        *([para("Fiches en double fusionnées avec celle-ci", st["heading"]),
           table(("Nom", "Prénom", "Courriel", "Téléphone"), [
               (m["nom"], m["prenom"], m["courriel"], fmt.phone(m["telephone"] or m["portable"]))
               for m in data["fiches_fusionnees"]], (0.3, 0.25, 0.3, 0.15))]
          if data["fiches_fusionnees"] else []),
        para("Fonctions dans les structures", st["heading"]),
        table(("Structure", "Fonction", "Début", "Fin"), [
            (a["structure"], a["fonction"], d(a["debut"]), d(a["fin"])) for a in data["fonctions"]
        ], (0.4, 0.3, 0.15, 0.15)),
        para("Réunions", st["heading"]),
        table(("Date", "Réunion", "Type", "Rôle", "Invitation"), [
            (d(r["date"]), r["reunion"], r["type"], r["role"], r["invitation"]) for r in data["reunions"]
        ], (0.12, 0.38, 0.2, 0.15, 0.15)),
        para("Émargements", st["heading"]),
        table(("Date", "Créneau", "Réunion", "Présence", "Signature"), [
            (d(a["date"]), a["creneau"] or f"{a['debut'][:5]}–{a['fin'][:5]}", a["reunion"], a["statut"],
             (f"signée le {d(a['signe_le'])}" if a["signature"] else ("sans image" if a["signe_le"] else "—")))
            for a in data["emargements"]
        ], (0.12, 0.13, 0.4, 0.15, 0.2)),
    ]
    if data["reunions_organisees"]:
        story += [para("Réunions organisées", st["heading"]), table(("Date", "Réunion"), [
            (d(r["date"]), r["reunion"]) for r in data["reunions_organisees"]], (0.2, 0.8))]
    if data["suites_a_donner"]:
        story += [para("Suites à donner", st["heading"]), table(("Action", "Échéance", "Faite"), [
            (f["texte"], d(f["echeance"]), yes(f["fait"])) for f in data["suites_a_donner"]], (0.6, 0.2, 0.2))]
    if data["pieces_jointes"]:
        story += [para("Pièces jointes", st["heading"]), table(("Fichier", "Nature", "Rattachée à"), [
            (a["fichier"], a["libelle"] or a["nature"], a["rattache_a"]) for a in data["pieces_jointes"]],
            (0.4, 0.35, 0.25))]
    story += [
        para("Journal des modifications", st["heading"]),
        para("Le journal indique qui a modifié quels champs et quand ; il ne conserve jamais "
             "les valeurs.", ParagraphStyle("journal_note", parent=st["small"], keepWithNext=1)),
        table(("Date", "Utilisateur", "Opération", "Objet", "Champs", "Motif"), [
            (fmt.datetime_short(dt.datetime.fromisoformat(e["date"])), e["utilisateur"], e["operation"],
             e["enregistrement"], ", ".join(FIELD_LABELS.get(f, f) for f in e["champs"]), e["motif"])
            for e in data["journal"]
        ], (0.15, 0.12, 0.15, 0.13, 0.25, 0.2)),
        Spacer(1, 6),
    ]
    return story


def export_person_data(
    ws: Workspace,
    person_id: str,
    pdf_path: Path | str,
    json_path: Path | str,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> PersonExport:
    """Right of access: a readable PDF and a JSON file of everything held about the person.

    Both files are written atomically; a cancel (:class:`app.documents.common.Cancelled`)
    leaves neither.
    """
    from app.documents.common import Cancelled, PageFooter, build_pdf, header_from_identity
    from app.services.settings import get_identity

    pdf_path, json_path = Path(pdf_path), Path(json_path)
    data = person_data(ws, person_id)
    p = data["personne"]
    name = " ".join(x for x in (p["nom"], p["prenom"]) if x)
    if cancel is not None and cancel():
        raise Cancelled()
    json_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = json_path.with_name(json_path.name + ".partiel")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    try:
        header = header_from_identity(
            get_identity(ws), title="Données personnelles détenues (droit d'accès)", subtitle=name,
        )
        footer = PageFooter(
            reference="RGPD – droit d'accès",
            note="Document confidentiel : il contient des données personnelles. À remettre "
                 "uniquement à la personne concernée.",
        )
        result = build_pdf(
            pdf_path, _pdf_story(data), header=header, footer=footer,
            title=f"Données personnelles – {name}", author="Maillage",
            subject="Droit d'accès (RGPD)", progress=progress, cancel=cancel,
        )
        tmp.replace(json_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    counts = (
        ("fonctions", len(data["fonctions"])), ("reunions", len(data["reunions"])),
        ("emargements", len(data["emargements"])), ("journal", len(data["journal"])),
    )
    return PersonExport(pdf_path, json_path, result.pages, counts)


def resolve_person(ws: Workspace, ref: str) -> str:
    """A person id from an id, an e-mail or an unambiguous « Nom Prénom » (command line)."""
    ref = ref.strip()
    with ws.unit() as s:
        if s.get(Person, ref) is not None:
            return ref
        live = Person.deleted.is_(False)
        matches = list(s.execute(select(Person.id).where(live, func.lower(Person.email) == ref.lower())).scalars())
        if not matches:
            folded = fold(" ".join(ref.split()))
            full = func.maillage_fold(Person.last_name + " " + Person.first_name)
            reverse = func.maillage_fold(Person.first_name + " " + Person.last_name)
            matches = list(s.execute(select(Person.id).where(live, or_(full == folded, reverse == folded))).scalars())
        if not matches:
            matches = list(s.execute(select(Person.id).where(Person.id.like(f"{ref}%"))).scalars()) if len(ref) >= 8 else []
    if not matches:
        raise NotFound(f"Aucune personne ne correspond à « {ref} ».")
    if len(matches) > 1:
        raise NotFound(
            f"« {ref} » désigne {len(matches)} personnes : indiquez son identifiant ou son courriel."
        )
    return matches[0]
