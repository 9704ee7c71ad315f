"""Conventions (agreements), their parties, installments, history, and templates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.storage.models.base import Base, JSONText, Synced


class ConventionTemplate(Synced, Base):
    """A model of agreement made of ordered articles with ``{placeholders}``."""

    __tablename__ = "convention_templates"

    code: Mapped[str] = mapped_column(String(60), nullable=False)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    preamble: Mapped[str] = mapped_column(Text, nullable=False, default="")


class TemplateArticle(Synced, Base):
    """One article of a template. ``condition`` says when it is printed: ``""`` always,
    ``"fse"`` only when the FSE rate is above zero, ``"montant"`` only when there is an
    amount, ``"echeancier"`` only when there are installments."""

    __tablename__ = "template_articles"

    template_id: Mapped[str] = mapped_column(
        ForeignKey("convention_templates.id"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    condition: Mapped[str] = mapped_column(String(20), nullable=False, default="")


class Convention(Synced, Base):
    __tablename__ = "conventions"

    number: Mapped[str] = mapped_column(String(60), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    action_id: Mapped[str | None] = mapped_column(
        ForeignKey("actions.id"), nullable=True, index=True
    )
    template_id: Mapped[str | None] = mapped_column(
        ForeignKey("convention_templates.id"), nullable=True
    )
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("conventions.id"), nullable=True)
    object: Mapped[str] = mapped_column(Text, nullable=False, default="")
    start_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    amount_cents: Mapped[int | None] = mapped_column(Integer, nullable=True)
    fse_rate: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    other_funders: Mapped[list] = mapped_column(JSONText, nullable=False, default=list)
    required_evidence: Mapped[list] = mapped_column(JSONText, nullable=False, default=list)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="brouillon")
    sent_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    signed_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    ended_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    termination_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    signed_place: Mapped[str] = mapped_column(String(150), nullable=False, default="")
    copies: Mapped[int] = mapped_column(Integer, nullable=False, default=2)


class ConventionParty(Synced, Base):
    """A party to a convention, with its representative who signs."""

    __tablename__ = "convention_parties"

    convention_id: Mapped[str] = mapped_column(
        ForeignKey("conventions.id"), nullable=False, index=True
    )
    organisation_id: Mapped[str | None] = mapped_column(
        ForeignKey("organisations.id"), nullable=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20), nullable=False, default="partenaire")
    representative_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    representative_title: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Installment(Synced, Base):
    """An échéance of payment: date, amount and condition."""

    __tablename__ = "installments"

    convention_id: Mapped[str] = mapped_column(
        ForeignKey("conventions.id"), nullable=False, index=True
    )
    due_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    amount_cents: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    condition: Mapped[str] = mapped_column(Text, nullable=False, default="")
    paid_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class ConventionEvent(Synced, Base):
    """One dated step of a convention's lifecycle (status change, with reason)."""

    __tablename__ = "convention_events"

    convention_id: Mapped[str] = mapped_column(
        ForeignKey("conventions.id"), nullable=False, index=True
    )
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
