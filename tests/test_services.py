"""List, detail, dashboard and identity services."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain import formatting as fmt
from app.errors import NotFound, ValidationError
from app.services import dashboard, details, lists
from app.services.lists import ListQuery
from app.services.settings import Identity, get_identity, normalise_siret, set_identity
from app.services.workspace import open_workspace
from app.storage.models import (
    Affiliation,
    Convention,
    Meeting,
    MeetingSession,
    Organisation,
    Person,
)
from app.storage.stamping import bulk_insert


@pytest.fixture
def ws():
    w = open_workspace(None)
    yield w
    w.close()


@pytest.fixture
def small(ws):
    with ws.unit(write=True) as s:
        oeuvre = Organisation(name="Œuvre de la Puisaye", acronym="OP", kind_code="aci",
                              city="Toucy", siret="73282932000074")
        abeille = Organisation(name="abeille solidaire", kind_code="ei", city="Auxerre")
        old = Organisation(name="Ancienne régie", kind_code="regie_quartier", archived=True,
                           archived_reason="Dissoute")
        s.add_all([oeuvre, abeille, old])
        s.flush()
        sev = Person(last_name="Lefèvre", first_name="Séverine", category="elu",
                     email="s.lefevre@example.org")
        zai = Person(last_name="Attoumani", first_name="Zaïnaba", category="public",
                     is_beneficiary=True)
        s.add_all([sev, zai])
        s.flush()
        s.add_all([
            Affiliation(person_id=sev.id, organisation_id=oeuvre.id, function="Présidente", is_primary=True),
            Affiliation(person_id=zai.id, organisation_id=oeuvre.id, function="Salariée en insertion"),
            Affiliation(person_id=sev.id, organisation_id=abeille.id, function="Élue",
                        end_date=dt.date(2024, 1, 1)),
        ])
    return {"oeuvre": oeuvre.id, "abeille": abeille.id, "old": old.id, "sev": sev.id, "zai": zai.id}


def names(ws, view, **query):
    return [r.cells[0] for r in lists.fetch(ws, view, ListQuery(**query)).rows]


def test_structures_list_hides_archived_and_counts_current_contacts(ws, small):
    rows = {r.cells[0]: r for r in lists.fetch(ws, "structures").rows}
    assert set(rows) == {"Œuvre de la Puisaye", "abeille solidaire"}
    assert rows["Œuvre de la Puisaye"].cells[2] == "Atelier et chantier d'insertion (ACI)"
    assert rows["Œuvre de la Puisaye"].cells[5] == "732 829 320 00074"
    assert rows["Œuvre de la Puisaye"].cells[6] == "2"
    assert rows["abeille solidaire"].cells[6] == "0"  # a past function is not a current contact
    archived = lists.fetch(ws, "structures", ListQuery(show_archived=True)).rows
    assert [r.muted for r in archived if r.cells[0] == "Ancienne régie"] == [True]


def test_sorting_is_done_in_sql_ignoring_case_and_accents(ws, small):
    assert names(ws, "structures") == ["abeille solidaire", "Œuvre de la Puisaye"]
    assert names(ws, "structures", sort="name", descending=True) == ["Œuvre de la Puisaye", "abeille solidaire"]
    assert names(ws, "structures", sort="contacts", descending=True)[0] == "Œuvre de la Puisaye"


@pytest.mark.parametrize(
    ("view", "text", "expected"),
    [
        ("contacts", "severine", ["Lefèvre"]),
        ("contacts", "ZAINABA", ["Attoumani"]),
        ("structures", "oeuvre", ["Œuvre de la Puisaye"]),
        ("structures", "puisaye oeu", ["Œuvre de la Puisaye"]),
        ("structures", "7328", ["Œuvre de la Puisaye"]),
        ("contacts", "introuvable", []),
    ],
)
def test_search_is_case_and_accent_insensitive(ws, small, view, text, expected):
    assert names(ws, view, search=text) == expected
    assert lists.count(ws, view, ListQuery(search=text)) == len(expected)


def test_pages_come_from_sql_without_loading_the_table(ws):
    with ws.unit(write=True) as s:
        bulk_insert(s, Organisation, [{"name": f"Structure {i:05d}"} for i in range(3000)])
    assert lists.count(ws, "structures") == 3000
    page = lists.fetch(ws, "structures", ListQuery(), offset=2900, limit=200)
    assert len(page.rows) == 100 and page.rows[0].cells[0] == "Structure 02900"
    assert lists.fetch(ws, "structures", ListQuery(sort="name", descending=True), 0, 1).rows[0].cells[0] == "Structure 02999"


def test_person_detail_shows_privacy_banner_for_public_accompagne(ws, small):
    zai = details.detail(ws, "contacts", small["zai"])
    assert zai.banner and "Public accompagné" in zai.banner
    sev = details.detail(ws, "contacts", small["sev"])
    assert sev.banner is None
    structures = {t.title: t for t in sev.tables}["Structures"]
    assert ("abeille solidaire", "Élue", "", "01/01/2024") in structures.rows


def test_organisation_detail_lists_contacts(ws, small):
    d = details.detail(ws, "structures", small["oeuvre"])
    assert d.title == "Œuvre de la Puisaye"
    assert ("SIRET", "732 829 320 00074") in d.fields
    contacts = {t.title: t for t in d.tables}["Contacts"]
    assert {r[0] for r in contacts.rows} == {"Séverine Lefèvre", "Zaïnaba Attoumani"}


def test_unknown_records_are_reported_in_french(ws):
    with pytest.raises(NotFound, match="n'existe plus"):
        details.detail(ws, "structures", "inconnu")
    with pytest.raises(NotFound, match="Liste inconnue"):
        lists.fetch(ws, "nimporte")


def test_meetings_list_sorts_by_first_session_date(ws):
    with ws.unit(write=True) as s:
        m1 = Meeting(kind="copil", title="COPIL n° 4", status="tenue")
        m2 = Meeting(kind="formation", title="Formation clauses d'insertion")
        s.add_all([m1, m2])
        s.flush()
        s.add_all([
            MeetingSession(meeting_id=m1.id, date=dt.date(2026, 3, 2), start_time=dt.time(9),
                           end_time=dt.time(12, 30), label="matin"),
            MeetingSession(meeting_id=m2.id, date=dt.date(2026, 12, 1), start_time=dt.time(9),
                           end_time=dt.time(12, 30), label="matin"),
            MeetingSession(meeting_id=m2.id, date=dt.date(2026, 12, 1), start_time=dt.time(13, 30),
                           end_time=dt.time(17), label="apres_midi"),
        ])
    rows = lists.fetch(ws, "reunions").rows
    assert [r.cells[1] for r in rows] == ["Formation clauses d'insertion", "COPIL n° 4"]
    assert rows[0].cells[0] == "01/12/2026" and rows[0].cells[5] == "2"
    assert rows[1].cells[2] == "Comité de pilotage (COPIL)" and rows[1].cells[7] == "Tenue"
    board = dashboard.dashboard(ws, today=dt.date(2026, 11, 23))
    assert [i.title for i in board.upcoming] == ["Formation clauses d'insertion"]
    assert "mardi 1 décembre 2026" in board.upcoming[0].detail


def test_dashboard_alerts_on_conventions_ending_soon(ws):
    with ws.unit(write=True) as s:
        s.add(Convention(number="2026-AUX-001", kind="partenariat", title="Ressourcerie",
                         status="en_cours", end_date=dt.date(2026, 12, 31)))
        s.add(Convention(number="2026-AUX-002", kind="partenariat", title="Lointaine",
                         status="en_cours", end_date=dt.date(2028, 1, 1)))
    board = dashboard.dashboard(ws, today=dt.date(2026, 11, 23))
    assert [a.title for a in board.convention_alerts] == ["2026-AUX-001 – Ressourcerie"]


def test_identity_validates_and_normalises_the_siret(ws):
    with pytest.raises(ValidationError) as exc:
        set_identity(ws, Identity(organisation_name="COORACE", siret="732 829 320 00075", site_name="Siège"))
    assert exc.value.field == "siret" and "clé de contrôle" in exc.value.message
    with pytest.raises(ValidationError, match="14 chiffres"):
        normalise_siret("1234")
    with pytest.raises(ValidationError, match="antenne"):
        set_identity(ws, Identity(organisation_name="COORACE"))
    set_identity(ws, Identity(organisation_name=" COORACE ", siret="732 829 320 00074",
                              site_name="Antenne de l'Auxerrois", logo_png=b"\x89PNG..."))
    identity = get_identity(ws)
    assert identity.siret == "73282932000074" and identity.organisation_name == "COORACE"
    assert identity.logo_png == b"\x89PNG..." and identity.is_set


def test_french_formatting():
    assert fmt.date_long(dt.date(2026, 5, 12)) == "mardi 12 mai 2026"
    assert fmt.money(1_000_000) == "10\u202f000,00\u00a0€"
    assert fmt.percent(0.47) == "47\u00a0%"
    assert fmt.phone("+33386123456") == "03 86 12 34 56"
    assert fmt.phone("+262269612345") == "0269 61 23 45"
    assert fmt.time_short(dt.time(13, 30)) == "13\u00a0h\u00a030"
