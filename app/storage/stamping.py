"""The one place where synced writes are stamped.

Every write to a synced table goes through :func:`_before_flush` (ORM) or
:func:`bulk_insert` (large generated or imported batches). Both draw counters and clock
values from the single ``sync_state`` row inside the writing transaction, so two processes
writing the same file never reuse a counter. A cursor-level guard refuses any other
INSERT / UPDATE / DELETE on a synced table, so nothing bypasses the stamping.

Stamp = ``[hlc, site_id, counter]``: the hybrid logical clock orders writes for display and
tie-breaks; ``(site_id, counter)`` identifies the write in version vectors.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from typing import Any, Iterator

from sqlalchemy import event, insert, inspect, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from app.errors import WriteBypassError
from app.storage.ids import new_id
from app.storage.models import SYNCED_MODELS, SyncState, Synced
from app.storage.models.base import UNSTAMPED_COLUMNS

SYNCED_TABLES = frozenset(m.__tablename__ for m in SYNCED_MODELS)
_WRITE_RE = re.compile(
    r"^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)"
    r"\s+[\"`\[]?(\w+)",
    re.IGNORECASE,
)
_FLAG = "maillage_stamped_write"
_APPLY = "maillage_sync_apply"

Stamp = list  # [hlc, site_id, counter]


def physical_hlc(now: float | None = None) -> int:
    """The HLC value of the wall clock: milliseconds shifted left 16 bits."""
    return int((time.time() if now is None else now) * 1000) << 16


class _Clock:
    """This transaction's view of the ``sync_state`` row, written back once."""

    def __init__(self, conn: Connection) -> None:
        row = conn.execute(
            select(SyncState.site_id, SyncState.counter, SyncState.hlc, SyncState.change_seq)
            .where(SyncState.id == 1)
        ).one_or_none()
        if row is None:
            raise WriteBypassError("Base sans identité de site : ouvrez-la avec open_database().")
        self.conn = conn
        self.site_id: str = row.site_id
        self.counter: int = row.counter
        self.hlc: int = row.hlc
        self.change_seq: int = row.change_seq

    def next_stamp(self) -> Stamp:
        self.counter += 1
        self.hlc = max(self.hlc + 1, physical_hlc())
        return [self.hlc, self.site_id, self.counter]

    def next_change_seq(self) -> int:
        self.change_seq += 1
        return self.change_seq

    def save(self) -> None:
        self.conn.execute(
            update(SyncState)
            .where(SyncState.id == 1)
            .values(counter=self.counter, hlc=self.hlc, change_seq=self.change_seq)
        )


def _stamp_new(obj: Synced, clock: _Clock) -> None:
    if obj.id is None:
        natural = getattr(obj, "natural_id", None)
        obj.id = natural() if natural is not None else new_id()
    hlc, site, counter = clock.next_stamp()
    obj.sync_vv = {site: counter}
    obj.sync_hlc, obj.sync_site, obj.sync_counter = hlc, site, counter
    obj.sync_fields = {"_": [hlc, site, counter]}
    obj.deleted_vv = {site: counter} if obj.deleted else None
    obj.change_seq = clock.next_change_seq()


def changed_fields(obj: Synced) -> list[str]:
    """User fields of ``obj`` whose value differs from the loaded one."""
    state = inspect(obj)
    return [
        attr.key
        for attr in state.mapper.column_attrs
        if attr.key not in UNSTAMPED_COLUMNS and state.attrs[attr.key].history.has_changes()
    ]


def _stamp_update(obj: Synced, fields: Sequence[str], clock: _Clock) -> None:
    stamp = clock.next_stamp()
    hlc, site, counter = stamp
    vv = dict(obj.sync_vv or {})
    vv[site] = counter
    obj.sync_vv = vv
    obj.sync_hlc, obj.sync_site, obj.sync_counter = hlc, site, counter
    per_field = dict(obj.sync_fields or {})
    per_field.setdefault("_", [0, "", 0])
    for name in fields:
        per_field[name] = stamp
    obj.sync_fields = per_field
    if obj.sync_siblings:
        # An ordinary edit supersedes every concurrent value it has seen.
        remaining = {k: v for k, v in obj.sync_siblings.items() if k not in fields}
        obj.sync_siblings = remaining or None
    if "deleted" in fields:
        obj.deleted_vv = dict(vv) if obj.deleted else None
    obj.change_seq = clock.next_change_seq()


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    synced_deleted = [o for o in session.deleted if isinstance(o, Synced)]
    if synced_deleted:
        raise WriteBypassError(
            "Suppression physique interdite sur une table synchronisée "
            f"({synced_deleted[0].__tablename__}) : marquez l'enregistrement supprimé."
        )
    new = [o for o in session.new if isinstance(o, Synced)]
    dirty = []
    for obj in session.dirty:
        if isinstance(obj, Synced):
            fields = changed_fields(obj)
            if fields:
                dirty.append((obj, fields))
    if not new and not dirty:
        return
    conn = session.connection()
    conn.info[_FLAG] = True
    clock = _Clock(conn)
    if session.info.get(_APPLY):
        # Applying another machine's stamped rows: only the local export cursor moves.
        for obj in new:
            obj.change_seq = clock.next_change_seq()
        for obj, _fields in dirty:
            obj.change_seq = clock.next_change_seq()
    else:
        for obj in new:
            _stamp_new(obj, clock)
        for obj, fields in dirty:
            _stamp_update(obj, fields, clock)
    clock.save()


def _after_flush(session: Session, flush_context: Any) -> None:
    if session.in_transaction():
        session.connection().info.pop(_FLAG, None)


def _after_soft_rollback(session: Session, previous_transaction: Any) -> None:
    for conn in list(getattr(previous_transaction, "_connections", {}).values()):
        try:
            conn[0].info.pop(_FLAG, None)
        except Exception:  # pragma: no cover - connection already closed
            pass


def install_session_hooks(session_class: type[Session] | Any) -> None:
    """Attach the stamping hooks to a session class or sessionmaker (once).

    A marker on the target, not ``event.contains``: SQLAlchemy's registry is keyed by
    ``id()``, so a new factory reusing a collected one's address would be thought hooked.
    """
    if not getattr(session_class, "_maillage_stamping", False):
        session_class._maillage_stamping = True
        event.listen(session_class, "before_flush", _before_flush)
        event.listen(session_class, "after_flush", _after_flush)
        event.listen(session_class, "after_soft_rollback", _after_soft_rollback)
    from app.storage.audit import install_audit_hooks

    install_audit_hooks(session_class)


def _guard_cursor(conn: Connection, cursor: Any, statement: str, *args: Any) -> None:
    match = _WRITE_RE.match(statement)
    if match and match.group(1).lower() in SYNCED_TABLES and not conn.info.get(_FLAG):
        raise WriteBypassError(
            f"Écriture non tracée sur la table synchronisée « {match.group(1)} » : "
            "passez par les services."
        )


def install_engine_guard(engine: Engine) -> None:
    """Refuse any write to a synced table that did not go through the stamping."""
    event.listen(engine, "before_cursor_execute", _guard_cursor)


@contextmanager
def applying_remote_rows(session: Session) -> Iterator[None]:
    """Within this block, flushes keep the incoming rows' stamps (used by sync import)."""
    session.info[_APPLY] = True
    try:
        yield
    finally:
        session.info.pop(_APPLY, None)


@contextmanager
def stamped_connection(session: Session) -> Iterator[Connection]:
    """A connection allowed to write synced tables; callers stamp rows themselves."""
    conn = session.connection()
    conn.info[_FLAG] = True
    try:
        yield conn
    finally:
        conn.info.pop(_FLAG, None)


def bulk_insert(session: Session, model: type[Synced], rows: Iterable[dict[str, Any]]) -> int:
    """Stamp plain row dicts like the flush hook would, then insert them in one batch.

    Used for large generated data and imports where building ORM objects would be too slow.
    Rows without ``id`` get a fresh UUIDv7. Returns the number of rows inserted.
    """
    rows = list(rows)
    if not rows:
        return 0
    with stamped_connection(session) as conn:
        clock = _Clock(conn)
        for row in rows:
            if "id" not in row:
                row["id"] = new_id()
            hlc, site, counter = clock.next_stamp()
            row["sync_vv"] = {site: counter}
            row["sync_hlc"], row["sync_site"], row["sync_counter"] = hlc, site, counter
            row["sync_fields"] = {"_": [hlc, site, counter]}
            row.setdefault("sync_siblings", None)
            row.setdefault("deleted", False)
            row["deleted_vv"] = {site: counter} if row["deleted"] else None
            row.setdefault("erased", False)
            row["change_seq"] = clock.next_change_seq()
        conn.execute(insert(model.__table__), rows)
        clock.save()
    return len(rows)
