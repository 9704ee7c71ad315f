"""The record lists the main window shows: counted, paged and sorted in SQL.

A 100 000-row table is never loaded whole: the UI asks for :func:`count` once, then for
pages of rows with :func:`fetch` as the user scrolls. Values arrive already formatted in
French; sorting uses the raw SQL expression of the column, text ignoring case and accents.

Structures and contacts are counted, sorted and paged on their search documents when the
query allows (:func:`app.services.search.on_documents`): the documents hold the folded sort
keys and the list flags, so a search never looks the matching records up one by one. Other
filters and sorts read the records themselves, in the same order.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from app.domain import formatting as fmt
from app.domain import labels
from app.domain.text import fold
from app.errors import NotFound
from app.services.workspace import Workspace
from app.storage.extra_schema import SORT_KEYS
from app.storage.models import (
    Action,
    Affiliation,
    Convention,
    ConventionParty,
    Meeting,
    MeetingSession,
    Organisation,
    OrganisationKind,
    Participant,
    Peer,
    Person,
)


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    label: str
    kind: str = "text"  # text | int | date | money | percent
    width: int = 0  # preferred width in characters (0 = let the view decide)


@dataclass(frozen=True)
class ListQuery:
    """What the user asked for: search text, sort column, archived records shown or not."""

    search: str = ""
    sort: str | None = None
    descending: bool = False
    show_archived: bool = False
    filters: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ListRow:
    id: str
    cells: tuple[str, ...]
    muted: bool = False  # archived or cancelled: shown greyed


@dataclass(frozen=True)
class ListPage:
    offset: int
    rows: tuple[ListRow, ...]


@dataclass(frozen=True)
class ListView:
    name: str
    title: str
    columns: tuple[ColumnSpec, ...]
    empty_text: str
    default_sort: str
    default_descending: bool = False


@dataclass
class _Source:
    view: ListView
    exprs: Callable[[], dict[str, ColumnElement[Any]]]
    base: Callable[[dict[str, ColumnElement[Any]]], Select[Any]]
    search_on: Sequence[str]
    where: Callable[[ListQuery], list[ColumnElement[bool]]] = field(default=lambda q: [])
    muted: str | None = None
    formatters: dict[str, Callable[[Any], str]] = field(default_factory=dict)
    fts: str | None = None  # searched through this full-text index (app.services.search)


def _like_terms(search: str) -> list[str]:
    return [f"%{term}%" for term in fold(search).split() if term]


# SQL function registered on each connection (see app.storage.database): fold(text).
def _folded(expr: ColumnElement[Any]) -> ColumnElement[str]:
    return func.maillage_fold(expr)


def _stored_key(source: _Source, expr: Any) -> str | None:
    """The column of the search documents of ``source`` that holds ``fold(expr)`` (``NULL``
    for an empty value), when they keep one (see :data:`app.storage.extra_schema.SORT_KEYS`).

    Sorting on it gives the order ``maillage_fold(expr)`` gives, without a Python call per
    row (100 000 of them for the contacts list).
    """
    col = getattr(expr, "expression", expr)
    if source.fts is None or not isinstance(col, Column):
        return None
    if col.table.name != source.fts or col.key not in SORT_KEYS[source.fts]:
        return None
    return f"sort_{col.key}"


def _date(value: Any) -> str:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return fmt.date_short(value)


# Parsing a number to show it costs ~0.1 ms: a page of contacts re-shown at each keystroke
# of a search would spend more on it than on its query.
_phone = functools.lru_cache(maxsize=4096)(fmt.phone)


def _kind_label(value: Any) -> str:
    return value or ""


# --- Structures ------------------------------------------------------------------------

_contacts_count = (
    select(func.count(Affiliation.id))
    .where(
        Affiliation.organisation_id == Organisation.id,
        Affiliation.deleted.is_(False),
        Affiliation.end_date.is_(None),
    )
    .correlate(Organisation)
    .scalar_subquery()
)


def _org_exprs() -> dict[str, ColumnElement[Any]]:
    return {
        "name": Organisation.name,
        "acronym": Organisation.acronym,
        "kind": func.coalesce(OrganisationKind.label, Organisation.kind_code),
        "city": Organisation.city,
        "territory": Organisation.territory,
        "siret": Organisation.siret,
        "contacts": _contacts_count,
        "archived": Organisation.archived,
    }


def _org_base(e: dict[str, ColumnElement[Any]]) -> Select[Any]:
    return select(Organisation.id, *[v.label(k) for k, v in e.items()]).outerjoin(
        OrganisationKind,
        and_(OrganisationKind.code == Organisation.kind_code, OrganisationKind.deleted.is_(False)),
    )


def _org_where(q: ListQuery) -> list[ColumnElement[bool]]:
    import json

    from sqlalchemy import Text, type_coerce

    out = [Organisation.deleted.is_(False), Organisation.merged_into.is_(None)]
    if not q.show_archived:
        out.append(Organisation.archived.is_(False))
    for key, value in q.filters:
        if key == "kind":
            out.append(Organisation.kind_code == value)
        elif key == "territory":
            out.append(Organisation.territory == value)
        elif key == "tag":
            # Organisation.tags holds a JSON list of strings: a cheap text test first, then
            # the exact one on the list's elements.
            quoted = json.dumps(value, ensure_ascii=False)
            tag = func.json_each(Organisation.tags).table_valued("value")
            out.append(func.instr(type_coerce(Organisation.tags, Text), literal(quoted, Text)) > 0)
            out.append(select(literal(1)).select_from(tag).where(tag.c.value == value).exists())
    return out


# --- Contacts --------------------------------------------------------------------------

_primary_org = aliased(Organisation)
_primary_name = (
    select(_primary_org.name)
    .join(Affiliation, Affiliation.organisation_id == _primary_org.id)
    .where(
        Affiliation.person_id == Person.id,
        Affiliation.deleted.is_(False),
        Affiliation.end_date.is_(None),
    )
    .order_by(Affiliation.is_primary.desc(), _primary_org.name)
    .limit(1)
    .correlate(Person)
    .scalar_subquery()
)


def _person_exprs() -> dict[str, ColumnElement[Any]]:
    return {
        "last_name": Person.last_name,
        "first_name": Person.first_name,
        "category": Person.category,
        "organisation": _primary_name,
        "email": Person.email,
        "phone": func.coalesce(func.nullif(Person.mobile, ""), Person.phone),
        "archived": Person.archived,
    }


def _person_base(e: dict[str, ColumnElement[Any]]) -> Select[Any]:
    return select(Person.id, *[v.label(k) for k, v in e.items()])


def _person_where(q: ListQuery) -> list[ColumnElement[bool]]:
    out = [Person.deleted.is_(False), Person.merged_into.is_(None)]
    if not q.show_archived:
        out.append(Person.archived.is_(False))
    for key, value in q.filters:
        if key == "category":
            out.append(Person.category == value)
        elif key == "territory":
            # The territory of a structure where the person currently holds a function
            # (from the structures of that territory: a few index look-ups).
            in_territory = select(Organisation.id).where(Organisation.territory == value)
            out.append(Person.id.in_(
                select(Affiliation.person_id).where(
                    Affiliation.organisation_id.in_(in_territory),
                    Affiliation.deleted.is_(False),
                    Affiliation.end_date.is_(None),
                )
            ))
    return out


# --- Réunions --------------------------------------------------------------------------

_first_date = (
    select(func.min(MeetingSession.date))
    .where(MeetingSession.meeting_id == Meeting.id, MeetingSession.deleted.is_(False))
    .correlate(Meeting)
    .scalar_subquery()
)
_session_count = (
    select(func.count(MeetingSession.id))
    .where(MeetingSession.meeting_id == Meeting.id, MeetingSession.deleted.is_(False))
    .correlate(Meeting)
    .scalar_subquery()
)
_participant_count = (
    select(func.count(Participant.id))
    .where(Participant.meeting_id == Meeting.id, Participant.deleted.is_(False))
    .correlate(Meeting)
    .scalar_subquery()
)


def _meeting_exprs() -> dict[str, ColumnElement[Any]]:
    return {
        "date": _first_date,
        "title": Meeting.title,
        "kind": Meeting.kind,
        "action": Action.code,
        "place": Meeting.place_name,
        "sessions": _session_count,
        "participants": _participant_count,
        "status": Meeting.status,
    }


def _meeting_base(e: dict[str, ColumnElement[Any]]) -> Select[Any]:
    return select(Meeting.id, *[v.label(k) for k, v in e.items()]).outerjoin(
        Action, Action.id == Meeting.action_id
    )


def _meeting_where(q: ListQuery) -> list[ColumnElement[bool]]:
    out = [Meeting.deleted.is_(False)]
    for key, value in q.filters:
        if key == "kind":
            out.append(Meeting.kind == value)
        elif key == "status":
            out.append(Meeting.status == value)
        elif key == "action":
            out.append(Meeting.action_id == value)
        elif key == "structure":
            # Organised by the structure, or one of its people invited on its behalf.
            invited = (
                select(Participant.id)
                .where(
                    Participant.meeting_id == Meeting.id,
                    Participant.organisation_id == value,
                    Participant.deleted.is_(False),
                )
                .correlate(Meeting)
                .exists()
            )
            out.append(or_(Meeting.organiser_org_id == value, invited))
    return out


# --- Conventions -----------------------------------------------------------------------

_party_org = aliased(Organisation)
_partners = (
    select(func.group_concat(_party_org.name, ", "))
    .select_from(ConventionParty)
    .join(_party_org, _party_org.id == ConventionParty.organisation_id)
    .where(
        ConventionParty.convention_id == Convention.id,
        ConventionParty.role == "partenaire",
        ConventionParty.deleted.is_(False),
    )
    .correlate(Convention)
    .scalar_subquery()
)


def _convention_exprs() -> dict[str, ColumnElement[Any]]:
    return {
        "number": Convention.number,
        "title": Convention.title,
        "kind": Convention.kind,
        "partners": _partners,
        "amount": Convention.amount_cents,
        "start": Convention.start_date,
        "end": Convention.end_date,
        "status": Convention.status,
    }


def _convention_base(e: dict[str, ColumnElement[Any]]) -> Select[Any]:
    return select(Convention.id, *[v.label(k) for k, v in e.items()])


def _convention_where(q: ListQuery) -> list[ColumnElement[bool]]:
    out = [Convention.deleted.is_(False)]
    for key, value in q.filters:
        if key == "status":
            out.append(Convention.status == value)
        elif key == "kind":
            out.append(Convention.kind == value)
    return out


# --- Actions (Bilans) ------------------------------------------------------------------

_action_meetings = (
    select(func.count(Meeting.id))
    .where(Meeting.action_id == Action.id, Meeting.deleted.is_(False))
    .correlate(Action)
    .scalar_subquery()
)


def _action_exprs() -> dict[str, ColumnElement[Any]]:
    return {
        "code": Action.code,
        "title": Action.title,
        "funder": Action.funder,
        "fse_rate": Action.fse_rate,
        "start": Action.start_date,
        "end": Action.end_date,
        "meetings": _action_meetings,
    }


def _action_base(e: dict[str, ColumnElement[Any]]) -> Select[Any]:
    return select(Action.id, *[v.label(k) for k, v in e.items()])


# --- Peers (Synchronisation) -----------------------------------------------------------


def _peer_exprs() -> dict[str, ColumnElement[Any]]:
    return {
        "name": func.coalesce(func.nullif(Peer.name, ""), Peer.site_id),
        "site": Peer.site_id,
        "last_import": Peer.last_import_at,
        "last_export": Peer.last_export_at,
    }


def _peer_base(e: dict[str, ColumnElement[Any]]) -> Select[Any]:
    return select(Peer.site_id.label("id"), *[v.label(k) for k, v in e.items()])


def _datetime(value: Any) -> str:
    if value is None:
        return "jamais"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return fmt.datetime_short(value)


SOURCES: dict[str, _Source] = {
    "structures": _Source(
        ListView(
            "structures",
            "Structures",
            (
                ColumnSpec("name", "Nom", width=40),
                ColumnSpec("acronym", "Sigle", width=12),
                ColumnSpec("kind", "Type", width=30),
                ColumnSpec("city", "Commune", width=20),
                ColumnSpec("territory", "Territoire", width=18),
                ColumnSpec("siret", "SIRET", width=18),
                ColumnSpec("contacts", "Contacts", "int", width=8),
            ),
            "Aucune structure : ajoutez vos partenaires ou importez un fichier.",
            "name",
        ),
        _org_exprs,
        _org_base,
        ("name", "acronym", "city", "siret"),
        _org_where,
        muted="archived",
        formatters={"siret": fmt.siret, "contacts": lambda v: fmt.number(v or 0)},
        fts="organisations",
    ),
    "contacts": _Source(
        ListView(
            "contacts",
            "Contacts",
            (
                ColumnSpec("last_name", "Nom", width=20),
                ColumnSpec("first_name", "Prénom", width=16),
                ColumnSpec("category", "Catégorie", width=26),
                ColumnSpec("organisation", "Structure", width=36),
                ColumnSpec("email", "Courriel", width=30),
                ColumnSpec("phone", "Téléphone", width=16),
            ),
            "Aucun contact pour l'instant.",
            "last_name",
        ),
        _person_exprs,
        _person_base,
        ("last_name", "first_name", "email"),
        _person_where,
        muted="archived",
        formatters={
            "category": lambda v: labels.label(labels.PERSON_CATEGORIES, v),
            "phone": _phone,
        },
        fts="people",
    ),
    "reunions": _Source(
        ListView(
            "reunions",
            "Réunions",
            (
                ColumnSpec("date", "Date", "date", width=11),
                ColumnSpec("title", "Titre", width=44),
                ColumnSpec("kind", "Type", width=24),
                ColumnSpec("action", "Action", width=12),
                ColumnSpec("place", "Lieu", width=28),
                ColumnSpec("sessions", "Créneaux", "int", width=8),
                ColumnSpec("participants", "Participants", "int", width=10),
                ColumnSpec("status", "Statut", width=10),
            ),
            "Aucune réunion : planifiez votre premier COPIL ou votre première formation.",
            "date",
            default_descending=True,
        ),
        _meeting_exprs,
        _meeting_base,
        ("title", "place"),
        _meeting_where,
        formatters={
            "date": _date,
            "kind": lambda v: labels.label(labels.MEETING_KINDS, v),
            "status": lambda v: labels.label(labels.MEETING_STATUSES, v),
            "sessions": lambda v: fmt.number(v or 0),
            "participants": lambda v: fmt.number(v or 0),
        },
    ),
    "conventions": _Source(
        ListView(
            "conventions",
            "Conventions",
            (
                ColumnSpec("number", "Numéro", width=14),
                ColumnSpec("title", "Titre", width=40),
                ColumnSpec("kind", "Type", width=28),
                ColumnSpec("partners", "Partenaire(s)", width=32),
                ColumnSpec("amount", "Montant", "money", width=14),
                ColumnSpec("start", "Début", "date", width=11),
                ColumnSpec("end", "Fin", "date", width=11),
                ColumnSpec("status", "Statut", width=18),
            ),
            "Aucune convention pour l'instant.",
            "number",
        ),
        _convention_exprs,
        _convention_base,
        ("number", "title"),
        _convention_where,
        formatters={
            "kind": lambda v: labels.label(labels.CONVENTION_KINDS, v),
            "amount": fmt.money,
            "start": _date,
            "end": _date,
            "status": lambda v: labels.label(labels.CONVENTION_STATUSES, v),
        },
    ),
    "actions": _Source(
        ListView(
            "actions",
            "Actions",
            (
                ColumnSpec("code", "Code", width=12),
                ColumnSpec("title", "Intitulé", width=44),
                ColumnSpec("funder", "Financeur", width=30),
                ColumnSpec("fse_rate", "Taux FSE", "percent", width=9),
                ColumnSpec("start", "Début", "date", width=11),
                ColumnSpec("end", "Fin", "date", width=11),
                ColumnSpec("meetings", "Réunions", "int", width=9),
            ),
            "Aucune action : créez la fiche action de votre financeur.",
            "code",
        ),
        _action_exprs,
        _action_base,
        ("code", "title", "funder"),
        lambda q: [Action.deleted.is_(False)],
        formatters={
            "fse_rate": lambda v: fmt.percent(v) if v else "—",
            "start": _date,
            "end": _date,
            "meetings": lambda v: fmt.number(v or 0),
        },
    ),
    "pairs": _Source(
        ListView(
            "pairs",
            "Sites partenaires",
            (
                ColumnSpec("name", "Site", width=30),
                ColumnSpec("site", "Identifiant", width=38),
                ColumnSpec("last_import", "Dernier fichier reçu", width=18),
                ColumnSpec("last_export", "Dernier fichier envoyé", width=18),
            ),
            "Aucun échange pour l'instant : exportez un fichier de synchronisation "
            "vers le siège ou une autre antenne.",
            "name",
        ),
        _peer_exprs,
        _peer_base,
        ("name",),
        formatters={"last_import": _datetime, "last_export": _datetime},
    ),
}


def views() -> tuple[ListView, ...]:
    return tuple(source.view for source in SOURCES.values())


def view(name: str) -> ListView:
    return _source(name).view


def _source(name: str) -> _Source:
    try:
        return SOURCES[name]
    except KeyError:
        raise NotFound(f"Liste inconnue : « {name} ».") from None


def _filtered(source: _Source, query: ListQuery) -> tuple[Select[Any], dict[str, Any]]:
    exprs = source.exprs()
    stmt = source.base(exprs)
    conditions = list(source.where(query))
    if source.fts is not None:
        from app.services.search import id_filter

        matching = id_filter(source.fts, query.search)
        if matching is not None:
            conditions.append(matching)
    else:
        for term in _like_terms(query.search):
            conditions.append(or_(*[_folded(exprs[k]).like(term) for k in source.search_on]))
    if conditions:
        stmt = stmt.where(*conditions)
    return stmt, exprs


def _on_documents(source: _Source, query: ListQuery) -> tuple[Any, Any, list[Any]] | None:
    """The search documents of ``source``, what to select them from (joined to the index
    when searching) and the query's conditions on them, when the list's filters need
    nothing else (see :func:`app.services.search.on_documents`).

    The documents carry the sort keys and the list flags: counting, sorting and paging a
    search over 100 000 people then reads small rows joined to the index by integer,
    never the people themselves (looking up 20 000 text ids costs more than the target).
    """
    if source.fts is None:
        return None
    from app.services import search

    conditions = search.on_documents(source.fts, list(source.where(query)))
    if conditions is None:
        return None
    from_, matching = search.matching_documents(source.fts, query.search)
    return search.documents(source.fts), from_, [*matching, *conditions]


def count(ws: Workspace, name: str, query: ListQuery = ListQuery()) -> int:
    source = _source(name)
    on_documents = _on_documents(source, query)
    if on_documents is not None:
        _docs, from_, conditions = on_documents
        with ws.unit() as s:
            return s.execute(
                select(func.count()).select_from(from_).where(*conditions)
            ).scalar_one()
    stmt, _ = _filtered(source, query)
    # Count the ids only: the displayed columns (correlated subqueries) are not needed.
    id_col = list(stmt.selected_columns)[0]
    ids = stmt.with_only_columns(id_col, maintain_column_froms=True)
    with ws.unit() as s:
        return s.execute(select(func.count()).select_from(ids.subquery())).scalar_one()


def _page_ids(
    source: _Source, query: ListQuery, stmt: Select[Any], sort: str, descending: bool
) -> Select[Any]:
    """The ids of ``stmt`` in list order: empty values last, then by the column ``sort``
    (text ignoring case and accents), then by id."""
    key = stmt.selected_columns[sort].element
    id_col = list(stmt.selected_columns)[0]
    ids_stmt = stmt.with_only_columns(id_col, maintain_column_froms=True)
    empty_last: ColumnElement[Any] = case((key.is_(None), 1), (key == literal(""), 1), else_=0)
    sort_expr: ColumnElement[Any] = key
    if {c.key: c.kind for c in source.view.columns}.get(sort) == "text":
        # On the key stored with the search document when there is one (no Python call
        # per row), else folded on the fly (small tables, computed columns).
        stored = _stored_key(source, key)
        on_documents = _on_documents(source, query) if stored else None
        if stored and on_documents is not None:
            docs, from_, conditions = on_documents
            sort_expr = docs.c[stored]
            id_col = docs.c.ref_id
            empty_last = sort_expr.is_(None)
            ids_stmt = select(id_col).select_from(from_).where(*conditions)
        elif stored:
            from app.services.search import documents

            # An alias: the search subquery, if any, reads the documents too.
            docs = documents(str(source.fts)).alias("sort_docs")
            sort_expr = docs.c[stored]
            ids_stmt = ids_stmt.join(docs, docs.c.ref_id == id_col)
        else:
            sort_expr = _folded(key)
    ordered = sort_expr.desc() if descending else sort_expr.asc()
    return ids_stmt.order_by(empty_last, ordered, id_col)


def fetch(
    ws: Workspace, name: str, query: ListQuery = ListQuery(), offset: int = 0, limit: int = 200
) -> ListPage:
    """One page of rows, sorted in SQL (empty values last, then by id for a stable order)."""
    source = _source(name)
    stmt, exprs = _filtered(source, query)
    view_ = source.view
    sort_key = query.sort if query.sort in exprs else view_.default_sort
    descending = query.descending if query.sort in exprs else view_.default_descending
    # Two phases: sort and page on the id alone (cheap), then compute the displayed
    # columns (some are correlated subqueries) for the rows of this page only.
    ids_stmt = _page_ids(source, query, stmt, sort_key, descending)
    ids_stmt = ids_stmt.offset(offset).limit(limit)
    # The rows of the page by id alone: the ids already passed the filters, in this same
    # transaction (filtering again would run the search once more).
    rows_stmt = source.base(exprs)
    id_col = list(rows_stmt.selected_columns)[0]
    keys = [c.key for c in view_.columns]
    with ws.unit() as s:
        ids = list(s.execute(ids_stmt).scalars())
        found = {}
        for chunk_start in range(0, len(ids), 500):
            chunk = ids[chunk_start : chunk_start + 500]
            for r in s.execute(rows_stmt.where(id_col.in_(chunk))).mappings():
                found[r["id"]] = r
    result = [found[i] for i in ids if i in found]
    rows = []
    for r in result:
        cells = []
        for k in keys:
            value = r[k]
            formatter = source.formatters.get(k)
            cells.append(formatter(value) if formatter else ("" if value is None else str(value)))
        muted = bool(r[source.muted]) if source.muted else False
        if name == "reunions" and r["status"] == "annulee":
            muted = True
        rows.append(ListRow(id=r["id"], cells=tuple(cells), muted=muted))
    return ListPage(offset=offset, rows=tuple(rows))


# --- Filter menus ----------------------------------------------------------------------

FilterChoices = dict[str, tuple[tuple[str, str], ...]]


def _distinct_territories(s: Any) -> tuple[tuple[str, str], ...]:
    territories = s.execute(
        select(Organisation.territory)
        .where(
            Organisation.deleted.is_(False),
            Organisation.merged_into.is_(None),
            Organisation.territory != "",
        )
        .distinct()
    ).scalars()
    return tuple((t, t) for t in sorted(territories, key=lambda t: (fold(t), t)))


def filter_choices(ws: Workspace, name: str) -> FilterChoices:
    """The values the filter menus of the list ``name`` offer, as ``(code, label)`` pairs
    keyed by filter (the keys :class:`ListQuery.filters` takes), computed in SQL.

    Structures: ``kind`` (the kinds in use, with their label from the reference list),
    ``territory`` and ``tag`` (the distinct values in use). Contacts: ``category`` (every
    category) and ``territory`` (of their structures). Other lists: no menus here.
    """
    if name not in ("structures", "contacts"):
        _source(name)  # an unknown list is still reported
        return {}
    with ws.unit() as s:
        if name == "contacts":
            return {
                "category": tuple(labels.PERSON_CATEGORIES.items()),
                "territory": _distinct_territories(s),
            }
        live = (Organisation.deleted.is_(False), Organisation.merged_into.is_(None))
        # The distinct codes come from the kind index alone; then one look-up per code
        # checks that a live structure has it.
        codes = select(Organisation.kind_code.label("code")).distinct().subquery()
        used = aliased(Organisation)
        kinds = s.execute(
            select(codes.c.code, func.max(OrganisationKind.label))
            .outerjoin(
                OrganisationKind,
                and_(OrganisationKind.code == codes.c.code, OrganisationKind.deleted.is_(False)),
            )
            .where(
                select(literal(1)).select_from(used)
                .where(used.kind_code == codes.c.code, used.deleted.is_(False),
                       used.merged_into.is_(None))
                .exists()
            )
            .group_by(codes.c.code)
        ).all()
        tag = func.json_each(Organisation.tags).table_valued("value")
        tags = s.execute(
            select(tag.c.value).select_from(Organisation).join(tag, literal(True))
            .where(*live).distinct()
        ).scalars()
        kind_pairs = [(code, label or labels.kind_label(code)) for code, label in kinds if code]
        tag_values = {t for t in tags if isinstance(t, str) and t.strip()}
        return {
            "kind": tuple(sorted(kind_pairs, key=lambda p: (fold(p[1]), p[0]))),
            "territory": _distinct_territories(s),
            "tag": tuple((t, t) for t in sorted(tag_values, key=lambda t: (fold(t), t))),
        }
