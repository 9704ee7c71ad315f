"""All tables of the Maillage database."""

from app.storage.models.actions import Action, IndicatorTarget
from app.storage.models.base import SYNC_COLUMNS, Base, JSONText, Synced, user_columns
from app.storage.models.conventions import (
    Convention,
    ConventionEvent,
    ConventionParty,
    ConventionTemplate,
    Installment,
    TemplateArticle,
)
from app.storage.models.documents import Attachment, Blob
from app.storage.models.local import AuditEntry, Peer, Setting, SyncFile, SyncState
from app.storage.models.meetings import (
    AgendaItem,
    Attendance,
    FollowUpItem,
    Meeting,
    MeetingSession,
    Participant,
)
from app.storage.models.partners import Affiliation, Organisation, OrganisationKind, Person

SYNCED_MODELS: tuple[type[Synced], ...] = (
    OrganisationKind,
    Organisation,
    Person,
    Affiliation,
    Action,
    IndicatorTarget,
    Meeting,
    AgendaItem,
    FollowUpItem,
    MeetingSession,
    Participant,
    Attendance,
    Attachment,
    ConventionTemplate,
    TemplateArticle,
    Convention,
    ConventionParty,
    Installment,
    ConventionEvent,
)
"""Every synced table, parents before children (the order files are applied in)."""

__all__ = [
    "SYNC_COLUMNS",
    "SYNCED_MODELS",
    "Action",
    "AgendaItem",
    "Affiliation",
    "Attachment",
    "Attendance",
    "AuditEntry",
    "Base",
    "Blob",
    "Convention",
    "ConventionEvent",
    "ConventionParty",
    "ConventionTemplate",
    "FollowUpItem",
    "IndicatorTarget",
    "Installment",
    "JSONText",
    "Meeting",
    "MeetingSession",
    "Organisation",
    "OrganisationKind",
    "Participant",
    "Peer",
    "Person",
    "Setting",
    "Synced",
    "SyncFile",
    "SyncState",
    "TemplateArticle",
    "user_columns",
]
