"""The list models: Qt's model tester on every list, lazy pages, SQL sorting, roles."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor

from app.services import lists
from app.services.lists import ColumnSpec, ListPage, ListQuery, ListRow, ListView
from ui.models import PAGE_SIZE, ListLoader, RecordListModel, workspace_loader

LIST_NAMES = ("structures", "contacts", "reunions", "conventions", "actions", "pairs")


@pytest.fixture(autouse=True)
def _application(qapp):
    """The models run inside the application (their deferred fetches use its event loop)."""
    return qapp


def _model(ws, name: str) -> RecordListModel:
    model = RecordListModel(workspace_loader(ws, name), lists.view(name))
    model.reload()
    return model


def test_every_service_list_has_a_model_tested_here():
    assert {v.name for v in lists.views()} == set(LIST_NAMES)


# Qt's C++ tester (pytest-qt's default) reports through Qt warnings, which fail the test.
# pytest-qt's Python tester is not used: with PySide6 6.12 it corrupts the reference count of
# True/False (a QStandardItemModel checked a dozen times crashes the interpreter at exit).
@pytest.mark.parametrize("name", LIST_NAMES)
def test_every_list_model_passes_the_model_tester(qtmodeltester, demo_ws, name):
    model = _model(demo_ws, name)
    if name != "pairs":
        assert model.rowCount() > 0
    qtmodeltester.check(model)
    # Changes after the check are checked too.
    model.set_search("a")
    model.sort(0, Qt.SortOrder.DescendingOrder)
    model.set_show_archived(True)
    model.set_search("")


class FakeLoader:
    """``n`` rows named 0000, 0001…; records the calls so laziness can be asserted."""

    def __init__(self, n: int) -> None:
        self.rows = [ListRow(f"id{i:04}", (f"{i:04}", str(i)), muted=i % 7 == 0) for i in range(n)]
        self.counts = 0
        self.fetches: list[tuple[int, int]] = []

    def count(self, query: ListQuery) -> int:
        self.counts += 1
        return len(self._matching(query))

    def fetch(self, query: ListQuery, offset: int, limit: int) -> ListPage:
        self.fetches.append((offset, limit))
        rows = self._matching(query)
        if query.descending:
            rows = rows[::-1]
        return ListPage(offset, tuple(rows[offset : offset + limit]))

    def _matching(self, query: ListQuery) -> list[ListRow]:
        return [r for r in self.rows if query.search in r.cells[0]]

    def loader(self) -> ListLoader:
        return ListLoader(self.count, self.fetch)


VIEW = ListView("fake", "Faux", (ColumnSpec("code", "Code"), ColumnSpec("n", "Nombre", "int")),
                "Rien ici.", "code")


def test_nothing_is_queried_until_the_first_reload(qtmodeltester):
    fake = FakeLoader(10)
    model = RecordListModel(fake.loader(), VIEW)
    model.sort(1, Qt.SortOrder.DescendingOrder)  # what setSortingEnabled does: no query
    assert (fake.counts, fake.fetches) == (0, [])
    assert model.rowCount() == 0 and not model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)
    model.reload()
    assert model.query.sort == "n" and model.query.descending
    assert model.rowCount() == 10


def test_a_big_list_is_read_page_by_page(qtmodeltester):
    fake = FakeLoader(2 * PAGE_SIZE + 50)
    model = RecordListModel(fake.loader(), VIEW)
    qtmodeltester.check(model)
    model.reload()
    assert model.rowCount() == PAGE_SIZE
    assert model.total == 2 * PAGE_SIZE + 50
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 2 * PAGE_SIZE + 50
    assert not model.canFetchMore(QModelIndex())
    assert fake.fetches == [(0, PAGE_SIZE), (PAGE_SIZE, PAGE_SIZE), (2 * PAGE_SIZE, PAGE_SIZE)]
    assert model.record_id(2 * PAGE_SIZE + 49) == "id0449"
    assert model.row_of("id0300") == 300
    assert model.row_of("absent") is None


def test_search_and_sort_go_back_to_the_first_page():
    fake = FakeLoader(500)
    model = RecordListModel(fake.loader(), VIEW)
    model.reload()
    model.fetchMore(QModelIndex())
    model.set_search("04")
    assert model.rowCount() == model.total == len([r for r in fake.rows if "04" in r.cells[0]])
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert model.data(model.index(0, 0)) == "0499"
    calls = len(fake.fetches)
    model.sort(0, Qt.SortOrder.DescendingOrder)  # same order again: no query
    assert len(fake.fetches) == calls


def test_roles_alignment_muted_rows_tooltips_and_headers():
    fake = FakeLoader(3)
    model = RecordListModel(fake.loader(), VIEW)
    model.reload()
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Code"
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Nombre"
    right = int(Qt.AlignmentFlag.AlignRight.value)
    assert model.data(model.index(1, 1), Qt.ItemDataRole.TextAlignmentRole) & right
    assert not model.data(model.index(1, 0), Qt.ItemDataRole.TextAlignmentRole) & right
    muted = model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole)  # row 0 is muted
    assert isinstance(muted, QColor)
    assert model.data(model.index(1, 0), Qt.ItemDataRole.ForegroundRole) is None
    assert model.data(model.index(2, 0), Qt.ItemDataRole.ToolTipRole) == "0002"
    assert model.data(model.index(2, 0), Qt.ItemDataRole.UserRole) == "id0002"


def test_sorting_is_done_in_sql_on_the_whole_list(demo_ws):
    model = _model(demo_ws, "structures")
    first_by_name = model.data(model.index(0, 0))
    model.sort(model.column_of("name"), Qt.SortOrder.DescendingOrder)
    last_by_name = model.data(model.index(0, 0))
    assert last_by_name != first_by_name
    # The same first row the service gives for the whole table, not a re-sort of a page.
    page = lists.fetch(demo_ws, "structures", ListQuery(sort="name", descending=True), 0, 1)
    assert last_by_name == page.rows[0].cells[0]

    contacts = model.column_of("contacts")
    model.sort(contacts, Qt.SortOrder.DescendingOrder)
    numbers = [int(model.data(model.index(r, contacts)).replace("\u202f", ""))
               for r in range(model.rowCount())]
    assert numbers == sorted(numbers, reverse=True)


def test_accent_insensitive_search_through_the_model(demo_ws):
    model = _model(demo_ws, "contacts")
    everyone = model.total
    model.set_search("severine")
    assert 0 < model.total < everyone
    first_names = {model.data(model.index(r, 1)) for r in range(model.rowCount())}
    assert "Séverine" in first_names
