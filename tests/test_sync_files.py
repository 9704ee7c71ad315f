"""Damaged, truncated, tampered or hostile sync files are refused with a typed error and a
French message, and the database is left exactly as it was (byte-level picture)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import signal
import sqlite3
import struct
import subprocess
import sys
import textwrap
import warnings
import zipfile
from pathlib import Path
from typing import Any, Callable

import pytest

from app.storage.migrations import SCHEMA_VERSION
from app.storage.models import Organisation
from app.sync import crypto, importing, state
from app.sync.codec import canonical
from app.sync.errors import (
    BadSignature,
    DamagedFile,
    FormatTooNew,
    NotASyncFile,
    SyncError,
    UnknownSigningKey,
    UnsafeFile,
    WrongPassphrase,
)
from test_sync_support import PASSPHRASE, Site, database_picture, fast_kdf, sites  # noqa: F401


@pytest.fixture
def pair(sites):  # noqa: ANN001, ANN201
    """A (with data, known to B) and B; returns (a, b, a file B has not imported yet)."""
    a, b = sites("siege", "avallon")
    with a.ws.unit(write=True) as s:
        for i in range(40):
            s.add(Organisation(name=f"Structure {i}", kind_code="association", city="Sens"))
    b.load(a.export())
    with a.ws.unit(write=True) as s:
        s.add(Organisation(name="Nouvelle", kind_code="aci"))
    return a, b, a.export()


def _plain(path: Path) -> bytes:
    with open(path, "rb") as f:
        view, _h, _m = crypto.open_container(f, PASSPHRASE)
        return view.read()


def _seal(zip_bytes: bytes, dest: Path, passphrase: str = PASSPHRASE) -> Path:
    verifier = crypto.make_verifier(passphrase)
    with open(dest, "wb") as out, crypto.EncryptingWriter(out, verifier.master(passphrase), verifier) as enc:
        enc.write(zip_bytes)
    return dest


def _entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(_plain(path))) as zf:
        return {i.filename: zf.read(i.filename) for i in zf.infolist()}


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are on purpose
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in entries:
                zf.writestr(name, data)
    return buf.getvalue()


def _private_key(site: Site) -> bytes:
    with site.ws.unit() as s:
        return state.signing_key(s, create=False)[0]


def _rebuild(path: Path, dest: Path, *, key: bytes | None,
             edit_manifest: Callable[[dict], None] | None = None,
             parts: dict[str, bytes] | None = None) -> Path:
    """The same file with parts replaced (manifest re-hashed) and re-signed with ``key``
    (``None``: keep the original signature)."""
    entries = _entries(path)
    manifest = json.loads(entries.pop("manifest.json"))
    signature = entries.pop("manifest.sig")
    for name, data in (parts or {}).items():
        entries[name] = data
    manifest["parts"] = sorted(
        ({"name": n, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)} for n, d in entries.items()),
        key=lambda p: p["name"])
    if edit_manifest:
        edit_manifest(manifest)
    raw = canonical(manifest).encode()
    sig = crypto.sign(key, raw) if key is not None else signature
    return _seal(_zip([("manifest.json", raw), ("manifest.sig", sig), *entries.items()]), dest)


def _refused(b: Site, path: Path, error: type[SyncError], words: str = "") -> SyncError:
    before = database_picture(b.path)
    with pytest.raises(error) as info:
        b.load(path)
    assert info.value.message and (words in info.value.message)
    assert database_picture(b.path) == before
    return info.value


def test_the_untouched_file_is_accepted(pair) -> None:  # noqa: ANN001
    _a, b, f = pair
    assert b.load(f).created == 1


def test_wrong_passphrase(pair) -> None:  # noqa: ANN001
    _a, b, f = pair
    before = database_picture(b.path)
    with pytest.raises(WrongPassphrase) as err:
        b.load(f, passphrase="pas la bonne phrase")
    assert "Phrase de passe incorrecte" in err.value.message
    assert database_picture(b.path) == before


def test_truncated_at_many_offsets(pair) -> None:  # noqa: ANN001
    _a, b, f = pair
    data = f.read_bytes()
    before = database_picture(b.path)
    offsets = {0, 1, 13, 14, 15, 16, 40, len(data) // 2, len(data) - 17, len(data) - 16, len(data) - 1}
    offsets |= set(random.Random(5).sample(range(len(data)), 25))
    for n in sorted(offsets):
        cut = f.with_name(f"cut-{n}.msync")
        cut.write_bytes(data[:n])
        with pytest.raises((NotASyncFile, DamagedFile)) as err:
            b.load(cut)
        assert err.value.message
    assert database_picture(b.path) == before


def test_flipped_bits_anywhere_and_appended_bytes(pair) -> None:  # noqa: ANN001
    _a, b, f = pair
    data = f.read_bytes()
    before = database_picture(b.path)
    rng = random.Random(7)
    positions = {0, 14, 16, 30, len(data) - 1, len(data) - 20} | set(rng.sample(range(len(data)), 30))
    for pos in sorted(positions):
        flipped = bytearray(data)
        flipped[pos] ^= 1 << rng.randrange(8)
        bad = f.with_name(f"flip-{pos}.msync")
        bad.write_bytes(bytes(flipped))
        with pytest.raises(SyncError) as err:  # damaged, or (a flipped check value) wrong phrase
            b.load(bad)
        assert isinstance(err.value, (DamagedFile, NotASyncFile, WrongPassphrase)), pos
    for extra in (b"\x00", b"MAILLAGE", os.urandom(5000)):
        longer = f.with_name("longer.msync")
        longer.write_bytes(data + extra)
        with pytest.raises(DamagedFile):
            b.load(longer)
    assert database_picture(b.path) == before


def test_not_a_sync_file(pair, tmp_path) -> None:  # noqa: ANN001
    _a, b, _f = pair
    pdf = tmp_path / "compte-rendu.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + os.urandom(300))
    _refused(b, pdf, NotASyncFile, "n'est pas un fichier de synchronisation")


def test_added_zip_entry_is_refused(pair, tmp_path) -> None:  # noqa: ANN001
    _a, b, f = pair
    entries = list(_entries(f).items()) + [("notes.txt", b"bonjour")]
    _refused(b, _seal(_zip(entries), tmp_path / "x.msync"), UnsafeFile, "partie inattendue")
    entries = list(_entries(f).items()) + [("tables/people.ndjson", b"{}\n")]
    _refused(b, _seal(_zip(entries), tmp_path / "y.msync"), UnsafeFile, "partie inattendue")


def test_path_traversal_entries_are_refused(pair, tmp_path) -> None:  # noqa: ANN001
    _a, b, f = pair
    for evil in ("../../.bashrc", "/etc/passwd", "tables/../../x.ndjson", "C:\\Windows\\x"):
        entries = list(_entries(f).items()) + [(evil, b"x")]
        _refused(b, _seal(_zip(entries), tmp_path / "evil.msync"), UnsafeFile)


def test_duplicated_entry_is_refused(pair, tmp_path) -> None:  # noqa: ANN001
    _a, b, f = pair
    entries = list(_entries(f).items())
    table = next((n, d) for n, d in entries if n.startswith("tables/"))
    _refused(b, _seal(_zip(entries + [table]), tmp_path / "dup.msync"), UnsafeFile, "deux fois")


def test_missing_part_is_refused(pair, tmp_path) -> None:  # noqa: ANN001
    _a, b, f = pair
    entries = [(n, d) for n, d in _entries(f).items() if not n.startswith("tables/organisations")]
    _refused(b, _seal(_zip(entries), tmp_path / "missing.msync"), DamagedFile, "manque")


def test_manifest_rehashed_without_a_valid_signature_is_refused(pair, tmp_path) -> None:  # noqa: ANN001
    _a, b, f = pair
    part = _entries(f)["tables/organisations.ndjson"].replace(b"Nouvelle", "Piratée!".encode())
    bad = _rebuild(f, tmp_path / "rehash.msync", key=None, parts={"tables/organisations.ndjson": part})
    _refused(b, bad, BadSignature, "Signature invalide")


def test_part_changed_behind_the_manifest_is_refused(pair, tmp_path) -> None:  # noqa: ANN001
    _a, b, f = pair
    entries = _entries(f)
    entries["tables/organisations.ndjson"] = entries["tables/organisations.ndjson"].replace(b"Nouvelle", b"Nouvellx")
    _refused(b, _seal(_zip(list(entries.items())), tmp_path / "p.msync"), DamagedFile, "empreinte")


def test_a_stranger_signing_for_a_known_machine_is_refused(pair, tmp_path) -> None:  # noqa: ANN001
    a, b, f = pair
    private, public = crypto.new_signing_key()

    def impersonate(m: dict) -> None:
        m["origin"]["public_key"] = crypto.b64(public)

    bad = _rebuild(f, tmp_path / "stranger.msync", key=private, edit_manifest=impersonate)
    _refused(b, bad, UnknownSigningKey, "clé connue")


def test_newer_schema_or_format_is_refused_with_a_clear_message(pair, tmp_path) -> None:  # noqa: ANN001
    a, b, f = pair
    key = _private_key(a)

    def newer_schema(m: dict) -> None:
        m["schema_version"] = SCHEMA_VERSION + 1

    def newer_format(m: dict) -> None:
        m["format_version"] = 99

    err = _refused(b, _rebuild(f, tmp_path / "s.msync", key=key, edit_manifest=newer_schema),
                   FormatTooNew, "version plus récente")
    assert "mettez Maillage à jour" in err.message
    _refused(b, _rebuild(f, tmp_path / "f.msync", key=key, edit_manifest=newer_format), FormatTooNew)


def _header_edit(path: Path, dest: Path, edit: Callable[[dict], None]) -> Path:
    data = path.read_bytes()
    (length,) = struct.unpack(">H", data[14:16])
    header = json.loads(data[16 : 16 + length])
    edit(header)
    body = json.dumps(header).encode()
    dest.write_bytes(data[:14] + struct.pack(">H", len(body)) + body + data[16 + length :])
    return dest


def test_absurd_key_derivation_parameters_are_refused_before_any_work(pair, tmp_path) -> None:  # noqa: ANN001
    _a, b, f = pair
    for n, r, p in ((1 << 30, 8, 1), (1 << 15, 1024, 1), (1 << 15, 8, 64), (3, 8, 1), (1 << 10, 8, 1)):
        def edit(h: dict, n: int = n, r: int = r, p: int = p) -> None:
            h["kdf"].update(n=n, r=r, p=p)

        _refused(b, _header_edit(f, tmp_path / "kdf.msync", edit), DamagedFile, "dérivation")

    def newer(h: dict) -> None:
        h["version"] = 2

    _refused(b, _header_edit(f, tmp_path / "v.msync", newer), FormatTooNew, "plus récente")


def test_decompression_bomb_is_refused_even_when_signed(pair, tmp_path) -> None:  # noqa: ANN001
    a, b, f = pair
    bomb = b"\n" * (40 << 20)  # 40 Mo of nothing, a few dozen kilobytes compressed
    bad = _rebuild(f, tmp_path / "bomb.msync", key=_private_key(a), parts={"tables/actions.ndjson": bomb})
    assert bad.stat().st_size < 1 << 20
    _refused(b, bad, UnsafeFile, "bombe")


def test_malformed_rows_in_a_signed_file_roll_everything_back(pair, tmp_path) -> None:  # noqa: ANN001
    a, b, f = pair
    key = _private_key(a)
    entries = _entries(f)
    rows = [json.loads(line) for line in entries["tables/organisations.ndjson"].splitlines()]
    rows[-1]["headcount"] = "beaucoup"
    bad = _rebuild(f, tmp_path / "t.msync", key=key, parts={
        "tables/organisations.ndjson": b"".join(canonical(r).encode() + b"\n" for r in rows)})
    _refused(b, bad, DamagedFile, "valeur incorrecte")
    # a row whose parent is nowhere: refused at commit, nothing kept
    orphan = dict(rows[0], id="01900000-0000-7000-8000-000000000001", merged_into="01900000-0000-7000-8000-0000000000ff")
    orphan["sync_vv"] = {"ailleurs": 1}
    bad = _rebuild(f, tmp_path / "o.msync", key=key, parts={
        "tables/organisations.ndjson": canonical(orphan).encode() + b"\n"})
    _refused(b, bad, DamagedFile, "références absentes")


def test_a_row_repeating_a_key_cannot_smuggle_an_unchecked_value(pair, tmp_path) -> None:  # noqa: ANN001
    a, b, f = pair
    lines = _entries(f)["tables/organisations.ndjson"].decode().splitlines()
    # Python reads the last "city", SQLite the first: the stored value must still be checked.
    new = next(i for i, line in enumerate(lines) if '"Nouvelle"' in line)
    lines[new] = '{"archived":"oui","headcount":"beaucoup",' + lines[new][1:]
    bad = _rebuild(f, tmp_path / "dup-key.msync", key=_private_key(a),
                   parts={"tables/organisations.ndjson": ("\n".join(lines) + "\n").encode()})
    _refused(b, bad, DamagedFile, "valeur incorrecte")


def test_an_error_after_some_rows_leaves_the_database_unchanged_and_retry_works(pair, monkeypatch) -> None:  # noqa: ANN001
    a, b, f = pair
    monkeypatch.setattr(importing, "BATCH", 7)
    real = importing.merge_row
    calls = {"n": 0}

    def failing(*args: Any):  # noqa: ANN202 - the decision taken for every incoming row
        calls["n"] += 1
        if calls["n"] == 20:
            raise RuntimeError("panne simulée")
        return real(*args)

    monkeypatch.setattr(importing, "merge_row", failing)
    before = database_picture(b.path)
    with pytest.raises(RuntimeError):
        b.load(f)
    assert database_picture(b.path) == before
    monkeypatch.setattr(importing, "merge_row", real)
    assert b.load(f).created == 1
    with sqlite3.connect(b.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_sigkill_during_an_import_leaves_the_database_unchanged(pair, tmp_path) -> None:  # noqa: ANN001
    a, b, _f = pair
    with a.ws.unit(write=True) as s:
        for i in range(300):
            s.add(Organisation(name=f"Lot {i}", kind_code="association"))
    f = a.export(full=True)
    b.ws.close()
    before = database_picture(b.path)
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from app.sync import crypto, importing
        crypto.DEFAULT_KDF = {crypto.DEFAULT_KDF!r}
        importing.BATCH = 50
        from app.services.workspace import open_workspace
        from app.sync.service import import_file
        ws = open_workspace({str(b.path)!r})
        def progress(done, total, message):
            if done >= 150:
                os.kill(os.getpid(), signal.SIGKILL)
        import_file(ws, {str(f)!r}, passphrase={PASSPHRASE!r}, progress=progress)
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parent.parent,
                          capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    with sqlite3.connect(b.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert database_picture(b.path) == before
    from app.services.workspace import open_workspace

    b.ws = open_workspace(b.path)
    assert b.load(f).created == 301
