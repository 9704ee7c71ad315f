"""The Bilans view and the dashboard's indicators, on demo data."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pypdf import PdfReader

from app.domain import formatting as fmt
from app.domain import labels
from app.services.actions import list_actions, list_targets, running_indicators
from app.services.reports import Period, build_report
from ui.bilans.chart import BAR_GAP, BAR_HEIGHT, BarChart
from ui.bilans.models import PROGRESS_COLUMN, RATIO_ROLE, FigureTableModel, TargetsModel
from ui.bilans.targets import TargetsDialog
from ui.bilans.view import BilansView, export_name, preset_period
from ui.main import create_application
from ui.mainwindow import MainWindow

TODAY = dt.date.today()


@pytest.fixture
def window(qtbot, demo_ws):
    create_application()
    win = MainWindow(demo_ws)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    for page in (win.section_page("bilans"),):
        qtbot.waitUntil(lambda p=page: not p.busy and p.export_job is None, timeout=10_000)
    qtbot.waitUntil(lambda: win.dashboard.indicators.job is None, timeout=10_000)


@pytest.fixture
def page(window, qtbot) -> BilansView:
    view = window.show_section("bilans")
    assert isinstance(view, BilansView)
    qtbot.waitUntil(lambda: view.report is not None and not view.busy, timeout=10_000)
    return view


def _action(ws, code: str):
    return next(a for a in list_actions(ws) if a.code == code)


def _choose(page: BilansView, qtbot, action_id: str | None) -> None:
    with qtbot.waitSignal(page.report_ready, timeout=10_000):
        page.action_combo.setCurrentIndex(page.action_combo.findData(action_id))
        assert page.busy_bar.isVisible()  # the busy indicator shows until the result is in


def _rows(counts) -> list[tuple[str, str]]:
    return [(label, fmt.number(n)) for label, n in counts]


# --- small pieces ----------------------------------------------------------------------------


def test_default_export_names_and_preset_periods(demo_ws):
    assert export_name("FSE-RESA-2026-01", "xlsx", dt.date(2026, 11, 23)) == (
        "bilan-FSE-RESA-2026-01-2026-11-23.xlsx")
    assert export_name("", "pdf", dt.date(2026, 11, 23)) == "bilan-toutes-actions-2026-11-23.pdf"
    day = dt.date(2026, 3, 4)
    assert preset_period("year", None, day) == Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert preset_period("last_year", None, day) == Period(dt.date(2025, 1, 1),
                                                           dt.date(2025, 12, 31))
    assert preset_period("all", None, day) == Period(None, day)
    action = _action(demo_ws, "FSE-RESA-2026-01")
    assert preset_period("action", action, day) == Period(action.start_date, action.end_date)


def test_table_models_pass_the_model_tester(qtmodeltester, demo_ws):
    report = build_report(demo_ws, _action(demo_ws, "FSE-RESA-2026-01").id, with_rows=False)
    targets = TargetsModel()
    targets.set_targets(report.targets)
    qtmodeltester.check(targets)
    assert targets.data(targets.index(0, PROGRESS_COLUMN), RATIO_ROLE) == report.targets[0].ratio
    figures = FigureTableModel(("Type", "Réunions"), numeric=(1,))
    figures.set_rows([("COPIL", "2"), ("Formation", "3")], ["a", "b"])
    qtmodeltester.check(figures)
    assert figures.record_id(1) == "b"


def test_charts_read_in_black_and_white(qtbot):
    chart = BarChart("Réunions tenues par type")
    qtbot.addWidget(chart)
    chart.set_bars([("Comité de pilotage (COPIL)", 2), ("Formation", 5)])
    image = chart.to_image(QSize(420, chart.sizeHint().height())).convertToFormat(
        QImage.Format.Format_Grayscale8)
    # Inside each bar the hatching alternates dark and light pixels, and the two bars are
    # hatched differently: colour is not needed to tell them apart.
    top = 4 + chart.fontMetrics().height() + 8
    signatures = []
    for row in range(2):
        y = top + row * (BAR_HEIGHT + BAR_GAP) + BAR_HEIGHT // 2
        pixels = [image.pixelColor(x, y).lightness() for x in range(190, 230)]
        assert min(pixels) < 128 < max(pixels)
        signatures.append(tuple(p < 128 for p in pixels))
    assert signatures[0] != signatures[1]
    assert chart.accessibleDescription() == ("Comité de pilotage (COPIL)\u00a0: 2\u00a0; "
                                              "Formation\u00a0: 5")


def test_long_category_names_take_two_lines_and_the_axis_is_titled(qtbot):
    chart = BarChart("Structures mobilisées par type", "Nombre de structures distinctes")
    qtbot.addWidget(chart)
    chart.set_bars([("Association", 2), ("France Travail", 1)])
    short = chart.heightForWidth(420)
    long_name = "EPCI (communauté de communes, d'agglomération, métropole)"
    chart.set_bars([(long_name, 2), ("France Travail", 1)])
    assert chart.heightForWidth(420) >= short + chart.fontMetrics().height() - BAR_HEIGHT // 2
    assert long_name in chart.accessibleDescription()  # the full name, for screen readers
    image = chart.to_image(QSize(420, chart.heightForWidth(420))).convertToFormat(
        QImage.Format.Format_Grayscale8)
    # Under the bars: the graduated axis then its title, in dark ink on white.
    bottom_rows = [y for y in range(image.height() - 40, image.height())
                   if any(image.pixelColor(x, y).lightness() < 100 for x in range(200, 400))]
    assert len(bottom_rows) > 10


# --- the view --------------------------------------------------------------------------------


def test_the_view_opens_on_a_running_action_over_its_period(page, demo_ws):
    running = [a for a in list_actions(demo_ws) if a.running_on(TODAY)]
    assert page.action_id() == running[0].id
    assert page.action_combo.itemText(0) == "Toutes les actions"
    assert page.preset() == "action"
    assert page.preset_combo.currentText() == "Période de l'action"
    assert page.period() == Period(running[0].start_date, running[0].end_date)
    assert page.report.action_id == running[0].id
    assert not page.busy_bar.isVisible()


def test_tables_show_the_figures_of_build_report(page, demo_ws, qtbot):
    action = _action(demo_ws, "FSE-RESA-2026-01")
    _choose(page, qtbot, action.id)
    expected = build_report(demo_ws, action.id, page.period(), with_rows=False)
    assert page.report == expected
    assert page.kinds_panel.model.rows() == _rows(
        (labels.label(labels.MEETING_KINDS, k), n) for k, n in expected.meetings_by_kind)
    assert page.categories_panel.model.rows() == _rows(
        (labels.label(labels.PERSON_CATEGORIES, k), n) for k, n in expected.participants_by_category)
    assert page.sexes_panel.model.rows() == _rows(expected.participants_by_sex)
    assert page.structures_panel.model.rows() == _rows(expected.structures_by_kind)
    assert page.meetings_model.rows() == [
        (fmt.date_short(m.date), m.title, labels.label(labels.MEETING_KINDS, m.kind),
         fmt.number(m.invited), fmt.number(m.present), fmt.number(m.excused),
         fmt.number(m.absent), fmt.percent(m.completeness) if m.present else "—")
        for m in expected.meetings]
    # The COPIL still to come has nobody present yet: no signature rate, not « 100 % ».
    assert any(r[4] == "0" and r[7] == "—" for r in page.meetings_model.rows())
    assert [page.targets_model.target(r) for r in range(page.targets_model.rowCount())] == list(
        expected.targets)
    figures = {k: f.value_label.text() for k, f in page.figures.items()}
    assert figures == {"meetings": fmt.number(expected.meetings_held),
                       "people": fmt.number(expected.distinct_participants),
                       "structures": fmt.number(expected.distinct_structures),
                       "elus": fmt.number(expected.distinct_elus),
                       "hours": fmt.number(expected.hours)}
    assert page.summary_charts["sexes"].bars == tuple(
        (k, float(n)) for k, n in expected.participants_by_sex)
    assert "FSE 47" in page.subtitle_label.text()


def test_all_actions_and_the_period_presets(page, demo_ws, qtbot):
    _choose(page, qtbot, None)
    assert page.report.action_id is None
    assert page.preset() == "all"  # no action: since the beginning
    assert page.period() == Period(None, TODAY)
    assert page.report == build_report(demo_ws, None, Period(None, TODAY), with_rows=False)
    assert not page.targets_action.isEnabled()
    assert page.targets_empty.text().startswith("Les objectifs se suivent action par action")

    assert [page.preset_combo.itemText(i) for i in range(page.preset_combo.count())] == [
        "Période de l'action", "Année en cours", "Année dernière", "Depuis le début",
        "Dates choisies"]
    with qtbot.waitSignal(page.report_ready, timeout=10_000):
        index = page.preset_combo.findData("last_year")
        page.preset_combo.setCurrentIndex(index)
        page.preset_combo.activated.emit(index)  # what choosing it with the mouse does
    last = Period(dt.date(TODAY.year - 1, 1, 1), dt.date(TODAY.year - 1, 12, 31))
    assert page.report.period == last
    assert page.report.meetings_held == build_report(demo_ws, None, last).meetings_held

    # A date typed by hand: no preset is highlighted, the bilan follows after a pause.
    with qtbot.waitSignal(page.report_ready, timeout=10_000):
        page.start_edit.setDate(page.start_edit.date().addMonths(6))
        assert page._date_timer.isActive()
    assert page.preset() is None and page.preset_combo.currentText() == "Dates choisies"
    assert page.report.period == Period(dt.date(TODAY.year - 1, 7, 1), last.end)


def test_a_newer_request_wins_over_a_running_one(page, demo_ws, qtbot):
    first, second = _action(demo_ws, "RESS-PUISAYE"), _action(demo_ws, "FSE-976-CLAUSES")
    shown = []
    page.report_ready.connect(lambda r: shown.append(r.action_id))
    page.action_combo.setCurrentIndex(page.action_combo.findData(first.id))
    page.action_combo.setCurrentIndex(page.action_combo.findData(second.id))
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)
    assert shown == [second.id]
    assert page.report.action_id == second.id


def test_export_xlsx_and_pdf(page, demo_ws, qtbot, tmp_path, monkeypatch):
    action = _action(demo_ws, "FSE-RESA-2026-01")
    _choose(page, qtbot, action.id)
    offered = []

    def save_as(_parent, _title, start, _filter):
        offered.append(start)
        return str(tmp_path / start.rsplit("/", 1)[-1]), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    assert page.export_xlsx() is not None
    assert page.busy_label.text() == "Export en cours…"
    assert not page.xlsx_action.isEnabled()
    qtbot.waitUntil(lambda: page.export_job is None, timeout=20_000)
    name = export_name(action.code, "xlsx")
    assert offered[0].endswith(name)
    workbook = load_workbook(tmp_path / name)
    assert "Réunions par type" in workbook.sheetnames and "Présences" in workbook.sheetnames
    synthesis = workbook["Synthèse"]
    assert synthesis["A6"].value == "Réunions tenues"
    assert synthesis["B6"].value == page.report.meetings_held
    assert page.window().statusBar().currentMessage() == f"Bilan exporté\u00a0: {tmp_path / name}"

    assert page.export_pdf() is not None
    qtbot.waitUntil(lambda: page.export_job is None, timeout=20_000)
    pdf = tmp_path / export_name(action.code, "pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "FSE-RESA-2026-01 – Coordination et animation d'un événementiel ESS" in text
    assert "Réunions tenues par type" in text
    assert page.xlsx_action.isEnabled() and not page.busy_label.isVisible()


def test_an_export_that_cannot_be_written_is_explained(page, qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a: (str(tmp_path / "absent" / "bilan.xlsx"), ""))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    assert page.export_xlsx() is not None
    qtbot.waitUntil(lambda: bool(warnings), timeout=20_000)
    assert warnings[0].startswith("Le bilan n'a pas pu être exporté\u00a0: le fichier n'a pas pu être écrit")


def test_editing_a_target_changes_its_progress_bar(page, demo_ws, qtbot, monkeypatch):
    action = _action(demo_ws, "FSE-RESA-2026-01")
    _choose(page, qtbot, action.id)
    row = next(r for r in range(page.targets_model.rowCount())
               if page.targets_model.target(r).label == "Nombre de SESS mobilisés")
    before = page.targets_model.target(row)
    index = page.targets_model.index(row, PROGRESS_COLUMN)
    assert page.targets_model.data(index, RATIO_ROLE) == before.realised / 35

    dialog = page.edit_targets()
    assert isinstance(dialog, TargetsDialog)
    assert dialog.table.rowCount() == len(list_targets(demo_ws, action.id))
    dialog.table.setCurrentCell(row, 0)
    assert dialog.label_edit.text() == "Nombre de SESS mobilisés"
    dialog.target_edit.setText("beaucoup")
    assert not dialog.save()
    assert dialog.fields["target"].error.text() == "Nombre non reconnu : « beaucoup »."
    dialog.target_edit.setText(fmt.number(before.realised * 2).replace("\u202f", " "))
    with qtbot.waitSignal(page.report_ready, timeout=10_000):
        QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    after = page.targets_model.target(row)
    assert after.target == before.realised * 2
    assert page.targets_model.data(index, RATIO_ROLE) == 0.5
    assert page.targets_model.data(index) == "50\u00a0%"

    # A new indicator counted by hand, then removed.
    dialog.new_target()
    QTest.keyClicks(dialog.label_edit, "Articles de presse")
    dialog.target_edit.setText("3")
    dialog.rule_combo.setCurrentIndex(dialog.rule_combo.findData(""))
    with qtbot.waitSignal(page.report_ready, timeout=10_000):
        dialog.save()
    last = page.targets_model.rowCount() - 1
    assert page.targets_model.target(last).label == "Articles de presse"
    assert page.targets_model.data(page.targets_model.index(last, PROGRESS_COLUMN)) == "—"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(page.report_ready, timeout=10_000):
        dialog.delete_current()
    assert page.targets_model.rowCount() == last
    dialog.reject()


def test_a_meeting_of_the_detail_opens_it(page, window, demo_ws, qtbot):
    _choose(page, qtbot, _action(demo_ws, "FSE-RESA-2026-01").id)
    page.tabs.setCurrentIndex(1)
    table = page.meetings_table
    meeting_id = page.meetings_model.record_id(0)
    table.setFocus()
    table.setCurrentIndex(page.meetings_model.index(0, 1))
    QTest.keyClick(table, Qt.Key.Key_Return)
    assert window.current_section().key == "reunions"
    assert window.section_page("reunions").detail_pane.detail.id == meeting_id


# --- the dashboard ---------------------------------------------------------------------------


def test_dashboard_shows_running_actions_progress_and_opens_their_bilan(window, demo_ws, qtbot):
    panel = window.dashboard.indicators
    qtbot.waitUntil(lambda: bool(panel.progress), timeout=10_000)
    expected = running_indicators(demo_ws)
    assert [p.action.id for p in panel.progress] == [p.action.id for p in expected]
    assert panel.progress == expected
    assert panel.scroll.isVisible() and not panel.message_label.isVisible()
    button = panel.action_buttons[1]
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.current_section().key == "bilans"
    bilans = window.section_page("bilans")
    assert bilans.action_id() == expected[1].action.id
    qtbot.waitUntil(lambda: bilans.report is not None and not bilans.busy, timeout=10_000)
    assert bilans.report.action_id == expected[1].action.id
