"""The main window on demo data, used the way a chargé de mission would."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.services import lists, partners
from app.services.lists import ListQuery
from app.services.settings import get_identity, set_identity
from ui import settings
from ui.main import create_application
from ui.mainwindow import MainWindow
from ui.navigation import SECTIONS
from ui.sections import ListSection


@pytest.fixture
def make_window(qtbot):
    create_application()

    def make(ws, **kwargs) -> MainWindow:
        window = MainWindow(ws, **kwargs)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


@pytest.fixture
def window(make_window, demo_ws) -> MainWindow:
    return make_window(demo_ws)


def _menu_texts(window: MainWindow) -> dict[str, list[str]]:
    menus = {}
    for action in window.menuBar().actions():
        menus[action.text()] = [a.text() for a in action.menu().actions() if not a.isSeparator()]
    return menus


def test_window_opens_on_the_dashboard_with_title_counts_and_status(window, demo_ws):
    identity = get_identity(demo_ws)
    assert window.windowTitle() == f"Maillage — {identity.organisation_name}"
    assert window.current_section().key == "tableau-de-bord"
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
        "Tableau de bord", "Structures", "Contacts", "Réunions", "Conventions", "Bilans",
        "Synchronisation",
    ]
    assert window.dashboard.wait_until_ready()  # the counts come off the GUI thread
    tiles = {t.caption_label.text(): t.value_label.text() for t in window.dashboard.tiles}
    assert tiles["Structures"] == str(lists.count(demo_ws, "structures"))
    assert window.dashboard.upcoming.title_label.text() == "Réunions des 14 prochains jours"
    assert window.dashboard.alerts.title_label.text() == "Conventions à surveiller"
    assert window.dashboard.sync_label.text().startswith("Synchronisation")
    assert window.db_label.text() == "demo.sqlite"
    assert window.db_label.toolTip() == str(demo_ws.path)
    assert window.site_label.text() == f"Antenne\u00a0: {identity.site_name}"


def test_the_frame_says_the_base_is_opening_then_shows_it(qtbot, demo_ws):
    create_application()
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert not window.attached
    assert window.stack.currentWidget().text() == "Ouverture de la base…"
    assert window.windowTitle() == "Maillage"
    assert not window.nav.isEnabled()
    assert not window.global_search_action.isEnabled()
    assert window.quit_action.isEnabled()
    window.attach(demo_ws)
    assert window.attached
    assert window.nav.isEnabled() and window.global_search_action.isEnabled()
    assert window.current_section().key == "tableau-de-bord"
    assert window.stack.currentWidget() is window.dashboard
    assert window.dashboard.wait_until_ready()  # the counts come off the GUI thread
    tiles = {t.caption_label.text(): t.value_label.text() for t in window.dashboard.tiles}
    assert tiles["Contacts"] == str(lists.count(demo_ws, "contacts"))
    edit = _menu_texts(window)["É&dition"]
    assert edit[0].startswith("Annuler") and edit[1].startswith("Rétablir")
    assert "Rechercher &partout…" in edit


def test_sections_load_only_when_first_visited(window):
    for page in window.list_sections():
        assert not page.model.loaded


# The Bilans section is a report over the actions, not a list: see tests/test_ui_bilans.py.
@pytest.mark.parametrize("key", [s.key for s in SECTIONS[1:] if s.key != "bilans"])
def test_every_section_lists_records_and_shows_the_selected_one(window, key):
    page = window.show_section(key)
    assert isinstance(page, ListSection)
    assert window.stack.currentWidget() is page
    if key == "synchronisation":
        # No other antenna yet: the list explains how to start, and this site is shown.
        assert page.model.rowCount() == 0
        assert page.table.empty_label.isVisible()
        assert page.table.empty_label.text() == page.view.empty_text
        assert page.site_label.text() == window.workspace.site_id
        assert page.db_label.text() == str(window.workspace.path)
        return
    assert page.model.rowCount() > 0
    assert not page.table.empty_label.isVisible()
    QTest.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=page.table.visualRect(page.model.index(1, 1)).center())
    assert page.detail_pane.detail is not None
    assert page.detail_pane.detail.id == page.model.record_id(1)
    assert page.detail_pane.title_label.isVisible()
    assert page.detail_pane.title_text() == page.detail_pane.detail.title != ""


def test_bilans_are_presented_as_actions_and_indicators(window, qtbot):
    page = window.show_section("bilans")
    assert page.findChild(type(page.subtitle_label), "sectionTitle").text() == (
        "Actions et indicateurs")
    assert page.action_combo.itemText(0) == "Toutes les actions"
    qtbot.waitUntil(lambda: page.report is not None and not page.busy, timeout=10_000)
    assert page.report.action_id == page.action_id() is not None
    assert page.tabs.tabText(0).replace("&", "") == "Synthèse"


def test_search_is_accent_insensitive_and_debounced(window, qtbot):
    page = window.show_section("contacts")
    everyone = page.model.rowCount()
    QTest.keyClicks(page.search_field, "severine")
    assert page.model.query.search == ""  # not yet: the search waits for typing to pause
    qtbot.waitUntil(lambda: page.model.query.search == "severine", timeout=3000)
    assert 0 < page.model.rowCount() < everyone
    first_names = {page.model.data(page.model.index(r, 1)) for r in range(page.model.rowCount())}
    assert "Séverine" in first_names
    assert page.count_label.text().endswith(("contact", "contacts"))

    page.search_field.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == everyone, timeout=3000)


def test_a_search_without_result_says_so(window, qtbot):
    page = window.show_section("structures")
    QTest.keyClicks(page.search_field, "zzzqqq")
    QTest.keyClick(page.search_field, Qt.Key.Key_Return)
    assert page.model.rowCount() == 0
    assert page.table.empty_label.text() == "Aucun résultat pour « zzzqqq »."
    assert page.count_label.text() == "Aucune structure"


def test_clicking_a_column_header_sorts_the_whole_list_in_sql(window, demo_ws):
    page = window.show_section("structures")
    first = page.model.data(page.model.index(0, 0))
    header = page.table.horizontalHeader()
    column = page.model.column_of("name")
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert page.model.query.sort == "name" and page.model.query.descending
    expected = lists.fetch(demo_ws, "structures", ListQuery(sort="name", descending=True), 0, 1)
    assert page.model.data(page.model.index(0, 0)) == expected.rows[0].cells[0] != first


def test_archived_records_are_hidden_until_asked_for_and_shown_grey(make_window, demo_ws):
    page0 = lists.fetch(demo_ws, "structures", ListQuery(), 0, 1)
    archived_id = page0.rows[0].id
    partners.archive_organisation(demo_ws, archived_id, "Structure dissoute")
    window = make_window(demo_ws)
    page = window.show_section("structures")
    shown = page.model.total
    assert page.model.row_of(archived_id) is None
    assert page.archived_box is not None and page.archived_box.text() == "Afficher les archivés"
    page.archived_box.click()
    assert page.model.total == shown + 1
    row = page.model.row_of(archived_id)
    assert row is not None
    colour = page.model.data(page.model.index(row, 0), Qt.ItemDataRole.ForegroundRole)
    assert isinstance(colour, QColor)
    # Only structures and contacts can be archived.
    assert window.show_section("reunions").archived_box is None


def test_a_person_of_the_public_shows_the_privacy_banner(window, demo_ws):
    public = lists.fetch(demo_ws, "contacts", ListQuery(filters=(("category", "public"),)), 0, 1)
    other = lists.fetch(demo_ws, "contacts", ListQuery(filters=(("category", "elu"),)), 0, 1)
    page = window.show_section("contacts")
    page.select_record(public.rows[0].id)
    banner = page.detail_pane.banner_label
    assert banner.isVisible()
    assert banner.text().startswith("Public accompagné")
    page.select_record(other.rows[0].id)
    assert not banner.isVisible()


def test_dashboard_items_open_their_record(window, qtbot):
    upcoming = window.dashboard.upcoming.list
    assert upcoming.count() > 0
    item = upcoming.item(0)
    view, record_id = item.data(Qt.ItemDataRole.UserRole + 3)
    upcoming.setFocus()
    upcoming.setCurrentRow(0)
    QTest.keyClick(upcoming, Qt.Key.Key_Return)
    assert window.current_section().key == "reunions"
    page = window.section_page("reunions")
    assert page.detail_pane.detail.id == record_id
    assert page.detail_pane.title_text() == item.data(Qt.ItemDataRole.UserRole + 1)
    assert view == "reunions"


def test_a_record_beyond_the_loaded_rows_still_shows_its_detail(window, demo_ws, monkeypatch):
    page = window.show_section("contacts")
    last = lists.fetch(demo_ws, "contacts", ListQuery(), lists.count(demo_ws, "contacts") - 1, 1)
    record_id = last.rows[0].id
    monkeypatch.setattr(page.model, "row_of", lambda _id: None)  # as if not loaded yet
    assert page.select_record(record_id) is False
    assert page.detail_pane.detail.id == record_id


def test_menus_are_in_french_with_their_shortcuts(window):
    menus = _menu_texts(window)
    assert list(menus) == ["&Fichier", "É&dition", "&Affichage", "&Outils", "&Aide"]
    assert menus["É&dition"] == ["Annuler", "Rétablir", "Rechercher &partout…"]
    assert menus["&Fichier"] == [
        "&Ouvrir une autre base…", "Enregistrer une &copie de sauvegarde…",
        "&Restaurer une sauvegarde…", "&Quitter"]
    assert menus["&Aide"] == ["À &propos de Maillage", "À propos de &Qt"]
    assert window.open_action.shortcut().toString() == "Ctrl+O"
    assert window.backup_action.shortcut().toString() == "Ctrl+Shift+S"
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
    assert window.refresh_action.shortcut().toString() == "F5"
    assert [a.shortcut().toString() for a in window.section_actions] == [
        f"Ctrl+{n}" for n in range(1, 8)]


def test_keyboard_switches_sections_and_focuses_search(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    QTest.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section().key == "contacts"
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    page = window.section_page("contacts")
    qtbot.waitUntil(page.search_field.hasFocus, timeout=3000)
    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section().key == "tableau-de-bord"


def test_f5_shows_records_written_meanwhile(window, demo_ws):
    page = window.show_section("structures")
    before = page.model.total
    partners.create_organisation(demo_ws, partners.OrganisationDraft(name="Zénith Insertion"))
    window.refresh()
    assert page.model.total == before + 1
    window.show_section("tableau-de-bord")
    window.refresh()
    assert window.dashboard.wait_until_ready()  # the counts come off the GUI thread
    tiles = {t.caption_label.text(): t.value_label.text() for t in window.dashboard.tiles}
    assert tiles["Structures"] == str(before + 1)


def test_about_names_versions_and_licences(window):
    from ui.about import about_html

    text = about_html(window.workspace.schema_version)
    for expected in ("Maillage 0.1", "GPL-3.0-or-later", "LGPLv3", "Bitstream Vera", "ReportLab",
                     "SQLAlchemy", f"schéma de la base&nbsp;: {window.workspace.schema_version}",
                     "PySide6", "Python"):
        assert expected in text


def test_opening_another_database_replaces_everything(window, demo_db, tmp_path, monkeypatch,
                                                      qtbot):
    other = tmp_path / "autre" / "siege.sqlite"
    other.parent.mkdir()
    shutil.copyfile(demo_db, other)
    from app.services.workspace import open_workspace

    with open_workspace(other) as ws:
        set_identity(ws, get_identity(ws).__class__(organisation_name="PLIE du Grand Avesnois",
                                                    site_name="Siège"))
    asked = {}

    def fake_open(parent, caption, folder, filters):
        asked.update(caption=caption, filters=filters)
        return str(other), filters

    monkeypatch.setattr(QFileDialog, "getOpenFileName", fake_open)
    old = window.workspace
    window.show_section("structures")
    with qtbot.waitSignal(window.workspace_changed, timeout=10_000):
        window.open_action.trigger()
    assert "Bases Maillage (*.sqlite *.db)" in asked["filters"]
    assert window.workspace is not old and window.workspace.path == other
    assert window.windowTitle() == "Maillage — PLIE du Grand Avesnois"
    assert window.site_label.text() == "Antenne\u00a0: Siège"
    assert window.current_section().key == "structures"
    assert window.section_page("structures").model.rowCount() > 0
    assert settings.last_folder() == other.parent


def test_a_file_that_is_not_a_database_is_refused_in_french(window, tmp_path, monkeypatch):
    bad = tmp_path / "pas-une-base.sqlite"
    bad.write_text("Ceci n'est pas une base de données.\n" * 50, encoding="utf-8")
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append((title, text)))
    old = window.workspace
    assert window.open_database(bad) is False
    assert window.workspace is old
    assert shown and shown[0][0] == "Ouverture impossible"
    assert "pas-une-base.sqlite" in shown[0][1]


def test_backup_copy_with_a_dated_default_name(window, tmp_path, monkeypatch, qtbot):
    dest = tmp_path / "copies" / "ma-copie.sqlite"
    dest.parent.mkdir()
    asked = {}

    def fake_save(parent, caption, proposed, filters):
        asked.update(caption=caption, proposed=proposed)
        return str(dest), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_save)
    window.backup_action.trigger()
    today = dt.date.today().isoformat()
    assert Path(asked["proposed"]).name == f"maillage-sauvegarde-{today}.sqlite"
    qtbot.waitUntil(lambda: "enregistrée" in window.statusBar().currentMessage(), timeout=20_000)
    assert dest.stat().st_size > 0
    assert window.backup_action.isEnabled()


def test_startup_checks_run_off_the_gui_thread_and_back_up_the_base(window, qtbot):
    job = window.start_startup_checks()
    assert job is not None
    assert window.statusBar().currentMessage() == "Vérification et sauvegarde de la base en arrière-plan…"
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "Base vérifiée et sauvegardée.",
                    timeout=30_000)
    backups = list((window.workspace.path.parent / "sauvegardes").glob("*demarrage*"))
    assert backups


def test_a_damaged_base_found_at_startup_offers_its_latest_good_backup(window, qtbot,
                                                                       monkeypatch):
    import ui.startup_job as job_module
    from app.services.integrity import IntegrityResult, StartupReport

    shown = {}

    def damaged(ws, progress=None, cancel=None):
        result = IntegrityResult(ws.path, False, ("page 3 : erreur",),
                                 "La base est endommagée.", None, 0.1)
        return StartupReport(result, None)

    def fake_exec(box):
        shown.update(title=box.windowTitle(), text=box.text(),
                     buttons=[b.text() for b in box.buttons()])
        return 0

    monkeypatch.setattr(job_module.integrity, "startup_checks", damaged)
    monkeypatch.setattr(job_module.QMessageBox, "exec", fake_exec)
    window.start_startup_checks()
    qtbot.waitUntil(lambda: "text" in shown, timeout=30_000)
    assert shown["title"] == "Base endommagée"
    assert shown["text"] == "La base est endommagée."
    assert shown["buttons"] == ["Continuer sans restaurer"]  # no good backup to offer here


def test_closing_the_window_cancels_the_startup_checks(window, qtbot):
    window.start_startup_checks()
    window.close()  # waits for the job to stop: the base can be closed right after
    window.workspace.close()


def test_geometry_and_splitters_are_remembered(make_window, demo_ws, qtbot):
    first = make_window(demo_ws)
    # A size the offscreen screen (800 × 800) can hold, above the window's minimum.
    wanted = (max(760, first.minimumSizeHint().width()), 560)
    assert wanted[0] <= 800, "the window must fit a small screen"
    first.resize(*wanted)
    page = first.show_section("contacts")
    page.splitter.setSizes([500, 300])
    sizes = page.splitter.sizes()
    first.close()
    assert settings.load_geometry("principale") is not None
    assert settings.settings_path().is_file()

    second = make_window(demo_ws)
    assert (second.width(), second.height()) == wanted
    restored = second.show_section("contacts").splitter.sizes()
    assert restored == sizes


def test_settings_live_in_the_folder_given_by_the_environment(qapp, tmp_path, monkeypatch):
    monkeypatch.setenv("MAILLAGE_SETTINGS_DIR", str(tmp_path / "ailleurs"))
    settings.save_splitter_state("essai", b"\x01\x02\x03")
    assert settings.load_splitter_state("essai").data() == b"\x01\x02\x03"
    assert settings.settings_path() == tmp_path / "ailleurs" / "maillage.ini"
    assert settings.settings_path().is_file()
    assert settings.load_geometry("inconnue") is None
