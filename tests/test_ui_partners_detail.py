"""The tabbed detail of a structure and of a contact: what each tab lists, and its rows
opening the record they are about."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import text

from app.services import details
from ui.detail import RelatedTable
from ui.main import create_application
from ui.mainwindow import MainWindow
from ui.partners.section import PartnersSection


@pytest.fixture
def window(qtbot, demo_ws):
    create_application()
    win = MainWindow(demo_ws)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


def _one(ws, statement: str, **params):
    with ws.unit() as s:
        return s.execute(text(statement), params).first()


def _scalar(ws, statement: str, **params):
    with ws.unit() as s:
        return s.execute(text(statement), params).scalar()


# A structure of the demo party to a convention whose people attended meetings on its
# behalf, some signing and some absent or excused: the one with the most absences.
BUSY_ORG = """
SELECT pa.organisation_id FROM attendance a
JOIN sessions s ON s.id = a.session_id
JOIN participants pa ON pa.meeting_id = s.meeting_id AND pa.person_id = a.person_id
WHERE pa.organisation_id IN (SELECT organisation_id FROM convention_parties WHERE role = 'partenaire')
GROUP BY pa.organisation_id
HAVING sum(a.signature_sha256 IS NOT NULL) > 0
ORDER BY sum(a.status IN ('absent', 'excuse')) DESC, count(*) DESC LIMIT 1
"""


def _open_structure(window: MainWindow, org_id: str) -> PartnersSection:
    page = window.show_section("structures")
    page.select_record(org_id)
    assert page.detail_pane.detail.id == org_id
    return page


def _cells(table: RelatedTable, row: int) -> list[str]:
    return [table.item(row, c).text() for c in range(table.columnCount())]


def _rows(table: RelatedTable) -> list[list[str]]:
    return [_cells(table, r) for r in range(table.rowCount())]


def _double_click(qtbot, table: RelatedTable, row: int) -> None:
    table.scrollToItem(table.item(row, 0))
    centre = table.visualItemRect(table.item(row, 0)).center()
    # A double click is a click, then a second press read as a double click.
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def test_a_structure_shows_its_identity_then_contacts_meetings_and_conventions_tabs(window, demo_ws):
    org_id = _scalar(demo_ws, BUSY_ORG)
    page = _open_structure(window, org_id)
    tabs = page.detail_pane.tabs
    contacts = _scalar(demo_ws, "SELECT count(*) FROM affiliations a JOIN people p ON p.id = a.person_id "
                                "WHERE a.organisation_id = :o AND a.deleted = 0 AND p.deleted = 0", o=org_id)
    conventions = _scalar(demo_ws, "SELECT count(*) FROM convention_parties cp JOIN conventions c "
                                   "ON c.id = cp.convention_id WHERE cp.organisation_id = :o "
                                   "AND cp.deleted = 0 AND c.deleted = 0", o=org_id)
    texts = [tabs.tabText(i) for i in range(tabs.count())]
    assert texts[0] == "Identité" and texts[1] == f"Contacts ({contacts})"
    assert texts[2].startswith("Réunions (") and texts[3] == f"Conventions ({conventions})"
    siret = _scalar(demo_ws, "SELECT siret FROM organisations WHERE id = :o", o=org_id)
    page.detail_pane.show_tab("Identité")
    identity = tabs.currentWidget().widget()
    shown = " ".join(label.text() for label in identity.findChildren(type(page.count_label)))
    if siret:
        assert siret[:3] in shown.replace(" ", "")
    # Current functions come first, past ones say when they ended.
    rows = _rows(page.detail_pane.related["Contacts"])
    ends = [r[3] for r in rows]
    assert ends == sorted(ends, key=lambda e: e != "en poste")


def test_the_meetings_tab_lists_a_meeting_one_of_its_people_attended_with_the_status(window, demo_ws):
    org_id = _scalar(demo_ws, BUSY_ORG)
    excused = _one(demo_ws, """
        SELECT m.title, p.first_name || ' ' || p.last_name, s.date, a.status FROM attendance a
        JOIN sessions s ON s.id = a.session_id JOIN meetings m ON m.id = s.meeting_id
        JOIN people p ON p.id = a.person_id
        JOIN participants pa ON pa.meeting_id = m.id AND pa.person_id = p.id
        WHERE pa.organisation_id = :o AND a.status IN ('excuse', 'absent') AND a.deleted = 0
        AND p.id IN (SELECT person_id FROM affiliations WHERE organisation_id = :o)
        ORDER BY s.date DESC LIMIT 1""", o=org_id)
    signed = _one(demo_ws, """
        SELECT m.title, p.first_name || ' ' || p.last_name FROM attendance a
        JOIN sessions s ON s.id = a.session_id JOIN meetings m ON m.id = s.meeting_id
        JOIN people p ON p.id = a.person_id
        JOIN participants pa ON pa.meeting_id = m.id AND pa.person_id = p.id
        WHERE pa.organisation_id = :o AND a.signature_sha256 IS NOT NULL AND a.deleted = 0
        AND p.id IN (SELECT person_id FROM affiliations WHERE organisation_id = :o)
        LIMIT 1""", o=org_id)
    assert excused is not None and signed is not None, "the demo has no such attendance"
    page = _open_structure(window, org_id)
    assert page.detail_pane.show_tab("Réunions")
    rows = _rows(page.detail_pane.related["Réunions"])
    title, person, day, status = excused
    date_text = f"{day[8:10]}/{day[5:7]}/{day[:4]}"
    said = {"excuse": "Excusé(e)", "absent": "Absent(e)"}[status]
    assert any(r[0] == title and r[1].startswith(date_text) and r[2] == person and r[3] == said
               for r in rows)
    assert any(r[0] == signed[0] and r[2] == signed[1] and r[3].endswith("a\u00a0signé") for r in rows)


def test_double_clicking_a_contact_of_the_structure_opens_the_contact(window, demo_ws, qtbot):
    org_id = _scalar(demo_ws, BUSY_ORG)
    page = _open_structure(window, org_id)
    page.detail_pane.show_tab("Contacts")
    table = page.detail_pane.related["Contacts"]
    person_id = table.link(1)[1]
    _double_click(qtbot, table, 1)
    qtbot.waitUntil(lambda: window.current_section().key == "contacts")
    contacts = window.section_page("contacts")
    assert contacts.detail_pane.detail.id == person_id
    name = _one(demo_ws, "SELECT first_name, last_name FROM people WHERE id = :p", p=person_id)
    assert contacts.detail_pane.title_text() == f"{name[0]} {name[1]}"


def test_a_meeting_row_opens_the_meeting_and_a_convention_row_the_convention(window, demo_ws, qtbot):
    org_id = _scalar(demo_ws, BUSY_ORG)
    page = _open_structure(window, org_id)
    page.detail_pane.show_tab("Réunions")
    table = page.detail_pane.related["Réunions"]
    view, meeting_id = table.link(0)
    assert view == "reunions"
    _double_click(qtbot, table, 0)
    qtbot.waitUntil(lambda: window.current_section().key == "reunions")
    assert window.section_page("reunions").detail_pane.detail.id == meeting_id

    page = _open_structure(window, org_id)
    window.show_section("structures")
    page.detail_pane.show_tab("Conventions")
    table = page.detail_pane.related["Conventions"]
    number = table.item(0, 0).text()
    table.setFocus()
    table.setCurrentCell(0, 0)
    QTest.keyClick(table, Qt.Key.Key_Return)  # Entrée opens it too
    qtbot.waitUntil(lambda: window.current_section().key == "conventions")
    shown = window.section_page("conventions").detail_pane.detail
    assert shown is not None and shown.title.startswith(number)


def test_the_tab_chosen_stays_from_one_structure_to_the_next(window, demo_ws):
    org_id = _scalar(demo_ws, BUSY_ORG)
    page = _open_structure(window, org_id)
    page.detail_pane.show_tab("Conventions")
    other = _scalar(demo_ws, "SELECT id FROM organisations WHERE id != :o AND archived = 0 LIMIT 1", o=org_id)
    page.select_record(other)
    tabs = page.detail_pane.tabs
    assert tabs.tabText(tabs.currentIndex()).startswith("Conventions")


def test_a_long_history_says_how_many_rows_are_not_shown(window, demo_ws, monkeypatch):
    monkeypatch.setattr(details, "RELATED_LIMIT", 3)
    org_id = _scalar(demo_ws, BUSY_ORG)
    page = _open_structure(window, org_id)
    page.detail_pane.show_tab("Réunions")
    total = details.organisation_detail(demo_ws, org_id).tables[1].total
    assert total and total > 3
    assert page.detail_pane.related["Réunions"].rowCount() == 3
    tabs = page.detail_pane.tabs
    assert tabs.tabText(tabs.currentIndex()) == f"Réunions ({total})"
    notes = [w.text() for w in tabs.currentWidget().findChildren(type(page.count_label))]
    assert f"Seules les 3 premières lignes sur {total} sont affichées." in notes


# --- contacts ---------------------------------------------------------------------------------


def test_a_contact_shows_meetings_with_signatures_structures_over_time_and_conventions(window, demo_ws, qtbot):
    person = _one(demo_ws, """
        SELECT p.id, p.first_name, p.last_name FROM people p
        JOIN convention_parties cp ON cp.representative_name = p.first_name || ' ' || p.last_name
        JOIN affiliations a ON a.person_id = p.id AND a.organisation_id = cp.organisation_id
        WHERE p.deleted = 0 LIMIT 1""")
    assert person is not None
    person_id = person[0]
    signed_conventions = _scalar(demo_ws, """
        SELECT count(DISTINCT cp.id) FROM convention_parties cp JOIN conventions c ON c.id = cp.convention_id
        WHERE cp.representative_name = :n AND c.deleted = 0 AND cp.deleted = 0
        AND cp.organisation_id IN (SELECT organisation_id FROM affiliations WHERE person_id = :p)""",
        n=f"{person[1]} {person[2]}", p=person_id)
    attended = _scalar(demo_ws, "SELECT count(*) FROM attendance WHERE person_id = :p AND deleted = 0",
                       p=person_id)
    window.navigate_to("contacts", person_id)
    page = window.section_page("contacts")
    tabs = page.detail_pane.tabs
    texts = [tabs.tabText(i) for i in range(tabs.count())]
    assert texts[0] == "Identité" and texts[1].startswith("Structures (")
    assert texts[2] == (f"Réunions ({attended})" if attended else "Réunions")
    assert texts[3] == f"Conventions ({signed_conventions})", [(t.title, len(t.rows), t.total) for t in page.detail_pane.detail.tables]
    page.detail_pane.show_tab("Conventions")
    table = page.detail_pane.related["Conventions"]
    assert all(row[3].startswith("Signée le ") or row[3] for row in _rows(table))

    page.detail_pane.show_tab("Structures")
    table = page.detail_pane.related["Structures"]
    view, org_id = table.link(0)
    org_name = _scalar(demo_ws, "SELECT name FROM organisations WHERE id = :o", o=org_id)
    assert table.item(0, 0).text() == org_name and view == "structures"
    _double_click(qtbot, table, 0)
    qtbot.waitUntil(lambda: window.current_section().key == "structures")
    assert window.section_page("structures").detail_pane.title_text() == org_name


def test_a_contacts_meetings_say_whether_each_session_was_signed(window, demo_ws):
    row = _one(demo_ws, """
        SELECT a.person_id, m.title FROM attendance a JOIN sessions s ON s.id = a.session_id
        JOIN meetings m ON m.id = s.meeting_id
        WHERE a.signature_sha256 IS NOT NULL AND a.deleted = 0 LIMIT 1""")
    window.navigate_to("contacts", row[0])
    page = window.section_page("contacts")
    page.detail_pane.show_tab("Réunions")
    rows = _rows(page.detail_pane.related["Réunions"])
    assert any(r[0] == row[1] and r[2] == "Présent(e)\u00a0– a\u00a0signé" for r in rows)
    past = _one(demo_ws, """
        SELECT a.person_id, o.name FROM affiliations a JOIN organisations o ON o.id = a.organisation_id
        WHERE a.end_date IS NOT NULL AND a.deleted = 0 LIMIT 1""")
    window.navigate_to("contacts", past[0])
    page.detail_pane.show_tab("Structures")
    rows = _rows(page.detail_pane.related["Structures"])
    assert any(r[0] == past[1] and r[3] != "en poste" for r in rows)


def test_a_public_accompagne_keeps_the_privacy_banner_on_every_tab(window, demo_ws, qtbot):
    person_id = _scalar(demo_ws, """
        SELECT p.id FROM people p JOIN attendance a ON a.person_id = p.id
        WHERE p.category = 'public' AND p.deleted = 0 AND p.archived = 0 LIMIT 1""")
    window.navigate_to("contacts", person_id)
    pane = window.section_page("contacts").detail_pane
    for tab in ("Identité", "Structures", "Réunions", "Conventions"):
        assert pane.show_tab(tab)
        qtbot.waitUntil(pane.banner_label.isVisible)
        assert pane.banner_label.text().startswith("Public accompagné\u00a0: données personnelles")
    other = _scalar(demo_ws, "SELECT id FROM people WHERE category = 'elu' AND deleted = 0 LIMIT 1")
    window.navigate_to("contacts", other)
    assert not pane.banner_label.isVisible()
