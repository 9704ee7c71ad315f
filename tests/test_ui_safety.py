"""Data safety in the GUI (issue 8): restore dialog, settings, audit log, menus."""

from __future__ import annotations

import csv
import datetime as dt
import re

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.services import backups, ics, lists, partners
from app.services import lock as lock_service
from app.services.partners import PersonDraft
from ui.main import create_application
from ui.mainwindow import MainWindow
from ui.safety import audit as audit_view
from ui.safety.audit import AuditDialog, period_dates
from ui.safety.backups import RestoreDialog, backup_date_label
from ui.safety.settings_dialog import PasswordChangeDialog, SettingsDialog

DATE_LABEL = re.compile(r"^[a-z]+ \d{1,2} [a-zéû]+ \d{4} à \d\d:\d\d$")


@pytest.fixture
def window(qtbot, demo_ws):
    create_application()
    win = MainWindow(demo_ws)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    holder = {"ws": demo_ws}
    win.workspace_changed.connect(lambda: holder.update(ws=win.workspace))
    yield win
    # pytest-qt has closed the window by now: let background work end before the bases close.
    QThreadPool.globalInstance().waitForDone(30_000)
    if holder["ws"] is not demo_ws:  # a restore opened the base again
        holder["ws"].close()


def _tile(window: MainWindow, caption: str) -> str:
    assert window.dashboard.wait_until_ready()  # the counts come off the GUI thread
    return {t.caption_label.text(): t.value_label.text() for t in window.dashboard.tiles}[caption]


def _answer(monkeypatch, name: str, value=None) -> list[tuple]:
    calls: list[tuple] = []

    def fake(*args, **kwargs):
        calls.append(args)
        return value

    monkeypatch.setattr(QMessageBox, name, staticmethod(fake))
    return calls


# --- restore -------------------------------------------------------------------------------


def test_backup_dates_read_in_french():
    assert backup_date_label(dt.datetime(2026, 5, 12, 14, 5)) == "mardi 12 mai 2026 à 14:05"


def test_restore_dialog_lists_backups_with_counts_and_restoring_replaces_the_data(
        window, demo_ws, qtbot, monkeypatch):
    people = lists.count(demo_ws, "contacts")
    saved = backups.make_backup(demo_ws, "manuelle").path
    partners.create_person(demo_ws, PersonDraft(last_name="Restaurationtest", first_name="Zoé"))
    assert lists.count(demo_ws, "contacts") == people + 1

    dialog = window.safety.show_restore()
    assert isinstance(dialog, RestoreDialog)
    qtbot.waitUntil(lambda: not dialog.busy_now, timeout=20_000)
    assert dialog.table.rowCount() >= 1
    row = next(i for i, b in enumerate(dialog.backups) if b.path == saved)
    cells = [dialog.table.item(row, c).text() for c in range(dialog.table.columnCount())]
    assert DATE_LABEL.match(cells[0]), cells[0]
    assert cells[1] == "Sauvegarde manuelle"
    assert cells[2] == "Dossier principal"
    assert cells[3].endswith("Mo") or cells[3].endswith("ko")
    assert f"{people}\u00a0contacts" in cells[4]
    assert [dialog.table.horizontalHeaderItem(c).text() for c in range(5)] == [
        "Date", "Motif", "Emplacement", "Taille", "Contenu"]

    questions = _answer(monkeypatch, "question", QMessageBox.StandardButton.Yes)
    infos = _answer(monkeypatch, "information")
    old_ws = window.workspace
    dialog.table.selectRow(row)
    QTest.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert questions and "copiée" in questions[0][2]  # the confirmation explains the safety copy
    qtbot.waitUntil(lambda: window.workspace is not old_ws, timeout=30_000)
    qtbot.waitUntil(lambda: bool(infos), timeout=10_000)
    assert "restaurée" in infos[0][2]
    assert lists.count(window.workspace, "contacts") == people
    window.show_section("tableau-de-bord")
    assert _tile(window, "Contacts") == str(people)
    # The replaced base was kept aside, and is listed among the backups.
    reasons = {b.reason for b in backups.list_backups(window.workspace)}
    assert "avant-restauration" in reasons


def test_a_failed_restore_says_so_in_french_and_reopens_the_base(window, demo_ws, qtbot,
                                                                 monkeypatch, tmp_path):
    bogus = tmp_path / "pas-une-base.sqlite"
    bogus.write_bytes(b"ceci n'est pas une base" * 100)
    info = backups.BackupInfo(bogus, dt.datetime(2026, 1, 5, 9, 0), bogus.stat().st_size,
                              "manuelle", "fichier", 1, (("people", 3),))
    errors = _answer(monkeypatch, "critical")
    from ui.safety.backups import restore_into_window

    old_ws = window.workspace
    restore_into_window(window, info)
    qtbot.waitUntil(lambda: bool(errors), timeout=20_000)
    assert "n'a pas été modifiée" in errors[0][2]
    qtbot.waitUntil(lambda: window.workspace is not old_ws, timeout=10_000)
    assert window.db_label.text() == "demo.sqlite"


def test_backup_now_adds_a_line(window, qtbot):
    dialog = RestoreDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.busy_now, timeout=20_000)
    before = dialog.table.rowCount()
    with qtbot.waitSignal(dialog.listed, timeout=30_000):
        QTest.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
        assert dialog.busy.isVisible()
    qtbot.waitUntil(lambda: not dialog.busy_now and dialog.table.rowCount() == before + 1,
                    timeout=30_000)
    assert dialog.table.item(0, 1).text() == "Sauvegarde manuelle"
    assert "enregistrée" in dialog.status.text()


def test_a_backup_from_another_folder_can_be_picked(window, qtbot, monkeypatch, tmp_path):
    copy = backups.make_backup(window.workspace, "manuelle").path
    elsewhere = tmp_path / "cle-usb" / "ma-sauvegarde.sqlite"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(copy.read_bytes())
    dialog = RestoreDialog(window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.busy_now, timeout=20_000)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(elsewhere), "")))
    dialog.choose_other_file()
    assert dialog.selected().path == elsewhere
    assert dialog.table.item(0, 2).text() == "Autre fichier"
    assert dialog.restore_button.isEnabled()


# --- settings ------------------------------------------------------------------------------


def _fill_and_save(dialog: PasswordChangeDialog, qtbot, **fields: str) -> None:
    for name, value in fields.items():
        getattr(dialog, f"{name}_field").setText(value)
    QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.working, timeout=20_000)


def test_password_set_change_requires_the_old_one_and_remove(demo_ws, qtbot):
    create_application()
    settings = SettingsDialog(demo_ws)
    qtbot.addWidget(settings)
    assert settings.set_button.text() == "&Définir un mot de passe…"
    assert not settings.remove_button.isVisibleTo(settings)
    assert not settings.timeout_spin.isEnabled()

    dialog = settings.edit_password("set")
    assert not dialog.old_field.isVisibleTo(dialog)  # nothing to give the first time
    _fill_and_save(dialog, qtbot, new="premier-secret", confirm="autre-chose")
    assert dialog.errors["confirm"].text() == "Les deux saisies ne sont pas identiques."
    _fill_and_save(dialog, qtbot, new="court", confirm="court")
    assert "au moins 8 caractères" in dialog.errors["new"].text()
    with qtbot.waitSignal(settings.password_changed, timeout=20_000):
        _fill_and_save(dialog, qtbot, new="premier-secret", confirm="premier-secret")
    assert lock_service.check_password(demo_ws, "premier-secret")
    assert settings.set_button.text() == "C&hanger le mot de passe…"
    assert settings.remove_button.isVisibleTo(settings)
    assert settings.timeout_spin.isEnabled()

    change = settings.edit_password("change")
    _fill_and_save(change, qtbot, old="", new="second-secret", confirm="second-secret")
    assert change.errors["old"].text() == "Saisissez le mot de passe actuel."
    _fill_and_save(change, qtbot, old="pas-le-bon", new="second-secret", confirm="second-secret")
    assert change.errors["old"].text() == "L'ancien mot de passe est incorrect."
    assert change.isVisible()
    assert lock_service.check_password(demo_ws, "premier-secret")
    with qtbot.waitSignal(settings.password_changed, timeout=20_000):
        _fill_and_save(change, qtbot, old="premier-secret", new="second-secret",
                       confirm="second-secret")
    assert lock_service.check_password(demo_ws, "second-secret")
    assert not lock_service.check_password(demo_ws, "premier-secret")

    remove = settings.edit_password("remove")
    assert not remove.new_field.isVisibleTo(remove)
    _fill_and_save(remove, qtbot, old="premier-secret")
    assert remove.errors["old"].text() == "Le mot de passe est incorrect."
    with qtbot.waitSignal(settings.password_changed, timeout=20_000):
        _fill_and_save(remove, qtbot, old="second-secret")
    assert not lock_service.has_password(demo_ws)
    assert settings.set_button.text() == "&Définir un mot de passe…"


def test_settings_second_folder_delay_and_time_zone(demo_ws, qtbot, monkeypatch, tmp_path):
    create_application()
    lock_service.set_password(demo_ws, "un-secret-solide")
    folder = tmp_path / "cle"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda *a, **k: str(folder)))
    dialog = SettingsDialog(demo_ws)
    qtbot.addWidget(dialog)
    assert dialog.folder_field.text() == ""
    assert not dialog.clear_button.isEnabled()
    QTest.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    assert dialog.folder_field.text() == str(folder)
    dialog.timeout_spin.setValue(25)
    dialog.timezone_combo.setCurrentIndex(dialog.timezone_combo.findData("Indian/Mayotte"))
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert backups.get_second_folder(demo_ws) == folder.resolve()
    assert lock_service.get_lock_timeout(demo_ws) == 25
    assert ics.get_site_timezone(demo_ws) == "Indian/Mayotte"

    # The key is unplugged: the dialog warns, and the folder can be cleared.
    folder.rmdir()
    again = SettingsDialog(demo_ws)
    qtbot.addWidget(again)
    again.show()
    assert again.folder_warning.isVisible()
    assert "introuvable" in again.folder_warning.text()
    assert again.timeout_spin.value() == 25
    QTest.mouseClick(again.clear_button, Qt.MouseButton.LeftButton)
    assert not again.folder_warning.isVisible()
    assert again.folder_field.text() == ""
    again.save()
    assert backups.get_second_folder(demo_ws) is None


def test_the_settings_menu_opens_the_dialog_and_refreshes_the_lock(window, qtbot):
    dialog = window.safety.show_settings()
    assert isinstance(dialog, SettingsDialog)
    assert dialog.isVisible()
    assert not window.lock_controller.enabled
    lock_service.set_password(window.workspace, "un-secret-solide")
    dialog.password_changed.emit()
    assert window.lock_controller.enabled
    assert window.safety.lock_action.isEnabled()
    dialog.reject()


# --- audit ---------------------------------------------------------------------------------


def _some_person(ws) -> partners.PersonRecord:
    row = lists.fetch(ws, "contacts", lists.ListQuery(), 0, 1).rows[0]
    return partners.get_person(ws, row.id)


def test_audit_view_shows_an_edit_and_filters_by_table(demo_ws, qtbot, monkeypatch, tmp_path):
    create_application()
    person = _some_person(demo_ws)
    draft = person.draft()
    partners.update_person(demo_ws, person.id, PersonDraft(
        **{**draft.__dict__, "email": "nouvelle.adresse@example.org"}))

    dialog = AuditDialog(demo_ws)
    qtbot.addWidget(dialog)
    newest = dialog.model.rows[0]
    assert newest.record_id == person.id
    assert newest.operation_label == "Modification"
    assert newest.table_label == "Contact"
    assert "courriel" in newest.fields_label
    cells = [dialog.model.index(0, c).data() for c in range(dialog.model.columnCount())]
    assert cells[3] == "Modification" and cells[4] == "Contact"
    assert person.last_name in cells[5]
    assert "nouvelle.adresse" not in " ".join(cells)  # the log never holds values
    total = dialog.model.total
    assert dialog.count_label.text().endswith("entrées")

    dialog.table_combo.setCurrentIndex(dialog.table_combo.findData("organisations"))
    assert 0 < dialog.model.total < total
    assert {r.table for r in dialog.model.rows} == {"organisations"}
    dialog.table_combo.setCurrentIndex(dialog.table_combo.findData("people"))
    dialog.operation_combo.setCurrentIndex(dialog.operation_combo.findData("modification"))
    assert [r.record_id for r in dialog.model.rows] == [person.id]
    assert dialog.count_label.text() == "1\u00a0entrée"
    dialog.period_combo.setCurrentIndex(dialog.period_combo.findData("choix"))
    assert dialog.since_edit.isEnabled()
    dialog.since_edit.setDate(dt.date(2000, 1, 1))
    dialog.until_edit.setDate(dt.date(2000, 12, 31))
    assert dialog.model.total == 0
    assert dialog.count_label.text() == "Aucune entrée"
    assert not dialog.export_button.isEnabled()


def test_audit_pages_are_read_as_the_table_scrolls(demo_ws, qtbot, monkeypatch):
    create_application()
    monkeypatch.setattr(audit_view, "PAGE_SIZE", 10)
    dialog = AuditDialog(demo_ws)
    qtbot.addWidget(dialog)
    assert dialog.model.total > 20
    assert dialog.model.rowCount() == 10
    assert dialog.model.canFetchMore()
    dialog.model.fetchMore()
    assert dialog.model.rowCount() == 20
    ids = [r.id for r in dialog.model.rows]
    assert ids == sorted(ids, reverse=True)  # newest first, no duplicates across pages


def test_audit_export_csv(demo_ws, qtbot, monkeypatch, tmp_path):
    create_application()
    target = tmp_path / "journal"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    infos = _answer(monkeypatch, "information")
    dialog = AuditDialog(demo_ws)
    qtbot.addWidget(dialog)
    dialog.table_combo.setCurrentIndex(dialog.table_combo.findData("organisations"))
    expected = dialog.model.total
    QTest.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(infos), timeout=20_000)
    written = target.with_suffix(".csv")
    assert written.is_file()
    with open(written, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0][0] == "Date"
    assert len(rows) - 1 == expected
    assert {r[5] for r in rows[1:]} == {"Structure"}
    assert str(written) in infos[0][2]


def test_period_presets():
    today = dt.date(2026, 5, 12)
    assert period_dates("tout", today) == (None, None)
    assert period_dates("jour", today) == (today, today)
    assert period_dates("7j", today) == (dt.date(2026, 5, 6), today)
    assert period_dates("30j", today)[0] == dt.date(2026, 4, 13)


# --- menus ---------------------------------------------------------------------------------


def test_tools_menu_entries_and_shortcuts(window):
    tools = window.safety.tools_menu
    assert [a.text() for a in tools.actions() if not a.isSeparator()] == [
        "&Réglages…", "&Journal des modifications",
        "Données à &anonymiser (durée de conservation)…", "&Verrouiller maintenant"]
    assert window.safety.restore_action.shortcut().toString() == "Ctrl+Shift+R"
    assert window.safety.audit_action.shortcut().toString() == "Ctrl+Shift+J"
    assert window.safety.lock_action.shortcut().toString() == "Ctrl+L"
    assert not window.safety.lock_action.isEnabled()  # no password: nothing to lock
    audit_dialog = window.safety.show_audit()
    assert isinstance(audit_dialog, AuditDialog) and audit_dialog.isVisible()
    audit_dialog.reject()
