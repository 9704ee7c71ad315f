"""The filter menus above the structures and contacts lists, driven as a user would."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from app.services import lists, partners
from app.services.partners import OrganisationDraft
from ui.partners.section import PartnersSection

LIVE = "deleted = 0 AND merged_into IS NULL AND archived = 0"


@pytest.fixture
def structures(window) -> PartnersSection:
    return window.show_section("structures")


@pytest.fixture
def contacts(window) -> PartnersSection:
    return window.show_section("contacts")


def _scalar(ws, statement: str, **params):
    from sqlalchemy import text

    with ws.unit() as s:
        return s.execute(text(statement), params).scalar()


def _choose(section: PartnersSection, key: str, value: str) -> None:
    combo = section.filter_bar.combos[key]
    index = combo.findData(value)
    assert index > 0, f"{value!r} is not offered in the {key} menu"
    combo.setCurrentIndex(index)


def _column(section: PartnersSection, key: str) -> list[str]:
    column = section.model.column_of(key)
    return [section.model.index(r, column).data() for r in range(section.model.rowCount())]


def test_the_menus_read_tous_and_offer_what_the_data_holds(structures, contacts):
    texts = {key: combo.itemText(0) for key, combo in structures.filter_bar.combos.items()}
    assert texts == {"kind": "Tous les types", "territory": "Tous les territoires",
                     "tag": "Toutes les étiquettes"}
    kind = structures.filter_bar.combos["kind"]
    assert "Atelier et chantier d'insertion (ACI)" in [kind.itemText(i) for i in range(kind.count())]
    assert structures.filter_bar.combos["territory"].findText("Mayotte") > 0
    assert structures.filter_bar.combos["tag"].findText("SIAE") > 0
    assert not structures.filter_bar.clear_button.isEnabled()
    assert contacts.filter_bar.combos["category"].itemText(0) == "Toutes les catégories"
    assert contacts.filter_bar.combos["category"].findText("Public accompagné") > 0


def test_choosing_a_type_leaves_only_structures_of_that_type_and_the_count_says_so(
        structures, demo_ws, qtbot):
    everything = structures.model.total
    assert structures.count_label.text() == f"{everything}\u00a0structures"
    expected = _scalar(demo_ws, f"SELECT count(*) FROM organisations WHERE {LIVE} AND kind_code = 'aci'")
    assert 1 < expected < everything

    _choose(structures, "kind", "aci")
    qtbot.waitUntil(lambda: structures.model.total == expected)
    assert structures.count_label.text() == f"{expected}\u00a0structures"
    assert set(_column(structures, "kind")) == {"Atelier et chantier d'insertion (ACI)"}
    assert structures.filter_bar.clear_button.isEnabled()

    qtbot.mouseClick(structures.filter_bar.clear_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: structures.model.total == everything)
    assert structures.filter_bar.combos["kind"].currentText() == "Tous les types"
    assert not structures.filter_bar.clear_button.isEnabled()


def test_territory_and_tag_combine(structures, demo_ws, qtbot):
    rows = [(i, json.loads(tags)) for i, tags in _rows(
        demo_ws, f"SELECT id, tags FROM organisations WHERE {LIVE} AND territory = 'Auxerrois'")]
    expected = {i for i, tags in rows if "SIAE" in tags}
    assert expected and len(expected) < len(rows)
    _choose(structures, "territory", "Auxerrois")
    qtbot.waitUntil(lambda: structures.model.total == len(rows))
    assert set(_column(structures, "territory")) == {"Auxerrois"}
    _choose(structures, "tag", "SIAE")
    qtbot.waitUntil(lambda: structures.model.total == len(expected))
    assert {structures.model.record_id(r) for r in range(structures.model.rowCount())} == expected
    assert structures.count_label.text().startswith(str(len(expected)))


def test_no_match_is_said_in_the_empty_list(structures, qtbot):
    _choose(structures, "territory", "Mayotte")
    _choose(structures, "tag", "Ressourcerie")
    qtbot.waitUntil(lambda: structures.model.total == 0)
    assert structures.count_label.text() == "Aucune structure"
    assert structures.table.empty_label.isVisible()
    assert structures.table.empty_label.text() == "Aucune structure ne correspond à ces filtres."


def test_archived_structures_with_the_tag_come_back_with_the_checkbox(structures, demo_ws, qtbot):
    org_id = next(i for i, tags in _rows(demo_ws, f"SELECT id, tags FROM organisations WHERE {LIVE}")
                  if "SIAE" in json.loads(tags))
    written = partners.archive_organisation(demo_ws, org_id, "Fermée")
    structures.apply_changes(written.changes)
    _choose(structures, "tag", "SIAE")
    qtbot.waitUntil(lambda: structures.model.total > 0)
    assert structures.model.row_of(org_id) is None
    structures.archived_box.setChecked(True)
    qtbot.waitUntil(lambda: structures.model.row_of(org_id) is not None)
    assert structures.model.query.filters == (("tag", "SIAE"),)


def test_a_new_tag_is_offered_once_a_structure_carries_it(structures, demo_ws, qtbot):
    assert structures.filter_bar.combos["tag"].findText("Recyclerie") < 0
    written = partners.create_organisation(
        demo_ws, OrganisationDraft(name="Recyclerie du Tonnerrois", tags=("Recyclerie",)))
    structures.apply_changes(written.changes)
    assert structures.filter_bar.combos["tag"].findText("Recyclerie") > 0
    _choose(structures, "tag", "Recyclerie")
    qtbot.waitUntil(lambda: structures.model.total == 1)
    assert structures.model.record_id(0) == written.id


def test_opening_a_structure_hidden_by_the_filters_clears_them(window, structures, demo_ws, qtbot):
    commune = _scalar(demo_ws, f"SELECT id FROM organisations WHERE {LIVE} AND kind_code = 'commune' LIMIT 1")
    _choose(structures, "kind", "aci")
    qtbot.waitUntil(lambda: structures.model.row_of(commune) is None and structures.model.total > 0)
    window.navigate_to("structures", commune)
    assert structures.filter_bar.combos["kind"].currentText() == "Tous les types"
    assert structures.detail_pane.detail.id == commune
    assert structures.model.record_id(structures.table.currentIndex().row()) == commune


def test_contacts_by_category_and_by_territory(contacts, demo_ws, qtbot):
    elus = _scalar(demo_ws, f"SELECT count(*) FROM people WHERE {LIVE} AND category = 'elu'")
    _choose(contacts, "category", "elu")
    qtbot.waitUntil(lambda: contacts.model.total == elus)
    assert set(_column(contacts, "category")) == {"Élu(e)"}
    assert contacts.count_label.text() == f"{elus}\u00a0contacts"
    in_mayotte = _scalar(
        demo_ws,
        "SELECT count(DISTINCT p.id) FROM people p JOIN affiliations a ON a.person_id = p.id "
        "JOIN organisations o ON o.id = a.organisation_id WHERE p.deleted = 0 AND p.archived = 0 "
        "AND p.merged_into IS NULL AND p.category = 'elu' AND a.deleted = 0 AND a.end_date IS NULL "
        "AND o.territory = 'Mayotte'")
    _choose(contacts, "territory", "Mayotte")
    qtbot.waitUntil(lambda: contacts.model.total == in_mayotte)
    assert in_mayotte > 0


def test_the_filtered_model_passes_the_model_tester(structures, qtmodeltester, qtbot):
    _choose(structures, "territory", "Auxerrois")
    qtbot.waitUntil(lambda: structures.model.query.filters == (("territory", "Auxerrois"),))
    qtmodeltester.check(structures.model)
    assert lists.count(structures.ws, "structures", structures.model.query) == structures.model.total


def _rows(ws, statement: str):
    from sqlalchemy import text

    with ws.unit() as s:
        return s.execute(text(statement)).all()

