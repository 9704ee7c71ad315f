"""The local search index during an import: refreshed by sets of rows, not row by row.

Every write of a searchable record (``organisations``, ``people``) normally refreshes its
search document through triggers (:mod:`app.storage.extra_schema`): one trigger program,
one fold per value and one full-text write per row. An import writes tens of thousands of
rows in one transaction, so for the searchable tables its file holds it

- drops the record → document triggers, inside the import's transaction;
- refreshes the documents of each batch of rows it wrote whose searched columns changed:
  one ``DELETE`` and one ``INSERT … SELECT`` per batch (the document → index triggers
  still write the full-text index);
- fills a table that held no record before the import in one pass at the end: one
  ``INSERT … SELECT`` of every document, without the document → index triggers, then the
  full-text index rebuilt from the documents (``'rebuild'``);
- creates the triggers again before the commit.

SQLite DDL is transactional: a cancel, an error or a crash rolls the triggers back with the
rows, and the base is exactly as before. After the commit the documents are those
:func:`app.services.search.rebuild_index` would compute.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.engine import Connection

from app.storage.extra_schema import (
    SEARCH_TABLES,
    document_columns,
    document_select,
    index_triggers,
    record_triggers,
    trigger_name,
)

CHUNK = 1000
"""Ids per ``IN (…)`` list."""


class DeferredSearchIndex:
    """Search documents of the tables ``tables`` kept in step by the import itself
    (see the module docstring). Call :meth:`suspend` first, :meth:`refresh` after each
    batch written and :meth:`restore` before the commit."""

    def __init__(self, conn: Connection, tables: Iterable[str]) -> None:
        self.conn = conn
        self.tables = [t for t in tables if t in SEARCH_TABLES]
        self.fresh: set[str] = set()

    def suspend(self) -> None:
        for table in self.tables:
            if self.conn.exec_driver_sql(f'SELECT 1 FROM "{table}" LIMIT 1').first() is None:
                self.fresh.add(table)
                self._drop(index_triggers(table))
            self._drop(record_triggers(table))

    def searched(self, table: str) -> frozenset[str]:
        """The columns of ``table`` whose change needs its document refreshed (none for a
        table the import does not handle)."""
        return frozenset(SEARCH_TABLES[table]) if table in self.tables else frozenset()

    def refresh(self, table: str, ids: Sequence[str]) -> None:
        """Recompute the documents of the records ``ids`` of ``table`` just written."""
        if table not in self.tables or table in self.fresh or not ids:
            return
        docs = f"search_{table}_docs"
        filled = ", ".join(document_columns(table))
        for i in range(0, len(ids), CHUNK):
            chunk = tuple(ids[i:i + CHUNK])
            marks = ", ".join("?" * len(chunk))
            self.conn.exec_driver_sql(f"DELETE FROM {docs} WHERE ref_id IN ({marks})", chunk)
            self.conn.exec_driver_sql(
                f"INSERT INTO {docs} ({filled}) "
                + document_select(table, "r", f"FROM {table} r WHERE r.id IN ({marks})"),
                chunk,
            )

    def restore(self) -> None:
        for table in self.tables:
            if table in self.fresh:
                docs, fts = f"search_{table}_docs", f"search_{table}"
                self.conn.exec_driver_sql(f"DELETE FROM {docs}")
                self.conn.exec_driver_sql(
                    f"INSERT INTO {docs} ({', '.join(document_columns(table))}) "
                    + document_select(table, "r", f"FROM {table} r"))
                self.conn.exec_driver_sql(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")
                self._create(index_triggers(table))
            self._create(record_triggers(table))

    def _drop(self, statements: Iterable[str]) -> None:
        for statement in statements:
            self.conn.exec_driver_sql(f"DROP TRIGGER {trigger_name(statement)}")

    def _create(self, statements: Iterable[str]) -> None:
        for statement in statements:
            self.conn.exec_driver_sql(statement)
