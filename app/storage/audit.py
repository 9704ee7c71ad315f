"""The audit log hook: who changed which fields of which record, when — never the values.

Installed next to the stamping hooks (:func:`app.storage.stamping.install_session_hooks`):

- ORM writes: after each flush, one :class:`AuditEntry` per created, changed or removed
  synced record (and local setting), with the names of the fields concerned only — the
  personal values of *publics accompagnés* (and everyone else) never enter the log;
- :func:`app.storage.stamping.bulk_insert` batches: one summary entry per batch and table
  (operation ``creation-lot``), not one per row;
- rows applied from another machine's sync file (``applying_remote_rows``) are not logged:
  they were logged where they were made, and the import itself is in the sync log.

A service attaches a reason (and, if it knows better than the hook, the operation) with
:func:`audit_reason` / :func:`set_audit_reason` on its session; unsealing a countersigned
session must carry the officer's reason that way.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from app.storage import stamping
from app.storage.models import AuditEntry, Setting, SyncState, Synced
from app.storage.models.base import UNSTAMPED_COLUMNS

_REASON = "maillage_audit_reason"
_OPERATION = "maillage_audit_operation"
_IN_FLUSH = "maillage_audit_in_flush"

# Operation codes stored in ``audit_log.operation`` (labels: app.services.audit).
CREATION = "creation"
CREATION_BATCH = "creation-lot"
MODIFICATION = "modification"
DELETION = "suppression"
RESTORATION = "restauration"
MERGE = "fusion"
ANONYMISATION = "anonymisation"
UNSEALING = "deverrouillage"
SEALING = "scellement"

_LOCAL_AUDITED = (Setting,)


def current_os_user() -> str:
    """The operating-system account of whoever runs Maillage."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no passwd entry, no variables: still log the change
        return os.environ.get("USERNAME") or os.environ.get("USER") or "inconnu"


def set_audit_reason(session: Session, reason: str, operation: str | None = None) -> None:
    """Attach ``reason`` (and optionally an operation code) to this session's next entries."""
    session.info[_REASON] = reason.strip()
    if operation is not None:
        session.info[_OPERATION] = operation
    else:
        session.info.pop(_OPERATION, None)


@contextmanager
def audit_reason(session: Session, reason: str, operation: str | None = None) -> Iterator[None]:
    """Within this block, the entries written by ``session`` carry ``reason``.

    Flush inside the block (``session.flush()``) if the changes would otherwise only be
    flushed at commit, after the block ends.
    """
    set_audit_reason(session, reason, operation)
    try:
        yield
        session.flush()
    finally:
        session.info.pop(_REASON, None)
        session.info.pop(_OPERATION, None)


def _record_id(obj: Any) -> str:
    if isinstance(obj, Setting):
        return obj.key
    return str(obj.id)


def _user_keys(obj: Any) -> list[str]:
    state = inspect(obj)
    return [
        a.key for a in state.mapper.column_attrs
        if a.key not in UNSTAMPED_COLUMNS and not any(c.primary_key for c in a.columns)
    ]


def _changed(obj: Any) -> list[str]:
    state = inspect(obj)
    return [k for k in _user_keys(obj) if state.attrs[k].history.has_changes()]


def _filled(obj: Any) -> list[str]:
    """Fields a new record was created with (non-empty values), names only."""
    names = []
    for key in _user_keys(obj):
        value = getattr(obj, key)
        if value not in (None, "", False, [], {}) and key not in ("deleted", "erased"):
            names.append(key)
    return names


def _operation_of_update(obj: Any, fields: Sequence[str]) -> str:
    if isinstance(obj, Synced):
        if "erased" in fields and obj.erased:
            return ANONYMISATION
        if "deleted" in fields:
            return DELETION if obj.deleted else RESTORATION
        if "merged_into" in fields and getattr(obj, "merged_into", None):
            return MERGE
        if "sealed" in fields and getattr(obj, "__tablename__", "") == "sessions":
            return SEALING if obj.sealed else UNSEALING
    return MODIFICATION


def _base_entry(conn: Connection, now: dt.datetime) -> dict[str, Any]:
    site = conn.execute(select(SyncState.site_id).where(SyncState.id == 1)).scalar() or ""
    return {"at": now, "os_user": current_os_user(), "site_id": site}


def entry_rows(session: Session) -> list[dict[str, Any]]:
    """The audit rows describing the session's pending (pre-flush state) changes."""
    reason = session.info.get(_REASON, "")
    forced = session.info.get(_OPERATION)
    rows: list[dict[str, Any]] = []

    def audited(obj: Any) -> bool:
        return isinstance(obj, (Synced, *_LOCAL_AUDITED))

    for obj in session.new:
        if audited(obj):
            rows.append({"table_name": obj.__tablename__, "record_id": _record_id(obj),
                         "operation": forced or CREATION, "fields": sorted(_filled(obj)),
                         "reason": reason})
    for obj in session.dirty:
        if audited(obj):
            fields = _changed(obj)
            if fields:
                rows.append({"table_name": obj.__tablename__, "record_id": _record_id(obj),
                             "operation": forced or _operation_of_update(obj, fields),
                             "fields": sorted(fields), "reason": reason})
    for obj in session.deleted:
        if audited(obj):
            rows.append({"table_name": obj.__tablename__, "record_id": _record_id(obj),
                         "operation": DELETION, "fields": [], "reason": reason})
    rows.sort(key=lambda r: (r["table_name"], r["record_id"]))
    return rows


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    # Marks the connection so the bulk hook below ignores the flush's own statements.
    session.connection().info[_IN_FLUSH] = True


def _after_flush(session: Session, flush_context: Any) -> None:
    if not session.in_transaction():
        return
    conn = session.connection()
    try:
        if session.info.get(stamping._APPLY):
            return
        rows = entry_rows(session)
        if rows:
            base = _base_entry(conn, dt.datetime.now().replace(microsecond=0))
            conn.execute(insert(AuditEntry.__table__), [{**base, **r} for r in rows])
    finally:
        conn.info.pop(_IN_FLUSH, None)


def _after_soft_rollback(session: Session, previous_transaction: Any) -> None:
    for conn in list(getattr(previous_transaction, "_connections", {}).values()):
        try:
            conn[0].info.pop(_IN_FLUSH, None)
        except Exception:  # pragma: no cover - connection already closed
            pass


def _after_execute(
    conn: Connection, clause: Any, multiparams: Any, params: Any, options: Any, result: Any
) -> None:
    """One summary entry per :func:`bulk_insert` batch of rows stamped here."""
    if not isinstance(clause, Insert) or conn.info.get(_IN_FLUSH):
        return
    table = clause.table.name
    if table not in stamping.SYNCED_TABLES or not conn.info.get(stamping._FLAG):
        return
    rows = list(multiparams) if multiparams else ([params] if params else [])
    if not rows:
        return
    base = _base_entry(conn, dt.datetime.now().replace(microsecond=0))
    local = [r for r in rows if r.get("sync_site") == base["site_id"]]
    if not local:
        return  # another machine's rows being applied by the sync import
    fields = sorted({k for r in local for k in r if k not in UNSTAMPED_COLUMNS} - {"deleted", "erased"})
    n = len(local)
    conn.execute(
        insert(AuditEntry.__table__),
        {**base, "table_name": table, "record_id": str(local[0].get("id", "")),
         "operation": CREATION_BATCH, "fields": fields,
         "reason": f"Lot de {n} enregistrement{'s' if n > 1 else ''}"},
    )


def _clear_marker(conn: Connection) -> None:
    conn.info.pop(_IN_FLUSH, None)


def install_audit_hooks(session_class: Any) -> None:
    """Attach the audit hooks to a sessionmaker (and to its engine, for bulk batches)."""
    # Markers, not event.contains (keyed by id(), fooled by a reused address).
    if getattr(session_class, "_maillage_audit", False):
        return
    session_class._maillage_audit = True
    event.listen(session_class, "before_flush", _before_flush)
    event.listen(session_class, "after_flush", _after_flush)
    event.listen(session_class, "after_soft_rollback", _after_soft_rollback)
    engine = getattr(session_class, "kw", {}).get("bind")
    if isinstance(engine, Engine) and not getattr(engine, "_maillage_audit", False):
        engine._maillage_audit = True
        event.listen(engine, "after_execute", _after_execute)
        event.listen(engine, "commit", _clear_marker)
        event.listen(engine, "rollback", _clear_marker)
