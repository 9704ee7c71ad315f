"""Importing and exporting structures and contacts from the GUI."""

from __future__ import annotations

import csv
import datetime as dt
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.io import partners_import as pi
from app.io.partners_import import ImportReport, LineIssue
from app.services import lists, partners
from app.services.lists import ListQuery
from app.services.partners import PersonDraft
from ui import settings
from ui.partners.duplicates import CandidatesDialog
from ui.partners.export import CSV_FILTER, XLSX_FILTER, spreadsheet_path, vcard_message
from ui.partners.import_dialog import ImportDialog, mapping_for, report_summary
from ui.partners.section import PartnersSection

HEADER = "Raison sociale;Sigle;SIRET;CP;Ville;Téléphone;Courriel;Divers\n"
GOOD = ("Relais Emploi Sud;RES;732 829 320 00074;89000;Auxerre;03 86 12 34 56;contact@res.fr;x\n"
        "Atelier Bois Flotté;ABF;;89300;Joigny;;bois@abf.fr;y\n")
BAD = ("Chantier Vert;;123;89100;Sens;;chantier@vert;z\n"
       "Ferme des Possibles;;;99999;Joigny;;;\n")


@pytest.fixture
def structures(window) -> PartnersSection:
    return window.show_section("structures")


@pytest.fixture
def contacts(window) -> PartnersSection:
    return window.show_section("contacts")


def _csv(tmp_path: Path, text: str, name: str = "partenaires.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _total(ws) -> int:
    return lists.count(ws, "structures", ListQuery(show_archived=True))


def _run(qtbot, dialog: ImportDialog, what) -> None:  # noqa: ANN001
    task = what()
    assert task is not None
    qtbot.waitUntil(lambda: not task.running, timeout=10_000)


def _open(structures, monkeypatch, path: Path) -> ImportDialog:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    dialog = structures.import_file()
    assert isinstance(dialog, ImportDialog)
    dialog.choose_button.click()
    return dialog


# --- plain functions -------------------------------------------------------------------------


def test_remembered_choices_win_over_the_proposed_mapping():
    headers = ("Raison sociale", "Ville", "Divers")
    assert mapping_for(headers, "organisations", {}) == {
        "Raison sociale": "name", "Ville": "city", "Divers": ""}
    remembered = {"Divers": "notes", "Ville": ""}
    assert mapping_for(headers, "organisations", remembered) == {
        "Raison sociale": "name", "Ville": "", "Divers": "notes"}


def test_the_report_is_summed_up_in_french():
    report = ImportReport("organisations", accepted=2, dry_run=True, created=2,
                          rejected=(LineIssue(4, "siret", "…"), LineIssue(4, "email", "…"),
                                    LineIssue(5, "postcode", "…")))
    text = report_summary(report, skip_invalid=False, update_existing=False)
    assert text.startswith("Vérification : 2\u00a0lignes valides, 2\u00a0lignes rejetées.")
    assert "Rien ne sera enregistré tant qu'une ligne est invalide" in text
    text = report_summary(report, skip_invalid=True, update_existing=False)
    assert text.endswith("« Importer » enregistrera 2\u00a0structures.")
    done = ImportReport("people", accepted=1, created=1, written=True, structures_created=1)
    assert report_summary(done, skip_invalid=False, update_existing=False) == (
        "Import terminé : 1\u00a0contact créé, 1\u00a0structure créée.")


def test_the_extension_chooses_the_spreadsheet_format():
    assert spreadsheet_path("/tmp/liste.csv", XLSX_FILTER) == Path("/tmp/liste.csv")
    assert spreadsheet_path("/tmp/liste", CSV_FILTER) == Path("/tmp/liste.csv")
    assert spreadsheet_path("/tmp/liste", XLSX_FILTER) == Path("/tmp/liste.xlsx")


# --- import ----------------------------------------------------------------------------------


def test_an_import_with_bad_lines_writes_nothing_and_lists_them(structures, demo_ws, qtbot,
                                                                 tmp_path, monkeypatch):
    before = _total(demo_ws)
    dialog = _open(structures, monkeypatch, _csv(tmp_path, HEADER + GOOD + BAD))
    assert dialog.info is not None
    assert dialog.format_label.text().startswith("CSV, UTF-8, séparateur point-virgule")
    assert dialog.mapping()["Raison sociale"] == "name"
    assert dialog.mapping()["Divers"] == ""
    assert dialog.preview_table.item(1, 0).text() == "Relais Emploi Sud"
    assert not dialog.import_button.isEnabled()  # a check comes first

    _run(qtbot, dialog, dialog.check)
    assert dialog.summary_label.text().startswith("Vérification : 2\u00a0lignes valides, 2\u00a0lignes rejetées.")
    issues = dialog.issues()
    assert ("4", "SIRET", "SIRET invalide : il doit compter 14 chiffres (ici 3).") in issues
    assert any(line == "4" and field == "Courriel" for line, field, _ in issues)
    assert any(line == "5" and field == "Code postal" for line, field, _ in issues)
    assert not dialog.import_button.isEnabled()  # rejected lines and no « Ignorer »
    assert _total(demo_ws) == before


def test_import_with_skip_invalid_writes_the_valid_lines(structures, demo_ws, qtbot, tmp_path,
                                                         monkeypatch):
    before = _total(demo_ws)
    dialog = _open(structures, monkeypatch, _csv(tmp_path, HEADER + GOOD + BAD))
    _run(qtbot, dialog, dialog.check)
    dialog.skip_box.setChecked(True)
    assert dialog.import_button.isEnabled()
    assert dialog.summary_label.text().endswith("« Importer » enregistrera 2\u00a0structures.")
    with qtbot.waitSignal(dialog.imported, timeout=10_000) as signal:
        dialog.import_button.click()
    report = signal.args[0]
    assert (report.created, report.rejected_lines, report.written) == (2, 2, True)
    qtbot.waitUntil(lambda: not dialog.task.running, timeout=5000)
    assert dialog.summary_label.text() == (
        "Import terminé : 2\u00a0structures créées. 2\u00a0lignes ignorées (invalides).")
    assert _total(demo_ws) == before + 2
    assert structures.model.total == lists.count(demo_ws, "structures")
    record = partners.get_organisation(demo_ws, lists.fetch(
        demo_ws, "structures", ListQuery(search="Relais Emploi Sud"), 0, 1).rows[0].id)
    assert record.siret == "73282932000074"
    # The mapping confirmed is remembered for the next file.
    assert settings.load_import_mapping("organisations")["Raison sociale"] == "name"


def test_a_cancelled_import_writes_nothing(structures, demo_ws, qtbot, tmp_path, monkeypatch):
    lines = "".join(f"Structure {n};;;89000;Auxerre;;s{n}@exemple.fr;\n" for n in range(3000))
    before = _total(demo_ws)
    dialog = _open(structures, monkeypatch, _csv(tmp_path, HEADER + lines))
    _run(qtbot, dialog, dialog.check)
    assert dialog.import_button.isEnabled()
    # The import's first look at « Annuler » waits until the button was pressed.
    pressed = threading.Event()
    real = pi.import_organisations

    def import_after_click(ws, path, *, cancelled, **kwargs):  # noqa: ANN001, ANN202
        def asked() -> bool:
            pressed.wait(5)
            return cancelled()

        return real(ws, path, cancelled=asked, **kwargs)

    monkeypatch.setattr(pi, "import_organisations", import_after_click)
    task = dialog.run_import()
    assert dialog.progress_host.isVisible() and not dialog.close_button.isEnabled()
    dialog.cancel_button.click()
    pressed.set()
    qtbot.waitUntil(lambda: not task.running, timeout=10_000)
    assert dialog.report.cancelled
    assert dialog.summary_label.text() == "Import annulé : rien n'a été enregistré."
    assert _total(demo_ws) == before
    assert dialog.close_button.isEnabled()


def test_a_file_that_is_not_a_table_is_explained_in_french(structures, tmp_path, monkeypatch):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    dialog = _open(structures, monkeypatch, path)
    assert dialog.file_error.isVisibleTo(dialog)
    assert dialog.file_error.text() == "« photo.csv » n'est pas un tableau CSV ou XLSX : c'est une image PNG."
    assert not dialog.check_button.isEnabled()


def test_a_mapping_without_the_name_column_is_refused(structures, tmp_path, monkeypatch):
    dialog = _open(structures, monkeypatch, _csv(tmp_path, HEADER + GOOD))
    dialog.set_field("Raison sociale", "")
    assert dialog.mapping_error.isVisibleTo(dialog)
    assert dialog.mapping_error.text().startswith("Colonne du nom introuvable")
    assert not dialog.check_button.isEnabled()
    dialog.set_field("Raison sociale", "name")
    assert dialog.check_button.isEnabled()


def test_after_an_import_the_duplicates_of_the_new_records_are_offered(
        contacts, demo_ws, qtbot, tmp_path, monkeypatch):
    existing = partners.get_person(demo_ws, lists.fetch(
        demo_ws, "contacts", ListQuery(search="severine mercier"), 0, 1).rows[0].id)
    domain = existing.email.split("@")[1]
    path = _csv(tmp_path, f"Nom;Prénom;Courriel\nMercier;Séverine;s.mercier@{domain}\n"
                f"Nouvelle;Personne;nouvelle.personne@exemple.fr\n"
                f"Mercier;Séverine;{existing.email.upper()}\n", "contacts.csv")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    dialog = contacts.import_file()
    dialog.choose_button.click()
    _run(qtbot, dialog, dialog.check)
    # The same e-mail is an existing contact: reported with its line, not duplicated.
    assert ("4", "Courriel", "Contact déjà présent (même courriel) : non modifié (cochez "
            "« mettre à jour les existants »).") in dialog.issues()
    with qtbot.waitSignal(dialog.imported, timeout=10_000):
        dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.task.running, timeout=5000)
    dialog.close_button.click()

    candidates = contacts.dialog
    assert isinstance(candidates, CandidatesDialog)
    pair = candidates.current()
    assert existing.id in (pair.first_id, pair.second_id)
    new_id = pair.first_id if pair.second_id == existing.id else pair.second_id
    candidates.merge_button.click()
    merge = contacts.dialog
    assert merge.survivor_id == existing.id  # the record that was there is kept
    with qtbot.waitSignal(merge.finished, timeout=3000):
        merge.merge_button.click()
    assert partners.get_person(demo_ws, new_id).merged_into == existing.id
    assert candidates.table.rowCount() == len(candidates.candidates)
    assert all(existing.id not in (c.first_id, c.second_id) or new_id not in (c.first_id, c.second_id)
               for c in candidates.candidates)


# --- export ----------------------------------------------------------------------------------


def test_the_list_shown_is_exported_as_csv_for_excel(structures, demo_ws, qtbot, tmp_path,
                                                       monkeypatch):
    structures.search_field.setText("Yonne")
    structures.search_field.returnPressed.emit()
    shown = structures.model.total
    assert 0 < shown < lists.count(demo_ws, "structures")
    dest = tmp_path / "liste"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(dest), CSV_FILTER))
    structures.export_list_action.trigger()
    qtbot.waitUntil(lambda: not structures.task.running, timeout=10_000)
    path = dest.with_suffix(".csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for French Excel
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert len(rows) == shown + 1
    message = structures.window().statusBar().currentMessage()
    assert message == f"{shown}\u00a0structures exportées dans « liste.csv »."


def test_vcards_leave_out_contacts_without_consent_and_say_so(contacts, demo_ws, tmp_path,
                                                              monkeypatch):
    with_consent = partners.create_person(demo_ws, PersonDraft(
        last_name="Avec", first_name="Accord", email="avec@exemple.fr",
        consent_date=dt.date(2025, 1, 15), consent_source="Formulaire")).id
    without = partners.create_person(demo_ws, PersonDraft(
        last_name="Sans", first_name="Accord", email="sans@exemple.fr")).id
    contacts.search_field.setText("Accord")
    contacts.search_field.returnPressed.emit()
    selection = contacts.table.selectionModel()
    selection.clearSelection()
    for record_id in (with_consent, without):
        index = contacts.model.index(contacts.model.row_of(record_id), 0)
        selection.select(index, QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)
    assert set(contacts.selected_ids()) == {with_consent, without}
    assert contacts.vcard_action.isEnabled()
    dest = tmp_path / "carnet.vcf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(dest), ""))
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: told.append(text))
    contacts.vcard_action.trigger()
    text = dest.read_text(encoding="utf-8")
    assert text.count("BEGIN:VCARD") == 1 and "avec@exemple.fr" in text
    assert told == ["1\u00a0fiche exportée dans « carnet.vcf » ; 1\u00a0contact exclu faute de "
                    "consentement enregistré."]


def test_the_vcard_message_counts_in_french(tmp_path):
    from app.io.export import ExportResult

    assert vcard_message(ExportResult(tmp_path / "a.vcf", 3, 0)) == (
        "3\u00a0fiches exportées dans « a.vcf ».")
