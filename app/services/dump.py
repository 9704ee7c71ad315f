"""The canonical dump: every live record, without local sync bookkeeping, sorted by id.

Two machines holding the same data produce byte-identical dumps; sync tests rely on it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import select

from app.services.workspace import Workspace
from app.storage.models import SYNC_COLUMNS, SYNCED_MODELS

# Dump keys: the table names, with the sessions table under its domain name.
_EXCLUDED = SYNC_COLUMNS | {"deleted"}


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat()
    return value


def _rows(ws: Workspace, model: type) -> Iterator[dict[str, Any]]:
    columns = [c for c in model.__table__.columns if c.key not in _EXCLUDED]
    stmt = select(*columns).where(model.__table__.c.deleted.is_(False)).order_by(model.__table__.c.id)
    with ws.unit() as s:
        for row in s.execute(stmt.execution_options(yield_per=5000)):
            yield {c.key: _plain(v) for c, v in zip(columns, row)}


def tables() -> list[str]:
    return sorted(m.__tablename__ for m in SYNCED_MODELS)


def dump(ws: Workspace) -> dict[str, list[dict[str, Any]]]:
    """The whole dump in memory (fine for tests and small databases)."""
    models = {m.__tablename__: m for m in SYNCED_MODELS}
    return {name: list(_rows(ws, models[name])) for name in tables()}


def write_json(ws: Workspace, out: IO[str]) -> None:
    """Stream the dump as one JSON object (canonical: sorted keys, compact) to ``out``."""
    models = {m.__tablename__: m for m in SYNCED_MODELS}
    out.write("{")
    for i, name in enumerate(tables()):
        out.write(("," if i else "") + json.dumps(name) + ":[")
        for j, row in enumerate(_rows(ws, models[name])):
            out.write(("," if j else "") + json.dumps(row, sort_keys=True, ensure_ascii=False,
                                                       separators=(",", ":")))
        out.write("]")
    out.write("}\n")
