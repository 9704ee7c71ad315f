"""Tables that never travel: local settings, this machine's sync state, peers, audit log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.storage.models.base import Base, JSONText


class Setting(Base):
    """Local settings as key → JSON value (our identity, logo, site name…)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[object] = mapped_column(JSONText, nullable=True)


class SyncState(Base):
    """This machine's identity and clocks: a single row (id = 1).

    ``db_identity`` records which file holds the database; when it no longer matches, the
    file was copied and the copy takes a new ``site_id``.
    """

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(String(36), nullable=False)
    db_identity: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    counter: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    hlc: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    change_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    previous_site_ids: Mapped[list] = mapped_column(JSONText, nullable=False, default=list)


class Peer(Base):
    """Another machine we exchange files with, and what it has acknowledged."""

    __tablename__ = "peers"

    site_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    acked_vv: Mapped[dict] = mapped_column(JSONText, nullable=False, default=dict)
    their_vv: Mapped[dict] = mapped_column(JSONText, nullable=False, default=dict)
    public_key: Mapped[str] = mapped_column(Text, nullable=False, default="")
    last_import_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    last_export_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class SyncFile(Base):
    """A sync file exported or imported here (the import log)."""

    __tablename__ = "sync_files"

    file_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    direction: Mapped[str] = mapped_column(String(10), nullable=False)
    peer_site_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    filename: Mapped[str] = mapped_column(Text, nullable=False, default="")
    summary: Mapped[dict] = mapped_column(JSONText, nullable=False, default=dict)


class AuditEntry(Base):
    """Who changed what, when (never the personal values of *publics accompagnés*)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, index=True)
    os_user: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    site_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")
    table_name: Mapped[str] = mapped_column(String(40), nullable=False)
    record_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    operation: Mapped[str] = mapped_column(String(20), nullable=False)
    fields: Mapped[list] = mapped_column(JSONText, nullable=False, default=list)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
