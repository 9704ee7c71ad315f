"""Record identifiers: UUIDv7 text, or UUIDv5 derived from a natural key."""

from __future__ import annotations

import uuid

import uuid6

# Fixed namespace for ids derived from natural keys; never change it.
MAILLAGE_NAMESPACE = uuid.UUID("6f1c3b0e-4d7a-5b8e-9c21-3a5e7d9f0b42")


def new_id() -> str:
    """A fresh, time-ordered UUIDv7 as text."""
    return str(uuid6.uuid7())


def derived_id(kind: str, *parts: str) -> str:
    """A UUIDv5 from a natural key, so two machines recording the same fact get the same id.

    ``derived_id("attendance", session_id, person_id)`` is the id of that person's
    attendance record for that session, wherever it is created.
    """
    return str(uuid.uuid5(MAILLAGE_NAMESPACE, kind + ":" + ":".join(parts)))


def participant_id(meeting_id: str, person_id: str) -> str:
    return derived_id("participant", meeting_id, person_id)


def attendance_id(session_id: str, person_id: str) -> str:
    return derived_id("attendance", session_id, person_id)
