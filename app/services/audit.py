"""The audit log as the user reads it: paged list with filters, and CSV export.

Entries are written by the hook in :mod:`app.storage.audit`; they hold field *names*, never
values. Labels of records (a person's name, a meeting's title) are looked up from the
current data when a page is shown; the CSV export masks those of *publics accompagnés*.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.domain.formatting import date_short
from app.services.workspace import Workspace
from app.storage import audit as hook
from app.storage.models import (
    Action,
    Affiliation,
    Attendance,
    AuditEntry,
    Convention,
    Meeting,
    MeetingSession,
    Organisation,
    Participant,
    Person,
)

# Re-exported for services that attach a reason to their changes.
audit_reason = hook.audit_reason
set_audit_reason = hook.set_audit_reason

OPERATION_LABELS: dict[str, str] = {
    hook.CREATION: "Création",
    hook.CREATION_BATCH: "Création en lot",
    hook.MODIFICATION: "Modification",
    hook.DELETION: "Suppression",
    hook.RESTORATION: "Rétablissement",
    hook.MERGE: "Fusion",
    hook.ANONYMISATION: "Anonymisation",
    hook.UNSEALING: "Déverrouillage de créneau scellé",
    hook.SEALING: "Scellement de créneau",
}

TABLE_LABELS: dict[str, str] = {
    "organisation_kinds": "Type de structure",
    "organisations": "Structure",
    "people": "Contact",
    "affiliations": "Fonction",
    "actions": "Action",
    "indicator_targets": "Indicateur",
    "meetings": "Réunion",
    "agenda_items": "Ordre du jour",
    "follow_up_items": "Suite à donner",
    "sessions": "Créneau",
    "participants": "Participant",
    "attendance": "Émargement",
    "attachments": "Pièce jointe",
    "convention_templates": "Modèle de convention",
    "template_articles": "Article de modèle",
    "conventions": "Convention",
    "convention_parties": "Partie à une convention",
    "installments": "Échéance",
    "convention_events": "Étape de convention",
    "settings": "Réglage",
}

FIELD_LABELS: dict[str, str] = {
    "civility": "civilité", "last_name": "nom", "first_name": "prénom", "email": "courriel",
    "phone": "téléphone", "mobile": "portable", "category": "catégorie",
    "is_beneficiary": "public accompagné", "consent_date": "date du consentement",
    "consent_source": "origine du consentement", "notes": "notes", "archived": "archivé",
    "archived_reason": "motif d'archivage", "merged_into": "fusionné dans", "deleted": "supprimé",
    "erased": "anonymisé", "name": "nom", "acronym": "sigle", "kind_code": "type",
    "siret": "SIRET", "address": "adresse", "postcode": "code postal", "city": "commune",
    "title": "intitulé", "status": "statut", "date": "date", "start_time": "heure de début",
    "end_time": "heure de fin", "sealed": "scellé", "signature_sha256": "signature",
    "signed_at": "heure de signature", "arrival": "arrivée", "departure": "départ",
    "function": "fonction", "value": "valeur", "minutes": "compte rendu",
    "retention_end": "fin de conservation", "start_date": "date de début", "end_date": "date de fin",
    "mode": "mode", "person_id": "personne", "session_id": "créneau", "meeting_id": "réunion",
    "organisation_id": "structure", "action_id": "action", "role": "rôle",
    "invitation_status": "invitation", "is_primary": "fonction principale",
    "blob_sha256": "contenu", "filename": "nom du fichier", "label": "libellé", "kind": "nature",
    "countersign_sha256": "contre-signature", "sealed_at": "scellé le", "sealed_by": "scellé par",
    "objectives": "objectifs", "decisions": "décisions", "owner_id": "responsable",
    "owner_label": "responsable", "text": "texte", "due_date": "échéance", "done": "fait",
    "number": "numéro", "series": "série", "place_name": "lieu", "place_address": "adresse du lieu",
    "website": "site web", "territory": "territoire", "tags": "étiquettes", "headcount": "effectif",
    "legal_rep_name": "représentant légal", "legal_rep_title": "qualité du représentant",
    "legal_form": "forme juridique", "funder": "financeur", "fse_rate": "taux FSE",
    "description": "description", "code": "code", "amount_cents": "montant", "position": "rang",
    "family": "famille", "organiser_id": "organisateur", "capacity": "capacité",
}


@dataclass(frozen=True)
class AuditFilter:
    """Criteria of the audit view; ``None`` means « tous ». Dates are inclusive."""

    table: str | None = None
    record_id: str | None = None
    record_ids: tuple[str, ...] | None = None
    operation: str | None = None
    os_user: str | None = None
    site_id: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    reason_contains: str | None = None


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    os_user: str
    site_id: str
    table: str
    record_id: str
    operation: str
    fields: tuple[str, ...]
    reason: str
    record_label: str = ""

    @property
    def table_label(self) -> str:
        return TABLE_LABELS.get(self.table, self.table)

    @property
    def operation_label(self) -> str:
        return OPERATION_LABELS.get(self.operation, self.operation)

    @property
    def fields_label(self) -> str:
        return ", ".join(FIELD_LABELS.get(f, f) for f in self.fields)


@dataclass(frozen=True)
class AuditPage:
    rows: tuple[AuditRow, ...]
    total: int
    offset: int
    limit: int


def _where(query: Select[Any], f: AuditFilter) -> Select[Any]:
    if f.table:
        query = query.where(AuditEntry.table_name == f.table)
    if f.record_id:
        query = query.where(AuditEntry.record_id == f.record_id)
    if f.record_ids is not None:
        query = query.where(AuditEntry.record_id.in_(f.record_ids))
    if f.operation:
        query = query.where(AuditEntry.operation == f.operation)
    if f.os_user:
        query = query.where(AuditEntry.os_user == f.os_user)
    if f.site_id:
        query = query.where(AuditEntry.site_id == f.site_id)
    if f.since:
        query = query.where(AuditEntry.at >= dt.datetime.combine(f.since, dt.time()))
    if f.until:
        query = query.where(AuditEntry.at < dt.datetime.combine(f.until + dt.timedelta(days=1), dt.time()))
    if f.reason_contains:
        query = query.where(AuditEntry.reason.contains(f.reason_contains))
    return query


def _person_label(p: Any, mask: bool) -> str:
    if mask and (p.is_beneficiary or p.category == "public") and not p.erased:
        return "Public accompagné (nom masqué)"
    return " ".join(x for x in (p.last_name, p.first_name) if x)


def _labels(s: Session, pairs: Iterable[tuple[str, str]], mask: bool) -> dict[tuple[str, str], str]:
    """Human labels of the records of one page (a few queries per table, by id)."""
    by_table: dict[str, set[str]] = {}
    for table, rid in pairs:
        by_table.setdefault(table, set()).add(rid)
    out: dict[tuple[str, str], str] = {}

    def people(ids: set[str]) -> dict[str, str]:
        rows = s.execute(select(Person).where(Person.id.in_(ids))).scalars()
        return {p.id: _person_label(p, mask) for p in rows}

    for table, ids in by_table.items():
        ids = set(ids)
        if table == "people":
            found = people(ids)
        elif table == "organisations":
            found = dict(s.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))).all())
        elif table == "meetings":
            found = dict(s.execute(select(Meeting.id, Meeting.title).where(Meeting.id.in_(ids))).all())
        elif table == "actions":
            found = dict(s.execute(select(Action.id, Action.title).where(Action.id.in_(ids))).all())
        elif table == "conventions":
            found = {
                i: f"{n} – {t}"
                for i, n, t in s.execute(select(Convention.id, Convention.number, Convention.title).where(Convention.id.in_(ids)))
            }
        elif table == "sessions":
            found = {
                i: f"{t} – {date_short(d)}"
                for i, t, d in s.execute(
                    select(MeetingSession.id, Meeting.title, MeetingSession.date)
                    .join(Meeting, Meeting.id == MeetingSession.meeting_id)
                    .where(MeetingSession.id.in_(ids))
                )
            }
        elif table in ("attendance", "participants", "affiliations"):
            model = {"attendance": Attendance, "participants": Participant, "affiliations": Affiliation}[table]
            links = dict(s.execute(select(model.id, model.person_id).where(model.id.in_(ids))).all())
            names = people(set(links.values()))
            found = {i: names.get(pid, "") for i, pid in links.items()}
        elif table == "settings":
            found = {i: i for i in ids}
        else:
            found = {}
        for rid, label in found.items():
            out[(table, rid)] = label or ""
    return out


def _row(e: AuditEntry, label: str) -> AuditRow:
    return AuditRow(
        id=e.id, at=e.at, os_user=e.os_user, site_id=e.site_id, table=e.table_name,
        record_id=e.record_id, operation=e.operation, fields=tuple(e.fields or ()),
        reason=e.reason, record_label=label,
    )


def list_audit(
    ws: Workspace, filters: AuditFilter = AuditFilter(), offset: int = 0, limit: int = 100
) -> AuditPage:
    """One page of entries, newest first, filtered and paged in SQL."""
    with ws.unit() as s:
        total = s.execute(_where(select(func.count()).select_from(AuditEntry), filters)).scalar_one()
        entries = list(
            s.execute(
                _where(select(AuditEntry), filters)
                .order_by(AuditEntry.id.desc())
                .offset(max(0, offset))
                .limit(max(0, limit))
            ).scalars()
        )
        labels = _labels(s, ((e.table_name, e.record_id) for e in entries), mask=False)
        rows = tuple(_row(e, labels.get((e.table_name, e.record_id), "")) for e in entries)
    return AuditPage(rows=rows, total=total, offset=offset, limit=limit)


def audit_users(ws: Workspace) -> list[str]:
    """Distinct OS users in the log (for the filter list)."""
    with ws.unit() as s:
        return list(s.execute(select(AuditEntry.os_user).distinct().order_by(AuditEntry.os_user)).scalars())


def entries_for_records(s: Session, record_ids: Iterable[str]) -> list[AuditRow]:
    """Every entry about the given records, oldest first (used by the right-of-access export)."""
    ids = sorted(set(record_ids))
    rows: list[AuditRow] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for e in s.execute(select(AuditEntry).where(AuditEntry.record_id.in_(chunk))).scalars():
            rows.append(_row(e, ""))
    rows.sort(key=lambda r: r.id)
    return rows


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """A cell a spreadsheet will not evaluate: text starting with = + - @ gets a leading '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


CSV_HEADER = (
    "Date", "Heure", "Utilisateur", "Site", "Opération", "Type d'enregistrement",
    "Enregistrement", "Identifiant", "Champs", "Motif",
)


def export_audit_csv(
    ws: Workspace,
    path: Path | str,
    filters: AuditFilter = AuditFilter(),
    progress: Callable[[int, int, str], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> int:
    """Write the filtered log to a CSV for French Excel (``;``, UTF-8 with BOM, dd/mm/yyyy).

    Cells that a spreadsheet would read as formulas are neutralised. Returns the number of
    entries written; the file is written to a temporary name and renamed at the end, so a
    cancelled export (:class:`app.documents.common.Cancelled`) leaves nothing.
    """
    from app.documents.common import Cancelled

    path = Path(path)
    tmp = path.with_name(path.name + ".partiel")
    page = 1000
    written = 0
    total = list_audit(ws, filters, 0, 0).total
    try:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            out = csv.writer(fh, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
            out.writerow(CSV_HEADER)
            last_id: int | None = None
            while True:
                if cancel is not None and cancel():
                    raise Cancelled()
                with ws.unit() as s:
                    query = _where(select(AuditEntry), filters).order_by(AuditEntry.id.desc()).limit(page)
                    if last_id is not None:
                        query = query.where(AuditEntry.id < last_id)
                    entries = list(s.execute(query).scalars())
                    labels = _labels(s, ((e.table_name, e.record_id) for e in entries), mask=True)
                    rows = [_row(e, labels.get((e.table_name, e.record_id), "")) for e in entries]
                if not rows:
                    break
                for r in rows:
                    out.writerow([spreadsheet_safe(v) for v in (
                        r.at.strftime("%d/%m/%Y"), r.at.strftime("%H:%M:%S"), r.os_user,
                        r.site_id, r.operation_label, r.table_label, r.record_label,
                        r.record_id, r.fields_label, r.reason,
                    )])
                written += len(rows)
                last_id = rows[-1].id
                if progress is not None:
                    progress(written, total, "Export du journal…")
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return written
