"""« Rechercher partout… » (Ctrl+K) over structures and contacts, from the keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.services import lists
from app.services.lists import ListQuery
from ui.main import create_application
from ui.mainwindow import MainWindow
from ui.search_dialog import GlobalSearchDialog


@pytest.fixture
def window(qtbot, demo_ws):
    create_application()
    win = MainWindow(demo_ws)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=3000)
    return win


def _open_with_ctrl_k(window, qtbot) -> GlobalSearchDialog:
    QTest.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(GlobalSearchDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.field, timeout=3000)
    return dialog


def test_ctrl_k_finds_a_structure_and_opens_it_in_its_section(window, demo_ws, qtbot):
    assert window.global_search_action.shortcut().toString() == "Ctrl+K"
    dialog = _open_with_ctrl_k(window, qtbot)
    QTest.keyClicks(dialog.field, "coorace")
    qtbot.waitUntil(lambda: bool(dialog.hits), timeout=3000)
    hit = dialog.hits[0]
    assert (hit.kind, hit.title) == ("organisations", "COORACE")
    with qtbot.waitSignal(dialog.chosen, timeout=3000) as chosen:
        QTest.keyClick(dialog.field, Qt.Key.Key_Return)
    assert chosen.args == ["structures", hit.id]
    assert not dialog.isVisible()
    assert window.current_section().key == "structures"
    page = window.section_page("structures")
    assert page.detail_pane.detail.id == hit.id
    assert page.detail_pane.title_text() == "COORACE"


def test_accents_and_case_are_ignored_and_arrows_choose_among_the_results(window, demo_ws, qtbot):
    dialog = _open_with_ctrl_k(window, qtbot)
    QTest.keyClicks(dialog.field, "SEV")
    qtbot.waitUntil(lambda: len(dialog.hits) > 1, timeout=3000)
    assert all("Séverine" in h.title for h in dialog.hits)
    assert dialog.results.currentRow() == 0
    QTest.keyClick(dialog.field, Qt.Key.Key_Down)
    assert dialog.results.currentRow() == 1
    assert dialog.field.hasFocus() or QApplication.focusWidget() is dialog.field
    second = dialog.hits[1]
    with qtbot.waitSignal(dialog.chosen, timeout=3000):
        QTest.keyClick(dialog.field, Qt.Key.Key_Return)
    assert window.current_section().key == "contacts"
    assert window.section_page("contacts").detail_pane.detail.id == second.id


def test_nothing_found_is_said_and_escape_closes(window, qtbot):
    dialog = _open_with_ctrl_k(window, qtbot)
    QTest.keyClicks(dialog.field, "zzqxw")
    assert dialog.hits == []
    assert dialog.hint.text() == "Aucune structure ni aucun contact pour « zzqxw »."
    QTest.keyClick(dialog.field, Qt.Key.Key_Return)  # nothing to open: stays
    assert dialog.isVisible()
    QTest.keyClick(dialog.field, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_phone_number_typed_with_spaces_finds_its_structure(window, demo_ws, qtbot):
    row = lists.fetch(demo_ws, "structures", ListQuery(search="ACLD"), 0, 1).rows[0]
    dialog = _open_with_ctrl_k(window, qtbot)
    QTest.keyClicks(dialog.field, "03 27 92 48")
    assert row.id in [h.id for h in dialog.hits]
