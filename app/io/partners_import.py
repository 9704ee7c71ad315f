"""Importing structures and contacts from CSV or XLSX files sent by partners.

1. :func:`app.io.tabular.open_table` reads the file (encoding, delimiter, header row);
2. :func:`propose_mapping` recognises French headers (« Raison sociale », « CP »,
   « Courriel »…); the user may edit the mapping ``{header: field}`` (``""`` = ignored);
3. :func:`import_organisations` / :func:`import_people` validate **every** line first, then
   write in one transaction — nothing unless every line is valid, or only the valid ones
   with ``skip_invalid``. A line matching an existing record (same identifier; for a
   structure same SIRET, or same e-mail when the line has no SIRET; for a person same
   e-mail) updates it only with ``update_existing``
   (non-empty cells only: an empty cell never erases); otherwise it is reported.
   ``dry_run`` validates and reports without writing. Cancelling leaves the base unchanged.

Cells are never evaluated: a formula (``=…``) is kept as text. The apostrophe our exports
put before a cell starting with ``= + - @`` is removed, so exporting then importing the same
file changes nothing. Dates are read as ``jj/mm/aaaa``. New rows are written with
:func:`app.storage.stamping.bulk_insert`, updates through the ORM (both stamped).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import validation as v
from app.domain.text import fold
from app.errors import ValidationError
from app.io.tabular import Table, open_table
from app.services import partners as P
from app.services.workspace import Workspace
from app.storage.ids import new_id
from app.storage.models import Affiliation, Organisation, OrganisationKind, Person
from app.storage.stamping import bulk_insert

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]

# --- Fields and French headers -----------------------------------------------------------

ORGANISATION_FIELDS: dict[str, str] = {
    "id": "Identifiant", "name": "Nom", "acronym": "Sigle", "kind_code": "Type",
    "siret": "SIRET", "address": "Adresse", "postcode": "Code postal", "city": "Commune",
    "territory": "Territoire", "phone": "Téléphone", "email": "Courriel",
    "website": "Site web", "legal_form": "Forme juridique",
    "legal_rep_name": "Représentant légal", "legal_rep_title": "Qualité du représentant",
    "headcount": "Effectif", "tags": "Étiquettes", "notes": "Notes",
}
"""Fields a structures file can fill, with the French name shown in the mapping."""

PERSON_FIELDS: dict[str, str] = {
    "id": "Identifiant", "civility": "Civilité", "last_name": "Nom", "first_name": "Prénom",
    "email": "Courriel", "phone": "Téléphone", "mobile": "Portable",
    "category": "Catégorie", "organisation": "Structure",
    "organisation_siret": "SIRET de la structure", "function": "Fonction",
    "start_date": "Début de la fonction", "consent_date": "Date du consentement",
    "consent_source": "Source du consentement", "notes": "Notes",
}
"""Fields a contacts file can fill. ``organisation`` is a structure's name: it is created
when no structure has that name; the person gets the ``function`` in it."""

_COMMON_ALIASES = {
    "identifiant": "id", "id": "id", "identifiant maillage": "id",
    "courriel": "email", "e mail": "email", "email": "email", "mail": "email", "mel": "email",
    "adresse mail": "email", "adresse e mail": "email", "adresse electronique": "email",
    "adresse courriel": "email",
    "telephone": "phone", "tel": "phone", "telephone fixe": "phone", "tel fixe": "phone",
    "telephone professionnel": "phone", "phone": "phone", "standard": "phone",
    "notes": "notes", "note": "notes", "commentaire": "notes", "commentaires": "notes",
    "observations": "notes", "remarques": "notes",
}
_ORG_ALIASES = {
    **_COMMON_ALIASES,
    "nom": "name", "raison sociale": "name", "structure": "name", "nom de la structure": "name",
    "nom structure": "name", "organisme": "name", "nom de l organisme": "name",
    "denomination": "name", "etablissement": "name", "entreprise": "name",
    "partenaire": "name", "nom du partenaire": "name",
    "sigle": "acronym", "acronyme": "acronym", "abreviation": "acronym",
    "type": "kind_code", "type de structure": "kind_code", "categorie": "kind_code",
    "nature": "kind_code", "type de partenaire": "kind_code",
    "siret": "siret", "n siret": "siret", "no siret": "siret", "numero siret": "siret",
    "numero de siret": "siret",
    "adresse": "address", "adresse postale": "address", "rue": "address", "voie": "address",
    "cp": "postcode", "code postal": "postcode", "codepostal": "postcode",
    "ville": "city", "commune": "city", "localite": "city",
    "territoire": "territory", "bassin": "territory", "secteur": "territory",
    "site web": "website", "site internet": "website", "site": "website", "url": "website",
    "web": "website",
    "forme juridique": "legal_form", "statut juridique": "legal_form",
    "representant legal": "legal_rep_name", "nom du representant": "legal_rep_name",
    "representant": "legal_rep_name",
    "qualite du representant": "legal_rep_title", "fonction du representant": "legal_rep_title",
    "effectif": "headcount", "effectifs": "headcount", "nombre de salaries": "headcount",
    "etiquettes": "tags", "etiquette": "tags", "mots cles": "tags", "tags": "tags",
}
_PERSON_ALIASES = {
    **_COMMON_ALIASES,
    "civilite": "civility", "titre": "civility",
    "nom": "last_name", "nom de famille": "last_name", "nom usuel": "last_name",
    "prenom": "first_name",
    "portable": "mobile", "mobile": "mobile", "tel portable": "mobile", "gsm": "mobile",
    "telephone portable": "mobile", "tel mobile": "mobile", "telephone mobile": "mobile",
    "categorie": "category", "type de contact": "category", "public": "category",
    "structure": "organisation", "organisme": "organisation", "raison sociale": "organisation",
    "employeur": "organisation", "entreprise": "organisation", "etablissement": "organisation",
    "nom de la structure": "organisation", "societe": "organisation",
    "siret": "organisation_siret", "siret de la structure": "organisation_siret",
    "fonction": "function", "poste": "function", "role": "function", "titre du poste": "function",
    "debut de la fonction": "start_date", "debut de fonction": "start_date",
    "date de debut": "start_date", "debut": "start_date",
    "date du consentement": "consent_date", "date de consentement": "consent_date",
    "consentement": "consent_date", "consentement le": "consent_date",
    "source du consentement": "consent_source", "origine du consentement": "consent_source",
}
# Keywords tried when a header is not a known name (first match wins).
_KEYWORDS = (
    ("siret", "siret"), ("mail", "email"), ("courriel", "email"), ("portable", "mobile"),
    ("mobile", "mobile"), ("telephone", "phone"), ("tel", "phone"), ("code postal", "postcode"),
    ("ville", "city"), ("commune", "city"), ("adresse", "address"), ("prenom", "first_name"),
    ("civilite", "civility"), ("fonction", "function"), ("raison sociale", "name"),
    ("sigle", "acronym"), ("consentement", "consent_date"), ("nom", "name"),
)

TARGETS = {"organisations": ORGANISATION_FIELDS, "people": PERSON_FIELDS}
_ALIASES = {"organisations": _ORG_ALIASES, "people": _PERSON_ALIASES}
_NAME_FIELD = {"organisations": "name", "people": "last_name"}


def _header_key(header: str) -> str:
    key = re.sub(r"\s*\(\d+\)$", "", header)  # « Téléphone (2) », a repeated header
    key = re.sub(r"[\W_]+", " ", fold(key)).strip()
    return re.sub(r"^(n|no|num|numero) (?=siret)", "", key)


def propose_mapping(headers: tuple[str, ...] | list[str], target: str) -> dict[str, str]:
    """``{header: field}`` for every header (``""`` when not recognised), for ``target``
    ``"organisations"`` or ``"people"``. A second phone column becomes the mobile."""
    fields_ = TARGETS[target]
    aliases = _ALIASES[target]
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        key = _header_key(header)
        found = aliases.get(key, "")
        if not found:
            for word, candidate in _KEYWORDS:
                if re.search(rf"\b{word}", key):
                    found = {"name": _NAME_FIELD[target]}.get(candidate, candidate)
                    if candidate == "name" and target == "people" and "structure" in key:
                        found = "organisation"
                    break
        if found == "phone" and "phone" in used and target == "people":
            found = "mobile"
        if found not in fields_ or found in used:
            found = ""
        mapping[header] = found
        if found:
            used.add(found)
    return mapping


def check_mapping(mapping: Mapping[str, str], target: str) -> None:
    """Refuse, in French, a mapping that cannot import anything."""
    fields_ = TARGETS[target]
    chosen = [f for f in mapping.values() if f]
    if not chosen:
        raise ValidationError(
            "Aucune ligne d'en-tête reconnue : la première ligne du fichier doit nommer les "
            "colonnes (Nom, Prénom, SIRET, Code postal, Courriel…).", field="mapping")
    for name in chosen:
        if name not in fields_:
            raise ValidationError(f"Champ inconnu dans la correspondance : « {name} ».",
                                  field="mapping")
    twice = sorted({f for f in chosen if chosen.count(f) > 1})
    if twice:
        raise ValidationError(
            "Plusieurs colonnes alimentent le même champ : "
            + ", ".join(f"« {fields_[f]} »" for f in twice) + ".", field="mapping")
    name_field = _NAME_FIELD[target]
    if name_field not in chosen:
        what = "« Nom » ou « Raison sociale »" if target == "organisations" else "« Nom »"
        raise ValidationError(
            f"Colonne du nom introuvable : ajoutez une colonne {what} ou indiquez laquelle "
            "contient le nom.", field="mapping")


# --- The report --------------------------------------------------------------------------


@dataclass(frozen=True)
class LineIssue:
    """A rejected line (or a line matching an existing record), by its number in the file."""

    line: int
    field: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "reason": self.reason}


@dataclass(frozen=True)
class ImportReport:
    """``accepted``: valid lines; ``rejected``: one entry per invalid field; ``existing``:
    lines matching a record left unchanged (no ``update_existing``); ``unchanged``: lines
    matching a record already holding those values. ``written`` tells whether anything was
    saved (never with ``dry_run``, after a cancel, or with rejected lines unless
    ``skip_invalid``)."""

    target: str
    accepted: int = 0
    rejected: tuple[LineIssue, ...] = ()
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    existing: tuple[LineIssue, ...] = ()
    written: bool = False
    dry_run: bool = False
    cancelled: bool = False
    created_ids: tuple[str, ...] = field(default=(), repr=False)
    structures_created: int = 0

    @property
    def rejected_lines(self) -> int:
        return len({r.line for r in self.rejected})

    def as_dict(self) -> dict[str, Any]:
        """The CLI's ``--json`` report."""
        out: dict[str, Any] = {
            "accepted": self.accepted,
            "rejected": [r.as_dict() for r in self.rejected],
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "existing": [r.as_dict() for r in self.existing],
            "written": self.written,
            "dry_run": self.dry_run,
            "cancelled": self.cancelled,
        }
        if self.target == "people":
            out["structures_created"] = self.structures_created
        return out


class _Cancel(Exception):
    pass


# --- Cells -------------------------------------------------------------------------------

_MULTILINE = {"address", "notes"}
_BREAKS = re.compile(r"\s*[\r\n\t]+\s*")
_FORMULA_START = ("=", "+", "-", "@")


def cell_text(value: Any, field_name: str = "") -> str:
    """A cell as text: numbers without ``.0``, dates ``jj/mm/aaaa``, our export's
    protective apostrophe removed; single-line fields get their whitespace collapsed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        if field_name in {"postcode"} and len(text) == 4:
            return text.zfill(5)  # the spreadsheet dropped the leading zero
        if field_name in {"siret", "organisation_siret"} and 12 <= len(text) < 14:
            return text.zfill(14)
        return text
    text = str(value)
    if len(text) > 1 and text[0] == "'" and text[1] in _FORMULA_START:
        text = text[1:]
    if field_name in _MULTILINE:
        return "\n".join(line.rstrip() for line in text.strip().splitlines())
    return _BREAKS.sub(" ", text).strip()


# --- Lookups shared by the validation and the write --------------------------------------


def _kind_index(s: Session) -> dict[str, str]:
    """Every way of naming a kind (code, label, acronym in brackets) → code."""
    out: dict[str, str] = {}
    rows = s.execute(select(OrganisationKind.code, OrganisationKind.label)
                     .where(OrganisationKind.deleted.is_(False)))
    for code, label in rows:
        out[fold(code)] = code
        out[fold(label)] = code
        out.setdefault(fold(label.split(" (")[0]), code)
        for acronym in re.findall(r"\(([^)]+)\)", label):
            out.setdefault(fold(acronym), code)
    return out


@dataclass
class _Context:
    target: str
    mapping: dict[int, str]  # column index → field
    kinds: dict[str, str] = field(default_factory=dict)
    by_id: dict[str, str] = field(default_factory=dict)  # live id → id (merged → survivor)
    dead_ids: set[str] = field(default_factory=set)
    by_siret: dict[str, str] = field(default_factory=dict)
    by_email: dict[str, str] = field(default_factory=dict)
    orgs_by_name: dict[str, str] = field(default_factory=dict)
    seen: dict[tuple[str, str], int] = field(default_factory=dict)
    new_orgs: dict[str, str] = field(default_factory=dict)  # folded name → new id
    source_name: str = ""


def _survivors(pairs: list[tuple[str, str | None, bool]]) -> tuple[dict[str, str], set[str]]:
    merged = {i: m for i, m, _d in pairs if m}
    dead = {i for i, _m, d in pairs if d}
    out = {}
    for i, _m, d in pairs:
        if d:
            continue
        target, hops = i, 0
        while target in merged and hops < 20:
            target, hops = merged[target], hops + 1
        out[i] = target
    return out, dead


def _load_context(s: Session, target: str, mapping: dict[int, str], source: str) -> _Context:
    ctx = _Context(target, mapping, source_name=source)
    wanted = set(mapping.values())
    if target == "organisations":
        ctx.kinds = _kind_index(s)
        if "id" in wanted:
            ctx.by_id, ctx.dead_ids = _survivors(list(s.execute(
                select(Organisation.id, Organisation.merged_into, Organisation.deleted))))
        for org_id, siret, email in s.execute(
                select(Organisation.id, Organisation.siret, Organisation.email).where(
                    Organisation.deleted.is_(False), Organisation.merged_into.is_(None))
                .order_by(Organisation.archived, Organisation.id)):
            if siret:
                ctx.by_siret.setdefault(siret, org_id)
            if email:
                ctx.by_email.setdefault(email, org_id)
    else:
        if "id" in wanted:
            ctx.by_id, ctx.dead_ids = _survivors(list(s.execute(
                select(Person.id, Person.merged_into, Person.deleted))))
        for person_id, email in s.execute(select(Person.id, Person.email).where(
                Person.email != "", Person.deleted.is_(False), Person.merged_into.is_(None))
                .order_by(Person.archived, Person.id)):
            ctx.by_email.setdefault(email, person_id)
        if "organisation" in wanted or "organisation_siret" in wanted:
            for org_id, name, siret in s.execute(
                    select(Organisation.id, Organisation.name, Organisation.siret).where(
                        Organisation.deleted.is_(False), Organisation.merged_into.is_(None))
                    .order_by(Organisation.archived, Organisation.id)):
                ctx.orgs_by_name.setdefault(fold(name), org_id)
                if siret:
                    ctx.by_siret.setdefault(siret, org_id)
    return ctx


# --- Lines → plans -----------------------------------------------------------------------


@dataclass
class _Plan:
    """What one valid line will do."""

    line: int
    action: str  # "create" | "update" | "existing"
    values: dict[str, Any]
    record_id: str = ""
    match: str = ""  # field that matched an existing record
    org_name: str = ""  # people: the structure named on the line
    org_id: str = ""
    function: str = ""
    start_date: dt.date | None = None


def _read_line(ctx: _Context, cells: tuple[Any, ...]) -> dict[str, str]:
    return {name: cell_text(cells[i], name) for i, name in ctx.mapping.items()}


def _match_id(ctx: _Context, raw: str, line: int, issues: list[LineIssue]) -> str:
    if not raw:
        return ""
    try:
        uuid.UUID(raw)
    except ValueError:
        issues.append(LineIssue(line, "id", f"Identifiant invalide : « {raw} »."))
        return ""
    if raw in ctx.dead_ids:
        issues.append(LineIssue(line, "id", "Cette fiche a été supprimée dans Maillage."))
        return ""
    return ctx.by_id.get(raw, "")


def _plan_organisation(ctx: _Context, line: int, cells: tuple[Any, ...]) -> tuple[_Plan | None, list[LineIssue]]:
    raw = _read_line(ctx, cells)
    issues: list[LineIssue] = []
    kind_code = "association"
    if raw.get("kind_code"):
        kind_code = ctx.kinds.get(fold(raw["kind_code"]), "")
        if not kind_code:
            issues.append(LineIssue(line, "kind_code", f"Type de structure inconnu : « {raw['kind_code']} »."))
    headcount = None
    if raw.get("headcount"):
        digits = raw["headcount"].replace(" ", "").replace("\u202f", "").replace("\u00a0", "")
        if digits.isdigit():
            headcount = int(digits)
        else:
            issues.append(LineIssue(line, "headcount", f"Effectif invalide : « {raw['headcount']} » (un nombre entier)."))
    tags = tuple(t.strip() for t in re.split(r"[,;]", raw.get("tags", "")) if t.strip())
    draft = P.OrganisationDraft(
        name=raw.get("name", ""), acronym=raw.get("acronym", ""), kind_code=kind_code or "association",
        siret=raw.get("siret", ""), address=raw.get("address", ""), postcode=raw.get("postcode", ""),
        city=raw.get("city", ""), territory=raw.get("territory", ""), phone=raw.get("phone", ""),
        email=raw.get("email", ""), website=raw.get("website", ""),
        legal_form=raw.get("legal_form", ""), legal_rep_name=raw.get("legal_rep_name", ""),
        legal_rep_title=raw.get("legal_rep_title", ""), headcount=headcount, tags=tags,
        notes=raw.get("notes", ""),
    )
    clean, errors = P.check_organisation(draft)
    issues += [LineIssue(line, f, m) for f, m in errors.items()]
    record_id = _match_id(ctx, raw.get("id", ""), line, issues)
    if issues:
        return None, issues
    values = {name: getattr(clean, name) for name in ORGANISATION_FIELDS if name != "id"}
    values["siret"] = values["siret"] or None
    values["tags"] = list(values["tags"])
    provided = {f for f, text in raw.items() if text} - {"id"}
    if "kind_code" not in provided:
        values.pop("kind_code")
    match = "id" if record_id else ""
    if not record_id and clean.siret and clean.siret in ctx.by_siret:
        record_id, match = ctx.by_siret[clean.siret], "siret"
    if not record_id and not clean.siret and clean.email and clean.email in ctx.by_email:
        record_id, match = ctx.by_email[clean.email], "email"
    for key, value in (("siret", clean.siret), ("id", raw.get("id", ""))):
        if value:
            first = ctx.seen.get((key, value))
            if first is not None:
                label = "Même SIRET" if key == "siret" else "Même identifiant"
                return None, [LineIssue(line, key, f"{label} que la ligne {first}.")]
            ctx.seen[(key, value)] = line
    if record_id:
        return _Plan(line, "update", {k: values[k] for k in provided if k in values},
                     record_id, match), []
    values.setdefault("kind_code", "association")
    # A valid identifier unknown here keeps its id (the record came from another site);
    # otherwise bulk_insert gives a fresh one.
    return _Plan(line, "create", values, raw.get("id", "")), []


def _consent(raw: dict[str, str], ctx: _Context, line: int, issues: list[LineIssue]) -> dt.date | None:
    text = raw.get("consent_date", "")
    if fold(text) in {"oui", "o", "yes", "x", "vrai"}:
        return dt.date.today()
    if fold(text) in {"non", "n", "no", "faux", ""}:
        return None
    try:
        return v.parse_date(text, field="consent_date")
    except ValidationError as exc:
        issues.append(LineIssue(line, "consent_date", exc.message))
        return None


def _plan_person(ctx: _Context, line: int, cells: tuple[Any, ...]) -> tuple[_Plan | None, list[LineIssue]]:
    raw = _read_line(ctx, cells)
    issues: list[LineIssue] = []
    consent = _consent(raw, ctx, line, issues)
    start = None
    try:
        start = v.parse_date(raw.get("start_date", ""), field="start_date")
    except ValidationError as exc:
        issues.append(LineIssue(line, "start_date", exc.message))
    source = raw.get("consent_source", "")
    if consent is not None and not source and fold(raw.get("consent_date", "")) in {"oui", "o", "yes", "x", "vrai"}:
        source = f"Fichier importé « {ctx.source_name} »"[:200]
    draft = P.PersonDraft(
        last_name=raw.get("last_name", ""), first_name=raw.get("first_name", ""),
        civility=raw.get("civility", ""), email=raw.get("email", ""), phone=raw.get("phone", ""),
        mobile=raw.get("mobile", ""), category=raw.get("category", ""), consent_date=consent,
        consent_source=source, notes=raw.get("notes", ""),
    )
    clean, errors = P.check_person(draft)
    issues += [LineIssue(line, f, m) for f, m in errors.items()]
    function = raw.get("function", "")
    if len(function) > 200:
        issues.append(LineIssue(line, "function", "La fonction est trop longue (200 caractères au plus)."))
    org_siret = ""
    if raw.get("organisation_siret"):
        try:
            org_siret = v.normalise_siret(raw["organisation_siret"], field="organisation_siret")
        except ValidationError as exc:
            issues.append(LineIssue(line, "organisation_siret", exc.message))
    org_name = raw.get("organisation", "")
    if len(org_name) > 300:
        issues.append(LineIssue(line, "organisation", "Le nom de la structure est trop long."))
    record_id = _match_id(ctx, raw.get("id", ""), line, issues)
    if issues:
        return None, issues
    values = {name: getattr(clean, name) for name in PERSON_FIELDS if hasattr(clean, name)}
    values["is_beneficiary"] = clean.category == "public"
    provided = {f for f, text in raw.items() if text} - {"id"}
    match = "id" if record_id else ""
    if not record_id and clean.email and clean.email in ctx.by_email:
        record_id, match = ctx.by_email[clean.email], "email"
    for key, value in (("email", clean.email), ("id", raw.get("id", ""))):
        if value:
            first = ctx.seen.get((key, value))
            if first is not None:
                label = "Même courriel" if key == "email" else "Même identifiant"
                return None, [LineIssue(line, key, f"{label} que la ligne {first}.")]
            ctx.seen[(key, value)] = line
    org_id = ctx.by_siret.get(org_siret, "") if org_siret else ""
    if not org_id and org_name:
        org_id = ctx.orgs_by_name.get(fold(org_name), "")
    plan = _Plan(line, "create", values, org_name=org_name, org_id=org_id, function=function,
                 start_date=start)
    if record_id:
        updatable = {k: values[k] for k in provided if k in values}
        if "category" in updatable:
            updatable["is_beneficiary"] = values["is_beneficiary"]
        return replace(plan, action="update", values=updatable, record_id=record_id, match=match), []
    plan.record_id = raw.get("id", "")
    return plan, []


# --- The import --------------------------------------------------------------------------

_BATCH = 5000
_MAX_KEPT = 50_000  # beyond this many lines, the file is read a second time to write


def _lines(table: Table, ctx: _Context, progress: Progress | None, cancelled: Cancelled | None,
           share: tuple[int, int], message: str) -> Iterator[tuple[_Plan | None, list[LineIssue]]]:
    planner = _plan_organisation if ctx.target == "organisations" else _plan_person
    low, high = share
    for n, (line, cells) in enumerate(table.rows(), start=1):
        if n % 500 == 0:
            if cancelled is not None and cancelled():
                raise _Cancel
            if progress is not None:
                done, total = table.progress()
                progress(low + (high - low) * done // max(total, 1), 100, message)
        yield planner(ctx, line, cells)


def _import(
    ws: Workspace, target: str, path: Path | str, *, mapping: Mapping[str, str] | None,
    dry_run: bool, skip_invalid: bool, update_existing: bool,
    progress: Progress | None, cancelled: Cancelled | None,
) -> ImportReport:
    path = Path(path)
    report = ImportReport(target, dry_run=dry_run)
    with open_table(path) as table:
        chosen = dict(mapping) if mapping is not None else propose_mapping(table.info.headers, target)
        check_mapping(chosen, target)
        columns = {i: chosen.get(h, "") for i, h in enumerate(table.info.headers)}
        columns = {i: f for i, f in columns.items() if f}
        with ws.unit() as s:
            ctx = _load_context(s, target, columns, path.name)
        rejected: list[LineIssue] = []
        existing: list[LineIssue] = []
        kept: list[_Plan] | None = []
        accepted = to_update = 0
        try:
            for plan, issues in _lines(table, ctx, progress, cancelled, (0, 60),
                                       "Vérification des lignes…"):
                rejected += issues
                if plan is None:
                    continue
                accepted += 1
                if plan.action == "update":
                    to_update += 1
                    if not update_existing:
                        existing.append(_existing_issue(target, plan))
                if kept is not None:
                    kept.append(plan)
                    if len(kept) > _MAX_KEPT:
                        kept = None
        except _Cancel:
            return replace(report, cancelled=True, rejected=tuple(rejected))
    report = replace(report, accepted=accepted, rejected=tuple(rejected), existing=tuple(existing))
    if dry_run or (rejected and not skip_invalid) or accepted == 0:
        creates = accepted - to_update
        return replace(report, created=creates if dry_run else 0,
                       updated=to_update if (dry_run and update_existing) else 0)
    # A consistent copy before anything is written (data safety: backups before imports).
    from app.services.backups import backup_before

    backup_before(ws, "import")
    try:
        with ws.unit(write=True) as s:
            if kept is None:
                # A very large file: read it again inside the transaction rather than keep
                # every line in memory.
                ctx = _load_context(s, target, columns, path.name)
                with open_table(path) as again:
                    plans = (p for p, _ in _lines(again, ctx, progress, cancelled, (60, 100),
                                                  "Enregistrement…") if p is not None)
                    result = _write(s, target, plans, update_existing, progress, cancelled, None)
            else:
                result = _write(s, target, iter(kept), update_existing, progress, cancelled,
                                len(kept))
    except _Cancel:
        return replace(report, cancelled=True)
    if progress is not None:
        progress(100, 100, "Import terminé.")
    changed = result["created"] + result["updated"] + result["structures_created"] + result.pop(
        "functions_created")
    return replace(report, written=changed > 0, **result)


def _existing_issue(target: str, plan: _Plan) -> LineIssue:
    what = "Structure déjà présente" if target == "organisations" else "Contact déjà présent"
    how = {"id": "même identifiant", "siret": "même SIRET", "email": "même courriel"}[plan.match]
    return LineIssue(plan.line, plan.match,
                     f"{what} ({how}) : non modifié{'e' if target == 'organisations' else ''} "
                     "(cochez « mettre à jour les existants »).")


def _write(s: Session, target: str, plans: Iterator[_Plan], update_existing: bool,
           progress: Progress | None, cancelled: Cancelled | None, total: int | None) -> dict[str, Any]:
    model = Organisation if target == "organisations" else Person
    defaults = _row_defaults(model)
    created_ids: list[str] = []
    counts = {"created": 0, "updated": 0, "unchanged": 0, "structures_created": 0,
              "functions_created": 0}
    batch: list[_Plan] = []
    org_ids: dict[str, str] = {}
    done = 0

    def flush_batch() -> None:
        creates = [p for p in batch if p.action == "create"]
        linked = [p for p in batch if p.action == "create" or update_existing]
        if target == "people":
            _ensure_structures(s, linked, org_ids, counts)
        rows = []
        for p in creates:
            row = {**defaults, **p.values}
            if p.record_id:
                row["id"] = p.record_id
            rows.append(row)
        bulk_insert(s, model, rows)  # assigns the missing ids in place
        for p, row in zip(creates, rows):
            p.record_id = row["id"]
        created_ids.extend(p.record_id for p in creates)
        counts["created"] += len(creates)
        updates = [p for p in batch if p.action == "update"]
        if updates and update_existing:
            _apply_updates(s, model, updates, counts)
        if target == "people":
            counts["functions_created"] += _affiliate(s, linked)
        batch.clear()

    for plan in plans:
        batch.append(plan)
        done += 1
        if len(batch) >= _BATCH:
            flush_batch()
            if cancelled is not None and cancelled():
                raise _Cancel
            if progress is not None and total:
                progress(60 + 40 * done // total, 100, "Enregistrement…")
    flush_batch()
    return {**counts, "created_ids": tuple(created_ids)}


@functools.lru_cache(maxsize=None)
def _defaults(model: type) -> tuple[tuple[str, Any], ...]:
    out = []
    for col in model.__table__.columns:
        if col.key == "id" or col.key.startswith("sync_") or col.key in {"deleted_vv", "change_seq"}:
            continue
        default = col.default
        if default is None:
            value = None
        elif default.is_callable:
            value = default.arg(None)  # SQLAlchemy wraps zero-argument callables
        else:
            value = default.arg
        out.append((col.key, value))
    return tuple(out)


def _row_defaults(model: type) -> dict[str, Any]:
    """Values of every user column for a bulk insert (the column defaults, fresh copies)."""
    return {k: (list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v)
            for k, v in _defaults(model)}


def _apply_updates(s: Session, model: type, plans: list[_Plan], counts: dict[str, int]) -> None:
    ids = [p.record_id for p in plans]
    objects = {o.id: o for o in s.execute(select(model).where(model.id.in_(ids))).scalars()}
    for plan in plans:
        obj = objects.get(plan.record_id)
        if obj is None:
            continue
        changed = False
        for name, value in plan.values.items():
            if getattr(obj, name) != value:
                setattr(obj, name, value)
                changed = True
        counts["updated" if changed else "unchanged"] += 1
    s.flush()


def _ensure_structures(s: Session, plans: list[_Plan], org_ids: dict[str, str],
                       counts: dict[str, int]) -> None:
    """Create the structures named on contact lines that do not exist yet (once each)."""
    rows = []
    for plan in plans:
        if plan.org_id or not plan.org_name:
            continue
        key = fold(plan.org_name)
        if key not in org_ids:
            org_ids[key] = new_id()
            rows.append({**_row_defaults(Organisation), "name": plan.org_name, "id": org_ids[key]})
        plan.org_id = org_ids[key]
    bulk_insert(s, Organisation, rows)
    counts["structures_created"] += len(rows)


def _affiliate(s: Session, plans: list[_Plan]) -> int:
    """Give each person the function named on its line, in that structure, unless the
    person already holds a current function in a structure of that name."""
    wanted = [p for p in plans if p.org_id]
    if not wanted:
        return 0
    person_ids = [p.record_id for p in wanted]
    current: dict[tuple[str, str], list[Affiliation]] = defaultdict(list)
    primary: set[str] = set()
    rows_ = s.execute(
        select(Affiliation, Organisation.name)
        .join(Organisation, Organisation.id == Affiliation.organisation_id)
        .where(Affiliation.person_id.in_(person_ids), Affiliation.deleted.is_(False),
               Affiliation.end_date.is_(None)))
    for a, org_name in rows_:
        current[(a.person_id, a.organisation_id)].append(a)
        current[(a.person_id, "nom:" + fold(org_name))].append(a)
        if a.is_primary:
            primary.add(a.person_id)
    rows = []
    changed = 0
    for plan in wanted:
        found = (current.get((plan.record_id, plan.org_id))
                 or current.get((plan.record_id, "nom:" + fold(plan.org_name))))
        if found is not None:
            if found and plan.function and all(fold(a.function) != fold(plan.function) for a in found):
                found[0].function = plan.function
                changed += 1
            continue
        rows.append({**_row_defaults(Affiliation), "person_id": plan.record_id,
                     "organisation_id": plan.org_id, "function": plan.function,
                     "start_date": plan.start_date, "is_primary": plan.record_id not in primary})
        primary.add(plan.record_id)
        current[(plan.record_id, plan.org_id)] = []
    bulk_insert(s, Affiliation, rows)
    s.flush()
    return changed + len(rows)


def import_organisations(
    ws: Workspace, path: Path | str, *, mapping: Mapping[str, str] | None = None,
    dry_run: bool = False, skip_invalid: bool = False, update_existing: bool = False,
    progress: Progress | None = None, cancelled: Cancelled | None = None,
) -> ImportReport:
    """Import structures from a CSV or XLSX file (see the module docstring).

    ``progress(done, 100, message)`` is called as lines are checked then written;
    ``cancelled()`` returning true stops with nothing written. Raises
    :class:`app.io.tabular.FileFormatError` or :class:`app.errors.ValidationError` (no
    name column…) in French when the file cannot be imported at all.
    """
    return _import(ws, "organisations", path, mapping=mapping, dry_run=dry_run,
                   skip_invalid=skip_invalid, update_existing=update_existing,
                   progress=progress, cancelled=cancelled)


def import_people(
    ws: Workspace, path: Path | str, *, mapping: Mapping[str, str] | None = None,
    dry_run: bool = False, skip_invalid: bool = False, update_existing: bool = False,
    progress: Progress | None = None, cancelled: Cancelled | None = None,
) -> ImportReport:
    """Import contacts; a « Structure » column attaches each person to that structure
    (created by name when missing) with the « Fonction » of the line."""
    return _import(ws, "people", path, mapping=mapping, dry_run=dry_run,
                   skip_invalid=skip_invalid, update_existing=update_existing,
                   progress=progress, cancelled=cancelled)


__all__ = [
    "ImportReport", "LineIssue", "ORGANISATION_FIELDS", "PERSON_FIELDS",
    "cell_text", "check_mapping", "import_organisations", "import_people", "propose_mapping",
]
