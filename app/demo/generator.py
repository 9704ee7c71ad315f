"""Deterministic demo data: a believable insertion network, small or very large.

``generate(ws, scale="small")`` fills an empty database with the realistic core described
in :mod:`app.demo.catalogue`: our federation and its antennas, about eighty partner
organisations of every kind, their contacts (with Mahoran, accented, hyphenated and
apostrophised names), six funded actions with their indicator targets, some fifty meetings
of every kind with sessions, participants, attendance and captured signatures, and ten
conventions across their whole lifecycle.

``scale="large"`` adds, after that core, a synthetic bulk sized for performance work
(20 000 organisations, 100 000 people, 20 000 meetings, 500 000 attendance records), written
with :func:`app.storage.stamping.bulk_insert` in chunks inside a single transaction, so a
cancelled generation leaves the database untouched.

Everything derives from ``seed``: same seed, same rows, same ids (ids are UUIDv5 derived
from the seed and a natural key, exactly as :func:`app.storage.ids.derived_id` computes
them), same dates. Nothing reads the clock or an unseeded random source; only the local sync
bookkeeping (stamps, clocks) differs from one run to another, as it must.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import re
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stdnum import luhn

from app.demo import catalogue as cat
from app.demo import names
from app.demo.signature import sha256_hex, signature_png
from app.domain.labels import CONVENTION_KINDS, ORGANISATION_KINDS
from app.domain.text import fold
from app.errors import MaillageError, ValidationError
from app.services.workspace import Workspace
from app.storage.ids import MAILLAGE_NAMESPACE
from app.storage.models import (
    Action,
    Affiliation,
    AgendaItem,
    Attendance,
    Blob,
    Convention,
    ConventionEvent,
    ConventionParty,
    ConventionTemplate,
    FollowUpItem,
    IndicatorTarget,
    Installment,
    Meeting,
    MeetingSession,
    Organisation,
    OrganisationKind,
    Participant,
    Person,
)
from app.storage.stamping import bulk_insert

Progress = Callable[[int, int, str], None]
Cancel = Callable[[], bool]

SCALES = ("small", "large")

LARGE_COUNTS: dict[str, int] = {
    "organisations": 20_000,
    "people": 100_000,
    "meetings": 20_000,
    "attendance": 500_000,
}
"""Totals of the large scale (the realistic core included)."""

CHUNK = 10_000
"""Rows per ``bulk_insert`` call."""

CORE_ROWS = 2_700
"""About how many rows the realistic core writes (for the progress bar)."""

REFERENCE_DATE = cat.REFERENCE_DATE
FIRST_DAY = dt.date(2025, 9, 1)
LAST_DAY = dt.date(2027, 6, 30)
SIGNATURE_CREATED = dt.datetime(2025, 9, 1, 8, 0)

CANCELLED_MESSAGE = "Génération annulée."


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`generate` wrote: rows per table (``blobs`` included) and the time taken."""

    counts: dict[str, int]
    elapsed: float
    scale: str = "small"
    seed: int = 2026

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# --- Ids ---------------------------------------------------------------------------------

_NS_BYTES = MAILLAGE_NAMESPACE.bytes
_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}


_PREFIXES: dict[str, Any] = {}


def fast_derived_id(kind: str, *parts: str) -> str:
    """Same value as :func:`app.storage.ids.derived_id`, several times faster.

    ``uuid.uuid5`` builds a ``UUID`` object and formats it; at a million rows that is
    seconds. This hashes from a cached SHA-1 state of the namespace and ``kind``, then sets
    the version and variant digits directly.
    """
    base = _PREFIXES.get(kind)
    if base is None:
        base = _PREFIXES[kind] = hashlib.sha1(_NS_BYTES + (kind + ":").encode())
    h = base.copy()
    h.update(":".join(parts).encode())
    d = h.hexdigest()
    return f"{d[:8]}-{d[8:12]}-5{d[13:16]}-{_VARIANT[d[16]]}{d[17:20]}-{d[20:32]}"


def fast_participant_id(meeting_id: str, person_id: str) -> str:
    """Same value as :func:`app.storage.ids.participant_id`."""
    return fast_derived_id("participant", meeting_id, person_id)


def fast_attendance_id(session_id: str, person_id: str) -> str:
    """Same value as :func:`app.storage.ids.attendance_id`."""
    return fast_derived_id("attendance", session_id, person_id)


# --- Small helpers ------------------------------------------------------------------------

_SLUG_CACHE: dict[str, str] = {}


def _slug(text: str, sep: str = "") -> str:
    """« N'Diaye » → « ndiaye », « Le Goff » → « legoff » (``sep`` replaces spaces)."""
    key = text + "\x00" + sep
    cached = _SLUG_CACHE.get(key)
    if cached is None:
        folded = fold(text).replace(" ", sep or "")
        cached = re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9.-]", "", folded)).strip("-.")
        _SLUG_CACHE[key] = cached
    return cached


def _gendered(pair: tuple[str, str], female: bool) -> str:
    return pair[1] if female else pair[0]


def _weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _at(day: dt.date, moment: dt.time, minutes: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, moment) + dt.timedelta(minutes=minutes)


def _add_minutes(moment: dt.time, minutes: int) -> dt.time:
    total = moment.hour * 60 + moment.minute + minutes
    return dt.time(total // 60 % 24, total % 60)


_FR_MOBILE_06 = tuple(f"{n:02d}" for n in range(100) if n != 39 and not 90 <= n <= 97)

SIAE_ESS_KINDS = frozenset(
    {"ai", "aci", "ei", "etti", "eiti", "geiq", "regie_quartier", "entreprise_adaptee",
     "association"}
)
COLLECTIVITE_KINDS = frozenset({"commune", "epci", "departement", "region"})
INSTITUTION_KINDS = frozenset(
    {"etat", "france_travail", "mission_locale", "cap_emploi", "plie", "maison_emploi", "gip",
     "federation", "cdr", "financeur"}
)
BUSINESS_KINDS = frozenset({"entreprise", "bailleur", "chambre"})


def _staff_profile(kind: str, rng: random.Random) -> tuple[str, tuple[tuple[str, str], ...]]:
    """(category, function pool) for a non-representative contact of a ``kind`` structure."""
    if kind in COLLECTIVITE_KINDS:
        if rng.random() < 0.4:
            return "elu", names.FUNCTIONS_ELU
        return "technicien", names.FUNCTIONS_TECHNICIEN
    if kind in SIAE_ESS_KINDS:
        return "professionnel_siae", names.FUNCTIONS_SIAE[1:5]
    if kind in INSTITUTION_KINDS:
        return "institutionnel", names.FUNCTIONS_INSTITUTIONNEL
    if kind in BUSINESS_KINDS:
        return "entreprise", names.FUNCTIONS_ENTREPRISE
    if kind == "organisme_formation":
        return "autre", names.FUNCTIONS_FORMATION
    return "autre", names.FUNCTIONS_INSTITUTIONNEL


def _rep_category(kind: str) -> str:
    if kind in cat.ELECTED_REP_KINDS:
        return "elu"
    if kind in SIAE_ESS_KINDS:
        return "professionnel_siae"
    if kind in BUSINESS_KINDS or kind in {"ei", "etti", "eiti"}:
        return "entreprise"
    if kind == "organisme_formation":
        return "autre"
    return "institutionnel"


# --- Progress and cancellation -------------------------------------------------------------


class _Tracker:
    """Reports progress in rows written against an estimate, and checks for cancellation."""

    def __init__(self, progress: Progress | None, cancel: Cancel | None, total: int) -> None:
        self.progress = progress
        self.cancel = cancel
        self.total = max(1, total)
        self.done = 0
        self.message = "Préparation…"

    def check(self) -> None:
        if self.cancel is not None and self.cancel():
            raise MaillageError(CANCELLED_MESSAGE, code="annule")

    def advance(self, rows: int, message: str | None = None) -> None:
        self.done += rows
        if message:
            self.message = message
        if self.progress is not None:
            self.progress(min(self.done, self.total - 1), self.total, self.message)

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total, "Données de démonstration prêtes.")


# --- The builder --------------------------------------------------------------------------


@dataclass
class _PersonRow:
    id: str
    name: str
    female: bool
    org_id: str | None
    category: str


@dataclass
class _Core:
    """What the bulk needs to know about the core once written."""

    organisations: int = 0
    people: int = 0
    meetings: int = 0
    attendance: int = 0
    our_org_id: str = ""


class _Builder:
    def __init__(self, session: Session, seed: int, tracker: _Tracker) -> None:
        self.s = session
        self.seed = seed
        self.rng = random.Random(seed)
        self.tracker = tracker
        self.counts: dict[str, int] = defaultdict(int)
        self.sirets: set[str] = set()
        self.phones: set[str] = set()
        self.emails: set[str] = set()
        self.blobs: dict[str, tuple[bytes, dt.datetime]] = {}
        # Filled by the core, read by the bulk.
        self.people: dict[str, _PersonRow] = {}
        self.org_rows: dict[str, dict] = {}
        self.org_people: dict[str, list[str]] = defaultdict(list)  # org key → person keys
        self.rep_keys: set[str] = set()  # legal representatives of partner structures
        self.pools: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))

    # ids and inserts ---------------------------------------------------------------------

    def id(self, kind: str, *parts: str) -> str:
        return fast_derived_id("demo-" + kind, str(self.seed), *parts)

    def insert(self, model: type, rows: list[dict[str, Any]], message: str | None = None) -> None:
        for start in range(0, len(rows), CHUNK):
            self.tracker.check()
            chunk = rows[start:start + CHUNK]
            # One executemany compiles its statement from the first row: a key missing there
            # would silently drop that value from every other row.
            width = len(chunk[0])
            if any(len(row) != width for row in chunk):
                raise AssertionError(f"lignes hétérogènes pour {model.__tablename__}")
            bulk_insert(self.s, model, chunk)
            self.counts[model.__tablename__] += len(chunk)
            self.tracker.advance(len(chunk), message)

    def add_blob(self, data: bytes, created_at: dt.datetime) -> str:
        digest = sha256_hex(data)
        self.blobs.setdefault(digest, (data, created_at))
        return digest

    def write_blobs(self) -> None:
        existing = set(self.s.execute(select(Blob.sha256)).scalars())
        for digest in sorted(self.blobs):
            if digest in existing:
                continue
            data, created_at = self.blobs[digest]
            self.s.add(Blob(sha256=digest, mime="image/png", size=len(data), data=data,
                            created_at=created_at))
            self.counts["blobs"] += 1
        self.s.flush()
        self.blobs.clear()

    # identifiers of real life ------------------------------------------------------------

    def siret(self) -> str:
        rng = self.rng
        while True:
            base = str(rng.randrange(10_000_000, 100_000_000))
            siren = base + luhn.calc_check_digit(base)
            if siren.startswith("356000000"):
                continue  # La Poste's numbers follow another rule
            body = siren + f"{rng.choice((1, 1, 1, 2, 2, 3, 4, 5, 8, 12, 15, 21)):04d}"
            number = body + luhn.calc_check_digit(body)
            if number not in self.sirets:
                self.sirets.add(number)
                return number

    def _unique_phone(self, make: Callable[[], str]) -> str:
        while True:
            number = make()
            if number not in self.phones:
                self.phones.add(number)
                return number

    def landline(self, prefix: str) -> str:
        rng = self.rng
        if prefix.startswith("+262"):
            return self._unique_phone(lambda: f"+2622696{rng.randrange(100_000):05d}")
        digits = 12 - len(prefix)
        return self._unique_phone(lambda: f"{prefix}{rng.randrange(10 ** digits):0{digits}d}")

    def mobile(self, mayotte: bool) -> str:
        rng = self.rng
        if mayotte:
            return self._unique_phone(
                lambda: f"+262639{rng.choice('67')}{rng.randrange(100_000):05d}")
        if rng.random() < 0.7:
            # 06 39 and 06 90–97 belong to the overseas departments, not to +33.
            return self._unique_phone(
                lambda: f"+336{rng.choice(_FR_MOBILE_06)}{rng.randrange(1_000_000):06d}")
        return self._unique_phone(
            lambda: f"+337{rng.randrange(3, 10)}{rng.randrange(10_000_000):07d}")

    def email(self, first: str, last: str, domain: str) -> str:
        local = f"{_slug(first)}.{_slug(last)}"
        address = f"{local}@{domain}"
        n = 2
        while address in self.emails:
            address = f"{local}{n}@{domain}"
            n += 1
        self.emails.add(address)
        return address

    def person_name(self, mayotte: bool, female: bool) -> tuple[str, str]:
        rng = self.rng
        if mayotte and rng.random() < 0.85:
            first = rng.choice(names.MAHORAN_FEMALE_FIRST_NAMES if female
                               else names.MAHORAN_MALE_FIRST_NAMES)
            return first, rng.choice(names.MAHORAN_LAST_NAMES)
        first = rng.choice(names.FEMALE_FIRST_NAMES if female else names.MALE_FIRST_NAMES)
        return first, rng.choice(names.LAST_NAMES)

    # --- the realistic core -----------------------------------------------------------

    def build_core(self) -> _Core:
        core = _Core()
        self.kinds()
        people, org_rows = self.core_partners(core)
        self.core_actions()
        self.core_meetings(people, core)
        self.core_conventions(people, org_rows)
        core.organisations = self.counts["organisations"]
        core.people = self.counts["people"]
        core.meetings = self.counts["meetings"]
        core.attendance = self.counts["attendance"]
        return core

    def kinds(self) -> None:
        present = set(self.s.execute(select(OrganisationKind.code)).scalars())
        rows = [
            dict(id=fast_derived_id("kind", code), code=code, label=label, family=family,
                 position=position)
            for position, (code, label, family) in enumerate(ORGANISATION_KINDS)
            if code not in present
        ]
        self.insert(OrganisationKind, rows, "Types de structures…")

    def core_partners(self, core: _Core) -> tuple[dict[str, _PersonRow], dict[str, dict]]:
        rng = self.rng
        specs = (cat.OUR_ORG, *cat.ORGANISATIONS)
        org_rows: dict[str, dict] = {}
        for spec in specs:
            org_rows[spec.key] = dict(
                id=self.id("org", spec.key), name=spec.name, acronym=spec.acronym,
                kind_code=spec.kind, siret=self.siret(), address=spec.address,
                postcode=spec.postcode, city=spec.city, territory=spec.territory,
                phone=self.landline(spec.phone_prefix), email=f"contact@{spec.domain}",
                website=f"https://www.{spec.domain}", legal_form=spec.legal_form,
                headcount=spec.headcount, tags=list(spec.tags), notes=spec.notes,
            )
        core.our_org_id = org_rows[cat.OUR_ORG.key]["id"]
        by_key = {spec.key: spec for spec in specs}

        people: dict[str, _PersonRow] = {}
        person_rows: list[dict] = []
        affiliations: list[dict] = []

        def add_person(key: str, org_key: str | None, civility: str, first: str, last: str,
                       category: str, function: str, since: dt.date, *,
                       beneficiary: bool = False, consent: tuple[dt.date, str] | None = None,
                       email_domain: str | None = None, primary: bool = True) -> str:
            person_id = self.id("person", key)
            spec = by_key.get(org_key) if org_key else None
            mayotte = bool(spec and spec.postcode.startswith("976"))
            female = civility == "Mme"
            if beneficiary:
                email = (self.email(first, last, "courriel-demo.fr")
                         if rng.random() < 0.3 else "")
                phone = ""
            else:
                domain = email_domain or (spec.domain if spec else "courriel-demo.fr")
                email = self.email(first, last, domain) if rng.random() < 0.95 else ""
                phone = (self.landline(spec.phone_prefix)
                         if spec and rng.random() < 0.6 else "")
            mobile = self.mobile(mayotte) if rng.random() < 0.65 else ""
            person_rows.append(dict(
                id=person_id, civility=civility, last_name=last, first_name=first,
                email=email, phone=phone, mobile=mobile, category=category,
                is_beneficiary=beneficiary,
                consent_date=consent[0] if consent else None,
                consent_source=consent[1] if consent else "",
            ))
            org_id = org_rows[org_key]["id"] if org_key else None
            people[key] = _PersonRow(person_id, f"{first} {last}", female, org_id, category)
            if org_key:
                affiliations.append(dict(
                    id=self.id("affiliation", key, org_key), person_id=person_id,
                    organisation_id=org_id, function=function, start_date=since,
                    end_date=None, is_primary=primary,
                ))
                self.org_people[org_key].append(key)
            return person_id

        # Key people first (our team, speakers), then the contacts of every structure.
        reps: dict[str, tuple[str, str]] = {}
        for p in cat.KEY_PEOPLE:
            add_person(p.key, p.org, p.civility, p.first_name, p.last_name, p.category,
                       p.function, p.since)
            if p.legal_rep:
                reps[p.org] = (f"{p.first_name} {p.last_name}", p.function)
                self.rep_keys.add(p.key)
        for spec in cat.ORGANISATIONS:
            mayotte = spec.postcode.startswith("976")
            count = spec.people + (0 if spec.key in reps else 1)
            for i in range(count):
                female = rng.random() < 0.55
                first, last = self.person_name(mayotte, female)
                civility = "Mme" if female else "M."
                since = dt.date(rng.randrange(2008, 2026), rng.randrange(1, 13), 1)
                if i == 0 and spec.key not in reps:
                    title = _gendered(cat.REP_TITLES.get(spec.kind, cat.DEFAULT_REP_TITLE),
                                      female)
                    category = _rep_category(spec.kind)
                    reps[spec.key] = (f"{first} {last}", title)
                    self.rep_keys.add(f"{spec.key}-{i}")
                    add_person(f"{spec.key}-{i}", spec.key, civility, first, last, category,
                               title, since)
                else:
                    category, pool = _staff_profile(spec.kind, rng)
                    add_person(f"{spec.key}-{i}", spec.key, civility, first, last, category,
                               _gendered(rng.choice(pool), female), since)
        for key, (rep_name, rep_title) in reps.items():
            org_rows[key]["legal_rep_name"] = rep_name
            org_rows[key]["legal_rep_title"] = rep_title

        # Publics accompagnés (beneficiaries) and grand public, by territory pool.
        public_specs = (
            ("yonne", ("plie_auxerre", "jardins_yonne", "chemins_puisaye"), 14,
             "PLIE du Grand Auxerre"),
            ("sambre", ("gip_resa", "regie_sous_le_bois", "jardins_avesnois"), 16,
             "GIP Réussir en Sambre Avesnois"),
            ("mayotte", ("ml_mayotte", "jardins_coconi"), 12, "Mission Locale de Mayotte"),
        )
        for pool, orgs, count, source in public_specs:
            for i in range(count):
                org_key = orgs[i % len(orgs)]
                mayotte = pool == "mayotte"
                female = rng.random() < 0.5
                first, last = self.person_name(mayotte, female)
                consent = (dt.date(2025, rng.randrange(6, 13), rng.randrange(1, 29)),
                           f"Formulaire de recueil du consentement signé ({source})")
                function = _gendered(
                    names.FUNCTIONS_PUBLIC[0 if org_key in {"plie_auxerre", "gip_resa"}
                                           else 2 if org_key == "ml_mayotte" else 1], female)
                key = f"public-{pool}-{i}"
                add_person(key, org_key, "Mme" if female else "M.", first, last, "public",
                           function, consent[0], beneficiary=True, consent=consent)
                self.pools[pool]["public"].append(key)
        for pool, count in (("yonne", 10), ("sambre", 12), ("mayotte", 6)):
            for i in range(count):
                female = rng.random() < 0.5
                first, last = self.person_name(pool == "mayotte", female)
                key = f"grand-public-{pool}-{i}"
                add_person(key, None, "Mme" if female else "M.", first, last, "grand_public",
                           "", FIRST_DAY, email_domain="courriel-demo.fr")
                self.pools[pool]["grand_public"].append(key)

        # A second current function for some, a former one (ended) for others.
        our_team = {p.key for p in cat.KEY_PEOPLE if p.org == cat.OUR_ORG.key}
        professionals = [k for k, p in people.items()
                         if p.org_id and p.category not in {"public", "grand_public"}
                         and k not in our_team]
        org_keys = [spec.key for spec in cat.ORGANISATIONS]
        org_key_of_id = {row["id"]: key for key, row in org_rows.items()}
        for key in professionals:
            person = people[key]
            current = org_key_of_id[person.org_id]
            draw = rng.random()
            if draw < 0.12:
                other = rng.choice([k for k in org_keys if k != current
                                    and by_key[k].kind in SIAE_ESS_KINDS | {"federation"}])
                affiliations.append(dict(
                    id=self.id("affiliation", key, other), person_id=person.id,
                    organisation_id=org_rows[other]["id"],
                    function=_gendered(("Administrateur", "Administratrice"), person.female),
                    start_date=dt.date(rng.randrange(2018, 2026), rng.randrange(1, 13), 1),
                    end_date=None, is_primary=False,
                ))
            elif draw < 0.24:
                other = rng.choice([k for k in org_keys if k != current])
                start = dt.date(rng.randrange(2010, 2018), rng.randrange(1, 13), 1)
                _category, pool = _staff_profile(by_key[other].kind, rng)
                affiliations.append(dict(
                    id=self.id("affiliation", key, other), person_id=person.id,
                    organisation_id=org_rows[other]["id"],
                    function=_gendered(rng.choice(pool), person.female), start_date=start,
                    end_date=dt.date(rng.randrange(2019, 2025), rng.randrange(1, 13), 28),
                    is_primary=False,
                ))

        self.insert(Organisation, list(org_rows.values()), "Structures…")
        self.insert(Person, person_rows, "Contacts…")
        self.insert(Affiliation, affiliations, "Fonctions des contacts…")
        self.people = people
        self.org_rows = org_rows
        return people, org_rows

    def core_actions(self) -> None:
        actions, targets = [], []
        for spec in cat.ACTIONS:
            action_id = self.id("action", spec.key)
            actions.append(dict(
                id=action_id, code=spec.code, title=spec.title, funder=spec.funder,
                fse_rate=spec.fse_rate, start_date=spec.start, end_date=spec.end,
                description=spec.description,
                retention_end=dt.date(spec.end.year + 5, 12, 31),
            ))
            for position, target in enumerate(spec.targets):
                targets.append(dict(
                    id=self.id("target", spec.key, str(position)), action_id=action_id,
                    label=target.label, target=float(target.target), unit=target.unit,
                    rule=dict(target.rule), position=position,
                ))
        self.insert(Action, actions, "Actions et indicateurs…")
        self.insert(IndicatorTarget, targets)

    def _invitation(self, status: str, past: bool) -> str:
        r = self.rng.random()
        if past and status == "tenue":
            return "inscrit" if r < 0.85 else "excuse" if r < 0.95 else "invite"
        if past:
            return "invite" if r < 0.6 else "inscrit" if r < 0.9 else "excuse"
        return ("invite" if r < 0.45 else "inscrit" if r < 0.9 else "excuse" if r < 0.95
                else "desinscrit")

    def core_meetings(self, people: dict[str, _PersonRow], core: _Core) -> None:
        rng = self.rng
        organiser_pool = {"mcm": "yonne", "jlf": "yonne", "jbd": "yonne", "directrice": "yonne",
                          "hnd": "sambre", "zso": "mayotte"}
        meetings, agenda, sessions, participants, attendance, follow_ups = [], [], [], [], [], []
        for spec in cat.MEETINGS:
            meeting_id = self.id("meeting", spec.key)
            organiser = people[spec.organiser]
            # Sessions: every slot of every day.
            meeting_sessions = []
            day = spec.date
            for d in range(spec.days):
                if d:
                    day = _weekday_on_or_after(day + dt.timedelta(days=1))
                for index, (start, end, label) in enumerate(spec.slots):
                    session_id = self.id("session", spec.key, str(d), str(index))
                    meeting_sessions.append((session_id, day, start, end, label))
            past = meeting_sessions[-1][1] < REFERENCE_DATE
            # Participants: organiser, speakers, one or two people per invited structure,
            # publics and grand public from the organiser's territory.
            invited: list[tuple[str, str]] = [(spec.organiser, "organisateur")]
            invited += [(key, "intervenant") for key in spec.speakers]
            for org_key in spec.orgs:
                staff = [k for k in self.org_people[org_key]
                         if people[k].category not in {"public", "grand_public"}
                         and k not in spec.speakers]
                if spec.kind in _WORKING_KINDS and len(staff) > 1:
                    # Presidents and mayors send their staff to working sessions.
                    staff = [k for k in staff if k not in self.rep_keys] or staff
                if not staff:
                    continue
                n = 2 if rng.random() < spec.pairs and len(staff) > 1 else 1
                invited += [(k, "participant") for k in rng.sample(staff, n)]
            pool = self.pools[organiser_pool[spec.organiser]]
            if spec.publics:
                invited += [(k, "participant")
                            for k in rng.sample(pool["public"], min(spec.publics,
                                                                    len(pool["public"])))]
            if spec.grand_public:
                invited += [(k, "participant")
                            for k in rng.sample(pool["grand_public"],
                                                min(spec.grand_public,
                                                    len(pool["grand_public"])))]
            seen: set[str] = set()
            roster: list[tuple[str, str, str]] = []  # (person key, role, invitation)
            for key, role in invited:
                if key in seen:
                    continue
                seen.add(key)
                status = "inscrit" if role != "participant" else self._invitation(spec.status,
                                                                                 past)
                roster.append((key, role, status))
                person = people[key]
                participants.append(dict(
                    id=fast_participant_id(meeting_id, person.id), meeting_id=meeting_id,
                    person_id=person.id, organisation_id=person.org_id, role=role,
                    invitation_status=status,
                ))
            # Attendance of held meetings, per session.
            present_names: list[str] = []
            excused_names: list[str] = []
            for session_id, day, start, end, label in meeting_sessions:
                sealed = spec.status == "tenue" and spec.mode == "tablette"
                countersign = None
                if spec.status == "tenue":
                    for key, role, invitation in roster:
                        person = people[key]
                        if role != "participant":
                            status = "present"
                        elif invitation == "excuse":
                            status = "excuse"
                        elif invitation == "invite":
                            status = "absent"
                        else:
                            r = rng.random()
                            status = "present" if r < 0.88 else "retard" if r < 0.94 else "absent"
                        arrival = signature = signed_at = None
                        if status == "retard":
                            arrival = _add_minutes(start, rng.randrange(15, 45))
                        if status in {"present", "retard"} and spec.mode == "tablette":
                            signed_at = (_at(day, arrival) if arrival
                                         else _at(day, start, rng.randrange(-12, 6)))
                            signature = self.add_blob(signature_png(rng.getrandbits(32)),
                                                      signed_at)
                            if role == "organisateur":
                                countersign = signature
                        attendance.append(dict(
                            id=fast_attendance_id(session_id, person.id),
                            session_id=session_id, person_id=person.id, status=status,
                            arrival=arrival, departure=None, signature_sha256=signature,
                            signed_at=signed_at, mode=spec.mode,
                        ))
                        if session_id == meeting_sessions[0][0]:
                            label_name = f"{person.name}"
                            if status in {"present", "retard"}:
                                present_names.append(label_name)
                            elif status == "excuse":
                                excused_names.append(label_name)
                sessions.append(dict(
                    id=session_id, meeting_id=meeting_id, date=day, start_time=start,
                    end_time=end, label=label, sealed=sealed,
                    sealed_at=_at(day, end, 10) if sealed else None,
                    sealed_by=organiser.name if sealed else "",
                    countersign_sha256=countersign if sealed else None,
                ))
            minutes = ""
            minutes_date = None
            if spec.status == "tenue" and (spec.minutes or spec.decisions):
                minutes = (f"Présents : {' ; '.join(present_names)}.\n"
                           f"Excusés : {' ; '.join(excused_names) or 'aucun'}.\n\n"
                           f"{spec.minutes}").strip()
                minutes_date = meeting_sessions[-1][1] + dt.timedelta(days=4)
            meetings.append(dict(
                id=meeting_id, kind=spec.kind, title=spec.title, series=spec.series,
                number=spec.number,
                action_id=self.id("action", spec.action) if spec.action else None,
                organiser_id=organiser.id, organiser_org_id=core.our_org_id,
                place_name=spec.place_name, place_address=spec.place_address,
                capacity=spec.capacity, objectives=spec.objectives, status=spec.status,
                minutes=minutes, decisions=spec.decisions if spec.status == "tenue" else "",
                minutes_author=organiser.name if minutes else "", minutes_date=minutes_date,
            ))
            items = spec.agenda or _DEFAULT_AGENDA.get(spec.kind, ("Tour de table",))
            for position, text in enumerate(items):
                presenter = organiser.name
                if spec.speakers and position % 2 == 1:
                    presenter = people[spec.speakers[position // 2 % len(spec.speakers)]].name
                agenda.append(dict(id=self.id("agenda", spec.key, str(position)),
                                   meeting_id=meeting_id, position=position, text=text,
                                   presenter=presenter))
            for index, (text, owner_key, days) in enumerate(spec.follow_ups):
                due = meeting_sessions[-1][1] + dt.timedelta(days=days)
                owner = people[owner_key]
                follow_ups.append(dict(
                    id=self.id("follow-up", spec.key, str(index)), meeting_id=meeting_id,
                    text=text, owner_id=owner.id, owner_label=owner.name, due_date=due,
                    done=due < REFERENCE_DATE - dt.timedelta(days=10),
                ))
        self.insert(Meeting, meetings, "Réunions…")
        self.insert(AgendaItem, agenda)
        self.insert(FollowUpItem, follow_ups)
        self.write_blobs()
        self.insert(MeetingSession, sessions, "Séances…")
        self.insert(Participant, participants, "Participants…")
        self.insert(Attendance, attendance, "Émargements…")

    def core_conventions(self, people: dict[str, _PersonRow], org_rows: dict[str, dict]) -> None:
        conventions, parties, installments, events = [], [], [], []
        president = people["presidente"]
        templates = self._shipped_templates()
        for spec in cat.CONVENTIONS:
            convention_id = self.id("convention", spec.key)
            dates = {status: day for status, day, _note in spec.events}
            ended = dates.get("resiliee") or dates.get("echue")
            conventions.append(dict(
                id=convention_id, number=spec.number, kind=spec.kind, title=spec.title,
                action_id=self.id("action", spec.action) if spec.action else None,
                template_id=templates.get(spec.kind),
                parent_id=self.id("convention", spec.parent) if spec.parent else None,
                object=spec.object, start_date=spec.start, end_date=spec.end,
                amount_cents=spec.amount_cents, fse_rate=spec.fse_rate,
                other_funders=[dict(f) for f in spec.other_funders],
                required_evidence=list(spec.evidence), status=spec.status,
                sent_date=dates.get("envoyee"), signed_date=dates.get("signee"),
                ended_date=ended, termination_reason=spec.termination_reason,
                signed_place=spec.signed_place if "signee" in dates else "",
                copies=spec.copies,
            ))
            parties.append(dict(
                id=self.id("party", spec.key, "0"), convention_id=convention_id,
                organisation_id=org_rows[cat.OUR_ORG.key]["id"], role="porteur",
                representative_name=president.name, representative_title="Présidente",
                position=0,
            ))
            for position, org_key in enumerate(spec.partners, start=1):
                org = org_rows[org_key]
                parties.append(dict(
                    id=self.id("party", spec.key, str(position)), convention_id=convention_id,
                    organisation_id=org["id"], role="partenaire",
                    representative_name=org.get("legal_rep_name", ""),
                    representative_title=org.get("legal_rep_title", ""), position=position,
                ))
            if spec.amount_cents:
                remaining = spec.amount_cents
                for position, (share, due, condition, paid) in enumerate(spec.installments):
                    last = position == len(spec.installments) - 1
                    amount = remaining if last else round(spec.amount_cents * share)
                    remaining -= amount
                    installments.append(dict(
                        id=self.id("installment", spec.key, str(position)),
                        convention_id=convention_id, due_date=due, amount_cents=amount,
                        condition=condition, paid_date=paid, position=position,
                    ))
            for index, (status, day, note) in enumerate(spec.events):
                events.append(dict(
                    id=self.id("convention-event", spec.key, str(index)),
                    convention_id=convention_id, status=status, date=day, note=note,
                ))
        self.insert(Convention, conventions, "Conventions…")
        self.insert(ConventionParty, parties)
        self.insert(Installment, installments)
        self.insert(ConventionEvent, events)

    def _shipped_templates(self) -> dict[str, str]:
        """Convention kind → id of the shipped template for it, when this database has it."""
        from app.services.templates import default_template_code, template_id_for_code

        present = set(self.s.execute(
            select(ConventionTemplate.id).where(ConventionTemplate.deleted.is_(False))
        ).scalars())
        out = {}
        for kind in CONVENTION_KINDS:
            code = default_template_code(kind)
            if code and template_id_for_code(code) in present:
                out[kind] = template_id_for_code(code)
        return out

    # --- the large bulk ---------------------------------------------------------------

    def build_bulk(self, core: _Core, target: Mapping[str, int]) -> None:
        bulk = _Bulk(self, core, target)
        bulk.organisations_and_people()
        bulk.extra_affiliations()
        bulk.meetings()


_WORKING_KINDS = frozenset(
    {"formation", "atelier", "reunion_technique", "groupe_travail", "cotech", "commission",
     "visite", "info_collective"}
)

_DEFAULT_AGENDA: dict[str, tuple[str, ...]] = {
    "copil": cat.COPIL_AGENDA,
    "cotech": ("Point d'avancement technique", "Difficultés rencontrées", "Prochaines étapes"),
    "groupe_travail": ("Rappel de la réunion précédente", "Travaux du groupe", "Suites à donner"),
    "reunion_technique": ("Tour de table", "Points techniques", "Calendrier"),
    "reunion_elargie": ("Présentation du projet", "Échanges", "Suites"),
    "formation": ("Accueil et objectifs", "Apports théoriques", "Mises en situation", "Évaluation"),
    "atelier": ("Présentation de l'atelier", "Travail en sous-groupes", "Restitution"),
    "info_collective": ("Présentation de la structure", "Les postes proposés",
                        "Entretiens individuels"),
    "forum": ("Accueil", "Stands et rencontres", "Table ronde"),
    "commission": ("Examen des dossiers", "Décisions"),
    "assemblee_generale": ("Rapport moral", "Rapport d'activité", "Rapport financier",
                           "Élection du conseil d'administration"),
    "visite": ("Visite des locaux", "Entretien avec l'équipe", "Préconisations"),
}


# --- Bulk generation ----------------------------------------------------------------------

# Kinds drawn for synthetic structures, with weights.
_BULK_KINDS: tuple[tuple[str, int], ...] = (
    ("association", 20), ("aci", 10), ("ai", 8), ("ei", 5), ("etti", 3), ("eiti", 1),
    ("geiq", 1), ("regie_quartier", 2), ("entreprise_adaptee", 2), ("commune", 4),
    ("epci", 2), ("etat", 1), ("france_travail", 2), ("mission_locale", 2), ("cap_emploi", 1),
    ("plie", 1), ("maison_emploi", 1), ("federation", 2), ("cdr", 1),
    ("organisme_formation", 5), ("financeur", 1), ("entreprise", 14), ("bailleur", 1),
    ("chambre", 1), ("gip", 1),
)
# (Communes are few on purpose: there is one per town, and towns are counted.)

# Meeting kinds drawn for synthetic meetings, with weights; series kinds come in clusters.
_BULK_MEETING_KINDS: tuple[tuple[str, int], ...] = (
    ("copil", 11), ("cotech", 6), ("groupe_travail", 10), ("reunion_technique", 8),
    ("reunion_elargie", 4), ("formation", 26), ("atelier", 8), ("info_collective", 7),
    ("forum", 6), ("commission", 7), ("assemblee_generale", 4), ("visite", 3),
)
_SERIES_PREFIX = {"copil": "CP", "cotech": "CT", "groupe_travail": "GT", "commission": "CI"}
_SERIES_TITLE = {
    "copil": "Comité de pilotage n° {n} – {project}",
    "cotech": "Comité technique n° {n} – {project}",
    "groupe_travail": "{series} – réunion {n}",
    "commission": "Commission d'insertion – {project} – séance {n}",
}
_SINGLE_TITLE = {
    "reunion_technique": "Réunion technique – {project}",
    "reunion_elargie": "Réunion élargie des partenaires – {city}",
    "formation": "Formation – {topic}",
    "atelier": "Atelier – {topic}",
    "info_collective": "Information collective – recrutement {org}",
    "forum": "Forum de l'emploi et de l'ESS – {city}",
    "assemblee_generale": "Assemblée générale {year} – {org}",
    "visite": "Visite d'appui sur site – {org}",
}
_TOPICS = (
    "clauses d'insertion dans les marchés publics", "accueil des publics éloignés de l'emploi",
    "gestion prévisionnelle des emplois et des compétences", "encadrement technique",
    "tenue des feuilles d'émargement", "obligations de publicité FSE+", "sécurité sur chantier",
    "entretien professionnel", "accompagnement socioprofessionnel", "mobilité solidaire",
    "économie circulaire et réemploi", "médiation active vers l'emploi",
)

_SYNTH_PARTS = (
    "Saint-Martin", "Saint-Germain", "Saint-Aubin", "Sainte-Colombe", "Saint-Pierre",
    "Saint-Julien", "Villeneuve", "Villiers", "Fontaine", "Montigny", "Neuvy", "Beaulieu",
    "Vaux", "Bois", "Mont", "Val", "Châtel", "Fleury", "Lucy", "Merry", "Charmoy", "Bussy",
    "Lavau", "Rogny", "Courcelles", "Marigny", "Longueville", "Vernoy", "Chéu", "Ligny",
    "Sainte-Magnance", "Saint-Cyr", "Saint-Loup", "Saint-Maurice", "Saint-Denis", "Sainte-Pallaye",
    "Champigny", "Dracy", "Étais", "Grandchamp", "Lainsecq", "Moutiers", "Sougères",
    "Thury", "Villemer", "Arcy", "Blannay", "Cravant", "Épineuil", "Annay",
)
_SYNTH_SUFFIXES = {
    "89": ("-sur-Yonne", "-sur-Cure", "-sur-Serein", "-sur-Armançon", "-en-Puisaye",
           "-le-Château", "-les-Bois", "-la-Forêt", "-sur-Ouanne", "-en-Forterre"),
    "59": ("-sur-Sambre", "-sur-Helpe", "-en-Avesnois", "-lez-Maubeuge", "-le-Grand",
           "-au-Bois", "-en-Hainaut", "-sur-Escaut"),
    "13": ("-de-Provence", "-sur-Huveaune", "-les-Pins", "-la-Colline"),
    "21": ("-sur-Ouche", "-en-Auxois", "-le-Duc", "-sous-Vergy"),
    "58": ("-sur-Loire", "-en-Morvan", "-les-Vignes"),
    "71": ("-sur-Saône", "-en-Bresse", "-le-Royal"),
}
_SYNTH_DEPARTMENTS = (
    # (department, territories, phone prefix, weight)
    ("89", ("Auxerrois", "Puisaye-Forterre", "Sénonais", "Jovinien", "Avallonnais",
            "Tonnerrois"), "+33386", 30),
    ("59", ("Sambre-Avesnois", "Valenciennois", "Cambrésis", "Métropole lilloise"),
     "+33327", 30),
    ("13", ("Marseille", "Pays d'Aubagne", "Pays d'Aix"), "+33442", 10),
    ("21", ("Dijonnais", "Auxois"), "+33380", 6),
    ("58", ("Nivernais", "Morvan"), "+33386", 6),
    ("71", ("Chalonnais", "Bresse"), "+33385", 6),
)
_MAYOTTE_VILLAGES = (
    ("97600", "Kawéni"), ("97600", "Passamaïnty"), ("97600", "Tsoundzou"), ("97600", "Cavani"),
    ("97600", "M'Tsapéré"), ("97600", "Vahibé"), ("97690", "Majicavo"), ("97690", "Longoni"),
    ("97680", "Combani"), ("97680", "Mroalé"), ("97630", "Hamjago"), ("97630", "Mtsahara"),
    ("97650", "Dzoumogné"), ("97650", "Bouyouni"), ("97620", "Mliha"), ("97620", "Tsimkoura"),
    ("97660", "Tsararano"), ("97660", "Iloni"), ("97660", "Hajangoua"), ("97660", "Ongojou"),
    ("97625", "Mbouini"), ("97625", "Kani-Bé"), ("97615", "Labattoir"), ("97670", "Coconi"),
    ("97670", "Barakani"), ("97640", "Mangajou"), ("97620", "Mramadoudou"), ("97680", "Miréréni"),
)


class _Bulk:
    """Synthetic structures, people and meetings appended to the core (large scale)."""

    def __init__(self, builder: _Builder, core: _Core, target: Mapping[str, int]) -> None:
        self.b = builder
        self.rng = builder.rng
        self.core = core
        self.n_orgs = max(0, target["organisations"] - core.organisations)
        self.n_people = max(0, target["people"] - core.people)
        self.n_meetings = max(0, target["meetings"] - core.meetings)
        self.n_attendance = max(0, target["attendance"] - core.attendance)
        self.places = self._places()
        # Filled as structures and people are generated.
        self.org_ids: list[str] = []
        self.org_names: list[str] = []
        self.org_place: list[int] = []
        self.org_first_person: list[int] = []
        self.org_by_territory: dict[str, list[int]] = defaultdict(list)
        self.person_ids: list[str] = []
        self.person_org: list[int] = []
        self.person_female: bytearray = bytearray()
        self.people_by_territory: dict[str, list[int]] = defaultdict(list)

    # places ------------------------------------------------------------------------------

    def _places(self) -> list[tuple[str, str, str, str]]:
        """Real communes plus invented ones: (postcode, city, territory, phone prefix)."""
        rng = self.rng
        places = list(names.COMMUNES)
        seen = {(p[0], p[1]) for p in places}
        for dep, territories, prefix, weight in _SYNTH_DEPARTMENTS:
            suffixes = _SYNTH_SUFFIXES[dep]
            for part in _SYNTH_PARTS:
                for suffix in rng.sample(suffixes, max(2, weight * len(suffixes) // 30)):
                    city = part + suffix
                    postcode = f"{dep}{rng.randrange(10, 100) * 10:03d}"
                    if (postcode, city) not in seen:
                        seen.add((postcode, city))
                        places.append((postcode, city, rng.choice(territories), prefix))
        for postcode, village in _MAYOTTE_VILLAGES:
            places.append((postcode, village, "Mayotte", "+262269"))
        return places

    # structures and their people -----------------------------------------------------------

    def organisations_and_people(self) -> None:
        b, rng = self.b, self.rng
        if not self.n_orgs:
            return
        kinds = [k for k, _w in _BULK_KINDS]
        kind_weights = list(_accumulate(w for _k, w in _BULK_KINDS))
        kind_of = rng.choices(kinds, cum_weights=kind_weights, k=self.n_orgs)
        place_of = [rng.randrange(len(self.places)) for _ in range(self.n_orgs)]
        # People per structure: at least the representative when possible, the rest spread
        # with a skew so that some structures are large.
        per_org = [0] * self.n_orgs
        for i in range(min(self.n_people, self.n_orgs)):
            per_org[i] = 1
        extra = self.n_people - min(self.n_people, self.n_orgs)
        if extra > 0:
            sizes = [rng.lognormvariate(0, 0.9) for _ in range(self.n_orgs)]
            for i in rng.choices(range(self.n_orgs), cum_weights=list(_accumulate(sizes)),
                                 k=extra):
                per_org[i] += 1
        used_names: set[str] = {row["name"] for row in b.org_rows.values()}
        used_domains: set[str] = {row["email"].split("@")[1] for row in b.org_rows.values()}
        orgs: list[dict] = []
        people: list[dict] = []
        affiliations: list[dict] = []
        person_index = 0
        for i in range(self.n_orgs):
            kind = kind_of[i]
            name, place_of[i], kind = self._org_name(kind, place_of[i], used_names)
            postcode, city, territory, prefix = self.places[place_of[i]]
            mayotte = postcode.startswith("976")
            org_id = b.id("org", "bulk", str(i))
            domain = _domain(name) + (".yt" if mayotte else ".fr")
            if domain in used_domains:
                domain = f"{_domain(name)}{i}{domain[-3:]}"
            used_domains.add(domain)
            street = rng.choice(names.MAYOTTE_STREETS if mayotte else names.STREETS)
            address = street if mayotte else f"{rng.randrange(1, 80)} {street}"
            tags = rng.sample(_BULK_TAGS, rng.choice((0, 0, 1, 1, 2)))
            org = dict(
                id=org_id, name=name, acronym="", kind_code=kind, siret=b.siret(),
                address=address, postcode=postcode, city=city, territory=territory,
                phone=b.landline(prefix), email=f"contact@{domain}",
                website=f"https://www.{domain}" if rng.random() < 0.4 else "",
                legal_form=_LEGAL_FORMS.get(kind, "Association loi 1901"),
                headcount=rng.randrange(1, 120) if rng.random() < 0.7 else None, tags=tags,
                legal_rep_name="", legal_rep_title="",
            )
            self.org_ids.append(org_id)
            self.org_names.append(name)
            self.org_place.append(place_of[i])
            self.org_by_territory[territory].append(i)
            self.org_first_person.append(person_index if per_org[i] else -1)
            for j in range(per_org[i]):
                female = rng.random() < 0.55
                first, last = b.person_name(mayotte, female)
                if j == 0:
                    category = _rep_category(kind)
                    function = _gendered(cat.REP_TITLES.get(kind, cat.DEFAULT_REP_TITLE), female)
                    org["legal_rep_name"] = f"{first} {last}"
                    org["legal_rep_title"] = function
                else:
                    category, pool = _staff_profile(kind, rng)
                    function = _gendered(rng.choice(pool), female)
                person_id = b.id("person", "bulk", str(person_index))
                people.append(dict(
                    id=person_id, civility="Mme" if female else "M.", last_name=last,
                    first_name=first,
                    email=b.email(first, last, domain) if rng.random() < 0.9 else "",
                    phone="", mobile=b.mobile(mayotte) if rng.random() < 0.5 else "",
                    category=category,
                ))
                affiliations.append(dict(
                    id=b.id("affiliation", "bulk", str(person_index), "0"),
                    person_id=person_id, organisation_id=org_id, function=function,
                    start_date=dt.date(rng.randrange(2005, 2026), rng.randrange(1, 13), 1),
                    is_primary=True,
                ))
                self.person_ids.append(person_id)
                self.person_org.append(i)
                self.person_female.append(1 if female else 0)
                self.people_by_territory[territory].append(person_index)
                person_index += 1
            orgs.append(org)
            if len(orgs) >= CHUNK // 2 or i == self.n_orgs - 1:
                b.insert(Organisation, orgs, "Structures (grand volume)…")
                b.insert(Person, people, "Contacts (grand volume)…")
                b.insert(Affiliation, affiliations)
                orgs, people, affiliations = [], [], []

    def _org_name(self, kind: str, place: int, used: set[str]) -> tuple[str, int, str]:
        """A name not used yet, the place it names and the kind (a one-per-town structure
        — « Commune de … » — moves to another town when its name is taken, and becomes an
        association when every town has one)."""
        rng = self.rng
        for attempt in range(40):
            if attempt == 30:
                kind = "association"
            elif attempt and attempt % 3 == 0:
                place = rng.randrange(len(self.places))
            _postcode, city, territory, _prefix = self.places[place]
            patterns = _NAME_PATTERNS.get(kind, _NAME_PATTERNS["association"])
            name = rng.choice(patterns).format(
                city=city, territory=territory, word=rng.choice(names.ASSOCIATION_WORDS),
                activity=rng.choice(names.ACTIVITY_WORDS))
            if name not in used:
                used.add(name)
                return name, place, kind
        n = 2
        while f"{name} ({n})" in used:
            n += 1
        used.add(f"{name} ({n})")
        return f"{name} ({n})", place, kind

    def extra_affiliations(self) -> None:
        """A second current function for 6 % of people, a former one for 5 %."""
        b, rng = self.b, self.rng
        if not self.person_ids or len(self.org_ids) < 2:
            return
        rows: list[dict] = []
        for p in range(len(self.person_ids)):
            draw = rng.random()
            if draw >= 0.11:
                continue
            own = self.person_org[p]
            territory = self.places[self.org_place[own]][2]
            pool = self.org_by_territory[territory]
            other = rng.choice(pool) if len(pool) > 1 else rng.randrange(len(self.org_ids))
            if other == own:
                continue
            female = bool(self.person_female[p])
            if draw < 0.06:
                rows.append(dict(
                    id=b.id("affiliation", "bulk", str(p), "1"), person_id=self.person_ids[p],
                    organisation_id=self.org_ids[other],
                    function=_gendered(("Administrateur", "Administratrice"), female),
                    start_date=dt.date(rng.randrange(2015, 2026), rng.randrange(1, 13), 1),
                    end_date=None, is_primary=False,
                ))
            else:
                start = dt.date(rng.randrange(2008, 2018), rng.randrange(1, 13), 1)
                rows.append(dict(
                    id=b.id("affiliation", "bulk", str(p), "2"), person_id=self.person_ids[p],
                    organisation_id=self.org_ids[other],
                    function=_gendered(rng.choice(names.FUNCTIONS_SIAE), female),
                    start_date=start,
                    end_date=dt.date(rng.randrange(2019, 2025), rng.randrange(1, 13), 28),
                    is_primary=False,
                ))
            if len(rows) >= CHUNK:
                b.insert(Affiliation, rows, "Fonctions (grand volume)…")
                rows = []
        b.insert(Affiliation, rows, "Fonctions (grand volume)…")

    # meetings --------------------------------------------------------------------------

    def _plan_meetings(self) -> list[tuple]:
        """Every synthetic meeting with its sessions, without participants yet.

        Returns tuples (kind, title, series, number, org index, status, sessions) where
        sessions is a list of (date, start, end, label).
        """
        rng = self.rng
        kinds = [k for k, _w in _BULK_MEETING_KINDS]
        weights = list(_accumulate(w for _k, w in _BULK_MEETING_KINDS))
        span = (LAST_DAY - FIRST_DAY).days
        plan: list[tuple] = []
        cluster = 0
        orgs = len(self.org_ids)
        while len(plan) < self.n_meetings:
            kind = rng.choices(kinds, cum_weights=weights)[0]
            org = rng.randrange(orgs) if orgs else -1
            city = self.places[self.org_place[org]][1] if org >= 0 else "Auxerre"
            org_name = self.org_names[org] if org >= 0 else cat.OUR_ORG.name
            project = f"{rng.choice(names.PROJECT_WORDS)} de {city}"
            day = _weekday_on_or_after(FIRST_DAY + dt.timedelta(days=rng.randrange(span)))
            if kind in _SERIES_PREFIX:
                cluster += 1
                series = f"{_SERIES_PREFIX[kind]}-{cluster}"
                if kind == "groupe_travail":
                    series = f"GT{cluster}"
                size = min(rng.randrange(2, 7), self.n_meetings - len(plan))
                for n in range(1, size + 1):
                    if day > LAST_DAY:
                        break
                    title = _SERIES_TITLE[kind].format(n=n, project=project, series=series)
                    plan.append((kind, title, series, n, org, self._sessions(kind, day)))
                    day = _weekday_on_or_after(day + dt.timedelta(days=rng.randrange(28, 91)))
            else:
                title = _SINGLE_TITLE[kind].format(
                    project=project, city=city, topic=rng.choice(_TOPICS), org=org_name,
                    year=day.year)
                plan.append((kind, title, "", None, org, self._sessions(kind, day)))
        return plan

    def _sessions(self, kind: str, day: dt.date) -> list[tuple]:
        rng = self.rng
        r = rng.random()
        if kind == "formation":
            days = 1 if r < 0.10 else 2 if r < 0.55 else 3 if r < 0.90 else 4
            out = []
            for _ in range(days):
                out += [(day, *cat.MORNING), (day, *cat.AFTERNOON)]
                day = _weekday_on_or_after(day + dt.timedelta(days=1))
            return out
        if kind in {"forum", "assemblee_generale"} and r < 0.3:
            return [(day, *cat.EVENING)]
        if kind == "forum" or r < 0.6:
            return [(day, *cat.MORNING), (day, *cat.AFTERNOON)]
        return [(day, *rng.choice((cat.SHORT_MORNING, cat.SHORT_AFTERNOON, cat.MORNING,
                                   cat.AFTERNOON)))]

    def meetings(self) -> None:
        b, rng = self.b, self.rng
        if not self.n_meetings:
            return
        plan = self._plan_meetings()
        # Statuses, then how the attendance target is shared between held sessions. A
        # meeting of k held sessions gets about c·k participants (so c·k² rows): a three-day
        # training gathers a larger group than a half-day technical meeting.
        statuses = []
        past_weight = 0
        for kind, _t, _s, _n, _o, sessions in plan:
            last_day = sessions[-1][0]
            r = rng.random()
            if last_day < REFERENCE_DATE:
                status = "tenue" if r < 0.95 else "annulee" if r < 0.98 else "reportee"
            else:
                status = "prevue" if r < 0.97 else "annulee"
            statuses.append(status)
            if status in {"tenue", "prevue"}:
                k = sum(1 for s in sessions if s[0] < REFERENCE_DATE)
                past_weight += k * k
        remaining_rows = self.n_attendance
        remaining_weight = past_weight
        everyone = range(len(self.person_ids))
        signature_pool = [b.add_blob(signature_png(rng.getrandbits(32)), SIGNATURE_CREATED)
                          for _ in range(16)]
        b.write_blobs()
        buf = _Buffers(b)
        for m, (kind, title, series, number, org, sessions) in enumerate(plan):
            status = statuses[m]
            meeting_id = b.id("meeting", "bulk", str(m))
            place = self.places[self.org_place[org]] if org >= 0 else None
            territory = place[2] if place else "Auxerrois"
            held = [s for s in sessions if s[0] < REFERENCE_DATE] if status in {
                "tenue", "prevue"} else []
            # Participants: enough to reach the attendance target across held sessions.
            if held:
                k = len(held)
                per_unit = remaining_rows / max(1, remaining_weight)
                if remaining_weight - k * k <= 0:
                    count = math.ceil(remaining_rows / k) if remaining_rows else 0
                else:
                    count = max(2, round(per_unit * k * rng.uniform(0.6, 1.4)))
                    count = min(count, remaining_rows // k)
                remaining_weight -= k * k
            else:
                count = rng.randrange(2, 8)
            pool = self.people_by_territory.get(territory) or []
            if len(pool) < count:
                pool = everyone
            count = min(count, len(pool))
            chosen = rng.sample(pool, count) if count else []
            organiser = self.org_first_person[org] if org >= 0 else -1
            organiser_id = self.person_ids[organiser] if organiser >= 0 else None
            minutes = ""
            if status == "tenue" and rng.random() < 0.25:
                minutes = (f"Compte rendu : {count} participants invités. Les échanges ont "
                           "porté sur l'avancement des actions et le calendrier.")
            buf.meetings.append(dict(
                id=meeting_id, kind=kind, title=title, series=series, number=number,
                organiser_id=organiser_id,
                organiser_org_id=self.org_ids[org] if org >= 0 else None,
                place_name=(f"{self.org_names[org]} – salle de réunion" if org >= 0 else ""),
                place_address=(f"{place[0]} {place[1]}" if place else ""),
                capacity=max(count, rng.choice((10, 15, 20, 30, 50))), status=status,
                minutes=minutes, minutes_author="", minutes_date=None,
                objectives="",
            ))
            items = _DEFAULT_AGENDA[kind]
            for position in range(rng.choice((0, 1, 1, 2))):
                buf.agenda.append(dict(
                    id=b.id("agenda", "bulk", str(m), str(position)), meeting_id=meeting_id,
                    position=position, text=items[position % len(items)],
                ))
            session_ids = []
            for index, (day, start, end, label) in enumerate(sessions):
                session_id = b.id("session", "bulk", str(m), str(index))
                session_ids.append(session_id)
                buf.sessions.append(dict(
                    id=session_id, meeting_id=meeting_id, date=day, start_time=start,
                    end_time=end, label=label,
                ))
            mode = rng.choices(("papier", "saisie", "tablette"), cum_weights=(55, 85, 100))[0]
            held_ids = session_ids[:len(held)]
            late = [_add_minutes(s[1], 20) for s in held]
            for p in chosen:
                person_id = self.person_ids[p]
                excused = held and rng.random() < 0.05
                invitation = ("excuse" if excused else "inscrit") if held else (
                    "invite" if rng.random() < 0.5 else "inscrit")
                buf.participants.append(dict(
                    id=fast_participant_id(meeting_id, person_id), meeting_id=meeting_id,
                    person_id=person_id, organisation_id=self.org_ids[self.person_org[p]],
                    role="organisateur" if p == organiser else "participant",
                    invitation_status=invitation,
                ))
                for index, session_id in enumerate(held_ids):
                    if remaining_rows <= 0:
                        break
                    remaining_rows -= 1
                    if excused:
                        state = "excuse"
                    else:
                        r = rng.random()
                        state = "present" if r < 0.88 else "retard" if r < 0.94 else "absent"
                    arrival = late[index] if state == "retard" else None
                    signature = signed_at = None
                    if mode == "tablette" and state in {"present", "retard"}:
                        day, start = held[index][0], held[index][1]
                        signature = signature_pool[p % 16]
                        signed_at = _at(day, arrival or start)
                    buf.attendance.append(dict(
                        id=fast_attendance_id(session_id, person_id), session_id=session_id,
                        person_id=person_id, status=state, arrival=arrival,
                        signature_sha256=signature, signed_at=signed_at, mode=mode,
                    ))
            buf.maybe_flush()
        buf.flush()


class _Buffers:
    """Row buffers flushed together, parents first, so foreign keys always hold."""

    def __init__(self, builder: _Builder) -> None:
        self.b = builder
        self.meetings: list[dict] = []
        self.agenda: list[dict] = []
        self.sessions: list[dict] = []
        self.participants: list[dict] = []
        self.attendance: list[dict] = []

    def maybe_flush(self) -> None:
        if len(self.attendance) + len(self.participants) >= 2 * CHUNK:
            self.flush()

    def flush(self) -> None:
        b = self.b
        b.insert(Meeting, self.meetings, "Réunions (grand volume)…")
        b.insert(AgendaItem, self.agenda)
        b.insert(MeetingSession, self.sessions)
        b.insert(Participant, self.participants)
        b.insert(Attendance, self.attendance, "Émargements (grand volume)…")
        self.meetings, self.agenda, self.sessions = [], [], []
        self.participants, self.attendance = [], []


def _domain(name: str) -> str:
    """An e-mail domain from a structure's name, cut at a word boundary."""
    out = ""
    for word in _slug(name, "-").split("-"):
        if not word or word in {"de", "du", "des", "la", "le", "les", "d", "l"}:
            continue
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > 32:
            break
        out = candidate
    return out or "structure"


def _accumulate(values: Any) -> Any:
    total = 0.0
    for value in values:
        total += value
        yield total


_NAME_PATTERNS: dict[str, tuple[str, ...]] = {
    "association": ("{word} {city}", "Association {word} de {city}", "{word} {activity}",
                    "Les Amis de {city}", "{activity} solidaire de {city}"),
    "aci": ("Chantier d'insertion {activity} de {city}", "ACI {word} {city}",
            "Atelier {activity} de {city}"),
    "ai": ("{word} Emploi {city}", "AI {word} de {city}", "Services et Emploi {city}"),
    "ei": ("{activity} Solidaire {city}", "{word} {activity} (EI)", "EI {word} de {city}"),
    "etti": ("{word} Intérim Insertion {city}", "Intérim Solidaire {territory} – {city}"),
    "eiti": ("Coopérative {word} {city}",),
    "geiq": ("GEIQ {activity} {territory}", "GEIQ {activity} de {city}"),
    "regie_quartier": ("Régie de quartier de {city}", "Régie de territoire {word} {city}"),
    "entreprise_adaptee": ("Entreprise adaptée {word} {city}", "EA {activity} de {city}"),
    "commune": ("Commune de {city}",),
    "epci": ("Communauté de communes {word} {territory}",
             "Communauté de communes de {city} et environs"),
    "etat": ("Sous-préfecture de {city}", "Unité départementale DDETS – {city}"),
    "france_travail": ("France Travail {city}", "France Travail {city} – agence {word}"),
    "mission_locale": ("Mission Locale de {city}", "Mission Locale {territory} – {city}"),
    "cap_emploi": ("Cap Emploi {city}",),
    "plie": ("PLIE de {city}", "PLIE {territory} – {city}"),
    "maison_emploi": ("Maison de l'Emploi de {city}",),
    "gip": ("GIP Emploi {territory} – {city}",),
    "federation": ("Réseau {word} {territory}", "Fédération {activity} {territory}",
                   "Inter-réseau IAE {territory} – {city}"),
    "cdr": ("Centre de ressources {word} {city}",),
    "organisme_formation": ("Centre de formation {word} {city}", "Institut {activity} de {city}",
                            "Formation {word} {territory}"),
    "financeur": ("Fonds {word} {territory}", "{word} Actif {city}"),
    "entreprise": ("{activity} {city} SAS", "Établissements {word} {city}",
                   "{activity} – {territory} SARL", "{word} {activity} Services"),
    "bailleur": ("Habitat {word} {city}", "Office public de l'habitat de {city}"),
    "chambre": ("Chambre de métiers – antenne de {city}", "CCI – délégation de {city}"),
}

_LEGAL_FORMS: dict[str, str] = {
    "commune": "Commune", "epci": "Communauté de communes", "etat": "Service de l'État",
    "france_travail": "Établissement public", "ei": "SARL", "etti": "SAS", "eiti": "SCIC",
    "entreprise": "SAS", "entreprise_adaptee": "SAS", "bailleur": "Office public de l'habitat",
    "chambre": "Établissement public", "gip": "Groupement d'intérêt public",
    "organisme_formation": "SARL",
}

_BULK_TAGS = ["SIAE", "Clauses d'insertion", "FSE+", "Mois de l'ESS", "Financeur", "BTP",
              "Réemploi", "Maraîchage", "Espaces verts", "Services à la personne", "Mobilité",
              "Jeunes", "Politique de la ville", "Tête de réseau"]


# --- Entry point --------------------------------------------------------------------------


def generate(
    ws: Workspace,
    scale: str = "small",
    seed: int = 2026,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    *,
    counts: Mapping[str, int] | None = None,
) -> DemoSummary:
    """Fill the empty database of ``ws`` with demo data and return what was written.

    ``scale`` is ``"small"`` (a realistic network) or ``"large"`` (the same plus a synthetic
    bulk: see :data:`LARGE_COUNTS`). ``progress(done, total, message)`` is called as rows are
    written; ``cancel()`` returning true stops the generation with
    :class:`~app.errors.MaillageError` « Génération annulée. » and nothing is kept.
    ``counts`` overrides the large-scale totals (tests use it to run the bulk path small).

    Refuses a database that already holds structures. Sets our identity (federation and
    antenna) when none is set yet.
    """
    if scale not in SCALES:
        raise ValidationError(
            f"Échelle inconnue : « {scale} » (valeurs possibles : small, large).", field="scale")
    started = time.perf_counter()
    target: dict[str, int] | None = None
    estimate = CORE_ROWS
    if scale == "large":
        target = {**LARGE_COUNTS, **dict(counts or {})}
        unknown = set(target) - set(LARGE_COUNTS)
        if unknown:
            raise ValidationError(f"Volume inconnu : {', '.join(sorted(unknown))}.")
        # Rows the bulk writes: functions ≈ 1.1 per person; sessions and agenda items
        # ≈ 3 per meeting; participants ≈ 0.42 per attendance record.
        estimate += (target["organisations"] + int(target["people"] * 2.1)
                     + target["meetings"] * 4 + int(target["attendance"] * 1.42))
    tracker = _Tracker(progress, cancel, estimate)
    tracker.check()
    with ws.unit(write=True) as session:
        if session.execute(select(func.count()).select_from(Organisation)).scalar_one():
            raise MaillageError(
                "La base contient déjà des structures : les données de démonstration ne "
                "peuvent être générées que dans une base vide.", code="base-non-vide")
        conn = session.connection()
        previous_cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        if target is not None:
            # Random UUID keys make index inserts scattered: a larger page cache keeps the
            # hot index pages in memory for the duration of the generation.
            conn.exec_driver_sql("PRAGMA cache_size = -262144")
        # The base is empty: its search index is filled in one pass at the end instead of
        # row by row (the triggers come back before the commit; a cancel rolls all back).
        from app.sync.indexing import DeferredSearchIndex

        index = DeferredSearchIndex(conn, ("organisations", "people"))
        index.suspend()
        try:
            builder = _Builder(session, seed, tracker)
            core = builder.build_core()
            if target is not None:
                builder.build_bulk(core, target)
            tracker.check()
            session.flush()
            index.restore()
        finally:
            conn.exec_driver_sql(f"PRAGMA cache_size = {int(previous_cache)}")
        our_org = builder.org_rows[cat.OUR_ORG.key]
    _ensure_identity(ws, our_org)
    tracker.finish()
    return DemoSummary(counts=dict(sorted(builder.counts.items())),
                       elapsed=time.perf_counter() - started, scale=scale, seed=seed)


def _ensure_identity(ws: Workspace, our_org: Mapping[str, Any]) -> None:
    from app.services.settings import Identity, get_identity, set_identity

    current = get_identity(ws)
    if current.is_set:
        return
    set_identity(ws, Identity(
        organisation_name=current.organisation_name or our_org["name"],
        siret=current.siret or our_org["siret"],
        address=current.address or our_org["address"],
        postcode=current.postcode or our_org["postcode"],
        city=current.city or our_org["city"],
        site_name=current.site_name or cat.OUR_SITE_NAME,
        logo_png=current.logo_png,
    ))
