"""Meetings, their sessions, participants and attendance (émargement)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, Time, text
from sqlalchemy.orm import Mapped, mapped_column

from app.storage.ids import attendance_id, participant_id
from app.storage.models.base import Base, Synced


class Meeting(Synced, Base):
    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_series", "series", "number"),)

    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    series: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action_id: Mapped[str | None] = mapped_column(
        ForeignKey("actions.id"), nullable=True, index=True
    )
    organiser_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"), nullable=True)
    organiser_org_id: Mapped[str | None] = mapped_column(
        ForeignKey("organisations.id"), nullable=True
    )
    place_name: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    place_address: Mapped[str] = mapped_column(Text, nullable=False, default="")
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    objectives: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="prevue")
    minutes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    decisions: Mapped[str] = mapped_column(Text, nullable=False, default="")
    minutes_author: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    minutes_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class AgendaItem(Synced, Base):
    """One item of the *ordre du jour*, in order."""

    __tablename__ = "agenda_items"

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    presenter: Mapped[str] = mapped_column(String(200), nullable=False, default="")


class FollowUpItem(Synced, Base):
    """A follow-up action decided in a meeting, with its owner and due date."""

    __tablename__ = "follow_up_items"

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), nullable=False, index=True)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"), nullable=True)
    owner_label: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    due_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    done: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class MeetingSession(Synced, Base):
    """A *créneau*: usually a half-day (matin / après-midi). Sealed once countersigned."""

    __tablename__ = "sessions"
    __table_args__ = (Index("ix_sessions_meeting_date", "meeting_id", "date", "start_time"),)

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), nullable=False)
    date: Mapped[dt.date] = mapped_column(Date, nullable=False, index=True)
    start_time: Mapped[dt.time] = mapped_column(Time, nullable=False)
    end_time: Mapped[dt.time] = mapped_column(Time, nullable=False)
    label: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    sealed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    sealed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    sealed_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    countersign_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Participant(Synced, Base):
    """A person expected at a meeting. Id derived from (meeting, person)."""

    __tablename__ = "participants"

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), nullable=False, index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), nullable=False, index=True)
    organisation_id: Mapped[str | None] = mapped_column(
        ForeignKey("organisations.id"), nullable=True
    )
    role: Mapped[str] = mapped_column(String(20), nullable=False, default="participant")
    invitation_status: Mapped[str] = mapped_column(String(20), nullable=False, default="invite")

    def natural_id(self) -> str:
        return participant_id(self.meeting_id, self.person_id)


class Attendance(Synced, Base):
    """A person's presence at a session. Id derived from (session, person)."""

    __tablename__ = "attendance"
    __table_args__ = (
        # Counting captured signatures (dashboard) without scanning every attendance row.
        Index("ix_attendance_signed", "signature_sha256",
              sqlite_where=text("signature_sha256 IS NOT NULL")),
    )

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), nullable=False, index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="present")
    arrival: Mapped[dt.time | None] = mapped_column(Time, nullable=True)
    departure: Mapped[dt.time | None] = mapped_column(Time, nullable=True)
    signature_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    signed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    mode: Mapped[str] = mapped_column(String(10), nullable=False, default="saisie")

    def natural_id(self) -> str:
        return attendance_id(self.session_id, self.person_id)
