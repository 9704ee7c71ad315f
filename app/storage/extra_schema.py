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
``extra`` = folded text, see :func:`app.domain.text.fold`) and an FTS5 index
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


def document_sql(table: str, alias: str) -> tuple[str, str]:
    """SQL expressions of the ``title`` and ``extra`` search text of a row of ``table``.

    ``alias`` is ``new`` inside triggers, or a table alias when rebuilding the index.
    """
    a = alias
    if table == "organisations":
        title = f"maillage_fold({_text(f'{a}.name', f'{a}.acronym')})"
        extra = (
            f"maillage_fold({_text(f'{a}.city', f'{a}.postcode', f'{a}.siret', f'{a}.email')})"
            f" || ' ' || {_phone_terms(f'{a}.phone')}"
        )
    elif table == "people":
        title = f"maillage_fold({_text(f'{a}.last_name', f'{a}.first_name')})"
        extra = (
            f"maillage_fold(coalesce({a}.email, '')) || ' ' || {_phone_terms(f'{a}.phone')}"
            f" || ' ' || {_phone_terms(f'{a}.mobile')}"
        )
    else:  # pragma: no cover - programming error
        raise ValueError(table)
    return (
        f"CASE WHEN {a}.erased THEN '' ELSE {title} END",
        f"CASE WHEN {a}.erased THEN '' ELSE {extra} END",
    )


SEARCH_TABLES: dict[str, tuple[str, ...]] = {
    "organisations": ("name", "acronym", "city", "postcode", "siret", "email", "phone", "erased"),
    "people": ("last_name", "first_name", "email", "phone", "mobile", "erased"),
}
"""Searchable tables and the columns whose change refreshes a record's document."""


def _search_ddl(table: str) -> tuple[str, ...]:
    docs, fts = f"search_{table}_docs", f"search_{table}"
    title, extra = document_sql(table, "new")
    columns = ", ".join(SEARCH_TABLES[table])
    return (
        f"CREATE TABLE {docs} (\n"
        "\tdocid INTEGER PRIMARY KEY,\n"
        "\tref_id VARCHAR(36) NOT NULL UNIQUE,\n"
        "\ttitle TEXT NOT NULL DEFAULT '',\n"
        "\textra TEXT NOT NULL DEFAULT ''\n"
        ");",
        f"CREATE VIRTUAL TABLE {fts} USING fts5(title, extra, content='{docs}', "
        "content_rowid='docid', prefix='2 3', tokenize='unicode61');",
        # Documents → index (the external-content pattern of the FTS5 manual).
        f"CREATE TRIGGER {docs}_ai AFTER INSERT ON {docs} BEGIN\n"
        f"INSERT INTO {fts} (rowid, title, extra) VALUES (new.docid, new.title, new.extra)\n"
        "; END;",
        f"CREATE TRIGGER {docs}_ad AFTER DELETE ON {docs} BEGIN\n"
        f"INSERT INTO {fts} ({fts}, rowid, title, extra) "
        "VALUES ('delete', old.docid, old.title, old.extra)\n"
        "; END;",
        f"CREATE TRIGGER {docs}_au AFTER UPDATE ON {docs} BEGIN\n"
        f"INSERT INTO {fts} ({fts}, rowid, title, extra) "
        "VALUES ('delete', old.docid, old.title, old.extra)\n"
        f"; INSERT INTO {fts} (rowid, title, extra) VALUES (new.docid, new.title, new.extra)\n"
        "; END;",
        # Records → documents. Deleting first makes INSERT OR REPLACE and a missing
        # document harmless.
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN\n"
        f"DELETE FROM {docs} WHERE ref_id = new.id\n"
        f"; INSERT INTO {docs} (ref_id, title, extra) VALUES (new.id, {title}, {extra})\n"
        "; END;",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {columns} ON {table} BEGIN\n"
        f"DELETE FROM {docs} WHERE ref_id = new.id\n"
        f"; INSERT INTO {docs} (ref_id, title, extra) VALUES (new.id, {title}, {extra})\n"
        "; END;",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN\n"
        f"DELETE FROM {docs} WHERE ref_id = old.id\n"
        "; END;",
    )


EXTRA_DDL: tuple[str, ...] = (*_search_ddl("organisations"), *_search_ddl("people"))
