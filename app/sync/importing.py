"""Importing a sync file: verify everything, then apply everything in one transaction.

Order of work:

1. decrypt and authenticate the container (wrong passphrase, truncation, any modified byte
   → refused), then verify the zip, the manifest, the signature and every part
   (:func:`app.sync.package.verify_package`) — the database is not touched yet;
2. in one write transaction: refuse a signing key that differs from the one pinned for the
   origin machine; a file already imported, or one this machine wrote, changes nothing;
   otherwise merge every row (:func:`app.sync.merge.merge_row`) table by table, parents
   first (foreign keys are checked at commit, so rows may arrive in any order), store the
   images the merged rows reference, move the local clock past every incoming clock, update
   what we know and what the peer has acknowledged, and log the file;
3. after the commit, look for duplicates among the structures and people the file created.

Rows are written with Core statements on the stamped connection, keeping the incoming
stamps (only the local export cursor ``change_seq`` moves), in batches: memory stays flat
whatever the file size. The search documents of the structures and people written are
refreshed by batch, not by the per-row triggers (:mod:`app.sync.indexing`). A cancel, an
error or a crash anywhere leaves the database exactly as it was (one transaction).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.services.workspace import ChangeSet, Workspace
from app.storage.models import Blob, Peer, SyncFile, SyncState
from app.storage.stamping import stamped_connection
from app.sync import crypto, state
from app.sync.codec import BLOB_COLUMNS, CODECS, TableCodec, canonical, changed_keys
from app.sync.errors import DamagedFile, SyncCancelled, SyncError, UnknownSigningKey
from app.sync.indexing import DeferredSearchIndex
from app.sync.merge import (
    CREATED,
    SKIPPED,
    TAKEN,
    entries,
    max_hlc,
    merge_row,
    open_conflicts,
    vv_join,
)
from app.sync.package import VerifiedPackage, verify_package

Progress = Callable[[int, int, str], None]
Cancel = Callable[[], bool]
BATCH = 1000
DUPLICATE_TABLES = ("organisations", "people")


@dataclass(frozen=True)
class TableCounts:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    conflicts: int = 0


@dataclass(frozen=True)
class ImportReport:
    """What an import did. ``tables`` maps each table of the file to its counts."""

    path: Path
    file_id: str
    origin_site_id: str
    origin_name: str
    created_at: str
    already_imported: bool = False
    own_file: bool = False
    tables: dict[str, TableCounts] = field(default_factory=dict)
    blobs: int = 0
    duplicates: int = 0
    duplicate_candidates: tuple[Any, ...] = ()
    changes: ChangeSet = field(default_factory=ChangeSet)

    @property
    def created(self) -> int:
        return sum(c.created for c in self.tables.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.tables.values())

    @property
    def skipped(self) -> int:
        return sum(c.skipped for c in self.tables.values())

    @property
    def conflicts(self) -> int:
        return sum(c.conflicts for c in self.tables.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path), "file_id": self.file_id, "origin_site_id": self.origin_site_id,
            "origin_name": self.origin_name, "created_at": self.created_at,
            "already_imported": self.already_imported, "own_file": self.own_file,
            "created": self.created, "updated": self.updated, "skipped": self.skipped,
            "conflicts": self.conflicts, "blobs": self.blobs, "duplicates": self.duplicates,
            "tables": {t: vars(c) for t, c in sorted(self.tables.items())},
        }


def _batches(it: Iterator[tuple[str, dict[str, Any]]], n: int) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    while batch := list(islice(it, n)):
        yield batch


def _conflict_key(row: Any, codec: TableCodec) -> tuple[Any, ...]:
    if not row.get("sync_siblings") and not row.get("deleted"):
        return ()
    return tuple((c.field, tuple(s for _v, s in c.entries)) for c in open_conflicts(row, codec.user_fields))


class _Applier:
    """Merges one verified package into the session's transaction (see the module doc)."""

    def __init__(self, s: Session, pkg: VerifiedPackage, progress: Progress, cancel: Cancel | None,
                 index: DeferredSearchIndex) -> None:
        self.s = s
        self.index = index
        self.pkg = pkg
        self.progress = progress
        self.cancel = cancel
        st = state.sync_state(s)
        self.change_seq = st.change_seq
        self.hlc = max(st.hlc, int(pkg.manifest["max_hlc"]))
        self.counts: dict[str, dict[str, int]] = {}
        self.written_vv: dict[str, int] = {}
        self.referenced: set[str] = set()
        self.created: list[tuple[str, str]] = []
        self.updated: list[tuple[str, str]] = []
        self.new_ids: dict[str, list[str]] = {t: [] for t in DUPLICATE_TABLES}
        counts = pkg.manifest.get("counts") or {}
        self.total = sum(int(v) for v in counts.values() if isinstance(v, int)) or 1
        self.done = 0

    def _ours(self, conn: Connection, codec: TableCodec, ids: list[str]) -> dict[str, tuple[Any, ...]]:
        """Our rendered line of each id held here (with the image columns of image tables)."""
        extra = [f't."{c}"' for c in BLOB_COLUMNS.get(codec.name, ())] + ["t.sync_siblings"]
        where = f"WHERE t.id IN ({', '.join('?' * len(ids))})"
        return {r[-1]: r[:-1] for r in codec.lines(conn, where, ids, [*extra, "t.id"])}

    def _refs_of_ours(self, codec: TableCodec, ours: tuple[Any, ...]) -> None:
        """Images our unchanged row references (shown values and siblings)."""
        blobs, siblings = ours[1:-1], ours[-1]
        self.referenced.update(v for v in blobs if v)
        if siblings:
            data = json.loads(siblings)
            for col in BLOB_COLUMNS[codec.name]:
                self.referenced.update(v for v, _s in data.get(col, ()) if v)

    def _refs_of_row(self, codec: TableCodec, row: Any) -> None:
        for col in BLOB_COLUMNS[codec.name]:
            self.referenced.update(v for v, _s in entries(row, col) if v)

    def _count_write(self, codec: TableCodec, counts: dict[str, int], before: Any, row: Any) -> None:
        """Book-keeping for a row about to be written: change counter, vectors, images,
        and whether it opens a conflict that was not open before."""
        self.change_seq += 1
        self.written_vv = vv_join(self.written_vv, row["sync_vv"])
        if codec.name in BLOB_COLUMNS:
            self._refs_of_row(codec, row)
        after = _conflict_key(row, codec)
        if after and (before is None or after != _conflict_key(before, codec)):
            counts["conflicts"] += 1

    def apply_table(self, name: str) -> None:
        codec = CODECS[name]
        counts = self.counts.setdefault(name, {"created": 0, "updated": 0, "skipped": 0, "conflicts": 0})
        has_blobs = name in BLOB_COLUMNS
        searched = self.index.searched(name)
        with stamped_connection(self.s) as conn:
            for batch in _batches(self.pkg.lines(name, check=False), BATCH):
                if self.cancel is not None and self.cancel():
                    raise SyncCancelled()
                ids = [row["id"] for _t, row in batch]
                if len(set(ids)) != len(ids):
                    raise DamagedFile(f"Fichier invalide : un enregistrement de « {name} » y figure deux fois.")
                ours = self._ours(conn, codec, ids)
                inserts: list[tuple[str, int]] = []
                indexed: list[str] = []  # ids whose search document must be refreshed
                groups: dict[frozenset[str], list[tuple[str, int, str]]] = {}
                for text, row in batch:
                    here = ours.get(row["id"])
                    if here is not None and here[0] == text:  # the very same state: nothing to do
                        counts["skipped"] += 1
                        if has_blobs:
                            self._refs_of_ours(codec, here)
                        continue
                    codec.check_row(row)
                    before = json.loads(here[0]) if here is not None else None
                    outcome, result = merge_row(before, row, codec.user_fields)
                    if outcome == SKIPPED:
                        counts["skipped"] += 1
                        if has_blobs:
                            self._refs_of_row(codec, result)
                        continue
                    self.hlc = max(self.hlc, max_hlc(result))
                    self._count_write(codec, counts, before, result)
                    if outcome == CREATED:
                        inserts.append((text, self.change_seq))
                        indexed.append(row["id"])
                        counts["created"] += 1
                        self.created.append((name, row["id"]))
                        if name in self.new_ids and not row["deleted"]:
                            self.new_ids[name].append(row["id"])
                        continue
                    line = text if outcome == TAKEN else canonical(result)
                    keys = changed_keys(before, dict(result))
                    groups.setdefault(keys, []).append((line, self.change_seq, row["id"]))
                    if keys & searched:
                        indexed.append(row["id"])
                    counts["updated"] += 1
                    self.updated.append((name, row["id"]))
                if inserts:
                    conn.exec_driver_sql(codec.insert_sql, inserts)
                for keys, params in groups.items():
                    conn.exec_driver_sql(codec.update_sql_for(keys), params)
                if inserts or groups:
                    codec.check_written(conn, [r["id"] for _t, r in batch])
                self.index.refresh(name, indexed)
                self.done += len(batch)
                self.progress(min(self.done, self.total), self.total, f"Table {name}")

    def apply_blobs(self) -> int:
        stored = 0
        index = self.pkg.blob_index()
        wanted = [m for m in index if m["sha256"] in self.referenced]
        if not wanted:
            return 0
        have = set()
        hashes = [m["sha256"] for m in wanted]
        for i in range(0, len(hashes), 500):
            have.update(self.s.execute(select(Blob.sha256).where(Blob.sha256.in_(hashes[i:i + 500]))).scalars())
        for meta in wanted:
            if meta["sha256"] in have:
                continue
            if self.cancel is not None and self.cancel():
                raise SyncCancelled()
            data = self.pkg.blob(meta["sha256"])
            try:
                created = dt.datetime.fromisoformat(meta["created_at"])
            except ValueError:
                raise DamagedFile("Fichier invalide : date d'image illisible.") from None
            self.s.execute(insert(Blob.__table__).values(
                sha256=meta["sha256"], mime=meta["mime"][:100], size=len(data), data=data, created_at=created,
            ))
            have.add(meta["sha256"])
            stored += 1
        return stored


def _report_base(path: Path, pkg: VerifiedPackage, **kw: Any) -> ImportReport:
    m = pkg.manifest
    return ImportReport(path=path, file_id=m["file_id"], origin_site_id=m["origin"]["site_id"],
                        origin_name=m["origin"]["site_name"], created_at=m["created_at"], **kw)


def import_file(
    ws: Workspace,
    path: Path | str,
    *,
    passphrase: str,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> ImportReport:
    """Verify and apply the sync file at ``path`` (see the module docstring)."""
    path = Path(path)
    report_progress = progress or (lambda done, total, message: None)
    try:
        f = open(path, "rb")
    except OSError as exc:
        raise SyncError(f"Impossible de lire « {path} » : {exc.strerror or exc}.") from None
    with f:
        report_progress(0, 1, "Vérification du fichier…")
        plain, header, master = crypto.open_container(f, passphrase)
        pkg = verify_package(plain)
        try:
            # A consistent copy once the file is known to be sound, before anything is
            # written (data safety: backups before every sync import).
            from app.services.backups import backup_before

            backup_before(ws, "synchro")
            return _apply(ws, path, pkg, header, passphrase, report_progress, cancel)
        finally:
            pkg.close()


def _apply(ws: Workspace, path: Path, pkg: VerifiedPackage, header: crypto.Header, passphrase: str,
           progress: Progress, cancel: Cancel | None) -> ImportReport:
    m = pkg.manifest
    origin_id = m["origin"]["site_id"]
    public_b64 = crypto.b64(pkg.public_key)
    try:
        with ws.unit(write=True) as s:
            st = state.sync_state(s)
            if origin_id == st.site_id:
                own = state.signing_key(s, create=False)
                if own is None or own[1] != pkg.public_key:
                    raise UnknownSigningKey(
                        "Ce fichier annonce cette machine comme origine mais n'est pas signé par sa "
                        "clé : il est refusé."
                    )
                return _report_base(path, pkg, own_file=True)
            peer = s.get(Peer, origin_id)
            if peer is not None and peer.public_key and peer.public_key != public_b64:
                raise UnknownSigningKey(
                    f"Ce fichier annonce la machine « {peer.name or origin_id} » mais n'est pas signé "
                    f"par la clé connue de cette machine (empreinte attendue "
                    f"{crypto.fingerprint(crypto.unb64(peer.public_key))}, reçue "
                    f"{crypto.fingerprint(pkg.public_key)}). Il est refusé : il peut avoir été "
                    "fabriqué par un tiers."
                )
            if s.get(SyncFile, m["file_id"]) is not None:
                return _report_base(path, pkg, already_imported=True)

            s.connection().exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            populated = {t for t in DUPLICATE_TABLES if s.connection().exec_driver_sql(
                f'SELECT 1 FROM "{t}" WHERE deleted = 0 LIMIT 1').first() is not None}
            before_known = state.knowledge(s)
            before_bound = state.horizon(s)
            index = DeferredSearchIndex(s.connection(), pkg.tables())
            index.suspend()
            applier = _Applier(s, pkg, progress, cancel, index)
            for name in pkg.tables():
                applier.apply_table(name)
            index.restore()
            blobs = applier.apply_blobs()
            if cancel is not None and cancel():
                raise SyncCancelled()

            bound = _record_state(s, pkg, applier, before_known, before_bound, peer, st.site_id)
            if state.verifier(s) is None:
                # The first file this machine reads teaches it the network passphrase.
                state.store_verifier(s, crypto.make_verifier(passphrase, salt=header.salt, params=header.kdf))
            now = dt.datetime.now().replace(microsecond=0)
            tables = {t: TableCounts(**c) for t, c in applier.counts.items()}
            s.add(SyncFile(
                file_id=m["file_id"], direction="import", peer_site_id=origin_id, at=now,
                filename=path.name,
                summary={"counts": {t: vars(c) for t, c in tables.items()}, "blobs": blobs,
                         "created_at": m["created_at"], "origin_name": m["origin"]["site_name"],
                         "checkpoint": {"change_seq": applier.change_seq, "horizon": bound}},
            ))
            s.flush()
            progress(applier.total, applier.total, "Enregistrement…")
    except IntegrityError as exc:
        raise DamagedFile(
            "Fichier refusé : il contient des enregistrements incohérents (références absentes ou "
            f"doublons d'identifiant naturel). La base n'a pas été modifiée. ({str(exc.orig)[:120]})"
        ) from None

    candidates = _duplicates(ws, {t: ids for t, ids in applier.new_ids.items() if t in populated})
    return _report_base(
        path, pkg, tables=tables, blobs=blobs, duplicates=len(candidates),
        duplicate_candidates=tuple(candidates),
        changes=ChangeSet(created=tuple(applier.created), updated=tuple(applier.updated)),
    )


def _record_state(s: Session, pkg: VerifiedPackage, applier: _Applier, before_known: dict[str, int],
                  before_bound: dict[str, int], peer: Peer | None, site_id: str) -> dict[str, int]:
    """After the rows: what we now know, the horizon, our clocks, and the peer's state.
    Returns the new horizon (for the import's checkpoint)."""
    m = pkg.manifest
    origin_id = m["origin"]["site_id"]
    # We now know a site's writes up to the file's knowledge of it, provided we already had
    # everything the file left out for that site (its base).
    base = m["base"]
    known = dict(before_known)
    complete = all(before_known.get(k, 0) >= c for k, c in base.items())
    for site, c in m["knowledge"].items():
        if before_known.get(site, 0) >= base.get(site, 0):
            known[site] = max(known.get(site, 0), c)
    known.pop(site_id, None)
    state.put_setting(s, state.KNOWLEDGE, known)
    bound = vv_join(before_bound, applier.written_vv, known)
    state.put_setting(s, state.HORIZON, bound)
    # Our clock moves past every clock received: our next edits come after what we saw.
    s.execute(update(SyncState).where(SyncState.id == 1).values(
        change_seq=applier.change_seq, hlc=applier.hlc))
    if peer is None:
        peer = Peer(site_id=origin_id, name="", acked_vv={}, their_vv={}, public_key="")
        s.add(peer)
    peer.name = m["origin"]["site_name"] or peer.name
    peer.public_key = crypto.b64(pkg.public_key)  # pinned on first contact
    peer.acked_vv = vv_join(peer.acked_vv, m["knowledge"])
    if complete:
        peer.their_vv = vv_join(peer.their_vv, {origin_id: int(m["counter"])})
    peer.last_import_at = dt.datetime.now().replace(microsecond=0)
    return bound


def _duplicates(ws: Workspace, new_ids: dict[str, list[str]]) -> list[Any]:
    """Duplicate candidates involving the structures and people this file created.

    Integration point with :mod:`app.services.duplicates` (candidates by SIRET, e-mail,
    phone, similar name and postcode); a person confirms each merge in the GUI. A table that
    held no live record before the import is not searched: every pair then comes from the
    one machine that wrote the file, where it was already proposed (and the search over a
    first complete import would cost more than the import itself).
    """
    if not any(new_ids.values()):
        return []
    from app.services.duplicates import find_duplicate_candidates

    out: list[Any] = []
    for table, ids in new_ids.items():
        if ids:
            out.extend(find_duplicate_candidates(ws, table, ids))
    return out
