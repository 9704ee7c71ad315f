"""Structures and contacts in the GUI, used the way a chargé de mission would: forms,
duplicates on create, archive and restore, merge, undo and redo from the Édition menu."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QMessageBox

from app.services import details, lists, partners
from app.services.lists import ListQuery
from app.services.partners import OrganisationDraft, PersonDraft
from ui.main import create_application
from ui.mainwindow import MainWindow
from ui.partners.merge import MergeDialog, moves_text
from ui.partners.organisation_form import OrganisationDialog, parse_headcount, parse_tags, siren_hint
from ui.partners.person_form import PersonDialog
from ui.partners.section import PartnersSection


@pytest.fixture
def structures(window) -> PartnersSection:
    page = window.show_section("structures")
    assert isinstance(page, PartnersSection)
    return page


@pytest.fixture
def contacts(window) -> PartnersSection:
    page = window.show_section("contacts")
    assert isinstance(page, PartnersSection)
    return page


def _org_id(ws, text: str) -> str:
    return lists.fetch(ws, "structures", ListQuery(search=text), 0, 1).rows[0].id


def _type(edit, text: str) -> None:
    """Type ``text`` key by key (QTest types ASCII only: other letters are inserted)."""
    for char in text:
        if char.isascii():
            QTest.keyClicks(edit, char)
        else:
            edit.insert(char)


def _count(ws, view: str, **query) -> int:
    return lists.count(ws, view, ListQuery(**query))


def _menu_undo_text(window: MainWindow) -> str:
    return window.undo.undo_action.text()


def _attended(ws, person_id: str) -> tuple:
    table = next(t for t in details.person_detail(ws, person_id).tables if t.title == "Réunions")
    return table.rows


# --- small parsers ---------------------------------------------------------------------------


def test_the_form_reads_tags_headcounts_and_derives_the_siren():
    assert parse_tags("SIAE, Clauses d'insertion ; VITA,,") == ("SIAE", "Clauses d'insertion", "VITA")
    assert parse_headcount(" 1 200 ") == 1200
    assert parse_headcount("") is None
    with pytest.raises(ValueError, match="nombre entier positif"):
        parse_headcount("quarante")
    assert siren_hint("732 829 320 00074") == "SIREN\u00a0: 732 829 320"
    assert siren_hint("732 829 320 00075") == ""


# --- structure form --------------------------------------------------------------------------


def test_an_invalid_siret_is_explained_next_to_its_field_and_nothing_is_saved(structures, demo_ws, qtbot):
    before = _count(demo_ws, "structures", show_archived=True)
    dialog = structures.new_record()
    assert isinstance(dialog, OrganisationDialog)
    assert dialog.grid.labels["name"].text() == "Nom\u00a0*\u00a0:"  # required, marked
    _type(dialog.name_edit, "Régie des Quais")
    _type(dialog.siret_edit, "732 829 320 00075")
    _type(dialog.email_edit, "contact@regie")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.grid.error_text("siret") == (
        "SIRET invalide : la clé de contrôle est fausse (vérifiez chaque chiffre).")
    assert dialog.grid.error_text("email").startswith("Courriel invalide")
    assert dialog.grid.error_text("name") == ""
    assert dialog.focusWidget() is dialog.siret_edit  # the first field to correct
    assert dialog.name_edit.text() == "Régie des Quais"  # nothing typed is lost
    assert _count(demo_ws, "structures", show_archived=True) == before


def test_a_valid_siret_typed_with_spaces_is_saved_normalised(window, structures, demo_ws, qtbot):
    dialog = structures.new_record()
    _type(dialog.name_edit, "Régie des Quais")
    _type(dialog.siret_edit, "732 829 320 00074")
    assert dialog.siren_label.text() == "SIREN\u00a0: 732 829 320"
    _type(dialog.phone_edit, "03 86 12 34 56")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("regie_quartier"))
    with qtbot.waitSignal(dialog.finished, timeout=3000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    record = partners.get_organisation(demo_ws, structures.current.id)
    assert record.name == "Régie des Quais"
    assert record.siret == "73282932000074"
    assert record.phone == "+33386123456"
    assert record.kind_code == "regie_quartier"
    assert structures.detail_pane.title_text() == "Régie des Quais"
    assert _menu_undo_text(window) == "Annuler « Créer la structure Régie des Quais »"


def test_editing_a_structure_is_named_in_the_menu_and_undone_with_ctrl_z(window, structures, demo_ws, qtbot):
    org_id = _org_id(demo_ws, "COORACE")
    structures.select_record(org_id)
    dialog = structures.edit_current()
    dialog.territory_edit.setText("Île-de-France")
    with qtbot.waitSignal(dialog.finished, timeout=3000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert partners.get_organisation(demo_ws, org_id).territory == "Île-de-France"
    assert _menu_undo_text(window) == "Annuler « Modifier la structure COORACE »"
    assert ("Territoire", "Île-de-France") in structures.detail_pane.detail.fields

    window.activateWindow()
    structures.table.setFocus()
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert partners.get_organisation(demo_ws, org_id).territory != "Île-de-France"
    assert ("Territoire", "Île-de-France") not in structures.detail_pane.detail.fields
    assert window.undo.redo_action.text() == "Rétablir « Modifier la structure COORACE »"
    assert window.statusBar().currentMessage() == "Annulé : Modifier la structure COORACE"

    QTest.keyClick(window, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert partners.get_organisation(demo_ws, org_id).territory == "Île-de-France"


def test_an_undo_refused_because_of_a_later_change_is_explained(window, structures, demo_ws,
                                                                 qtbot, monkeypatch):
    org_id = _org_id(demo_ws, "COORACE")
    structures.select_record(org_id)
    dialog = structures.edit_current()
    dialog.territory_edit.setText("Île-de-France")
    with qtbot.waitSignal(dialog.finished, timeout=3000):
        dialog.save()
    draft = partners.get_organisation(demo_ws, org_id).draft()
    from dataclasses import replace

    partners.update_organisation(demo_ws, org_id, replace(draft, territory="Grand Est"))
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text, *a: shown.append((title, text)))
    window.undo.undo_action.trigger()
    assert shown and shown[0][0] == "Annulation impossible"
    assert "a été modifié depuis" in shown[0][1]
    assert partners.get_organisation(demo_ws, org_id).territory == "Grand Est"
    assert _menu_undo_text(window) == "Annuler « Modifier la structure COORACE »"


def test_a_resembling_structure_is_offered_before_creating_and_can_be_opened(structures, demo_ws, qtbot):
    existing = partners.get_organisation(demo_ws, _org_id(demo_ws, "ACLD"))
    before = _count(demo_ws, "structures", show_archived=True)
    dialog = structures.new_record()
    _type(dialog.name_edit, "Association intermédiaire A.C.L.D.")
    _type(dialog.siret_edit, existing.siret)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    panel = dialog.duplicates
    assert panel.isVisible()
    assert panel.title.text().startswith("Une structure existante ressemble")
    assert "Même SIRET" in panel.list.item(0).text()
    assert _count(demo_ws, "structures", show_archived=True) == before
    with qtbot.waitSignal(dialog.finished, timeout=3000):
        qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    assert _count(demo_ws, "structures", show_archived=True) == before
    assert structures.current.id == existing.id


def test_create_anyway_keeps_both_structures(structures, demo_ws, qtbot):
    existing = partners.get_organisation(demo_ws, _org_id(demo_ws, "ACLD"))
    before = _count(demo_ws, "structures")
    dialog = structures.new_record()
    _type(dialog.name_edit, "ACLD Formation")
    _type(dialog.phone_edit, existing.phone)
    dialog.save()
    assert dialog.duplicates.isVisible()
    with qtbot.waitSignal(dialog.finished, timeout=3000):
        qtbot.mouseClick(dialog.duplicates.create_button, Qt.MouseButton.LeftButton)
    assert _count(demo_ws, "structures") == before + 1
    assert structures.model.total == before + 1


def test_cancelling_a_changed_form_asks_before_dropping_what_was_typed(structures, monkeypatch, qtbot):
    dialog = structures.new_record()
    _type(dialog.name_edit, "Brouillon")
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Cancel)
    dialog.reject()
    assert asked and dialog.isVisible()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    dialog.reject()
    assert not dialog.isVisible()


def test_the_keyboard_opens_the_forms(window, structures, qtbot):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    structures.select_first()
    structures.table.setFocus()
    QTest.keyClick(structures.table, Qt.Key.Key_Return)
    dialog = structures.dialog
    assert isinstance(dialog, OrganisationDialog) and dialog.record is not None
    assert dialog.windowTitle().startswith("Modifier la structure « ")
    dialog.done(QDialog.DialogCode.Rejected)
    QTest.keyClick(structures.table, Qt.Key.Key_F2)
    assert structures.dialog is not None and structures.dialog.record is not None
    structures.dialog.done(QDialog.DialogCode.Rejected)
    QTest.keyClick(structures.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert structures.dialog is not None and structures.dialog.windowTitle() == "Nouvelle structure"
    structures.dialog.done(QDialog.DialogCode.Rejected)
    assert structures.new_action.toolTip() == "Nouvelle structure (Ctrl+N)"
    assert structures.edit_action.toolTip() == "Modifier la fiche sélectionnée (Entrée ou F2)"


# --- archive and restore ---------------------------------------------------------------------


def test_archive_needs_a_reason_hides_the_record_and_restore_brings_it_back(window, structures, demo_ws, qtbot):
    org_id = _org_id(demo_ws, "COORACE")
    visible = structures.model.total
    structures.select_record(org_id)
    dialog = structures.archive_current()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.reason_box.error_text() == "Indiquez la raison de l'archivage."
    _type(dialog.reason_edit, "A quitté le réseau")
    with qtbot.waitSignal(dialog.finished, timeout=3000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert structures.model.total == visible - 1
    assert structures.model.row_of(org_id) is None
    assert partners.get_organisation(demo_ws, org_id).archived_reason == "A quitté le réseau"
    assert _menu_undo_text(window) == "Annuler « Archiver la structure COORACE »"

    structures.archived_box.setChecked(True)
    structures.select_record(org_id)
    assert ("Archivée", "Oui – A quitté le réseau") in structures.detail_pane.detail.fields
    assert structures.restore_action.isEnabled() and not structures.archive_action.isEnabled()
    structures.restore_action.trigger()
    structures.archived_box.setChecked(False)
    assert structures.model.total == visible
    assert structures.model.row_of(org_id) is not None
    assert not partners.get_organisation(demo_ws, org_id).archived


# --- contacts --------------------------------------------------------------------------------


def test_severine_typed_in_the_contacts_search_finds_severine(contacts, qtbot):
    _type(contacts.search_field, "severine")
    qtbot.waitUntil(lambda: contacts.model.query.search == "severine", timeout=3000)
    first_names = {contacts.model.data(contacts.model.index(r, 1))
                   for r in range(contacts.model.rowCount())}
    assert first_names == {"Séverine"}


def test_a_new_contact_with_two_functions_is_one_undo_step(window, contacts, demo_ws, qtbot):
    coorace = _org_id(demo_ws, "COORACE")
    vita = _org_id(demo_ws, "VITA")
    dialog = contacts.new_record()
    assert isinstance(dialog, PersonDialog)
    _type(dialog.last_edit, "Lefèvre")
    _type(dialog.first_edit, "Anaïs")
    dialog.civility_combo.setCurrentIndex(dialog.civility_combo.findData("Mme"))
    _type(dialog.mobile_edit, "0639 61 10 99")
    dialog.functions.add_function(coorace, "COORACE")
    dialog.functions.table.item(0, 1).setText("Chargée de mission")
    dialog.functions.table.item(0, 2).setText("01/09/2024")
    dialog.functions.add_function(vita, "Réseau VITA")
    dialog.functions.table.item(1, 1).setText("Administratrice")
    with qtbot.waitSignal(dialog.finished, timeout=3000):
        dialog.save()
    person_id = contacts.current.id
    record = partners.get_person(demo_ws, person_id)
    assert (record.first_name, record.last_name, record.mobile) == ("Anaïs", "Lefèvre", "+262639611099")
    functions = partners.affiliations(demo_ws, person_id=person_id)
    assert {(f.organisation_id, f.function) for f in functions} == {
        (coorace, "Chargée de mission"), (vita, "Administratrice")}
    assert [f.start_date for f in functions if f.organisation_id == coorace] == [dt.date(2024, 9, 1)]
    assert sum(f.is_primary for f in functions) == 1
    assert _menu_undo_text(window) == "Annuler « Créer le contact Anaïs Lefèvre »"
    window.undo.undo()
    assert partners.affiliations(demo_ws, person_id=person_id) == ()
    assert contacts.model.row_of(person_id) is None


def test_a_bad_function_date_is_explained_and_nothing_is_saved(contacts, demo_ws, qtbot):
    person_id = lists.fetch(demo_ws, "contacts", ListQuery(search="severine mercier"), 0, 1).rows[0].id
    before = partners.affiliations(demo_ws, person_id=person_id)
    contacts.select_record(person_id)
    dialog = contacts.edit_current()
    dialog.functions.table.item(0, 3).setText("31/02/2025")
    dialog.save()
    assert dialog.isVisible()
    assert "Date invalide : « 31/02/2025 » (attendu : jj/mm/aaaa)." in dialog.functions.error.text()
    assert dialog.functions.error.text().startswith("Ligne 1")
    assert partners.affiliations(demo_ws, person_id=person_id) == before
    dialog.functions.table.item(0, 3).setText("28/02/2025")
    with qtbot.waitSignal(dialog.finished, timeout=3000):
        dialog.save()
    ended = partners.affiliations(demo_ws, person_id=person_id)[0]
    assert ended.end_date == dt.date(2025, 2, 28)


def test_public_accompagne_shows_the_privacy_banner_in_the_form(contacts, qtbot):
    dialog = contacts.new_record()
    assert not dialog.banner.isVisible()
    dialog.category_combo.setCurrentIndex(dialog.category_combo.findData("public"))
    assert dialog.banner.isVisible()
    assert dialog.banner.text() == details.PRIVACY_BANNER


def test_a_resembling_contact_is_offered_and_merged_after_creation(window, contacts, demo_ws, qtbot):
    existing_id = lists.fetch(demo_ws, "contacts", ListQuery(search="severine mercier"), 0, 1).rows[0].id
    existing = partners.get_person(demo_ws, existing_id)
    before = _count(demo_ws, "contacts")
    dialog = contacts.new_record()
    _type(dialog.last_edit, "Mercier")
    _type(dialog.first_edit, "Séverine")
    _type(dialog.email_edit, existing.email)
    dialog.save()
    assert dialog.duplicates.isVisible()
    assert "Même courriel" in dialog.duplicates.list.item(0).text()
    with qtbot.waitSignal(dialog.finished, timeout=3000):
        qtbot.mouseClick(dialog.duplicates.merge_button, Qt.MouseButton.LeftButton)
    merge = contacts.dialog
    assert isinstance(merge, MergeDialog)
    assert merge.survivor_id == existing_id  # the existing record is kept
    with qtbot.waitSignal(merge.finished, timeout=3000):
        qtbot.mouseClick(merge.merge_button, Qt.MouseButton.LeftButton)
    assert _count(demo_ws, "contacts") == before
    assert contacts.current.id == existing_id


# --- merge -----------------------------------------------------------------------------------


def _person_with_attendance(ws) -> str:
    for row in lists.fetch(ws, "contacts", ListQuery(), 0, 200).rows:
        if _attended(ws, row.id):
            return row.id
    raise AssertionError("no attendance in the demo")


def test_merging_two_people_moves_the_attendance_and_ctrl_z_undoes_it(window, contacts, demo_ws, qtbot):
    loser = _person_with_attendance(demo_ws)
    attended = _attended(demo_ws, loser)
    survivor = partners.create_person(demo_ws, PersonDraft(last_name="Doublon", first_name="Test")).id
    window.refresh()
    contacts.select_record(survivor)
    dialog = contacts.merge_current()
    assert isinstance(dialog, MergeDialog)
    assert not dialog.merge_button.isEnabled()  # the other record is not chosen yet
    dialog.search_edit.setText(partners.get_person(demo_ws, loser).last_name)
    dialog.run_search()
    row = next(r for r in range(dialog.other_list.count())
               if dialog.other_list.item(r).data(Qt.ItemDataRole.UserRole) == loser)
    dialog.other_list.setCurrentRow(row)
    assert dialog.preview is not None and dialog.preview.loser_id == loser
    assert "émargement" in dialog.moves_label.text()
    dialog.choose("last_name", loser)  # keep the real name
    dialog.choose("first_name", loser)
    with qtbot.waitSignal(dialog.finished, timeout=3000):
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    assert sorted(_attended(demo_ws, survivor)) == sorted(attended)
    assert partners.get_person(demo_ws, loser).merged_into == survivor
    assert partners.get_person(demo_ws, survivor).last_name == partners.get_person(demo_ws, loser).last_name
    assert contacts.model.row_of(loser) is None
    assert _menu_undo_text(window).startswith("Annuler « Fusionner le contact ")

    window.activateWindow()
    contacts.table.setFocus()
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert sorted(_attended(demo_ws, loser)) == sorted(attended)
    assert _attended(demo_ws, survivor) == ()
    assert partners.get_person(demo_ws, loser).merged_into is None
    assert partners.get_person(demo_ws, survivor).last_name == "Doublon"
    assert contacts.model.row_of(loser) is not None


def test_the_merge_dialog_counts_what_moves_and_lets_the_survivor_change(demo_ws, qtbot):
    create_application()
    a = partners.create_organisation(demo_ws, OrganisationDraft(name="Atelier Vert", city="Sens")).id
    b = _org_id(demo_ws, "COORACE")
    dialog = MergeDialog(demo_ws, "organisations", a, b)
    qtbot.addWidget(dialog)
    assert dialog.preview.survivor_id == a
    assert "fonction" in dialog.moves_label.text()
    assert dialog.choices()["name"] == "survivor"
    dialog.keep_group.button(2).click()  # keep COORACE instead
    assert dialog.preview.survivor_id == b
    assert dialog.choices()["name"] == "survivor"
    assert dialog.choices()["city"] in {"survivor", "loser"}
    assert moves_text(dialog.preview).endswith(".")
