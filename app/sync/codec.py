"""Rows on the wire: every synced table's columns as canonical JSON values.

A *wire row* is a plain ``dict``: each column of the model (user fields, ``id`` and the sync
bookkeeping, but never the local ``change_seq``) mapped to a JSON value — dates, times and
datetimes as ISO 8601 text, JSON columns as their object. The merge works on wire rows, the
file stores them one per line with sorted keys, and :func:`to_db` turns them back into the
Python values SQLAlchemy binds.

Incoming rows are checked strictly (:func:`check_row`): exactly the model's columns, each with
a value of the right JSON type. A malformed row raises :class:`~app.sync.errors.DamagedFile`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, Text, Time
from sqlalchemy.sql.schema import Column, Table

from app.storage.models import SYNCED_MODELS, JSONText
from app.storage.models.base import SYNC_COLUMNS
from app.sync.errors import DamagedFile

LOCAL_ONLY = frozenset({"change_seq"})
"""Columns that never travel."""

BOOKKEEPING = SYNC_COLUMNS - LOCAL_ONLY
"""Sync columns that travel with each row (vector, stamps, siblings, tombstone vector)."""

BLOB_COLUMNS: dict[str, tuple[str, ...]] = {
    "attendance": ("signature_sha256",),
    "sessions": ("countersign_sha256",),
    "attachments": ("blob_sha256",),
}
"""Columns holding a :class:`~app.storage.models.Blob` hash (images travel by hash)."""


def canonical(value: Any) -> str:
    """The canonical JSON text of a value (sorted keys, compact, UTF-8 kept)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _iso(value: Any) -> Any:
    return None if value is None else value.isoformat()


def _identity(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class TableCodec:
    """How one synced table's rows convert between the database and the wire."""

    name: str
    table: Table
    columns: tuple[Column, ...]
    user_fields: tuple[str, ...]
    """Fields merged one by one (everything but ``id`` and the bookkeeping)."""
    _to_wire: tuple[tuple[str, Callable[[Any], Any]], ...]
    _to_db: tuple[tuple[str, Callable[[Any], Any]], ...]
    _checks: tuple[tuple[str, Callable[[Any], bool], bool], ...]

    def to_wire(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """A database row (a mapping by column key) as a wire row."""
        return {key: conv(row[key]) for key, conv in self._to_wire}

    def to_db(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """A wire row as the values to bind in an INSERT or UPDATE."""
        return {key: conv(row[key]) for key, conv in self._to_db}

    def check_row(self, row: Any) -> dict[str, Any]:
        """Refuse anything but a well-formed wire row of this table."""
        if not isinstance(row, dict):
            raise DamagedFile(f"Fichier invalide : une ligne de « {self.name} » n'est pas un objet.")
        if len(row) != len(self._checks) or any(key not in row for key, _c, _n in self._checks):
            expected = {key for key, _c, _n in self._checks}
            diff = sorted(set(row) ^ expected)
            raise DamagedFile(
                f"Fichier invalide : colonnes inattendues ou manquantes dans « {self.name} » "
                f"({', '.join(diff[:5])})."
            )
        for key, check, nullable in self._checks:
            value = row[key]
            if value is None:
                if nullable:
                    continue
            elif check(value):
                continue
            raise DamagedFile(
                f"Fichier invalide : valeur incorrecte pour « {self.name}.{key} » "
                f"(enregistrement {str(row.get('id'))[:36]})."
            )
        return row


def _is_str(v: Any) -> bool:
    return isinstance(v, str)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_bool(v: Any) -> bool:
    return isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _iso_check(parse: Callable[[str], Any]) -> Callable[[Any], bool]:
    def check(v: Any) -> bool:
        if not isinstance(v, str):
            return False
        try:
            parse(v)
        except ValueError:
            return False
        return True

    return check


def _parse_or_none(parse: Callable[[str], Any]) -> Callable[[Any], Any]:
    def conv(v: Any) -> Any:
        if v is None or not isinstance(v, str):
            return v  # already a Python value (a chosen value from the GUI)
        return parse(v)

    return conv


_VECTOR_COLUMNS = {"sync_vv", "deleted_vv"}


def _vector_check(v: Any) -> bool:
    return isinstance(v, dict) and all(
        isinstance(k, str) and isinstance(c, int) and not isinstance(c, bool) and c >= 0
        for k, c in v.items()
    )


def _stamp_ok(s: Any) -> bool:
    return (
        isinstance(s, list) and len(s) == 3 and _is_int(s[0]) and isinstance(s[1], str)
        and _is_int(s[2])
    )


def _fields_check(v: Any) -> bool:
    return isinstance(v, dict) and all(isinstance(k, str) and _stamp_ok(s) for k, s in v.items())


def _siblings_check(v: Any) -> bool:
    return isinstance(v, dict) and all(
        isinstance(k, str) and isinstance(entries, list)
        and all(isinstance(e, list) and len(e) == 2 and _stamp_ok(e[1]) for e in entries)
        for k, entries in v.items()
    )


_SPECIAL_CHECKS: dict[str, Callable[[Any], bool]] = {
    "sync_vv": _vector_check,
    "deleted_vv": _vector_check,
    "sync_fields": _fields_check,
    "sync_siblings": _siblings_check,
}


def _codec(model: type) -> TableCodec:
    table: Table = model.__table__
    columns = tuple(c for c in table.columns if c.key not in LOCAL_ONLY)
    to_wire: list[tuple[str, Callable[[Any], Any]]] = []
    to_db: list[tuple[str, Callable[[Any], Any]]] = []
    checks: list[tuple[str, Callable[[Any], bool], bool]] = []
    for col in columns:
        t = col.type
        if isinstance(t, DateTime):
            to_wire.append((col.key, _iso))
            to_db.append((col.key, _parse_or_none(dt.datetime.fromisoformat)))
            check = _iso_check(dt.datetime.fromisoformat)
        elif isinstance(t, Date):
            to_wire.append((col.key, _iso))
            to_db.append((col.key, _parse_or_none(dt.date.fromisoformat)))
            check = _iso_check(dt.date.fromisoformat)
        elif isinstance(t, Time):
            to_wire.append((col.key, _iso))
            to_db.append((col.key, _parse_or_none(dt.time.fromisoformat)))
            check = _iso_check(dt.time.fromisoformat)
        else:
            to_wire.append((col.key, _identity))
            to_db.append((col.key, _identity))
            if col.key in _SPECIAL_CHECKS:
                check = _SPECIAL_CHECKS[col.key]
            elif isinstance(t, JSONText):
                check = lambda v: True  # noqa: E731 - any JSON value
            elif isinstance(t, Boolean):
                check = _is_bool
            elif isinstance(t, Integer):
                check = _is_int
            elif isinstance(t, Float):
                check = _is_num
            elif isinstance(t, (String, Text)):
                check = _is_str
            else:  # pragma: no cover - a new column type needs a converter here
                raise TypeError(f"type de colonne non pris en charge : {table.name}.{col.key}")
        checks.append((col.key, check, bool(col.nullable)))
    user_fields = tuple(c.key for c in columns if c.key not in BOOKKEEPING and c.key != "id")
    return TableCodec(
        name=table.name,
        table=table,
        columns=columns,
        user_fields=user_fields,
        _to_wire=tuple(to_wire),
        _to_db=tuple(to_db),
        _checks=tuple(checks),
    )


CODECS: dict[str, TableCodec] = {m.__tablename__: _codec(m) for m in SYNCED_MODELS}
"""Every synced table's codec, in the order files are applied (parents first)."""

MODELS: dict[str, type] = {m.__tablename__: m for m in SYNCED_MODELS}


def value_to_wire(table: str, field: str, value: Any) -> Any:
    """One Python value of ``table.field`` as its wire form (ISO text for dates)."""
    codec = CODECS[table]
    for key, conv in codec._to_wire:
        if key == field:
            return conv(value)
    raise KeyError(field)


def value_to_db(table: str, field: str, value: Any) -> Any:
    """One wire (or already Python) value of ``table.field`` as the value to store."""
    codec = CODECS[table]
    for key, conv in codec._to_db:
        if key == field:
            return conv(value)
    raise KeyError(field)
