"""An open Maillage database as the services see it: the unit of work lives here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.storage.backup import backup_before_migration, backup_file
from app.storage.database import Database, open_database


@dataclass(frozen=True)
class ChangeSet:
    """What a write changed, so views refresh only what is concerned.

    Each entry is ``(table, record_id)``.
    """

    created: tuple[tuple[str, str], ...] = ()
    updated: tuple[tuple[str, str], ...] = ()
    deleted: tuple[tuple[str, str], ...] = ()

    @property
    def tables(self) -> frozenset[str]:
        return frozenset(t for t, _ in (*self.created, *self.updated, *self.deleted))

    def __bool__(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


@dataclass
class Workspace:
    """One open database. Create with :func:`open_workspace`."""

    db: Database
    _closed: bool = field(default=False, repr=False)

    @property
    def path(self) -> Path | None:
        return self.db.path

    @property
    def site_id(self) -> str:
        return self.db.site_id

    @property
    def schema_version(self) -> int:
        return self.db.schema_version

    @contextmanager
    def unit(self, *, write: bool = False) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on any error."""
        session = self.db.session(write=write)
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    def backup_to(self, dest: Path) -> Path:
        """A consistent copy of this database (works while it is open)."""
        if self.db.path is None:
            raise ValueError("Une base en mémoire ne peut pas être sauvegardée.")
        return backup_file(self.db.path, Path(dest))

    def count(self, model: type) -> int:
        with self.unit() as s:
            return s.execute(select(func.count()).select_from(model)).scalar_one()

    def close(self) -> None:
        if not self._closed:
            self.db.close()
            self._closed = True

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_workspace(path: Path | str | None, *, create: bool = True) -> Workspace:
    """Open the database at ``path`` (``None`` = in memory), migrating it after a backup."""
    ws = Workspace(open_database(path, create=create, before_migration=backup_before_migration))
    try:
        from app.services.reference import ensure_reference_data
        from app.services.templates import ensure_templates

        ensure_reference_data(ws)
        ensure_templates(ws)
    except Exception:
        ws.close()
        raise
    return ws
