"""Actions (what a funder pays for) and their indicator targets."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.storage.models.base import Base, JSONText, Synced


class Action(Synced, Base):
    __tablename__ = "actions"

    code: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    funder: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    fse_rate: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    start_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    retention_end: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class IndicatorTarget(Synced, Base):
    """« Nombre de COPIL : 2 minimum ». ``rule`` says how Maillage counts it."""

    __tablename__ = "indicator_targets"

    action_id: Mapped[str] = mapped_column(ForeignKey("actions.id"), nullable=False, index=True)
    label: Mapped[str] = mapped_column(String(300), nullable=False)
    target: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    unit: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    rule: Mapped[dict] = mapped_column(JSONText, nullable=False, default=dict)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
