"""The Synchronisation view used like a chargé de mission would: two machines (two database
files) exchange files through the dialogs, conflicts are resolved with « Garder cette
valeur », duplicates open the merge dialog, and refusals are explained in French."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from app.services import lists
from app.storage.models import Organisation
from app.sync.service import (
    Conflict,
    ConflictValue,
    conflicts,
    export_file,
    has_network_passphrase,
    status,
)
from test_sync_support import PASSPHRASE, Site, database_picture, exchange, fast_kdf, sites  # noqa: F401
from ui.main import create_application
from ui.mainwindow import MainWindow
from ui.partners.merge import MergeDialog
from ui.sync import texts
from ui.sync.exchange import ExportDialog, ImportDialog
from ui.sync.section import SyncSection

NBSP = "\u00a0"


@pytest.fixture
def make_window(qtbot):
    create_application()

    def make(site: Site) -> MainWindow:
        window = MainWindow(site.ws)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


def type_text(edit, text: str) -> None:  # noqa: ANN001
    """Type ``text`` with the keyboard; QTest only knows ASCII keys, accents are inserted."""
    for char in text:
        if char.isascii():
            QTest.keyClicks(edit, char)
        else:
            edit.insert(char)


def sync_page(window: MainWindow) -> SyncSection:
    page = window.show_section("synchronisation")
    assert isinstance(page, SyncSection)
    return page


def _org(site: Site, **values) -> str:  # noqa: ANN003
    with site.ws.unit(write=True) as s:
        o = Organisation(**{"name": "Régie de quartier", "kind_code": "regie", **values})
        s.add(o)
    return o.id


def _edit(site: Site, rid: str, **values) -> None:  # noqa: ANN003
    with site.ws.unit(write=True) as s:
        obj = s.get(Organisation, rid)
        for k, v in values.items():
            setattr(obj, k, v)


def _get(site: Site, rid: str) -> Organisation:
    with site.ws.unit() as s:
        return s.get(Organisation, rid)


def _structure_names(page) -> list[str]:  # noqa: ANN001
    column = page.model.column_of("name")
    return [page.model.index(r, column).data() for r in range(page.model.rowCount())]


def run_import(qtbot, page: SyncSection, path: Path, passphrase: str = PASSPHRASE) -> ImportDialog:
    """« Importer un fichier… »: the file and the passphrase typed, « Importer » clicked."""
    dialog = page.import_file()
    assert isinstance(dialog, ImportDialog) and dialog.isVisible()
    dialog.file_edit.setText(str(path))
    dialog.passphrase_edit.clear()
    type_text(dialog.passphrase_edit, passphrase)
    QTest.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.task is not None and not dialog.task.running, timeout=20_000)
    return dialog


def concurrent_city(sites):  # noqa: ANN001, ANN201
    """Two machines that know the same structure, then both edit its city: ``b``'s file."""
    a, b = sites("siege", "avallon")
    rid = _org(a, name="Régie des Champs-Plaisants", city="Sens")
    exchange(a, b)
    _edit(a, rid, city="Sens Nord")
    _edit(b, rid, city="Paron")
    path = b.export(a)
    return a, b, rid, path


# --- export from one machine, import into another -------------------------------------------

def test_a_file_prepared_on_one_machine_brings_its_structure_to_the_other(
        sites, make_window, qtbot, tmp_path):  # noqa: ANN001
    a, b = sites("siege", "avallon")
    _org(a, name="Ressourcerie du Tonnerrois", city="Tonnerre")
    usb = tmp_path / "cle-usb"
    usb.mkdir()

    window_a = make_window(a)
    page_a = sync_page(window_a)
    assert page_a.passphrase_label.text().startswith("pas encore choisie")
    dialog = page_a.prepare_file()
    assert isinstance(dialog, ExportDialog)
    # No peer yet: the only choice is a complete file; this machine has no passphrase yet,
    # so it is typed twice and becomes the network's.
    assert dialog.target_combo.count() == 1
    assert dialog.target_combo.currentText() == "Tous / nouveau site (fichier complet)"
    assert dialog.full_box.isChecked() and not dialog.full_box.isEnabled()
    assert dialog.new_fields is not None
    dialog.folder_edit.setText(str(usb))
    type_text(dialog.new_fields.new_edit, PASSPHRASE)
    type_text(dialog.new_fields.confirm_edit, PASSPHRASE)
    QTest.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20_000)
    files = list(usb.iterdir())
    assert [f.name for f in files] == [dialog.name_edit.text()]
    assert files[0].name.startswith("maillage-siege-pour-tous-") and files[0].suffix == ".msync"
    assert dialog.summary.isVisible()
    assert dialog.summary.text().startswith("Fichier prêt pour tous les sites (fichier complet)")
    assert dialog.cancel_button.text() == "Fermer"
    assert has_network_passphrase(a.ws)
    assert page_a.memory.value == PASSPHRASE  # remembered for the session, in memory only
    assert page_a.passphrase_label.text() == "enregistrée sur ce poste"
    assert page_a.files_model.rowCount() == 1
    dialog.close()

    window_b = make_window(b)

    def structures_tile() -> str:
        tiles = {t.caption_label.text(): t.value_label.text() for t in window_b.dashboard.tiles}
        return tiles["Structures"]

    qtbot.waitUntil(lambda: structures_tile() == "0")
    structures_b = window_b.show_section("structures")
    assert "Ressourcerie du Tonnerrois" not in _structure_names(structures_b)
    page_b = sync_page(window_b)
    assert page_b.model.rowCount() == 0
    report_dialog = run_import(qtbot, page_b, files[0])
    summary = report_dialog.summary.text()
    assert summary.startswith(f"Fichier de «{NBSP}siege{NBSP}» importé.")
    assert f"Créés{NBSP}: {report_dialog.report.created}" in summary
    assert f"Conflits{NBSP}: 0" in summary and f"Doublons possibles à vérifier{NBSP}: 0" in summary
    assert report_dialog.report.created >= 1

    # The structures list, already loaded, shows the new structure without F5.
    assert "Ressourcerie du Tonnerrois" in _structure_names(structures_b)
    # The peer appears with the time its file was received.
    assert page_b.model.rowCount() == 1
    assert page_b.detail_pane.detail is not None
    fields = dict(page_b.detail_pane.detail.fields)
    assert page_b.detail_pane.detail.title == "siege"
    assert fields["Dernier fichier envoyé"] == "jamais"
    assert fields["Dernier fichier reçu"].startswith(texts.when(dt.datetime.now())[:-6])
    assert window_b.statusBar().currentMessage().startswith("Synchronisation importée")
    # The dashboard counts it too when shown again.
    window_b.show_section("tableau-de-bord")
    qtbot.waitUntil(lambda: structures_tile() == str(lists.count(b.ws, "structures")) != "0")


def test_the_prepared_file_targets_the_selected_peer_and_says_what_it_acknowledged(
        sites, make_window, qtbot, tmp_path):  # noqa: ANN001
    a, b = sites("siege", "avallon")
    _org(a, name="Atelier vélo")
    exchange(a, b)
    _org(a, name="Épicerie solidaire")  # not yet sent to b
    window = make_window(a)
    page = sync_page(window)
    page.select_first()
    fields = dict(page.detail_pane.detail.fields)
    assert fields["A confirmé avoir reçu"].startswith(f"1{NBSP}modification de ce poste pas encore")
    dialog = page.prepare_file()
    assert dialog.target_combo.currentData() == b.site_id
    assert [dialog.target_combo.itemText(i) for i in range(dialog.target_combo.count())] == [
        "avallon", "Tous les sites connus", "Tous / nouveau site (fichier complet)"]
    assert dialog.new_fields is None  # the network passphrase exists: asked once
    dialog.folder_edit.setText(str(tmp_path))
    type_text(dialog.passphrase_edit, PASSPHRASE)
    QTest.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20_000)
    assert dialog.report.target_site_id == b.site_id and not dialog.report.full
    assert dialog.report.counts.get("organisations") == 1  # the delta only
    b.load(dialog.report.path)
    a.load(b.export(a))
    page.refresh()
    page.select_record(b.site_id)
    fields = dict(page.detail_pane.detail.fields)
    assert fields["A confirmé avoir reçu"] == "toutes les modifications de ce poste (à jour)"


def test_ctrl_i_and_ctrl_e_open_the_dialogs(sites, make_window, qtbot):  # noqa: ANN001
    (a,) = sites("siege")
    window = make_window(a)
    page = sync_page(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page.table.setFocus()
    QTest.keyClick(page.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(page.dialog, ImportDialog)
    page.dialog.close()
    QTest.keyClick(page.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(page.dialog, ExportDialog)
    assert page.export_action.toolTip().endswith("(Ctrl+E)")


# --- refusals and cancel ------------------------------------------------------------------------

def test_a_wrong_passphrase_is_explained_in_french_and_changes_nothing(
        sites, make_window, qtbot):  # noqa: ANN001
    a, b, rid, path = concurrent_city(sites)
    before = database_picture(a.path)
    page = sync_page(make_window(a))
    dialog = run_import(qtbot, page, path, passphrase="Une autre phrase de passe")
    qtbot.waitUntil(lambda: dialog.error_box is not None)
    box = dialog.error_box
    assert isinstance(box, QMessageBox) and box.windowTitle() == "Fichier refusé"
    assert box.text().startswith("Phrase de passe incorrecte")
    assert dialog.report is None and not dialog.summary.isVisible()
    assert dialog.run_button.isEnabled()  # the user may type it again
    box.accept()
    assert database_picture(a.path) == before
    assert _get(a, rid).city == "Sens Nord"
    assert page.conflicts.model.rowCount() == 0


def test_a_damaged_file_is_refused_and_the_base_is_unchanged(
        sites, make_window, qtbot, tmp_path):  # noqa: ANN001
    a, b, rid, path = concurrent_city(sites)
    damaged = tmp_path / "abime.msync"
    data = path.read_bytes()
    damaged.write_bytes(data[: len(data) // 2])
    before = database_picture(a.path)
    page = sync_page(make_window(a))
    dialog = run_import(qtbot, page, damaged)
    qtbot.waitUntil(lambda: dialog.error_box is not None)
    text = dialog.error_box.text()
    assert "tronqué" in text or "endommagé" in text
    assert "la base n'a pas été modifiée" in text.lower()
    assert database_picture(a.path) == before


def test_cancel_writes_nothing(sites, make_window, qtbot, tmp_path):  # noqa: ANN001
    a, b, rid, path = concurrent_city(sites)
    before = database_picture(a.path)
    page = sync_page(make_window(a))
    dialog = page.import_file()
    dialog.file_edit.setText(str(path))
    dialog.passphrase_edit.setText(PASSPHRASE)
    dialog.start()
    assert dialog.cancel_button.text() == "Annuler" and not dialog.run_button.isEnabled()
    QTest.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)  # stops the import
    qtbot.waitUntil(lambda: not dialog.task.running, timeout=20_000)
    assert dialog.isVisible()
    assert dialog.summary.text() == "Opération annulée : rien n'a été modifié."
    assert dialog.report is None
    assert database_picture(a.path) == before
    dialog.close()

    export = page.prepare_file()
    export.folder_edit.setText(str(tmp_path / "vide"))
    (tmp_path / "vide").mkdir()
    export.passphrase_edit.setText(PASSPHRASE)
    export.start()
    export.cancel()
    qtbot.waitUntil(lambda: not export.task.running, timeout=20_000)
    assert list((tmp_path / "vide").iterdir()) == []  # no file, not even a temporary one
    assert export.report is None
    assert len(status(a.ws).files) == len(page.sync_status.files)


# --- conflicts ---------------------------------------------------------------------------------

def test_a_concurrent_edit_shows_side_by_side_and_keep_this_value_closes_it(
        sites, make_window, qtbot):  # noqa: ANN001
    a, b, rid, path = concurrent_city(sites)
    window = make_window(a)
    page = sync_page(window)
    assert page.tabs.tabText(0) == "Conflits"
    assert page.conflicts.empty_label.isVisible()
    dialog = run_import(qtbot, page, path)
    assert f"Conflits{NBSP}: 1" in dialog.summary.text()
    dialog.close()

    assert page.tabs.currentWidget() is page.conflicts
    assert page.tabs.tabText(0) == "Conflits (1)"
    model = page.conflicts.model
    assert model.rowCount() == 1
    assert model.index(0, 0).data() == f"Structure «{NBSP}Régie des Champs-Plaisants{NBSP}»"
    assert model.index(0, 1).data() == "Commune"  # a French label, not « city »
    assert "Paron (avallon)" in model.index(0, 2).data()
    assert "Sens Nord (siege)" in model.index(0, 2).data()
    panel = page.conflicts
    assert panel.title_label.text().endswith(f"champ «{NBSP}Commune{NBSP}»")
    cards = [panel.cards.itemAt(i).widget() for i in range(panel.cards.count())
             if panel.cards.itemAt(i).widget() is not None]
    shown = {c.findChild(type(panel.title_label), "conflictValue").text():
             c.findChild(type(panel.title_label), "conflictOrigin").text() for c in cards}
    assert set(shown) == {"Paron", "Sens Nord"}
    assert shown["Paron"].startswith(f"Poste{NBSP}: avallon\nLe ")
    assert shown["Sens Nord"].startswith(f"Poste{NBSP}: siege\nLe ")
    assert len(panel.keep_buttons) == 2

    keep_paron = next(b for b in panel.keep_buttons if "Paron" in b.toolTip())
    QTest.mouseClick(keep_paron, Qt.MouseButton.LeftButton)
    assert model.rowCount() == 0 and panel.empty_label.isVisible()
    assert page.tabs.tabText(0) == "Conflits"
    assert conflicts(a.ws) == []
    assert _get(a, rid).city == "Paron"
    assert window.statusBar().currentMessage().startswith("Conflit résolu")
    # An ordinary edit: the next file closes the conflict on the other machine too.
    b.load(a.export(b))
    assert conflicts(b.ws) == [] and _get(b, rid).city == "Paron"


def test_a_new_value_may_be_typed_instead(sites, make_window, qtbot):  # noqa: ANN001
    a, b, rid, path = concurrent_city(sites)
    page = sync_page(make_window(a))
    run_import(qtbot, page, path).close()
    panel = page.conflicts
    assert panel.new_value_edit.isVisible() and not panel.save_new_button.isEnabled()
    type_text(panel.new_value_edit, "Saint-Clément")
    assert panel.save_new_button.isEnabled()
    QTest.keyClick(panel.new_value_edit, Qt.Key.Key_Return)
    assert panel.model.rowCount() == 0
    assert _get(a, rid).city == "Saint-Clément"


def test_a_deletion_against_an_edit_offers_restore(sites, make_window, qtbot):  # noqa: ANN001
    a, b = sites("siege", "avallon")
    rid = _org(a, name="Atelier vélo solidaire")
    exchange(a, b)
    _edit(a, rid, deleted=True)
    _edit(b, rid, phone="+33386000000")
    path = b.export(a)
    window = make_window(a)
    structures = window.show_section("structures")
    assert "Atelier vélo solidaire" not in _structure_names(structures)
    page = sync_page(window)
    run_import(qtbot, page, path).close()
    panel = page.conflicts
    assert panel.model.index(0, 1).data() == "Suppression"
    assert panel.restore_button.isVisible() and panel.confirm_delete_button.isVisible()
    assert not panel.new_value_edit.isVisible() and panel.keep_buttons == []
    assert "modifié ailleurs pendant sa suppression ici" in panel.message_label.text().lower()
    cards = [panel.cards.itemAt(i).widget() for i in range(panel.cards.count())
             if panel.cards.itemAt(i).widget() is not None]
    values = [c.findChild(type(panel.title_label), "conflictValue").text() for c in cards]
    assert values == ["Supprimé", f"Téléphone{NBSP}: +33386000000"]
    QTest.mouseClick(panel.restore_button, Qt.MouseButton.LeftButton)
    assert panel.model.rowCount() == 0
    restored = _get(a, rid)
    assert not restored.deleted and restored.phone == "+33386000000"
    window.show_section("structures")
    assert "Atelier vélo solidaire" in _structure_names(structures)


# --- duplicates to review -------------------------------------------------------------------------

def test_duplicates_after_an_import_open_the_merge_dialog(sites, make_window, qtbot):  # noqa: ANN001
    a, b = sites("siege", "avallon")
    exchange(a, b)
    _org(a, name="Ressourcerie Avallonnaise", kind_code="aci", siret="73282932000074",
         city="Avallon", postcode="89200")
    received = _org(b, name="Ressourcerie de l'Avallonnais", kind_code="aci",
                    siret="73282932000074", city="Avallon", postcode="89200")
    path = b.export(a)
    window = make_window(a)
    page = sync_page(window)
    dialog = run_import(qtbot, page, path)
    assert f"Doublons possibles à vérifier{NBSP}: 1" in dialog.summary.text()
    dialog.close()
    panel = page.duplicates
    assert page.tabs.currentWidget() is panel
    assert page.tabs.tabText(1) == "Doublons à vérifier (1)"
    assert panel.model.index(0, 0).data() == "Structure"
    assert panel.model.index(0, 1).data().startswith("Ressourcerie de l'Avallonnais")
    assert panel.model.index(0, 2).data().startswith("Ressourcerie Avallonnaise")
    assert "Même SIRET" in panel.model.index(0, 3).data()

    merge = panel.merge_current()
    assert isinstance(merge, MergeDialog) and merge.isVisible()
    assert merge.survivor_id != received  # the record that was here is kept by default
    count = lists.count(a.ws, "structures")
    QTest.mouseClick(merge.merge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0)
    assert page.tabs.tabText(1) == "Doublons à vérifier"
    assert lists.count(a.ws, "structures") == count - 1
    assert _get(a, received).merged_into is not None  # nothing deleted: it points to the survivor
    assert window.undo.undo_action.isEnabled()  # one step of the history


def test_open_and_dismiss_a_pair(sites, make_window, qtbot):  # noqa: ANN001
    a, b = sites("siege", "avallon")
    exchange(a, b)
    _org(a, name="GEIQ BTP Yonne", siret="73282932000074", postcode="89000")
    received = _org(b, name="GEIQ BTP de l'Yonne", siret="73282932000074", postcode="89000")
    window = make_window(a)
    page = sync_page(window)
    run_import(qtbot, page, b.export(a)).close()
    QTest.mouseClick(page.duplicates.open_button, Qt.MouseButton.LeftButton)
    assert window.current_section().key == "structures"
    assert window.section_page("structures").detail_pane.detail.id == received
    page = sync_page(window)
    QTest.mouseClick(page.duplicates.dismiss_button, Qt.MouseButton.LeftButton)
    assert page.duplicates.model.rowCount() == 0 and page.duplicates.empty_label.isVisible()


def test_pairs_to_review_are_still_listed_the_next_day(sites, make_window, qtbot):  # noqa: ANN001
    """The base is closed after the import: the pair is still there at the next opening,
    until it is dismissed (or merged)."""
    a, b = sites("siege", "avallon")
    exchange(a, b)
    _org(a, name="GEIQ BTP Yonne", siret="73282932000074", postcode="89000")
    _org(b, name="GEIQ BTP de l'Yonne", siret="73282932000074", postcode="89000")
    first = make_window(a)
    run_import(qtbot, sync_page(first), b.export(a)).close()
    first.close()

    page = sync_page(make_window(a))  # a new window: nothing kept in memory
    assert page.duplicates.model.rowCount() == 1
    assert page.tabs.tabText(1) == "Doublons à vérifier (1)"
    assert page.duplicates.model.index(0, 1).data().startswith("GEIQ BTP de l'Yonne")
    QTest.mouseClick(page.duplicates.dismiss_button, Qt.MouseButton.LeftButton)

    again = sync_page(make_window(a))
    assert again.duplicates.model.rowCount() == 0
    assert again.duplicates.empty_label.isVisibleTo(again.duplicates)
    assert again.tabs.tabText(1) == "Doublons à vérifier"


# --- passphrase ------------------------------------------------------------------------------------

def test_the_network_passphrase_is_set_from_the_view(sites, make_window, qtbot):  # noqa: ANN001
    (a,) = sites("siege")
    page = sync_page(make_window(a))
    dialog = page.change_passphrase()
    fields = dialog.fields
    type_text(fields.new_edit, "Clé USB 89 !")
    type_text(fields.confirm_edit, "Clé USB 98 !")
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and fields.error.text() == "Les deux saisies ne sont pas identiques."
    assert not has_network_passphrase(a.ws)
    fields.confirm_edit.clear()
    type_text(fields.confirm_edit, "Clé USB 89 !")
    with qtbot.waitSignal(dialog.accepted):
        QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert has_network_passphrase(a.ws)
    assert page.passphrase_label.text() == "enregistrée sur ce poste"
    # Remembered for the session: the next file does not ask for it again.
    export = page.prepare_file()
    assert export.new_fields is None and export.passphrase_edit.text() == "Clé USB 89 !"
    assert export.passphrase_edit.echoMode() == export.passphrase_edit.EchoMode.Password


# --- texts and models -------------------------------------------------------------------------------

def test_dates_values_and_labels_read_in_french():
    assert texts.when(dt.datetime(2026, 5, 12, 14, 5)) == f"mardi 12 mai 2026 à 14{NBSP}h{NBSP}05"
    assert texts.when(None) == "jamais"
    assert texts.field_label("postcode") == "Code postal"
    assert texts.table_label("people") == "Contact"
    assert texts.value_text(None) == "(vide)" and texts.value_text(True) == "Oui"
    assert texts.value_text("2026-05-12") == "12/05/2026"
    date_conflict = Conflict("meetings", "x", "date", "valeurs", "CP4", "2026-05-12", (
        ConflictValue("2026-05-12", "s1", "Siège", 1, None, "date"),
        ConflictValue("2026-05-19", "s2", "Sens", 2, None, "date")))
    assert texts.typed_kind(date_conflict) == "date"
    assert texts.parse_typed(date_conflict, "26/05/2026") == "2026-05-26"
    with pytest.raises(ValueError, match="jj/mm/aaaa"):
        texts.parse_typed(date_conflict, "mardi")


def test_the_lists_pass_the_model_tester(sites, make_window, qtbot, qtmodeltester):  # noqa: ANN001
    a, b, rid, path = concurrent_city(sites)
    page = sync_page(make_window(a))
    run_import(qtbot, page, path).close()
    qtmodeltester.check(page.conflicts.model)
    qtmodeltester.check(page.files_model)
    qtmodeltester.check(page.duplicates.model)


def test_export_report_summary_names_the_target(sites, tmp_path):  # noqa: ANN001
    a, b = sites("siege", "avallon")
    exchange(a, b)
    report = export_file(a.ws, tmp_path / "f.msync", to_site=b.site_id, passphrase=PASSPHRASE)
    text = texts.export_summary(report)
    assert text.startswith(f"Fichier prêt pour avallon{NBSP}: ")
    assert "il est chiffré" in text
