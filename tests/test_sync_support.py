"""Helpers shared by the sync tests (no tests here): sites on temporary database files,
exchanging files, and a byte-level picture of a database to prove it did not change."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from app.services.dump import dump
from app.services.settings import set_site_name
from app.services.workspace import Workspace, open_workspace
from app.sync import crypto
from app.sync.service import export_file, import_file

PASSPHRASE = "Clé USB du réseau 89 !"
FAST_KDF = {"name": "scrypt", "n": crypto.KDF_N_RANGE[0], "r": 8, "p": 1}


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cheapest scrypt cost the reader accepts (tests derive many keys)."""
    monkeypatch.setattr(crypto, "DEFAULT_KDF", FAST_KDF)


class Site:
    """One machine: its database file and a folder for the files it writes."""

    def __init__(self, root: Path, name: str) -> None:
        self.name = name
        self.dir = root / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.path = self.dir / "maillage.sqlite"
        self.ws: Workspace = open_workspace(self.path)
        set_site_name(self.ws, name)
        self.files = 0

    @property
    def site_id(self) -> str:
        return self.ws.site_id

    def export(self, to: Site | None = None, *, full: bool = False, **kw: Any) -> Path:
        self.files += 1
        dest = self.dir / f"{self.name}-{self.files}.msync"
        export_file(self.ws, dest, to_site=to.site_id if to else None, full=full,
                    passphrase=kw.pop("passphrase", PASSPHRASE), **kw)
        return dest

    def load(self, path: Path, **kw: Any):  # noqa: ANN201
        return import_file(self.ws, path, passphrase=kw.pop("passphrase", PASSPHRASE), **kw)

    def dump(self) -> dict:
        return dump(self.ws)

    def close(self) -> None:
        self.ws.close()


@pytest.fixture
def sites(tmp_path: Path):  # noqa: ANN201
    """A factory of sites; every site is closed at the end of the test."""
    made: list[Site] = []

    def make(*names: str) -> list[Site]:
        out = [Site(tmp_path, n) for n in names]
        made.extend(out)
        return out

    yield make
    for s in made:
        s.close()


def exchange(a: Site, b: Site) -> None:
    """``a`` sends its delta to ``b`` and ``b`` answers (a complete round trip)."""
    b.load(a.export(b if _knows(a, b) else None))
    a.load(b.export(a))


def _knows(a: Site, b: Site) -> bool:
    from app.sync.service import status

    return any(p.site_id == b.site_id for p in status(a.ws).peers)


def database_picture(path: Path) -> list[str]:
    """Every table's content as SQL text, through a separate plain connection."""
    conn = sqlite3.connect(path)
    try:
        conn.create_function("maillage_fold", 1, lambda s: s, deterministic=True)
        return list(conn.iterdump())
    finally:
        conn.close()
