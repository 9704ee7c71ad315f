"""Conventions: drafting, numbering, lifecycle with history, avenants, list and alerts.

Everything here takes a :class:`~app.services.workspace.Workspace`, runs one unit of work
and returns frozen dataclasses (never ORM objects). Writes return a :class:`Saved` whose
``changes`` tells views what to refresh. Errors are :class:`~app.errors.ValidationError`
(with ``field`` naming the form field) or :class:`~app.errors.NotFound`, in French.

Vocabulary
    - the *porteur* is our organisation (``ConventionParty.role == "porteur"``); its
      identity comes from the local settings, or from an organisation record when the party
      points to one;
    - an *avenant* (``kind == "avenant"``) has a ``parent_id``; its ``amount_cents``,
      ``start_date`` and ``end_date`` are the **new** values it gives the parent (``None`` =
      unchanged), effective from the avenant's own signature date: see :func:`consolidated`.

Lifecycle (:data:`TRANSITIONS`): brouillon → envoyée → signée → en cours → échue /
résiliée; each change writes a dated :class:`ConventionEvent`. The clauses (parties,
amount, dates…) can change only before signature; afterwards only by avenant.

Numbering: a pattern such as ``{année}-{site}-{n:03}`` stored in the local settings with
this antenna's site code; ``n`` counts per site and year (and per type when the pattern
holds ``{type}``) above every number already known, synced or deleted, so two antennas never
hand out the same number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from babel.dates import format_date
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import formatting as fmt
from app.domain.amounts import amount_with_words
from app.domain import labels
from app.domain.text import fold
from app.errors import NotFound, ValidationError
from app.services.settings import Identity, format_siret, get_identity
from app.services.workspace import ChangeSet, Workspace
from app.storage.models import (
    Action,
    Attachment,
    Attendance,
    Blob,
    Convention,
    ConventionEvent,
    ConventionParty,
    ConventionTemplate,
    Installment,
    Meeting,
    MeetingSession,
    Organisation,
    Setting,
    SyncState,
)

# --------------------------------------------------------------------------- constants

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "brouillon": ("envoyee", "signee"),
    "envoyee": ("signee", "brouillon"),
    "signee": ("en_cours", "echue", "resiliee"),
    "en_cours": ("echue", "resiliee"),
    "echue": (),
    "resiliee": (),
}
"""Allowed status changes. « signée » straight from « brouillon » covers a signature on the spot."""

EDITABLE_STATUSES = ("brouillon", "envoyee")
SIGNED_STATUSES = ("signee", "en_cours", "echue", "resiliee")
ACTIVE_STATUSES = ("signee", "en_cours")
AMENDABLE_STATUSES = ("signee", "en_cours")

TYPE_CODES: dict[str, str] = {
    "partenariat": "CP",
    "objectifs_financement": "COF",
    "mise_a_disposition": "MAD",
    "charte": "CH",
    "avenant": "AV",
}
"""Short codes for the ``{type}`` field of the numbering pattern."""

SIGNED_COPY_KIND = "convention_signee"
NUMBERING_KEY = "conventions.numbering"
DEFAULT_PATTERN = "{année}-{site}-{n:03}"
MAX_SCAN_BYTES = 25 * 1024 * 1024

ENDING_SOON_DAYS = 60
UNSIGNED_AFTER_DAYS = 30
INSTALLMENT_NOTICE_DAYS = 15

# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class PartyInput:
    """A party as the form gives it. ``organisation_id=None`` with role « porteur » = us."""

    organisation_id: str | None
    role: str = "partenaire"  # porteur | partenaire
    representative_name: str = ""
    representative_title: str = ""


@dataclass(frozen=True)
class InstallmentInput:
    amount_cents: int
    due_date: dt.date | None = None
    condition: str = ""  # « à la remise du bilan intermédiaire »
    paid_date: dt.date | None = None
    id: str | None = None  # keep the id of an existing installment when editing


@dataclass(frozen=True)
class Funder:
    """Another co-funder of the action (« Conseil départemental du Nord », 5 000,00 €)."""

    name: str
    amount_cents: int | None = None


@dataclass(frozen=True)
class ConventionInput:
    """Everything the convention form edits. ``number=""`` asks for the next number."""

    kind: str
    title: str
    parties: tuple[PartyInput, ...]
    number: str = ""
    action_id: str | None = None
    template_id: str | None = None
    parent_id: str | None = None
    object: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    amount_cents: int | None = None
    installments: tuple[InstallmentInput, ...] = ()
    fse_rate: float = 0.0
    other_funders: tuple[Funder, ...] = ()
    required_evidence: tuple[str, ...] = ()
    signed_place: str = ""
    copies: int | None = None  # None = one original per party (at least 2)


@dataclass(frozen=True)
class StatusChange:
    """A lifecycle step. ``scan``: the signed copy (PDF, PNG or JPEG) when signing."""

    status: str
    date: dt.date
    note: str = ""
    reason: str = ""  # required for « résiliée »
    scan: bytes | None = None
    scan_filename: str = ""


# --------------------------------------------------------------------------- outputs


@dataclass(frozen=True)
class Saved:
    id: str
    number: str
    changes: ChangeSet


@dataclass(frozen=True)
class PartyView:
    id: str
    role: str
    organisation_id: str | None
    name: str
    acronym: str
    legal_form: str
    siret: str  # 14 digits or ""
    address: str  # one line: « 20 avenue …, 59600 Maubeuge »
    representative_name: str
    representative_title: str

    @property
    def role_label(self) -> str:
        return "Porteur" if self.role == "porteur" else "Partenaire"

    @property
    def siret_display(self) -> str:
        return format_siret(self.siret)


@dataclass(frozen=True)
class InstallmentView:
    id: str
    position: int
    due_date: dt.date | None
    amount_cents: int
    condition: str
    paid_date: dt.date | None


@dataclass(frozen=True)
class EventView:
    id: str
    date: dt.date
    status: str
    status_label: str
    note: str


@dataclass(frozen=True)
class AttachmentView:
    id: str
    filename: str
    mime: str
    size: int
    sha256: str


@dataclass(frozen=True)
class AppliedAvenant:
    id: str
    number: str
    signed_date: dt.date
    changes: tuple[str, ...]  # French sentences


@dataclass(frozen=True)
class Consolidated:
    """A convention's values once its signed avenants are applied, in signature order."""

    convention_id: str
    amount_cents: int | None
    start_date: dt.date | None
    end_date: dt.date | None
    initial_amount_cents: int | None
    initial_start_date: dt.date | None
    initial_end_date: dt.date | None
    avenants: tuple[AppliedAvenant, ...] = ()

    @property
    def amended(self) -> bool:
        return bool(self.avenants)


@dataclass(frozen=True)
class AvenantSummary:
    id: str
    number: str
    title: str
    status: str
    status_label: str
    signed_date: dt.date | None


@dataclass(frozen=True)
class ConventionView:
    """One convention as the form, the detail pane and the printed document read it."""

    id: str
    number: str
    kind: str
    kind_label: str
    title: str
    status: str
    status_label: str
    parties: tuple[PartyView, ...]
    action_id: str | None
    action_code: str
    action_title: str
    action_funder: str
    template_id: str | None
    parent_id: str | None
    parent_number: str
    parent_title: str
    parent_signed_date: dt.date | None
    object: str
    start_date: dt.date | None
    end_date: dt.date | None
    amount_cents: int | None
    installments: tuple[InstallmentView, ...]
    fse_rate: float
    other_funders: tuple[Funder, ...]
    required_evidence: tuple[str, ...]
    sent_date: dt.date | None
    signed_date: dt.date | None
    ended_date: dt.date | None
    termination_reason: str
    signed_place: str
    copies: int
    events: tuple[EventView, ...]
    avenants: tuple[AvenantSummary, ...]
    consolidated: Consolidated
    signed_copy: AttachmentView | None
    next_statuses: tuple[str, ...]

    @property
    def editable(self) -> bool:
        """Clauses may change (before signature); afterwards only by avenant."""
        return self.status in EDITABLE_STATUSES

    @property
    def porteur(self) -> PartyView | None:
        return next((p for p in self.parties if p.role == "porteur"), None)

    @property
    def partners(self) -> tuple[PartyView, ...]:
        return tuple(p for p in self.parties if p.role != "porteur")

    @property
    def evidence_labels(self) -> tuple[str, ...]:
        return tuple(labels.label(labels.EVIDENCE_KINDS, e) for e in self.required_evidence)

    def as_input(self) -> ConventionInput:
        """The form's starting values when editing this convention."""
        return ConventionInput(
            kind=self.kind, title=self.title, number=self.number,
            parties=tuple(
                PartyInput(p.organisation_id, p.role, p.representative_name,
                           p.representative_title)
                for p in self.parties
            ),
            action_id=self.action_id, template_id=self.template_id, parent_id=self.parent_id,
            object=self.object, start_date=self.start_date, end_date=self.end_date,
            amount_cents=self.amount_cents,
            installments=tuple(
                InstallmentInput(i.amount_cents, i.due_date, i.condition, i.paid_date, i.id)
                for i in self.installments
            ),
            fse_rate=self.fse_rate, other_funders=self.other_funders,
            required_evidence=self.required_evidence, signed_place=self.signed_place,
            copies=self.copies,
        )


# --------------------------------------------------------------------------- small helpers


def _changes(created: Iterable[tuple[str, str]] = (), updated: Iterable[tuple[str, str]] = (),
             deleted: Iterable[tuple[str, str]] = ()) -> ChangeSet:
    return ChangeSet(tuple(created), tuple(updated), tuple(deleted))


def _live(s: Session, model: type, record_id: str | None):  # noqa: ANN202
    if not record_id:
        return None
    row = s.get(model, record_id)
    return None if row is None or row.deleted else row


def _get_convention(s: Session, convention_id: str) -> Convention:
    c = _live(s, Convention, convention_id)
    if c is None:
        raise NotFound("Cette convention n'existe pas ou a été supprimée.")
    return c


def _one_line_address(address: str, postcode: str, city: str) -> str:
    street = ", ".join(part.strip() for part in (address or "").splitlines() if part.strip())
    town = f"{postcode} {city}".strip()
    return ", ".join(part for part in (street, town) if part)


def status_label(status: str) -> str:
    return labels.label(labels.CONVENTION_STATUSES, status)


def kind_label(kind: str) -> str:
    return labels.label(labels.CONVENTION_KINDS, kind)


def next_statuses(status: str) -> tuple[str, ...]:
    """The statuses a convention in ``status`` may move to (buttons of the form)."""
    return TRANSITIONS.get(status, ())


def period_label(start: dt.date | None, end: dt.date | None) -> str:
    """« 01/01/2026 – 31/12/2026 », « à partir du 01/01/2026 », or ""."""
    if start and end:
        return f"{fmt.date_short(start)} – {fmt.date_short(end)}"
    if start:
        return f"à partir du {fmt.date_short(start)}"
    if end:
        return f"jusqu'au {fmt.date_short(end)}"
    return ""


# --------------------------------------------------------------------------- numbering


@dataclass(frozen=True)
class NumberingSettings:
    """The numbering pattern and this antenna's site code, with a warning when in doubt."""

    pattern: str
    site_code: str
    warning: str = ""


_PATTERN_FIELDS = {"année": "year", "annee": "year", "site": "site", "n": "n", "type": "type"}


def _parse_pattern(pattern: str) -> list[tuple[str, str | None, str]]:
    """``[(literal, field or None, format_spec)]``; raises on an unknown field in French."""
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise ValidationError(
            f"Modèle de numéro invalide : accolade mal fermée dans « {pattern} ».", field="pattern"
        ) from exc
    out = []
    for literal, name, spec, conversion in parsed:
        if name is not None:
            if name not in _PATTERN_FIELDS or conversion:
                raise ValidationError(
                    f"Champ inconnu dans le modèle de numéro : {{{name}}}. "
                    "Champs possibles : {année}, {site}, {type}, {n}.", field="pattern",
                )
            if name == "n" and spec and not re.fullmatch(r"0?\d", spec):
                raise ValidationError(
                    f"Format du compteur invalide : {{n:{spec}}} (exemple : {{n:03}}).",
                    field="pattern",
                )
            name = _PATTERN_FIELDS[name]
        out.append((literal, name, spec or ""))
    return out


def validate_pattern(pattern: str) -> str:
    pattern = (pattern or "").strip()
    fields = [name for _lit, name, _spec in _parse_pattern(pattern) if name]
    if fields.count("n") != 1:
        raise ValidationError("Le modèle de numéro doit contenir une fois le compteur {n}.",
                              field="pattern")
    if "site" not in fields:
        raise ValidationError(
            "Le modèle de numéro doit contenir le code du site {site} : sans lui, deux antennes "
            "pourraient attribuer le même numéro.", field="pattern",
        )
    return pattern


_CODE_STOPWORDS = {"antenne", "site", "siege", "de", "du", "des", "la", "le", "les", "d", "l",
                   "et", "en", "sur", "bureau", "agence", "pole"}


def default_site_code(site_name: str, site_id: str) -> str:
    """Three letters from the antenna's name (« Antenne de Puisaye » → « PUI »)."""
    words = [w for w in re.split(r"[^0-9a-z]+", fold(site_name)) if w]
    meaningful = [w for w in words if w not in _CODE_STOPWORDS] or words
    if meaningful:
        return meaningful[0][:3].upper()
    return "S" + site_id.replace("-", "")[-4:].upper()


def _check_site_code(code: str) -> str:
    code = (code or "").strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{1,12}", code):
        raise ValidationError(
            "Le code du site s'écrit avec 1 à 12 lettres sans accent ou chiffres (ex. « PUI »).",
            field="site_code",
        )
    return code


def get_numbering(ws: Workspace) -> NumberingSettings:
    """The pattern and site code used for new numbers (defaults when never configured).

    ``warning`` is set when this database is a copy of another one, or when conventions
    created by another antenna already carry this site code: numbers could then repeat.
    """
    identity = get_identity(ws)
    with ws.unit() as s:
        row = s.get(Setting, NUMBERING_KEY)
        stored = dict(row.value) if row is not None and row.value else {}
        previous = s.execute(select(SyncState.previous_site_ids)).scalar() or []
        known = s.execute(select(Convention.number, Convention.sync_fields)).all()
    pattern = stored.get("pattern") or DEFAULT_PATTERN
    code = stored.get("site_code") or default_site_code(identity.site_name, ws.site_id)
    warning = ""
    if stored.get("site_id") and stored["site_id"] != ws.site_id and stored["site_id"] in previous:
        warning = (
            "Cette base est la copie d'une autre : donnez-lui son propre code de site avant de "
            "numéroter des conventions, sinon les numéros pourraient se répéter."
        )
    else:
        ours = _number_regex(_parse_pattern(pattern), {"site": code}, any_year=True)
        mine = {ws.site_id, *previous}
        for number, stamps in known:
            creator = ((stamps or {}).get("_") or [None, None])[1]
            if creator and creator not in mine and ours.match(number):
                warning = (
                    f"Le code de site « {code} » est aussi utilisé par une autre antenne "
                    f"(convention {number}) : choisissez un code propre à cette antenne."
                )
                break
    return NumberingSettings(pattern, code, warning)


def set_numbering(ws: Workspace, pattern: str, site_code: str) -> ChangeSet:
    """Store the pattern (« {année}-{site}-{n:03} ») and this antenna's site code."""
    pattern = validate_pattern(pattern)
    code = _check_site_code(site_code)
    with ws.unit(write=True) as s:
        value = {"pattern": pattern, "site_code": code, "site_id": ws.site_id}
        row = s.get(Setting, NUMBERING_KEY)
        if row is None:
            s.add(Setting(key=NUMBERING_KEY, value=value))
        else:
            row.value = value
    return _changes(updated=[("settings", NUMBERING_KEY)])


def _number_regex(parts: list[tuple[str, str | None, str]], values: dict[str, str],
                  any_year: bool = False) -> re.Pattern:
    out = []
    for literal, name, _spec in parts:
        out.append(re.escape(literal))
        if name == "n":
            out.append(r"(\d+)")
        elif name in values:
            out.append(re.escape(values[name]))
        elif name == "year" and any_year:
            out.append(r"\d{4}")
        elif name is not None:
            out.append(r"[A-Z]+")
    return re.compile("".join(out) + r"\Z")


def _format_number(parts: list[tuple[str, str | None, str]], values: dict[str, str], n: int) -> str:
    out = []
    for literal, name, spec in parts:
        out.append(literal)
        if name == "n":
            out.append(format(n, spec) if spec else str(n))
        elif name is not None:
            out.append(values[name])
    return "".join(out)


def _allocate_number(s: Session, settings: NumberingSettings, kind: str, year: int) -> str:
    parts = _parse_pattern(settings.pattern)
    values = {"year": str(year), "site": settings.site_code, "type": TYPE_CODES.get(kind, "CV")}
    regex = _number_regex(parts, values)
    # Every number ever given here or received, deleted ones included: never reuse one.
    known = set(s.execute(select(Convention.number)).scalars())
    counters = [int(m.group(1)) for m in map(regex.match, known) if m]
    n = max(counters, default=0) + 1
    number = _format_number(parts, values, n)
    while number in known:
        n += 1
        number = _format_number(parts, values, n)
    return number


def preview_number(ws: Workspace, kind: str = "partenariat", today: dt.date | None = None) -> str:
    """The number the next convention would get (nothing is reserved)."""
    settings = get_numbering(ws)
    with ws.unit() as s:
        return _allocate_number(s, settings, kind, (today or dt.date.today()).year)


# --------------------------------------------------------------------------- reading


def _party_view(s: Session, p: ConventionParty, identity: Identity) -> PartyView:
    org = _live(s, Organisation, p.organisation_id)
    if org is None and p.role == "porteur":
        # Our own organisation: the local identity, completed by its record if we have one.
        twin = None
        if identity.siret:
            twin = s.execute(
                select(Organisation).where(Organisation.siret == identity.siret,
                                           Organisation.deleted.is_(False)).limit(1)
            ).scalar()
        return PartyView(
            id=p.id, role=p.role, organisation_id=None,
            name=identity.organisation_name or (twin.name if twin else ""),
            acronym=twin.acronym if twin else "",
            legal_form=twin.legal_form if twin else "",
            siret=identity.siret,
            address=_one_line_address(identity.address, identity.postcode, identity.city),
            representative_name=p.representative_name or (twin.legal_rep_name if twin else ""),
            representative_title=p.representative_title or (twin.legal_rep_title if twin else ""),
        )
    return PartyView(
        id=p.id, role=p.role, organisation_id=p.organisation_id,
        name=org.name if org else "",
        acronym=org.acronym if org else "",
        legal_form=org.legal_form if org else "",
        siret=(org.siret or "") if org else "",
        address=_one_line_address(org.address, org.postcode, org.city) if org else "",
        representative_name=p.representative_name,
        representative_title=p.representative_title,
    )


def legal_date(value: dt.date | None) -> str:
    """« 1er janvier 2026 », « 12 mai 2026 » (no weekday, as in a contract)."""
    if value is None:
        return ""
    text = format_date(value, "d MMMM y", locale=fmt.LOCALE)
    return "1er" + text[1:] if value.day == 1 else text


def describe_changes(base_amount: int | None, base_start: dt.date | None,
                     base_end: dt.date | None, new_amount: int | None,
                     new_start: dt.date | None, new_end: dt.date | None) -> tuple[str, ...]:
    """What an avenant changes, as the sentences it prints (``None`` = unchanged)."""
    changes = []
    if new_amount is not None and new_amount != base_amount:
        before = fmt.money(base_amount) if base_amount is not None else "non défini"
        changes.append(f"Le montant total est porté de {before} à {amount_with_words(new_amount)}.")
    if new_start is not None and new_start != base_start:
        changes.append(f"La date de début passe du {legal_date(base_start) or 'non définie'} "
                       f"au {legal_date(new_start)}.")
    if new_end is not None and new_end != base_end:
        if base_end is not None and new_end > base_end:
            changes.append(f"La convention est prolongée : sa date de fin passe du "
                           f"{legal_date(base_end)} au {legal_date(new_end)}.")
        else:
            changes.append(f"La date de fin passe du {legal_date(base_end) or 'non définie'} "
                           f"au {legal_date(new_end)}.")
    return tuple(changes)


def _signed_avenants(s: Session, parent_ids: Sequence[str]) -> dict[str, list[Convention]]:
    out: dict[str, list[Convention]] = {}
    if not parent_ids:
        return out
    rows = s.execute(
        select(Convention)
        .where(
            Convention.parent_id.in_(list(parent_ids)),
            Convention.kind == "avenant",
            Convention.deleted.is_(False),
            Convention.status.in_(SIGNED_STATUSES),
            Convention.signed_date.is_not(None),
        )
        .order_by(Convention.signed_date, Convention.number, Convention.id)
    ).scalars()
    for a in rows:
        out.setdefault(a.parent_id, []).append(a)
    return out


def _consolidate(c: Convention, avenants: Sequence[Convention],
                 as_of: dt.date | None = None) -> Consolidated:
    amount, start, end = c.amount_cents, c.start_date, c.end_date
    applied = []
    for a in avenants:
        if as_of is not None and a.signed_date > as_of:
            break
        changes = describe_changes(amount, start, end, a.amount_cents, a.start_date, a.end_date)
        if a.amount_cents is not None:
            amount = a.amount_cents
        if a.start_date is not None:
            start = a.start_date
        if a.end_date is not None:
            end = a.end_date
        applied.append(AppliedAvenant(a.id, a.number, a.signed_date, changes))
    return Consolidated(c.id, amount, start, end, c.amount_cents, c.start_date, c.end_date,
                        tuple(applied))


def consolidated(ws: Workspace, convention_id: str, as_of: dt.date | None = None) -> Consolidated:
    """The convention's amount and dates after its signed avenants, in signature order.

    ``as_of`` keeps only the avenants signed on or before that date. For an avenant, the
    values of its parent are returned.
    """
    with ws.unit() as s:
        c = _get_convention(s, convention_id)
        if c.kind == "avenant" and c.parent_id:
            c = _get_convention(s, c.parent_id)
        return _consolidate(c, _signed_avenants(s, [c.id]).get(c.id, []), as_of)


def get_convention(ws: Workspace, convention_id: str) -> ConventionView:
    identity = get_identity(ws)
    with ws.unit() as s:
        c = _get_convention(s, convention_id)
        action = _live(s, Action, c.action_id)
        parent = _live(s, Convention, c.parent_id)
        parties = s.execute(
            select(ConventionParty)
            .where(ConventionParty.convention_id == c.id, ConventionParty.deleted.is_(False))
            .order_by(ConventionParty.role.desc(), ConventionParty.position, ConventionParty.id)
        ).scalars().all()  # « porteur » sorts before « partenaire » when descending
        installments = s.execute(
            select(Installment)
            .where(Installment.convention_id == c.id, Installment.deleted.is_(False))
            .order_by(Installment.position, Installment.due_date, Installment.id)
        ).scalars().all()
        events = s.execute(
            select(ConventionEvent)
            .where(ConventionEvent.convention_id == c.id, ConventionEvent.deleted.is_(False))
            .order_by(ConventionEvent.date, ConventionEvent.sync_hlc, ConventionEvent.id)
        ).scalars().all()
        avenants = s.execute(
            select(Convention)
            .where(Convention.parent_id == c.id, Convention.deleted.is_(False))
            .order_by(Convention.signed_date.is_(None), Convention.signed_date, Convention.number)
        ).scalars().all()
        scan = s.execute(
            select(Attachment, Blob.size)
            .join(Blob, Blob.sha256 == Attachment.blob_sha256)
            .where(Attachment.owner_table == "conventions", Attachment.owner_id == c.id,
                   Attachment.kind == SIGNED_COPY_KIND, Attachment.deleted.is_(False))
            .order_by(Attachment.sync_hlc.desc())
            .limit(1)
        ).first()
        target = parent if (c.kind == "avenant" and parent is not None) else c
        cons = _consolidate(target, _signed_avenants(s, [target.id]).get(target.id, []))
        return ConventionView(
            id=c.id, number=c.number, kind=c.kind, kind_label=kind_label(c.kind), title=c.title,
            status=c.status, status_label=status_label(c.status),
            parties=tuple(_party_view(s, p, identity) for p in parties),
            action_id=c.action_id,
            action_code=action.code if action else "",
            action_title=action.title if action else "",
            action_funder=action.funder if action else "",
            template_id=c.template_id, parent_id=c.parent_id,
            parent_number=parent.number if parent else "",
            parent_title=parent.title if parent else "",
            parent_signed_date=parent.signed_date if parent else None,
            object=c.object, start_date=c.start_date, end_date=c.end_date,
            amount_cents=c.amount_cents,
            installments=tuple(
                InstallmentView(i.id, i.position, i.due_date, i.amount_cents, i.condition,
                                i.paid_date)
                for i in installments
            ),
            fse_rate=c.fse_rate or 0.0,
            other_funders=tuple(Funder(f.get("name", ""), f.get("amount_cents"))
                                for f in (c.other_funders or [])),
            required_evidence=tuple(c.required_evidence or ()),
            sent_date=c.sent_date, signed_date=c.signed_date, ended_date=c.ended_date,
            termination_reason=c.termination_reason, signed_place=c.signed_place,
            copies=c.copies,
            events=tuple(EventView(e.id, e.date, e.status, status_label(e.status), e.note)
                         for e in events),
            avenants=tuple(AvenantSummary(a.id, a.number, a.title, a.status,
                                          status_label(a.status), a.signed_date)
                           for a in avenants),
            consolidated=cons,
            signed_copy=(AttachmentView(scan[0].id, scan[0].filename, scan[0].mime, scan[1],
                                        scan[0].blob_sha256) if scan else None),
            next_statuses=next_statuses(c.status),
        )


def find_convention(ws: Workspace, reference: str) -> str:
    """The id of the convention named by ``reference``: its id or its number."""
    ref = (reference or "").strip()
    if not ref:
        raise NotFound("Indiquez une convention (identifiant ou numéro).")
    with ws.unit() as s:
        c = _live(s, Convention, ref)
        if c is not None:
            return c.id
        ids = s.execute(
            select(Convention.id).where(Convention.deleted.is_(False),
                                        func.upper(Convention.number) == ref.upper())
        ).scalars().all()
    if len(ids) == 1:
        return ids[0]
    if len(ids) > 1:
        raise NotFound(f"Plusieurs conventions portent le numéro « {ref} » : utilisez l'identifiant.")
    raise NotFound(f"Aucune convention ne porte le numéro ou l'identifiant « {ref} ».")


def signed_copy_bytes(ws: Workspace, convention_id: str) -> tuple[str, str, bytes] | None:
    """``(filename, mime, data)`` of the latest signed copy attached, or ``None``."""
    with ws.unit() as s:
        row = s.execute(
            select(Attachment.filename, Attachment.mime, Blob.data)
            .join(Blob, Blob.sha256 == Attachment.blob_sha256)
            .where(Attachment.owner_table == "conventions",
                   Attachment.owner_id == convention_id,
                   Attachment.kind == SIGNED_COPY_KIND, Attachment.deleted.is_(False))
            .order_by(Attachment.sync_hlc.desc())
            .limit(1)
        ).first()
    return (row[0], row[1], bytes(row[2])) if row else None


# --------------------------------------------------------------------------- validation


def _validate(s: Session, data: ConventionInput, current: Convention | None) -> ConventionInput:
    if data.kind not in labels.CONVENTION_KINDS:
        raise ValidationError(f"Type de convention inconnu : « {data.kind} ».", field="kind")
    title = " ".join((data.title or "").split())
    if not title:
        raise ValidationError("L'intitulé de la convention est obligatoire.", field="title")
    number = (data.number or "").strip()
    if number:
        clash = s.execute(
            select(Convention.id).where(
                func.upper(Convention.number) == number.upper(),
                Convention.deleted.is_(False),
                Convention.id != (current.id if current else ""),
            )
        ).first()
        if clash:
            raise ValidationError(f"Le numéro « {number} » est déjà attribué à une autre convention.",
                                  field="number")
    if data.kind == "avenant":
        parent = _live(s, Convention, data.parent_id)
        if parent is None:
            raise ValidationError("Un avenant doit être rattaché à la convention qu'il modifie.",
                                  field="parent_id")
        if parent.kind == "avenant":
            raise ValidationError("Un avenant modifie une convention, pas un autre avenant.",
                                  field="parent_id")
        if current is None and parent.status not in AMENDABLE_STATUSES:
            raise ValidationError(
                f"La convention {parent.number} est « {status_label(parent.status)} » : seule une "
                "convention signée ou en cours peut recevoir un avenant.", field="parent_id",
            )
        if (data.amount_cents is None and data.start_date is None and data.end_date is None
                and not data.object.strip()):
            raise ValidationError(
                "Un avenant doit modifier le montant, les dates, ou décrire son objet.",
                field="object",
            )
    elif data.parent_id:
        raise ValidationError("Seul un avenant est rattaché à une convention parente.",
                              field="parent_id")
    partners = [p for p in data.parties if p.role != "porteur"]
    porteurs = [p for p in data.parties if p.role == "porteur"]
    if any(p.role not in ("porteur", "partenaire") for p in data.parties):
        raise ValidationError("Rôle de partie inconnu (porteur ou partenaire).", field="parties")
    if len(porteurs) > 1:
        raise ValidationError("Une convention n'a qu'un porteur.", field="parties")
    if not partners:
        raise ValidationError("Ajoutez au moins une structure partenaire.", field="parties")
    seen = set()
    for p in partners:
        org = _live(s, Organisation, p.organisation_id)
        if org is None:
            raise ValidationError("Une structure partenaire n'existe pas ou a été supprimée.",
                                  field="parties")
        if org.id in seen:
            raise ValidationError(f"« {org.name} » figure deux fois parmi les parties.",
                                  field="parties")
        seen.add(org.id)
    if porteurs and porteurs[0].organisation_id and _live(
            s, Organisation, porteurs[0].organisation_id) is None:
        raise ValidationError("La structure porteuse n'existe pas ou a été supprimée.",
                              field="parties")
    if data.start_date and data.end_date and data.end_date < data.start_date:
        raise ValidationError("La date de fin précède la date de début.", field="end_date")
    if data.amount_cents is not None and data.amount_cents < 0:
        raise ValidationError("Le montant ne peut pas être négatif.", field="amount_cents")
    for i, inst in enumerate(data.installments, start=1):
        if inst.amount_cents <= 0:
            raise ValidationError(f"Échéance {i} : le montant doit être positif.",
                                  field="installments")
    total = sum(i.amount_cents for i in data.installments)
    if data.installments and data.amount_cents is not None and total > data.amount_cents:
        raise ValidationError(
            f"Le total de l'échéancier ({fmt.money(total)}) dépasse le montant de la convention "
            f"({fmt.money(data.amount_cents)}).", field="installments",
        )
    if not 0 <= (data.fse_rate or 0) <= 1:
        raise ValidationError("Le taux FSE doit être compris entre 0 et 100 %.", field="fse_rate")
    for f in data.other_funders:
        if not f.name.strip():
            raise ValidationError("Chaque cofinanceur doit avoir un nom.", field="other_funders")
        if f.amount_cents is not None and f.amount_cents < 0:
            raise ValidationError(f"Montant négatif pour le cofinanceur « {f.name} ».",
                                  field="other_funders")
    evidence = tuple(dict.fromkeys(e.strip() for e in data.required_evidence if e.strip()))
    if data.copies is not None and not 1 <= data.copies <= 20:
        raise ValidationError("Le nombre d'exemplaires doit être compris entre 1 et 20.",
                              field="copies")
    if data.action_id and _live(s, Action, data.action_id) is None:
        raise ValidationError("L'action choisie n'existe pas ou a été supprimée.", field="action_id")
    if data.template_id and _live(s, ConventionTemplate, data.template_id) is None:
        raise ValidationError("Le modèle choisi n'existe pas ou a été supprimé.",
                              field="template_id")
    return replace(data, title=title, number=number, required_evidence=evidence,
                   signed_place=data.signed_place.strip())


def _normalised_parties(s: Session, data: ConventionInput) -> list[PartyInput]:
    """Porteur first (added when missing), representatives defaulted from the structure."""
    parties = [p for p in data.parties if p.role == "porteur"] or [PartyInput(None, "porteur")]
    parties += [p for p in data.parties if p.role != "porteur"]
    out = []
    for p in parties:
        org = _live(s, Organisation, p.organisation_id)
        name, title = p.representative_name.strip(), p.representative_title.strip()
        if org is not None and not name:
            name, title = org.legal_rep_name, title or org.legal_rep_title
        out.append(replace(p, representative_name=name, representative_title=title))
    return out


def party_defaults(ws: Workspace, organisation_id: str) -> PartyInput:
    """A partner party prefilled with the structure's legal representative (for the form)."""
    with ws.unit() as s:
        org = _live(s, Organisation, organisation_id)
        if org is None:
            raise NotFound("Cette structure n'existe plus.")
        return PartyInput(org.id, "partenaire", org.legal_rep_name, org.legal_rep_title)


# --------------------------------------------------------------------------- writing


def _write_parties(s: Session, c: Convention, parties: list[PartyInput]) -> tuple[list, list, list]:
    created, updated, deleted = [], [], []
    existing = s.execute(
        select(ConventionParty).where(ConventionParty.convention_id == c.id,
                                      ConventionParty.deleted.is_(False))
    ).scalars().all()
    by_key = {(p.role, p.organisation_id): p for p in existing}
    kept = set()
    for position, p in enumerate(parties):
        row = by_key.get((p.role, p.organisation_id))
        if row is None:
            row = ConventionParty(convention_id=c.id, organisation_id=p.organisation_id,
                                  role=p.role)
            s.add(row)
            s.flush()
            created.append(("convention_parties", row.id))
        else:
            updated.append(("convention_parties", row.id))
        row.representative_name = p.representative_name
        row.representative_title = p.representative_title
        row.position = position
        kept.add(row.id)
    for row in existing:
        if row.id not in kept:
            row.deleted = True
            deleted.append(("convention_parties", row.id))
    return created, updated, deleted


def _write_installments(s: Session, c: Convention,
                        items: Sequence[InstallmentInput]) -> tuple[list, list, list]:
    created, updated, deleted = [], [], []
    existing = {
        i.id: i for i in s.execute(
            select(Installment).where(Installment.convention_id == c.id,
                                      Installment.deleted.is_(False))
        ).scalars()
    }
    kept = set()
    for position, item in enumerate(items):
        row = existing.get(item.id) if item.id else None
        if row is None:
            row = Installment(convention_id=c.id)
            s.add(row)
            created_flag = True
        else:
            created_flag = False
        row.due_date = item.due_date
        row.amount_cents = int(item.amount_cents)
        row.condition = item.condition.strip()
        row.paid_date = item.paid_date
        row.position = position
        s.flush()
        kept.add(row.id)
        (created if created_flag else updated).append(("installments", row.id))
    for row in existing.values():
        if row.id not in kept:
            row.deleted = True
            deleted.append(("installments", row.id))
    return created, updated, deleted


def _add_event(s: Session, c: Convention, status: str, date: dt.date, note: str) -> ConventionEvent:
    event = ConventionEvent(convention_id=c.id, status=status, date=date, note=note.strip())
    s.add(event)
    s.flush()
    return event


def _apply_fields(c: Convention, data: ConventionInput, n_parties: int) -> None:
    c.kind = data.kind
    c.title = data.title
    c.action_id = data.action_id or None
    c.template_id = data.template_id or None
    c.parent_id = data.parent_id or None
    c.object = data.object.strip()
    c.start_date = data.start_date
    c.end_date = data.end_date
    c.amount_cents = data.amount_cents
    c.fse_rate = float(data.fse_rate or 0.0)
    c.other_funders = [
        {"name": f.name.strip(), "amount_cents": f.amount_cents} for f in data.other_funders
    ]
    c.required_evidence = list(data.required_evidence)
    c.signed_place = data.signed_place
    c.copies = data.copies if data.copies is not None else max(2, n_parties)


def _default_template_id(s: Session, kind: str) -> str | None:
    from app.services.templates import default_template_code, template_id_for_code

    code = default_template_code(kind)
    if code is None:
        return None
    tid = template_id_for_code(code)
    return tid if _live(s, ConventionTemplate, tid) is not None else None


def create_convention(ws: Workspace, data: ConventionInput,
                      today: dt.date | None = None) -> Saved:
    """Create a draft (« brouillon ») with its parties and installments; number it if needed."""
    from app.services.templates import ensure_templates

    today = today or dt.date.today()
    ensure_templates(ws)
    settings = get_numbering(ws) if not (data.number or "").strip() else None
    with ws.unit(write=True) as s:
        data = _validate(s, data, None)
        if data.kind == "avenant":
            parent = _get_convention(s, data.parent_id)
            data = replace(data, action_id=data.action_id or parent.action_id)
        if not data.template_id:
            data = replace(data, template_id=_default_template_id(s, data.kind))
        number = data.number or _allocate_number(s, settings, data.kind, today.year)
        parties = _normalised_parties(s, data)
        c = Convention(number=number, status="brouillon")
        _apply_fields(c, data, len(parties))
        s.add(c)
        s.flush()
        pc, _pu, _pd = _write_parties(s, c, parties)
        ic, _iu, _id = _write_installments(s, c, data.installments)
        event = _add_event(s, c, "brouillon", today, "Création")
        created = [("conventions", c.id), *pc, *ic, ("convention_events", event.id)]
        updated = [("conventions", c.parent_id)] if c.parent_id else []
        return Saved(c.id, number, _changes(created, updated))


def update_convention(ws: Workspace, convention_id: str, data: ConventionInput) -> Saved:
    """Save the form. Clauses change only before signature; afterwards, write an avenant."""
    with ws.unit(write=True) as s:
        c = _get_convention(s, convention_id)
        if c.status not in EDITABLE_STATUSES:
            raise ValidationError(
                f"La convention {c.number} est « {status_label(c.status)} » : ses clauses ne "
                "changent plus que par avenant.", field="status",
            )
        if data.kind != c.kind and "avenant" in (data.kind, c.kind):
            raise ValidationError("Un avenant ne peut pas devenir une convention (ni l'inverse).",
                                  field="kind")
        data = _validate(s, data, c)
        if data.kind == "avenant" and data.parent_id != c.parent_id:
            raise ValidationError("Un avenant ne change pas de convention parente.",
                                  field="parent_id")
        parties = _normalised_parties(s, data)
        _apply_fields(c, data, len(parties))
        if data.number:
            c.number = data.number
        pc, pu, pd = _write_parties(s, c, parties)
        ic, iu, idel = _write_installments(s, c, data.installments)
        s.flush()
        return Saved(c.id, c.number, _changes([*pc, *ic], [("conventions", c.id), *pu, *iu],
                                              [*pd, *idel]))


def delete_convention(ws: Workspace, convention_id: str) -> Saved:
    """Delete a draft (a tombstone). A convention once sent or signed is kept as evidence."""
    with ws.unit(write=True) as s:
        c = _get_convention(s, convention_id)
        if c.status != "brouillon":
            raise ValidationError(
                f"La convention {c.number} est « {status_label(c.status)} » : seul un brouillon "
                "peut être supprimé. Résiliez-la si elle ne s'applique plus.", field="status",
            )
        deleted = [("conventions", c.id)]
        for model, table in ((ConventionParty, "convention_parties"),
                             (Installment, "installments"),
                             (ConventionEvent, "convention_events")):
            for row in s.execute(select(model).where(model.convention_id == c.id,
                                                     model.deleted.is_(False))).scalars():
                row.deleted = True
                deleted.append((table, row.id))
        c.deleted = True
        return Saved(c.id, c.number, _changes(deleted=deleted))


def avenant_draft(ws: Workspace, parent_id: str) -> ConventionInput:
    """A new avenant's starting values: the parent's parties, action and co-financing."""
    parent = get_convention(ws, parent_id)
    if parent.kind == "avenant":
        raise ValidationError("Un avenant modifie une convention, pas un autre avenant.",
                              field="parent_id")
    rank = len(parent.avenants) + 1
    base = parent.as_input()
    return replace(
        base, kind="avenant", number="", parent_id=parent.id, template_id=None,
        title=f"Avenant n° {rank} à la convention {parent.number}",
        object="", amount_cents=None, start_date=None, end_date=None, installments=(),
        required_evidence=(), copies=parent.copies,
    )


# --------------------------------------------------------------------------- lifecycle


def _store_blob(s: Session, data: bytes) -> tuple[str, str]:
    if not data:
        raise ValidationError("Le fichier de la copie signée est vide.", field="scan")
    if len(data) > MAX_SCAN_BYTES:
        raise ValidationError("La copie signée dépasse 25 Mo : numérisez-la en qualité moindre.",
                              field="scan")
    if data.startswith(b"%PDF"):
        mime = "application/pdf"
    elif data.startswith(b"\x89PNG"):
        mime = "image/png"
    elif data.startswith(b"\xff\xd8"):
        mime = "image/jpeg"
    else:
        raise ValidationError("La copie signée doit être un PDF, un PNG ou un JPEG.",
                              field="scan")
    sha = hashlib.sha256(data).hexdigest()
    if s.get(Blob, sha) is None:
        s.add(Blob(sha256=sha, mime=mime, size=len(data), data=data,
                   created_at=dt.datetime.now().replace(microsecond=0)))
        s.flush()
    return sha, mime


def _attach_scan(s: Session, c: Convention, data: bytes, filename: str) -> Attachment:
    sha, mime = _store_blob(s, data)
    ext = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}[mime]
    name = (filename or "").strip() or f"convention-{c.number}-signee{ext}"
    att = Attachment(owner_table="conventions", owner_id=c.id, blob_sha256=sha,
                     filename=name, mime=mime, kind=SIGNED_COPY_KIND,
                     label=f"Exemplaire signé de la convention {c.number}")
    s.add(att)
    s.flush()
    return att


def attach_signed_copy(ws: Workspace, convention_id: str, data: bytes,
                       filename: str = "") -> Saved:
    """Attach (or replace) the scan of the signed copy of a signed convention."""
    with ws.unit(write=True) as s:
        c = _get_convention(s, convention_id)
        if c.status not in SIGNED_STATUSES:
            raise ValidationError(
                f"La convention {c.number} n'est pas encore signée : enregistrez d'abord sa "
                "signature.", field="status",
            )
        att = _attach_scan(s, c, data, filename)
        return Saved(c.id, c.number, _changes([("attachments", att.id)], [("conventions", c.id)]))


def change_status(ws: Workspace, convention_id: str, change: StatusChange) -> Saved:
    """Move a convention along its lifecycle and record the step in its history."""
    with ws.unit(write=True) as s:
        c = _get_convention(s, convention_id)
        new = change.status
        if new not in labels.CONVENTION_STATUSES:
            raise ValidationError(f"Statut inconnu : « {new} ».", field="status")
        if new not in TRANSITIONS.get(c.status, ()):
            allowed = ", ".join(f"« {status_label(x)} »" for x in TRANSITIONS.get(c.status, ()))
            hint = f" Étapes possibles : {allowed}." if allowed else " Elle est close."
            raise ValidationError(
                f"La convention {c.number} est « {status_label(c.status)} » : elle ne peut pas "
                f"passer à « {status_label(new)} ».{hint}", field="status",
            )
        date = change.date
        if date is None:
            raise ValidationError("Indiquez la date de ce changement.", field="date")
        note = change.note.strip()
        created: list[tuple[str, str]] = []
        if new == "envoyee":
            c.sent_date = date
        elif new == "brouillon":
            c.sent_date = None
            note = note or "Retour en brouillon pour modification"
        elif new == "signee":
            if c.sent_date and date < c.sent_date:
                raise ValidationError(
                    f"La date de signature précède l'envoi ({fmt.date_short(c.sent_date)}).",
                    field="date",
                )
            c.signed_date = date
            if change.scan:
                att = _attach_scan(s, c, change.scan, change.scan_filename)
                created.append(("attachments", att.id))
                note = note or "Copie signée jointe"
        elif new == "en_cours":
            if c.signed_date and date < c.signed_date:
                raise ValidationError("La date de démarrage précède la signature.", field="date")
        elif new in ("echue", "resiliee"):
            if c.signed_date and date < c.signed_date:
                raise ValidationError("Cette date précède la signature de la convention.",
                                      field="date")
            if new == "resiliee":
                reason = change.reason.strip()
                if not reason:
                    raise ValidationError("Indiquez le motif de la résiliation.", field="reason")
                c.termination_reason = reason
                note = note or reason
            c.ended_date = date
        c.status = new
        event = _add_event(s, c, new, date, note)
        created.append(("convention_events", event.id))
        updated = [("conventions", c.id)]
        if c.parent_id:
            updated.append(("conventions", c.parent_id))
        return Saved(c.id, c.number, _changes(created, updated))


def mark_installment_paid(ws: Workspace, installment_id: str, paid_date: dt.date | None) -> Saved:
    """Record (or clear, with ``None``) the payment date of an installment."""
    with ws.unit(write=True) as s:
        inst = _live(s, Installment, installment_id)
        if inst is None:
            raise NotFound("Cette échéance n'existe plus.")
        c = _get_convention(s, inst.convention_id)
        if paid_date is not None and c.status not in SIGNED_STATUSES:
            raise ValidationError("Une échéance ne se verse qu'une fois la convention signée.",
                                  field="paid_date")
        inst.paid_date = paid_date
        return Saved(c.id, c.number, _changes(updated=[("installments", inst.id),
                                                       ("conventions", c.id)]))


# --------------------------------------------------------------------------- list


@dataclass(frozen=True)
class ConventionFilter:
    """The list's filters; ``None`` = all. ``year``: the period overlaps that year."""

    kind: str | None = None
    status: str | None = None
    partner_id: str | None = None
    action_id: str | None = None
    year: int | None = None
    search: str = ""


@dataclass(frozen=True)
class ConventionRow:
    id: str
    number: str
    title: str
    kind: str
    kind_label: str
    partners: str
    amount_cents: int | None  # consolidated
    amount: str
    start_date: dt.date | None  # consolidated
    end_date: dt.date | None
    period: str
    status: str
    status_label: str
    next_deadline: dt.date | None
    next_deadline_label: str
    parent_id: str | None
    amended: bool
    muted: bool  # échue or résiliée: shown greyed


@dataclass(frozen=True)
class FilterChoices:
    kinds: tuple[tuple[str, str], ...]
    statuses: tuple[tuple[str, str], ...]
    partners: tuple[tuple[str, str], ...]
    actions: tuple[tuple[str, str], ...]
    years: tuple[int, ...]


LIST_COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", "Numéro"),
    ("title", "Intitulé"),
    ("partners", "Partenaire(s)"),
    ("amount", "Montant"),
    ("period", "Période"),
    ("status_label", "Statut"),
    ("next_deadline_label", "Prochaine échéance"),
)
"""Columns of the conventions list: (attribute of :class:`ConventionRow`, header)."""


def _next_deadline(c: Convention, end: dt.date | None, unpaid: Sequence[Installment],
                   today: dt.date) -> tuple[dt.date | None, str]:
    candidates: list[tuple[dt.date, str]] = []
    if c.status in SIGNED_STATUSES and c.status != "resiliee":
        for i in unpaid:
            if i.due_date is not None:
                late = " (en retard)" if i.due_date < today else ""
                candidates.append((i.due_date, f"versement de {fmt.money(i.amount_cents)}{late}"))
    if c.status in ACTIVE_STATUSES and end is not None and end >= today:
        candidates.append((end, "fin de la convention"))
    if c.status == "envoyee" and c.sent_date is not None:
        candidates.append((c.sent_date + dt.timedelta(days=UNSIGNED_AFTER_DAYS), "relance signature"))
    if not candidates:
        return None, ""
    date, what = min(candidates)
    return date, f"{fmt.date_short(date)} – {what}"


def list_conventions(ws: Workspace, filters: ConventionFilter = ConventionFilter(),
                     today: dt.date | None = None) -> tuple[ConventionRow, ...]:
    """Every live convention matching ``filters``, newest number first, with consolidated
    amount and period (signed avenants applied) and the next deadline."""
    today = today or dt.date.today()
    with ws.unit() as s:
        stmt = select(Convention).where(Convention.deleted.is_(False))
        if filters.kind:
            stmt = stmt.where(Convention.kind == filters.kind)
        if filters.status:
            stmt = stmt.where(Convention.status == filters.status)
        if filters.action_id:
            stmt = stmt.where(Convention.action_id == filters.action_id)
        if filters.partner_id:
            stmt = stmt.where(Convention.id.in_(
                select(ConventionParty.convention_id).where(
                    ConventionParty.organisation_id == filters.partner_id,
                    ConventionParty.deleted.is_(False))
            ))
        conventions = s.execute(stmt).scalars().all()
        ids = [c.id for c in conventions]
        partner_names: dict[str, list[str]] = {}
        for cid, name in s.execute(
            select(ConventionParty.convention_id, Organisation.name)
            .join(Organisation, Organisation.id == ConventionParty.organisation_id)
            .where(ConventionParty.convention_id.in_(ids), ConventionParty.role == "partenaire",
                   ConventionParty.deleted.is_(False))
            .order_by(ConventionParty.position)
        ):
            partner_names.setdefault(cid, []).append(name)
        unpaid: dict[str, list[Installment]] = {}
        for i in s.execute(
            select(Installment).where(Installment.convention_id.in_(ids),
                                      Installment.deleted.is_(False),
                                      Installment.paid_date.is_(None))
        ).scalars():
            unpaid.setdefault(i.convention_id, []).append(i)
        avenants = _signed_avenants(s, ids)
        terms = [t for t in fold(filters.search).split() if t]
        rows = []
        for c in conventions:
            cons = _consolidate(c, avenants.get(c.id, []))
            start, end = cons.start_date, cons.end_date
            if filters.year is not None:
                first = start.year if start else (end.year if end else None)
                last = end.year if end else first
                if first is None or not first <= filters.year <= last:
                    continue
            partners = ", ".join(partner_names.get(c.id, []))
            if terms:
                haystack = fold(" ".join((c.number, c.title, partners)))
                if not all(t in haystack for t in terms):
                    continue
            deadline, deadline_label = _next_deadline(c, end, unpaid.get(c.id, []), today)
            rows.append(ConventionRow(
                id=c.id, number=c.number, title=c.title, kind=c.kind,
                kind_label=kind_label(c.kind), partners=partners,
                amount_cents=cons.amount_cents, amount=fmt.money(cons.amount_cents),
                start_date=start, end_date=end, period=period_label(start, end),
                status=c.status, status_label=status_label(c.status),
                next_deadline=deadline, next_deadline_label=deadline_label,
                parent_id=c.parent_id, amended=cons.amended,
                muted=c.status in ("echue", "resiliee"),
            ))
    rows.sort(key=lambda r: fold(r.number), reverse=True)
    return tuple(rows)


def filter_choices(ws: Workspace) -> FilterChoices:
    """Values offered by the list's filter menus (only partners and actions in use)."""
    with ws.unit() as s:
        partners = s.execute(
            select(Organisation.id, Organisation.name)
            .join(ConventionParty, ConventionParty.organisation_id == Organisation.id)
            .join(Convention, Convention.id == ConventionParty.convention_id)
            .where(ConventionParty.deleted.is_(False), Convention.deleted.is_(False),
                   ConventionParty.role == "partenaire")
            .distinct()
        ).all()
        actions = s.execute(
            select(Action.id, Action.code, Action.title)
            .join(Convention, Convention.action_id == Action.id)
            .where(Convention.deleted.is_(False))
            .distinct()
        ).all()
        spans = s.execute(
            select(Convention.start_date, Convention.end_date).where(Convention.deleted.is_(False))
        ).all()
    years: set[int] = set()
    for start, end in spans:
        if start or end:
            first, last = (start or end).year, (end or start).year
            years.update(range(first, last + 1))
    return FilterChoices(
        kinds=tuple(labels.CONVENTION_KINDS.items()),
        statuses=tuple(labels.CONVENTION_STATUSES.items()),
        partners=tuple(sorted(((i, n) for i, n in partners), key=lambda x: fold(x[1]))),
        actions=tuple(sorted(((i, f"{code} – {title}" if code else title)
                              for i, code, title in actions), key=lambda x: fold(x[1]))),
        years=tuple(sorted(years, reverse=True)),
    )


# --------------------------------------------------------------------------- alerts


@dataclass(frozen=True)
class ConventionAlert:
    """Something to do about a convention, for the dashboard.

    ``code``: ``fin_proche`` | ``non_signee`` | ``echeance`` | ``a_clore`` |
    ``emargements_manquants`` | ``comptes_rendus_manquants``. ``record_id`` is the
    convention to open; ``related_ids`` the installments or meetings concerned.
    """

    code: str
    record_id: str
    title: str  # « 2026-PUI-003 – Animation du mois de l'ESS »
    message: str  # French sentence
    date: dt.date | None
    view: str = "conventions"
    related_ids: tuple[str, ...] = ()


def _session_problem(present: int, signed: int, scanned: bool, sealed: bool) -> str | None:
    if scanned:
        return None  # the paper sheet, scanned, is the evidence
    if present == 0:
        return "aucune présence enregistrée"
    missing = present - signed
    if missing > 0:
        return f"{missing} signature{'s' if missing > 1 else ''} manquante{'s' if missing > 1 else ''}"
    if not sealed:
        return "contre-signature de l'intervenant manquante"
    return None


def _evidence_alerts(s: Session, c: Convention, start: dt.date | None, end: dt.date | None,
                     today: dt.date, title: str) -> list[ConventionAlert]:
    required = set(c.required_evidence or ())
    if not c.action_id or not required & {"emargement", "compte_rendu"}:
        return []
    window_end = min(end, today - dt.timedelta(days=1)) if end else today - dt.timedelta(days=1)
    conditions = [
        Meeting.action_id == c.action_id,
        Meeting.deleted.is_(False),
        Meeting.status.not_in(("annulee", "reportee")),
        MeetingSession.deleted.is_(False),
        MeetingSession.date <= window_end,
    ]
    if start:
        conditions.append(MeetingSession.date >= start)
    sessions = s.execute(
        select(MeetingSession.id, MeetingSession.date, MeetingSession.label,
               MeetingSession.sealed, Meeting.id.label("meeting_id"), Meeting.title,
               Meeting.minutes)
        .join(Meeting, Meeting.id == MeetingSession.meeting_id)
        .where(*conditions)
        .order_by(MeetingSession.date, MeetingSession.start_time)
    ).all()
    if not sessions:
        return []
    out = []
    if "emargement" in required:
        session_ids = [r.id for r in sessions]
        present = dict(s.execute(
            select(Attendance.session_id, func.count())
            .where(Attendance.session_id.in_(session_ids), Attendance.deleted.is_(False),
                   Attendance.status.in_(("present", "retard")))
            .group_by(Attendance.session_id)
        ).all())
        signed = dict(s.execute(
            select(Attendance.session_id, func.count())
            .where(Attendance.session_id.in_(session_ids), Attendance.deleted.is_(False),
                   Attendance.status.in_(("present", "retard")),
                   Attendance.signature_sha256.is_not(None))
            .group_by(Attendance.session_id)
        ).all())
        scanned = set(s.execute(
            select(Attachment.session_id).where(Attachment.session_id.in_(session_ids),
                                                Attachment.deleted.is_(False))
        ).scalars())
        problems = []
        for r in sessions:
            problem = _session_problem(present.get(r.id, 0), signed.get(r.id, 0),
                                       r.id in scanned, r.sealed)
            if problem:
                slot = labels.label(labels.SESSION_LABELS, r.label)
                when = fmt.date_short(r.date) + (f" {slot.lower()}" if slot else "")
                problems.append((r, f"{r.title} ({when}) : {problem}"))
        if problems:
            shown = " ; ".join(text for _r, text in problems[:3])
            more = f" ; et {fmt.plural(len(problems) - 3, 'autre')}" if len(problems) > 3 else ""
            out.append(ConventionAlert(
                "emargements_manquants", c.id, title,
                f"Feuilles d'émargement exigées : {fmt.plural(len(problems), 'créneau', 'créneaux')}"
                f" sur {len(sessions)} sans preuve complète — {shown}{more}.",
                problems[0][0].date,
                related_ids=tuple(dict.fromkeys(r.meeting_id for r, _t in problems)),
            ))
    if "compte_rendu" in required:
        missing = {}
        for r in sessions:
            if not (r.minutes or "").strip():
                missing.setdefault(r.meeting_id, r)
        if missing:
            names = ", ".join(r.title for r in list(missing.values())[:3])
            more = f" et {fmt.plural(len(missing) - 3, 'autre')}" if len(missing) > 3 else ""
            out.append(ConventionAlert(
                "comptes_rendus_manquants", c.id, title,
                f"Comptes rendus exigés : {fmt.plural(len(missing), 'réunion')} sans compte rendu "
                f"({names}{more}).",
                next(iter(missing.values())).date, related_ids=tuple(missing),
            ))
    return out


def alerts(ws: Workspace, today: dt.date | None = None) -> tuple[ConventionAlert, ...]:
    """What needs attention on the conventions, most urgent kinds first.

    - ``fin_proche``: a signed or running convention whose (consolidated) end is within
      60 days;
    - ``a_clore``: still « signée » or « en cours » after its end date;
    - ``non_signee``: sent for signature 30 days ago or more and still not signed;
    - ``echeance``: an unpaid installment due in 15 days or less, or overdue;
    - ``emargements_manquants`` / ``comptes_rendus_manquants``: the convention requires
      them and past meetings of its action within its period lack signatures (or a
      scanned sheet, or the countersignature) or minutes.
    """
    today = today or dt.date.today()
    out: list[ConventionAlert] = []
    with ws.unit() as s:
        conventions = s.execute(
            select(Convention).where(Convention.deleted.is_(False),
                                     Convention.status.in_(("envoyee", *SIGNED_STATUSES)))
            .order_by(Convention.number)
        ).scalars().all()
        parents = [c.id for c in conventions if c.kind != "avenant"]
        avenants = _signed_avenants(s, parents)
        by_id = {c.id: c for c in conventions}
        for c in conventions:
            title = f"{c.number} – {c.title}"
            if c.status == "envoyee":
                if c.sent_date and c.sent_date <= today - dt.timedelta(days=UNSIGNED_AFTER_DAYS):
                    days = (today - c.sent_date).days
                    out.append(ConventionAlert(
                        "non_signee", c.id, title,
                        f"Envoyée pour signature le {fmt.date_long(c.sent_date)} ({days} jours) "
                        "et toujours pas signée : relancez les signataires.", c.sent_date,
                    ))
                continue
            if c.kind == "avenant":
                continue
            cons = _consolidate(c, avenants.get(c.id, []))
            end = cons.end_date
            if c.status in ACTIVE_STATUSES and end is not None:
                if today <= end <= today + dt.timedelta(days=ENDING_SOON_DAYS):
                    days = (end - today).days
                    when = "aujourd'hui" if days == 0 else f"dans {fmt.plural(days, 'jour')}"
                    out.append(ConventionAlert(
                        "fin_proche", c.id, title,
                        f"Se termine le {fmt.date_long(end)} ({when}) : préparez le bilan final "
                        "ou un avenant de prolongation.", end,
                    ))
                elif end < today:
                    out.append(ConventionAlert(
                        "a_clore", c.id, title,
                        f"Terminée depuis le {fmt.date_long(end)} mais toujours « "
                        f"{status_label(c.status)} » : passez-la à « Échue ».", end,
                    ))
            if c.status in ACTIVE_STATUSES or c.status == "echue":
                out.extend(_evidence_alerts(s, c, cons.start_date, end, today, title))
        due = s.execute(
            select(Installment).where(
                Installment.convention_id.in_(list(by_id)),
                Installment.deleted.is_(False),
                Installment.paid_date.is_(None),
                Installment.due_date.is_not(None),
                Installment.due_date <= today + dt.timedelta(days=INSTALLMENT_NOTICE_DAYS),
            ).order_by(Installment.due_date)
        ).scalars().all()
        for i in due:
            c = by_id[i.convention_id]
            if c.status not in ("signee", "en_cours", "echue"):
                continue
            condition = f" ({i.condition})" if i.condition else ""
            if i.due_date < today:
                when = f"prévue le {fmt.date_long(i.due_date)}, en retard de {fmt.plural((today - i.due_date).days, 'jour')}"
            elif i.due_date == today:
                when = "prévue aujourd'hui"
            else:
                when = f"prévue le {fmt.date_long(i.due_date)}"
            out.append(ConventionAlert(
                "echeance", c.id, f"{c.number} – {c.title}",
                f"Échéance de {fmt.money(i.amount_cents)}{condition} {when} : pas encore versée.",
                i.due_date, related_ids=(i.id,),
            ))
    order = {"non_signee": 0, "echeance": 1, "a_clore": 2, "fin_proche": 3,
             "emargements_manquants": 4, "comptes_rendus_manquants": 5}
    out.sort(key=lambda a: (order[a.code], a.date or dt.date.max, a.title))
    # French spacing (non-breaking before « : ; ») in every sentence, whatever built it.
    return tuple(replace(a, message=fmt.typography(a.message)) for a in out)


__all__ = [
    "AppliedAvenant",
    "AttachmentView",
    "AvenantSummary",
    "Consolidated",
    "ConventionAlert",
    "ConventionFilter",
    "ConventionInput",
    "ConventionRow",
    "ConventionView",
    "EventView",
    "FilterChoices",
    "Funder",
    "InstallmentInput",
    "InstallmentView",
    "LIST_COLUMNS",
    "NumberingSettings",
    "PartyInput",
    "PartyView",
    "Saved",
    "StatusChange",
    "TRANSITIONS",
    "alerts",
    "attach_signed_copy",
    "avenant_draft",
    "change_status",
    "consolidated",
    "create_convention",
    "default_site_code",
    "delete_convention",
    "describe_changes",
    "filter_choices",
    "find_convention",
    "get_convention",
    "get_numbering",
    "legal_date",
    "list_conventions",
    "mark_installment_paid",
    "next_statuses",
    "party_defaults",
    "period_label",
    "preview_number",
    "set_numbering",
    "signed_copy_bytes",
    "update_convention",
    "validate_pattern",
]
