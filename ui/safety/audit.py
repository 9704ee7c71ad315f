"""« Outils › Journal des modifications »: who changed what and when, with filters.

The table is paged in SQL (:func:`app.services.audit.list_audit`): the first page is read
when a filter changes, the next ones as the user scrolls (``canFetchMore``/``fetchMore``).
The CSV export (:func:`app.services.audit.export_audit_csv`) runs off the GUI thread.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt
from app.services import audit
from app.services.audit import AuditFilter, AuditRow
from app.services.workspace import Workspace
from ui import settings
from ui.safety.work import Task, busy_dialog, error_text, run_task, show_progress

PAGE_SIZE = 200
COLUMNS = ("Date", "Utilisateur", "Site", "Opération", "Type", "Enregistrement", "Champs", "Motif")
WIDTHS = (19, 12, 10, 16, 14, 26, 28, 30)  # in average characters

PERIODS: tuple[tuple[str, str], ...] = (
    ("tout", "Toutes les dates"),
    ("jour", "Aujourd'hui"),
    ("7j", "7 derniers jours"),
    ("30j", "30 derniers jours"),
    ("12m", "12 derniers mois"),
    ("choix", "Période choisie…"),
)

Index = QModelIndex | QPersistentModelIndex


def period_dates(code: str, today: dt.date | None = None) -> tuple[dt.date | None, dt.date | None]:
    """The inclusive dates of a period preset (``None``: open)."""
    today = today or dt.date.today()
    if code == "jour":
        return today, today
    if code == "7j":
        return today - dt.timedelta(days=6), today
    if code == "30j":
        return today - dt.timedelta(days=29), today
    if code == "12m":
        return today - dt.timedelta(days=364), today
    return None, None


class AuditModel(QAbstractTableModel):
    """The filtered log, newest first, read one page at a time."""

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.filters = AuditFilter()
        self.rows: list[AuditRow] = []
        self.total = 0

    def set_filters(self, filters: AuditFilter) -> None:
        self.filters = filters
        self.reload()

    def reload(self) -> None:
        page = audit.list_audit(self.ws, self.filters, 0, PAGE_SIZE)
        self.beginResetModel()
        self.rows = list(page.rows)
        self.total = page.total
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        page = audit.list_audit(self.ws, self.filters, len(self.rows), PAGE_SIZE)
        known = {r.id for r in self.rows}
        new = [r for r in page.rows if r.id not in known]  # entries written meanwhile
        if not new:
            self.total = len(self.rows)
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(new) - 1)
        self.rows.extend(new)
        self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    @staticmethod
    def cell(row: AuditRow, column: int) -> str:
        if column == 0:
            return f"{fmt.date_short(row.at.date())} {row.at:%H:%M:%S}"
        if column == 1:
            return row.os_user
        if column == 2:
            return row.site_id[:8]
        if column == 3:
            return row.operation_label
        if column == 4:
            return row.table_label
        if column == 5:
            return row.record_label or row.record_id[:8]
        if column == 6:
            return row.fields_label
        return row.reason

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == 2:
                return f"Site {row.site_id}"
            if index.column() == 5:
                return f"{row.record_label}\nIdentifiant : {row.record_id}".strip()
            text = self.cell(row, index.column())
            return text if len(text) > 20 else None
        return None


class AuditDialog(QDialog):
    """The audit view: filters above, the paged table, the CSV export."""

    def __init__(self, ws: Workspace, parent: QWidget | None = None,
                 filters: AuditFilter | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditDialog")
        self.setWindowTitle("Journal des modifications")
        self.ws = ws
        self._base = filters or AuditFilter()
        self.export_task: Task | None = None
        self.model = AuditModel(ws, self)

        intro = QLabel("Chaque modification enregistrée dans cette base : qui, quand, quel "
                       "enregistrement et quels champs. Les valeurs elles-mêmes ne sont jamais "
                       "conservées dans le journal.")
        intro.setObjectName("formNote")
        intro.setWordWrap(True)

        self.period_combo = QComboBox()
        self.period_combo.setObjectName("auditPeriod")
        for code, label in PERIODS:
            self.period_combo.addItem(label, code)
        self.since_edit = self._date_edit()
        self.until_edit = self._date_edit()
        self.since_edit.setDate(QDate.currentDate().addMonths(-1))
        self.until_edit.setDate(QDate.currentDate())
        self.table_combo = QComboBox()
        self.table_combo.setObjectName("auditTable")
        self.table_combo.addItem("Tous les types", None)
        for table, label in sorted(audit.TABLE_LABELS.items(), key=lambda kv: kv[1]):
            self.table_combo.addItem(label, table)
        self.operation_combo = QComboBox()
        self.operation_combo.setObjectName("auditOperation")
        self.operation_combo.addItem("Toutes les opérations", None)
        for code, label in audit.OPERATION_LABELS.items():
            self.operation_combo.addItem(label, code)
        self.user_combo = QComboBox()
        self.user_combo.setObjectName("auditUser")
        self.user_combo.addItem("Tous les utilisateurs", None)
        for user in audit.audit_users(ws):
            self.user_combo.addItem(user, user)

        filters_row = QHBoxLayout()
        filters_row.setSpacing(6)
        for label_text, widget in (("&Période", self.period_combo), ("du", self.since_edit),
                                   ("au", self.until_edit)):
            label = QLabel(label_text)
            label.setBuddy(widget)
            filters_row.addWidget(label)
            filters_row.addWidget(widget)
        filters_row.addSpacing(12)
        filters_row.addStretch(1)
        second_row = QHBoxLayout()
        second_row.setSpacing(6)
        for label_text, widget in (("&Type", self.table_combo),
                                   ("&Opération", self.operation_combo),
                                   ("&Utilisateur", self.user_combo)):
            label = QLabel(label_text)
            label.setBuddy(widget)
            second_row.addWidget(label)
            second_row.addWidget(widget)
            second_row.addSpacing(6)
        second_row.addStretch(1)

        self.table = QTableView()
        self.table.setObjectName("auditTableView")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        char = self.table.fontMetrics().averageCharWidth()
        for column, width in enumerate(WIDTHS):
            self.table.setColumnWidth(column, width * char + 16)

        self.count_label = QLabel("")
        self.count_label.setObjectName("auditCount")
        self.export_button = QPushButton("E&xporter en CSV…")
        self.export_button.clicked.connect(self.export_csv)
        close = QPushButton("Fermer")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label)
        bottom.addStretch(1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(intro)
        layout.addLayout(filters_row)
        layout.addLayout(second_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        for combo in (self.period_combo, self.table_combo, self.operation_combo, self.user_combo):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        for edit in (self.since_edit, self.until_edit):
            edit.dateChanged.connect(lambda _d: self.apply_filters())
        QShortcut(QKeySequence("F5"), self, self.apply_filters)
        self.resize(1100, 600)
        self.apply_filters()

    @staticmethod
    def _date_edit() -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd/MM/yyyy")
        return edit

    def current_filters(self) -> AuditFilter:
        code = self.period_combo.currentData()
        custom = code == "choix"
        self.since_edit.setEnabled(custom)
        self.until_edit.setEnabled(custom)
        if custom:
            since = self.since_edit.date().toPython()
            until = self.until_edit.date().toPython()
        else:
            since, until = period_dates(code)
        base = self._base
        return AuditFilter(
            table=self.table_combo.currentData() or base.table,
            record_id=base.record_id,
            record_ids=base.record_ids,
            operation=self.operation_combo.currentData() or base.operation,
            os_user=self.user_combo.currentData() or base.os_user,
            site_id=base.site_id,
            since=since,
            until=until,
            reason_contains=base.reason_contains,
        )

    def apply_filters(self) -> None:
        try:
            self.model.set_filters(self.current_filters())
        except Exception as exc:  # noqa: BLE001 - a damaged base: say it, keep the dialog
            self.count_label.setText(f"Le journal n'a pas pu être lu : {error_text(exc)}")
            return
        total = self.model.total
        self.count_label.setText(
            "Aucune entrée" if total == 0 else fmt.plural(total, "entrée"))
        self.export_button.setEnabled(total > 0 and not self.exporting)

    @property
    def exporting(self) -> bool:
        return self.export_task is not None and self.export_task.running

    def export_csv(self) -> None:
        if self.exporting:
            return
        start = settings.last_folder() or Path.home()
        default = start / f"journal-des-modifications-{dt.date.today().isoformat()}.csv"
        name, _ = QFileDialog.getSaveFileName(self, "Exporter le journal", str(default),
                                              "Fichiers CSV (*.csv)")
        if not name:
            return
        path = Path(name)
        if not path.suffix:
            path = path.with_suffix(".csv")
        settings.set_last_folder(path.parent)
        ws, filters = self.ws, self.current_filters()
        progress = busy_dialog(self, "Export du journal…", cancellable=True,
                               title="Journal des modifications")
        progress.canceled.connect(lambda: self.export_task and self.export_task.cancel())
        self.export_button.setEnabled(False)

        def done(written: int) -> None:
            progress.close()
            progress.deleteLater()
            self.export_button.setEnabled(True)
            QMessageBox.information(self, "Journal exporté",
                                    f"{fmt.plural(written, 'entrée')} exportée"
                                    f"{'s' if written > 1 else ''} dans « {path} ».")

        def failed(error: Exception) -> None:
            progress.close()
            progress.deleteLater()
            self.export_button.setEnabled(True)
            if self.export_task is not None and self.export_task.cancelled:
                return
            QMessageBox.critical(self, "Export impossible",
                                 f"Le journal n'a pas pu être exporté : {error_text(error)}")

        self.export_task = run_task(
            self, lambda p, c: audit.export_audit_csv(ws, path, filters, progress=p, cancel=c),
            done, failed, lambda d, t, m: show_progress(progress, d, t, m))

    def reject(self) -> None:
        if self.export_task is not None and self.export_task.running:
            self.export_task.cancel()
        super().reject()


def show_audit_dialog(window: Any, filters: AuditFilter | None = None) -> AuditDialog:
    dialog = AuditDialog(window.workspace, window, filters)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
