"""List order as users see it: case- and accent-insensitive, empty values last, then by id —
the same whether the page is computed on the search documents (their stored sort keys and
list flags) or on the records themselves, and kept in step by every kind of write."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select, text

from app.domain.text import fold
from app.services import duplicates, lists, search
from app.services.dump import dump
from app.services.lists import ListQuery
from app.services.privacy import anonymise_person
from app.services.workspace import open_workspace
from app.storage.backup import inspect_backup, quick_check_file
from app.storage.database import sql_fold
from app.storage.models import Organisation, Person
from app.storage.stamping import bulk_insert

FIRST_NAMES = ["Fabrice", "Émilie", "eddy", "Eddy", "", "Zoé", "éric", "Œdipe", "Anaïs", "Ève"]
LAST_NAMES = ["Lefèvre", "lefebvre", "Le Gall", "", "Étienne", "Dupont", "ÉTIENNE", "Zidane",
              "d'Arc", "Oeuvre"]


@pytest.fixture
def ws():
    w = open_workspace(None)
    yield w
    w.close()


def _people(ws, rows: list[tuple[str, str]], **extra) -> list[str]:  # noqa: ANN003
    with ws.unit(write=True) as s:
        people = [Person(last_name=last, first_name=first, category="technicien", **extra)
                  for last, first in rows]
        s.add_all(people)
    return [p.id for p in people]


def _column(ws, view: str, key: str, query: ListQuery) -> list[str]:
    index = [c.key for c in lists.view(view).columns].index(key)
    return [r.cells[index] for r in lists.fetch(ws, view, query, 0, 500).rows]


def _expected(ws, model: type, attr: str, descending: bool = False) -> list[tuple[str, str]]:
    """The documented order computed in Python: empty last, folded value, id."""
    with ws.unit() as s:
        rows = s.execute(select(model.id, getattr(model, attr)).where(
            model.deleted.is_(False), model.archived.is_(False), model.merged_into.is_(None)))
        rows = [(i, v or "") for i, v in rows]
    rows.sort(key=lambda r: r[0])
    rows.sort(key=lambda r: fold(r[1]), reverse=descending)
    rows.sort(key=lambda r: r[1] == "")
    return rows


def _ids(ws, view: str, query: ListQuery) -> list[str]:
    return [r.id for r in lists.fetch(ws, view, query, 0, 500).rows]


def test_emilie_sorts_between_eddy_and_fabrice(ws):
    _people(ws, [("Martin", "Fabrice"), ("Bernard", "Émilie"), ("Petit", "Eddy")])
    _people(ws, [("Fabrice", "A"), ("Émilie", "B"), ("Eddy", "C")])
    assert _column(ws, "contacts", "first_name", ListQuery(sort="first_name")) == [
        "A", "B", "C", "Eddy", "Émilie", "Fabrice"]
    assert _column(ws, "contacts", "last_name", ListQuery(sort="last_name")) == [
        "Bernard", "Eddy", "Émilie", "Fabrice", "Martin", "Petit"]
    assert _column(ws, "contacts", "last_name", ListQuery(sort="last_name", descending=True)) == [
        "Petit", "Martin", "Fabrice", "Émilie", "Eddy", "Bernard"]
    with ws.unit(write=True) as s:
        s.add_all([Organisation(name=n) for n in ("Fabrice SARL", "Émilie ACI", "Eddy Régie")])
    assert _column(ws, "structures", "name", ListQuery()) == [
        "Eddy Régie", "Émilie ACI", "Fabrice SARL"]


def test_severine_finds_severine_and_the_page_is_in_order(ws):
    _people(ws, [("Lefèvre", "Séverine"), ("Attoumani", "Séverine"), ("Zidane", "severine"),
                 ("Martin", "Sévérine"), ("Dupont", "Paul"), ("Étienne", "SEVERINE")])
    query = ListQuery(search="severine")
    assert lists.count(ws, "contacts", query) == 5
    assert _column(ws, "contacts", "last_name", query) == [
        "Attoumani", "Étienne", "Lefèvre", "Martin", "Zidane"]
    # By first name: equal folded names (« Séverine », « severine »…) in the order of their ids.
    page = _ids(ws, "contacts", ListQuery(search="sev", sort="first_name"))
    with ws.unit() as s:
        first = dict(s.execute(select(Person.id, Person.first_name)).all())
    assert page == sorted(page, key=lambda i: (fold(first[i]), i))
    assert len(page) == 5 and "Paul" not in {first[i] for i in page}


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("column", ["last_name", "first_name", "email"])
def test_contacts_order_is_the_folded_order_with_empty_values_last(ws, column, descending):
    rows = [(LAST_NAMES[i % 10], FIRST_NAMES[(i * 3) % 10]) for i in range(40)]
    ids = _people(ws, rows)
    with ws.unit(write=True) as s:
        for n, pid in enumerate(ids):
            s.get(Person, pid).email = "" if n % 4 == 0 else f"{FIRST_NAMES[n % 10]}.{n}@Exemple.fr"
    expected = [i for i, _ in _expected(ws, Person, column, descending)]
    query = ListQuery(sort=column, descending=descending)
    assert _ids(ws, "contacts", query) == expected
    # The same order when a filter sends the query to the people themselves.
    filtered = ListQuery(sort=column, descending=descending, filters=(("category", "technicien"),))
    assert _ids(ws, "contacts", filtered) == expected
    # Pages follow each other without gaps or repeats.
    pages = [r.id for start in range(0, 40, 7)
             for r in lists.fetch(ws, "contacts", query, start, 7).rows]
    assert pages == expected


@pytest.mark.parametrize("column", ["name", "acronym", "city", "territory"])
def test_structures_order_is_the_folded_order_with_empty_values_last(ws, column):
    with ws.unit(write=True) as s:
        for i in range(30):
            s.add(Organisation(name=f"{LAST_NAMES[i % 10]} {i % 3}", acronym=FIRST_NAMES[i % 10],
                               city=LAST_NAMES[(i * 7) % 10], territory=FIRST_NAMES[(i * 3) % 10],
                               kind_code="aci" if i % 2 else "ei"))
    with ws.unit() as s:
        aci = set(s.execute(select(Organisation.id).where(Organisation.kind_code == "aci")).scalars())
    for descending in (False, True):
        expected = [i for i, _ in _expected(ws, Organisation, column, descending)]
        assert _ids(ws, "structures", ListQuery(sort=column, descending=descending)) == expected
        # A filter the documents do not carry: the query reads the structures themselves.
        kind = ListQuery(sort=column, descending=descending, filters=(("kind", "aci"),))
        assert _ids(ws, "structures", kind) == [i for i in expected if i in aci]


def test_other_lists_still_sort_ignoring_case_and_accents(ws):
    from app.storage.models import Action, Meeting

    with ws.unit(write=True) as s:
        s.add_all([Meeting(kind="copil", title=t) for t in ("Fabrice", "émilie", "Eddy", "")])
        s.add_all([Action(code=c, title=c) for c in ("FSE-2", "ém-1", "Ea-3")])
    assert _column(ws, "reunions", "title", ListQuery(sort="title")) == [
        "Eddy", "émilie", "Fabrice", ""]
    assert _column(ws, "reunions", "title", ListQuery(sort="title", descending=True)) == [
        "Fabrice", "émilie", "Eddy", ""]
    assert _column(ws, "actions", "code", ListQuery()) == ["Ea-3", "ém-1", "FSE-2"]


def test_sort_keys_and_flags_follow_every_write(ws):
    [eddy, emilie, fabrice, zoe] = _people(
        ws, [("Eddy", "a"), ("Émilie", "b"), ("Fabrice", "c"), ("Zoé", "d")])

    def names(**q):  # noqa: ANN003, ANN202
        return _column(ws, "contacts", "last_name", ListQuery(**q))

    with ws.unit(write=True) as s:
        s.get(Person, zoe).last_name = "Aubin"  # an edit moves the row
    assert names() == ["Aubin", "Eddy", "Émilie", "Fabrice"]
    with ws.unit(write=True) as s:
        s.get(Person, fabrice).archived = True
    assert names() == ["Aubin", "Eddy", "Émilie"]
    assert names(show_archived=True) == ["Aubin", "Eddy", "Émilie", "Fabrice"]
    assert lists.count(ws, "contacts", ListQuery()) == 3
    assert lists.count(ws, "contacts", ListQuery(show_archived=True)) == 4
    with ws.unit(write=True) as s:
        s.get(Person, fabrice).archived = False
        s.get(Person, eddy).deleted = True  # a tombstone
    assert names() == ["Aubin", "Émilie", "Fabrice"]
    assert lists.count(ws, "contacts", ListQuery(search="eddy")) == 0

    result = duplicates.merge(ws, "people", emilie, fabrice)
    assert names() == ["Aubin", "Émilie"]
    result.undo.undo(ws)
    assert names() == ["Aubin", "Émilie", "Fabrice"]

    anonymise_person(ws, emilie)
    with ws.unit() as s:
        label = s.get(Person, emilie).last_name
    assert names() == sorted(["Aubin", label, "Fabrice"], key=fold)
    assert lists.count(ws, "contacts", ListQuery(search="emilie")) == 0


def test_bulk_writes_and_sync_imports_fill_the_keys(ws, tmp_path):
    from app.sync.service import export_file, import_file

    with ws.unit(write=True) as s:
        bulk_insert(s, Person, [{"last_name": n, "first_name": "x", "category": "elu"}
                                for n in ("Fabrice", "Émilie", "Eddy", "")])
    assert _column(ws, "contacts", "last_name", ListQuery()) == ["Eddy", "Émilie", "Fabrice", ""]
    f = tmp_path / "a.msync"
    export_file(ws, f, full=True, passphrase="phrase de passe du réseau")
    with open_workspace(tmp_path / "b.sqlite") as other:
        import_file(other, f, passphrase="phrase de passe du réseau")
        assert _column(other, "contacts", "last_name", ListQuery()) == [
            "Eddy", "Émilie", "Fabrice", ""]
        assert lists.count(other, "contacts", ListQuery(search="emi")) == 1
        # The sort keys are local: nothing of them travels or is dumped.
        assert dump(other) == dump(ws)
        assert not any(k.startswith("sort_") for rows in dump(other).values()
                       for row in rows for k in row)


def test_rebuilding_the_index_gives_the_documents_the_triggers_wrote(ws):
    _people(ws, [(last, first) for last, first in zip(LAST_NAMES, FIRST_NAMES)])
    with ws.unit(write=True) as s:
        s.add_all([Organisation(name=n, city=c, territory="Puisaye")
                   for n, c in zip(LAST_NAMES, FIRST_NAMES)])

    def docs():  # noqa: ANN202
        with ws.unit() as s:
            return {kind: sorted(tuple(r[1:]) for r in s.execute(
                text(f"SELECT * FROM search_{kind}_docs")).all()) for kind in search.TABLES}

    before = docs()
    search.rebuild_index(ws)
    assert docs() == before
    assert lists.count(ws, "contacts", ListQuery(search="oeuvre")) == 1


def test_the_sql_fold_is_the_domain_fold():
    samples = ["", "Séverine", "ŒUVRE", "Straße", "İstanbul", "ÉTIENNE", "d'Arc", "ABC xyz 123",
               "Ǆemal", "ﬁne", "Mamoudzou", "\u0301", "x" * 300]
    for value in samples:
        assert sql_fold(value) == fold(value), value
    assert sql_fold(None) == fold(None) == ""
    for code in range(128):
        assert sql_fold(chr(code)) == fold(chr(code))


def test_plain_sqlite_connections_still_check_and_read_the_file(tmp_path):
    path = tmp_path / "antenne.sqlite"
    with open_workspace(path) as w:
        _people(w, [("Lefèvre", "Séverine"), ("Eddy", "")])
    # No index on a Python function: the checks of backups and of the file pass as they are.
    assert quick_check_file(path, full=True) == ("ok",)
    assert inspect_backup(path) >= 1
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute(
            "SELECT sort_last_name FROM search_people_docs ORDER BY sort_last_name").fetchall() == [
            ("eddy",), ("lefevre",)]
