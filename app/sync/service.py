"""The sync use cases the GUI and the CLI call: plain frozen dataclasses in and out.

- :func:`export_file` / :func:`import_file` — long jobs taking ``progress(done, total,
  message)`` and ``cancel()`` callbacks (a cancel writes nothing);
- :func:`status` — this machine, its peers and what each has acknowledged, the last files;
- :func:`conflicts` — every open conflict, with the competing values, their machines and
  times; :func:`resolve_conflict` keeps one value (or a new one) by an ordinary edit, which
  supersedes every value it has seen and so closes the conflict on every machine it reaches;
  :func:`restore_deleted` undoes a deletion (the one-click answer to « modifié ailleurs
  pendant sa suppression ici »);
- :func:`set_network_passphrase` / :func:`has_network_passphrase` — the first-run assistant.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from app.errors import NotFound, ValidationError
from app.services.workspace import ChangeSet, Workspace
from app.storage.models import Peer, SyncFile
from app.sync import crypto, state
from app.sync.codec import CODECS, MODELS, check_value, value_to_db
from app.sync.exporting import ExportReport, export_file
from app.sync.importing import ImportReport, TableCounts, import_file
from app.sync.merge import DELETION, open_conflicts

__all__ = [
    "Conflict", "ConflictValue", "DuplicateToReview", "ExportReport", "ImportReport",
    "PeerStatus", "SyncFileInfo", "SyncStatus", "TableCounts", "conflicts",
    "duplicates_to_review", "export_file", "forget_duplicate", "has_network_passphrase",
    "import_file", "remember_duplicates", "resolve_conflict", "restore_deleted",
    "set_network_passphrase", "status",
]

DELETION_MESSAGE = "modifié ailleurs pendant sa suppression ici"


def hlc_time(hlc: int) -> dt.datetime | None:
    """The wall-clock time (UTC) a hybrid clock value was taken at, ``None`` for 0."""
    if not hlc:
        return None
    return dt.datetime.fromtimestamp((hlc >> 16) / 1000, tz=dt.timezone.utc)


@dataclass(frozen=True)
class PeerStatus:
    site_id: str
    name: str
    acked: dict[str, int]
    last_import_at: dt.datetime | None
    last_export_at: dt.datetime | None
    key_fingerprint: str


@dataclass(frozen=True)
class SyncFileInfo:
    file_id: str
    direction: str
    peer_site_id: str
    at: dt.datetime
    filename: str
    rows: int
    blobs: int


@dataclass(frozen=True)
class SyncStatus:
    site_id: str
    site_name: str
    knowledge: dict[str, int]
    has_passphrase: bool
    peers: tuple[PeerStatus, ...] = ()
    files: tuple[SyncFileInfo, ...] = ()
    counter: int = 0  # this machine's writes so far (a peer has all of them when it acked this)

    def unacknowledged(self, peer: PeerStatus) -> int:
        """How many of this machine's writes ``peer`` has not confirmed receiving yet."""
        return max(0, self.counter - int(peer.acked.get(self.site_id, 0)))

    def as_dict(self) -> dict[str, Any]:
        """The ``maillage sync status --json`` shape."""
        def iso(value: dt.datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "site_id": self.site_id,
            "site_name": self.site_name,
            "peers": [
                {"site_id": p.site_id, "name": p.name, "acked": dict(p.acked),
                 "last_import_at": iso(p.last_import_at), "last_export_at": iso(p.last_export_at)}
                for p in self.peers
            ],
            "files": [
                {"file_id": f.file_id, "direction": f.direction, "peer_site_id": f.peer_site_id,
                 "at": iso(f.at), "filename": f.filename, "rows": f.rows, "blobs": f.blobs}
                for f in self.files
            ],
        }


def _rows_of(summary: Any) -> int:
    counts = (summary or {}).get("counts") or {}
    total = 0
    for value in counts.values():
        total += value if isinstance(value, int) else sum(
            int(value.get(k, 0)) for k in ("created", "updated", "skipped"))
    return total


def status(ws: Workspace, *, files: int = 50) -> SyncStatus:
    """This machine, its peers (what each acknowledged, last files) and the last ``files``."""
    with ws.unit() as s:
        st = state.sync_state(s)
        peers = tuple(
            PeerStatus(
                p.site_id, p.name, dict(p.acked_vv or {}), p.last_import_at, p.last_export_at,
                crypto.fingerprint(crypto.unb64(p.public_key)) if p.public_key else "",
            )
            for p in s.execute(select(Peer).order_by(Peer.name, Peer.site_id)).scalars()
        )
        logs = tuple(
            SyncFileInfo(f.file_id, f.direction, f.peer_site_id, f.at, f.filename,
                         _rows_of(f.summary), int((f.summary or {}).get("blobs") or 0))
            for f in s.execute(select(SyncFile).order_by(SyncFile.at.desc(), SyncFile.file_id).limit(files)).scalars()
        )
        return SyncStatus(st.site_id, state.site_name(s), state.knowledge(s),
                          state.verifier(s) is not None, peers, logs, int(st.counter or 0))


# --- conflicts -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ConflictValue:
    """One competing value: its machine and when it was written (``field`` for a deletion
    conflict: which field the concurrent edit changed, or ``deleted``)."""

    value: Any
    site_id: str
    site_name: str
    hlc: int
    at: dt.datetime | None
    field: str = ""


@dataclass(frozen=True)
class Conflict:
    """An open conflict on one field of one record (``field == "deleted"`` for a deletion
    that concurrent edits had not seen: ``kind == "suppression"``)."""

    table: str
    record_id: str
    field: str
    kind: str
    label: str
    shown: Any
    values: tuple[ConflictValue, ...] = field(default_factory=tuple)
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The ``maillage sync conflicts --json`` shape."""
        return {
            "table": self.table, "record_id": self.record_id, "field": self.field,
            "kind": self.kind, "label": self.label, "shown": self.shown, "message": self.message,
            "values": [{"value": v.value, "site_id": v.site_id, "site_name": v.site_name,
                        "hlc": v.hlc, "field": v.field} for v in self.values],
        }


_LABEL_FIELDS = ("name", "title", "label", "number", "code", "last_name", "filename")


def _label(row: dict[str, Any]) -> str:
    if "last_name" in row:
        return f"{row.get('first_name') or ''} {row['last_name']}".strip()
    for key in _LABEL_FIELDS:
        if row.get(key):
            return str(row[key])
    return row["id"]


def conflicts(ws: Workspace) -> list[Conflict]:
    """Every open conflict, table by table (parents first), then by record id."""
    out: list[Conflict] = []
    with ws.unit() as s:
        names = {p.site_id: p.name for p in s.execute(select(Peer)).scalars()}
        st = state.sync_state(s)
        names[st.site_id] = state.site_name(s) or "cette machine"
        conn = s.connection()
        for name, codec in CODECS.items():
            for (line,) in codec.lines(conn, "WHERE t.sync_siblings IS NOT NULL OR t.deleted = 1"):
                row = json.loads(line)
                for c in open_conflicts(row, codec.user_fields):
                    edited = c.edited or ()
                    values = tuple(
                        ConflictValue(v, stamp[1], names.get(stamp[1], ""), stamp[0], hlc_time(stamp[0]),
                                      ("deleted" if i == 0 else edited[i - 1]) if c.kind == DELETION else c.field)
                        for i, (v, stamp) in enumerate(c.entries)
                    )
                    out.append(Conflict(
                        table=name, record_id=row["id"], field=c.field, kind=c.kind,
                        label=_label(row), shown=row[c.field], values=values,
                        message=DELETION_MESSAGE if c.kind == DELETION else
                        "modifié en même temps sur plusieurs machines",
                    ))
    return out


def _load(s: Any, table: str, record_id: str) -> Any:
    if table not in MODELS:
        raise ValidationError(f"Table inconnue : « {table} ».", field="table")
    obj = s.get(MODELS[table], record_id)
    if obj is None:
        raise NotFound(f"Enregistrement introuvable : {table} {record_id}.")
    return obj


def resolve_conflict(ws: Workspace, table: str, record_id: str, field: str, chosen_value: Any) -> ChangeSet:
    """Keep ``chosen_value`` for ``field`` (one of the competing values or a new one).

    An ordinary edit: it is stamped even when the value is already the shown one, so it
    supersedes every competing value it has seen, here and wherever the next files go.
    ``field == "deleted"``: ``True`` confirms the deletion, ``False`` restores the record.
    """
    codec = CODECS.get(table)
    if codec is None:
        raise ValidationError(f"Table inconnue : « {table} ».", field="table")
    if field not in codec.user_fields:
        raise ValidationError(f"Champ inconnu : « {table}.{field} ».", field="field")
    if not check_value(table, field, chosen_value):
        raise ValidationError(f"Valeur invalide pour « {field} ».", field=field)
    value = value_to_db(table, field, chosen_value)
    with ws.unit(write=True) as s:
        obj = _load(s, table, record_id)
        if field == "erased" or (obj.erased and not value and field == "deleted"):
            raise ValidationError("Un enregistrement anonymisé ne peut pas être rétabli.", field=field)
        setattr(obj, field, value)
        flag_modified(obj, field)
        s.flush()
    if field == "deleted" and value:
        return ChangeSet(deleted=((table, record_id),))
    return ChangeSet(updated=((table, record_id),))


def restore_deleted(ws: Workspace, table: str, record_id: str) -> ChangeSet:
    """Undo the deletion of a record (with the edits made elsewhere meanwhile)."""
    with ws.unit(write=True) as s:
        obj = _load(s, table, record_id)
        if obj.erased:
            raise ValidationError("Cet enregistrement a été anonymisé : il ne peut pas être restauré.")
        if not obj.deleted:
            return ChangeSet()
        obj.deleted = False
    return ChangeSet(updated=((table, record_id),))


# --- duplicates to review -----------------------------------------------------------------

REVIEW_KEY = "sync.duplicates_to_review"


@dataclass(frozen=True)
class DuplicateToReview:
    """A record received by a file (``received_id``) resembling one already here."""

    table: str  # organisations | people
    received_id: str
    kept_id: str
    received_label: str
    kept_label: str
    reasons: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, frozenset[str]]:
        return self.table, frozenset((self.received_id, self.kept_id))


def _live_ids(s: Any, table: str, ids: set[str]) -> set[str]:
    model = MODELS[table]
    out: set[str] = set()
    chunk = sorted(ids)
    for start in range(0, len(chunk), 500):
        out.update(s.execute(select(model.id).where(
            model.id.in_(chunk[start:start + 500]), model.deleted.is_(False),
            model.merged_into.is_(None))).scalars())
    return out


def duplicates_to_review(ws: Workspace) -> list[DuplicateToReview]:
    """The pairs still to review, kept in this base from one session to the next (local, never
    synced). A pair whose records were merged (here or elsewhere) or deleted drops out."""
    with ws.unit() as s:
        raw = state.get_setting(s, REVIEW_KEY) or []
        pairs = [DuplicateToReview(r["table"], r["received_id"], r["kept_id"],
                                   r.get("received_label", ""), r.get("kept_label", ""),
                                   tuple(r.get("reasons", ()))) for r in raw]
        live: set[tuple[str, str]] = set()
        for table in {p.table for p in pairs}:
            ids = {i for p in pairs if p.table == table for i in (p.received_id, p.kept_id)}
            live.update((table, i) for i in _live_ids(s, table, ids))
    return [p for p in pairs if (p.table, p.received_id) in live and (p.table, p.kept_id) in live]


def _store_review(ws: Workspace, pairs: list[DuplicateToReview]) -> None:
    with ws.unit(write=True) as s:
        state.put_setting(s, REVIEW_KEY, [
            {"table": p.table, "received_id": p.received_id, "kept_id": p.kept_id,
             "received_label": p.received_label, "kept_label": p.kept_label,
             "reasons": list(p.reasons)} for p in pairs])


def remember_duplicates(ws: Workspace, pairs: list[DuplicateToReview]) -> int:
    """Add the pairs of an import to the list to review (a pair already there is not
    repeated); returns how many were added."""
    current = duplicates_to_review(ws)
    known = {p.key for p in current}
    added = []
    for p in pairs:
        if p.key not in known:
            known.add(p.key)
            added.append(p)
    if added:
        _store_review(ws, current + added)
    return len(added)


def forget_duplicate(ws: Workspace, pair: DuplicateToReview) -> None:
    """« Ce ne sont pas des doublons », or merged: the pair leaves the list."""
    _store_review(ws, [p for p in duplicates_to_review(ws) if p.key != pair.key])


# --- passphrase ----------------------------------------------------------------------------

def set_network_passphrase(ws: Workspace, passphrase: str) -> ChangeSet:
    """Record the network passphrase (its verifier) on this machine; replaces the previous
    one. Every machine of the network must use the same phrase."""
    text = crypto.check_new_passphrase(passphrase)
    verifier = crypto.make_verifier(text)
    with ws.unit(write=True) as s:
        state.store_verifier(s, verifier)
    return ChangeSet(updated=(("settings", state.PASSPHRASE),))


def has_network_passphrase(ws: Workspace) -> bool:
    with ws.unit() as s:
        return state.verifier(s) is not None


def check_network_passphrase(ws: Workspace, passphrase: str) -> bool:
    """Is ``passphrase`` the one recorded here? (``False`` when none is recorded.)"""
    with ws.unit() as s:
        verifier = state.verifier(s)
    return verifier is not None and verifier.master(passphrase) is not None
