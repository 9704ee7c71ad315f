"""Importing structures or contacts from a CSV or XLSX file sent by a partner.

1. « Choisir un fichier… »: the detected format and the first rows are shown under a row of
   menus, one per column, saying which field each column fills (proposed from the French
   headers, editable, remembered for the next file through :mod:`ui.settings`).
   A file that cannot be read is explained in French (:class:`FileFormatError`).
2. « Vérifier »: every line is checked without writing anything (a dry run); the report
   lists the valid lines and each rejected line with its number, the field and the reason.
3. « Importer »: the lines are written off the GUI thread with a progress bar; « Annuler »
   stops with nothing written. Nothing is written while a line is invalid unless « Ignorer
   les lignes invalides » is ticked; lines matching an existing record update it only with
   « Mettre à jour les existants ».

``imported(report)`` is emitted after a write; the section then offers the possible
duplicates of the records created.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt
from app.errors import MaillageError
from app.io import partners_import as pi
from app.io.partners_import import ImportReport, LineIssue
from app.io.tabular import FileFormatError, TableInfo, preview
from app.services.workspace import Workspace
from ui import settings
from ui.partners.background import Task, run_task

FILE_FILTER = ("Tableaux (*.csv *.xlsx *.txt);;CSV (*.csv *.txt);;Classeurs Excel (*.xlsx);;"
               "Tous les fichiers (*)")
PREVIEW_ROWS = 20
IGNORED = "(ignorée)"
FORMATS_NOTE = ("Fichiers CSV (séparés par des points-virgules, virgules ou tabulations) ou "
                "classeurs Excel (.xlsx), avec une ligne d'en-tête nommant les colonnes.")
MAX_COLUMN_PX = 220
_WHAT = {"organisations": ("structure", "structures", "créée", "créées", "mise à jour",
                           "mises à jour"),
         "people": ("contact", "contacts", "créé", "créés", "mis à jour", "mis à jour")}


def mapping_for(headers: tuple[str, ...], target: str,
                remembered: dict[str, str]) -> dict[str, str]:
    """The proposed mapping, corrected by what the user chose for the same headers before."""
    fields = pi.TARGETS[target]
    proposed = pi.propose_mapping(headers, target)
    out = {}
    for header in headers:
        chosen = remembered.get(header)
        out[header] = chosen if chosen is not None and (chosen == "" or chosen in fields) else (
            proposed.get(header, ""))
    # A remembered choice may now collide with a proposed one: the remembered one wins.
    seen: set[str] = set()
    for header in sorted(headers, key=lambda h: h not in remembered):
        if out[header] and out[header] in seen:
            out[header] = ""
        seen.add(out[header])
    return out


def _counted(n: int, one: str, many: str) -> str:
    return f"{fmt.number(n)}\u00a0{one if n <= 1 else many}"


def report_summary(report: ImportReport, *, skip_invalid: bool, update_existing: bool) -> str:
    """What the report says, in one or two French sentences."""
    one, many, created_1, created_n, updated_1, updated_n = _WHAT[report.target]
    lines = report.rejected_lines
    if report.cancelled:
        return "Import annulé : rien n'a été enregistré."
    if report.dry_run:
        parts = [f"{_counted(report.accepted, 'ligne valide', 'lignes valides')}"]
        if lines:
            parts.append(_counted(lines, "ligne rejetée", "lignes rejetées"))
        if report.existing:
            parts.append(_counted(len(report.existing), "ligne déjà présente",
                                  "lignes déjà présentes") + " (non modifiées)")
        text = "Vérification : " + ", ".join(parts) + "."
        if lines and not skip_invalid:
            text += (" Rien ne sera enregistré tant qu'une ligne est invalide : corrigez le "
                     "fichier ou cochez « Ignorer les lignes invalides ».")
        elif report.accepted:
            to_create = report.created
            text += f" « Importer » enregistrera {_counted(to_create, one, many)}"
            if update_existing and report.updated:
                text += f" et en mettra {fmt.number(report.updated)} à jour"
            text += "."
        else:
            text += " Aucune ligne à importer."
        return text
    if not report.written:
        if lines and not skip_invalid:
            return ("Rien n'a été enregistré : "
                    f"{_counted(lines, 'ligne est invalide', 'lignes sont invalides')}.")
        return "Rien n'a été enregistré : aucune ligne nouvelle ou modifiée."
    parts = [f"{_counted(report.created, one, many)} {created_1 if report.created <= 1 else created_n}"]
    if report.updated:
        parts.append(f"{fmt.number(report.updated)} {updated_1 if report.updated <= 1 else updated_n}")
    if report.structures_created:
        parts.append(_counted(report.structures_created, "structure créée", "structures créées"))
    text = "Import terminé : " + ", ".join(parts) + "."
    if lines:
        text += f" {_counted(lines, 'ligne ignorée', 'lignes ignorées')} (invalides)."
    return text


class ImportDialog(QDialog):
    """Import ``target`` (``organisations`` or ``people``) from a file."""

    imported = Signal(object)  # ImportReport, after a write

    def __init__(self, ws: Workspace, target: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.target = target
        self.path: Path | None = None
        self.info: TableInfo | None = None
        self.combos: list[QComboBox] = []
        self.dry_report: ImportReport | None = None
        self.report: ImportReport | None = None  # the last one shown (dry run or import)
        self.task: Task | None = None
        self._close_when_done = False
        self.setObjectName("importDialog")
        self.setWindowTitle("Importer des structures" if target == "organisations"
                            else "Importer des contacts")
        self._build()
        self._update_buttons()
        self.resize(1000, 720)

    # --- construction ---------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        row = QHBoxLayout()
        caption = QLabel("Fichier\u00a0:")
        self.file_label = QLabel("aucun fichier choisi")
        self.file_label.setObjectName("importFile")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_button = QPushButton("&Choisir un fichier…")
        self.choose_button.clicked.connect(self.choose_file)
        row.addWidget(caption)
        row.addWidget(self.file_label, 1)
        row.addWidget(self.choose_button)
        layout.addLayout(row)
        self.format_label = QLabel(FORMATS_NOTE)
        self.format_label.setObjectName("formNote")
        self.format_label.setWordWrap(True)
        layout.addWidget(self.format_label)
        self.file_error = self._error_label()
        layout.addWidget(self.file_error)

        title = QLabel("Correspondance des colonnes et premières lignes")
        title.setObjectName("panelTitle")
        layout.addWidget(title)
        self.preview_table = QTableWidget(0, 0)
        self.preview_table.setObjectName("importPreview")
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.preview_table.setWordWrap(False)
        self.preview_table.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.preview_table, 3)
        self.mapping_error = self._error_label()
        layout.addWidget(self.mapping_error)

        options = QHBoxLayout()
        self.skip_box = QCheckBox("&Ignorer les lignes invalides")
        self.skip_box.setToolTip("Enregistrer les lignes valides et laisser de côté les autres")
        self.update_box = QCheckBox("&Mettre à jour les existants")
        self.update_box.setToolTip("Une ligne au même SIRET ou au même courriel qu'une fiche "
                                   "existante la complète (une cellule vide n'efface rien)")
        self.skip_box.toggled.connect(lambda _on: self._options_changed())
        self.update_box.toggled.connect(lambda _on: self._invalidate())
        options.addWidget(self.skip_box)
        options.addWidget(self.update_box)
        options.addStretch(1)
        layout.addLayout(options)

        self.summary_label = QLabel("")
        self.summary_label.setObjectName("importSummary")
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)
        self.issues_table = QTableWidget(0, 3)
        self.issues_table.setObjectName("importIssues")
        self.issues_table.setHorizontalHeaderLabels(["Ligne", "Champ", "Raison"])
        self.issues_table.verticalHeader().setVisible(False)
        self.issues_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.issues_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.issues_table.setWordWrap(False)
        header = self.issues_table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        char = self.issues_table.fontMetrics().averageCharWidth()
        self.issues_table.setColumnWidth(0, 8 * char + 16)
        self.issues_table.setColumnWidth(1, 22 * char + 16)
        self.issues_table.hide()
        layout.addWidget(self.issues_table, 2)

        progress_row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress_label = QLabel("")
        self.cancel_button = QPushButton("Annu&ler")
        self.cancel_button.setToolTip("Arrêter : rien ne sera enregistré")
        self.cancel_button.clicked.connect(self.cancel)
        progress_row.addWidget(self.progress_label)
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        self.progress_host = QWidget()
        self.progress_host.setLayout(progress_row)
        progress_row.setContentsMargins(0, 0, 0, 0)
        self.progress_host.hide()
        layout.addWidget(self.progress_host)

        buttons = QHBoxLayout()
        self.check_button = QPushButton("&Vérifier")
        self.check_button.setToolTip("Contrôler toutes les lignes sans rien enregistrer")
        self.check_button.clicked.connect(self.check)
        self.import_button = QPushButton("Im&porter")
        self.import_button.clicked.connect(self.run_import)
        self.close_button = QPushButton("Fermer")
        self.close_button.clicked.connect(self.reject)
        buttons.addStretch(1)
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

    @staticmethod
    def _error_label() -> QLabel:
        label = QLabel("")
        label.setObjectName("fieldError")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.hide()
        return label

    @staticmethod
    def _set_error(label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))

    # --- the file ---------------------------------------------------------------------------

    def choose_file(self) -> None:
        start = settings.last_folder() or Path.home()
        name, _ = QFileDialog.getOpenFileName(self, self.windowTitle(), str(start), FILE_FILTER)
        if name:
            self.open_file(Path(name))

    def open_file(self, path: Path) -> bool:
        """Show ``path``'s format, first rows and proposed mapping (or why it cannot be read)."""
        self.path = None
        self.info = None
        self.file_label.setText(path.name)
        self.file_label.setToolTip(str(path))
        self.format_label.setText(FORMATS_NOTE)
        self._show_preview(None, [])
        self._invalidate()
        try:
            info, rows = preview(path, PREVIEW_ROWS)
        except FileFormatError as exc:
            self._set_error(self.file_error, exc.message)
            self._update_buttons()
            return False
        except OSError as exc:
            self._set_error(self.file_error,
                            f"« {path.name} » n'a pas pu être lu : {exc.strerror or exc}.")
            self._update_buttons()
            return False
        settings.set_last_folder(path.parent)
        self.path, self.info = path, info
        self._set_error(self.file_error, "")
        self.format_label.setText(
            f"{info.description} — ligne d'en-tête\u00a0: {info.header_line}. "
            "Vérifiez le champ de chaque colonne dans les menus ci-dessous.")
        self._show_preview(info, rows)
        self._mapping_changed()
        return True

    def _show_preview(self, info: TableInfo | None, rows: list[tuple[int, tuple[Any, ...]]]) -> None:
        table = self.preview_table
        table.clear()
        self.combos = []
        headers = list(info.headers) if info else []
        table.setColumnCount(len(headers))
        table.setRowCount(len(rows) + 1 if headers else 0)
        table.setHorizontalHeaderLabels(headers)
        if not headers:
            return
        table.setVerticalHeaderLabels(["Champ"] + [str(line) for line, _cells in rows])
        mapping = mapping_for(tuple(headers), self.target,
                              settings.load_import_mapping(self.target))
        fields = pi.TARGETS[self.target]
        for col, header in enumerate(headers):
            combo = QComboBox()
            combo.addItem(IGNORED, "")
            for code, label in fields.items():
                combo.addItem(label, code)
            combo.setCurrentIndex(max(0, combo.findData(mapping.get(header, ""))))
            combo.setToolTip(f"Champ rempli par la colonne « {header} »")
            combo.currentIndexChanged.connect(lambda _i: self._mapping_changed())
            table.setCellWidget(0, col, combo)
            self.combos.append(combo)
        for r, (_line, cells) in enumerate(rows, start=1):
            for col, value in enumerate(cells[: len(headers)]):
                text = pi.cell_text(value)
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(r, col, item)
        table.resizeColumnsToContents()
        for col in range(len(headers)):
            wanted = max(table.columnWidth(col), self.combos[col].sizeHint().width())
            table.setColumnWidth(col, min(MAX_COLUMN_PX, wanted))
        table.setRowHeight(0, self.combos[0].sizeHint().height() + 4)

    def mapping(self) -> dict[str, str]:
        """``{header: field}`` as the menus say (``""``: column ignored)."""
        if self.info is None:
            return {}
        return {h: c.currentData() or "" for h, c in zip(self.info.headers, self.combos, strict=True)}

    def set_field(self, header: str, field: str) -> None:
        """Choose the field filled by the column ``header`` (what its menu does)."""
        assert self.info is not None
        combo = self.combos[self.info.headers.index(header)]
        combo.setCurrentIndex(combo.findData(field))

    def _mapping_error(self) -> str:
        try:
            pi.check_mapping(self.mapping(), self.target)
        except MaillageError as exc:
            return exc.message
        return ""

    def _mapping_changed(self) -> None:
        self._set_error(self.mapping_error, self._mapping_error() if self.info else "")
        self._invalidate()

    # --- the report -------------------------------------------------------------------------

    def _invalidate(self) -> None:
        """The mapping or an option changed: the last check no longer holds."""
        self.dry_report = None
        if self.report is not None and self.report.dry_run:
            self._show_report(None)
        self._update_buttons()

    def _options_changed(self) -> None:
        if self.dry_report is not None:
            self._show_report(self.dry_report)
        self._update_buttons()

    def _show_report(self, report: ImportReport | None) -> None:
        self.report = report
        if report is None:
            self.summary_label.setText("")
            self.issues_table.setRowCount(0)
            self.issues_table.hide()
            return
        self.summary_label.setText(report_summary(
            report, skip_invalid=self.skip_box.isChecked(),
            update_existing=self.update_box.isChecked()))
        issues: list[LineIssue] = sorted((*report.rejected, *report.existing),
                                         key=lambda i: i.line)
        fields = pi.TARGETS[self.target]
        self.issues_table.setRowCount(len(issues))
        for row, issue in enumerate(issues):
            values = (fmt.number(issue.line), fields.get(issue.field, issue.field), issue.reason)
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if col == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.issues_table.setItem(row, col, item)
        self.issues_table.setVisible(bool(issues))

    def issues(self) -> list[tuple[str, str, str]]:
        """The report table as read: (line, field, reason) per row."""
        return [tuple(self.issues_table.item(r, c).text() for c in range(3))  # type: ignore[misc]
                for r in range(self.issues_table.rowCount())]

    def _update_buttons(self) -> None:
        running = self.task is not None and self.task.running
        ready = self.info is not None and not self.mapping_error.isVisibleTo(self)
        self.check_button.setEnabled(ready and not running)
        self.choose_button.setEnabled(not running)
        self.skip_box.setEnabled(not running)
        self.update_box.setEnabled(not running)
        for combo in self.combos:
            combo.setEnabled(not running)
        dry = self.dry_report
        can_import = (ready and dry is not None and dry.accepted > 0
                      and (not dry.rejected or self.skip_box.isChecked()))
        self.import_button.setEnabled(bool(can_import) and not running)
        self.import_button.setDefault(bool(can_import))
        self.check_button.setDefault(not can_import)
        self.progress_host.setVisible(running)
        self.close_button.setEnabled(not running)

    # --- running ----------------------------------------------------------------------------

    def _start(self, *, dry_run: bool) -> Task | None:
        if self.path is None or self.info is None or self._mapping_error():
            return None
        mapping = self.mapping()
        settings.save_import_mapping(self.target, mapping)
        ws, path, target = self.ws, self.path, self.target
        skip, update = self.skip_box.isChecked(), self.update_box.isChecked()
        run = pi.import_organisations if target == "organisations" else pi.import_people

        def job(progress, cancelled) -> ImportReport:  # noqa: ANN001
            return run(ws, path, mapping=mapping, dry_run=dry_run, skip_invalid=skip,
                       update_existing=update, progress=progress, cancelled=cancelled)

        self.progress.setValue(0)
        self.progress_label.setText("Vérification des lignes…" if dry_run else "Import en cours…")
        self.cancel_button.setEnabled(True)
        self.task = run_task(self, job, lambda r: self._finished(r, dry_run), self._failed,
                             self._progressed)
        self._update_buttons()
        return self.task

    def check(self) -> Task | None:
        """« Vérifier »: a dry run of every line."""
        return self._start(dry_run=True)

    def run_import(self) -> Task | None:
        """« Importer »: write (after a check that allows it)."""
        if self.dry_report is None:
            return None
        return self._start(dry_run=False)

    def cancel(self) -> None:
        if self.task is not None and self.task.running:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText("Annulation…")

    def _progressed(self, done: int, total: int, message: str) -> None:
        self.progress.setValue(int(100 * done / max(total, 1)))
        if message and self.cancel_button.isEnabled():
            self.progress_label.setText(message)

    def _finished(self, report: ImportReport, dry_run: bool) -> None:
        self._update_after_run()
        if dry_run and not report.cancelled:
            self.dry_report = report
        self._show_report(report)
        self._update_buttons()
        if not dry_run and report.written:
            self.dry_report = None  # importing again needs a new check
            self._update_buttons()
            self.imported.emit(report)
        self._close_if_asked()

    def _failed(self, error: Exception) -> None:
        self._update_after_run()
        if isinstance(error, FileFormatError):
            self._set_error(self.file_error, error.message)
        elif isinstance(error, MaillageError):
            self._set_error(self.mapping_error, error.message)
        elif isinstance(error, OSError):
            self._set_error(self.file_error, f"Le fichier n'a pas pu être lu : "
                                             f"{error.strerror or error}.")
        else:
            self._set_error(self.file_error, f"L'import a échoué : {error}")
        self._update_buttons()
        self._close_if_asked()

    def _update_after_run(self) -> None:
        self.progress_label.setText("")

    def _close_if_asked(self) -> None:
        if self._close_when_done:
            self._close_when_done = False
            super().reject()

    def reject(self) -> None:
        """Closing while a check or an import runs cancels it first (nothing is written)."""
        if self.task is not None and self.task.running:
            self._close_when_done = True
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.task is not None and self.task.running:
            self._close_when_done = True
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)
