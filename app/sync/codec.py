"""Rows on the wire: each synced row as one canonical JSON object, made and read by SQLite.

A *wire row* holds every column of the model (user fields, ``id`` and the sync bookkeeping,
never the local ``change_seq``) with sorted keys. Values are the database's own: text as is,
booleans as ``true``/``false``, JSON columns as their object, and dates, times and datetimes
as the text SQLAlchemy stores (``2026-03-02``, ``09:00:00.000000``,
``2026-03-02 09:05:00.000000``).

Speed matters (100 000 rows in seconds), so lines are rendered by SQLite itself with
``json_object`` (:meth:`TableCodec.lines`) and incoming lines are inserted or updated with
``json_extract`` on the line text (:attr:`TableCodec.insert_sql`,
:attr:`TableCodec.update_sql`): values never go through Python one by one. Tables with REAL
columns are rendered in Python instead (SQLite 3.40 prints floats with 15 digits only, which
would not round-trip); they are small (actions, conventions, instalments).

Incoming rows are checked strictly (:meth:`TableCodec.check_row`): exactly the model's
columns, each with a value of the right JSON type and format. A malformed row raises
:class:`~app.sync.errors.DamagedFile`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, Text, Time
from sqlalchemy.engine import Connection
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

BLOB_FOREIGN_KEYS: dict[str, tuple[str, ...]] = {
    m.__tablename__: tuple(
        c.key for c in m.__table__.columns
        if any(fk.column.table.name == "blobs" for fk in c.foreign_keys)
    )
    for m in SYNCED_MODELS
    if any(fk.column.table.name == "blobs" for c in m.__table__.columns for fk in c.foreign_keys)
}
"""Blob columns the database holds to a foreign key (``attachments.blob_sha256``): their
content must travel with every copy of the row, like a parent row."""

IN_CHUNK = 500
"""Ids per ``IN (…)`` query."""


def canonical(value: Any) -> str:
    """The canonical JSON text of a value (sorted keys, compact, UTF-8 kept)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# --- checks --------------------------------------------------------------------------------

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{2}:\d{2}:\d{2}(?:\.\d{6})?$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{6})?$")


def _date_ok(v: Any) -> bool:
    if not _DATE.match(v):
        return False
    try:
        dt.date.fromisoformat(v)
    except ValueError:
        return False
    return True


def _time_ok(v: Any) -> bool:
    if not _TIME.match(v):
        return False
    try:
        dt.time.fromisoformat(v)
    except ValueError:
        return False
    return True


def _datetime_ok(v: Any) -> bool:
    if not _DATETIME.match(v):
        return False
    try:
        dt.datetime.fromisoformat(v)
    except ValueError:
        return False
    return True


MAX_CLOCK = 1 << 62
"""Clocks and counters stay far below SQLite's 2⁶³ (a clock years ahead is still fine)."""


def _vector_ok(v: Any) -> bool:
    return type(v) is dict and all(type(c) is int and 0 <= c < MAX_CLOCK for c in v.values())


def _stamp_ok(s: Any) -> bool:
    return (type(s) is list and len(s) == 3 and type(s[0]) is int and type(s[1]) is str
            and type(s[2]) is int and 0 <= s[0] < MAX_CLOCK and 0 <= s[2] < MAX_CLOCK)


def _fields_ok(v: Any) -> bool:
    return type(v) is dict and all(_stamp_ok(s) for s in v.values())


def _siblings_ok(v: Any) -> bool:
    return type(v) is dict and all(
        type(es) is list and all(type(e) is list and len(e) == 2 and _stamp_ok(e[1]) for e in es)
        for es in v.values()
    )


_JSON_TYPES = (dict, list, str, int, float, bool)
_NONE = type(None)


# --- the codec -----------------------------------------------------------------------------

def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class TableCodec:
    """How one synced table's rows go to and come from the wire."""

    name: str
    table: Table
    columns: tuple[Column, ...]
    keys: tuple[str, ...]
    """Column keys in wire order (sorted)."""
    user_fields: tuple[str, ...]
    """Fields merged one by one (everything but ``id`` and the bookkeeping)."""
    float_keys: tuple[str, ...]
    render_sql: str
    """``json_object(...)`` of a row (without the REAL columns, added in Python)."""
    insert_sql: str
    """``INSERT`` from a line: parameters ``(line, change_seq)``."""
    update_sql: str
    """``UPDATE`` of every column from a line: parameters ``(line, change_seq, id)``."""
    invalid_sql: str
    """Finds a written row whose stored values break the column rules (``{ids}``: the
    placeholders). Python checks each line before writing; this checks what SQLite actually
    wrote (a line repeating a key is read differently by the two)."""
    _keyset: frozenset[str]
    _types: tuple[tuple[str, tuple[type, ...]], ...]
    _deep: tuple[tuple[str, Callable[[Any], bool]], ...]

    # -- database → wire

    def lines(self, conn: Connection, where: str = "", params: Sequence[Any] = (),
              extra: Sequence[str] = ()) -> Iterator[tuple[Any, ...]]:
        """``(line, *extra)`` for each row matching ``where`` (SQL on ``t``), by id."""
        cols = [self.render_sql, *(f"t.{_q(k)}" for k in self.float_keys), *extra]
        sql = f"SELECT {', '.join(cols)} FROM {_q(self.name)} AS t {where} ORDER BY t.id"
        result = conn.exec_driver_sql(sql, tuple(params))
        n_float = len(self.float_keys)
        if not n_float:
            yield from result
            return
        for row in result:
            obj = json.loads(row[0])
            for key, value in zip(self.float_keys, row[1 : 1 + n_float]):
                obj[key] = value
            yield (canonical(obj), *row[1 + n_float :])

    def load(self, conn: Connection, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The wire rows of ``ids`` held here, by id."""
        out: dict[str, dict[str, Any]] = {}
        for i in range(0, len(ids), IN_CHUNK):
            chunk = list(ids[i : i + IN_CHUNK])
            where = f"WHERE t.id IN ({', '.join('?' * len(chunk))})"
            for (line,) in self.lines(conn, where, chunk):
                row = json.loads(line)
                out[row["id"]] = row
        return out

    # -- wire → database

    def upgrade(self, row: Any) -> Any:
        """A row written under an older schema: columns added since take their default
        (``None`` when nullable), columns removed since are dropped. Rows of a column added
        without a default cannot be completed and are refused."""
        if type(row) is not dict:
            return row
        out = {k: v for k, v in row.items() if k in self._keyset}
        for col in self.columns:
            if col.key in out:
                continue
            default = col.default
            if default is not None and getattr(default, "is_scalar", False):
                out[col.key] = default.arg
            elif default is not None and getattr(default, "is_callable", False):
                out[col.key] = default.arg(None)
            elif col.nullable:
                out[col.key] = None
            else:
                raise DamagedFile(
                    f"Fichier d'une version antérieure : la colonne « {self.name}.{col.key} » "
                    "ne peut pas être complétée."
                )
        return out

    def check_written(self, conn: Connection, ids: Sequence[str]) -> None:
        """Refuse the file if a row just written holds a value of the wrong kind."""
        for i in range(0, len(ids), IN_CHUNK):
            chunk = list(ids[i : i + IN_CHUNK])
            sql = self.invalid_sql.replace("{ids}", ", ".join("?" * len(chunk)))
            bad = conn.exec_driver_sql(sql, tuple(chunk)).first()
            if bad is not None:
                raise DamagedFile(
                    f"Fichier invalide : valeur incorrecte dans « {self.name} » (enregistrement {bad[0]})."
                )

    def update_sql_for(self, keys: frozenset[str]) -> str:
        """``UPDATE`` of only ``keys`` from a line (parameters as :attr:`update_sql`).

        Writing only what changed keeps ``UPDATE OF`` triggers (the search index) quiet
        for the columns that did not change.
        """
        cached = _UPDATE_CACHE.get((self.name, keys))
        if cached is None:
            cols = [c for c in self.columns if c.key in keys and c.key != "id"]
            sets = "".join(f"{_q(c.key)} = {_extract_expr(c)}, " for c in cols)
            cached = f"UPDATE {_q(self.name)} SET {sets}change_seq = ?2 WHERE id = ?3"
            _UPDATE_CACHE[(self.name, keys)] = cached
        return cached

    def check_row(self, row: Any) -> dict[str, Any]:
        """Refuse anything but a well-formed wire row of this table."""
        if type(row) is not dict or row.keys() != self._keyset:
            if type(row) is not dict:
                raise DamagedFile(f"Fichier invalide : une ligne de « {self.name} » n'est pas un objet.")
            diff = sorted(set(row) ^ self._keyset)
            raise DamagedFile(
                f"Fichier invalide : colonnes inattendues ou manquantes dans « {self.name} » "
                f"({', '.join(diff[:5])})."
            )
        for key, types in self._types:
            if type(row[key]) not in types:
                self._bad(row, key)
        for key, check in self._deep:
            value = row[key]
            if value is not None and not check(value):
                self._bad(row, key)
        return row

    def _bad(self, row: dict[str, Any], key: str) -> None:
        raise DamagedFile(
            f"Fichier invalide : valeur incorrecte pour « {self.name}.{key} » "
            f"(enregistrement {str(row.get('id'))[:36]})."
        )


_UPDATE_CACHE: dict[tuple[str, frozenset[str]], str] = {}


def changed_keys(old: dict[str, Any], new: dict[str, Any]) -> frozenset[str]:
    """The keys whose value differs between two wire rows of one table."""
    return frozenset(k for k, v in new.items() if old.get(k) != v or type(old.get(k)) is not type(v))


_DIGITS_DATE = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
_DIGITS_TIME = "[0-9][0-9]:[0-9][0-9]:[0-9][0-9]"


def _stored_ok(col: Column) -> str:
    """SQL: the stored value of ``col`` (in row ``t``) is of the kind the model expects."""
    c = "t." + _q(col.key)
    t = col.type
    if col.key in ("sync_vv", "deleted_vv", "sync_fields", "sync_siblings"):
        rule = f"json_valid({c}) AND json_type({c}) = 'object'"
    elif isinstance(t, JSONText):
        rule = f"json_valid({c})"
    elif isinstance(t, DateTime):
        rule = f"typeof({c}) = 'text' AND {c} GLOB '{_DIGITS_DATE} {_DIGITS_TIME}*'"
    elif isinstance(t, Date):
        rule = f"typeof({c}) = 'text' AND {c} GLOB '{_DIGITS_DATE}'"
    elif isinstance(t, Time):
        rule = f"typeof({c}) = 'text' AND {c} GLOB '{_DIGITS_TIME}*'"
    elif isinstance(t, Boolean):
        rule = f"typeof({c}) = 'integer' AND {c} IN (0, 1)"
    elif isinstance(t, Integer):
        rule = f"typeof({c}) = 'integer'"
    elif isinstance(t, Float):
        rule = f"typeof({c}) IN ('real', 'integer')"
    else:
        rule = f"typeof({c}) = 'text'"
    return f"{c} IS NULL OR ({rule})" if col.nullable else f"{c} IS NOT NULL AND ({rule})"


def _render_expr(col: Column) -> str:
    name = _q(col.key)
    if isinstance(col.type, Boolean):
        return f"json(CASE t.{name} WHEN 1 THEN 'true' WHEN 0 THEN 'false' END)"
    if isinstance(col.type, JSONText):
        return f"json(t.{name})"
    return f"t.{name}"


def _extract_expr(col: Column) -> str:
    path = "'$." + '"' + col.key + '"' + "'"
    if isinstance(col.type, JSONText):
        return f"CASE json_type(?1, {path}) WHEN 'null' THEN NULL ELSE json_quote(json_extract(?1, {path})) END"
    return f"json_extract(?1, {path})"


def _codec(model: type) -> TableCodec:
    table: Table = model.__table__
    columns = tuple(sorted((c for c in table.columns if c.key not in LOCAL_ONLY), key=lambda c: c.key))
    keys = tuple(c.key for c in columns)
    float_keys = tuple(c.key for c in columns if isinstance(c.type, Float))
    render = "json_object(" + ", ".join(
        f"'{c.key}', {_render_expr(c)}" for c in columns if c.key not in float_keys) + ")"
    names = ", ".join(_q(k) for k in keys)
    insert_sql = (f"INSERT INTO {_q(table.name)} ({names}, change_seq) "
                  f"VALUES ({', '.join(_extract_expr(c) for c in columns)}, ?2)")
    update_sql = (f"UPDATE {_q(table.name)} SET "
                  + ", ".join(f"{_q(c.key)} = {_extract_expr(c)}" for c in columns if c.key != "id")
                  + ", change_seq = ?2 WHERE id = ?3")
    invalid = " OR ".join(f"NOT ({_stored_ok(c)})" for c in columns)
    invalid_sql = f"SELECT t.id FROM {_q(table.name)} AS t WHERE t.id IN ({{ids}}) AND ({invalid}) LIMIT 1"
    types: list[tuple[str, tuple[type, ...]]] = []
    deep: list[tuple[str, Callable[[Any], bool]]] = []
    for col in columns:
        t = col.type
        nullable: tuple[type, ...] = (_NONE,) if col.nullable else ()
        if col.key in ("sync_vv", "deleted_vv"):
            types.append((col.key, (dict, *nullable)))
            deep.append((col.key, _vector_ok))
        elif col.key == "sync_fields":
            types.append((col.key, (dict,)))
            deep.append((col.key, _fields_ok))
        elif col.key == "sync_siblings":
            types.append((col.key, (dict, *nullable)))
            deep.append((col.key, _siblings_ok))
        elif col.key in ("sync_hlc", "sync_counter"):
            types.append((col.key, (int,)))
            deep.append((col.key, lambda v: 0 <= v < MAX_CLOCK))
        elif isinstance(t, JSONText):
            types.append((col.key, (*_JSON_TYPES, *nullable)))
        elif isinstance(t, DateTime):
            types.append((col.key, (str, *nullable)))
            deep.append((col.key, _datetime_ok))
        elif isinstance(t, Date):
            types.append((col.key, (str, *nullable)))
            deep.append((col.key, _date_ok))
        elif isinstance(t, Time):
            types.append((col.key, (str, *nullable)))
            deep.append((col.key, _time_ok))
        elif isinstance(t, Boolean):
            types.append((col.key, (bool, *nullable)))
        elif isinstance(t, Integer):
            types.append((col.key, (int, *nullable)))
        elif isinstance(t, Float):
            types.append((col.key, (int, float, *nullable)))
        elif isinstance(t, (String, Text)):
            types.append((col.key, (str, *nullable)))
        else:  # pragma: no cover - a new column type needs a rule here
            raise TypeError(f"type de colonne non pris en charge : {table.name}.{col.key}")
    user_fields = tuple(k for k in keys if k not in BOOKKEEPING and k != "id")
    return TableCodec(
        name=table.name, table=table, columns=columns, keys=keys, user_fields=user_fields,
        float_keys=float_keys, render_sql=render, insert_sql=insert_sql, update_sql=update_sql,
        invalid_sql=invalid_sql,
        _keyset=frozenset(keys), _types=tuple(types), _deep=tuple(deep),
    )


CODECS: dict[str, TableCodec] = {m.__tablename__: _codec(m) for m in SYNCED_MODELS}
"""Every synced table's codec, in the order files are applied (parents first)."""

MODELS: dict[str, type] = {m.__tablename__: m for m in SYNCED_MODELS}


def value_to_db(table: str, field: str, value: Any) -> Any:
    """A wire value (or an already typed Python value) of ``table.field`` for the ORM."""
    col = MODELS[table].__table__.c[field]
    if isinstance(value, str):
        if isinstance(col.type, DateTime):
            return dt.datetime.fromisoformat(value)
        if isinstance(col.type, Date):
            return dt.date.fromisoformat(value)
        if isinstance(col.type, Time):
            return dt.time.fromisoformat(value)
    return value


def check_value(table: str, field: str, value: Any) -> bool:
    """Is ``value`` acceptable for ``table.field`` (wire form, or a typed date/time)?"""
    codec = CODECS[table]
    if isinstance(value, (dt.date, dt.time)):
        col = codec.table.c[field]
        return isinstance(col.type, (Date, DateTime, Time))
    types = dict(codec._types)[field]
    if type(value) not in types:
        return False
    deep = dict(codec._deep).get(field)
    return value is None or deep is None or deep(value)
