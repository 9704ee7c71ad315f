"""Exporting structures and contacts: CSV for French Excel, XLSX, vCard 4.0.

- CSV: ``;`` separated, UTF-8 with BOM (Excel then reads accents right), CRLF, dates
  ``jj/mm/aaaa``, SIRET and phone numbers written as French users write them.
- XLSX: typed columns (numbers as numbers, dates as dates, codes as text), bold frozen
  header, autofilter, column widths; written in streaming mode.
- A text cell starting with ``=``, ``+``, ``-`` or ``@`` is neutralised so no spreadsheet
  runs it: in CSV it gets a leading apostrophe, in XLSX it is a text cell with Excel's
  « quote prefix ». The importer removes that apostrophe: export then import of the same
  file changes nothing.
- vCard 4.0 of selected contacts, and e-mail address lists: people who have not given
  their consent are left out (RGPD); so are the notes of *publics accompagnés* everywhere.

Either everything (live records, archived ones included and marked) or the current list:
pass the :class:`app.services.lists.ListQuery` the list shows, or explicit ids.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.privacy import can_contact
from app.domain import formatting as fmt
from app.domain import labels
from app.domain import validation as v
from app.errors import ValidationError
from app.services import lists
from app.services.lists import ListQuery
from app.services.workspace import Workspace
from app.storage.models import Affiliation, Organisation, OrganisationKind, Person

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]
_FORMULA_START = ("=", "+", "-", "@")
_CHUNK = 2000


class ExportCancelled(Exception):
    """Raised inside an export when the user cancelled (the partial file is removed)."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    count: int
    excluded: int = 0  # vCard / e-mail exports: people left out for lack of consent


@dataclass(frozen=True)
class Column:
    """One exported column: French header (one the importer recognises), type, width."""

    header: str
    key: str
    kind: str = "text"  # text | int | date
    width: int = 16


ORGANISATION_COLUMNS: tuple[Column, ...] = (
    Column("Identifiant", "id", width=38),
    Column("Nom", "name", width=40),
    Column("Sigle", "acronym", width=12),
    Column("Type", "kind", width=30),
    Column("SIRET", "siret", width=19),
    Column("Adresse", "address", width=34),
    Column("Code postal", "postcode", width=11),
    Column("Commune", "city", width=22),
    Column("Territoire", "territory", width=18),
    Column("Téléphone", "phone", width=16),
    Column("Courriel", "email", width=30),
    Column("Site web", "website", width=28),
    Column("Forme juridique", "legal_form", width=18),
    Column("Représentant légal", "legal_rep_name", width=24),
    Column("Qualité du représentant", "legal_rep_title", width=22),
    Column("Effectif", "headcount", "int", width=9),
    Column("Étiquettes", "tags", width=20),
    Column("Notes", "notes", width=40),
    Column("Archivée", "archived", width=9),
)

PERSON_COLUMNS: tuple[Column, ...] = (
    Column("Identifiant", "id", width=38),
    Column("Civilité", "civility", width=8),
    Column("Nom", "last_name", width=20),
    Column("Prénom", "first_name", width=16),
    Column("Courriel", "email", width=30),
    Column("Téléphone", "phone", width=16),
    Column("Portable", "mobile", width=16),
    Column("Catégorie", "category", width=26),
    Column("Structure", "organisation", width=36),
    Column("Fonction", "function", width=26),
    Column("Date du consentement", "consent_date", "date", width=12),
    Column("Source du consentement", "consent_source", width=24),
    Column("Notes", "notes", width=40),
    Column("Archivé(e)", "archived", width=10),
)


def neutralise(text: str) -> str:
    """``=1+1`` → ``'=1+1``: a spreadsheet shows it, never runs it."""
    return "'" + text if text.startswith(_FORMULA_START) else text


# --- Rows --------------------------------------------------------------------------------


def _ids_of_list(ws: Workspace, view: str, query: ListQuery) -> list[str]:
    total = lists.count(ws, view, query)
    out: list[str] = []
    for offset in range(0, total, 5000):
        out += [r.id for r in lists.fetch(ws, view, query, offset, 5000).rows]
    return out


def _chunks(ids: Sequence[str] | None) -> Iterator[list[str] | None]:
    if ids is None:
        yield None
        return
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start:start + _CHUNK])


def _ordered(rows: list[Any], chunk: list[str] | None) -> list[Any]:
    if chunk is None:
        return rows
    by_id = {r.id: r for r in rows}
    return [by_id[i] for i in chunk if i in by_id]


def _organisation_rows(s: Session, ids: Sequence[str] | None) -> Iterator[dict[str, Any]]:
    # Plain rows (no ORM objects): memory stays flat on a large base.
    base = (
        select(*Organisation.__table__.c, OrganisationKind.label.label("kind_label"))
        .outerjoin(OrganisationKind, (OrganisationKind.code == Organisation.kind_code)
                   & OrganisationKind.deleted.is_(False))
        .where(Organisation.deleted.is_(False), Organisation.merged_into.is_(None))
    )
    for chunk in _chunks(ids):
        if chunk is None:
            stmt = base.order_by(func.maillage_fold(Organisation.name), Organisation.id)
            rows: Any = s.execute(stmt.execution_options(yield_per=1000))
        else:
            rows = _ordered(s.execute(base.where(Organisation.id.in_(chunk))).all(), chunk)
        for o in rows:
            yield _organisation_values(o)


def _organisation_values(o: Any) -> dict[str, Any]:
    return {
        "id": o.id, "name": o.name, "acronym": o.acronym,
        "kind": o.kind_label or labels.kind_label(o.kind_code),
        "siret": v.format_siret(o.siret), "address": o.address, "postcode": o.postcode,
        "city": o.city, "territory": o.territory, "phone": fmt.phone(o.phone),
        "email": o.email, "website": o.website, "legal_form": o.legal_form,
        "legal_rep_name": o.legal_rep_name, "legal_rep_title": o.legal_rep_title,
        "headcount": o.headcount, "tags": ", ".join(o.tags or ()), "notes": o.notes,
        "archived": fmt.yes_no(o.archived),
    }


def _functions(s: Session, person_ids: list[str] | None) -> dict[str, tuple[str, str]]:
    """Each person's main current function: (structure name, function)."""
    stmt = (
        select(Affiliation.person_id, Organisation.name, Affiliation.function)
        .join(Organisation, Organisation.id == Affiliation.organisation_id)
        .where(Affiliation.deleted.is_(False), Affiliation.end_date.is_(None),
               Organisation.deleted.is_(False))
        .order_by(Affiliation.person_id, Affiliation.is_primary.desc(), Organisation.name,
                  Affiliation.id)
    )
    if person_ids is not None:
        stmt = stmt.where(Affiliation.person_id.in_(person_ids))
    out: dict[str, tuple[str, str]] = {}
    for person_id, org_name, function in s.execute(stmt):
        out.setdefault(person_id, (org_name, function))
    return out


def _person_values(p: Any, function: tuple[str, str] | None) -> dict[str, Any]:
    org_name, fn = function or ("", "")
    return {
        "id": p.id, "civility": p.civility, "last_name": p.last_name,
        "first_name": p.first_name, "email": p.email, "phone": fmt.phone(p.phone),
        "mobile": fmt.phone(p.mobile),
        "category": labels.label(labels.PERSON_CATEGORIES, p.category),
        "organisation": org_name, "function": fn, "consent_date": p.consent_date,
        "consent_source": p.consent_source,
        # Free text about a beneficiary may be sensitive: it never leaves Maillage.
        "notes": "" if p.is_beneficiary or p.category == "public" else p.notes,
        "archived": fmt.yes_no(p.archived),
    }


def _people(s: Session, ids: Sequence[str] | None) -> Iterator[tuple[Any, tuple[str, str] | None]]:
    base = select(*Person.__table__.c).where(
        Person.deleted.is_(False), Person.merged_into.is_(None), Person.erased.is_(False))
    functions = _functions(s, None) if ids is None else {}
    for chunk in _chunks(ids):
        if chunk is None:
            stmt = base.order_by(func.maillage_fold(Person.last_name),
                                 func.maillage_fold(Person.first_name), Person.id)
            rows: Any = s.execute(stmt.execution_options(yield_per=1000))
        else:
            rows = _ordered(s.execute(base.where(Person.id.in_(chunk))).all(), chunk)
            functions = _functions(s, chunk)
        for p in rows:
            yield p, functions.get(p.id)


def _person_rows(s: Session, ids: Sequence[str] | None) -> Iterator[dict[str, Any]]:
    for p, function in _people(s, ids):
        yield _person_values(p, function)


# --- Writers -----------------------------------------------------------------------------


def _csv_value(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "date" and isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return neutralise(str(value))


def _write_csv(path: Path, columns: Sequence[Column], rows: Iterator[dict[str, Any]],
               tick: Callable[[int], None]) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\r\n")
        writer.writerow([c.header for c in columns])
        for row in rows:
            writer.writerow([_csv_value(row[c.key], c.kind) for c in columns])
            count += 1
            tick(count)
    return count


def _write_xlsx(path: Path, title: str, columns: Sequence[Column],
                rows: Iterator[dict[str, Any]], tick: Callable[[int], None]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    sheet = wb.create_sheet(title)
    for i, col in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = col.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for col in columns:
        cell = WriteOnlyCell(sheet, value=col.header)
        cell.font = bold
        cell.alignment = Alignment(vertical="center")
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        cells: list[Any] = []
        for col in columns:
            value = row[col.key]
            if col.kind == "date" and isinstance(value, dt.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD/MM/YYYY"
                cells.append(cell)
            elif col.kind == "int":
                cells.append(value)
            elif value is None or value == "":
                cells.append(None)
            else:
                text = str(value)
                cell = WriteOnlyCell(sheet, value=text)
                cell.data_type = "s"  # text, even when it looks like a number or a formula
                if text.startswith(_FORMULA_START):
                    cell.quotePrefix = True
                cells.append(cell)
        sheet.append(cells)
        count += 1
        tick(count)
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    wb.save(path)
    return count


def _export(path: Path | str, title: str, columns: Sequence[Column],
            rows: Iterator[dict[str, Any]], total: int,
            progress: Progress | None, cancelled: Cancelled | None) -> ExportResult:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        raise ValidationError(
            f"Format d'export inconnu « {path.suffix or path.name} » : choisissez un fichier "
            ".csv ou .xlsx.", field="path")

    def tick(n: int) -> None:
        if n % 500 == 0:
            if cancelled is not None and cancelled():
                raise ExportCancelled
            if progress is not None:
                progress(n, max(total, n), "Export en cours…")

    partial = path.with_name(path.name + ".partiel")
    try:
        if suffix == ".csv":
            count = _write_csv(partial, columns, rows, tick)
        else:
            count = _write_xlsx(partial, title, columns, rows, tick)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    if progress is not None:
        progress(count, max(count, 1), "Export terminé.")
    return ExportResult(path, count)


def _selection(ws: Workspace, view: str, query: ListQuery | None,
               ids: Sequence[str] | None) -> tuple[list[str] | None, int]:
    if ids is not None:
        return list(ids), len(ids)
    if query is not None:
        found = _ids_of_list(ws, view, query)
        return found, len(found)
    return None, 0


def export_organisations(
    ws: Workspace, path: Path | str, *, query: ListQuery | None = None,
    ids: Sequence[str] | None = None, progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ExportResult:
    """Write structures to ``path`` (``.csv`` or ``.xlsx``): those of the list ``query``
    shows (in its order), the given ``ids``, or every live structure (by name).
    Raises :class:`ExportCancelled` when ``cancelled()`` turns true (no file is left)."""
    selected, total = _selection(ws, "structures", query, ids)
    with ws.unit() as s:
        if selected is None:
            total = s.execute(select(func.count()).select_from(Organisation).where(
                Organisation.deleted.is_(False), Organisation.merged_into.is_(None))).scalar_one()
        return _export(path, "Structures", ORGANISATION_COLUMNS,
                       _organisation_rows(s, selected), total, progress, cancelled)


def export_people(
    ws: Workspace, path: Path | str, *, query: ListQuery | None = None,
    ids: Sequence[str] | None = None, progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ExportResult:
    """Write contacts to ``path`` (``.csv`` or ``.xlsx``) with their main current function.
    The notes of *publics accompagnés* are never exported."""
    selected, total = _selection(ws, "contacts", query, ids)
    with ws.unit() as s:
        if selected is None:
            total = s.execute(select(func.count()).select_from(Person).where(
                Person.deleted.is_(False), Person.merged_into.is_(None))).scalar_one()
        return _export(path, "Contacts", PERSON_COLUMNS, _person_rows(s, selected), total,
                       progress, cancelled)


# --- vCard and e-mail lists --------------------------------------------------------------


def _vcard_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold_line(line: str) -> str:
    """Lines longer than 75 octets are folded (RFC 6350 §3.2), never inside a character."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, current, size, limit = [], [], 0, 75
    for char in line:
        n = len(char.encode("utf-8"))
        if size + n > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74  # continuation lines start with a space
        current.append(char)
        size += n
    parts.append("".join(current))
    return "\r\n ".join(parts)


def vcard(p: Any, function: tuple[str, str] | None) -> str:
    """One vCard 4.0 (RFC 6350), CRLF line ends."""
    org_name, fn = function or ("", "")
    display = " ".join(x for x in (p.first_name, p.last_name) if x) or p.last_name
    lines = [
        "BEGIN:VCARD", "VERSION:4.0", f"UID:urn:uuid:{p.id}",
        f"FN:{_vcard_text(display)}",
        f"N:{_vcard_text(p.last_name)};{_vcard_text(p.first_name)};;{_vcard_text(p.civility)};",
    ]
    if org_name:
        lines.append(f"ORG:{_vcard_text(org_name)}")
    if fn:
        lines.append(f"TITLE:{_vcard_text(fn)}")
    if p.email:
        lines.append(f"EMAIL;TYPE=work:{p.email}")
    if p.phone:
        lines.append(f"TEL;VALUE=uri;TYPE=\"work,voice\":tel:{p.phone}")
    if p.mobile:
        lines.append(f"TEL;VALUE=uri;TYPE=\"cell,voice\":tel:{p.mobile}")
    lines.append("END:VCARD")
    return "".join(_fold_line(line) + "\r\n" for line in lines)



def _consenting(s: Session, person_ids: Sequence[str]) -> tuple[list[Person], int]:
    people: dict[str, Person] = {}
    for chunk in _chunks(list(dict.fromkeys(person_ids))):
        for p in s.execute(select(Person).where(Person.id.in_(chunk or []))).scalars():
            people[p.id] = p
    kept = [people[i] for i in dict.fromkeys(person_ids) if i in people
            and people[i].merged_into is None and can_contact(people[i])]
    return kept, len(dict.fromkeys(person_ids)) - len(kept)


def export_vcards(ws: Workspace, path: Path | str, person_ids: Sequence[str]) -> ExportResult:
    """The selected contacts as one ``.vcf`` file (vCard 4.0, UTF-8). People without a
    recorded consent are left out and counted in ``excluded``."""
    path = Path(path)
    with ws.unit() as s:
        kept, excluded = _consenting(s, person_ids)
        functions = _functions(s, [p.id for p in kept])
        text = "".join(vcard(p, functions.get(p.id)) for p in kept)
    partial = path.with_name(path.name + ".partiel")
    partial.write_bytes(text.encode("utf-8"))
    partial.replace(path)
    return ExportResult(path, len(kept), excluded)


def email_addresses(ws: Workspace, person_ids: Sequence[str]) -> tuple[tuple[str, ...], int]:
    """Addresses to paste into a mail « Cci » field: people with an address and a recorded
    consent only. Returns (addresses, number of people left out)."""
    with ws.unit() as s:
        kept, excluded = _consenting(s, person_ids)
    addresses = tuple(dict.fromkeys(p.email for p in kept if p.email))
    return addresses, excluded + sum(1 for p in kept if not p.email)
