"""Writing a sync file for a peer: the delta it has not acknowledged, or everything.

What goes in (see :mod:`app.sync.package` for the format):

- every row whose vector is not below the *base* — the peer's acknowledged vector for
  ``to_site``; without a target, the pointwise minimum of every known peer's (a file useful
  to all of them); ``full`` (or no peer yet) → the empty vector, i.e. everything. Rows
  changed before the latest checkpoint the base covers are not even read (``change_seq``);
- the parents those rows reference (foreign keys), transitively, so the file applies on a
  machine that lacks them (they are skipped where they are known);
- the images (blobs) referenced by values written since the base: a signature image travels
  to a peer until that peer acknowledges the write that referenced it, then never again.
  Files a row holds by foreign key (``attachments.blob_sha256``: scans) travel with every
  copy of the row, like parent rows, so the file applies on any machine.

The file is cumulative until acknowledged: a lost file does no harm, the next one carries
the same rows. It is written to a temporary file in the destination folder, then renamed;
cancelling (or any error) leaves neither a file nor a log row.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.services.workspace import Workspace
from app.storage.ids import new_id
from app.storage.models import Blob, Peer, SyncFile
from app.sync import crypto, state
from app.sync.codec import BLOB_COLUMNS, BLOB_FOREIGN_KEYS, CODECS, TableCodec, canonical
from app.sync.errors import SyncCancelled, SyncError, WrongPassphrase
from app.sync.merge import covers, entries, vv_leq, vv_meet
from app.sync.package import PackageWriter

Progress = Callable[[int, int, str], None]
Cancel = Callable[[], bool]
CHUNK = 500


@dataclass(frozen=True)
class ExportReport:
    """What a file holds. ``counts`` = rows per table (parents included)."""

    path: Path
    file_id: str
    target_site_id: str | None
    target_name: str
    full: bool
    counts: dict[str, int] = field(default_factory=dict)
    blobs: int = 0
    size: int = 0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path), "file_id": self.file_id, "target": self.target_site_id,
            "target_name": self.target_name, "full": self.full, "rows": self.rows,
            "counts": dict(self.counts), "blobs": self.blobs, "size": self.size,
        }


def _chunks(items: list[str], n: int = CHUNK) -> Iterator[list[str]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def cursor_for(s: Session, base: dict[str, int]) -> int:
    """The greatest checkpoint ``change_seq`` whose horizon the base covers (0 if none)."""
    best = 0
    for (summary,) in s.execute(select(SyncFile.summary)):
        cp = (summary or {}).get("checkpoint") if isinstance(summary, dict) else None
        if isinstance(cp, dict) and vv_leq(cp.get("horizon") or {}, base):
            best = max(best, int(cp.get("change_seq") or 0))
    return best


def _delta_ids(conn: Connection, codec: TableCodec, base: dict[str, int], cursor: int) -> set[str]:
    """Ids of the rows changed since ``cursor`` whose vector is not below ``base``."""
    sql = (
        f'SELECT t.id FROM "{codec.name}" AS t WHERE t.change_seq > ? AND EXISTS ('
        "SELECT 1 FROM json_each(t.sync_vv) AS j "
        "WHERE j.value > coalesce(json_extract(?, '$.\"' || j.key || '\"'), 0))"
    )
    return {rid for (rid,) in conn.exec_driver_sql(sql, (cursor, canonical(base)))}


def _add_parents(conn: Connection, selected: dict[str, set[str]]) -> None:
    """Add, transitively, every row the selected rows reference by foreign key."""
    for name in reversed(list(CODECS)):  # children before parents
        codec = CODECS[name]
        fks = [
            (col.key, fk.column.table.name)
            for col in codec.columns for fk in col.foreign_keys if fk.column.table.name in CODECS
        ]
        if not fks:
            continue
        cols = ", ".join(f'"{c}"' for c, _p in fks)
        todo = sorted(selected[name])
        while todo:
            new_self: set[str] = set()
            for chunk in _chunks(todo):
                sql = f'SELECT {cols} FROM "{name}" WHERE id IN ({", ".join("?" * len(chunk))})'
                for values in conn.exec_driver_sql(sql, tuple(chunk)):
                    for (_col, parent), value in zip(fks, values):
                        if value is not None and value not in selected[parent]:
                            selected[parent].add(value)
                            if parent == name:
                                new_self.add(value)
            todo = sorted(new_self)  # self references (merged_into, parent_id)


def _blob_refs(codec: TableCodec, extra: tuple[Any, ...], base: dict[str, int], out: set[str]) -> None:
    """Hashes referenced by values written since ``base`` (``extra``: the blob columns,
    then ``sync_fields`` and ``sync_siblings`` as stored)."""
    cols = BLOB_COLUMNS[codec.name]
    values, fields_text, siblings_text = extra[: len(cols)], extra[-2], extra[-1]
    if not any(values) and siblings_text is None:
        return
    for col, value in zip(cols, values):
        if value and col in BLOB_FOREIGN_KEYS.get(codec.name, ()):
            out.add(value)  # the row cannot be written without it, wherever it lands
    row: dict[str, Any] = dict(zip(cols, values))
    row["sync_fields"] = json.loads(fields_text) if fields_text else {}
    row["sync_siblings"] = json.loads(siblings_text) if siblings_text else None
    for col in cols:
        for value, stamp in entries(row, col):
            if value and not covers(base, stamp):
                out.add(value)


def _chunked_lines(conn: Connection, codec: TableCodec, ids: list[str],
                   extra: list[str]) -> Iterator[tuple[Any, ...]]:
    for chunk in _chunks(ids):
        yield from codec.lines(conn, f"WHERE t.id IN ({', '.join('?' * len(chunk))})", chunk, extra)


@dataclass
class _Keys:
    """The network key and this machine's signing key; which still have to be stored."""

    verifier: crypto.Verifier
    master: bytes
    private: bytes
    public: bytes
    new_verifier: bool
    new_key: bool


def _prepare_keys(ws: Workspace, passphrase: str) -> _Keys:
    with ws.unit() as s:
        verifier = state.verifier(s)
        keys = state.signing_key(s, create=False)
    new_verifier = verifier is None
    if verifier is None:  # first use: this passphrase becomes the network's, here
        crypto.check_new_passphrase(passphrase)
        verifier = crypto.make_verifier(passphrase)
    master = verifier.master(passphrase)
    if master is None:
        raise WrongPassphrase(
            "Phrase de passe incorrecte : ce n'est pas la phrase de passe du réseau enregistrée "
            "sur cette machine. Aucun fichier n'a été préparé."
        )
    private, public = keys if keys is not None else crypto.new_signing_key()
    return _Keys(verifier, master, private, public, new_verifier, keys is None)


@dataclass
class _Plan:
    """What one file will hold, decided on one snapshot of the database."""

    target_id: str | None
    target_name: str
    base: dict[str, int]
    knowledge: dict[str, int]
    horizon: dict[str, int]
    selected: dict[str, set[str]] | None  # ``None``: every row
    total: int
    site_id: str
    counter: int
    hlc: int
    change_seq: int


def _plan(s: Session, to_site: str | None, full: bool) -> _Plan:
    st = state.sync_state(s)
    target: Peer | None = state.find_peer(s, to_site) if to_site else None
    if full:
        base: dict[str, int] = {}
    elif target is not None:
        base = dict(target.acked_vv or {})
    else:  # a file every known machine can use
        base = vv_meet([p.acked_vv or {} for p in s.execute(select(Peer)).scalars()])
    conn = s.connection()
    if base:
        cursor = cursor_for(s, base)
        selected: dict[str, set[str]] | None = {
            name: _delta_ids(conn, codec, base, cursor) for name, codec in CODECS.items()}
        _add_parents(conn, selected)
        total = sum(len(v) for v in selected.values())
    else:
        selected = None
        total = sum(conn.exec_driver_sql(f'SELECT count(*) FROM "{n}"').scalar_one() for n in CODECS)
    return _Plan(
        target_id=target.site_id if target is not None else None,
        target_name=target.name if target is not None else "",
        base=base, knowledge=state.knowledge(s), horizon=state.horizon(s), selected=selected,
        total=total, site_id=st.site_id, counter=st.counter, hlc=st.hlc, change_seq=st.change_seq,
    )


def _write(s: Session, plan: _Plan, writer: PackageWriter, progress: Progress,
           cancel: Cancel | None) -> list[tuple[dict[str, Any], bytes]]:
    """Write every table's rows, then the images they reference; returns the images."""
    conn = s.connection()
    done = 0
    blob_hashes: set[str] = set()
    for name, codec in CODECS.items():
        extra = ([f't."{c}"' for c in BLOB_COLUMNS[name]] + ["t.sync_fields", "t.sync_siblings"]
                 if name in BLOB_COLUMNS else [])
        if plan.selected is None:
            source = codec.lines(conn, extra=extra)
        elif plan.selected[name]:
            source = _chunked_lines(conn, codec, sorted(plan.selected[name]), extra)
        else:
            continue

        def lines(codec: TableCodec = codec, source: Iterator[tuple[Any, ...]] = source) -> Iterator[str]:
            nonlocal done
            for line, *more in source:
                if more:
                    _blob_refs(codec, tuple(more), plan.base, blob_hashes)
                done += 1
                if done % 5000 == 0:
                    if cancel is not None and cancel():
                        raise SyncCancelled()
                    progress(done, plan.total, f"Table {codec.name}")
                yield line

        writer.write_lines(name, lines())
    blobs = []
    for chunk in _chunks(sorted(blob_hashes)):
        for b in s.execute(select(Blob).where(Blob.sha256.in_(chunk))).scalars():
            meta = {"sha256": b.sha256, "mime": b.mime, "size": b.size, "created_at": b.created_at.isoformat()}
            blobs.append((meta, bytes(b.data)))
    writer.write_blobs(blobs)
    return blobs


def export_file(
    ws: Workspace,
    path: Path | str,
    *,
    to_site: str | None = None,
    full: bool = False,
    passphrase: str,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> ExportReport:
    """Write a sync file at ``path`` for ``to_site`` (a peer's site id or name), or for every
    known peer; ``full`` puts everything in. See the module docstring."""
    dest = Path(path)
    if dest.is_dir():
        raise SyncError(f"« {dest} » est un dossier : indiquez le nom du fichier à créer.")
    if not dest.parent.exists():
        raise SyncError(f"Le dossier « {dest.parent} » n'existe pas.")
    keys = _prepare_keys(ws, passphrase)
    report_progress = progress or (lambda done, total, message: None)
    file_id = new_id()

    tmp = tempfile.NamedTemporaryFile(dir=dest.parent, prefix=".maillage-sync-", suffix=".part", delete=False)
    tmp_path = Path(tmp.name)
    try:
        with ws.unit() as s:  # one consistent snapshot of the database
            plan = _plan(s, to_site, full)
            if cancel is not None and cancel():
                raise SyncCancelled()
            report_progress(0, plan.total, "Préparation du fichier…")
            manifest = {
                "file_id": file_id,
                "created_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
                "origin": {"site_id": plan.site_id, "site_name": state.site_name(s),
                           "public_key": crypto.b64(keys.public)},
                "target": plan.target_id, "full": not plan.base, "base": plan.base,
                "knowledge": plan.knowledge, "counter": plan.counter, "max_hlc": plan.hlc,
                "schema_version": ws.schema_version,
            }
            with crypto.EncryptingWriter(tmp, keys.master, keys.verifier) as enc, PackageWriter(enc) as writer:
                blobs = _write(s, plan, writer, report_progress, cancel)
                if cancel is not None and cancel():
                    raise SyncCancelled()
                writer.finish(manifest, keys.private)
            tmp.flush()
            os.fsync(tmp.fileno())
            tmp.close()
        with ws.unit(write=True) as s:
            _log(s, plan, keys, file_id, dest.name, writer.counts, len(blobs))
            os.replace(tmp_path, dest)
    except BaseException:
        tmp.close()
        tmp_path.unlink(missing_ok=True)
        raise
    report_progress(plan.total, plan.total, "Fichier prêt.")
    return ExportReport(
        path=dest, file_id=file_id, target_site_id=plan.target_id, target_name=plan.target_name,
        full=not plan.base, counts={k: v for k, v in writer.counts.items() if v}, blobs=len(blobs),
        size=dest.stat().st_size,
    )


def _log(s: Session, plan: _Plan, keys: _Keys, file_id: str, filename: str,
         counts: dict[str, int], blobs: int) -> None:
    """The export's traces: first-use keys, bookkeeping vectors, the log row, the peer."""
    if keys.new_verifier and state.verifier(s) is None:
        state.store_verifier(s, keys.verifier)
    if keys.new_key:
        if state.signing_key(s, create=False) is not None:
            raise SyncError("La clé de cette machine vient d'être créée ailleurs : recommencez.")
        _store_key(s, keys.private, keys.public)
    if state.get_setting(s, state.HORIZON) is None:
        state.put_setting(s, state.HORIZON, plan.horizon)  # computed from every row, once
    stored = state.get_setting(s, state.KNOWLEDGE) or {}
    if any(k not in stored for k in plan.knowledge if k != plan.site_id):
        state.put_setting(s, state.KNOWLEDGE,
                          {**{k: v for k, v in plan.knowledge.items() if k != plan.site_id}, **stored})
    now = dt.datetime.now().replace(microsecond=0)
    s.add(SyncFile(
        file_id=file_id, direction="export", peer_site_id=plan.target_id or "", at=now, filename=filename,
        summary={"counts": counts, "blobs": blobs, "full": not plan.base,
                 "checkpoint": {"change_seq": plan.change_seq, "horizon": plan.horizon}},
    ))
    if plan.target_id is not None:
        peer = s.get(Peer, plan.target_id)
        if peer is not None:
            peer.last_export_at = now
    s.flush()


def _store_key(s: Session, private: bytes, public: bytes) -> None:
    from app.storage.models import Setting

    site = state.sync_state(s).site_id
    value = {"site_id": site, "private": crypto.b64(private), "public": crypto.b64(public)}
    row = s.get(Setting, state.SIGNING_KEY)
    if row is None:
        s.add(Setting(key=state.SIGNING_KEY, value=value))
    else:
        row.value = value
    s.flush()

