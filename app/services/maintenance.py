"""Integrity checks, backups and restores of the database file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from app.errors import DatabaseError
from app.services.workspace import Workspace
from app.storage.backup import restore_file
from app.storage.migrations import SCHEMA_VERSION


@dataclass(frozen=True)
class CheckReport:
    ok: bool
    integrity: str
    foreign_key_errors: int
    schema_version: int
    expected_schema_version: int
    counts: tuple[tuple[str, int], ...]

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "integrity": self.integrity,
            "foreign_key_errors": self.foreign_key_errors,
            "schema_version": self.schema_version,
            "expected_schema_version": self.expected_schema_version,
            "counts": dict(self.counts),
        }


def check(ws: Workspace) -> CheckReport:
    """``PRAGMA integrity_check`` and ``foreign_key_check``, plus record counts."""
    from app.storage.models import SYNCED_MODELS

    with ws.unit() as s:
        integrity = "; ".join(r[0] for r in s.execute(text("PRAGMA integrity_check")))
        fk_errors = len(s.execute(text("PRAGMA foreign_key_check")).all())
        counts = tuple(
            (m.__tablename__,
             s.execute(text(f"SELECT count(*) FROM {m.__tablename__} WHERE deleted = 0")).scalar_one())
            for m in SYNCED_MODELS
        )
    return CheckReport(
        ok=integrity == "ok" and fk_errors == 0 and ws.schema_version == SCHEMA_VERSION,
        integrity=integrity,
        foreign_key_errors=fk_errors,
        schema_version=ws.schema_version,
        expected_schema_version=SCHEMA_VERSION,
        counts=counts,
    )


def restore(backup: Path, target: Path) -> Path | None:
    """Replace the (closed) database ``target`` with a checked backup; returns the safety copy."""
    if Path(backup).resolve() == Path(target).resolve():
        raise DatabaseError("La sauvegarde et la base à remplacer sont le même fichier.")
    return restore_file(Path(backup), Path(target))
