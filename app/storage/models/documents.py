"""Binary content stored once by SHA-256, and attachments pointing to it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.storage.models.base import Base, Synced


class Blob(Base):
    """Immutable content addressed by its SHA-256 (signature images, scans, logos).

    Blobs are not versioned: the same hash is the same content on every machine.
    """

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    mime: Mapped[str] = mapped_column(String(100), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)


class Attachment(Synced, Base):
    """A file attached to a record (a scanned sheet, a signed convention…)."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_owner", "owner_table", "owner_id"),)

    owner_table: Mapped[str] = mapped_column(String(40), nullable=False)
    owner_id: Mapped[str] = mapped_column(String(36), nullable=False)
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), nullable=False)
    filename: Mapped[str] = mapped_column(String(300), nullable=False)
    mime: Mapped[str] = mapped_column(String(100), nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False, default="document")
    label: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    session_id: Mapped[str | None] = mapped_column(ForeignKey("sessions.id"), nullable=True)
    page: Mapped[int | None] = mapped_column(Integer, nullable=True)
