"""The Conventions section on demo data, used the way a chargé de mission would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pypdf import PdfReader

from app.services import conventions as conv
from app.services import templates as tpl
from app.services.workspace import ChangeSet
from app.services.conventions import ConventionFilter, ConventionInput, PartyInput
from ui.conventions.fields import amount_text, parse_amount
from ui.conventions.form import ConventionDialog, parse_date_text
from ui.conventions.model import ConventionTableModel
from ui.conventions.printing import page_count, render_pages
from ui.conventions.section import ConventionsSection, pdf_name
from ui.conventions.status import StatusDialog
from ui.conventions.template_editor import TemplateEditorDialog

TODAY = dt.date.today()


@pytest.fixture
def page(window) -> ConventionsSection:
    section = window.show_section("conventions")
    assert isinstance(section, ConventionsSection)
    return section


def _row_by_number(ws, number: str) -> conv.ConventionRow:
    return next(r for r in conv.list_conventions(ws) if r.number == number)


def _fields(page: ConventionsSection) -> dict[str, str]:
    return dict(page.detail_pane.detail.fields)


def _partner_id(ws, name: str) -> str:
    return next(i for i, n in conv.filter_choices(ws).partners if n == name)


def _draft(ws, title: str = "Convention d'essai") -> str:
    partner = _partner_id(ws, "COORACE")
    saved = conv.create_convention(ws, ConventionInput(
        kind="partenariat", title=title, parties=(PartyInput(partner),),
        start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31), amount_cents=500_000))
    return saved.id


# --- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "cents"), [
    ("10 000,00", 1_000_000), ("10000", 1_000_000), ("10\u202f000,00 €", 1_000_000),
    ("21,5", 2150), ("21,50", 2150), ("80", 8000), ("71", 7100), ("1 000 000", 100_000_000),
    ("10.000,00", 1_000_000), ("0,5", 50), ("", None), ("  ", None),
])
def test_french_amounts_are_read_as_typed(text, cents):
    assert parse_amount(text) == cents


@pytest.mark.parametrize(("text", "message"), [
    ("12,3,4", "Montant non reconnu : « 12,3,4 ». Écrivez par exemple 10 000,00."),
    ("dix mille", "Montant non reconnu : « dix mille ». Écrivez par exemple 10 000,00."),
    ("-50", "Le montant ne peut pas être négatif."),
    ("12,345", "Montant non reconnu : « 12,345 ». Écrivez par exemple 10 000,00."),
])
def test_unreadable_amounts_are_explained_in_french(text, message):
    with pytest.raises(ValueError) as error:
        parse_amount(text)
    assert str(error.value) == message


def test_amounts_are_shown_the_french_way_and_read_back():
    assert amount_text(1_000_000) == "10\u202f000,00"
    assert parse_amount(amount_text(123_456_789)) == 123_456_789
    assert parse_date_text("15/3/2026") == dt.date(2026, 3, 15)
    with pytest.raises(ValueError, match="date non reconnue"):
        parse_date_text("31/02/2026")


# --- list and filters ------------------------------------------------------------------------


def test_the_list_shows_every_convention_with_consolidated_amounts(page, demo_ws, qtmodeltester):
    rows = conv.list_conventions(demo_ws)
    model = page.model
    assert isinstance(model, ConventionTableModel)
    qtmodeltester.check(model)
    assert model.rowCount() == len(rows) > 5
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Numéro", "Intitulé", "Partenaire(s)", "Montant", "Période", "Statut",
                       "Prochaine échéance"]
    assert page.count_label.text() == f"{len(rows)}\u00a0conventions"
    amended = next(r for r in rows if r.amended)
    row = model.row_of(amended.id)
    assert model.data(model.index(row, 3)) == f"{amended.amount} *"
    assert "après avenant" in model.data(model.index(row, 3), Qt.ItemDataRole.ToolTipRole)


def test_filtering_by_status_then_clearing(page, demo_ws):
    everyone = page.model.rowCount()
    expected = conv.list_conventions(demo_ws, ConventionFilter(status="en_cours"))
    assert page.status_filter.itemText(0) == "Tous les statuts"
    page.status_filter.setCurrentIndex(page.status_filter.findData("en_cours"))
    assert 0 < page.model.rowCount() == len(expected) < everyone
    statuses = {page.model.data(page.model.index(r, 5)) for r in range(page.model.rowCount())}
    assert statuses == {"En cours"}
    assert page.clear_filters_button.isEnabled()

    page.year_filter.setCurrentIndex(page.year_filter.findData(2024))
    assert page.model.rowCount() == 0
    assert page.table.empty_label.text() == "Aucune convention ne correspond à ces filtres."
    QTest.mouseClick(page.clear_filters_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == everyone
    assert page.status_filter.currentIndex() == 0


def test_filter_menus_offer_partners_actions_and_years(page, demo_ws):
    choices = conv.filter_choices(demo_ws)
    offered = [page.partner_filter.itemText(i) for i in range(1, page.partner_filter.count())]
    assert offered == [name for _id, name in choices.partners]
    page.partner_filter.setCurrentIndex(page.partner_filter.findData(_partner_id(demo_ws, "COORACE")))
    assert [page.model.data(page.model.index(r, 2)) for r in range(page.model.rowCount())] == [
        "COORACE"]
    assert [page.year_filter.itemText(i) for i in range(1, page.year_filter.count())] == [
        str(y) for y in choices.years]


def test_the_search_field_searches_numbers_and_titles(page, qtbot):
    QTest.keyClicks(page.search_field, "ressourcerie")
    qtbot.waitUntil(lambda: page.model.query.search == "ressourcerie", timeout=3000)
    titles = [page.model.data(page.model.index(r, 1)) for r in range(page.model.rowCount())]
    assert titles and all("essourcerie" in t for t in titles)


def test_detail_shows_consolidated_values_parties_installments_avenants_history(page, demo_ws):
    amended = next(r for r in conv.list_conventions(demo_ws) if r.amended)
    page.select_record(amended.id)
    cv = conv.get_convention(demo_ws, amended.id)
    fields = _fields(page)
    assert fields["Montant"] == f"{amended.amount} (après avenant)"
    assert fields["Statut"] == cv.status_label
    tables = {t.title: t for t in page.detail_pane.detail.tables}
    assert list(tables) == ["Parties", "Échéancier", "Avenants", "Historique"]
    assert [row[0] for row in tables["Parties"].rows] == [p.name for p in cv.parties]
    assert [row[0] for row in tables["Avenants"].rows] == [a.number for a in cv.avenants]
    assert len(tables["Historique"].rows) == len(cv.events)
    assert page.avenant_action.isEnabled()
    assert not page.edit_action.isEnabled()  # signed: only by avenant


# --- the form --------------------------------------------------------------------------------


# The completion list pops up: the offscreen platform cannot raise it nor grab the keyboard.
@pytest.mark.qt_log_ignore("This plugin does not support raise", "does not support grabbing")
def test_create_a_convention_through_the_form(page, demo_ws, qtbot):
    expected_number = conv.preview_number(demo_ws, "objectifs_financement")
    page.setFocus()
    QTest.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = page.dialog
    assert isinstance(dialog, ConventionDialog)
    assert dialog.windowTitle() == "Nouvelle convention"
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("objectifs_financement"))
    assert expected_number in dialog.number_edit.placeholderText()
    QTest.keyClicks(dialog.title_edit, "Animation du Mois de l'ESS en Puisaye")
    QTest.keyClicks(dialog.object_edit, "Coordonner les animations du Mois de l'ESS.")

    dialog.tabs.setCurrentIndex(1)
    dialog.porteur_name_edit.insert("Françoise Thévenin")  # keyClicks types ASCII only
    picker = dialog.partner_picker
    picker.setFocus()
    QTest.keyClicks(picker, "coorace")
    qtbot.waitUntil(lambda: bool(picker.results), timeout=3000)
    assert picker.results[0][1].startswith("COORACE")
    assert picker.completer_.popup().isVisible()
    picker.choose(0)
    assert dialog.partners_table.rowCount() == 1
    assert dialog.partners_table.item(0, 0).text() == "COORACE"
    defaults = conv.party_defaults(demo_ws, _partner_id(demo_ws, "COORACE"))
    assert dialog.partners_table.item(0, 1).text() == defaults.representative_name != ""

    dialog.tabs.setCurrentIndex(2)
    dialog.start_edit.set_value(dt.date(2026, 10, 1))
    dialog.end_edit.set_value(dt.date(2026, 12, 31))
    QTest.keyClicks(dialog.amount_edit, "10 000,00")
    assert dialog.amount_words.text() == "(dix mille euros)"
    dialog.add_installment()
    dialog.installments_table.item(0, 0).setText("15/10/2026")
    dialog.installments_table.item(0, 1).setText("6 000")
    dialog.installments_table.item(0, 2).setText("à la signature")
    assert dialog.installments_total.text() == "Total de l'échéancier : 6\u202f000,00\u00a0€"

    dialog.tabs.setCurrentIndex(3)
    dialog.fse_spin.setValue(47)
    dialog.evidence_boxes["emargement"].setChecked(True)
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: page.dialog is None, timeout=3000)
    cv = page.current
    assert cv is not None and cv.number == expected_number
    assert (cv.title, cv.status, cv.amount_cents, cv.fse_rate) == (
        "Animation du Mois de l'ESS en Puisaye", "brouillon", 1_000_000, 0.47)
    assert [p.name for p in cv.partners] == ["COORACE"]
    assert cv.porteur.representative_name == "Françoise Thévenin"
    assert [(i.due_date, i.amount_cents, i.condition) for i in cv.installments] == [
        (dt.date(2026, 10, 15), 600_000, "à la signature")]
    assert cv.required_evidence == ("emargement",)
    assert page.model.row_of(cv.id) is not None
    assert _fields(page)["Montant"] == "10\u202f000,00\u00a0€"
    assert page.window().statusBar().currentMessage() == (
        f"Convention {expected_number} créée (brouillon).")


def test_an_invalid_amount_is_explained_next_to_its_field_and_nothing_is_lost(page, demo_ws):
    before = len(conv.list_conventions(demo_ws))
    dialog = page.new_convention()
    QTest.keyClicks(dialog.title_edit, "Convention a corriger")
    dialog.tabs.setCurrentIndex(2)
    QTest.keyClicks(dialog.amount_edit, "12,3,4")
    dialog.tabs.setCurrentIndex(0)
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.tabs.currentIndex() == 2
    error = dialog.fields["amount_cents"].error
    assert error.isVisible()
    assert error.text() == "Montant non reconnu : « 12,3,4 ». Écrivez par exemple 10 000,00."
    assert dialog.amount_edit.text() == "12,3,4"
    assert dialog.title_edit.text() == "Convention a corriger"

    # Amount fixed: the service now says what is missing, under its own field.
    dialog.amount_edit.setText("1 200")
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.tabs.currentIndex() == 1
    assert dialog.fields["parties"].error.text() == "Ajoutez au moins une structure partenaire."
    assert not dialog.fields["amount_cents"].error.isVisible()

    dialog.tabs.setCurrentIndex(2)
    dialog.add_installment()
    dialog.installments_table.item(0, 1).setText("beaucoup")
    dialog.add_partner(_partner_id(demo_ws, "COORACE"), "COORACE")
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.fields["installments"].error.text() == (
        "Échéance 1 : Montant non reconnu : « beaucoup ». Écrivez par exemple 10 000,00.")
    assert len(conv.list_conventions(demo_ws)) == before
    dialog.reject()


def test_editing_a_draft_keeps_its_number_and_installments(page, demo_ws, qtbot):
    draft_id = _draft(demo_ws)
    page.refresh()
    page.select_record(draft_id)
    assert page.edit_action.isEnabled() and page.delete_action.isEnabled()
    dialog = page.edit_current()
    assert dialog.windowTitle().startswith("Modifier la convention ")
    assert dialog.partners_table.item(0, 0).text() == "COORACE"
    dialog.title_edit.setText("Convention d'essai, version 2")
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=3000)
    assert page.current.title == "Convention d'essai, version 2"
    assert page.current.amount_cents == 500_000


# --- lifecycle -------------------------------------------------------------------------------


def test_status_changes_to_sent_then_signed_with_the_scan(page, demo_ws, qtbot, tmp_path,
                                                          monkeypatch):
    draft_id = _draft(demo_ws)
    page.refresh()
    page.select_record(draft_id)
    dialog = page.change_status()
    assert isinstance(dialog, StatusDialog)
    labels = [dialog.status_combo.itemText(i) for i in range(dialog.status_combo.count())]
    assert labels == ["Envoyée pour signature", "Signée"]
    dialog.status_combo.setCurrentIndex(0)
    assert not dialog.fields["scan"].isVisible()
    dialog.date_edit.set_value(TODAY - dt.timedelta(days=3))
    QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=3000)
    assert page.current.status == "envoyee"
    assert _fields(page)["Statut"] == "Envoyée pour signature"

    scan = tmp_path / "convention-signee.pdf"
    scan.write_bytes(b"%PDF-1.4\n% scan\n")
    dialog = page.change_status("signee")
    assert dialog.chosen_status() == "signee"
    assert dialog.fields["scan"].isVisible()
    dialog.date_edit.set_value(TODAY - dt.timedelta(days=5))  # before it was sent: refused
    dialog.scan_edit.setText(str(scan))
    QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.fields["date"].error.text().startswith("La date de signature précède l'envoi")
    dialog.date_edit.set_value(TODAY)
    QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=3000)
    assert page.current.status == "signee"
    assert _fields(page)["Copie signée"].startswith("convention-signee.pdf")
    assert sorted(e.status for e in page.current.events) == ["brouillon", "envoyee", "signee"]
    assert page.avenant_action.isEnabled() and page.open_copy_action.isEnabled()

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    path = page.open_signed_copy()
    assert path is not None and path.read_bytes() == scan.read_bytes()
    assert opened[0].toLocalFile() == str(path)


def test_termination_requires_its_reason(page, demo_ws, qtbot):
    running = _row_by_number(demo_ws, "2026-MAY-001")
    page.select_record(running.id)
    dialog = page.change_status("resiliee")
    assert dialog.fields["reason"].isVisible()
    QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.fields["reason"].error.text() == "Indiquez le motif de la résiliation."
    QTest.keyClicks(dialog.reason_edit, "Fin du financement departemental")
    QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=3000)
    assert _fields(page)["Motif"] == "Fin du financement departemental"
    assert not page.status_action.isEnabled()


def test_an_avenant_changes_the_consolidated_amount(page, demo_ws, qtbot):
    parent = _row_by_number(demo_ws, "2026-SAM-001")
    page.select_record(parent.id)
    assert page.avenant_action.isEnabled()
    dialog = page.new_avenant()
    assert dialog.windowTitle() == "Nouvel avenant à la convention 2026-SAM-001"
    assert dialog.kind() == "avenant" and not dialog.kind_combo.isEnabled()
    dialog.tabs.setCurrentIndex(2)
    QTest.keyClicks(dialog.amount_edit, "12 500,00")
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=3000)
    avenant = page.current
    assert avenant.kind == "avenant" and avenant.parent_id == parent.id
    assert _fields(page)["Modifie"] == "montant porté à 12\u202f500,00\u00a0€"

    dialog = page.change_status("signee")
    QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=3000)

    page.select_record(parent.id)
    fields = _fields(page)
    assert fields["Montant"] == "12\u202f500,00\u00a0€ (après avenant)"
    assert fields["Montant initial"] == "10\u202f000,00\u00a0€"
    avenants = next(t for t in page.detail_pane.detail.tables if t.title == "Avenants")
    assert avenants.rows[-1][0] == avenant.number
    assert "12\u202f500,00\u00a0€" in avenants.rows[-1][3]
    row = page.model.row_of(parent.id)
    assert page.model.data(page.model.index(row, 3)) == "12\u202f500,00\u00a0€ *"


def test_a_draft_can_be_deleted(page, demo_ws, monkeypatch):
    draft_id = _draft(demo_ws)
    page.refresh()
    page.select_record(draft_id)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.delete_action.trigger()
    assert page.model.row_of(draft_id) is None
    assert page.current is None


# --- documents -------------------------------------------------------------------------------


def test_the_renderer_gives_one_image_per_page(demo_ws, tmp_path):
    from app.documents.convention import write_convention_pdf

    row = _row_by_number(demo_ws, "2026-SAM-001")
    result = write_convention_pdf(demo_ws, row.id, tmp_path / "c.pdf")
    images = render_pages(tmp_path / "c.pdf", dpi=40)
    assert len(images) == result.pages == page_count(tmp_path / "c.pdf") > 1
    assert all(i.height > i.width > 100 for i in images)  # A4 portrait


def test_preview_renders_every_page_then_prints_and_saves(page, demo_ws, qtbot, tmp_path):
    row = _row_by_number(demo_ws, "2026-SAM-001")
    page.select_record(row.id)
    page.preview_action.trigger()
    qtbot.waitUntil(lambda: page.preview_dialog is not None, timeout=10_000)
    preview = page.preview_dialog
    pages = page_count(preview.path)
    assert preview.page_count == len(preview.images) == len(preview.page_labels) == pages > 1
    assert preview.windowTitle().startswith("Aperçu – 2026-SAM-001")
    preview.fit_width()  # as when it opens: the page as wide as the window
    assert preview.images[0].width() <= preview.scroll.viewport().width()
    preview.set_zoom(1.0)
    width = preview.images[0].width()
    preview.zoom_in_action.trigger()
    assert preview.images[0].width() > width
    assert preview.status_label.text() == f"{pages} pages · zoom 125\u00a0%"

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "imprime.pdf"))
    assert preview.print_to(printer) == pages
    assert len(PdfReader(tmp_path / "imprime.pdf").pages) == pages

    assert preview.save_to(tmp_path / "copie")
    saved = PdfReader(tmp_path / "copie.pdf")
    assert "2026-SAM-001" in saved.pages[0].extract_text()
    preview.close()


def test_save_as_pdf_with_the_default_name(page, demo_ws, qtbot, tmp_path, monkeypatch):
    row = _row_by_number(demo_ws, "2026-SAM-001")
    page.select_record(row.id)
    offered = []

    def ask(_parent, _title, start, _filter):
        offered.append(Path(start).name)
        return str(tmp_path / "ma-convention.pdf"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", ask)
    assert page.save_pdf() is not None
    qtbot.waitUntil(lambda: page.window().statusBar().currentMessage().startswith(
        "Convention enregistrée"), timeout=10_000)
    assert offered == [pdf_name("2026-SAM-001")] == ["convention-2026-SAM-001.pdf"]
    assert (tmp_path / "ma-convention.pdf").read_bytes().startswith(b"%PDF")
    assert page.window().statusBar().currentMessage() == (
        f"Convention enregistrée : {tmp_path / 'ma-convention.pdf'}")


def test_an_unknown_placeholder_is_named_before_printing(page, demo_ws, qtbot, monkeypatch):
    row = _row_by_number(demo_ws, "2026-SAM-001")
    template_id = conv.get_convention(demo_ws, row.id).template_id
    first = tpl.get_template(demo_ws, template_id).articles[0]
    # A template damaged elsewhere (an older sync, an import): the service refuses it by name.
    with demo_ws.unit(write=True) as s:
        from app.storage.models import TemplateArticle

        s.get(TemplateArticle, first.id).body = "Le partenaire {partenaire.nmo} s'engage."
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text: warnings.append(text))
    page.select_record(row.id)
    assert page.preview_current() is not None
    qtbot.waitUntil(lambda: bool(warnings), timeout=10_000)
    assert "Champ inconnu : {partenaire.nmo}" in warnings[0]
    assert page.preview_dialog is None


# --- templates -------------------------------------------------------------------------------


def _editor(page, name: str) -> TemplateEditorDialog:
    page.templates_action.trigger()
    editor = page.dialog
    assert isinstance(editor, TemplateEditorDialog)
    names = [editor.templates_list.item(i).text() for i in range(editor.templates_list.count())]
    editor.templates_list.setCurrentRow(names.index(name))
    return editor


def test_template_editor_inserts_a_placeholder_and_previews_it(page, demo_ws, qtbot):
    editor = _editor(page, "Convention de partenariat (fourni)")
    assert editor.name_edit.text() == "Convention de partenariat"
    groups = [a.text() for a in editor.insert_menu.actions()]
    assert groups == ["Convention", "Montants", "Porteur", "Partenaire", "Action", "Avenant"]
    editor.articles_list.setCurrentRow(0)
    editor.body_edit.setFocus()
    editor.body_edit.moveCursor(editor.body_edit.textCursor().MoveOperation.End)
    QTest.keyClicks(editor.body_edit, " Montant : ")
    montants = next(a.menu() for a in editor.insert_menu.actions() if a.text() == "Montants")
    insert = next(a for a in montants.actions() if a.toolTip() == "{montant_en_lettres}")
    assert editor._preview_timer.isActive()  # the preview waits for typing to pause
    with qtbot.waitSignal(editor.preview_updated, timeout=3000):
        insert.trigger()
    assert editor.body_edit.toPlainText().endswith(" Montant : {montant_en_lettres}")
    assert "Montant : dix mille euros" in editor.preview.toPlainText()
    assert not editor.unknown_label.isVisible()

    assert editor.save()
    saved = tpl.get_template(demo_ws, editor.template.id)
    assert saved.articles[0].body.endswith("Montant : {montant_en_lettres}")
    editor.reject()


def test_an_unknown_placeholder_is_reported_by_name_and_not_saved(page, demo_ws, qtbot):
    editor = _editor(page, "Convention de partenariat (fourni)")
    before = tpl.get_template(demo_ws, editor.template.id)
    editor.articles_list.setCurrentRow(1)
    title = editor.title_edit.text()
    editor.body_edit.moveCursor(editor.body_edit.textCursor().MoveOperation.End)
    with qtbot.waitSignal(editor.preview_updated, timeout=3000):
        QTest.keyClicks(editor.body_edit, " {partenaire.nmo}")
    assert editor.unknown_label.isVisible()
    assert editor.unknown_label.text() == f"Champ inconnu : {{partenaire.nmo}} (article 2 « {title} »)"
    assert "[Champ inconnu : {partenaire.nmo}]" in editor.preview.toPlainText()

    editor.articles_list.setCurrentRow(0)  # the refusal brings the article back
    assert not editor.save()
    assert editor.articles_list.currentRow() == 1
    assert editor.article_fields["body"].error.text() == (
        f"Enregistrement impossible : champ inconnu {{partenaire.nmo}} (article 2 « {title} »).")
    assert tpl.get_template(demo_ws, editor.template.id) == before
    editor.body_edit.setPlainText(before.articles[1].body)
    assert not editor.unknown_label.isVisible()
    assert editor.save()
    editor.reject()


def test_articles_are_added_moved_and_removed(page, demo_ws, qtbot):
    editor = _editor(page, "Convention de partenariat (fourni)")
    editor.duplicate()
    copy_id = editor.template.id
    assert editor.name_edit.text() == "Convention de partenariat (copie)"
    titles = [a.title for a in tpl.get_template(demo_ws, copy_id).articles]
    editor.articles_list.setCurrentRow(0)
    QTest.mouseClick(editor.down_button, Qt.MouseButton.LeftButton)
    assert editor.articles_list.currentRow() == 1
    editor.articles_list.setCurrentRow(len(titles) - 1)
    editor.remove_article()
    editor.add_article()
    editor.title_edit.selectAll()
    QTest.keyClicks(editor.title_edit, "Communication")
    QTest.keyClicks(editor.body_edit, "Les parties citent le {porteur.nom}.")
    assert editor.save()
    after = [a.title for a in tpl.get_template(demo_ws, copy_id).articles]
    assert after == [titles[1], titles[0], *titles[2:-1], "Communication"]
    assert ("convention_templates", copy_id) in editor.changes.created
    editor.reject()


def test_a_convention_written_elsewhere_appears_without_f5(page, window, demo_ws):
    """A sync import or an undo tells every section what changed: the list shows it at once."""
    before = page.model.rowCount()
    new_id = _draft(demo_ws, "Convention reçue d'une antenne")
    assert page.model.rowCount() == before
    window._changes_applied(ChangeSet(created=(("conventions", new_id),)))
    assert page.model.rowCount() == before + 1
    titles = [page.model.index(r, c).data() for r in range(page.model.rowCount())
              for c in range(page.model.columnCount())]
    assert "Convention reçue d'une antenne" in titles


def test_changes_to_other_records_do_not_reload_the_conventions(page, window, demo_ws,
                                                                 monkeypatch):
    calls = []
    monkeypatch.setattr(page, "refresh", lambda: calls.append(1))
    window._changes_applied(ChangeSet(updated=(("meetings", "x"),)))
    assert calls == []
    window._changes_applied(ChangeSet(updated=(("organisations", "x"),)))
    assert calls == [1]
