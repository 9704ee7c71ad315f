"""Keys, signatures and the encrypted container of sync files.

Container (what lands on the USB key)::

    b"MAILLAGE-SYNC\\0" | u16 header length | header (canonical JSON) | segments…

The header names the cipher (AES-256-GCM), the key derivation (scrypt ``n``, ``r``, ``p``
and its salt), a per-file random ``file_salt``, a 7-byte ``nonce`` prefix, the segment size
and a 16-byte ``check`` value. Keys:

- ``master = scrypt(passphrase, salt)`` — the costly step, cached in memory per process (a
  machine reuses its salt for every file it writes, so importing several files from the same
  machine costs one derivation);
- ``HKDF-SHA256(master, file_salt)`` → the file's 32-byte key and the ``check`` value, which
  tells a wrong passphrase (« Phrase de passe incorrecte ») from a damaged file.

The plaintext (a zip, see :mod:`app.sync.package`) is cut into segments of ``segment`` bytes;
segment *i* is sealed with nonce ``prefix | i (4 bytes) | last flag (1 byte)`` and the whole
header as associated data (the STREAM construction): a reordered, truncated, extended or
modified file, or an altered header, fails authentication. Plaintext never touches the disk:
:class:`EncryptingWriter` seals as the zip is written, :class:`DecryptedFile` opens segments
on demand for the zip reader after :func:`open_container` has authenticated all of them.

Signatures: each machine has an Ed25519 key pair (generated on first export, stored in the
local ``settings`` table, regenerated if the database file is copied and takes a new site
id). The public key travels in each manifest and is pinned per peer on first contact.

The network passphrase is checked against a *verifier* stored locally
(:func:`make_verifier`): scrypt parameters, salt and a derived check value — never the
passphrase itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import os
import struct
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any, BinaryIO

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from app.sync.errors import (
    BadSignature,
    DamagedFile,
    FormatTooNew,
    NotASyncFile,
    PassphraseRequired,
    WrongPassphrase,
)

MAGIC = b"MAILLAGE-SYNC\x00"
CONTAINER_VERSION = 1
CIPHER = "AES-256-GCM"
TAG = 16
SEGMENT = 1 << 20

DEFAULT_KDF = {"name": "scrypt", "n": 1 << 15, "r": 8, "p": 1}
"""Cost of new passphrase verifiers (tests lower ``n`` to the minimum accepted)."""

# Bounds accepted when reading (absurd parameters are refused before any work).
KDF_N_RANGE = (1 << 14, 1 << 20)
KDF_R_RANGE = (8, 32)
KDF_P_RANGE = (1, 4)
KDF_MAX_MEMORY = 1 << 30
SEGMENT_RANGE = (1 << 12, 1 << 24)
MAX_HEADER = 4096
MIN_PASSPHRASE = 8

SIGNATURE_DOMAIN = b"maillage-sync manifest v1\n"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: Any, *, size: int | None = None) -> bytes:
    if not isinstance(text, str):
        raise ValueError("base64 attendu")
    data = base64.b64decode(text.encode("ascii"), validate=True)
    if size is not None and len(data) != size:
        raise ValueError("longueur inattendue")
    return data


# --- passphrase and key derivation ------------------------------------------------------

def normalise_passphrase(passphrase: str | None) -> bytes:
    """UTF-8 bytes of the NFC form (the same phrase typed on Windows or Linux matches)."""
    if passphrase is None or passphrase == "":
        raise PassphraseRequired("La phrase de passe du réseau est nécessaire pour chiffrer et déchiffrer les fichiers.")
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def check_new_passphrase(passphrase: str | None) -> str:
    """Refuse a passphrase too short to protect a lost USB key."""
    text = unicodedata.normalize("NFC", passphrase or "")
    if len(text.strip()) < MIN_PASSPHRASE:
        raise PassphraseRequired(
            f"La phrase de passe du réseau doit compter au moins {MIN_PASSPHRASE} caractères."
        )
    return text


def check_kdf(params: Any) -> dict[str, int]:
    """Validated scrypt parameters (``n``, ``r``, ``p``); absurd values are refused."""
    try:
        if params.get("name") != "scrypt":
            raise ValueError
        n, r, p = params["n"], params["r"], params["p"]
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in (n, r, p)):
            raise ValueError
    except (AttributeError, KeyError, ValueError):
        raise DamagedFile("Fichier invalide : paramètres de dérivation de clé illisibles.") from None
    if (
        n & (n - 1) or not KDF_N_RANGE[0] <= n <= KDF_N_RANGE[1]
        or not KDF_R_RANGE[0] <= r <= KDF_R_RANGE[1] or not KDF_P_RANGE[0] <= p <= KDF_P_RANGE[1]
        or 128 * n * r * p > KDF_MAX_MEMORY
    ):
        raise DamagedFile(
            "Fichier refusé : paramètres de dérivation de clé hors des limites acceptées "
            f"(n={n}, r={r}, p={p})."
        )
    return {"n": n, "r": r, "p": p}


_CACHE: OrderedDict[tuple[bytes, bytes, int, int, int], bytes] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 16


def master_key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    """``scrypt(passphrase, salt)``, remembered for this process (the costly step)."""
    secret = normalise_passphrase(passphrase)
    key = (hashlib.sha256(secret).digest(), salt, n, r, p)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    derived = Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(secret)
    with _CACHE_LOCK:
        _CACHE[key] = derived
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return derived


def _hkdf(master: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(master)


def file_keys(master: bytes, file_salt: bytes) -> tuple[bytes, bytes]:
    """The file's AES-256 key and its 16-byte check value."""
    out = _hkdf(master, file_salt, b"maillage-sync/1 file", 48)
    return out[:32], out[32:]


@dataclass(frozen=True)
class Verifier:
    """What this machine keeps to recognise the network passphrase (never the phrase)."""

    salt: bytes
    n: int
    r: int
    p: int
    check: bytes

    def as_json(self) -> dict[str, Any]:
        return {"name": "scrypt", "n": self.n, "r": self.r, "p": self.p,
                "salt": b64(self.salt), "check": b64(self.check)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Verifier:
        params = check_kdf(data)
        return cls(unb64(data["salt"]), params["n"], params["r"], params["p"], unb64(data["check"]))

    def master(self, passphrase: str) -> bytes | None:
        """The master key if ``passphrase`` is the one recorded, else ``None``."""
        master = master_key(passphrase, self.salt, self.n, self.r, self.p)
        ok = hmac.compare_digest(_hkdf(master, b"", b"maillage-sync/1 verifier", 16), self.check)
        return master if ok else None


def make_verifier(passphrase: str, *, salt: bytes | None = None,
                  params: Mapping[str, int] | None = None) -> Verifier:
    """A verifier for ``passphrase`` (a fresh salt unless one is given)."""
    p = check_kdf({"name": "scrypt", **(params or DEFAULT_KDF)})
    salt = salt if salt is not None else os.urandom(16)
    master = master_key(passphrase, salt, p["n"], p["r"], p["p"])
    return Verifier(salt, p["n"], p["r"], p["p"], _hkdf(master, b"", b"maillage-sync/1 verifier", 16))


# --- container ---------------------------------------------------------------------------

def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", index) + (b"\x01" if last else b"\x00")


class EncryptingWriter(io.RawIOBase):
    """A write-only stream that seals what it receives into the container format.

    Write the zip into it, then :meth:`close`: the last segment is sealed with the *last*
    flag. ``out`` must be a binary file opened for writing (it is not closed).
    """

    def __init__(self, out: BinaryIO, master: bytes, kdf: Verifier, *, segment: int = SEGMENT) -> None:
        super().__init__()
        self._out = out
        file_salt, prefix = os.urandom(32), os.urandom(7)
        key, check = file_keys(master, file_salt)
        header = {
            "version": CONTAINER_VERSION, "cipher": CIPHER,
            "kdf": {"name": "scrypt", "n": kdf.n, "r": kdf.r, "p": kdf.p, "salt": b64(kdf.salt)},
            "file_salt": b64(file_salt), "nonce": b64(prefix), "segment": segment,
            "check": b64(check),
        }
        body = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
        self._aad = MAGIC + struct.pack(">H", len(body)) + body
        out.write(self._aad)
        self._aead = AESGCM(key)
        self._prefix = prefix
        self._segment = segment
        self._buf = bytearray()
        self._index = 0
        self._done = False
        self.written = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:  # type: ignore[override]
        data = bytes(data)
        self._buf += data
        self.written += len(data)
        while len(self._buf) > self._segment:  # keep at least one byte for the last segment
            chunk = bytes(self._buf[: self._segment])
            del self._buf[: self._segment]
            self._seal(chunk, last=False)
        return len(data)

    def _seal(self, chunk: bytes, *, last: bool) -> None:
        self._out.write(self._aead.encrypt(_nonce(self._prefix, self._index, last), chunk, self._aad))
        self._index += 1

    def close(self) -> None:
        if not self._done and not self.closed:
            self._done = True
            self._seal(bytes(self._buf), last=True)
            self._buf = bytearray()
        super().close()


@dataclass
class Header:
    raw: bytes
    kdf: dict[str, int]
    salt: bytes
    file_salt: bytes
    prefix: bytes
    segment: int
    check: bytes


def read_header(f: IO[bytes]) -> Header:
    """Parse and validate the container header (nothing is derived yet)."""
    magic = f.read(len(MAGIC))
    if magic != MAGIC:
        raise NotASyncFile("Ce fichier n'est pas un fichier de synchronisation Maillage.")
    raw_len = f.read(2)
    if len(raw_len) != 2:
        raise DamagedFile("Fichier tronqué : l'en-tête est incomplet.")
    (length,) = struct.unpack(">H", raw_len)
    if not 0 < length <= MAX_HEADER:
        raise DamagedFile("Fichier endommagé : en-tête de taille invalide.")
    body = f.read(length)
    if len(body) != length:
        raise DamagedFile("Fichier tronqué : l'en-tête est incomplet.")
    try:
        data = json.loads(body.decode("utf-8"))
        version = data["version"]
    except (ValueError, KeyError, TypeError):
        raise DamagedFile("Fichier endommagé : en-tête illisible.") from None
    if not isinstance(version, int) or version < 1:
        raise DamagedFile("Fichier endommagé : version du conteneur invalide.")
    if version > CONTAINER_VERSION:
        raise FormatTooNew(
            "Ce fichier a été préparé par une version plus récente de Maillage (conteneur "
            f"version {version}) : mettez Maillage à jour sur cette machine avant de l'importer."
        )
    try:
        if data["cipher"] != CIPHER:
            raise ValueError
        kdf = check_kdf(data["kdf"])
        salt = unb64(data["kdf"]["salt"])
        if not 8 <= len(salt) <= 64:
            raise ValueError
        file_salt = unb64(data["file_salt"], size=32)
        prefix = unb64(data["nonce"], size=7)
        check = unb64(data["check"], size=16)
        segment = data["segment"]
        if not isinstance(segment, int) or not SEGMENT_RANGE[0] <= segment <= SEGMENT_RANGE[1]:
            raise ValueError
    except DamagedFile:
        raise
    except (ValueError, KeyError, TypeError, AttributeError):
        raise DamagedFile("Fichier endommagé : en-tête incomplet ou invalide.") from None
    raw = MAGIC + raw_len + body
    return Header(raw, kdf, salt, file_salt, prefix, segment, check)


class DecryptedFile(io.RawIOBase):
    """A seekable, read-only view of an authenticated container's plaintext.

    Segments are decrypted on demand (the last one is kept); :func:`open_container` has
    checked every segment before this is handed out.
    """

    def __init__(self, f: BinaryIO, header: Header, key: bytes, count: int, size: int) -> None:
        super().__init__()
        self._f = f
        self._h = header
        self._aead = AESGCM(key)
        self._count = count
        self._size = size
        self._pos = 0
        self._cached: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def _segment(self, index: int) -> bytes:
        if self._cached is not None and self._cached[0] == index:
            return self._cached[1]
        seg = self._h.segment
        self._f.seek(len(self._h.raw) + index * (seg + TAG))
        sealed = self._f.read(seg + TAG)
        try:
            plain = self._aead.decrypt(_nonce(self._h.prefix, index, index == self._count - 1), sealed, self._h.raw)
        except InvalidTag:
            raise DamagedFile("Fichier modifié pendant sa lecture.") from None
        self._cached = (index, plain)
        return plain

    def readinto(self, buffer: Any) -> int:
        want = min(len(buffer), self._size - self._pos)
        if want <= 0:
            return 0
        seg = self._h.segment
        done = 0
        view = memoryview(buffer)
        while done < want:
            index, offset = divmod(self._pos, seg)
            plain = self._segment(index)
            n = min(want - done, len(plain) - offset)
            view[done : done + n] = plain[offset : offset + n]
            done += n
            self._pos += n
        return done

    def close(self) -> None:
        self._cached = None
        super().close()


def open_container(f: BinaryIO, passphrase: str) -> tuple[DecryptedFile, Header, bytes]:
    """Authenticate the whole container in ``f`` with ``passphrase``.

    Returns the plaintext view, the header and the master key. Raises
    :class:`WrongPassphrase`, :class:`DamagedFile` (truncated, modified, extended) or
    :class:`NotASyncFile` with a French message; reads nothing into the database.
    """
    header = read_header(f)
    master = master_key(passphrase, header.salt, header.kdf["n"], header.kdf["r"], header.kdf["p"])
    key, check = file_keys(master, header.file_salt)
    if not hmac.compare_digest(check, header.check):
        raise WrongPassphrase(
            "Phrase de passe incorrecte : ce fichier a été chiffré avec une autre phrase de "
            "passe du réseau. Vérifiez-la (majuscules, accents) et réessayez."
        )
    f.seek(0, io.SEEK_END)
    body = f.tell() - len(header.raw)
    seg = header.segment
    count = max(1, -(-body // (seg + TAG)))
    if body < TAG or count >= 1 << 32:
        raise DamagedFile("Fichier tronqué : le contenu chiffré est incomplet.")
    aead = AESGCM(key)
    f.seek(len(header.raw))
    size = 0
    for index in range(count):
        sealed = f.read(seg + TAG)
        try:
            plain = aead.decrypt(_nonce(header.prefix, index, index == count - 1), sealed, header.raw)
        except InvalidTag:
            raise DamagedFile(
                "Fichier endommagé ou modifié (tronqué, altéré ou complété) : il est refusé "
                "et la base n'a pas été modifiée."
            ) from None
        if index < count - 1 and len(plain) != seg:  # pragma: no cover - caught by the tag
            raise DamagedFile("Fichier endommagé : segment de taille invalide.")
        size += len(plain)
    return DecryptedFile(f, header, key, count, size), header, master


# --- signatures ----------------------------------------------------------------------------

def new_signing_key() -> tuple[bytes, bytes]:
    """A fresh Ed25519 key pair as raw ``(private, public)`` bytes."""
    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return raw_private, public_of(raw_private)


def public_of(raw_private: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(raw_private).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def sign(raw_private: bytes, manifest: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(raw_private).sign(SIGNATURE_DOMAIN + manifest)


def verify(raw_public: bytes, manifest: bytes, signature: bytes) -> None:
    """Raise :class:`BadSignature` unless ``signature`` is the origin's over ``manifest``."""
    try:
        Ed25519PublicKey.from_public_bytes(raw_public).verify(signature, SIGNATURE_DOMAIN + manifest)
    except (InvalidSignature, ValueError):
        raise BadSignature(
            "Signature invalide : ce fichier a été modifié après sa préparation, ou ne vient "
            "pas de la machine qu'il annonce. Il est refusé."
        ) from None


def fingerprint(raw_public: bytes) -> str:
    """A short human-comparable fingerprint of a public key (groups of 4 hex digits)."""
    digest = hashlib.sha256(raw_public).hexdigest()[:20].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 20, 4))
