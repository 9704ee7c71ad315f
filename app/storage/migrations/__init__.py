"""Schema migrations: an ordered ladder of SQL scripts keyed to ``PRAGMA user_version``.

``0001_initial.sql`` is the schema of version 1, generated once from the models
(``python -m app.storage.migrations.generate``) and checked in; later versions add
``000N_description.sql`` files. At start-up :func:`upgrade` applies every step above the
file's version, each in its own transaction, after a backup copy of an existing file.
A file whose version is above :data:`SCHEMA_VERSION` was written by a newer Maillage and is
refused.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Callable

from sqlalchemy.engine import Connection, Engine

from app.errors import SchemaTooNew

_STEP_RE = re.compile(r"^(\d{4})_[\w-]+\.sql$")


def _steps() -> list[tuple[int, str]]:
    steps = []
    for entry in resources.files(__package__).iterdir():
        match = _STEP_RE.match(entry.name)
        if match:
            steps.append((int(match.group(1)), entry.name))
    steps.sort()
    for expected, (number, name) in enumerate(steps, start=1):
        if number != expected:  # pragma: no cover - guards a packaging mistake
            raise RuntimeError(f"Migration manquante avant {name}")
    return steps


STEPS = _steps()
SCHEMA_VERSION = STEPS[-1][0]


def current_version(conn: Connection) -> int:
    return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())


def _read(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def split_statements(script: str) -> list[str]:
    """Split a migration script on ``;`` at line ends (our scripts hold no triggers)."""
    statements, buf = [], []
    for line in script.splitlines():
        if line.strip().startswith("--"):
            continue
        buf.append(line)
        if line.rstrip().endswith(";"):
            statement = "\n".join(buf).strip()
            if statement.strip(";").strip():
                statements.append(statement)
            buf = []
    tail = "\n".join(buf).strip()
    if tail:
        statements.append(tail)
    return statements


def upgrade(
    engine: Engine,
    path: Path | None,
    *,
    before_migration: Callable[[Path], Path | None] | None = None,
) -> Path | None:
    """Bring the database to :data:`SCHEMA_VERSION`; return the backup made first, if any."""
    with engine.connect() as conn:
        version = current_version(conn)
        has_tables = bool(
            conn.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE type='table'"
            ).scalar_one()
        )
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"Cette base a été créée par une version plus récente de Maillage "
            f"(schéma {version}, cette version connaît le schéma {SCHEMA_VERSION}). "
            "Mettez Maillage à jour pour l'ouvrir ; la base n'a pas été modifiée."
        )
    if version == SCHEMA_VERSION:
        refresh_search_index(engine)
        return None
    backup = None
    if path is not None and has_tables and before_migration is not None:
        backup = before_migration(path)
    for number, name in STEPS:
        if number <= version:
            continue
        with engine.connect() as conn:
            # The stamping guard does not concern DDL; run each step atomically.
            tx = conn.begin()
            for statement in split_statements(_read(name)):
                conn.exec_driver_sql(statement)
            conn.exec_driver_sql(f"PRAGMA user_version = {number}")
            tx.commit()
    refresh_search_index(engine)
    return backup


def _stored_sql(statement: str) -> tuple[str, str]:
    """The name of the object ``statement`` creates and the text SQLite keeps of it."""
    words = statement.split(None, 6)
    name = words[2] if words[1] == "TABLE" else words[3] if words[1] == "VIRTUAL" else words[2]
    return name, statement.strip().removesuffix(";").strip()


def refresh_search_index(engine: Engine) -> list[str]:
    """Rebuild the local search index of a table whose definition is not the current one.

    The search documents, their full-text index and triggers are derived, local data (never
    synced, never dumped): a base written before their definition changed — within one schema
    version — gets them dropped, created again and refilled from the records, instead of
    failing on a missing column. A base already current costs one read of ``sqlite_master``.
    Returns the tables rebuilt.
    """
    from app.storage.extra_schema import SEARCH_TABLES, document_columns, document_select, search_ddl

    rebuilt = []
    with engine.connect() as conn:
        stored = dict(conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE name LIKE 'search_%'").all())
    for table in SEARCH_TABLES:
        wanted = [_stored_sql(statement) for statement in search_ddl(table)]
        if all(stored.get(name) == sql for name, sql in wanted):
            continue
        with engine.begin() as conn:
            for name, sql in reversed(wanted):
                kind = "TRIGGER" if sql.startswith("CREATE TRIGGER") else "TABLE"
                conn.exec_driver_sql(f"DROP {kind} IF EXISTS {name}")
            for statement in search_ddl(table):
                conn.exec_driver_sql(statement)
            conn.exec_driver_sql(
                f"INSERT INTO search_{table}_docs ({', '.join(document_columns(table))}) "
                + document_select(table, "r", f"FROM {table} r"))
        rebuilt.append(table)
    return rebuilt


def generate_initial() -> str:
    """The DDL of the current models, as checked in for version 1."""
    from sqlalchemy import create_mock_engine
    from sqlalchemy.schema import CreateIndex, CreateTable

    from app.storage.models import Base

    engine = create_mock_engine("sqlite://", lambda *a, **k: None)
    out = ["-- Maillage schema, version 1. Generated from the models; do not edit by hand."]
    for table in Base.metadata.sorted_tables:
        out.append(str(CreateTable(table).compile(dialect=engine.dialect)).strip() + ";")
        for index in sorted(table.indexes, key=lambda i: i.name or ""):
            out.append(str(CreateIndex(index).compile(dialect=engine.dialect)).strip() + ";")
    from app.storage.extra_schema import EXTRA_DDL

    out.extend(statement.strip() for statement in EXTRA_DDL)
    return "\n\n".join(out) + "\n"

