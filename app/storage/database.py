"""Opening a Maillage database: engine, pragmas, migrations, this machine's site identity."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.domain.text import fold
from app.storage import migrations
from app.storage.ids import new_id
from app.storage.models import SyncState
from app.storage.stamping import install_engine_guard, install_session_hooks


@dataclass
class Database:
    """An open database: one engine for the life of the process, and its session factory."""

    path: Path | None
    engine: Engine
    sessions: sessionmaker[Session]
    site_id: str
    schema_version: int
    backup_path: Path | None = None

    def session(self, *, write: bool = False) -> Session:
        """A new session; ``write=True`` begins with ``BEGIN IMMEDIATE`` (takes the write lock)."""
        if write:
            return self.sessions(bind=self.engine.execution_options(maillage_immediate=True))
        return self.sessions()

    def close(self) -> None:
        self.engine.dispose()


def sql_fold(value: Any) -> Any:
    """:func:`app.domain.text.fold` as the SQL function ``maillage_fold``, with a fast path.

    The search triggers call it for every value written (100 000 rows in a sync import):
    plain ASCII text, the common case, folds to its lower case with no Unicode work, the
    very result ``fold`` gives.
    """
    if type(value) is str:
        return value.lower() if value.isascii() else _fold_accented(value)
    return fold(value)


@lru_cache(maxsize=1 << 16)
def _fold_accented(value: str) -> str:
    # Names, communes and kinds repeat a lot across 100 000 rows (« Sénart », « Hélène »):
    # each distinct value is folded once.
    return fold(value)


def _on_connect(dbapi_conn: sqlite3.Connection, record: Any) -> None:
    # Take control of transactions ourselves (pysqlite's implicit BEGIN is unreliable).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA busy_timeout = 10000")
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.close()
    # Accent- and case-insensitive search and sorting in SQL.
    dbapi_conn.create_function("maillage_fold", 1, sql_fold, deterministic=True)


def _on_begin(conn: Any) -> None:
    if conn.get_execution_options().get("maillage_immediate"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def make_engine(path: Path | None) -> Engine:
    url = "sqlite://" if path is None else f"sqlite:///{path}"
    kwargs: dict[str, Any] = {}
    if path is None:
        from sqlalchemy.pool import StaticPool

        kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    else:
        kwargs = {"connect_args": {"check_same_thread": False}}
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    install_engine_guard(engine)
    return engine


def file_identity(path: Path | None) -> str:
    """Identity of the file holding the database: a copy has another one."""
    if path is None:
        return "memoire"
    st = os.stat(path)
    return f"{st.st_dev}:{st.st_ino}"


def _ensure_site(engine: Engine, path: Path | None) -> str:
    identity = file_identity(path)
    with Session(engine.execution_options(maillage_immediate=True)) as session, session.begin():
        state = session.get(SyncState, 1)
        if state is None:
            state = SyncState(id=1, site_id=new_id(), db_identity=identity)
            session.add(state)
        elif state.db_identity != identity:
            # The file was copied (or restored from a backup): the copy is a new site,
            # so it can never reuse the counters of the original.
            state.previous_site_ids = [*state.previous_site_ids, state.site_id]
            state.site_id = new_id()
            state.counter = 0
            state.db_identity = identity
        return state.site_id


def open_database(
    path: Path | str | None,
    *,
    create: bool = True,
    backup_dir: Path | None = None,
    before_migration: Callable[[Path], Path | None] | None = None,
) -> Database:
    """Open (and if needed create and migrate) the database at ``path``; ``None`` = in memory.

    A database written by a newer Maillage raises :class:`app.errors.SchemaTooNew`.
    Before migrating an existing file, ``before_migration(path)`` makes a backup copy.
    """
    from app.errors import DatabaseError

    p = None if path is None else Path(path)
    if p is not None:
        if not p.exists() and not create:
            raise DatabaseError(f"La base « {p} » n'existe pas.")
        p.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(p)
    backup_path = None
    try:
        backup_path = migrations.upgrade(engine, p, before_migration=before_migration)
        site_id = _ensure_site(engine, p)
    except Exception:
        engine.dispose()
        raise
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    install_session_hooks(factory)
    with engine.connect() as conn:
        version = migrations.current_version(conn)
    return Database(
        path=p,
        engine=engine,
        sessions=factory,
        site_id=site_id,
        schema_version=version,
        backup_path=backup_path,
    )


def site_id_of(db: Database) -> str:
    with db.session() as s:
        return s.execute(select(SyncState.site_id)).scalar_one()
