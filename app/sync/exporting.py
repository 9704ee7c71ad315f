"""Writing a sync file for a peer: the delta it has not acknowledged, or everything.

What goes in (see :mod:`app.sync.package` for the format):

- every row whose vector is not below the *base* — the peer's acknowledged vector for
  ``to_site``; without a target, the pointwise minimum of every known peer's (a file useful
  to all of them); ``full`` (or no peer yet) → the empty vector, i.e. everything. Rows
  changed before the latest checkpoint the base covers are not even read (``change_seq``);
- the parents those rows reference (foreign keys), transitively, so the file applies on a
  machine that lacks them (they are skipped where they are known);
- the images (blobs) referenced by values written since the base: an image travels to a
  peer until that peer acknowledges the write that referenced it, then never again.

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
from app.sync.codec import BLOB_COLUMNS, CODECS, TableCodec, canonical
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


def _prepare_keys(ws: Workspace, passphrase: str) -> tuple[crypto.Verifier, bytes, tuple[bytes, bytes], bool, bool]:
    """Verifier, master key and signing key; which of them still have to be stored."""
    with ws.unit() as s:
        verifier = state.verifier(s)
        keys = state.signing_key(s, create=False)
    new_verifier = verifier is None
    if verifier is None:
        crypto.check_new_passphrase(passphrase)
        verifier = crypto.make_verifier(passphrase)
    master = verifier.master(passphrase)
    if master is None:
        raise WrongPassphrase(
            "Phrase de passe incorrecte : ce n'est pas la phrase de passe du réseau enregistrée "
            "sur cette machine. Aucun fichier n'a été préparé."
        )
    new_key = keys is None
    if keys is None:
        keys = crypto.new_signing_key()
    return verifier, master, keys, new_verifier, new_key


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
    verifier, master, (private, public), new_verifier, new_key = _prepare_keys(ws, passphrase)
    report_progress = progress or (lambda done, total, message: None)

    tmp = tempfile.NamedTemporaryFile(dir=dest.parent, prefix=".maillage-sync-", suffix=".part", delete=False)
    tmp_path = Path(tmp.name)
    try:
        with ws.unit() as s:  # one consistent snapshot of the database
            st = state.sync_state(s)
            target: Peer | None = state.find_peer(s, to_site) if to_site else None
            if full:
                base: dict[str, int] = {}
            elif target is not None:
                base = dict(target.acked_vv or {})
            else:
                base = vv_meet([p.acked_vv or {} for p in s.execute(select(Peer)).scalars()])
            target_id = target.site_id if target is not None else None
            target_name = target.name if target is not None else ""
            known = state.knowledge(s)
            bound = state.horizon(s)
            cursor = cursor_for(s, base) if base else 0
            if cancel is not None and cancel():
                raise SyncCancelled()
            conn = s.connection()
            if base:
                selected: dict[str, set[str]] | None = {
                    name: _delta_ids(conn, codec, base, cursor) for name, codec in CODECS.items()}
                _add_parents(conn, selected)
                total = sum(len(v) for v in selected.values())
            else:
                selected = None  # everything
                total = sum(conn.exec_driver_sql(f'SELECT count(*) FROM "{n}"').scalar_one() for n in CODECS)
            done = 0
            report_progress(0, total, "Préparation du fichier…")
            blob_hashes: set[str] = set()
            with crypto.EncryptingWriter(tmp, master, verifier) as enc, PackageWriter(enc) as writer:
                for name, codec in CODECS.items():
                    extra = ([f't."{c}"' for c in BLOB_COLUMNS[name]] + ["t.sync_fields", "t.sync_siblings"]
                             if name in BLOB_COLUMNS else [])
                    if selected is None:
                        source = codec.lines(conn, extra=extra)
                    else:
                        ids = sorted(selected[name])
                        if not ids:
                            continue
                        source = _chunked_lines(conn, codec, ids, extra)

                    def lines(codec: TableCodec = codec, source: Iterator[tuple[Any, ...]] = source,
                              with_blobs: bool = bool(extra)) -> Iterator[str]:
                        nonlocal done
                        n = 0
                        for line, *more in source:
                            if with_blobs:
                                _blob_refs(codec, tuple(more), base, blob_hashes)
                            n += 1
                            if n % 5000 == 0:
                                if cancel is not None and cancel():
                                    raise SyncCancelled()
                                report_progress(done + n, total, f"Table {codec.name}")
                            yield line
                        done += n

                    writer.write_lines(name, lines())
                blobs = []
                for chunk in _chunks(sorted(blob_hashes)):
                    for b in s.execute(select(Blob).where(Blob.sha256.in_(chunk))).scalars():
                        meta = {"sha256": b.sha256, "mime": b.mime, "size": b.size,
                                "created_at": b.created_at.isoformat()}
                        blobs.append((meta, bytes(b.data)))
                if cancel is not None and cancel():
                    raise SyncCancelled()
                manifest = {
                    "file_id": new_id(),
                    "created_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
                    "origin": {"site_id": st.site_id, "site_name": state.site_name(s),
                               "public_key": crypto.b64(public)},
                    "target": target_id, "full": not base, "base": base, "knowledge": known,
                    "counter": st.counter, "max_hlc": st.hlc, "schema_version": ws.schema_version,
                }
                writer.write_blobs(blobs)
                writer.finish(manifest, private)
            tmp.flush()
            os.fsync(tmp.fileno())
            tmp.close()
            checkpoint = {"change_seq": st.change_seq, "horizon": bound}
        with ws.unit(write=True) as s:
            if new_verifier and state.verifier(s) is None:
                state.store_verifier(s, verifier)
            if new_key:
                if state.signing_key(s, create=False) is not None:
                    raise SyncError("La clé de cette machine vient d'être créée ailleurs : recommencez.")
                _store_key(s, private, public)
            if state.get_setting(s, state.HORIZON) is None:
                state.put_setting(s, state.HORIZON, bound)  # computed from every row, once
            stored = state.get_setting(s, state.KNOWLEDGE) or {}
            if any(k not in stored for k in known if k != st.site_id):
                state.put_setting(s, state.KNOWLEDGE, {**{k: v for k, v in known.items() if k != st.site_id},
                                                       **stored})
            now = dt.datetime.now().replace(microsecond=0)
            s.add(SyncFile(
                file_id=manifest["file_id"], direction="export", peer_site_id=target_id or "",
                at=now, filename=dest.name,
                summary={"counts": writer.counts, "blobs": len(blobs), "full": not base,
                         "checkpoint": checkpoint},
            ))
            if target_id is not None:
                peer = s.get(Peer, target_id)
                if peer is not None:
                    peer.last_export_at = now
            s.flush()
            os.replace(tmp_path, dest)
    except BaseException:
        tmp.close()
        tmp_path.unlink(missing_ok=True)
        raise
    report_progress(total, total, "Fichier prêt.")
    return ExportReport(
        path=dest, file_id=manifest["file_id"], target_site_id=target_id, target_name=target_name,
        full=not base, counts={k: v for k, v in writer.counts.items() if v}, blobs=len(blobs),
        size=dest.stat().st_size,
    )


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

