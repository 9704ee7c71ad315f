"""After a sync import the search and the lists see the imported records exactly as if they
had been typed here: the import refreshes the search documents itself (a first import in one
pass, later ones by batch) and the index is the one a full rebuild would give."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlalchemy import text

from app.services import lists, search
from app.services.lists import ListQuery
from app.services.privacy import anonymise_person
from app.storage.migrations import refresh_search_index
from app.storage.models import Organisation, Person
from app.sync import importing
from test_sync_support import Site, database_picture, fast_kdf, sites  # noqa: F401

PEOPLE = [("Lefèvre", "Séverine"), ("Attoumani", "Séverine"), ("Zidane", "severine"),
          ("Étienne", "Émilie"), ("Dupont", "Paul"), ("Œuvray", "Zoé")]


def _documents(site: Site) -> dict[str, list[tuple[Any, ...]]]:
    """Every search document but its internal id, per table."""
    out = {}
    with sqlite3.connect(site.path) as conn:
        for table in search.TABLES:
            cols = ", ".join(search.document_columns(table))
            out[table] = sorted(conn.execute(f"SELECT {cols} FROM search_{table}_docs").fetchall(),
                                key=repr)
    return out


def _assert_index_is_a_rebuild(site: Site) -> None:
    """The full-text index matches its documents, the documents are those a rebuild computes
    from the records, and the triggers are all back (nothing for the opening to repair)."""
    with site.ws.unit(write=True) as s:
        for table in search.TABLES:
            s.execute(text(f"INSERT INTO search_{table} (search_{table}, rank) "
                           "VALUES ('integrity-check', 1)"))
    imported = _documents(site)
    assert refresh_search_index(site.ws.db.engine) == []
    search.rebuild_index(site.ws)
    assert _documents(site) == imported


def _names(site: Site, query: str) -> list[str]:
    index = [c.key for c in lists.view("contacts").columns].index("last_name")
    return [r.cells[index] for r in lists.fetch(site.ws, "contacts", ListQuery(search=query), 0, 50).rows]


def _source(a: Site) -> dict[str, str]:
    with a.ws.unit(write=True) as s:
        people = [Person(last_name=last, first_name=first, category="technicien",
                         email=f"{first.lower()}.{i}@exemple.fr") for i, (last, first) in enumerate(PEOPLE)]
        s.add_all(people)
        s.add_all([Organisation(name="Régie de quartier", kind_code="association", city="Sens"),
                   Organisation(name="Chantier d'insertion", kind_code="aci", city="Avallon",
                                archived=True)])
    return {p.last_name: p.id for p in people}


def _edit(site: Site, rid: str, **values: Any) -> None:
    with site.ws.unit(write=True) as s:
        person = s.get(Person, rid)
        for k, v in values.items():
            setattr(person, k, v)


def test_full_then_delta_import_leave_the_index_a_rebuild_would_give(sites) -> None:  # noqa: ANN001
    a, b = sites("siege", "avallon")
    ids = _source(a)
    b.load(a.export(full=True))  # into an empty base: documents filled in one pass
    a.load(b.export(a))
    _assert_index_is_a_rebuild(b)
    assert set(search.search_ids(b.ws, "people", "severine")) == {
        ids["Lefèvre"], ids["Attoumani"], ids["Zidane"]}
    assert _names(b, "severine") == ["Attoumani", "Lefèvre", "Zidane"]
    assert search.search_ids(b.ws, "people", "oeuv") == [ids["Œuvray"]]
    assert [h.title for h in search.global_search(b.ws, "regie")] == ["Régie de quartier"]
    # The archived structure is indexed, its flag copied: lists hide it, search shows it last.
    assert [h.title for h in search.global_search(b.ws, "chantier")] == ["Chantier d'insertion"]
    assert lists.count(b.ws, "structures", ListQuery()) == 1

    # A delta into a base that holds records: renames, a deletion, an erasure, a newcomer,
    # and an edit no search column sees.
    _edit(a, ids["Lefèvre"], first_name="Marie-Séverine")
    _edit(a, ids["Zidane"], deleted=True)
    _edit(a, ids["Dupont"], notes="Rappeler en juin")
    anonymise_person(a.ws, ids["Attoumani"])
    with a.ws.unit(write=True) as s:
        s.add(Person(last_name="Bénard", first_name="Séverine", category="elu"))
    report = b.load(a.export(b))
    assert report.created == 1 and report.updated >= 4
    _assert_index_is_a_rebuild(b)
    assert _names(b, "severine") == ["Bénard", "Lefèvre"]
    assert ids["Zidane"] not in search.search_ids(b.ws, "people", "zidane")
    assert search.search_ids(b.ws, "people", "attoumani") == []
    assert search.search_ids(b.ws, "people", "marie sev") == [ids["Lefèvre"]]

    # The triggers are back: an ordinary edit on B is found at once.
    _edit(b, ids["Dupont"], last_name="Dupond-Sévère")
    assert search.search_ids(b.ws, "people", "dupond") == [ids["Dupont"]]
    _assert_index_is_a_rebuild(b)


@pytest.mark.parametrize("first_import", [True, False])
def test_an_import_failing_midway_leaves_the_index_and_its_triggers_as_they_were(
        sites, monkeypatch, first_import: bool) -> None:  # noqa: ANN001
    a, b = sites("siege", "avallon")
    ids = _source(a)
    if not first_import:
        b.load(a.export())
        a.load(b.export(a))
        _edit(a, ids["Lefèvre"], last_name="Lefebvre")
        with a.ws.unit(write=True) as s:
            s.add_all([Person(last_name=f"Nouveau {i}", category="technicien") for i in range(30)])
    f = a.export(b if not first_import else None)
    monkeypatch.setattr(importing, "BATCH", 5)
    real = importing.merge_row
    calls = {"n": 0}

    def failing(*args: Any):  # noqa: ANN202 - the decision taken for every incoming row
        calls["n"] += 1
        if calls["n"] == 12:
            raise RuntimeError("panne simulée")
        return real(*args)

    monkeypatch.setattr(importing, "merge_row", failing)
    before = database_picture(b.path)  # the schema included: triggers and all
    with pytest.raises(RuntimeError):
        b.load(f)
    assert database_picture(b.path) == before
    monkeypatch.setattr(importing, "merge_row", real)
    b.load(f)
    _assert_index_is_a_rebuild(b)
    assert search.search_ids(b.ws, "people", "lefe") == [ids["Lefèvre"]]
