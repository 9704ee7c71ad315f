"""The demo data generator: realistic small network, determinism, refusal, cancellation,
and the large-scale code path run at a reduced size (the real large scale is timed by the
benchmark, not here)."""

from __future__ import annotations

import datetime as dt
import hashlib
import struct
import zlib
from collections import Counter, defaultdict

import phonenumbers
import pytest
from sqlalchemy import select, text
from stdnum.fr import siret as siret_mod

from app.demo import DemoSummary, generate
from app.demo import catalogue, names
from app.demo.generator import (
    REFERENCE_DATE,
    fast_attendance_id,
    fast_derived_id,
    fast_participant_id,
)
from app.domain import labels
from app.errors import MaillageError, ValidationError
from app.services.settings import get_identity
from app.services.workspace import open_workspace
from app.storage.ids import attendance_id, derived_id, participant_id
from app.storage.models import (
    SYNC_COLUMNS,
    SYNCED_MODELS,
    Action,
    Affiliation,
    AgendaItem,
    Attendance,
    Blob,
    Convention,
    ConventionEvent,
    ConventionParty,
    FollowUpItem,
    IndicatorTarget,
    Installment,
    Meeting,
    MeetingSession,
    Organisation,
    Participant,
    Person,
)

# Reduced totals to exercise the large-scale path quickly.
REDUCED = {"organisations": 300, "people": 1000, "meetings": 200, "attendance": 4000}


@pytest.fixture(scope="module")
def small():
    ws = open_workspace(None)
    summary = generate(ws, scale="small")
    yield ws, summary
    ws.close()


@pytest.fixture(scope="module")
def reduced_large():
    ws = open_workspace(None)
    summary = generate(ws, scale="large", counts=REDUCED)
    yield ws, summary
    ws.close()


def rows(ws, model):
    with ws.unit() as s:
        return list(s.execute(select(model)).scalars())


def snapshot(ws) -> dict[str, list[tuple]]:
    """Every synced row without local sync bookkeeping, plus blobs and settings."""
    out: dict[str, list[tuple]] = {}
    with ws.unit() as s:
        for model in SYNCED_MODELS:
            cols = [c for c in model.__table__.columns if c.key not in SYNC_COLUMNS]
            out[model.__tablename__] = sorted(
                tuple(r) for r in s.execute(select(*cols).order_by(model.__table__.c.id)))
        out["blobs"] = sorted(tuple(r) for r in s.execute(
            text("SELECT sha256, mime, size, data, created_at FROM blobs")))
        out["settings"] = sorted(tuple(r) for r in s.execute(
            text("SELECT key, value FROM settings")))
    return out


# --- the small, realistic network ---------------------------------------------------------


def test_summary_counts_every_table_written(small):
    ws, summary = small
    assert isinstance(summary, DemoSummary)
    assert summary.elapsed > 0 and summary.scale == "small" and summary.seed == 2026
    for model in (Organisation, Person, Affiliation, Action, IndicatorTarget, Meeting,
                  AgendaItem, FollowUpItem, MeetingSession, Participant, Attendance,
                  Convention, ConventionParty, Installment, ConventionEvent):
        assert summary.counts[model.__tablename__] == ws.count(model), model.__tablename__
    assert summary.counts["blobs"] == ws.count(Blob)


def test_small_scale_minimums(small):
    ws, _ = small
    orgs = rows(ws, Organisation)
    assert len(orgs) >= 40
    assert len({o.kind_code for o in orgs}) >= 12
    assert {o.kind_code for o in orgs} <= {k for k, _l, _f in labels.ORGANISATION_KINDS}
    assert ws.count(Person) >= 150
    assert ws.count(Action) >= 5
    assert ws.count(Meeting) >= 30
    assert ws.count(Convention) >= 6
    names_ = {o.name for o in orgs}
    for expected in ("GIP Réussir en Sambre Avesnois", "COORACE", "Relais Chantiers",
                     "CDR Mayotte", "Inter-Made", "RAMSESS", "ESIA", "Regain", "APEAS",
                     "Syndicat Mixte de La Puisaye", "Communauté de l'Auxerrois",
                     "Mission Locale de l'Auxerrois", "France Travail Auxerre",
                     "Conseil départemental de l'Yonne", "DDETS de l'Yonne",
                     "PLIE du Grand Auxerre", "Conseil départemental de Mayotte"):
        assert expected in names_
    territories = {o.territory for o in orgs}
    assert {"Auxerrois", "Puisaye-Forterre", "Sambre-Avesnois", "Mayotte"} <= territories
    prefixes = {o.postcode[:2] for o in orgs} | {o.postcode[:3] for o in orgs}
    assert {"89", "59", "976"} <= prefixes


def test_organisations_have_legal_representatives_tags_and_contacts(small):
    ws, _ = small
    orgs = rows(ws, Organisation)
    assert all(o.legal_rep_name and o.legal_rep_title for o in orgs)
    assert all(o.email and "@" in o.email for o in orgs)
    assert len({o.email for o in orgs}) == len(orgs)
    assert sum(1 for o in orgs if o.tags) >= 30
    assert all(isinstance(o.tags, list) for o in orgs)


def test_every_siret_is_valid_and_unique(small):
    ws, _ = small
    sirets = [o.siret for o in rows(ws, Organisation)]
    assert all(siret_mod.is_valid(s) for s in sirets)
    assert len(set(sirets)) == len(sirets)


def test_every_phone_is_e164_and_valid(small):
    ws, _ = small
    numbers = [o.phone for o in rows(ws, Organisation)]
    for p in rows(ws, Person):
        numbers += [n for n in (p.phone, p.mobile) if n]
    assert len(numbers) > 200
    for number in numbers:
        assert number.startswith("+"), number
        parsed = phonenumbers.parse(number)
        assert phonenumbers.is_valid_number(parsed), number
        assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == number
    assert any(n.startswith("+262269") for n in numbers)
    assert any(n.startswith("+262639") for n in numbers)
    assert any(n.startswith("+33386") for n in numbers)


def test_people_names_categories_and_beneficiaries(small):
    ws, _ = small
    people = rows(ws, Person)
    firsts = {p.first_name for p in people}
    lasts = {p.last_name for p in people}
    assert {"Séverine", "Hélène", "Jérôme"} <= firsts
    assert any("-" in f for f in firsts)
    assert any("'" in last for last in lasts)
    assert firsts & set(names.MAHORAN_FEMALE_FIRST_NAMES + names.MAHORAN_MALE_FIRST_NAMES)
    assert lasts & set(names.MAHORAN_LAST_NAMES)
    assert {p.civility for p in people} == {"Mme", "M."}
    assert {p.category for p in people} <= set(labels.PERSON_CATEGORIES)
    assert {"elu", "technicien", "professionnel_siae", "institutionnel", "entreprise",
            "public", "grand_public"} <= {p.category for p in people}
    publics = [p for p in people if p.category == "public"]
    assert len(publics) >= 20
    assert all(p.is_beneficiary and p.consent_date and p.consent_source for p in publics)
    assert not any(p.is_beneficiary for p in people if p.category != "public")
    emails = [p.email for p in people if p.email]
    assert len(emails) == len(set(emails))


def test_affiliations_primary_secondary_and_past(small):
    ws, _ = small
    affs = rows(ws, Affiliation)
    by_person: dict[str, list[Affiliation]] = defaultdict(list)
    for a in affs:
        by_person[a.person_id].append(a)
    for person_affs in by_person.values():
        assert sum(1 for a in person_affs if a.is_primary) == 1
    assert sum(1 for v in by_person.values() if len(v) >= 2) >= 10
    ended = [a for a in affs if a.end_date is not None]
    assert ended and all(not a.is_primary and a.end_date < REFERENCE_DATE for a in ended)
    functions = {a.function for a in affs}
    assert {"Maire", "Chargée de mission – Mayotte"} <= functions
    assert any(f.startswith("Conseill") and "(CIP)" in f for f in functions)
    assert any(f.startswith("Encadrant") for f in functions)
    assert any(f.startswith("Référent") and "PLIE" in f for f in functions)


def test_actions_and_indicator_targets(small):
    ws, _ = small
    actions = rows(ws, Action)
    for a in actions:
        assert a.retention_end == dt.date(a.end_date.year + 5, 12, 31)
        assert a.start_date < a.end_date and a.funder and a.code and a.description
    by_title = {a.title: a for a in actions}
    ess = by_title["Coordination et animation d'un événementiel ESS"]
    assert ess.fse_rate == 0.47 and ess.funder == "FSE+ – GIP Réussir en Sambre Avesnois"
    assert "Création d'une ressourcerie en Puisaye" in by_title
    assert "Accompagnement des clauses d'insertion à Mayotte" in by_title
    targets = [t for t in rows(ws, IndicatorTarget) if t.action_id == ess.id]
    found = {t.label: t for t in targets}
    assert found["Nombre de COPIL"].target == 2
    assert found["Nombre de COPIL"].unit == "réunions"
    assert found["Nombre de COPIL"].rule == {"count": "meetings", "kind": "copil"}
    assert found["Nombre de SESS mobilisés"].target == 35
    assert found["Nombre d'élus"].rule == {"count": "people", "category": "elu"}
    assert found["Nombre de publics PLIE sensibilisés"].target == 15
    assert any(t.rule == {"count": "hours"} for t in targets)


def test_every_meeting_kind_and_status(small):
    ws, _ = small
    meetings = rows(ws, Meeting)
    assert {m.kind for m in meetings} == set(labels.MEETING_KINDS)
    assert {m.status for m in meetings} == set(labels.MEETING_STATUSES)
    sessions = rows(ws, MeetingSession)
    last_day: dict[str, dt.date] = {}
    for s in sessions:
        last_day[s.meeting_id] = max(last_day.get(s.meeting_id, s.date), s.date)
        assert s.date.weekday() < 5
        assert dt.date(2025, 9, 1) <= s.date <= dt.date(2027, 6, 30)
        assert s.label in set(labels.SESSION_LABELS) | {""}
    for m in meetings:
        if last_day[m.id] < REFERENCE_DATE:
            assert m.status in {"tenue", "annulee", "reportee"}
        else:
            assert m.status == "prevue"
        assert m.place_name and m.place_address and m.capacity
    held = [m for m in meetings if m.status == "tenue"]
    assert sum(1 for m in held if m.minutes.startswith("Présents :")) >= 8
    assert sum(1 for m in held if m.decisions) >= 8
    assert ws.count(FollowUpItem) >= 5
    agenda = rows(ws, AgendaItem)
    assert {a.meeting_id for a in agenda} == {m.id for m in meetings}


def test_numbered_series(small):
    ws, _ = small
    meetings = rows(ws, Meeting)
    cp = sorted((m.number, m.title, m.kind) for m in meetings if m.series == "CP")
    assert [n for n, _t, _k in cp] == [1, 2, 3, 4, 5]
    assert all(k == "copil" for _n, _t, k in cp)
    assert cp[3][1] == "Comité de pilotage n° 4 – Ressourcerie de Puisaye"
    gt5 = sorted((m.number, m.title) for m in meetings if m.series == "GT5")
    assert [n for n, _t in gt5] == list(range(1, len(gt5) + 1)) and len(gt5) >= 3
    assert (2, "GT5 – réunion 2") in gt5


def test_multi_day_training_is_split_into_half_days(small):
    ws, _ = small
    trainings = [m for m in rows(ws, Meeting) if m.kind == "formation"]
    sessions = rows(ws, MeetingSession)
    multi = 0
    for t in trainings:
        mine = [s for s in sessions if s.meeting_id == t.id]
        days = sorted({s.date for s in mine})
        if len(days) < 2:
            continue
        multi += 1
        assert 2 <= len(days) <= 3
        for day in days:
            slots = sorted((s.start_time, s.end_time, s.label) for s in mine if s.date == day)
            assert slots == [(dt.time(9, 0), dt.time(12, 30), "matin"),
                             (dt.time(13, 30), dt.time(17, 0), "apres_midi")]
    assert multi >= 2


def test_participants_and_attendance_are_consistent(small):
    ws, _ = small
    meetings = {m.id: m for m in rows(ws, Meeting)}
    sessions = {s.id: s for s in rows(ws, MeetingSession)}
    participants = rows(ws, Participant)
    attendance = rows(ws, Attendance)
    assert {p.role for p in participants} == set(labels.PARTICIPANT_ROLES)
    assert {p.invitation_status for p in participants} == set(labels.INVITATION_STATUSES)
    assert {a.status for a in attendance} == set(labels.ATTENDANCE_STATUSES)
    assert {a.mode for a in attendance} == set(labels.ATTENDANCE_MODES)
    for p in participants:
        assert p.id == participant_id(p.meeting_id, p.person_id)
    expected = {(p.meeting_id, p.person_id) for p in participants}
    for a in attendance:
        assert a.id == attendance_id(a.session_id, a.person_id)
        session = sessions[a.session_id]
        assert (session.meeting_id, a.person_id) in expected
        assert session.date < REFERENCE_DATE
        assert meetings[session.meeting_id].status == "tenue"
        if a.status == "retard":
            assert a.arrival is not None and a.arrival > session.start_time
    # Each held meeting has its sheet; planned ones have none.
    with_attendance = {sessions[a.session_id].meeting_id for a in attendance}
    assert with_attendance == {m.id for m in meetings.values() if m.status == "tenue"}


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_signatures_are_png_blobs_matching_their_hash(small):
    ws, _ = small
    blobs = {b.sha256: b for b in rows(ws, Blob)}
    signed = [a for a in rows(ws, Attendance) if a.signature_sha256]
    assert len(signed) >= 50
    for a in signed:
        assert a.mode == "tablette" and a.status in {"present", "retard"}
        assert a.signed_at is not None
        blob = blobs[a.signature_sha256]
        assert blob.mime == "image/png" and blob.size == len(blob.data)
        assert hashlib.sha256(blob.data).hexdigest() == blob.sha256
    for blob in blobs.values():
        width, height = _png_size(blob.data)
        assert (width, height) == (240, 80)
        idat = blob.data[blob.data.index(b"IDAT") + 4:blob.data.index(b"IEND") - 8]
        raw = zlib.decompress(idat)
        assert len(raw) == (width + 1) * height
        assert min(raw) < 100  # there is ink
    sealed = [s for s in rows(ws, MeetingSession) if s.sealed]
    assert sealed
    for s in sealed:
        assert s.countersign_sha256 in blobs and s.sealed_by and s.sealed_at


def test_conventions_lifecycle(small):
    ws, _ = small
    conventions = {c.id: c for c in rows(ws, Convention)}
    assert len({c.status for c in conventions.values()}) >= 5
    assert {c.status for c in conventions.values()} == set(labels.CONVENTION_STATUSES)
    assert {c.kind for c in conventions.values()} == set(labels.CONVENTION_KINDS)
    avenants = [c for c in conventions.values() if c.kind == "avenant"]
    assert avenants
    for a in avenants:
        assert a.parent_id in conventions and conventions[a.parent_id].kind != "avenant"
    numbers = [c.number for c in conventions.values()]
    assert len(set(numbers)) == len(numbers)
    assert all(len(n.split("-")) == 3 and n[:4].isdigit() for n in numbers)
    parties = rows(ws, ConventionParty)
    installments = rows(ws, Installment)
    events = rows(ws, ConventionEvent)
    for c in conventions.values():
        mine = [p for p in parties if p.convention_id == c.id]
        assert [p.role for p in sorted(mine, key=lambda p: p.position)][0] == "porteur"
        assert any(p.role == "partenaire" for p in mine)
        assert all(p.representative_name and p.representative_title for p in mine)
        assert set(c.required_evidence) <= set(labels.EVIDENCE_KINDS)
        if c.amount_cents:
            assert sum(i.amount_cents for i in installments if i.convention_id == c.id) == \
                c.amount_cents
        history = [e.status for e in sorted((e for e in events if e.convention_id == c.id),
                                            key=lambda e: e.date)]
        assert history[0] == "brouillon" and history[-1] == c.status
    assert any("bilan intermédiaire" in i.condition for i in installments)
    resiliee = [c for c in conventions.values() if c.status == "resiliee"]
    assert all(c.termination_reason and c.ended_date for c in resiliee)


def test_identity_is_set_with_a_valid_siret(small):
    ws, _ = small
    identity = get_identity(ws)
    assert identity.is_set
    assert identity.organisation_name == catalogue.OUR_ORG.name
    assert identity.site_name == "Antenne de l'Auxerrois"
    assert siret_mod.is_valid(identity.siret)


def test_foreign_keys_hold(small, reduced_large):
    for ws, _ in (small, reduced_large):
        with ws.unit() as s:
            assert list(s.execute(text("PRAGMA foreign_key_check"))) == []


def test_fast_ids_equal_the_storage_ones():
    for parts in (("a",), ("x", "y"), ("é'è", "Ω", ""), ()):
        assert fast_derived_id("demo-org", *parts) == derived_id("demo-org", *parts)
    assert fast_participant_id("m", "p") == participant_id("m", "p")
    assert fast_attendance_id("s", "p") == attendance_id("s", "p")


# --- determinism, refusal, cancellation --------------------------------------------------


def test_same_seed_gives_identical_data(small):
    ws, _ = small
    with open_workspace(None) as other:
        generate(other, scale="small", seed=2026)
        assert snapshot(other) == snapshot(ws)


def test_another_seed_gives_other_data_and_progress_reaches_the_total(small):
    ws, _ = small
    calls: list[tuple[int, int, str]] = []
    with open_workspace(None) as other:
        generate(other, scale="small", seed=7,
                 progress=lambda done, total, message: calls.append((done, total, message)))
        a, b = snapshot(ws), snapshot(other)
        assert a["organisations"] != b["organisations"]
        assert len(a["meetings"]) == len(b["meetings"])
    assert len(calls) > 5
    dones = [d for d, _t, _m in calls]
    assert dones == sorted(dones)
    assert calls[-1][0] == calls[-1][1]
    assert all(m for _d, _t, m in calls)


def test_second_generation_is_refused_and_changes_nothing(small):
    ws, _ = small
    before = ws.count(Organisation), ws.count(Attendance)
    with pytest.raises(MaillageError, match="déjà des structures"):
        generate(ws, scale="small")
    assert (ws.count(Organisation), ws.count(Attendance)) == before


def test_unknown_scale_is_refused():
    with open_workspace(None) as ws:
        with pytest.raises(ValidationError, match="Échelle inconnue"):
            generate(ws, scale="huge")
        assert ws.count(Organisation) == 0


def test_cancel_leaves_the_database_untouched():
    asked = Counter()

    def cancel() -> bool:
        asked["n"] += 1
        return asked["n"] > 15  # late: meetings and attendance are already written

    with open_workspace(None) as ws:
        with pytest.raises(MaillageError, match="Génération annulée"):
            generate(ws, cancel=cancel)
        assert ws.count(Organisation) == 0 and ws.count(Person) == 0
        assert ws.count(Attendance) == 0 and ws.count(Blob) == 0
        assert not get_identity(ws).is_set


# --- the large-scale path, at a reduced size ----------------------------------------------


def test_reduced_large_scale_hits_the_requested_totals(reduced_large):
    ws, summary = reduced_large
    assert ws.count(Organisation) == REDUCED["organisations"]
    assert ws.count(Person) == REDUCED["people"]
    assert ws.count(Meeting) == REDUCED["meetings"]
    assert ws.count(Attendance) == REDUCED["attendance"]
    assert summary.counts["attendance"] == REDUCED["attendance"]
    assert summary.scale == "large"


def test_reduced_large_scale_data_is_consistent(reduced_large):
    ws, _ = reduced_large
    orgs = rows(ws, Organisation)
    assert len({o.name for o in orgs}) == len(orgs)
    assert all(siret_mod.is_valid(o.siret) for o in orgs)
    assert len({o.siret for o in orgs}) == len(orgs)
    assert len({o.email for o in orgs}) == len(orgs)
    assert len({o.phone for o in orgs}) == len(orgs)
    assert not any("site" in o.name.split() for o in orgs)
    people = rows(ws, Person)
    emails = [p.email for p in people if p.email]
    assert len(set(emails)) == len(emails)
    for p in people[:: max(1, len(people) // 300)]:
        for number in (p.phone, p.mobile):
            if number:
                assert phonenumbers.is_valid_number(phonenumbers.parse(number)), number
    affs = rows(ws, Affiliation)
    primaries = Counter(a.person_id for a in affs if a.is_primary)
    unattached = {p.id for p in people if p.category == "grand_public"}
    assert set(primaries.values()) == {1}
    assert set(primaries) == {p.id for p in people} - unattached
    sessions = {s.id: s for s in rows(ws, MeetingSession)}
    participants = {(p.meeting_id, p.person_id) for p in rows(ws, Participant)}
    for a in rows(ws, Attendance):
        session = sessions[a.session_id]
        assert (session.meeting_id, a.person_id) in participants
        assert session.date < REFERENCE_DATE
        if a.signature_sha256:
            assert a.mode == "tablette"
    meetings = rows(ws, Meeting)
    assert {m.kind for m in meetings} == set(labels.MEETING_KINDS)
    series = defaultdict(list)
    for m in meetings:
        if m.series and m.series not in {"CP", "GT5", "CT", "CP-ESS", "CP-976", "CI", "CT-IAE"}:
            series[m.series].append(m.number)
    assert series
    assert all(sorted(n) == list(range(1, len(n) + 1)) for n in series.values())


def test_reduced_large_scale_is_deterministic(reduced_large):
    ws, _ = reduced_large
    with open_workspace(None) as other:
        generate(other, scale="large", counts=REDUCED)
        assert snapshot(other) == snapshot(ws)


def test_unknown_volume_is_refused():
    with open_workspace(None) as ws:
        with pytest.raises(ValidationError):
            generate(ws, scale="large", counts={"planetes": 3})


def _search_docs(ws) -> list[tuple]:
    with ws.unit() as s:
        return [tuple(r) for kind in ("organisations", "people") for r in s.execute(text(
            f"SELECT * FROM search_{kind}_docs ORDER BY ref_id"))]


def test_the_search_index_filled_in_one_pass_is_the_one_a_rebuild_gives():
    """The generation fills the search index once at the end: « severine » finds the demo's
    Séverine, the documents are exactly a rebuild's, and the triggers are back for the edits
    that follow."""
    from app.services import partners, search

    ws = open_workspace(None)
    try:
        generate(ws, scale="large", counts=REDUCED)
        assert any("Séverine" in h.title for h in search.global_search(ws, "severine"))
        before = _search_docs(ws)
        assert len(before) == len(rows(ws, Organisation)) + len(rows(ws, Person))
        search.rebuild_index(ws)
        assert _search_docs(ws) == before
        partners.create_organisation(ws, partners.OrganisationDraft(name="Œuvre de Zéphyrine"))
        assert [h.title for h in search.global_search(ws, "zephyrine")] == ["Œuvre de Zéphyrine"]
    finally:
        ws.close()
