"""Schema objects SQLAlchemy's metadata does not describe (virtual tables, triggers), appended
to the generated version-1 script.

Each entry is one SQL statement ending with ``;`` on its last line, and no other line may end
with ``;`` (the migration runner splits scripts there): inside a trigger body, statements are
separated by a ``;`` at the *start* of the next line. Tables created here must be named
``local_*`` or ``search_*`` (the model-comparison test ignores those).

Full-text search
----------------
For each searchable table (``organisations``, ``people``) there is a document table
``search_<table>_docs`` (one row per record: ``ref_id`` = the record id, ``title`` and
``extra`` = folded text, see :func:`app.domain.text.fold`; ``sort_<column>`` = the folded
value of each column of :data:`SORT_KEYS`, the keys lists sort on; a copy of the
:data:`LIST_FLAGS` lists filter on) and an FTS5 index
``search_<table>`` over it (external content, prefix indexes for search-as-you-type).
Triggers on the record table keep the documents in step with *every* write — ORM flushes,
``bulk_insert``, sync imports, merges — and triggers on the documents keep the index in step.
They call ``maillage_fold(text)``, the SQL function every connection of
:mod:`app.storage.database` registers: a raw ``sqlite3`` connection without it can read
these tables but not write organisations or people. Search documents are local (never
synced): the stamping guard ignores them. An erased (RGPD) record has an empty document.
"""

from __future__ import annotations

# Phone numbers are stored in E.164; a person types them nationally (0386123456, 0269…)
# or internationally (33386123456): both digit strings are indexed.
_OVERSEAS_CODES = "('+262', '+590', '+594', '+596', '+508')"


def _phone_terms(col: str) -> str:
    return (
        f"ltrim(coalesce({col}, ''), '+') || ' ' || CASE "
        f"WHEN {col} GLOB '+33*' THEN '0' || substr({col}, 4) "
        f"WHEN substr({col}, 1, 4) IN {_OVERSEAS_CODES} THEN '0' || substr({col}, 5) "
        "ELSE '' END"
    )


def _text(*cols: str) -> str:
    return " || ' ' || ".join(f"coalesce({c}, '')" for c in cols)


SORT_KEYS: dict[str, tuple[str, ...]] = {
    "organisations": ("name", "acronym", "city", "territory"),
    "people": ("last_name", "first_name", "email"),
}
"""Columns whose folded value the document keeps as ``sort_<column>`` (``NULL`` when the
value is ``NULL`` or empty), so that lists sort without a Python call per row."""

LIST_FLAGS: tuple[str, ...] = ("deleted", "archived", "merged_into")
"""Record columns the document copies as they are, so that a list's usual filters (live,
not archived, not merged) and its count can be computed from the documents alone."""

SEARCH_TABLES: dict[str, tuple[str, ...]] = {
    "organisations": (
        "name", "acronym", "city", "territory", "postcode", "siret", "email", "phone", "erased",
        *LIST_FLAGS,
    ),
    "people": (
        "last_name", "first_name", "email", "phone", "mobile", "erased", *LIST_FLAGS,
    ),
}
"""Searchable tables and the columns whose change refreshes a record's document."""


def document_columns(table: str) -> tuple[str, ...]:
    """The columns of ``search_<table>_docs`` a document fills, in :func:`document_select` order."""
    return ("ref_id", "title", "extra", *(f"sort_{c}" for c in SORT_KEYS[table]), *LIST_FLAGS)


def document_select(table: str, alias: str, source: str = "") -> str:
    """A ``SELECT`` giving the :func:`document_columns` of the rows ``alias`` stands for.

    ``alias`` is ``new`` inside triggers (``source`` empty), or a table alias with
    ``source`` = ``FROM <table> <alias>`` when rebuilding the index. Each value is folded
    once, in an inner query, and the search text is assembled from the folded pieces
    (``fold(a + ' ' + b) == fold(a) + ' ' + fold(b)``): the fold is a Python call per value,
    and a bulk write (a sync import) makes hundreds of thousands of them. SQLite evaluates
    the inner query's columns once each; an empty value gives ``NULL`` without a call.
    """
    a = alias
    inner = [f"{a}.id AS id", f"{a}.erased AS erased", *(f"{a}.{c} AS {c}" for c in LIST_FLAGS)]
    inner += [
        f"CASE WHEN coalesce({a}.{c}, '') = '' THEN NULL ELSE maillage_fold({a}.{c}) END"
        f" AS sort_{c}"
        for c in SORT_KEYS[table]
    ]
    if table == "organisations":
        inner += [
            f"maillage_fold({_text(f'{a}.postcode', f'{a}.siret', f'{a}.email')}) AS other",
            f"{a}.phone AS phone",
        ]
        title = "coalesce(k.sort_name, '') || ' ' || coalesce(k.sort_acronym, '')"
        extra = f"coalesce(k.sort_city, '') || ' ' || k.other || ' ' || {_phone_terms('k.phone')}"
    elif table == "people":
        inner += [f"{a}.phone AS phone", f"{a}.mobile AS mobile"]
        title = "coalesce(k.sort_last_name, '') || ' ' || coalesce(k.sort_first_name, '')"
        extra = (
            f"coalesce(k.sort_email, '') || ' ' || {_phone_terms('k.phone')} || ' ' "
            f"|| {_phone_terms('k.mobile')}"
        )
    else:  # pragma: no cover - programming error
        raise ValueError(table)
    # An erased (RGPD) record has an empty document; its sort keys are those of the
    # anonymised values the row itself holds.
    outer = [
        "k.id",
        f"CASE WHEN k.erased THEN '' ELSE {title} END",
        f"CASE WHEN k.erased THEN '' ELSE {extra} END",
        *(f"k.sort_{c}" for c in SORT_KEYS[table]),
        *(f"k.{c}" for c in LIST_FLAGS),
    ]
    from_inner = f" {source}" if source else ""
    return f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)}{from_inner}) AS k"


def index_triggers(table: str) -> tuple[str, ...]:
    """The triggers keeping the full-text index ``search_<table>`` in step with the
    documents (the external-content pattern of the FTS5 manual)."""
    docs, fts = f"search_{table}_docs", f"search_{table}"
    return (
        f"CREATE TRIGGER {docs}_ai AFTER INSERT ON {docs} BEGIN\n"
        f"INSERT INTO {fts} (rowid, title, extra) VALUES (new.docid, new.title, new.extra)\n"
        "; END;",
        f"CREATE TRIGGER {docs}_ad AFTER DELETE ON {docs} BEGIN\n"
        f"INSERT INTO {fts} ({fts}, rowid, title, extra) "
        "VALUES ('delete', old.docid, old.title, old.extra)\n"
        "; END;",
        f"CREATE TRIGGER {docs}_au AFTER UPDATE OF title, extra ON {docs} BEGIN\n"
        f"INSERT INTO {fts} ({fts}, rowid, title, extra) "
        "VALUES ('delete', old.docid, old.title, old.extra)\n"
        f"; INSERT INTO {fts} (rowid, title, extra) VALUES (new.docid, new.title, new.extra)\n"
        "; END;",
    )


def record_triggers(table: str) -> tuple[str, ...]:
    """The triggers keeping the documents ``search_<table>_docs`` in step with every write
    of the records. Deleting first makes ``INSERT OR REPLACE`` and a missing document
    harmless."""
    docs, fts = f"search_{table}_docs", f"search_{table}"
    document = document_select(table, "new")
    filled = ", ".join(document_columns(table))
    columns = ", ".join(SEARCH_TABLES[table])
    return (
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN\n"
        f"DELETE FROM {docs} WHERE ref_id = new.id\n"
        f"; INSERT INTO {docs} ({filled}) {document}\n"
        "; END;",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {columns} ON {table} BEGIN\n"
        f"DELETE FROM {docs} WHERE ref_id = new.id\n"
        f"; INSERT INTO {docs} ({filled}) {document}\n"
        "; END;",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN\n"
        f"DELETE FROM {docs} WHERE ref_id = old.id\n"
        "; END;",
    )


def trigger_name(statement: str) -> str:
    """The name of the trigger a ``CREATE TRIGGER`` statement of this module creates."""
    return statement.split(None, 3)[2]


def search_ddl(table: str) -> tuple[str, ...]:
    docs, fts = f"search_{table}_docs", f"search_{table}"
    sort_columns = "".join(f",\n\tsort_{c} TEXT" for c in SORT_KEYS[table])
    return (
        f"CREATE TABLE {docs} (\n"
        "\tdocid INTEGER PRIMARY KEY,\n"
        "\tref_id VARCHAR(36) NOT NULL UNIQUE,\n"
        "\ttitle TEXT NOT NULL DEFAULT '',\n"
        f"\textra TEXT NOT NULL DEFAULT ''{sort_columns},\n"
        "\tdeleted BOOLEAN NOT NULL DEFAULT 0,\n"
        "\tarchived BOOLEAN NOT NULL DEFAULT 0,\n"
        "\tmerged_into VARCHAR(36)\n"
        ");",
        f"CREATE VIRTUAL TABLE {fts} USING fts5(title, extra, content='{docs}', "
        "content_rowid='docid', prefix='2 3', tokenize='unicode61');",
        *index_triggers(table),
        *record_triggers(table),
    )


EXTRA_DDL: tuple[str, ...] = (*search_ddl("organisations"), *search_ddl("people"))
