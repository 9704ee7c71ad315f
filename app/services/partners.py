"""Structures (organisations), contacts (people) and their functions (affiliations).

Forms send frozen *drafts*; services validate them (every invalid field is reported, in
French, with its field name), write in one unit of work and return a :class:`WriteResult`:
what changed (for the views) and an :class:`app.services.undo.UndoStep` (for Ctrl+Z).
Records are never deleted: they are archived with a reason, and can be restored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import formatting as fmt
from app.domain import validation as v
from app.errors import NotFound, ValidationError
from app.services.undo import ChangeRecorder, UndoStep
from app.services.workspace import ChangeSet, Workspace
from app.storage.models import Affiliation, Organisation, OrganisationKind, Person

# --- Plain data in and out ---------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationDraft:
    """What the structure form (or an import line) gives. Only ``name`` is required."""

    name: str
    acronym: str = ""
    kind_code: str = "association"
    siret: str = ""
    address: str = ""
    postcode: str = ""
    city: str = ""
    territory: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    legal_form: str = ""
    legal_rep_name: str = ""
    legal_rep_title: str = ""
    headcount: int | None = None
    tags: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class OrganisationRecord(OrganisationDraft):
    id: str = ""
    archived: bool = False
    archived_reason: str = ""
    merged_into: str | None = None

    @property
    def siren(self) -> str:
        return v.siren_of(self.siret)

    @property
    def siret_display(self) -> str:
        return v.format_siret(self.siret)

    @property
    def phone_display(self) -> str:
        return fmt.phone(self.phone)

    @property
    def short_name(self) -> str:
        return self.acronym or self.name

    def draft(self) -> OrganisationDraft:
        return OrganisationDraft(**{f.name: getattr(self, f.name) for f in fields(OrganisationDraft)})


@dataclass(frozen=True)
class PersonDraft:
    """What the contact form gives. Only ``last_name`` is required. A person of category
    ``public`` (*public accompagné*) is a beneficiary: a privacy banner is shown."""

    last_name: str
    first_name: str = ""
    civility: str = ""
    email: str = ""
    phone: str = ""
    mobile: str = ""
    category: str = "autre"
    consent_date: dt.date | None = None
    consent_source: str = ""
    notes: str = ""


@dataclass(frozen=True)
class PersonRecord(PersonDraft):
    id: str = ""
    is_beneficiary: bool = False
    archived: bool = False
    archived_reason: str = ""
    merged_into: str | None = None

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def has_consent(self) -> bool:
        return self.consent_date is not None

    def draft(self) -> PersonDraft:
        return PersonDraft(**{f.name: getattr(self, f.name) for f in fields(PersonDraft)})


@dataclass(frozen=True)
class AffiliationDraft:
    """A function of a person in a structure, over a period (dates optional)."""

    person_id: str
    organisation_id: str
    function: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    is_primary: bool = False


@dataclass(frozen=True)
class AffiliationRecord(AffiliationDraft):
    id: str = ""
    person_name: str = ""
    organisation_name: str = ""

    def is_current(self, today: dt.date | None = None) -> bool:
        return self.end_date is None or self.end_date > (today or dt.date.today())


@dataclass(frozen=True)
class WriteResult:
    """What a write changed, its undo step (``None`` when nothing changed) and the record id."""

    changes: ChangeSet
    undo: UndoStep | None
    id: str


class InvalidDraft(ValidationError):
    """Several fields are invalid: ``errors`` maps each field to its French reason;
    ``field`` / ``message`` are those of the first one."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        first_field, first_message = next(iter(errors.items()))
        if len(errors) > 1:
            others = fmt.plural(len(errors) - 1, 'autre champ', 'autres champs')
            message = f"{first_message} (et {others} à corriger)"
        else:
            message = first_message
        super().__init__(message, field=first_field)
        self.errors = dict(errors)


# --- Validation --------------------------------------------------------------------------

_ORG_TEXT = {  # field: (label, max length)
    "name": ("Le nom de la structure", 300), "acronym": ("Le sigle", 60),
    "address": ("L'adresse", 1000), "city": ("La commune", 150),
    "territory": ("Le territoire", 150), "legal_form": ("La forme juridique", 120),
    "legal_rep_name": ("Le nom du représentant légal", 200),
    "legal_rep_title": ("La qualité du représentant légal", 200),
    "notes": ("Les notes", 20000),
}
_PERSON_TEXT = {
    "last_name": ("Le nom", 150), "first_name": ("Le prénom", 150),
    "consent_source": ("La source du consentement", 200), "notes": ("Les notes", 20000),
}


def _run(errors: dict[str, str], field: str, fn: Callable[[], Any], default: Any) -> Any:
    try:
        return fn()
    except ValidationError as exc:
        errors.setdefault(exc.field or field, exc.message)
        return default


def check_organisation(draft: OrganisationDraft) -> tuple[OrganisationDraft, dict[str, str]]:
    """The normalised draft and every field error (``{}`` when valid). No database access:
    the kind code is checked when writing."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, (label, size) in _ORG_TEXT.items():
        values[name] = _run(errors, name, lambda n=name, la=label, sz=size: v.clean_text(
            getattr(draft, n), field=n, max_length=sz, required=n == "name", label=la), "")
    values["siret"] = _run(errors, "siret", lambda: v.normalise_siret(draft.siret), "")
    values["postcode"] = _run(errors, "postcode", lambda: v.normalise_postcode(draft.postcode), "")
    values["phone"] = _run(errors, "phone", lambda: v.normalise_phone(draft.phone), "")
    values["email"] = _run(errors, "email", lambda: v.normalise_email(draft.email), "")
    values["website"] = _run(errors, "website", lambda: v.normalise_website(draft.website), "")
    headcount = draft.headcount
    if headcount is not None and (not isinstance(headcount, int) or headcount < 0):
        errors["headcount"] = "L'effectif doit être un nombre entier positif."
        headcount = None
    tags = tuple(dict.fromkeys(t.strip() for t in draft.tags if t and t.strip()))
    clean = replace(draft, **values, headcount=headcount, tags=tags,
                    kind_code=(draft.kind_code or "association").strip())
    return clean, errors


def check_person(draft: PersonDraft) -> tuple[PersonDraft, dict[str, str]]:
    """The normalised draft and every field error (``{}`` when valid)."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, (label, size) in _PERSON_TEXT.items():
        values[name] = _run(errors, name, lambda n=name, la=label, sz=size: v.clean_text(
            getattr(draft, n), field=n, max_length=sz, required=n == "last_name", label=la), "")
    values["civility"] = _run(errors, "civility", lambda: v.normalise_civility(draft.civility), "")
    values["email"] = _run(errors, "email", lambda: v.normalise_email(draft.email), "")
    values["phone"] = _run(errors, "phone", lambda: v.normalise_phone(draft.phone), "")
    values["mobile"] = _run(
        errors, "mobile", lambda: v.normalise_phone(draft.mobile, field="mobile"), "")
    values["category"] = _run(
        errors, "category", lambda: v.normalise_category(draft.category), "autre")
    consent = draft.consent_date
    if consent is not None and consent > dt.date.today():
        errors["consent_date"] = "La date du consentement ne peut pas être dans le futur."
    return replace(draft, **values), errors


def clean_organisation(draft: OrganisationDraft) -> OrganisationDraft:
    """The normalised draft, or :class:`InvalidDraft` listing every invalid field."""
    clean, errors = check_organisation(draft)
    if errors:
        raise InvalidDraft(errors)
    return clean


def clean_person(draft: PersonDraft) -> PersonDraft:
    clean, errors = check_person(draft)
    if errors:
        raise InvalidDraft(errors)
    return clean


def _check_kind(s: Session, code: str) -> None:
    found = s.execute(
        select(OrganisationKind.id).where(OrganisationKind.code == code,
                                          OrganisationKind.deleted.is_(False))
    ).first()
    if found is None:
        raise ValidationError(f"Type de structure inconnu : « {code} ».", field="kind_code")


# --- Reading -----------------------------------------------------------------------------


def _org_record(o: Organisation) -> OrganisationRecord:
    return OrganisationRecord(
        name=o.name, acronym=o.acronym, kind_code=o.kind_code, siret=o.siret or "",
        address=o.address, postcode=o.postcode, city=o.city, territory=o.territory,
        phone=o.phone, email=o.email, website=o.website, legal_form=o.legal_form,
        legal_rep_name=o.legal_rep_name, legal_rep_title=o.legal_rep_title,
        headcount=o.headcount, tags=tuple(o.tags or ()), notes=o.notes, id=o.id,
        archived=o.archived, archived_reason=o.archived_reason, merged_into=o.merged_into,
    )


def _person_record(p: Person) -> PersonRecord:
    return PersonRecord(
        last_name=p.last_name, first_name=p.first_name, civility=p.civility, email=p.email,
        phone=p.phone, mobile=p.mobile, category=p.category, consent_date=p.consent_date,
        consent_source=p.consent_source, notes=p.notes, id=p.id,
        is_beneficiary=p.is_beneficiary, archived=p.archived,
        archived_reason=p.archived_reason, merged_into=p.merged_into,
    )


def _load(s: Session, model: type, record_id: str, what: str) -> Any:
    obj = s.get(model, record_id)
    if obj is None or obj.deleted:
        raise NotFound(f"{what} n'existe plus (elle a peut-être été supprimée sur un autre poste).")
    return obj


def get_organisation(ws: Workspace, org_id: str) -> OrganisationRecord:
    with ws.unit() as s:
        return _org_record(_load(s, Organisation, org_id, "Cette structure"))


def get_person(ws: Workspace, person_id: str) -> PersonRecord:
    with ws.unit() as s:
        return _person_record(_load(s, Person, person_id, "Cette fiche contact"))


def affiliations(
    ws: Workspace, *, person_id: str | None = None, organisation_id: str | None = None
) -> tuple[AffiliationRecord, ...]:
    """Functions of a person or in a structure, current ones first, then the most recent."""
    stmt = (
        select(Affiliation, Person.first_name, Person.last_name, Organisation.name)
        .join(Person, Person.id == Affiliation.person_id)
        .join(Organisation, Organisation.id == Affiliation.organisation_id)
        .where(Affiliation.deleted.is_(False))
    )
    if person_id is not None:
        stmt = stmt.where(Affiliation.person_id == person_id)
    if organisation_id is not None:
        stmt = stmt.where(Affiliation.organisation_id == organisation_id)
    out = []
    with ws.unit() as s:
        for a, first, last, org_name in s.execute(stmt):
            out.append(AffiliationRecord(
                person_id=a.person_id, organisation_id=a.organisation_id, function=a.function,
                start_date=a.start_date, end_date=a.end_date, is_primary=a.is_primary, id=a.id,
                person_name=" ".join(p for p in (first, last) if p), organisation_name=org_name,
            ))
    far = dt.date.max
    out.sort(key=lambda r: (r.end_date is not None, -(r.end_date or far).toordinal(),
                            not r.is_primary, r.organisation_name, r.person_name))
    return tuple(out)


# --- Labels of undo steps ----------------------------------------------------------------


def _short(text: str, size: int = 50) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def org_label(o: Organisation | OrganisationRecord) -> str:
    return _short(o.acronym or o.name)


def person_label(p: Person | PersonRecord) -> str:
    return _short(" ".join(x for x in (p.first_name, p.last_name) if x))


# --- Structures --------------------------------------------------------------------------

_ORG_FIELDS = tuple(f.name for f in fields(OrganisationDraft))
_PERSON_FIELDS = tuple(f.name for f in fields(PersonDraft))


def _org_values(draft: OrganisationDraft) -> dict[str, Any]:
    values = {name: getattr(draft, name) for name in _ORG_FIELDS}
    values["siret"] = values["siret"] or None
    values["tags"] = list(values["tags"])
    return values


def _person_values(draft: PersonDraft) -> dict[str, Any]:
    values = {name: getattr(draft, name) for name in _PERSON_FIELDS}
    values["is_beneficiary"] = values["category"] == "public"
    return values


def _result(rec: ChangeRecorder, label: str, record_id: str) -> WriteResult:
    step = rec.step(label)
    return WriteResult(rec.changeset(), step if step else None, record_id)


def create_organisation(ws: Workspace, draft: OrganisationDraft) -> WriteResult:
    """Validate and add a structure. Look for duplicates first with
    :func:`app.services.duplicates.check_new_organisation`."""
    clean = clean_organisation(draft)
    with ws.unit(write=True) as s:
        _check_kind(s, clean.kind_code)
        org = Organisation(**_org_values(clean))
        s.add(org)
        rec = ChangeRecorder(s)
        rec.created(org)
        return _result(rec, f"Créer la structure {org_label(org)}", org.id)


def update_organisation(ws: Workspace, org_id: str, draft: OrganisationDraft) -> WriteResult:
    """Validate and save the form; only the fields that differ are written (and stamped)."""
    clean = clean_organisation(draft)
    with ws.unit(write=True) as s:
        org = _load(s, Organisation, org_id, "Cette structure")
        if clean.kind_code != org.kind_code:
            _check_kind(s, clean.kind_code)
        rec = ChangeRecorder(s)
        rec.track(org)
        for name, value in _org_values(clean).items():
            if getattr(org, name) != value:
                setattr(org, name, value)
        return _result(rec, f"Modifier la structure {org_label(org)}", org.id)


def archive_organisation(ws: Workspace, org_id: str, reason: str) -> WriteResult:
    """Hide a structure from the lists (restorable); the reason is required."""
    reason = _reason(reason)
    with ws.unit(write=True) as s:
        org = _load(s, Organisation, org_id, "Cette structure")
        rec = ChangeRecorder(s)
        rec.track(org)
        org.archived, org.archived_reason = True, reason
        return _result(rec, f"Archiver la structure {org_label(org)}", org.id)


def restore_organisation(ws: Workspace, org_id: str) -> WriteResult:
    with ws.unit(write=True) as s:
        org = _load(s, Organisation, org_id, "Cette structure")
        rec = ChangeRecorder(s)
        rec.track(org)
        org.archived, org.archived_reason = False, ""
        return _result(rec, f"Restaurer la structure {org_label(org)}", org.id)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Indiquez la raison de l'archivage.", field="archived_reason")
    return reason


# --- Contacts ----------------------------------------------------------------------------


def create_person(
    ws: Workspace, draft: PersonDraft, *, affiliation: AffiliationDraft | None = None
) -> WriteResult:
    """Validate and add a contact, optionally with a first function (its ``person_id`` is
    ignored). Look for duplicates first with :func:`app.services.duplicates.check_new_person`."""
    clean = clean_person(draft)
    aff = _clean_affiliation(affiliation) if affiliation is not None else None
    with ws.unit(write=True) as s:
        person = Person(**_person_values(clean))
        s.add(person)
        rec = ChangeRecorder(s)
        rec.created(person)
        if aff is not None:
            _load(s, Organisation, aff.organisation_id, "Cette structure")
            row = Affiliation(**_aff_values(replace(aff, person_id=person.id)))
            s.add(row)
            rec.created(row)
        return _result(rec, f"Créer le contact {person_label(person)}", person.id)


def update_person(ws: Workspace, person_id: str, draft: PersonDraft) -> WriteResult:
    clean = clean_person(draft)
    with ws.unit(write=True) as s:
        person = _load(s, Person, person_id, "Cette fiche contact")
        rec = ChangeRecorder(s)
        rec.track(person)
        for name, value in _person_values(clean).items():
            if getattr(person, name) != value:
                setattr(person, name, value)
        return _result(rec, f"Modifier le contact {person_label(person)}", person.id)


def archive_person(ws: Workspace, person_id: str, reason: str) -> WriteResult:
    reason = _reason(reason)
    with ws.unit(write=True) as s:
        person = _load(s, Person, person_id, "Cette fiche contact")
        rec = ChangeRecorder(s)
        rec.track(person)
        person.archived, person.archived_reason = True, reason
        return _result(rec, f"Archiver le contact {person_label(person)}", person.id)


def restore_person(ws: Workspace, person_id: str) -> WriteResult:
    with ws.unit(write=True) as s:
        person = _load(s, Person, person_id, "Cette fiche contact")
        rec = ChangeRecorder(s)
        rec.track(person)
        person.archived, person.archived_reason = False, ""
        return _result(rec, f"Restaurer le contact {person_label(person)}", person.id)


# --- Functions (affiliations) ------------------------------------------------------------


def _clean_affiliation(draft: AffiliationDraft) -> AffiliationDraft:
    function = v.clean_text(draft.function, field="function", max_length=200, label="La fonction")
    if draft.start_date and draft.end_date and draft.end_date < draft.start_date:
        raise ValidationError("La fin de la fonction précède son début.", field="end_date")
    if not draft.organisation_id:
        raise ValidationError("Choisissez la structure.", field="organisation_id")
    return replace(draft, function=function)


def _aff_values(draft: AffiliationDraft) -> dict[str, Any]:
    return {f.name: getattr(draft, f.name) for f in fields(AffiliationDraft)}


def _aff_label(verb: str, s: Session, a: Affiliation | AffiliationDraft) -> str:
    person = s.get(Person, a.person_id)
    org = s.get(Organisation, a.organisation_id)
    who = person_label(person) if person else ""
    where = org_label(org) if org else ""
    what = f"« {_short(a.function, 40)} » de {who}" if a.function else f"de {who}"
    return f"{verb} la fonction {what} ({where})"


def add_affiliation(ws: Workspace, draft: AffiliationDraft) -> WriteResult:
    """Attach a person to a structure with a function. A primary function makes the
    person's other current functions non-primary."""
    clean = _clean_affiliation(draft)
    with ws.unit(write=True) as s:
        _load(s, Person, clean.person_id, "Cette fiche contact")
        _load(s, Organisation, clean.organisation_id, "Cette structure")
        rec = ChangeRecorder(s)
        row = Affiliation(**_aff_values(clean))
        s.add(row)
        rec.created(row)
        if clean.is_primary:
            _demote_others(s, rec, row)
        return _result(rec, _aff_label("Ajouter", s, clean), row.id)


def update_affiliation(ws: Workspace, affiliation_id: str, draft: AffiliationDraft) -> WriteResult:
    clean = _clean_affiliation(draft)
    with ws.unit(write=True) as s:
        row = _load(s, Affiliation, affiliation_id, "Cette fonction")
        if clean.organisation_id != row.organisation_id:
            _load(s, Organisation, clean.organisation_id, "Cette structure")
        rec = ChangeRecorder(s)
        rec.track(row)
        for name, value in _aff_values(replace(clean, person_id=row.person_id)).items():
            if getattr(row, name) != value:
                setattr(row, name, value)
        if row.is_primary:
            _demote_others(s, rec, row)
        return _result(rec, _aff_label("Modifier", s, row), row.id)


def end_affiliation(ws: Workspace, affiliation_id: str, end_date: dt.date) -> WriteResult:
    """The person left this function on ``end_date`` (kept in the history)."""
    with ws.unit(write=True) as s:
        row = _load(s, Affiliation, affiliation_id, "Cette fonction")
        if row.start_date and end_date < row.start_date:
            raise ValidationError("La fin de la fonction précède son début.", field="end_date")
        rec = ChangeRecorder(s)
        rec.track(row)
        row.end_date = end_date
        return _result(rec, _aff_label("Terminer", s, row), row.id)


def remove_affiliation(ws: Workspace, affiliation_id: str) -> WriteResult:
    """Remove a function entered by mistake (a tombstone; undo brings it back)."""
    with ws.unit(write=True) as s:
        row = _load(s, Affiliation, affiliation_id, "Cette fonction")
        rec = ChangeRecorder(s)
        rec.track(row)
        row.deleted = True
        return _result(rec, _aff_label("Retirer", s, row), row.id)


def _demote_others(s: Session, rec: ChangeRecorder, row: Affiliation) -> None:
    others = s.execute(
        select(Affiliation).where(
            Affiliation.person_id == row.person_id, Affiliation.id != row.id,
            Affiliation.is_primary.is_(True), Affiliation.deleted.is_(False),
        )
    ).scalars()
    for other in others:
        rec.track(other)
        other.is_primary = False
