"""Declarative base and the sync bookkeeping every synced row carries.

Columns whose name starts with ``sync_`` plus ``change_seq`` and ``deleted_vv`` are local
sync bookkeeping: they never appear in ``maillage dump``. They are written in one place only,
:mod:`app.storage.stamping`.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Boolean, Integer, String, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.storage.ids import new_id


class JSONText(TypeDecorator):
    """JSON stored as canonical text (sorted keys, no spaces), ``None`` as NULL."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def process_result_value(self, value: str | None, dialect: Any) -> Any:
        if value is None:
            return None
        return json.loads(value)


class Base(DeclarativeBase):
    pass


SYNC_COLUMNS = frozenset(
    {
        "sync_vv",
        "sync_hlc",
        "sync_site",
        "sync_counter",
        "sync_fields",
        "sync_siblings",
        "deleted_vv",
        "change_seq",
    }
)
"""Local bookkeeping columns, excluded from dumps and from per-field stamps."""

UNSTAMPED_COLUMNS = SYNC_COLUMNS | {"id"}


class Synced:
    """Mixin for every record that travels between machines.

    - ``sync_vv``: version vector ``{site_id: counter}`` of what this row's state has seen;
    - ``sync_hlc`` / ``sync_site`` / ``sync_counter``: stamp of the last write
      (hybrid logical clock, site, that site's write counter);
    - ``sync_fields``: per-field stamps ``{"_": base_stamp, field: stamp}``, a stamp being
      ``[hlc, site, counter]``; a field not listed was last written by the base stamp;
    - ``sync_siblings``: concurrent losing values ``{field: [[value, stamp], ...]}`` (an open
      conflict), ``None`` when there is none;
    - ``deleted`` with ``deleted_vv``: a tombstone (rows are never physically deleted);
    - ``erased``: RGPD erasure, which always wins;
    - ``change_seq``: local change counter, the export cursor.
    """

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    sync_vv: Mapped[dict] = mapped_column(JSONText, nullable=False, default=dict)
    sync_hlc: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    sync_site: Mapped[str] = mapped_column(String(36), nullable=False, default="")
    sync_counter: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    sync_fields: Mapped[dict] = mapped_column(JSONText, nullable=False, default=dict)
    sync_siblings: Mapped[dict | None] = mapped_column(JSONText, nullable=True, default=None)
    deleted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    deleted_vv: Mapped[dict | None] = mapped_column(JSONText, nullable=True, default=None)
    erased: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    change_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0, index=True)


def user_columns(model: type) -> list[str]:
    """Names of the columns a user's edit can change (everything but id and bookkeeping)."""
    return [c.key for c in model.__table__.columns if c.key not in UNSTAMPED_COLUMNS]
