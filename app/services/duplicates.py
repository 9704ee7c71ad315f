"""Duplicate structures and people: finding candidates, and merging two records.

Candidates (a person confirms; nothing is merged automatically):

- structures: same SIRET, same e-mail, same phone, or similar names (``rapidfuzz``) with the
  same postcode;
- people: same e-mail, same phone (landline or mobile), or similar names in the same
  structure or with the same e-mail domain (webmail domains such as ``orange.fr`` excluded).

A merge copies the chosen values onto the survivor, moves everything that points to the
other record (functions, participations, attendance, convention parties, follow-up owners,
meeting organisers), and marks the other record ``merged_into`` the survivor: it is hidden
but never deleted. It is one ordinary stamped write (it travels through sync) and it returns
an undo step that restores everything exactly.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import column, func, or_, select
from sqlalchemy import table as sql_table
from sqlalchemy.orm import Session

from app.domain import formatting as fmt
from app.domain import validation as v
from app.domain.text import fold
from app.errors import NotFound, ValidationError
from app.services import partners
from app.services.undo import ChangeRecorder, UndoStep, snapshot
from app.services.workspace import ChangeSet, Workspace
from app.storage.models import (
    SYNCED_MODELS,
    Affiliation,
    Attendance,
    ConventionParty,
    Organisation,
    Participant,
    Person,
    Synced,
)

TABLES = ("organisations", "people")
ORG_NAME_THRESHOLD = 85
PERSON_NAME_THRESHOLD = 90
MAX_GROUP = 50  # a value shared by more records is a switchboard or a shared mailbox
WEBMAIL_DOMAINS = frozenset({
    "gmail.com", "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "neuf.fr", "laposte.net",
    "hotmail.com", "hotmail.fr", "outlook.com", "outlook.fr", "live.fr", "live.com",
    "yahoo.fr", "yahoo.com", "icloud.com", "me.com", "aol.com", "bbox.fr", "numericable.fr",
    "protonmail.com", "proton.me", "gmx.fr", "club-internet.fr", "aliceadsl.fr",
})


@dataclass(frozen=True)
class DuplicateCandidate:
    """Two records that may be the same: the reasons in French and a score out of 100."""

    table: str
    first_id: str
    second_id: str
    first_label: str
    second_label: str
    score: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class DuplicateMatch:
    """An existing record resembling a record being created (the form shows it)."""

    table: str
    id: str
    label: str
    score: int
    reasons: tuple[str, ...]
    archived: bool = False


# --- The records, as the rules see them --------------------------------------------------


_NON_WORD = re.compile(r"[\W_]+")


def _fold(text: str) -> str:
    return text.lower() if text.isascii() else fold(text)


def _name_key(text: str, folded: bool = False) -> str:
    """Folded, punctuation removed: « Relais de l'Yonne (Le) » → « relais de l yonne le »."""
    return _NON_WORD.sub(" ", text if folded else _fold(text)).strip()


@dataclass(frozen=True)
class _Rec:
    id: str
    parts: tuple[str, str]  # what the label is made of
    name: str  # folded, without punctuation
    keys: tuple[tuple[str, str], ...]  # (rule, value): siret, email, phone
    block: tuple[str, ...]  # postcode (structures) / organisation ids and e-mail domain
    archived: bool = False
    person: bool = False

    @property
    def label(self) -> str:
        a, b = self.parts
        if self.person:
            return " ".join(p for p in (a, b) if p)
        return f"{a} ({b})" if b else a


def _org_rec(id_: str, name: str, acronym: str, siret: str | None, postcode: str, city: str,
             email: str, phone: str, archived: bool = False) -> _Rec:
    keys = [("siret", siret or ""), ("email", email), ("phone", phone)]
    return _Rec(id_, (name, city), _name_key(name), tuple((k, x) for k, x in keys if x),
                (postcode,) if postcode else (), archived)


def _person_rec(id_: str, last: str, first: str, email: str, phone: str, mobile: str,
                org_ids: Iterable[str], archived: bool = False, folded: str | None = None) -> _Rec:
    keys = [("email", email), ("phone", phone), ("phone", mobile)]
    block = [f"org:{o}" for o in org_ids]
    domain = v.email_domain(email)
    if domain and domain not in WEBMAIL_DOMAINS:
        block.append(f"domain:{domain}")
    name = _name_key(folded, True) if folded is not None else _name_key(f"{last} {first}")
    return _Rec(id_, (first, last), name, tuple((k, x) for k, x in keys if x), tuple(block),
                archived, person=True)


_ORG_COLUMNS = (Organisation.id, Organisation.name, Organisation.acronym, Organisation.siret,
                Organisation.postcode, Organisation.city, Organisation.email,
                Organisation.phone, Organisation.archived)
_PERSON_COLUMNS = (Person.id, Person.last_name, Person.first_name, Person.email, Person.phone,
                   Person.mobile, Person.archived)
# The search index already holds each person's folded « last first »: no need to fold again.
_PEOPLE_DOCS = sql_table("search_people_docs", column("ref_id"), column("title"))


def _live(model: type) -> list[Any]:
    return [model.deleted.is_(False), model.merged_into.is_(None), model.erased.is_(False)]


def _load_orgs(s: Session, *extra: Any) -> list[_Rec]:
    rows = s.execute(select(*_ORG_COLUMNS).where(*_live(Organisation), *extra))
    return [_org_rec(*r) for r in rows]


def _load_people(s: Session, *extra: Any) -> list[_Rec]:
    stmt = (
        select(*_PERSON_COLUMNS, _PEOPLE_DOCS.c.title)
        .outerjoin(_PEOPLE_DOCS, _PEOPLE_DOCS.c.ref_id == Person.id)
        .where(*_live(Person), *extra)
    )
    rows = s.execute(stmt).all()
    orgs: dict[str, list[str]] = defaultdict(list)
    aff = select(Affiliation.person_id, Affiliation.organisation_id).where(
        Affiliation.deleted.is_(False))
    if extra:
        ids = [r.id for r in rows]
        aff = aff.where(Affiliation.person_id.in_(ids)) if len(ids) <= _MAX_FOCUS else aff
    for person_id, org_id in s.execute(aff):
        orgs[person_id].append(org_id)
    return [_person_rec(*r[:6], orgs.get(r.id, ()), r.archived, r.title) for r in rows]


_MAX_FOCUS = 5000  # above this many records to check, load the whole table at once


def _load_around(s: Session, table_name: str, focus: set[str]) -> list[_Rec]:
    """The focus records and every record sharing a key or a block with one of them."""
    if table_name == "organisations":
        mine = _load_orgs(s, Organisation.id.in_(focus))
    else:
        mine = _load_people(s, Person.id.in_(focus))
    values: dict[str, set[str]] = defaultdict(set)
    for rec in mine:
        for rule, value in rec.keys:
            values[rule].add(value)
        for block in rec.block:
            kind, _, value = block.partition(":")
            values[kind if value else "postcode"].add(value or kind)
    conditions: list[Any] = []
    if table_name == "organisations":
        for rule in ("siret", "email", "phone", "postcode"):
            if values[rule]:
                conditions.append(getattr(Organisation, rule).in_(values[rule]))
        others = _load_orgs(s, or_(*conditions)) if conditions else []
    else:
        if values["email"]:
            conditions.append(Person.email.in_(values["email"]))
        if values["phone"]:
            conditions += [Person.phone.in_(values["phone"]), Person.mobile.in_(values["phone"])]
        if values["domain"]:
            domain = func.substr(Person.email, func.instr(Person.email, "@") + 1)
            conditions.append(domain.in_(values["domain"]))
        if values["org"]:
            conditions.append(Person.id.in_(select(Affiliation.person_id).where(
                Affiliation.organisation_id.in_(values["org"]), Affiliation.deleted.is_(False))))
        others = _load_people(s, or_(*conditions)) if conditions else []
    by_id = {r.id: r for r in others}
    by_id.update({r.id: r for r in mine})
    return list(by_id.values())


# --- The rules ---------------------------------------------------------------------------

_KEY_SCORES = {
    "organisations": {"siret": 100, "email": 90, "phone": 80},
    "people": {"email": 95, "phone": 80},
}


def _key_reason(rule: str, value: str) -> str:
    if rule == "siret":
        return f"Même SIRET ({v.format_siret(value)})"
    if rule == "email":
        return f"Même courriel ({value})"
    return f"Même téléphone ({fmt.phone(value)})"


def _name_reason(table: str, ratio: float, block: str) -> str:
    pct = f"{round(ratio)}\u00a0%"
    if table == "organisations":
        return f"Noms proches ({pct}) et même code postal ({block})"
    if block.startswith("org:"):
        return f"Noms proches ({pct}) dans la même structure"
    return f"Noms proches ({pct}) et même domaine de courriel ({block[7:]})"


class _Pairs:
    """Accumulates reasons and scores per unordered pair of ids."""

    def __init__(self) -> None:
        self.reasons: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)

    def add(self, a: str, b: str, reason: str, score: int) -> None:
        if a == b:
            return
        key = (a, b) if a < b else (b, a)
        self.reasons[key].setdefault(reason, score)

    @staticmethod
    def combined(scores: Mapping[str, int]) -> int:
        values = sorted(scores.values(), reverse=True)
        return min(100, values[0] + 5 * (len(values) - 1))


def _match(table: str, records: list[_Rec], focus: set[str] | None) -> _Pairs:
    """Every pair of ``records`` the rules flag; with ``focus``, only pairs involving it."""
    pairs = _Pairs()
    scores = _KEY_SCORES[table]
    by_key: dict[tuple[str, str], list[str]] = defaultdict(list)
    by_block: dict[str, list[_Rec]] = defaultdict(list)
    for rec in records:
        for key in set(rec.keys):
            by_key[key].append(rec.id)
        for block in rec.block:
            by_block[block].append(rec)
    for (rule, value), ids in by_key.items():
        if len(ids) < 2 or len(ids) > MAX_GROUP:
            continue
        reason = _key_reason(rule, value)
        for a, b in itertools.combinations(ids, 2):
            if focus is None or a in focus or b in focus:
                pairs.add(a, b, reason, scores[rule])
    threshold = ORG_NAME_THRESHOLD if table == "organisations" else PERSON_NAME_THRESHOLD
    for block, members in by_block.items():
        if len(members) < 2:
            continue
        queries = members if focus is None else [m for m in members if m.id in focus]
        if not queries:
            continue
        # Within a block, compare only names sharing the start of a word (« lefe » for
        # Lefèvre and Lefebvre); a start shared by too many names says nothing.
        index: dict[str, list[int]] = defaultdict(list)
        names = [m.name for m in members]
        for j, name in enumerate(names):
            for key in _name_keys(name):
                index[key].append(j)
        ratio_of = _similarity
        for a in queries:
            seen: set[int] = set()
            for key in _name_keys(a.name):
                group = index.get(key, ())
                if len(group) <= MAX_NAME_GROUP:
                    seen.update(group)
            for j in seen:
                b = members[j]
                if a.id == b.id or (focus is None and a.id > b.id):
                    continue
                ratio = ratio_of(a.name, names[j], threshold)
                if ratio:
                    pairs.add(a.id, b.id, _name_reason(table, ratio, block), int(min(ratio, 99)) - 15)
    return pairs


_STOP_WORDS = frozenset({
    "de", "du", "des", "la", "le", "les", "l", "d", "et", "a", "au", "aux", "en", "pour",
    "sur", "association", "asso",
})
MAX_NAME_GROUP = 200


def _similarity(a: str, b: str, cutoff: float) -> float:
    """Similar words in any order (« Relais de l'Yonne (Le) »), or the same letters spaced
    differently (« Le Fèvre » / « Lefèvre », « Jean Baptiste » / « Jean-Baptiste »)."""
    return max(fuzz.token_sort_ratio(a, b, score_cutoff=cutoff),
               fuzz.ratio(a.replace(" ", ""), b.replace(" ", ""), score_cutoff=cutoff))


@functools.lru_cache(maxsize=65536)
def _name_keys(name: str) -> frozenset[str]:
    return frozenset(w[:4] for w in name.split() if w not in _STOP_WORDS)


def _check_table(table: str) -> None:
    if table not in TABLES:
        raise ValidationError(f"Recherche de doublons impossible sur « {table} ».", field="table")


def find_duplicate_candidates(
    ws: Workspace, table: str, record_ids: list[str] | None = None
) -> list[DuplicateCandidate]:
    """Pairs of live records of ``table`` ("organisations" or "people") that may be the same,
    best first. With ``record_ids`` (e.g. the records an import just created), only pairs
    involving one of them."""
    _check_table(table)
    focus = set(record_ids) if record_ids is not None else None
    if focus is not None and not focus:
        return []
    with ws.unit() as s:
        if focus is not None and len(focus) <= _MAX_FOCUS:
            records = _load_around(s, table, focus)
        else:
            records = _load_orgs(s) if table == "organisations" else _load_people(s)
    pairs = _match(table, records, focus)
    labels = {r.id: r.label for r in records}
    out = [
        DuplicateCandidate(table, a, b, labels[a], labels[b], _Pairs.combined(reasons),
                           tuple(sorted(reasons, key=lambda r: -reasons[r])))
        for (a, b), reasons in pairs.reasons.items()
    ]
    out.sort(key=lambda c: (-c.score, fold(c.first_label), c.first_id, c.second_id))
    return out


def _matches_for(table: str, probe: _Rec, records: list[_Rec],
                 extra: Mapping[str, dict[str, int]] | None = None) -> list[DuplicateMatch]:
    pairs = _match(table, [probe, *[r for r in records if r.id != probe.id]], {probe.id})
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for (a, b), reasons in pairs.reasons.items():
        found[b if a == probe.id else a].update(reasons)
    for other, reasons in (extra or {}).items():
        found[other].update(reasons)
    by_id = {r.id: r for r in records}
    out = [
        DuplicateMatch(table, other, by_id[other].label, _Pairs.combined(reasons),
                       tuple(sorted(reasons, key=lambda r: -reasons[r])), by_id[other].archived)
        for other, reasons in found.items() if other in by_id
    ]
    out.sort(key=lambda m: (-m.score, fold(m.label), m.id))
    return out


_PROBE = "\0nouveau"


def check_new_organisation(ws: Workspace, draft: partners.OrganisationDraft) -> list[DuplicateMatch]:
    """Existing structures resembling the one being created (invalid fields are ignored)."""
    clean, _errors = partners.check_organisation(draft)
    probe = _org_rec(_PROBE, clean.name, clean.acronym, clean.siret, clean.postcode, clean.city,
                     clean.email, clean.phone)
    conditions = [getattr(Organisation, rule) == value for rule, value in probe.keys]
    if clean.postcode:
        conditions.append(Organisation.postcode == clean.postcode)
    if not conditions:
        return []
    with ws.unit() as s:
        records = _load_orgs(s, or_(*conditions))
    return _matches_for("organisations", probe, records)


def check_new_person(
    ws: Workspace, draft: partners.PersonDraft, organisation_id: str | None = None
) -> list[DuplicateMatch]:
    """Existing people resembling the one being created: the rules of
    :func:`find_duplicate_candidates`, plus « Même nom et prénom » anywhere."""
    clean, _errors = partners.check_person(draft)
    probe = _person_rec(_PROBE, clean.last_name, clean.first_name, clean.email, clean.phone,
                        clean.mobile, [organisation_id] if organisation_id else [])
    conditions: list[Any] = []
    if clean.email:
        conditions.append(Person.email == clean.email)
    for number in {clean.phone, clean.mobile} - {""}:
        conditions += [Person.phone == number, Person.mobile == number]
    domain = v.email_domain(clean.email)
    if domain and domain not in WEBMAIL_DOMAINS:
        conditions.append(Person.email.like(f"%@{domain}"))
    if organisation_id:
        conditions.append(Person.id.in_(select(Affiliation.person_id).where(
            Affiliation.organisation_id == organisation_id, Affiliation.deleted.is_(False))))
    same_name: dict[str, dict[str, int]] = {}
    with ws.unit() as s:
        if clean.last_name:
            from app.services.search import matching_ids

            words = " ".join(p for p in (clean.last_name, clean.first_name) if p)
            sub = matching_ids("people", words)
            if sub is not None:
                named = _load_people(s, Person.id.in_(sub))
                for rec in named:
                    if rec.name == _name_key(f"{clean.last_name} {clean.first_name}"):
                        same_name[rec.id] = {"Même nom et prénom": 60}
                conditions.append(Person.id.in_(list(same_name)))
        records = _load_people(s, or_(*conditions)) if conditions else []
    return _matches_for("people", probe, records, same_name)


# --- Merge -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeField:
    """A field the user chooses in the merge dialog (values shown as text)."""

    name: str
    label: str
    survivor: str
    loser: str
    default: str  # "survivor" | "loser"


@dataclass(frozen=True)
class MergePreview:
    table: str
    survivor_id: str
    loser_id: str
    survivor_label: str
    loser_label: str
    fields: tuple[MergeField, ...]  # only the fields whose values differ
    moves: tuple[tuple[str, int], ...]  # (French description, count)


@dataclass(frozen=True)
class MergeResult:
    changes: ChangeSet
    undo: UndoStep
    survivor_id: str
    moved: tuple[tuple[str, int], ...]  # (table, rows moved)


FIELD_LABELS: dict[str, dict[str, str]] = {
    "organisations": {
        "name": "Nom", "acronym": "Sigle", "kind_code": "Type", "siret": "SIRET",
        "address": "Adresse", "postcode": "Code postal", "city": "Commune",
        "territory": "Territoire", "phone": "Téléphone", "email": "Courriel",
        "website": "Site web", "legal_form": "Forme juridique",
        "legal_rep_name": "Représentant légal", "legal_rep_title": "Qualité du représentant",
        "headcount": "Effectif", "tags": "Étiquettes", "notes": "Notes",
    },
    "people": {
        "civility": "Civilité", "last_name": "Nom", "first_name": "Prénom",
        "email": "Courriel", "phone": "Téléphone", "mobile": "Portable",
        "category": "Catégorie", "consent_date": "Date du consentement",
        "consent_source": "Source du consentement", "notes": "Notes",
    },
}

_MOVE_LABELS = {
    "affiliations": "fonctions", "participants": "participations aux réunions",
    "attendance": "émargements", "convention_parties": "parties de conventions",
    "follow_up_items": "suites à donner", "meetings": "réunions organisées",
    "organisations": "structures déjà fusionnées", "people": "contacts déjà fusionnés",
}


def _references(table: str) -> list[tuple[type[Synced], str]]:
    """Every (model, column) of a synced table whose foreign key points to ``table``."""
    out = []
    for model in SYNCED_MODELS:
        for col in model.__table__.columns:
            for fk in col.foreign_keys:
                if fk.column.table.name == table and fk.column.name == "id":
                    out.append((model, col.key))
    return out


def _display(table: str, name: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return ""
    if name in {"phone", "mobile"}:
        return fmt.phone(value)
    if name == "siret":
        return v.format_siret(value)
    if name == "consent_date":
        return fmt.date_short(value)
    if name == "tags":
        return ", ".join(value)
    if name == "category":
        from app.domain.labels import PERSON_CATEGORIES, label

        return label(PERSON_CATEGORIES, value)
    if name == "kind_code":
        from app.domain.labels import kind_label

        return kind_label(value)
    return str(value)


def _default_choice(name: str, survivor: Any, loser: Any) -> str:
    """Keep the survivor's value, unless it is empty and the other record has one."""
    empty = survivor is None or survivor == "" or survivor == []
    return "loser" if empty and not (loser is None or loser == "" or loser == []) else "survivor"


def _model(table: str) -> type[Synced]:
    _check_table(table)
    return Organisation if table == "organisations" else Person


def _label(table: str, obj: Any) -> str:
    return partners.org_label(obj) if table == "organisations" else partners.person_label(obj)


def _pair(s: Session, table: str, survivor_id: str, loser_id: str) -> tuple[Any, Any]:
    model = _model(table)
    if survivor_id == loser_id:
        raise ValidationError("Choisissez deux fiches différentes à fusionner.", field="loser_id")
    what = "Cette structure" if table == "organisations" else "Cette fiche contact"
    survivor, loser = s.get(model, survivor_id), s.get(model, loser_id)
    for obj in (survivor, loser):
        if obj is None or obj.deleted:
            raise NotFound(f"{what} n'existe plus.")
        if obj.merged_into:
            raise ValidationError(
                f"« {_label(table, obj)} » a déjà été fusionnée dans une autre fiche.",
                field="survivor_id" if obj is survivor else "loser_id",
            )
    return survivor, loser


def merge_preview(ws: Workspace, table: str, survivor_id: str, loser_id: str) -> MergePreview:
    """What the merge dialog shows: the differing fields with the default choice, and how
    many records will move to the survivor."""
    with ws.unit() as s:
        survivor, loser = _pair(s, table, survivor_id, loser_id)
        out_fields = []
        for name, label in FIELD_LABELS[table].items():
            a, b = getattr(survivor, name), getattr(loser, name)
            if a != b:
                out_fields.append(MergeField(name, label, _display(table, name, a),
                                             _display(table, name, b), _default_choice(name, a, b)))
        moves = []
        for model, col in _references(table):
            n = len(s.execute(select(model.id).where(
                getattr(model, col) == loser_id, model.deleted.is_(False))).all())
            if n:
                moves.append((_MOVE_LABELS.get(model.__tablename__, model.__tablename__), n))
        return MergePreview(table, survivor_id, loser_id, _label(table, survivor),
                            _label(table, loser), tuple(out_fields), tuple(moves))


_ATTENDANCE_RANK = {"present": 3, "retard": 2, "excuse": 1, "absent": 0}
_ROLE_RANK = {"organisateur": 2, "intervenant": 1, "participant": 0}
_INVITATION_RANK = {"inscrit": 3, "excuse": 2, "invite": 1, "desinscrit": 0}
_ATTENDANCE_FIELDS = ("status", "arrival", "departure", "signature_sha256", "signed_at", "mode")


def _resolve_collision(model: type[Synced], keep: Any, other: Any) -> None:
    """Both records had a row with the same natural key: ``keep`` (the survivor's) takes the
    better values of the two (a signature over none, present over excused…)."""
    if model is Attendance:
        def rank(row: Any) -> tuple:
            return (row.signature_sha256 is not None, _ATTENDANCE_RANK.get(row.status, 0),
                    row.signed_at is not None)
        if rank(other) > rank(keep):
            for name in _ATTENDANCE_FIELDS:
                setattr(keep, name, getattr(other, name))
    elif model is Participant:
        if _ROLE_RANK.get(other.role, 0) > _ROLE_RANK.get(keep.role, 0):
            keep.role = other.role
        if _INVITATION_RANK.get(other.invitation_status, 0) > _INVITATION_RANK.get(
                keep.invitation_status, 0):
            keep.invitation_status = other.invitation_status
        if keep.organisation_id is None:
            keep.organisation_id = other.organisation_id


def _move_natural(s: Session, rec: ChangeRecorder, model: type[Synced], col: str, row: Any,
                  survivor_id: str) -> None:
    """Move a row whose id derives from the person (participant, attendance): the loser's
    row is tombstoned and the survivor's row (same natural key) created, revived or kept."""
    values = snapshot(row)
    values[col] = survivor_id
    new_id = model.natural_id(SimpleNamespace(**values))  # type: ignore[attr-defined]
    rec.track(row)
    row.deleted = True
    existing = s.get(model, new_id)
    if existing is None:
        moved = model(id=new_id, **{**values, "deleted": False})
        s.add(moved)
        rec.created(moved)
    elif existing.deleted:
        rec.track(existing)
        for name, value in values.items():
            if name != "deleted" and getattr(existing, name) != value:
                setattr(existing, name, value)
        existing.deleted = False
    else:
        rec.track(existing)
        _resolve_collision(model, existing, row)


def _same_affiliation(a: Affiliation, b: Affiliation) -> bool:
    return (fold(a.function) == fold(b.function) and a.start_date == b.start_date
            and a.end_date == b.end_date)


def _move_plain(s: Session, rec: ChangeRecorder, model: type[Synced], col: str, row: Any,
                survivor_id: str) -> None:
    rec.track(row)
    if model is Affiliation:
        other_col = "organisation_id" if col == "person_id" else "person_id"
        twins = s.execute(select(Affiliation).where(
            getattr(Affiliation, col) == survivor_id,
            getattr(Affiliation, other_col) == getattr(row, other_col),
            Affiliation.deleted.is_(False))).scalars()
        for twin in twins:
            if _same_affiliation(twin, row):
                rec.track(twin)
                twin.is_primary = twin.is_primary or row.is_primary
                row.deleted = True
                return
    if model is ConventionParty:
        twin = s.execute(select(ConventionParty).where(
            ConventionParty.convention_id == row.convention_id,
            ConventionParty.organisation_id == survivor_id,
            ConventionParty.role == row.role, ConventionParty.deleted.is_(False))).scalars().first()
        if twin is not None:
            rec.track(twin)
            for name in ("representative_name", "representative_title"):
                if not getattr(twin, name):
                    setattr(twin, name, getattr(row, name))
            row.deleted = True
            return
    setattr(row, col, survivor_id)


def merge(
    ws: Workspace,
    table: str,
    survivor_id: str,
    loser_id: str,
    field_choices: Mapping[str, str] | None = None,
) -> MergeResult:
    """Merge ``loser_id`` into ``survivor_id`` (both of ``table``).

    ``field_choices`` maps a field to ``"survivor"`` or ``"loser"``: whose value to keep.
    A field not listed keeps the survivor's value, or takes the other's when the survivor
    has none; étiquettes not listed are united.
    """
    labels = FIELD_LABELS[_model(table).__tablename__]
    choices = dict(field_choices or {})
    for name, choice in choices.items():
        if name not in labels:
            raise ValidationError(f"Champ inconnu pour la fusion : « {name} ».", field=name)
        if choice not in {"survivor", "loser"}:
            raise ValidationError(
                f"Choix invalide pour « {labels[name]} » : « survivor » ou « loser ».", field=name)
    moved: dict[str, int] = defaultdict(int)
    with ws.unit(write=True) as s:
        survivor, loser = _pair(s, table, survivor_id, loser_id)
        rec = ChangeRecorder(s)
        rec.track(survivor)
        rec.track(loser)
        label = (f"Fusionner la structure {partners.org_label(loser)} dans "
                 f"{partners.org_label(survivor)}" if table == "organisations" else
                 f"Fusionner le contact {partners.person_label(loser)} dans "
                 f"{partners.person_label(survivor)}")
        for name in labels:
            a, b = getattr(survivor, name), getattr(loser, name)
            if name == "tags" and name not in choices:
                value = list(dict.fromkeys([*(a or []), *(b or [])]))
            else:
                choice = choices.get(name) or _default_choice(name, a, b)
                value = b if choice == "loser" else a
            if value != a:
                setattr(survivor, name, value)
        if table == "people":
            survivor.is_beneficiary = survivor.category == "public" or (
                survivor.is_beneficiary and loser.is_beneficiary)
        # A SIRET or an e-mail is a key: the loser keeps its own, hidden with it.
        loser.merged_into = survivor.id
        s.flush()
        for model, col in _references(table):
            rows = s.execute(select(model).where(
                getattr(model, col) == loser_id, model.deleted.is_(False),
                model.id != loser_id)).scalars().all()
            for row in rows:
                if hasattr(model, "natural_id") and col == "person_id":
                    _move_natural(s, rec, model, col, row, survivor.id)
                else:
                    _move_plain(s, rec, model, col, row, survivor.id)
                moved[model.__tablename__] += 1
            s.flush()
        step = rec.step(label)
        changes = rec.changeset()
    return MergeResult(changes, step, survivor_id, tuple(sorted(moved.items())))
