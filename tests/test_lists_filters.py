"""The filters of the structures and contacts lists and the values their menus offer."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from app.domain.text import fold
from app.errors import NotFound
from app.services import lists, partners
from app.services.lists import ListQuery
from app.services.partners import OrganisationDraft


def _sql(ws, statement: str, **params):
    with ws.unit() as s:
        return s.execute(text(statement), params).all()


LIVE_ORGS = "deleted = 0 AND merged_into IS NULL"


def _all_ids(ws, view: str, query: ListQuery) -> set[str]:
    total = lists.count(ws, view, query)
    rows = lists.fetch(ws, view, query, 0, total + 10).rows
    return {r.id for r in rows}


def test_structure_menus_offer_the_kinds_territories_and_tags_in_use(demo_ws):
    choices = lists.filter_choices(demo_ws, "structures")
    used_kinds = {code for (code,) in _sql(demo_ws, f"SELECT DISTINCT kind_code FROM organisations WHERE {LIVE_ORGS}")}
    assert {code for code, _label in choices["kind"]} == used_kinds
    assert ("aci", "Atelier et chantier d'insertion (ACI)") in choices["kind"]
    territories = {t for (t,) in _sql(demo_ws, f"SELECT territory FROM organisations WHERE {LIVE_ORGS} AND territory != ''")}
    assert [code for code, _ in choices["territory"]] == sorted(territories, key=lambda t: (fold(t), t))
    tags = {tag for (raw,) in _sql(demo_ws, f"SELECT tags FROM organisations WHERE {LIVE_ORGS}") for tag in json.loads(raw)}
    assert {code for code, _ in choices["tag"]} == tags
    # Sorted as a French reader expects (accents and case ignored).
    labels = [label for _, label in choices["kind"]]
    assert labels == sorted(labels, key=fold)


def test_contact_menus_offer_every_category_and_the_territories(demo_ws):
    choices = lists.filter_choices(demo_ws, "contacts")
    assert ("public", "Public accompagné") in choices["category"]
    assert ("elu", "Élu(e)") in choices["category"]
    assert choices["territory"] == lists.filter_choices(demo_ws, "structures")["territory"]
    assert lists.filter_choices(demo_ws, "reunions") == {}
    with pytest.raises(NotFound):
        lists.filter_choices(demo_ws, "nimporte")


def test_a_tag_keeps_exactly_the_structures_carrying_it(demo_ws):
    query = ListQuery(filters=(("tag", "SIAE"),))
    expected = {i for i, raw in _sql(demo_ws, f"SELECT id, tags FROM organisations WHERE {LIVE_ORGS} AND archived = 0")
                if "SIAE" in json.loads(raw)}
    assert expected and _all_ids(demo_ws, "structures", query) == expected
    assert lists.count(demo_ws, "structures", query) == len(expected)


def test_a_tag_is_matched_whole_and_literally(demo_ws):
    ids = {}
    for name, tags in (("Atelier A", ["a_b"]), ("Atelier B", ["axb"]), ("Atelier C", ['l"atelier 100 %']),
                       ("Atelier D", ["a_b et plus"])):
        ids[name] = partners.create_organisation(demo_ws, OrganisationDraft(name=name, tags=tuple(tags))).id
    assert _all_ids(demo_ws, "structures", ListQuery(filters=(("tag", "a_b"),))) == {ids["Atelier A"]}
    assert _all_ids(demo_ws, "structures", ListQuery(filters=(("tag", 'l"atelier 100 %'),))) == {ids["Atelier C"]}
    assert "a_b et plus" in {code for code, _ in lists.filter_choices(demo_ws, "structures")["tag"]}


def test_filters_combine_with_each_other_and_with_the_search(demo_ws):
    territory = "Mayotte"
    expected = {i for (i,) in _sql(demo_ws, f"SELECT id FROM organisations WHERE {LIVE_ORGS} AND archived = 0 "
                                            "AND territory = :t AND kind_code = 'aci'", t=territory)}
    query = ListQuery(filters=(("kind", "aci"), ("territory", territory)))
    assert expected and _all_ids(demo_ws, "structures", query) == expected
    some = lists.fetch(demo_ws, "structures", query, 0, 1).rows[0]
    searched = ListQuery(search=some.cells[0].split()[-1], filters=query.filters)
    assert some.id in _all_ids(demo_ws, "structures", searched)
    assert _all_ids(demo_ws, "structures", searched) <= expected


def test_archived_structures_are_filtered_too_when_shown(demo_ws):
    org_id = next(i for i, raw in _sql(demo_ws, f"SELECT id, tags FROM organisations WHERE {LIVE_ORGS} AND archived = 0")
                  if "SIAE" in json.loads(raw))
    partners.archive_organisation(demo_ws, org_id, "Fermée")
    tag = (("tag", "SIAE"),)
    assert org_id not in _all_ids(demo_ws, "structures", ListQuery(filters=tag))
    assert org_id in _all_ids(demo_ws, "structures", ListQuery(filters=tag, show_archived=True))


def test_contacts_by_category_and_by_the_territory_of_their_structure(demo_ws):
    elus = {i for (i,) in _sql(demo_ws, "SELECT id FROM people WHERE deleted = 0 AND merged_into IS NULL "
                                        "AND archived = 0 AND category = 'elu'")}
    assert elus and _all_ids(demo_ws, "contacts", ListQuery(filters=(("category", "elu"),))) == elus
    in_mayotte = {i for (i,) in _sql(
        demo_ws,
        "SELECT DISTINCT p.id FROM people p JOIN affiliations a ON a.person_id = p.id "
        "JOIN organisations o ON o.id = a.organisation_id WHERE p.deleted = 0 AND p.merged_into IS NULL "
        "AND p.archived = 0 AND a.deleted = 0 AND a.end_date IS NULL AND o.territory = 'Mayotte'")}
    assert in_mayotte and _all_ids(demo_ws, "contacts", ListQuery(filters=(("territory", "Mayotte"),))) == in_mayotte
    both = ListQuery(filters=(("category", "public"), ("territory", "Mayotte")))
    assert _all_ids(demo_ws, "contacts", both) == in_mayotte & {
        i for (i,) in _sql(demo_ws, "SELECT id FROM people WHERE category = 'public'")}
