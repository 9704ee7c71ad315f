"""Structures (organisations), contacts (people) and their functions (affiliations)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.storage.models.base import Base, JSONText, Synced


class OrganisationKind(Synced, Base):
    """A kind of structure (SIAE — ACI, EPCI, Mission Locale…): a list users may extend."""

    __tablename__ = "organisation_kinds"

    code: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    label: Mapped[str] = mapped_column(String(200), nullable=False)
    family: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Organisation(Synced, Base):
    __tablename__ = "organisations"
    __table_args__ = (
        Index("ix_organisations_name", "name"),
        Index("ix_organisations_siret", "siret"),
        Index("ix_organisations_postcode", "postcode"),
        Index("ix_organisations_kind", "kind_code"),
    )

    name: Mapped[str] = mapped_column(String(300), nullable=False)
    acronym: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    kind_code: Mapped[str] = mapped_column(String(40), nullable=False, default="association")
    siret: Mapped[str | None] = mapped_column(String(14), nullable=True)
    address: Mapped[str] = mapped_column(Text, nullable=False, default="")
    postcode: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    city: Mapped[str] = mapped_column(String(150), nullable=False, default="")
    territory: Mapped[str] = mapped_column(String(150), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    email: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    website: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    legal_form: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    legal_rep_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    legal_rep_title: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    headcount: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tags: Mapped[list] = mapped_column(JSONText, nullable=False, default=list)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    archived: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    archived_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    merged_into: Mapped[str | None] = mapped_column(
        ForeignKey("organisations.id"), nullable=True
    )


class Person(Synced, Base):
    __tablename__ = "people"
    __table_args__ = (
        Index("ix_people_last_name", "last_name", "first_name"),
        Index("ix_people_email", "email"),
        Index("ix_people_category", "category"),
    )

    civility: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    last_name: Mapped[str] = mapped_column(String(150), nullable=False)
    first_name: Mapped[str] = mapped_column(String(150), nullable=False, default="")
    email: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    mobile: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    category: Mapped[str] = mapped_column(String(40), nullable=False, default="autre")
    is_beneficiary: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    consent_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    consent_source: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    archived: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    archived_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    merged_into: Mapped[str | None] = mapped_column(ForeignKey("people.id"), nullable=True)


class Affiliation(Synced, Base):
    """A person's function in a structure, over a period."""

    __tablename__ = "affiliations"

    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), nullable=False, index=True)
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id"), nullable=False, index=True
    )
    function: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    start_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    is_primary: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
