"""The optional application password (lock screen, leaving the signing kiosk).

The password is never stored: only an Argon2id hash (RFC 9106, random 16-byte salt) with
every parameter needed to recompute it, in the local ``settings`` table (never synced), so
the parameters can be raised later without breaking existing hashes. The lock protects the
open application from a passer-by; it does not encrypt the database file.

Deriving takes a few tenths of a second on purpose: the GUI calls :func:`check_password`
off its thread. The inactivity delay (minutes, default 10) is stored next to it.
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from app.errors import ValidationError
from app.services.workspace import ChangeSet, Workspace
from app.storage.models import Setting

PASSWORD_KEY = "verrou.mot_de_passe"
TIMEOUT_KEY = "verrou.delai_minutes"
DEFAULT_TIMEOUT_MINUTES = 10
MIN_TIMEOUT_MINUTES = 1
MAX_TIMEOUT_MINUTES = 240
MIN_LENGTH = 8


@dataclass(frozen=True)
class Argon2Parameters:
    """Cost parameters stored with each hash (RFC 9106 § 4, second recommended option)."""

    iterations: int = 3
    lanes: int = 4
    memory_cost: int = 64 * 1024  # KiB
    length: int = 32
    salt_length: int = 16


DEFAULT_PARAMETERS = Argon2Parameters()


@dataclass(frozen=True)
class LockSettings:
    has_password: bool
    timeout_minutes: int


def _derive(password: str, salt: bytes, p: Argon2Parameters) -> bytes:
    kdf = Argon2id(
        salt=salt, length=p.length, iterations=p.iterations, lanes=p.lanes, memory_cost=p.memory_cost
    )
    return kdf.derive(password.encode("utf-8"))


def hash_password(password: str, params: Argon2Parameters | None = None) -> dict:
    """The stored form of ``password``: algorithm, parameters, salt and hash (hex)."""
    p = params or DEFAULT_PARAMETERS
    salt = os.urandom(p.salt_length)
    return {
        "algorithm": "argon2id",
        "version": 19,
        "iterations": p.iterations,
        "lanes": p.lanes,
        "memory_cost": p.memory_cost,
        "length": p.length,
        "salt": salt.hex(),
        "hash": _derive(password, salt, p).hex(),
    }


def verify_stored(stored: dict, candidate: str) -> bool:
    """Recompute with the stored parameters and compare in constant time."""
    if not stored or stored.get("algorithm") != "argon2id":
        return False
    try:
        p = Argon2Parameters(
            iterations=int(stored["iterations"]), lanes=int(stored["lanes"]),
            memory_cost=int(stored["memory_cost"]), length=int(stored["length"]),
        )
        salt = bytes.fromhex(stored["salt"])
        expected = bytes.fromhex(stored["hash"])
    except (KeyError, TypeError, ValueError):
        return False
    return hmac.compare_digest(_derive(candidate, salt, p), expected)


def _stored(ws: Workspace) -> dict | None:
    with ws.unit() as s:
        row = s.get(Setting, PASSWORD_KEY)
        value = row.value if row is not None else None
    return value if isinstance(value, dict) and value else None


def has_password(ws: Workspace) -> bool:
    return _stored(ws) is not None


def check_password(ws: Workspace, candidate: str) -> bool:
    """Whether ``candidate`` is the application password (``False`` when none is set)."""
    stored = _stored(ws)
    return stored is not None and verify_stored(stored, candidate)


def _write(ws: Workspace, key: str, value: object) -> None:
    with ws.unit(write=True) as s:
        row = s.get(Setting, key)
        if row is None:
            s.add(Setting(key=key, value=value))
        else:
            row.value = value


def set_password(ws: Workspace, new: str, old: str | None = None) -> ChangeSet:
    """Set the password, or change it: changing requires the current one (``old``)."""
    stored = _stored(ws)
    if stored is not None and (old is None or not verify_stored(stored, old)):
        raise ValidationError("L'ancien mot de passe est incorrect.", field="old")
    if len(new) < MIN_LENGTH:
        raise ValidationError(
            f"Le mot de passe doit compter au moins {MIN_LENGTH} caractères.", field="new"
        )
    if new.strip() != new:
        raise ValidationError(
            "Le mot de passe ne doit pas commencer ni finir par une espace.", field="new"
        )
    _write(ws, PASSWORD_KEY, hash_password(new))
    return ChangeSet(updated=(("settings", PASSWORD_KEY),))


def remove_password(ws: Workspace, old: str) -> ChangeSet:
    """Turn the lock off; requires the current password."""
    stored = _stored(ws)
    if stored is None:
        return ChangeSet()
    if not verify_stored(stored, old):
        raise ValidationError("Le mot de passe est incorrect.", field="old")
    _write(ws, PASSWORD_KEY, None)
    return ChangeSet(updated=(("settings", PASSWORD_KEY),))


def get_lock_timeout(ws: Workspace) -> int:
    """Minutes of inactivity before the application locks (default 10)."""
    with ws.unit() as s:
        row = s.get(Setting, TIMEOUT_KEY)
        value = row.value if row is not None else None
    return value if isinstance(value, int) and value > 0 else DEFAULT_TIMEOUT_MINUTES


def set_lock_timeout(ws: Workspace, minutes: int) -> ChangeSet:
    if not isinstance(minutes, int) or not MIN_TIMEOUT_MINUTES <= minutes <= MAX_TIMEOUT_MINUTES:
        raise ValidationError(
            f"Le délai de verrouillage doit être compris entre {MIN_TIMEOUT_MINUTES} et "
            f"{MAX_TIMEOUT_MINUTES} minutes.",
            field="timeout",
        )
    _write(ws, TIMEOUT_KEY, minutes)
    return ChangeSet(updated=(("settings", TIMEOUT_KEY),))


def lock_settings(ws: Workspace) -> LockSettings:
    return LockSettings(has_password=has_password(ws), timeout_minutes=get_lock_timeout(ws))
