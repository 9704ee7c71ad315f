"""The application password: Argon2id hash with its parameters, change requires the old one."""

from __future__ import annotations

import pytest

from app.errors import ValidationError
from app.services import lock
from app.services.workspace import open_workspace
from app.storage.models import Setting

FAST = lock.Argon2Parameters(iterations=1, lanes=1, memory_cost=8 * 1024)


@pytest.fixture
def ws(tmp_path):
    w = open_workspace(tmp_path / "base.sqlite")
    yield w
    w.close()


@pytest.fixture
def fast_kdf(monkeypatch):
    monkeypatch.setattr(lock, "DEFAULT_PARAMETERS", FAST)


def _stored(ws) -> dict:
    with ws.unit() as s:
        return s.get(Setting, lock.PASSWORD_KEY).value


def test_argon2id_hash_and_its_parameters_are_stored_never_the_password(ws):
    lock.set_password(ws, "Puisaye-2026!")
    stored = _stored(ws)
    assert stored["algorithm"] == "argon2id"
    assert (stored["iterations"], stored["lanes"], stored["memory_cost"], stored["length"]) == (3, 4, 65536, 32)
    assert len(bytes.fromhex(stored["salt"])) == 16 and len(bytes.fromhex(stored["hash"])) == 32
    assert "Puisaye" not in str(stored)
    assert lock.check_password(ws, "Puisaye-2026!")
    assert not lock.check_password(ws, "puisaye-2026!")


def test_salts_are_random(ws, fast_kdf):
    a = lock.hash_password("même mot de passe")
    b = lock.hash_password("même mot de passe")
    assert a["salt"] != b["salt"] and a["hash"] != b["hash"]


def test_hashes_keep_working_when_the_default_parameters_change(ws, fast_kdf, monkeypatch):
    lock.set_password(ws, "ancien réglage")
    monkeypatch.setattr(lock, "DEFAULT_PARAMETERS", lock.Argon2Parameters(iterations=2, lanes=1, memory_cost=8192))
    assert lock.check_password(ws, "ancien réglage")


def test_no_password_by_default(ws):
    assert not lock.has_password(ws)
    assert not lock.check_password(ws, "")
    assert lock.lock_settings(ws) == lock.LockSettings(has_password=False, timeout_minutes=10)


def test_changing_the_password_requires_the_old_one(ws, fast_kdf):
    lock.set_password(ws, "premier-secret")
    assert lock.has_password(ws)
    with pytest.raises(ValidationError, match="ancien mot de passe est incorrect"):
        lock.set_password(ws, "second-secret")
    with pytest.raises(ValidationError, match="ancien mot de passe est incorrect"):
        lock.set_password(ws, "second-secret", old="mauvais")
    assert lock.check_password(ws, "premier-secret")
    lock.set_password(ws, "second-secret", old="premier-secret")
    assert lock.check_password(ws, "second-secret") and not lock.check_password(ws, "premier-secret")


def test_password_rules_and_removal(ws, fast_kdf):
    with pytest.raises(ValidationError, match="au moins 8 caractères"):
        lock.set_password(ws, "court")
    lock.set_password(ws, "un secret correct")
    with pytest.raises(ValidationError, match="incorrect"):
        lock.remove_password(ws, "faux")
    lock.remove_password(ws, "un secret correct")
    assert not lock.has_password(ws)


def test_inactivity_timeout(ws):
    assert lock.get_lock_timeout(ws) == 10
    lock.set_lock_timeout(ws, 25)
    assert lock.get_lock_timeout(ws) == 25
    for bad in (0, -5, 10_000):
        with pytest.raises(ValidationError, match="entre 1 et 240 minutes"):
            lock.set_lock_timeout(ws, bad)
    assert lock.get_lock_timeout(ws) == 25


def test_password_changes_are_in_the_audit_log_without_the_hash(ws, fast_kdf):
    from app.services.audit import AuditFilter, list_audit

    lock.set_password(ws, "journalisé !")
    [entry] = list_audit(ws, AuditFilter(record_id=lock.PASSWORD_KEY)).rows
    assert entry.operation == "creation" and entry.fields == ("value",)
    assert _stored(ws)["hash"] not in repr(entry)
