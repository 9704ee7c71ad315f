"""The Bilans section: one action (or all) over a period, its indicators against the targets,
the tables funders ask for with their charts, and the XLSX and PDF exports.

The report is computed by :func:`app.services.reports.build_report` off the GUI thread
(:mod:`ui.jobs`); while it runs a busy indicator shows, and a result that arrives after the
user asked for something else is dropped. ``report_ready`` is emitted with each report shown.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from PySide6.QtCore import QDate, QEventLoop, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt
from app.domain import labels
from app.errors import MaillageError
from app.reporting.scale import AXIS_TITLES
from app.services.actions import ActionSummary, list_actions
from app.services.reports import Period, Report, build_report
from app.services.workspace import Workspace
from ui import settings
from ui.bilans.chart import BarChart
from ui.bilans.models import PROGRESS_COLUMN, FigureTableModel, ProgressDelegate, TargetsModel
from ui.conventions.fields import DATE_FORMAT, from_qdate, to_qdate
from ui.conventions.background import guarded_job
from ui.jobs import Job
from ui.navigation import Section

EARLIEST = dt.date(2000, 1, 1)
DATE_DELAY_MS = 400
XLSX_FILTER = "Classeurs Excel (*.xlsx)"
PDF_FILTER = "Documents PDF (*.pdf)"


def export_name(code: str, suffix: str, today: dt.date | None = None) -> str:
    """« bilan-FSE-RESA-2026-01-2026-11-23.xlsx » (« toutes-actions » without an action)."""
    code = re.sub(r"[^0-9A-Za-z_-]+", "-", code).strip("-") or "toutes-actions"
    return f"bilan-{code}-{(today or dt.date.today()).isoformat()}.{suffix}"


def preset_period(preset: str, action: ActionSummary | None,
                  today: dt.date | None = None) -> Period:
    """The period a preset button stands for (« Année en cours »…)."""
    today = today or dt.date.today()
    if preset == "year":
        return Period(dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))
    if preset == "last_year":
        return Period(dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31))
    if preset == "action" and action is not None:
        return Period(action.start_date, action.end_date or today)
    return Period(None, today)


def _table(model: FigureTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return view


class FigurePanel(QWidget):
    """A titled table of (label, count) with its bar chart beside it."""

    def __init__(self, title: str, headers: tuple[str, str], name: str, axis_title: str) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(title)
        heading.setObjectName("panelTitle")
        layout.addWidget(heading)
        row = QHBoxLayout()
        row.setSpacing(14)
        self.model = FigureTableModel(headers, numeric=(1,), parent=self)
        self.table = _table(self.model, name)
        self.table.setMinimumWidth(280)
        self.chart = BarChart(axis_title=axis_title)
        self.chart.setObjectName(f"{name}Chart")
        self.chart.setAccessibleName(title)
        row.addWidget(self.table, 2)
        row.addWidget(self.chart, 3, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)

    def set_counts(self, counts: list[tuple[str, int]]) -> None:
        self.model.set_rows([(label, fmt.number(n)) for label, n in counts])
        self.chart.set_bars(counts)
        rows = max(1, len(counts))
        height = (self.table.horizontalHeader().sizeHint().height()
                  + rows * self.table.verticalHeader().defaultSectionSize() + 4)
        self.table.setFixedHeight(height)


class Figure(QFrame):
    """A big number and its caption (the style of the dashboard's tiles)."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setObjectName("tile")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(0)
        self.value_label = QLabel("–")
        self.value_label.setObjectName("tileValue")
        self.caption_label = QLabel(caption)
        self.caption_label.setObjectName("tileCaption")
        self.caption_label.setWordWrap(True)
        layout.addWidget(self.value_label)
        layout.addWidget(self.caption_label)


class BilansView(QWidget):
    """The page of the Bilans section (« Actions et indicateurs »)."""

    data_changed = Signal(object)  # ChangeSet (indicator targets edited)
    open_record = Signal(str, str)  # list view name, record id
    report_ready = Signal(object)  # the Report now shown

    def __init__(self, ws: Workspace, section: Section, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"section-{section.key}")
        self.ws = ws
        self.section = section
        self.actions: tuple[ActionSummary, ...] = ()
        self.report: Report | None = None
        self.job: Job | None = None
        self.export_job: Job | None = None
        self.dialog = None
        self._loaded = False
        self._request = 0
        self._preset: str | None = "action"

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(8)
        layout.addLayout(self._header())
        layout.addWidget(self._controls())
        self.figures_row = QHBoxLayout()
        self.figures_row.setSpacing(10)
        self.figures = {key: Figure(caption) for key, caption in (
            ("meetings", "réunions tenues"), ("people", "participants distincts"),
            ("structures", "structures mobilisées"), ("elus", "élus distincts"),
            ("hours", "heures de présence"))}
        for figure in self.figures.values():
            self.figures_row.addWidget(figure, 1)
        layout.addLayout(self.figures_row)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("bilanTabs")
        self.tabs.addTab(self._targets_tab(), "S&ynthèse")
        self.tabs.addTab(self._meetings_tab(), "&Réunions")
        self.tabs.addTab(self._people_tab(), "Participa&nts")
        self.tabs.addTab(self._structures_tab(), "S&tructures")
        self.tabs.setCornerWidget(self._exports(), Qt.Corner.TopRightCorner)
        layout.addWidget(self.tabs, 1)

        self._date_timer = QTimer(self)
        self._date_timer.setSingleShot(True)
        self._date_timer.setInterval(DATE_DELAY_MS)
        self._date_timer.timeout.connect(self.compute)
        self._set_busy(False)

    # --- construction ---------------------------------------------------------------------

    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(12)
        title = QLabel(self.section.heading)
        title.setObjectName("sectionTitle")
        row.addWidget(title)
        self.subtitle_label = QLabel("")
        self.subtitle_label.setObjectName("sectionCount")
        self.subtitle_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row.addWidget(self.subtitle_label, 1, Qt.AlignmentFlag.AlignBottom)
        self.busy_label = QLabel("Calcul du bilan…")
        self.busy_label.setObjectName("sectionCount")
        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("busyIndicator")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedWidth(110)
        self.busy_bar.setFixedHeight(10)
        row.addWidget(self.busy_label, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.busy_bar, 0, Qt.AlignmentFlag.AlignVCenter)
        return row

    def _action(self, text: str, shortcut: str | None, slot) -> QAction:  # noqa: ANN001
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _c=False: slot())
        self.addAction(action)
        return action

    def _button(self, action: QAction, tip: str) -> QPushButton:
        button = QPushButton(action.text())
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        button.setToolTip(f"{tip} ({keys})" if keys else tip)
        button.clicked.connect(action.trigger)
        action.changed.connect(lambda: button.setEnabled(action.isEnabled()))
        return button

    def _controls(self) -> QFrame:
        box = QFrame()
        box.setObjectName("infoBox")
        column = QVBoxLayout(box)
        column.setContentsMargins(12, 8, 12, 8)
        column.setSpacing(6)
        first = QHBoxLayout()
        label = QLabel("&Action")
        label.setMinimumWidth(60)
        self.action_combo = QComboBox()
        self.action_combo.setObjectName("actionChoice")
        self.action_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.action_combo.setMinimumContentsLength(14)
        self.action_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        label.setBuddy(self.action_combo)
        self.action_combo.currentIndexChanged.connect(lambda _i: self._action_changed())
        self.targets_action = self._action("&Objectifs…", "Ctrl+Shift+O", self.edit_targets)
        self.xlsx_action = self._action("Exporter en &XLSX…", "Ctrl+Shift+X", self.export_xlsx)
        self.pdf_action = self._action("Exporter en &PDF…", "Ctrl+Shift+E", self.export_pdf)
        first.addWidget(label)
        first.addWidget(self.action_combo, 1)
        self.targets_button = self._button(self.targets_action,
                                           "Cibles de la fiche action et leur mode de calcul")
        first.addWidget(self.targets_button)
        column.addLayout(first)

        second = QHBoxLayout()
        period_label = QLabel("Pé&riode")
        period_label.setMinimumWidth(60)
        self.preset_combo = QComboBox()
        self.preset_combo.setObjectName("periodChoice")
        for key, text in (("action", "Période de l'action"), ("year", "Année en cours"),
                          ("last_year", "Année dernière"), ("all", "Depuis le début"),
                          (None, "Dates choisies")):
            self.preset_combo.addItem(text, key)
        period_label.setBuddy(self.preset_combo)
        self.preset_combo.activated.connect(self._preset_chosen)
        start_label = QLabel("&du")
        self.start_edit = self._date_edit()
        self.start_edit.setMinimumDate(to_qdate(EARLIEST))
        self.start_edit.setSpecialValueText("début")
        start_label.setBuddy(self.start_edit)
        end_label = QLabel("a&u")
        self.end_edit = self._date_edit()
        end_label.setBuddy(self.end_edit)
        second.addWidget(period_label)
        second.addWidget(self.preset_combo)
        second.addSpacing(8)
        second.addWidget(start_label)
        second.addWidget(self.start_edit)
        second.addWidget(end_label)
        second.addWidget(self.end_edit)
        second.addStretch(1)
        column.addLayout(second)
        for edit in (self.start_edit, self.end_edit):
            edit.dateChanged.connect(lambda _d: self._dates_edited())
        return box

    def _exports(self) -> QWidget:
        """« Exporter en XLSX… » and « Exporter en PDF… », right of the tabs."""
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 4)
        row.setSpacing(6)
        self.xlsx_button = self._button(self.xlsx_action,
                                        "Un onglet par tableau, plus les présences")
        self.pdf_button = self._button(self.pdf_action, "Le bilan prêt à envoyer au financeur")
        row.addWidget(self.xlsx_button)
        row.addWidget(self.pdf_button)
        return box

    def _date_edit(self):  # noqa: ANN202 - a QDateEdit
        from PySide6.QtWidgets import QDateEdit

        edit = QDateEdit()
        edit.setDisplayFormat(DATE_FORMAT)
        edit.setCalendarPopup(True)
        edit.setDate(QDate.currentDate())
        return edit

    def _scroll(self, content: QWidget) -> QScrollArea:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        return scroll

    def _targets_tab(self) -> QWidget:
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        heading = QLabel("Objectifs de la fiche action")
        heading.setObjectName("panelTitle")
        layout.addWidget(heading)
        self.targets_model = TargetsModel(self)
        self.targets_table = _table(self.targets_model, "targetsTable")
        header = self.targets_table.horizontalHeader()
        header.setSectionResizeMode(PROGRESS_COLUMN, QHeaderView.ResizeMode.Fixed)
        self.targets_table.setColumnWidth(PROGRESS_COLUMN, 220)
        self.targets_table.setItemDelegateForColumn(PROGRESS_COLUMN,
                                                   ProgressDelegate(self.targets_table))
        self.targets_table.verticalHeader().setDefaultSectionSize(
            self.targets_table.fontMetrics().height() + 16)
        self.targets_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.targets_table)
        self.targets_empty = QLabel("")
        self.targets_empty.setObjectName("panelEmpty")
        self.targets_empty.setWordWrap(True)
        layout.addWidget(self.targets_empty)
        charts = QGridLayout()
        charts.setHorizontalSpacing(18)
        charts.setVerticalSpacing(12)
        self.summary_charts = {
            "meetings": BarChart("Réunions tenues par type", AXIS_TITLES["meetings"]),
            "categories": BarChart("Participants distincts par catégorie", AXIS_TITLES["people"]),
            "sexes": BarChart("Participants distincts par sexe", AXIS_TITLES["people"]),
            "structures": BarChart("Structures mobilisées par type", AXIS_TITLES["structures"]),
        }
        for i, chart in enumerate(self.summary_charts.values()):
            charts.addWidget(chart, i // 2, i % 2, Qt.AlignmentFlag.AlignTop)
        charts.setColumnStretch(0, 1)
        charts.setColumnStretch(1, 1)
        layout.addSpacing(6)
        layout.addLayout(charts)
        layout.addStretch(1)
        self.rules_note = QLabel(
            "Participants\u00a0: personnes distinctes présentes (un doublon fusionné compte une fois). "
            "Structures\u00a0: celles au titre desquelles au moins une personne était présente. "
            "Heures\u00a0: durée des créneaux, ou heures d'arrivée et de départ notées.")
        self.rules_note.setObjectName("formNote")
        self.rules_note.setWordWrap(True)
        layout.addWidget(self.rules_note)
        return self._scroll(content)

    def _meetings_tab(self) -> QWidget:
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(14)
        self.kinds_panel = FigurePanel("Réunions tenues par type", ("Type de réunion", "Réunions"),
                                       "meetingsByKind", AXIS_TITLES["meetings"])
        layout.addWidget(self.kinds_panel)
        heading = QLabel("Détail par réunion")
        heading.setObjectName("panelTitle")
        layout.addWidget(heading)
        self.meetings_model = FigureTableModel(
            ("Date", "Réunion", "Type", "Invités", "Présents", "Excusés", "Absents", "Émargement"),
            numeric=(0, 3, 4, 5, 6, 7), parent=self)
        self.meetings_table = _table(self.meetings_model, "meetingsTable")
        header = self.meetings_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.meetings_table.setMinimumHeight(220)
        self.meetings_table.setToolTip("Entrée ou double-clic\u00a0: ouvrir la réunion")
        self.meetings_table.activated.connect(self._meeting_activated)
        layout.addWidget(self.meetings_table, 1)
        return self._scroll(content)

    def _people_tab(self) -> QWidget:
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(18)
        self.categories_panel = FigurePanel("Participants distincts par catégorie",
                                            ("Catégorie", "Personnes"), "peopleByCategory",
                                            AXIS_TITLES["people"])
        self.sexes_panel = FigurePanel("Participants distincts par sexe", ("Sexe", "Personnes"),
                                       "peopleBySex", AXIS_TITLES["people"])
        layout.addWidget(self.categories_panel)
        layout.addWidget(self.sexes_panel)
        layout.addStretch(1)
        return self._scroll(content)

    def _structures_tab(self) -> QWidget:
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(10, 10, 10, 10)
        self.structures_panel = FigurePanel("Structures mobilisées par type",
                                            ("Type de structure", "Structures"),
                                            "structuresByKind", AXIS_TITLES["structures"])
        layout.addWidget(self.structures_panel)
        layout.addStretch(1)
        return self._scroll(content)

    # --- what the window calls ------------------------------------------------------------

    def ensure_loaded(self) -> None:
        """Fill the action menu and compute the first bilan (on the first visit)."""
        if self._loaded:
            return
        self._loaded = True
        today = dt.date.today()
        self._load_actions()
        running = [a for a in self.actions if a.running_on(today)]
        self._choose(running[0].id if running else None)

    def refresh(self) -> None:
        """F5: the actions again (a synced file may have brought some), then the bilan."""
        if not self._loaded:
            self.ensure_loaded()
            return
        current = self.action_id()
        self._load_actions()
        self._choose(current)

    def select_first(self) -> None:
        self.ensure_loaded()

    def select_record(self, action_id: str) -> bool:
        """Show the bilan of the action ``action_id`` over its period."""
        self.ensure_loaded()
        if self.action_combo.findData(action_id) < 0:
            return False
        self._preset = "action"
        self._choose(action_id)
        return True

    def focus_search(self) -> None:
        self.action_combo.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def save_state(self) -> None:
        """Nothing to remember beyond the session (kept for the window's protocol)."""

    def wait_until_ready(self, timeout_ms: int = 10_000) -> bool:
        """Block (running the event loop) until the bilan asked for is shown."""
        if not self.busy:
            return True
        loop = QEventLoop()
        self.report_ready.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        self.report_ready.disconnect(loop.quit)
        return not self.busy

    # --- choosing ---------------------------------------------------------------------------

    def _load_actions(self) -> None:
        self.actions = list_actions(self.ws)
        self.action_combo.blockSignals(True)
        self.action_combo.clear()
        self.action_combo.addItem("Toutes les actions", None)
        for action in self.actions:
            self.action_combo.addItem(action.label, action.id)
            self.action_combo.setItemData(self.action_combo.count() - 1,
                                          f"{action.label}\n{action.funder}",
                                          Qt.ItemDataRole.ToolTipRole)
        self.action_combo.blockSignals(False)

    def _choose(self, action_id: str | None) -> None:
        self.action_combo.blockSignals(True)
        self.action_combo.setCurrentIndex(max(0, self.action_combo.findData(action_id)))
        self.action_combo.blockSignals(False)
        self._action_changed()

    def action_id(self) -> str | None:
        return self.action_combo.currentData()

    def current_action(self) -> ActionSummary | None:
        wanted = self.action_id()
        return next((a for a in self.actions if a.id == wanted), None)

    def _action_changed(self) -> None:
        self.targets_action.setEnabled(self.action_id() is not None)
        preset = self._preset
        if preset == "action" and self.action_id() is None:
            preset = "all"
        if preset is not None:
            self._set_period(preset_period(preset, self.current_action()), preset)
        self.compute()

    def period(self) -> Period:
        start = from_qdate(self.start_edit.date())
        return Period(None if start <= EARLIEST else start, from_qdate(self.end_edit.date()))

    def _set_period(self, period: Period, preset: str | None) -> None:
        for edit, value in ((self.start_edit, period.start or EARLIEST),
                            (self.end_edit, period.end or dt.date.today())):
            edit.blockSignals(True)
            edit.setDate(to_qdate(value))
            edit.blockSignals(False)
        self._mark_preset(preset)

    def _mark_preset(self, preset: str | None) -> None:
        self.preset_combo.setCurrentIndex(max(0, self.preset_combo.findData(preset)))

    def preset(self) -> str | None:
        """The period chosen: « action », « year », « last_year », « all », or None (dates)."""
        return self.preset_combo.currentData()

    def _preset_chosen(self, index: int) -> None:
        key = self.preset_combo.itemData(index)
        if key is None:
            self.start_edit.setFocus()
            return
        if key == "action" and self.action_id() is None:
            key = "all"
        self.apply_preset(key)

    def apply_preset(self, preset: str) -> None:
        self._preset = preset
        self._set_period(preset_period(preset, self.current_action()), preset)
        self.compute()

    def _dates_edited(self) -> None:
        self._preset = None
        self._mark_preset(None)
        self._date_timer.start()

    # --- computing --------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.job is not None

    def _set_busy(self, busy: bool, text: str = "Calcul du bilan…") -> None:
        self.busy_label.setText(text)
        self.busy_label.setVisible(busy)
        self.busy_bar.setVisible(busy)

    def compute(self) -> Job:
        """Compute the bilan asked for, off the GUI thread (a newer request wins)."""
        self._date_timer.stop()
        self._request += 1
        request = self._request
        ws, action_id, period = self.ws, self.action_id(), self.period()
        self._set_busy(True)
        job = guarded_job(self, lambda: build_report(ws, action_id, period, with_rows=False),
                          lambda report: self._computed(request, report),
                          lambda error: self._failed(request, error))
        self.job = job
        return job

    def _computed(self, request: int, report: Report) -> None:
        if request != self._request:
            return  # the user asked for something else meanwhile
        self.job = None
        self._set_busy(False)
        self.set_report(report)
        self.report_ready.emit(report)

    def _failed(self, request: int, error: Exception) -> None:
        if request != self._request:
            return
        self.job = None
        self._set_busy(False)
        message = error.message if isinstance(error, MaillageError) else str(error)
        self.subtitle_label.setText(f"Le bilan n'a pas pu être calculé\u00a0: {message}")

    def set_report(self, report: Report) -> None:
        """Show ``report`` in the figures, tables and charts."""
        self.report = report
        parts = [report.period.label()] if report.action_id else [
            f"Toutes les actions, {report.period.label()}"]
        if report.funder:
            parts.append(report.funder)
        if report.fse_rate:
            parts.append(f"FSE {fmt.percent(report.fse_rate)}")
        self.subtitle_label.setText(" · ".join(parts))
        self.subtitle_label.setToolTip(" · ".join(parts))
        values = {"meetings": report.meetings_held, "people": report.distinct_participants,
                  "structures": report.distinct_structures, "elus": report.distinct_elus,
                  "hours": report.hours}
        for key, figure in self.figures.items():
            figure.value_label.setText(fmt.number(values[key]))
        self.targets_model.set_targets(report.targets)
        has_targets = bool(report.targets)
        self.targets_table.setVisible(has_targets)
        self.targets_empty.setVisible(not has_targets)
        self.targets_table.setFixedHeight(
            self.targets_table.horizontalHeader().sizeHint().height() + 4
            + max(1, len(report.targets)) * self.targets_table.verticalHeader().defaultSectionSize())
        if report.action_id is None:
            self.targets_empty.setText("Les objectifs se suivent action par action\u00a0: "
                                       "choisissez une action.")
        else:
            self.targets_empty.setText("Aucun objectif chiffré pour cette action\u00a0: "
                                       "«\u00a0Objectifs…\u00a0» permet d'en saisir.")
        counts = {
            "meetings": [(labels.label(labels.MEETING_KINDS, k), n)
                         for k, n in report.meetings_by_kind],
            "categories": [(labels.label(labels.PERSON_CATEGORIES, k), n)
                           for k, n in report.participants_by_category],
            "sexes": list(report.participants_by_sex),
            "structures": list(report.structures_by_kind),
        }
        for key, panel in (("meetings", self.kinds_panel), ("categories", self.categories_panel),
                           ("sexes", self.sexes_panel), ("structures", self.structures_panel)):
            panel.set_counts(counts[key])
            self.summary_charts[key].set_bars(counts[key])
        self.meetings_model.set_rows(
            [(fmt.date_short(m.date), m.title, labels.label(labels.MEETING_KINDS, m.kind),
              fmt.number(m.invited), fmt.number(m.present), fmt.number(m.excused),
              fmt.number(m.absent), fmt.percent(m.completeness) if m.present else "—")
             for m in report.meetings],
            [m.meeting_id for m in report.meetings])

    def _meeting_activated(self, index) -> None:  # noqa: ANN001 - QModelIndex
        meeting_id = self.meetings_model.record_id(index.row())
        if meeting_id:
            self.open_record.emit("reunions", meeting_id)

    # --- targets ----------------------------------------------------------------------------

    def edit_targets(self):  # noqa: ANN201 - the TargetsDialog
        action = self.current_action()
        if action is None:
            return None
        from ui.bilans.targets import TargetsDialog

        dialog = TargetsDialog(self.ws, action, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.changed.connect(self._targets_changed)
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _targets_changed(self, changes: object) -> None:
        self.compute()
        self.data_changed.emit(changes)

    # --- exports ----------------------------------------------------------------------------

    def _status(self, text: str, timeout: int = 10_000) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, timeout)

    def _export(self, suffix: str, title: str, file_filter: str) -> Job | None:
        action = self.current_action()
        start = settings.last_folder() or Path.home()
        default = start / export_name(action.code if action else "", suffix)
        name, _ = QFileDialog.getSaveFileName(self, title, str(default), file_filter)
        if not name:
            return None
        dest = Path(name)
        if dest.suffix.lower() != f".{suffix}":
            dest = dest.with_suffix(f".{suffix}")
        settings.set_last_folder(dest.parent)
        ws, action_id, period = self.ws, self.action_id(), self.period()

        # Imported here, in the GUI thread: an import run by a worker thread can crash PySide.
        from app.reporting.pdf import write_pdf
        from app.reporting.xlsx import write_xlsx

        def work() -> Path:
            if suffix == "xlsx":
                return write_xlsx(build_report(ws, action_id, period, with_rows=True), dest)
            return write_pdf(ws, build_report(ws, action_id, period, with_rows=False), dest)

        for a in (self.xlsx_action, self.pdf_action):
            a.setEnabled(False)
        self._set_busy(True, "Export en cours…")

        def done(path: object) -> None:
            self._export_ended()
            self._status(f"Bilan exporté\u00a0: {path}")

        def failed(error: Exception) -> None:
            self._export_ended()
            if isinstance(error, MaillageError):
                reason = error.message
            elif isinstance(error, OSError):
                reason = f"le fichier n'a pas pu être écrit ({error.strerror or error})"
            else:
                reason = str(error)
            QMessageBox.warning(self, "Export impossible", f"Le bilan n'a pas pu être exporté\u00a0: "
                                f"{reason}")

        self.export_job = guarded_job(self, work, done, failed)
        return self.export_job

    def _export_ended(self) -> None:
        self.export_job = None
        for a in (self.xlsx_action, self.pdf_action):
            a.setEnabled(True)
        self._set_busy(self.busy)

    def export_xlsx(self) -> Job | None:
        return self._export("xlsx", "Exporter le bilan en XLSX", XLSX_FILTER)

    def export_pdf(self) -> Job | None:
        return self._export("pdf", "Exporter le bilan en PDF", PDF_FILTER)
