"""Attendance (émargement): the paper grid, the signing kiosk, sealing, evidence completeness.

One unit of work per call; frozen dataclasses in and out; French errors.

Paper grid
    ``attendance_grid(ws, meeting_id) -> AttendanceGrid`` (people × sessions, totals);
    ``set_attendance(ws, entries, mode="papier")`` (status présent / absent / excusé / retard,
    arrival and departure; ``status=None`` clears an unsigned cell); ``next_status`` (what the
    space bar cycles to); ``mark_all_present(ws, session_id)`` (« tous présents »).
Kiosk
    ``kiosk_list(ws, session_id, search)`` — only the current session's people, no contact
    details; ``record_signature(ws, SignatureInput)`` — strokes (JSON points with pressure)
    and PNG image; ``signature_png_from_strokes`` renders strokes to PNG (Pillow) when the
    caller has no image; ``add_walk_in(ws, session_id, WalkInInput)`` — « Je ne suis pas sur
    la liste »; ``seal_session(ws, session_id, CountersignInput)`` — countersignature that
    closes the session.
Officer
    A sealed session refuses every change (``ValidationError`` code ``session-scellee``)
    unless the call passes ``officer_override=True`` with a ``reason``, which is written to
    the audit log (through :func:`app.storage.audit.set_audit_reason`: the audit hook writes
    the entries); ``unseal_session(ws, session_id, reason)``;
    ``audit_trail(ws, meeting_id)``.
Evidence
    ``evidence(ws, meeting_id) -> EvidenceReport`` lists what an auditor would find missing,
    in French.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import formatting as fmt
from app.domain import labels
from app.domain.text import fold
from app.errors import NotFound, ValidationError
from app.services.meetings import (
    SessionView,
    display_name,
    participant_views,
)
from app.services.workspace import ChangeSet, Workspace
from app.storage.audit import set_audit_reason
from app.storage.ids import attendance_id, participant_id
from app.storage.models import (
    Affiliation,
    Attachment,
    Attendance,
    AuditEntry,
    Blob,
    Meeting,
    MeetingSession,
    Organisation,
    Participant,
    Person,
)

STATUS_CYCLE = ("present", "absent", "excuse")
PRESENT = ("present", "retard")
TRAINING_KINDS = frozenset({"formation", "atelier"})
MAX_PNG_BYTES = 512 * 1024
MAX_POINTS = 50_000
SCAN_KIND = "feuille_emargement_scan"
STROKES_KIND = "traces_signature"


# --------------------------------------------------------------------------- plain data


@dataclass(frozen=True)
class AttendanceCell:
    status: str | None  # None: nothing recorded
    arrival: dt.time | None = None
    departure: dt.time | None = None
    signed: bool = False
    signed_at: dt.datetime | None = None
    mode: str = ""


@dataclass(frozen=True)
class GridRow:
    person_id: str
    display_name: str
    organisation: str
    role: str
    invitation_status: str
    cells: tuple[AttendanceCell, ...]


@dataclass(frozen=True)
class SessionTotals:
    present: int
    late: int
    absent: int
    excused: int
    unknown: int

    @property
    def attending(self) -> int:
        return self.present + self.late


@dataclass(frozen=True)
class AttendanceGrid:
    meeting_id: str
    title: str
    sessions: tuple[SessionView, ...]
    rows: tuple[GridRow, ...]
    totals: tuple[SessionTotals, ...]


@dataclass(frozen=True)
class AttendanceEntry:
    session_id: str
    person_id: str
    status: str | None
    arrival: dt.time | None = None
    departure: dt.time | None = None


@dataclass(frozen=True)
class SignatureInput:
    """What the kiosk sends on « Valider ».

    ``strokes``: list of strokes, each a list of points ``[x, y, pressure]`` or
    ``[x, y, pressure, t_ms]`` (pressure 0..1; mouse = 0.5), in pad pixels.
    ``png``: the image of the signature (see :func:`signature_png_from_strokes`).
    """

    session_id: str
    person_id: str
    strokes: tuple | list
    png: bytes
    signed_at: dt.datetime | None = None


@dataclass(frozen=True)
class SignatureSaved:
    attendance_id: str
    sha256: str
    signed_at: dt.datetime
    changes: ChangeSet


@dataclass(frozen=True)
class KioskEntry:
    person_id: str
    display_name: str  # large type on the kiosk
    organisation: str
    signed: bool
    status: str | None


@dataclass(frozen=True)
class KioskList:
    session_id: str
    meeting_title: str
    caption: str
    sealed: bool
    entries: tuple[KioskEntry, ...]

    @property
    def signed_count(self) -> int:
        return sum(1 for e in self.entries if e.signed)


@dataclass(frozen=True)
class WalkInInput:
    last_name: str
    first_name: str
    organisation_name: str = ""
    organisation_id: str | None = None
    category: str = "autre"
    function: str = ""


@dataclass(frozen=True)
class WalkInResult:
    person_id: str
    organisation_id: str | None
    created_person: bool
    created_organisation: bool
    signature: SignatureSaved | None
    changes: ChangeSet


@dataclass(frozen=True)
class CountersignInput:
    signer_name: str
    png: bytes
    strokes: tuple | list | None = None


@dataclass(frozen=True)
class SessionEvidence:
    session_id: str
    caption: str
    expected: int
    signed: int
    recorded: int
    present_unsigned: int
    scanned_pages: int
    sealed: bool


@dataclass(frozen=True)
class EvidenceReport:
    meeting_id: str
    rule: str  # "formation" or "reunion"
    due: bool  # the meeting has taken place (its last session is not in the future)
    sessions: tuple[SessionEvidence, ...]
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class AuditView:
    at: dt.datetime
    os_user: str
    table_name: str
    record_id: str
    operation: str
    fields: tuple[str, ...]
    reason: str


# --------------------------------------------------------------------------- helpers


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def next_status(status: str | None) -> str:
    """What the space bar cycles to: présent → absent → excusé → présent."""
    if status not in STATUS_CYCLE:
        return STATUS_CYCLE[0]
    return STATUS_CYCLE[(STATUS_CYCLE.index(status) + 1) % len(STATUS_CYCLE)]


def _session(s: Session, session_id: str) -> MeetingSession:
    row = s.get(MeetingSession, session_id)
    if row is None or row.deleted:
        raise NotFound("Ce créneau n'existe pas ou a été supprimé.")
    return row


def _caption(x: MeetingSession) -> str:
    return (
        f"{fmt.date_long(x.date)}, {labels.label(labels.SESSION_LABELS, x.label).lower()} "
        f"({fmt.time_short(x.start_time)} – {fmt.time_short(x.end_time)})"
    )


def _guard_sealed(s: Session, ws: Workspace, row: MeetingSession, officer_override: bool,
                  reason: str, fields: Sequence[str], record_id: str) -> None:
    if not row.sealed:
        return
    if not officer_override:
        raise ValidationError(
            f"Le créneau du {_caption(row)} est scellé (contre-signé par {row.sealed_by or '—'}) : "
            "seul le chargé de mission peut le modifier, en indiquant un motif.",
            field="session", code="session-scellee",
        )
    if not reason.strip():
        raise ValidationError("Indiquez le motif de la modification d'un créneau scellé.",
                              field="reason")
    # The audit hook writes one entry per changed record, carrying the officer's reason.
    set_audit_reason(s, f"Créneau scellé modifié par le chargé de mission : {reason.strip()}")


def _store_blob(s: Session, data: bytes, mime: str) -> str:
    sha = hashlib.sha256(data).hexdigest()
    if s.get(Blob, sha) is None:
        s.add(Blob(sha256=sha, mime=mime, size=len(data), data=data, created_at=_now()))
        s.flush()  # attachments refer to it; the unit of work does not know the order
    return sha


def _check_png(png: bytes, what: str = "La signature") -> None:
    if not png or not png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValidationError(f"{what} doit être une image PNG.", field="png")
    if len(png) > MAX_PNG_BYTES:
        raise ValidationError(f"{what} est trop volumineuse (plus de 512 Ko).", field="png")


def normalise_strokes(strokes: object) -> list[list[list[float]]]:
    """Validate strokes and return them as ``[[[x, y, p, t], …], …]`` (rounded)."""
    if not isinstance(strokes, (list, tuple)) or not strokes:
        raise ValidationError("La signature est vide : signez dans le cadre.", field="strokes")
    out: list[list[list[float]]] = []
    total = 0
    for stroke in strokes:
        if not isinstance(stroke, (list, tuple)):
            raise ValidationError("Tracé de signature illisible.", field="strokes")
        points = []
        for pt in stroke:
            if isinstance(pt, dict):
                pt = (pt.get("x"), pt.get("y"), pt.get("p", pt.get("pressure", 0.5)), pt.get("t", 0))
            if not isinstance(pt, (list, tuple)) or len(pt) < 2:
                raise ValidationError("Point de signature illisible.", field="strokes")
            try:
                x, y = float(pt[0]), float(pt[1])
                p = float(pt[2]) if len(pt) > 2 and pt[2] is not None else 0.5
                t = float(pt[3]) if len(pt) > 3 and pt[3] is not None else 0.0
            except (TypeError, ValueError) as exc:
                raise ValidationError("Point de signature illisible.", field="strokes") from exc
            points.append([round(x, 1), round(y, 1), round(min(max(p, 0.0), 1.0), 3), round(t)])
        total += len(points)
        if points:
            out.append(points)
    if not out:
        raise ValidationError("La signature est vide : signez dans le cadre.", field="strokes")
    if total > MAX_POINTS:
        raise ValidationError("Signature trop longue : effacez et recommencez.", field="strokes")
    return out


def signature_png_from_strokes(strokes: object, width: int = 600, height: int = 200,
                               pen: float = 3.0) -> bytes:
    """Render strokes as a transparent PNG, line width following pressure (Pillow)."""
    from PIL import Image, ImageDraw

    pts = normalise_strokes(strokes)
    xs = [p[0] for s_ in pts for p in s_]
    ys = [p[1] for s_ in pts for p in s_]
    min_x, min_y = min(xs), min(ys)
    span = max(max(xs) - min_x, (max(ys) - min_y) * width / height, 1.0)
    scale = (width - 2 * pen * 2) / span
    off_x, off_y = pen * 2, pen * 2
    img = Image.new("LA", (width, height), (0, 0))
    draw = ImageDraw.Draw(img)
    for stroke in pts:
        mapped = [((p[0] - min_x) * scale + off_x, (p[1] - min_y) * scale + off_y, p[2]) for p in stroke]
        if len(mapped) == 1:
            x, y, p = mapped[0]
            r = pen * (0.5 + p) / 2
            draw.ellipse((x - r, y - r, x + r, y + r), fill=(20, 255))
            continue
        for (x0, y0, p0), (x1, y1, p1) in zip(mapped, mapped[1:]):
            w = max(1, round(pen * (0.5 + (p0 + p1) / 2)))
            draw.line((x0, y0, x1, y1), fill=(20, 255), width=w, joint="curve")
            r = w / 2
            draw.ellipse((x1 - r, y1 - r, x1 + r, y1 + r), fill=(20, 255))
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def _participant_or_refuse(s: Session, meeting_id: str, person_id: str) -> Participant:
    row = s.get(Participant, participant_id(meeting_id, person_id))
    if row is None or row.deleted:
        raise ValidationError("Cette personne n'est pas sur la liste de la réunion.", field="person_id")
    return row


# --------------------------------------------------------------------------- paper grid


def attendance_grid(ws: Workspace, meeting_id: str) -> AttendanceGrid:
    from app.services.meetings import get_meeting

    detail = get_meeting(ws, meeting_id)
    with ws.unit() as s:
        ids = [x.id for x in detail.sessions]
        records = {
            (a.session_id, a.person_id): a
            for a in s.execute(
                select(Attendance).where(Attendance.session_id.in_(ids), Attendance.deleted.is_(False))
            ).scalars()
        } if ids else {}
        rows = []
        for p in detail.participants:
            cells = []
            for sid in ids:
                a = records.get((sid, p.person_id))
                cells.append(
                    AttendanceCell(a.status, a.arrival, a.departure, a.signature_sha256 is not None,
                                   a.signed_at, a.mode)
                    if a else AttendanceCell(None)
                )
            rows.append(GridRow(p.person_id, p.display_name, p.organisation, p.role,
                                p.invitation_status, tuple(cells)))
    totals = []
    for i in range(len(ids)):
        column = [r.cells[i].status for r in rows]
        totals.append(SessionTotals(
            present=column.count("present"), late=column.count("retard"),
            absent=column.count("absent"), excused=column.count("excuse"),
            unknown=column.count(None),
        ))
    return AttendanceGrid(meeting_id, detail.title, detail.sessions, tuple(rows), tuple(totals))


def set_attendance(
    ws: Workspace,
    entries: AttendanceEntry | Sequence[AttendanceEntry],
    *,
    mode: str = "papier",
    officer_override: bool = False,
    reason: str = "",
) -> ChangeSet:
    """Record statuses from the paper grid, all in one unit of work.

    ``status=None`` clears a cell (refused when it carries a signature). People must be on
    the meeting's list. Sealed sessions need ``officer_override`` and a ``reason``.
    """
    if isinstance(entries, AttendanceEntry):
        entries = [entries]
    if mode not in labels.ATTENDANCE_MODES:
        raise ValidationError(f"Mode d'émargement inconnu : « {mode} ».", field="mode")
    created, updated, deleted = [], [], []
    with ws.unit(write=True) as s:
        sessions: dict[str, MeetingSession] = {}
        for e in entries:
            if e.status is not None and e.status not in labels.ATTENDANCE_STATUSES:
                raise ValidationError(f"Statut de présence inconnu : « {e.status} ».", field="status")
            if e.arrival and e.departure and e.departure <= e.arrival:
                raise ValidationError("L'heure de départ doit suivre l'heure d'arrivée.",
                                      field="departure")
            sess = sessions.get(e.session_id) or _session(s, e.session_id)
            sessions[e.session_id] = sess
            _participant_or_refuse(s, sess.meeting_id, e.person_id)
            pk = attendance_id(e.session_id, e.person_id)
            row = s.get(Attendance, pk)
            live = row is not None and not row.deleted
            if e.status is None:
                if not live:
                    continue
                if row.signature_sha256:
                    raise ValidationError(
                        "Cette présence porte une signature : elle ne peut pas être effacée.",
                        field="status",
                    )
                _guard_sealed(s, ws, sess, officer_override, reason, ["deleted"], pk)
                row.deleted = True
                deleted.append(("attendance", pk))
                continue
            values = dict(status=e.status, arrival=e.arrival, departure=e.departure)
            if live and all(getattr(row, k) == v for k, v in values.items()):
                continue
            changed = [k for k, v in values.items() if not live or getattr(row, k) != v]
            _guard_sealed(s, ws, sess, officer_override, reason, changed, pk)
            if row is None:
                row = Attendance(id=pk, session_id=e.session_id, person_id=e.person_id, mode=mode,
                                 **values)
                s.add(row)
                created.append(("attendance", pk))
            else:
                if row.deleted:
                    row.deleted = False
                    row.mode = mode
                for k, v in values.items():
                    setattr(row, k, v)
                if not row.signature_sha256:
                    row.mode = mode
                updated.append(("attendance", pk))
    return ChangeSet(tuple(created), tuple(updated), tuple(deleted))


def mark_all_present(ws: Workspace, session_id: str, *, mode: str = "papier") -> ChangeSet:
    """« Tous présents »: every expected person with nothing recorded becomes présent.

    Recorded statuses are kept; people who sent their apologies (invitation « excusé ») are
    recorded excusé; unsubscribed people are left out.
    """
    with ws.unit() as s:
        sess = _session(s, session_id)
        meeting_id = sess.meeting_id
        recorded = set(
            s.execute(select(Attendance.person_id).where(
                Attendance.session_id == session_id, Attendance.deleted.is_(False))).scalars()
        )
        people = s.execute(
            select(Participant.person_id, Participant.invitation_status).where(
                Participant.meeting_id == meeting_id, Participant.deleted.is_(False),
                Participant.invitation_status != "desinscrit")
        ).all()
    entries = [
        AttendanceEntry(session_id, p.person_id, "excuse" if p.invitation_status == "excuse" else "present")
        for p in people if p.person_id not in recorded
    ]
    return set_attendance(ws, entries, mode=mode) if entries else ChangeSet()


# --------------------------------------------------------------------------- kiosk


def kiosk_list(ws: Workspace, session_id: str, search: str = "") -> KioskList:
    """The people expected at this session (and walk-ins), for the signing screen only."""
    with ws.unit() as s:
        sess = _session(s, session_id)
        meeting = s.get(Meeting, sess.meeting_id)
        people = participant_views(s, sess.meeting_id)
        records = {
            a.person_id: a for a in s.execute(
                select(Attendance).where(Attendance.session_id == session_id,
                                         Attendance.deleted.is_(False))
            ).scalars()
        }
        terms = fold(search).split()
        entries = []
        for p in people:
            if p.invitation_status == "desinscrit":
                continue
            hay = fold(f"{p.first_name} {p.last_name} {p.organisation}")
            if terms and not all(t in hay for t in terms):
                continue
            a = records.get(p.person_id)
            entries.append(KioskEntry(p.person_id, p.display_name, p.organisation,
                                      bool(a and a.signature_sha256), a.status if a else None))
        return KioskList(session_id, meeting.title if meeting else "", _caption(sess), sess.sealed,
                         tuple(entries))


def _record_signature(s: Session, ws: Workspace, data: SignatureInput, *, replace: bool,
                      officer_override: bool, reason: str) -> SignatureSaved:
    _check_png(data.png)
    strokes = normalise_strokes(data.strokes)
    sess = _session(s, data.session_id)
    _participant_or_refuse(s, sess.meeting_id, data.person_id)
    pk = attendance_id(data.session_id, data.person_id)
    row = s.get(Attendance, pk)
    _guard_sealed(s, ws, sess, officer_override, reason, ["signature_sha256"], pk)
    if row is not None and not row.deleted and row.signature_sha256 and not replace:
        raise ValidationError("Cette personne a déjà signé pour ce créneau.", field="person_id",
                              code="deja-signe")
    sha = _store_blob(s, data.png, "image/png")
    strokes_json = json.dumps(strokes, separators=(",", ":")).encode()
    strokes_sha = _store_blob(s, strokes_json, "application/json")
    signed_at = (data.signed_at or _now()).replace(microsecond=0)
    created: list[tuple[str, str]] = []
    updated: list[tuple[str, str]] = []
    if row is None:
        row = Attendance(id=pk, session_id=data.session_id, person_id=data.person_id)
        s.add(row)
        created.append(("attendance", pk))
    else:
        updated.append(("attendance", pk))
        for old in s.execute(select(Attachment).where(
                Attachment.owner_table == "attendance", Attachment.owner_id == pk,
                Attachment.kind == STROKES_KIND, Attachment.deleted.is_(False))).scalars():
            old.deleted = True
    row.deleted = False
    row.status = "retard" if row.status == "retard" else "present"
    row.signature_sha256, row.signed_at, row.mode = sha, signed_at, "tablette"
    att = Attachment(owner_table="attendance", owner_id=pk, blob_sha256=strokes_sha,
                     filename="signature.json", mime="application/json", kind=STROKES_KIND,
                     label="Tracé de la signature", session_id=data.session_id)
    s.add(att)
    s.flush()
    created.append(("attachments", att.id))
    return SignatureSaved(pk, sha, signed_at, ChangeSet(tuple(created), tuple(updated)))


def record_signature(
    ws: Workspace,
    data: SignatureInput,
    *,
    replace: bool = False,
    officer_override: bool = False,
    reason: str = "",
) -> SignatureSaved:
    """Keep a signature from the kiosk (image as a Blob, strokes as an attachment).

    The person is recorded présent (or keeps « retard »), mode « tablette ». A second
    signature for the same session is refused unless ``replace``.
    """
    with ws.unit(write=True) as s:
        return _record_signature(s, ws, data, replace=replace,
                                 officer_override=officer_override, reason=reason)


def signature_image(ws: Workspace, session_id: str, person_id: str) -> bytes | None:
    """The PNG a person signed for a session, or None."""
    with ws.unit() as s:
        row = s.get(Attendance, attendance_id(session_id, person_id))
        if row is None or row.deleted or not row.signature_sha256:
            return None
        blob = s.get(Blob, row.signature_sha256)
        return bytes(blob.data) if blob else None


def signature_strokes(ws: Workspace, session_id: str, person_id: str) -> list | None:
    with ws.unit() as s:
        sha = s.execute(select(Attachment.blob_sha256).where(
            Attachment.owner_table == "attendance",
            Attachment.owner_id == attendance_id(session_id, person_id),
            Attachment.kind == STROKES_KIND, Attachment.deleted.is_(False))).scalar()
        blob = s.get(Blob, sha) if sha else None
        return json.loads(bytes(blob.data)) if blob else None


def add_walk_in(
    ws: Workspace,
    session_id: str,
    data: WalkInInput,
    *,
    strokes: Sequence | None = None,
    png: bytes | None = None,
) -> WalkInResult:
    """« Je ne suis pas sur la liste »: add the person (and their structure when unknown),
    invite them as « inscrit », and record their presence — with their signature when
    ``strokes`` and ``png`` are given."""
    last, first = data.last_name.strip(), data.first_name.strip()
    if not last:
        raise ValidationError("Indiquez votre nom.", field="last_name")
    if not first:
        raise ValidationError("Indiquez votre prénom.", field="first_name")
    if data.category not in labels.PERSON_CATEGORIES:
        raise ValidationError(f"Catégorie inconnue : « {data.category} ».", field="category")
    if png is not None or strokes is not None:
        _check_png(png or b"")
        normalise_strokes(strokes)
    created: list[tuple[str, str]] = []
    with ws.unit(write=True) as s:
        sess = _session(s, session_id)
        _guard_sealed(s, ws, sess, False, "", [], session_id)
        org_id, created_org = data.organisation_id, False
        if org_id:
            org = s.get(Organisation, org_id)
            if org is None or org.deleted:
                raise NotFound("Cette structure n'existe plus.")
        elif data.organisation_name.strip():
            wanted = fold(data.organisation_name)
            org_id = s.execute(select(Organisation.id).where(
                Organisation.deleted.is_(False), Organisation.merged_into.is_(None),
                (func.maillage_fold(Organisation.name) == wanted)
                | (func.maillage_fold(Organisation.acronym) == wanted))).scalar()
            if org_id is None:
                org = Organisation(name=data.organisation_name.strip(), kind_code="association",
                                   tags=["ajoutée à l'émargement"])
                s.add(org)
                s.flush()
                org_id, created_org = org.id, True
                created.append(("organisations", org.id))
        invited = {p.person_id: p for p in participant_views(s, sess.meeting_id)}
        same_name = s.execute(select(Person.id).where(
            Person.deleted.is_(False), Person.merged_into.is_(None),
            func.maillage_fold(Person.last_name) == fold(last),
            func.maillage_fold(Person.first_name) == fold(first))).scalars().all()
        for pid in same_name:
            if pid in invited:
                raise ValidationError(
                    f"{display_name(first, last)} est déjà sur la liste : cherchez votre nom.",
                    field="last_name", code="deja-sur-la-liste",
                )
        person_id = None
        if org_id:
            person_id = s.execute(select(Affiliation.person_id).where(
                Affiliation.person_id.in_(same_name), Affiliation.organisation_id == org_id,
                Affiliation.deleted.is_(False))).scalar()
        created_person = person_id is None
        if created_person:
            person = Person(last_name=last, first_name=first, category=data.category,
                            is_beneficiary=data.category == "public",
                            consent_source="émargement sur place")
            s.add(person)
            s.flush()
            person_id = person.id
            created.append(("people", person_id))
            if org_id:
                aff = Affiliation(person_id=person_id, organisation_id=org_id,
                                  function=data.function.strip(), is_primary=True)
                s.add(aff)
                s.flush()
                created.append(("affiliations", aff.id))
        pk = participant_id(sess.meeting_id, person_id)
        part = s.get(Participant, pk)
        if part is None:
            s.add(Participant(id=pk, meeting_id=sess.meeting_id, person_id=person_id,
                              organisation_id=org_id, role="participant", invitation_status="inscrit"))
            created.append(("participants", pk))
        else:
            part.deleted, part.invitation_status = False, "inscrit"
        s.flush()
        saved = None
        if png is not None:
            saved = _record_signature(s, ws, SignatureInput(session_id, person_id, list(strokes or ()), png),
                                      replace=True, officer_override=False, reason="")
            created.extend(saved.changes.created)
        else:
            apk = attendance_id(session_id, person_id)
            row = s.get(Attendance, apk)
            if row is None:
                s.add(Attendance(id=apk, session_id=session_id, person_id=person_id,
                                 status="present", mode="saisie"))
                created.append(("attendance", apk))
            else:
                row.deleted, row.status = False, "present"
        return WalkInResult(person_id, org_id, created_person, created_org, saved,
                            ChangeSet(created=tuple(created)))


# --------------------------------------------------------------------------- sealing


def seal_session(ws: Workspace, session_id: str, data: CountersignInput) -> ChangeSet:
    """The trainer's or organiser's countersignature closes the session (sealed)."""
    if not data.signer_name.strip():
        raise ValidationError("Indiquez le nom de la personne qui contre-signe.", field="signer_name")
    _check_png(data.png, "La contre-signature")
    strokes = normalise_strokes(data.strokes) if data.strokes is not None else None
    with ws.unit(write=True) as s:
        sess = _session(s, session_id)
        if sess.sealed:
            raise ValidationError(
                f"Ce créneau est déjà scellé (par {sess.sealed_by}, le {fmt.datetime_short(sess.sealed_at)}).",
                field="session", code="session-scellee",
            )
        sess.countersign_sha256 = _store_blob(s, data.png, "image/png")
        sess.sealed, sess.sealed_at, sess.sealed_by = True, _now(), data.signer_name.strip()
        created = []
        if strokes is not None:
            sha = _store_blob(s, json.dumps(strokes, separators=(",", ":")).encode(), "application/json")
            att = Attachment(owner_table="sessions", owner_id=session_id, blob_sha256=sha,
                             filename="contre-signature.json", mime="application/json",
                             kind=STROKES_KIND, label="Tracé de la contre-signature",
                             session_id=session_id)
            s.add(att)
            s.flush()
            created.append(("attachments", att.id))
    return ChangeSet(created=tuple(created), updated=(("sessions", session_id),))


def unseal_session(ws: Workspace, session_id: str, reason: str) -> ChangeSet:
    """Reopen a sealed session (officer only); the reason goes to the audit log."""
    if not reason.strip():
        raise ValidationError("Indiquez le motif de la réouverture du créneau.", field="reason")
    with ws.unit(write=True) as s:
        sess = _session(s, session_id)
        if not sess.sealed:
            raise ValidationError("Ce créneau n'est pas scellé.", field="session")
        set_audit_reason(s, reason.strip())  # logged as « déverrouillage » by the audit hook
        sess.sealed, sess.sealed_at, sess.sealed_by, sess.countersign_sha256 = False, None, "", None
    return ChangeSet(updated=(("sessions", session_id),))


def countersign_image(ws: Workspace, session_id: str) -> bytes | None:
    with ws.unit() as s:
        sess = _session(s, session_id)
        blob = s.get(Blob, sess.countersign_sha256) if sess.countersign_sha256 else None
        return bytes(blob.data) if blob else None


def audit_trail(ws: Workspace, meeting_id: str) -> tuple[AuditView, ...]:
    """Officer actions with a reason (overrides of sealed sessions, reopenings), newest first."""
    with ws.unit() as s:
        sids = list(s.execute(select(MeetingSession.id).where(
            MeetingSession.meeting_id == meeting_id)).scalars())
        aids = list(s.execute(select(Attendance.id).where(
            Attendance.session_id.in_(sids))).scalars()) if sids else []
        rows = s.execute(select(AuditEntry).where(AuditEntry.record_id.in_(sids + aids),
                                                  AuditEntry.reason != "")
                         .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())).scalars()
        return tuple(AuditView(r.at, r.os_user, r.table_name, r.record_id, r.operation,
                               tuple(r.fields or ()), r.reason) for r in rows)


# --------------------------------------------------------------------------- evidence


def _names(people: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(people[:limit])
    more = len(people) - limit
    return shown + (f" et {fmt.plural(more, 'autre')}" if more > 0 else "")


def evidence(ws: Workspace, meeting_id: str, *, today: dt.date | None = None) -> EvidenceReport:
    """What evidence is missing for this meeting, in French.

    Training (formation, atelier): for every participant and session, a signature or a
    status; a présence typed in without signature needs a scanned signed sheet for that
    session; every session countersigned (sealed). Other meetings: présents and excusés
    recorded for every invited person, and the compte rendu written.
    """
    from app.services.meetings import get_meeting

    today = today or dt.date.today()
    detail = get_meeting(ws, meeting_id)
    training = detail.kind in TRAINING_KINDS
    expected = [p for p in detail.participants
                if p.invitation_status != "desinscrit" and (p.role == "participant" or not training)]
    missing: list[str] = []
    per_session: list[SessionEvidence] = []
    if not detail.sessions:
        missing.append("Aucun créneau n'est défini pour cette réunion.")
    if not expected:
        missing.append("Aucun participant n'est inscrit.")
    with ws.unit() as s:
        ids = [x.id for x in detail.sessions]
        records = {
            (a.session_id, a.person_id): a for a in s.execute(
                select(Attendance).where(Attendance.session_id.in_(ids), Attendance.deleted.is_(False))
            ).scalars()
        } if ids else {}
        scans = dict(s.execute(
            select(Attachment.session_id, func.count()).where(
                Attachment.owner_table == "meetings", Attachment.owner_id == meeting_id,
                Attachment.kind == SCAN_KIND, Attachment.deleted.is_(False))
            .group_by(Attachment.session_id)).all())
    for sess in detail.sessions:
        caption = sess.caption
        cap = caption[0].upper() + caption[1:]
        nothing, unsigned = [], []
        signed = recorded = 0
        for p in expected:
            a = records.get((sess.id, p.person_id))
            if a is None:
                nothing.append(p.display_name)
                continue
            recorded += 1
            if a.signature_sha256:
                signed += 1
            elif a.status in PRESENT:
                unsigned.append(p.display_name)
        n_scans = scans.get(sess.id, 0)
        per_session.append(SessionEvidence(sess.id, caption, len(expected), signed, recorded,
                                           len(unsigned), n_scans, sess.sealed))
        if nothing:
            what = "sans signature ni statut" if training else "sans statut de présence"
            missing.append(f"{cap}\u00a0: {fmt.plural(len(nothing), 'personne')} {what} "
                           f"({_names(nothing)}).")
        if training and unsigned and not n_scans:
            missing.append(
                f"{cap}\u00a0: {fmt.plural(len(unsigned), 'présence saisie', 'présences saisies')} "
                "sans signature et aucune feuille "
                f"signée scannée ({_names(unsigned)})."
            )
        if training and not sess.sealed:
            missing.append(f"{cap} : contre-signature du formateur ou de l'organisateur manquante.")
    if not training and detail.sessions and not detail.minutes.strip():
        missing.append("Le compte rendu n'est pas rédigé.")
    due = bool(detail.sessions) and detail.sessions[-1].date <= today
    return EvidenceReport(meeting_id, "formation" if training else "reunion", due,
                          tuple(per_session), tuple(missing))
