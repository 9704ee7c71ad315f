"""RGPD in the GUI: export of a person's data, anonymisation, retention list."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.services import partners, privacy
from app.services.partners import PersonDraft
from ui.main import create_application
from ui.safety.rgpd import (
    AnonymiseDialog,
    BulkConfirmDialog,
    RetentionDialog,
    file_stem,
    matches_confirmation,
)

LATER = dt.date(2045, 1, 1)  # every retention period of the demo data is over by then


@pytest.fixture
def contacts(window):
    page = window.show_section("contacts")
    page.select_first()
    assert page.rgpd is not None
    return page


def _answer(monkeypatch, name: str, value=None) -> list[tuple]:
    calls: list[tuple] = []

    def fake(*args, **kwargs):
        calls.append(args)
        return value

    monkeypatch.setattr(QMessageBox, name, staticmethod(fake))
    return calls


def _names(page) -> list[str]:
    model = page.model
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    return [" ".join(str(model.index(r, c).data() or "") for c in (0, 1))
            for r in range(model.rowCount())]


def test_confirmation_text_and_file_names():
    assert matches_confirmation("ANONYMISER", "Dupont", "Marie")
    assert matches_confirmation("  anonymiser ", "Dupont", "Marie")
    assert matches_confirmation("dupont marie", "Dupont", "Marie")
    assert matches_confirmation("Marie  DUPONT", "Dupont", "Marie")
    assert matches_confirmation("Hélène Lefèvre", "LEFEVRE", "Helene")
    assert not matches_confirmation("Dupont", "Dupont", "Marie")
    assert not matches_confirmation("", "Dupont", "Marie")
    assert not matches_confirmation("oui", "Dupont", "Marie")
    assert file_stem("Marie-Hélène DUPONT") == "marie-helene-dupont"


def test_the_contacts_list_offers_the_rgpd_actions(contacts):
    rgpd = contacts.rgpd
    texts = [a.text() for a in contacts.table.actions() if not a.isSeparator()]
    assert "Exporter les données de cette personne…" in texts
    assert "Anonymiser…" in texts
    assert contacts.table.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    assert rgpd.button.isVisible()
    assert rgpd.export_action.isEnabled() and rgpd.anonymise_action.isEnabled()


def test_export_writes_the_pdf_and_the_json_off_the_gui_thread(contacts, qtbot, monkeypatch,
                                                               tmp_path):
    person_id = contacts.model.record_id(0)
    person = partners.get_person(contacts.ws, person_id)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda *a, **k: str(tmp_path)))
    offers = _answer(monkeypatch, "question", QMessageBox.StandardButton.Close)
    contacts.rgpd.export_action.trigger()
    qtbot.waitUntil(lambda: bool(offers), timeout=60_000)
    pdfs = list(tmp_path.glob("donnees-personnelles-*.pdf"))
    jsons = list(tmp_path.glob("donnees-personnelles-*.json"))
    assert len(pdfs) == 1 and len(jsons) == 1
    assert pdfs[0].read_bytes().startswith(b"%PDF")
    data = json.loads(jsons[0].read_text(encoding="utf-8"))
    assert data["personne"]["id"] == person_id
    assert data["personne"]["nom"] == person.last_name
    assert file_stem(person.display_name) in pdfs[0].name
    assert "Ouvrir le dossier ?" in offers[0][2]
    assert not list(tmp_path.glob("*.partiel"))


def test_anonymise_requires_the_typed_confirmation_and_the_name_disappears(
        window, contacts, qtbot):
    person_id = contacts.model.record_id(0)
    person = partners.get_person(contacts.ws, person_id)
    full = f"{person.last_name} {person.first_name}"
    assert full in _names(contacts)
    # An edit in the history: undoing it after the erasure would bring the name back.
    step = partners.update_person(contacts.ws, person_id, PersonDraft(
        **{**person.draft().__dict__, "notes": "Rappeler en juin"})).undo
    window.undo.push(step)
    assert window.undo.undo_action.isEnabled()

    dialog = contacts.rgpd.anonymise()
    assert isinstance(dialog, AnonymiseDialog)
    qtbot.waitExposed(dialog)
    assert "Conservé pour les indicateurs" in " ".join(
        w.text() for w in dialog.findChildren(type(dialog.error)))
    assert not dialog.ok_button.isEnabled()
    QTest.keyClicks(dialog.confirm_field, "oui")
    assert not dialog.ok_button.isEnabled()
    dialog.ok_button.click()  # disabled: nothing happens
    assert not partners.get_person(contacts.ws, person_id).last_name.startswith("Personne")

    dialog.confirm_field.setText(f"{person.first_name} {person.last_name}".upper())
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    erased = partners.get_person(contacts.ws, person_id)
    assert erased.last_name == privacy.anonymous_label(person_id)
    assert erased.email == "" and erased.consent_date is None
    names = _names(contacts)
    assert full not in names
    assert not any(person.last_name in n and person.first_name in n for n in names)
    assert any(n.startswith("Personne anonymisée") for n in names)
    assert contacts.detail_pane.detail.id == person_id
    assert "anonymisée" in contacts.detail_pane.detail.title
    assert not window.undo.undo_action.isEnabled()


def test_anonymise_warns_during_the_retention_period(demo_ws, qtbot):
    create_application()
    person = partners.create_person(demo_ws, PersonDraft(last_name="Sansréunion", first_name="Léa"))
    dialog = AnonymiseDialog(demo_ws, person.id)
    qtbot.addWidget(dialog)
    assert dialog.name == "Sansréunion Léa"
    due = next(p for p in privacy.people_due_for_anonymisation(demo_ws, LATER)
               if p.actions)
    busy = AnonymiseDialog(demo_ws, due.person_id, today=dt.date(2026, 1, 1))
    qtbot.addWidget(busy)
    assert busy.retention_label.isVisibleTo(busy)
    assert "conservées jusqu'au" in busy.retention_label.text()
    late = AnonymiseDialog(demo_ws, due.person_id, today=LATER)
    qtbot.addWidget(late)
    assert not late.retention_label.isVisibleTo(late)


def test_retention_list_with_bulk_anonymisation(demo_ws, qtbot, monkeypatch):
    create_application()
    infos = _answer(monkeypatch, "information")
    asked = []
    dialog = RetentionDialog(demo_ws, today=LATER,
                             confirm=lambda n, parent: asked.append(n) or True)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.searching and dialog.busy.isVisible() and dialog.stop_button.isVisible()
    qtbot.waitUntil(lambda: not dialog.searching, timeout=60_000)
    expected = privacy.people_due_for_anonymisation(demo_ws, LATER)
    assert dialog.table.rowCount() == len(expected) > 3
    assert [dialog.table.item(r, 0).text() for r in range(3)] == [p.name for p in expected[:3]]
    assert not dialog.anonymise_button.isEnabled()  # nothing checked yet
    assert not dialog.busy.isVisible()

    for row in (0, 2):
        dialog.table.item(row, 0).setCheckState(Qt.CheckState.Checked)
    chosen = [expected[0].person_id, expected[2].person_id]
    assert dialog.checked_ids() == chosen
    assert dialog.anonymise_button.text() == "&Anonymiser la sélection (2)…"
    with qtbot.waitSignal(dialog.anonymised, timeout=60_000) as done:
        QTest.mouseClick(dialog.anonymise_button, Qt.MouseButton.LeftButton)
    assert asked == [2]
    assert list(done.args[0].done) == chosen
    for pid in chosen:
        assert partners.get_person(demo_ws, pid).last_name == privacy.anonymous_label(pid)
    assert dialog.table.rowCount() == len(expected) - 2
    assert "2\u00a0personnes anonymisées" in infos[0][2]
    remaining = {p.person_id for p in privacy.people_due_for_anonymisation(demo_ws, LATER)}
    assert not remaining & set(chosen)

    dialog.set_all_checked(True)
    assert len(dialog.checked_ids()) == dialog.table.rowCount()
    dialog.set_all_checked(False)
    assert dialog.checked_ids() == []


def test_the_bulk_confirmation_wants_the_word(qtbot):
    create_application()
    dialog = BulkConfirmDialog(12)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    dialog.field.setText("anonymise")
    assert not dialog.ok_button.isEnabled()
    dialog.field.setText("ANONYMISER")
    assert dialog.ok_button.isEnabled()
    dialog.field.setText(" anonymiser ")
    assert dialog.ok_button.isEnabled()


def test_the_search_can_be_stopped(demo_ws, qtbot):
    create_application()
    dialog = RetentionDialog(demo_ws, today=LATER)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.found, timeout=60_000):
        dialog.stop()
    assert not dialog.searching
    # Stopped in time, or finished before the stop was seen: either way, said plainly.
    assert dialog.status.text().startswith("Recherche interrompue") or dialog.table.rowCount()


def test_the_retention_menu_opens_the_list(window, qtbot):
    dialog = window.safety.show_retention()
    assert isinstance(dialog, RetentionDialog)
    qtbot.waitUntil(lambda: not dialog.searching, timeout=60_000)
    dialog.reject()
