"""The sync file's content: a zip with a signed manifest, NDJSON parts and blobs by hash.

Entries (nothing else is accepted)::

    manifest.json          canonical JSON, see below
    manifest.sig           Ed25519 signature of the manifest by the origin machine
    tables/<table>.ndjson  one wire row per line (sorted keys), for each table with rows
    blobs.ndjson           one line per image: sha256, mime, size, created_at
    blobs/<sha256>         the image bytes (signature images, scans…), each at most once

Manifest: ``format`` (``maillage-sync``), ``format_version``, ``schema_version``,
``file_id``, ``created_at``, ``origin`` (``site_id``, ``site_name``, ``public_key``),
``target`` (a site id or ``null``), ``full``, ``base`` (the vector this delta starts from),
``knowledge`` (the acknowledgements: what the origin has seen, per site), ``counter`` (the
origin's write counter), ``max_hlc``, ``counts`` (rows per table) and ``parts``: for each
entry its ``name``, ``sha256`` and ``size``.

:func:`verify_package` checks, before anything is applied: the entry names (no absolute
paths, no ``..``, no duplicates, nothing unexpected or missing), bounded decompression (the
sizes the manifest declares, a cap on the total and on each entry's compression ratio,
counted while reading), the format and schema versions, the signature, and the SHA-256 and
size of every part.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

import orjson

from app.storage.migrations import SCHEMA_VERSION
from app.sync import crypto
from app.sync.codec import CODECS, MAX_CLOCK, canonical
from app.sync.errors import DamagedFile, FormatTooNew, UnsafeFile

FORMAT = "maillage-sync"
FORMAT_VERSION = 1

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
BLOB_INDEX = "blobs.ndjson"
_PART_RE = re.compile(r"^(?:tables/([a-z_]{1,40})\.ndjson|blobs/([0-9a-f]{64})|blobs\.ndjson)$")

MAX_MANIFEST = 4 << 20
MAX_TOTAL = 4 << 30
"""Cap on the total uncompressed size of a file (a 500 000-row file is far below)."""
MAX_RATIO = 200
"""Cap on an entry's compression ratio (zlib cannot exceed ~1 030; real rows stay below 20)."""
RATIO_FLOOR = 1 << 20
"""Entries smaller than this are not held to the ratio cap."""
CHUNK = 1 << 16


# --- writing -------------------------------------------------------------------------------

class PackageWriter:
    """Write the zip into ``out`` (typically a :class:`~app.sync.crypto.EncryptingWriter`).

    Add parts with :meth:`table_writer` / :meth:`add_blob`, then :meth:`finish` with the
    manifest fields and the signing key: the manifest gets the parts' sizes and hashes.
    """

    def __init__(self, out: IO[bytes], *, compresslevel: int = 3) -> None:
        self._zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self.parts: list[dict[str, Any]] = []
        self.counts: dict[str, int] = {}

    def __enter__(self) -> PackageWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None:
            self.abort()

    def abort(self) -> None:
        """Give up (the output is discarded): close the zip without complaining."""
        try:
            self._zip.close()
        except (OSError, ValueError):
            pass

    def _add_part(self, name: str, size: int, digest: str) -> None:
        self.parts.append({"name": name, "sha256": digest, "size": size})

    def write_lines(self, table: str, lines: Iterator[str]) -> int:
        """Stream wire rows (canonical JSON text, one per item) to ``tables/<table>.ndjson``;
        returns the count. No entry is written for a table without rows."""
        first = next(lines, None)
        if first is None:
            return 0
        name = f"tables/{table}.ndjson"
        h = hashlib.sha256()
        size = n = 0
        with self._zip.open(name, "w", force_zip64=True) as part:
            buf = [first]
            for line in lines:
                buf.append(line)
                if len(buf) >= 2048:
                    n += len(buf)
                    data = ("\n".join(buf) + "\n").encode("utf-8")
                    buf.clear()
                    h.update(data)
                    size += len(data)
                    part.write(data)
            if buf:
                n += len(buf)
                data = ("\n".join(buf) + "\n").encode("utf-8")
                h.update(data)
                size += len(data)
                part.write(data)
        self._add_part(name, size, h.hexdigest())
        self.counts[table] = n
        return n

    def write_rows(self, table: str, rows: Iterator[Mapping[str, Any]]) -> int:
        """Like :meth:`write_lines` from wire rows as dicts."""
        return self.write_lines(table, (canonical(r) for r in rows))

    def write_blobs(self, blobs: list[tuple[dict[str, Any], bytes]]) -> None:
        """The images: their index and their bytes (stored, already compressed)."""
        if not blobs:
            return
        index = "".join(canonical(meta) + "\n" for meta, _data in blobs).encode("utf-8")
        self._zip.writestr(BLOB_INDEX, index)
        self._add_part(BLOB_INDEX, len(index), hashlib.sha256(index).hexdigest())
        for meta, data in blobs:
            name = f"blobs/{meta['sha256']}"
            self._zip.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data,
                               compress_type=zipfile.ZIP_STORED)
            self._add_part(name, len(data), hashlib.sha256(data).hexdigest())

    def finish(self, manifest: dict[str, Any], signing_key: bytes) -> bytes:
        """Write the manifest (with parts and counts) and its signature; close the zip."""
        body = dict(manifest)
        body.update(
            format=FORMAT, format_version=FORMAT_VERSION,
            parts=sorted(self.parts, key=lambda p: p["name"]), counts=self.counts,
        )
        raw = canonical(body).encode("utf-8")
        self._zip.writestr(MANIFEST, raw)
        self._zip.writestr(SIGNATURE, crypto.sign(signing_key, raw), compress_type=zipfile.ZIP_STORED)
        self._zip.close()
        return raw


# --- reading -------------------------------------------------------------------------------

@dataclass
class VerifiedPackage:
    """A package whose every part has been checked; read its rows with :meth:`rows`."""

    zip: zipfile.ZipFile
    manifest: dict[str, Any]
    public_key: bytes
    sizes: dict[str, int] = field(default_factory=dict)

    @property
    def older(self) -> bool:
        """Written under an older database schema (rows are completed on reading)."""
        return int(self.manifest["schema_version"]) < SCHEMA_VERSION

    @property
    def origin(self) -> dict[str, Any]:
        return self.manifest["origin"]

    def tables(self) -> list[str]:
        """Tables present, in the order they are applied (parents first)."""
        present = {p["name"][len("tables/"):-len(".ndjson")] for p in self.manifest["parts"]
                   if p["name"].startswith("tables/")}
        return [t for t in CODECS if t in present]

    def lines(self, table: str, *, check: bool = True) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each line of ``table`` as ``(text, wire row)``; with ``check``, each row is checked
        against the table (otherwise the caller checks the rows it will write)."""
        codec = CODECS[table]
        name = f"tables/{table}.ndjson"
        with self.zip.open(name) as f:
            for number, raw in enumerate(_split_lines(f, self.sizes[name]), start=1):
                try:
                    text = raw.decode("utf-8")
                    row = orjson.loads(raw)  # a fifth of the import's time with json
                except ValueError:
                    raise DamagedFile(f"Fichier invalide : ligne {number} de « {table} » illisible.") from None
                if type(row) is not dict or type(row.get("id")) is not str:
                    raise DamagedFile(f"Fichier invalide : ligne {number} de « {table} » sans identifiant.")
                if self.older:
                    row = codec.upgrade(row)
                    text = canonical(row)
                yield text, (codec.check_row(row) if check else row)

    def rows(self, table: str) -> Iterator[dict[str, Any]]:
        """Each wire row of ``table``, checked against the table's columns."""
        for _text, row in self.lines(table):
            yield row

    def blob_index(self) -> list[dict[str, Any]]:
        if BLOB_INDEX not in self.sizes:
            return []
        out = []
        with self.zip.open(BLOB_INDEX) as f:
            for line in _bounded_lines(f, self.sizes[BLOB_INDEX]):
                try:
                    meta = json.loads(line)
                    ok = (isinstance(meta, dict) and isinstance(meta.get("sha256"), str)
                          and isinstance(meta.get("mime"), str) and isinstance(meta.get("size"), int)
                          and isinstance(meta.get("created_at"), str))
                except ValueError:
                    ok = False
                if not ok or f"blobs/{meta['sha256']}" not in self.sizes:
                    raise DamagedFile("Fichier invalide : index des images incorrect.")
                out.append(meta)
        return out

    def blob(self, sha256: str) -> bytes:
        name = f"blobs/{sha256}"
        with self.zip.open(name) as f:
            data = _read_bounded(f, self.sizes[name])
        if hashlib.sha256(data).hexdigest() != sha256:
            raise DamagedFile("Fichier invalide : une image ne correspond pas à son empreinte.")
        return data

    def close(self) -> None:
        self.zip.close()


def _split_lines(f: IO[bytes], size: int) -> Iterator[bytes]:
    """The non-empty lines of ``f``, read in large chunks, never more than ``size`` bytes."""
    read = 0
    rest = b""
    while chunk := f.read(1 << 20):
        read += len(chunk)
        if read > size:
            raise UnsafeFile("Fichier refusé : une partie est plus grande qu'annoncé.")
        parts = (rest + chunk).split(b"\n")
        rest = parts.pop()
        yield from (p for p in parts if p)
    if rest:
        yield rest


def _bounded_lines(f: IO[bytes], size: int) -> Iterator[bytes]:
    read = 0
    for line in f:
        read += len(line)
        if read > size:
            raise UnsafeFile("Fichier refusé : une partie est plus grande qu'annoncé.")
        yield line


def _read_bounded(f: IO[bytes], size: int) -> bytes:
    data = f.read(size + 1)
    if len(data) > size:
        raise UnsafeFile("Fichier refusé : une partie est plus grande qu'annoncé.")
    return data


def _check_entries(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = zf.infolist()
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise UnsafeFile("Fichier refusé : il contient deux fois la même partie.")
    out: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        if name in (MANIFEST, SIGNATURE) or _PART_RE.match(name):
            if info.flag_bits & 0x1:
                raise UnsafeFile("Fichier refusé : une partie est chiffrée à l'intérieur de l'archive.")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise UnsafeFile("Fichier refusé : méthode de compression inattendue.")
            out[name] = info
            continue
        if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") or ":" in name:
            raise UnsafeFile(f"Fichier refusé : chemin dangereux dans l'archive (« {name[:80]} »).")
        raise UnsafeFile(f"Fichier refusé : partie inattendue dans l'archive (« {name[:80]} »).")
    if MANIFEST not in out or SIGNATURE not in out:
        raise DamagedFile("Fichier invalide : le manifeste ou sa signature manque.")
    return out


def _check_ratio(info: zipfile.ZipInfo) -> None:
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise UnsafeFile(
            f"Fichier refusé : la partie « {info.filename[:80]} » se décompresse de façon "
            "anormale (bombe de décompression ?)."
        )


def _read_manifest(zf: zipfile.ZipFile, infos: Mapping[str, zipfile.ZipInfo]) -> tuple[bytes, dict[str, Any]]:
    info = infos[MANIFEST]
    if info.file_size > MAX_MANIFEST:
        raise UnsafeFile("Fichier refusé : manifeste démesuré.")
    _check_ratio(info)
    with zf.open(MANIFEST) as f:
        raw = _read_bounded(f, MAX_MANIFEST)
    try:
        manifest = json.loads(raw.decode("utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError
    except ValueError:
        raise DamagedFile("Fichier invalide : manifeste illisible.") from None
    return raw, manifest


def _check_versions(manifest: Mapping[str, Any]) -> None:
    if manifest.get("format") != FORMAT:
        raise DamagedFile("Ce fichier n'est pas un fichier de synchronisation Maillage (format inconnu).")
    version = manifest.get("format_version")
    schema = manifest.get("schema_version")
    if not isinstance(version, int) or not isinstance(schema, int):
        raise DamagedFile("Fichier invalide : versions absentes du manifeste.")
    if version > FORMAT_VERSION:
        raise FormatTooNew(
            f"Ce fichier a été préparé par une version plus récente de Maillage (format {version}, "
            f"celle-ci lit le format {FORMAT_VERSION}) : mettez Maillage à jour avant de l'importer."
        )
    if schema > SCHEMA_VERSION:
        raise FormatTooNew(
            "Ce fichier a été préparé par une version plus récente de Maillage (base de données "
            f"version {schema}, celle-ci : {SCHEMA_VERSION}) : mettez Maillage à jour sur cette "
            "machine avant de l'importer. Rien n'a été modifié."
        )
    if schema < 1:
        raise DamagedFile("Fichier invalide : version de base de données inconnue.")


def _check_manifest_fields(m: Mapping[str, Any]) -> None:
    def vector(v: Any) -> bool:
        return isinstance(v, dict) and all(
            isinstance(k, str) and isinstance(c, int) and not isinstance(c, bool) and 0 <= c < MAX_CLOCK
            for k, c in v.items())

    origin = m.get("origin")
    ok = (
        isinstance(m.get("file_id"), str) and 0 < len(m["file_id"]) <= 64
        and isinstance(m.get("created_at"), str)
        and isinstance(origin, dict) and isinstance(origin.get("site_id"), str)
        and 0 < len(origin["site_id"]) <= 36 and isinstance(origin.get("site_name"), str)
        and isinstance(origin.get("public_key"), str)
        and (m.get("target") is None or isinstance(m.get("target"), str))
        and isinstance(m.get("full"), bool)
        and vector(m.get("base")) and vector(m.get("knowledge"))
        and isinstance(m.get("max_hlc"), int) and 0 <= m["max_hlc"] < MAX_CLOCK
        and isinstance(m.get("counter"), int) and 0 <= m["counter"] < MAX_CLOCK
        and isinstance(m.get("parts"), list) and isinstance(m.get("counts"), dict)
    )
    if ok:
        for p in m["parts"]:
            if not (isinstance(p, dict) and isinstance(p.get("name"), str)
                    and isinstance(p.get("sha256"), str) and isinstance(p.get("size"), int)
                    and p["size"] >= 0 and _PART_RE.match(p["name"])):
                ok = False
                break
    if not ok:
        raise DamagedFile("Fichier invalide : manifeste incomplet.")


def verify_package(plain: IO[bytes]) -> VerifiedPackage:
    """Open and fully verify the zip in ``plain`` (see the module docstring)."""
    try:
        zf = zipfile.ZipFile(plain, "r")
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise DamagedFile("Fichier endommagé : l'archive est illisible.") from None
    try:
        return _verify(zf)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError) as exc:
        zf.close()
        if isinstance(exc, DamagedFile):  # pragma: no cover - DamagedFile is not one of these
            raise
        raise DamagedFile("Fichier endommagé : une partie de l'archive est illisible.") from None
    except BaseException:
        zf.close()
        raise


def _verify(zf: zipfile.ZipFile) -> VerifiedPackage:
    infos = _check_entries(zf)
    raw, manifest = _read_manifest(zf, infos)
    _check_versions(manifest)
    _check_manifest_fields(manifest)
    if infos[SIGNATURE].file_size != 64:
        raise DamagedFile("Fichier invalide : signature de taille incorrecte.")
    with zf.open(SIGNATURE) as f:
        signature = _read_bounded(f, 64)
    try:
        public = crypto.unb64(manifest["origin"]["public_key"], size=32)
    except ValueError:
        raise DamagedFile("Fichier invalide : clé publique illisible.") from None
    crypto.verify(public, raw, signature)

    declared = {p["name"]: p for p in manifest["parts"]}
    if len(declared) != len(manifest["parts"]):
        raise UnsafeFile("Fichier refusé : le manifeste déclare deux fois la même partie.")
    present = set(infos) - {MANIFEST, SIGNATURE}
    if present != set(declared):
        extra = sorted(present - set(declared))
        if extra:
            raise UnsafeFile(f"Fichier refusé : partie inattendue dans l'archive (« {extra[0][:80]} »).")
        raise DamagedFile("Fichier incomplet : une partie annoncée par le manifeste manque.")
    total = sum(p["size"] for p in declared.values())
    if total > MAX_TOTAL:
        raise UnsafeFile("Fichier refusé : son contenu décompressé serait démesuré.")
    for name, part in declared.items():
        info = infos[name]
        if info.file_size != part["size"]:
            raise DamagedFile(f"Fichier modifié : la taille de « {name} » ne correspond pas au manifeste.")
        _check_ratio(info)
    sizes: dict[str, int] = {}
    for name, part in sorted(declared.items()):
        h = hashlib.sha256()
        read = 0
        with zf.open(name) as f:
            while chunk := f.read(CHUNK):
                read += len(chunk)
                if read > part["size"]:
                    raise UnsafeFile("Fichier refusé : une partie est plus grande qu'annoncé.")
                h.update(chunk)
        if read != part["size"] or h.hexdigest() != part["sha256"]:
            raise DamagedFile(f"Fichier modifié : l'empreinte de « {name} » ne correspond pas au manifeste.")
        sizes[name] = part["size"]
    for name in sizes:
        match = _PART_RE.match(name)
        if match and match.group(1) and match.group(1) not in CODECS:
            raise UnsafeFile(f"Fichier refusé : table inconnue « {match.group(1)} ».")
    return VerifiedPackage(zf, manifest, public, sizes)
