"""This machine's sync state, kept in local (never synced) tables.

- ``settings["sync.signing_key"]`` — the Ed25519 key pair and the site id it belongs to (a
  copied database gets a new site id, hence a new key);
- ``settings["sync.passphrase"]`` — the network passphrase *verifier*
  (:class:`app.sync.crypto.Verifier`);
- ``settings["sync.knowledge"]`` — what this machine has *seen*, per site: every write
  ``(site, counter)`` with ``counter ≤ knowledge[site]`` is incorporated here. It is what our
  files acknowledge. Our own component is always the write counter; a site id this database
  used before (``previous_site_ids``) is recovered from the rows on first use;
- ``settings["sync.horizon"]`` — an upper bound of every row's vector (joined on each
  import). An export checkpoint ``(change_seq, horizon)`` says that rows whose change_seq is
  not above it have vectors below that horizon: a peer that acknowledged the horizon needs
  none of them, so delta exports scan only the rows changed since (``change_seq`` index).

Bookkeeping values are written with Core statements (not ORM flushes) so they do not fill the
audit log; the passphrase and key changes go through the ORM and are audited.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.storage.models import SYNCED_MODELS, Peer, Setting, SyncState
from app.sync import crypto
from app.sync.errors import UnknownPeer
from app.sync.merge import vv_join

SIGNING_KEY = "sync.signing_key"
PASSPHRASE = "sync.passphrase"
KNOWLEDGE = "sync.knowledge"
HORIZON = "sync.horizon"


def get_setting(s: Session, key: str) -> Any:
    return s.execute(select(Setting.value).where(Setting.key == key)).scalar_one_or_none()


def put_setting(s: Session, key: str, value: Any) -> None:
    """Upsert a bookkeeping setting without going through the audited ORM flush."""
    stmt = sqlite_insert(Setting.__table__).values(key=key, value=value)
    s.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value}))


def sync_state(s: Session) -> Any:
    """The ``sync_state`` row (site id, counter, clock, change_seq, previous site ids)."""
    return s.execute(
        select(SyncState.site_id, SyncState.counter, SyncState.hlc, SyncState.change_seq,
               SyncState.previous_site_ids).where(SyncState.id == 1)
    ).one()


def site_name(s: Session) -> str:
    from app.services.settings import IDENTITY_KEY

    identity = get_setting(s, IDENTITY_KEY) or {}
    return str(identity.get("site_name") or "") if isinstance(identity, dict) else ""


# --- signing key ---------------------------------------------------------------------------

def signing_key(s: Session, *, create: bool) -> tuple[bytes, bytes] | None:
    """This machine's ``(private, public)`` key, created on first use when ``create``."""
    state = sync_state(s)
    stored = get_setting(s, SIGNING_KEY)
    if isinstance(stored, dict) and stored.get("site_id") == state.site_id:
        private = crypto.unb64(stored["private"], size=32)
        return private, crypto.public_of(private)
    if not create:
        return None
    private, public = crypto.new_signing_key()
    row = s.get(Setting, SIGNING_KEY)
    value = {"site_id": state.site_id, "private": crypto.b64(private), "public": crypto.b64(public)}
    if row is None:
        s.add(Setting(key=SIGNING_KEY, value=value))
    else:
        row.value = value
    s.flush()
    return private, public


# --- passphrase verifier -------------------------------------------------------------------

def verifier(s: Session) -> crypto.Verifier | None:
    data = get_setting(s, PASSPHRASE)
    return crypto.Verifier.from_json(data) if isinstance(data, dict) else None


def store_verifier(s: Session, v: crypto.Verifier) -> None:
    row = s.get(Setting, PASSPHRASE)
    if row is None:
        s.add(Setting(key=PASSPHRASE, value=v.as_json()))
    else:
        row.value = v.as_json()
    s.flush()


# --- knowledge and horizon -----------------------------------------------------------------

def _max_component(s: Session, site: str) -> int:
    best = 0
    path = '$."' + site.replace('"', "") + '"'
    for model in SYNCED_MODELS:
        value = s.execute(select(func.max(func.json_extract(model.__table__.c.sync_vv, path)))).scalar()
        best = max(best, int(value or 0))
    return best


def knowledge(s: Session) -> dict[str, int]:
    """What this machine has seen, per site (our own component = our write counter)."""
    state = sync_state(s)
    stored = get_setting(s, KNOWLEDGE)
    known = dict(stored) if isinstance(stored, dict) else {}
    for previous in state.previous_site_ids or []:
        if previous not in known:
            known[previous] = _max_component(s, previous)
    known[state.site_id] = max(known.get(state.site_id, 0), state.counter)
    return {k: v for k, v in known.items() if v > 0}


def horizon(s: Session) -> dict[str, int]:
    """An upper bound of every row's vector (computed from the rows the first time)."""
    state = sync_state(s)
    stored = get_setting(s, HORIZON)
    if isinstance(stored, dict):
        bound = dict(stored)
    else:
        bound = {}
        for model in SYNCED_MODELS:
            t = model.__table__.name
            rows = s.execute(text(
                f"SELECT j.key, max(j.value) FROM {t}, json_each({t}.sync_vv) AS j GROUP BY j.key"
            )).all()
            bound = vv_join(bound, {k: int(v) for k, v in rows})
    return vv_join(bound, knowledge(s), {state.site_id: state.counter})


# --- peers ---------------------------------------------------------------------------------

def find_peer(s: Session, ref: str) -> Peer:
    """A known peer by site id, unambiguous id prefix or name (accents and case ignored)."""
    from app.domain.text import fold

    ref = ref.strip()
    peers = list(s.execute(select(Peer)).scalars())
    exact = [p for p in peers if p.site_id == ref]
    if exact:
        return exact[0]
    by_name = [p for p in peers if p.name and fold(p.name) == fold(ref)]
    by_prefix = [p for p in peers if len(ref) >= 4 and p.site_id.startswith(ref)]
    found = by_name or by_prefix
    if len(found) == 1:
        return found[0]
    known = ", ".join(f"{p.name or '?'} ({p.site_id[:8]})" for p in peers) or "aucune"
    if not found:
        raise UnknownPeer(
            f"Machine inconnue : « {ref} ». Importez d'abord un de ses fichiers, ou préparez un "
            f"fichier complet (--full). Machines connues : {known}."
        )
    raise UnknownPeer(f"« {ref} » désigne plusieurs machines : précisez l'identifiant. Machines connues : {known}.")
