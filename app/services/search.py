"""Search as you type over structures and people, through the SQLite FTS5 index.

The index (see :mod:`app.storage.extra_schema`) holds folded text — case and accents
removed, « œ » spelt « oe » — and is kept in step with every write by SQL triggers. A query
is folded the same way and split into words; every word must match the start of a word of
the record (« sev lef » finds « Séverine Lefèvre »); a lone word of one or two letters only
looks at names. Searchable: names, sigle, commune,
postcode, SIRET, e-mail, phones. A query made only of digits is also matched with its
separators removed, so « 03 86 12 », « 0386 12 » and « +33 3 86 12 » all find
``+33386123456``, and « 732 829 320 » finds a SIRET.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from sqlalchemy import Column, ColumnElement, bindparam, column, select, table, text
from sqlalchemy.orm import Session
from sqlalchemy.sql import visitors
from sqlalchemy.sql.expression import FromClause, ScalarSelect, SelectBase, TableClause

from app.domain import formatting as fmt
from app.domain import labels
from app.domain.text import fold
from app.services.workspace import Workspace
from app.storage.extra_schema import (
    LIST_FLAGS,
    SEARCH_TABLES,
    SORT_KEYS,
    document_columns,
    document_select,
)
from app.storage.models import Affiliation, Organisation, OrganisationKind, Person

_WORD = re.compile(r"[^\W_]+")

TABLES = tuple(SEARCH_TABLES)
"""Searchable tables: ``organisations`` and ``people``."""

_MODELS = {"organisations": Organisation, "people": Person}


@dataclass(frozen=True)
class SearchHit:
    """One result of the global search (Ctrl+K): open it with ``kind`` and ``id``."""

    kind: str  # "organisations" | "people"
    id: str
    title: str
    subtitle: str
    archived: bool = False


def match_expression(query: str) -> str | None:
    """The FTS5 query for what the user typed, or ``None`` when there is nothing to search."""
    raw = (query or "").strip()
    words = _WORD.findall(fold(raw))
    if not words:
        return None
    if all(w.isdigit() for w in words):
        # A number typed with separators: « 03 86 12 », « +33 3 86 », « 732 829 320 ».
        joined = "".join(words)
        if raw.startswith("00"):
            joined = joined[2:]
        elif raw.startswith("+") and joined.startswith("330"):
            joined = "33" + joined[3:]  # « +33 (0)3 86… »
        return f'"{joined}"*'
    if len(words) == 1 and len(words[0]) < 3:
        # The first keystrokes: one or two letters find names, not every e-mail or
        # commune containing a word that starts with them (and stay fast on 100 000 rows).
        return f'title : "{words[0]}"*'
    return " ".join(f'"{w}"*' for w in words)


def _tables(kind: str):  # noqa: ANN202
    if kind not in SEARCH_TABLES:
        raise ValueError(f"table non indexée : {kind}")
    fts_name = f"search_{kind}"
    fts = table(fts_name, column("rowid"), column(fts_name))
    docs = table(f"search_{kind}_docs", column("docid"), column("ref_id"))
    return fts, docs, fts.c[fts_name]


def matching_ids(kind: str, query: str):  # noqa: ANN201
    """A subquery of the ids of ``kind`` records matching ``query`` (``None``: no filter).

    Use as ``Model.id.in_(matching_ids("people", text))``.
    """
    expr = match_expression(query)
    if expr is None:
        return None
    fts, docs, hidden = _tables(kind)
    return select(docs.c.ref_id).where(
        docs.c.docid.in_(select(fts.c.rowid).where(hidden.op("MATCH")(bindparam(None, expr))))
    )


def id_filter(kind: str, query: str) -> ColumnElement[bool] | None:
    """``Model.id IN (matching ids)`` for the list of ``kind``, or ``None`` for an empty query."""
    sub = matching_ids(kind, query)
    return None if sub is None else _MODELS[kind].id.in_(sub)


@functools.cache
def documents(kind: str) -> TableClause:
    """The search documents of ``kind`` as a table: ``docid``, ``ref_id`` (the record id),
    ``sort_<column>`` (folded, ``NULL`` when empty) and a copy of the list flags
    (``deleted``, ``archived``, ``merged_into``). Lists page through it (see
    :mod:`app.services.lists`): its rows are small and joined to the index by integer."""
    _tables(kind)
    names = ("docid", "ref_id", *(f"sort_{c}" for c in SORT_KEYS[kind]), *LIST_FLAGS)
    return table(f"search_{kind}_docs", *(column(n) for n in names))


def matching_documents(kind: str, query: str) -> tuple[FromClause, list[ColumnElement[bool]]]:
    """:func:`documents` joined to the index rows matching ``query`` (all documents for an
    empty query), and the condition of the match: select from the first, where the second.

    The join reads the index first, then each matching document by its integer id (twice
    as fast as ``docid IN (…)``, which first copies the matches into a temporary table).
    """
    docs = documents(kind)
    expr = match_expression(query)
    if expr is None:
        return docs, []
    fts, _docs, hidden = _tables(kind)
    return (
        fts.join(docs, docs.c.docid == fts.c.rowid),
        [hidden.op("MATCH")(bindparam(None, expr))],
    )


def on_documents(
    kind: str, conditions: list[ColumnElement[bool]]
) -> list[ColumnElement[bool]] | None:
    """``conditions`` on the records of ``kind`` restated on :func:`documents`, or ``None``
    when one of them needs more than the copied list flags (another column, a subquery)."""
    record = _MODELS[kind].__table__
    docs = documents(kind)
    for condition in conditions:
        for element in visitors.iterate(condition):
            if isinstance(element, (SelectBase, ScalarSelect)):
                return None
            if isinstance(element, Column) and (
                element.table is not record or element.key not in LIST_FLAGS
            ):
                return None

    def swap(element):  # noqa: ANN001, ANN202
        if isinstance(element, Column) and element.table is record:
            return docs.c[element.key]
        return None

    return [visitors.replacement_traverse(c, {}, swap) for c in conditions]


def search_ids(ws: Workspace, kind: str, query: str, limit: int = 50) -> list[str]:
    """Ids of the live records of ``kind`` matching ``query``, best first."""
    with ws.unit() as s:
        return [hit_id for _tier, hit_id in _candidates(s, kind, query, limit)]


# Candidates are gathered in tiers, each query stopping after ``limit`` rows (no ranking of
# the whole match set, which a one-letter prefix makes huge): whole words of the name
# first, then name prefixes, then any field.
_CANDIDATES_SQL = (
    "SELECT d.ref_id FROM {fts} f JOIN {fts}_docs d ON d.docid = f.rowid "
    "JOIN {table} r ON r.id = d.ref_id "
    "WHERE {fts} MATCH :q AND r.deleted = 0 AND r.merged_into IS NULL LIMIT :n"
)


def _tier_expressions(query: str) -> list[str]:
    words = _WORD.findall(fold(query or ""))
    full = match_expression(query)
    if full is None:
        return []
    if all(w.isdigit() for w in words):
        return [full]
    exact = " ".join(f'"{w}"' for w in words)
    prefix = " ".join(f'"{w}"*' for w in words)
    return [f"title : ({exact})", f"title : ({prefix})", full]


def _candidates(s: Session, kind: str, query: str, limit: int) -> list[tuple[int, str]]:
    _tables(kind)
    sql = text(_CANDIDATES_SQL.format(fts=f"search_{kind}", table=kind))
    seen: dict[str, int] = {}
    for tier, expr in enumerate(_tier_expressions(query)):
        for (hit_id,) in s.execute(sql, {"q": expr, "n": limit}):
            seen.setdefault(hit_id, tier)
        if len(seen) >= limit:
            break
    return [(tier, hit_id) for hit_id, tier in seen.items()][:limit]


def global_search(ws: Workspace, query: str, limit: int = 20) -> list[SearchHit]:
    """Structures and people matching ``query`` (Ctrl+K): whole-word name matches first,
    then name prefixes, then other fields (commune, e-mail, phone…); archived last."""
    if match_expression(query) is None:
        return []
    with ws.unit() as s:
        tiers: dict[str, int] = {}
        ids: dict[str, list[str]] = {}
        for kind in TABLES:
            found = _candidates(s, kind, query, limit)
            ids[kind] = [hit_id for _, hit_id in found]
            tiers.update({hit_id: tier for tier, hit_id in found})
        hits = {**_organisation_hits(s, ids["organisations"]), **_person_hits(s, ids["people"])}
    ordered = sorted(hits.values(), key=lambda h: (h[0].archived, tiers[h[0].id], h[1], h[0].id))
    return [hit for hit, _key in ordered[:limit]]


def _organisation_hits(s: Session, ids: list[str]) -> dict[str, tuple[SearchHit, str]]:
    if not ids:
        return {}
    rows = s.execute(
        select(Organisation.id, Organisation.name, Organisation.acronym, Organisation.city,
               Organisation.archived, OrganisationKind.label, Organisation.kind_code)
        .outerjoin(OrganisationKind, OrganisationKind.code == Organisation.kind_code)
        .where(Organisation.id.in_(ids))
    )
    out = {}
    for r in rows:
        title = f"{r.name} ({r.acronym})" if r.acronym else r.name
        parts = [r.label or labels.kind_label(r.kind_code), r.city]
        if r.archived:
            parts.append("archivée")
        hit = SearchHit("organisations", r.id, title, " · ".join(p for p in parts if p),
                        bool(r.archived))
        out[r.id] = (hit, fold(r.name))
    return out


def _person_hits(s: Session, ids: list[str]) -> dict[str, tuple[SearchHit, str]]:
    if not ids:
        return {}
    functions: dict[str, str] = {}
    rows = s.execute(
        select(Affiliation.person_id, Affiliation.function, Organisation.name)
        .join(Organisation, Organisation.id == Affiliation.organisation_id)
        .where(Affiliation.person_id.in_(ids), Affiliation.deleted.is_(False),
               Affiliation.end_date.is_(None))
        .order_by(Affiliation.is_primary.desc(), Organisation.name)
    )
    for person_id, function, org_name in rows:
        functions.setdefault(person_id, f"{function}, {org_name}" if function else org_name)
    out = {}
    for r in s.execute(
        select(Person.id, Person.civility, Person.first_name, Person.last_name, Person.email,
               Person.mobile, Person.phone, Person.category, Person.archived)
        .where(Person.id.in_(ids))
    ):
        title = " ".join(p for p in (r.first_name, r.last_name) if p)
        detail = functions.get(r.id) or r.email or fmt.phone(r.mobile or r.phone)
        parts = [detail or labels.label(labels.PERSON_CATEGORIES, r.category)]
        if r.archived:
            parts.append("archivé(e)")
        hit = SearchHit("people", r.id, title, " · ".join(p for p in parts if p), bool(r.archived))
        out[r.id] = (hit, fold(f"{r.last_name} {r.first_name}"))
    return out


def rebuild_index(ws: Workspace) -> dict[str, int]:
    """Recompute every search document from the records (maintenance; normally the
    triggers keep the index in step). Returns the number of documents per table."""
    counts = {}
    with ws.unit(write=True) as s:
        for kind in TABLES:
            docs = f"search_{kind}_docs"
            s.execute(text(f"DELETE FROM {docs}"))
            s.execute(text(f"INSERT INTO search_{kind} (search_{kind}) VALUES ('rebuild')"))
            s.execute(text(
                f"INSERT INTO {docs} ({', '.join(document_columns(kind))}) "
                + document_select(kind, "r", f"FROM {kind} r")
            ))
            counts[kind] = s.execute(text(f"SELECT count(*) FROM {docs}")).scalar_one()
    return counts


def purge_index(ws: Workspace) -> None:
    """Merge the index segments so that no trace of removed words remains in the file
    (call after an RGPD erasure: the erased record's document is already empty)."""
    with ws.unit(write=True) as s:
        for kind in TABLES:
            s.execute(text(f"INSERT INTO search_{kind} (search_{kind}) VALUES ('optimize')"))
