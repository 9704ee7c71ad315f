"""Reference data every database starts with (organisation kinds).

Rows get ids derived from their code, so two machines seeding independently hold the
same records and sync merges them instead of duplicating them.
"""

from __future__ import annotations

from sqlalchemy import select

from app.domain.labels import ORGANISATION_KINDS
from app.services.workspace import ChangeSet, Workspace
from app.storage.ids import derived_id
from app.storage.models import OrganisationKind


def kind_id(code: str) -> str:
    return derived_id("kind", code)


def ensure_reference_data(ws: Workspace) -> ChangeSet:
    """Add the shipped organisation kinds that are missing (idempotent)."""
    with ws.unit() as s:
        present = set(s.execute(select(OrganisationKind.code)).scalars())
    missing = [k for k in ORGANISATION_KINDS if k[0] not in present]
    if not missing:
        return ChangeSet()
    created = []
    with ws.unit(write=True) as s:
        present = set(s.execute(select(OrganisationKind.code)).scalars())
        for position, (code, label, family) in enumerate(ORGANISATION_KINDS):
            if code in present:
                continue
            s.add(
                OrganisationKind(
                    id=kind_id(code), code=code, label=label, family=family, position=position
                )
            )
            created.append(("organisation_kinds", kind_id(code)))
    return ChangeSet(created=tuple(created))
