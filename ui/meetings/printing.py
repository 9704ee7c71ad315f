"""The attendance sheet and the minutes as PDF: written off the GUI thread, then previewed in
the application (pages rendered by ``pypdfium2``, zoom), printed through the system print
dialog (the page images painted on the ``QPrinter``) or saved.

The preview dialog and the page renderer are the ones the conventions use
(:mod:`ui.conventions.preview`, :mod:`ui.conventions.printing`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt
from app.services.meetings import MeetingDetail
from app.services.workspace import Workspace
from ui import settings
from ui.conventions.printing import page_count, preview_folder, print_pdf
from ui.meetings.common import Task, error_text, run_in_background

PDF_FILTER = "Documents PDF (*.pdf)"
DEFAULT_BLANK_ROWS = 5

Writer = Callable[[Path, Callable[[int, int, str], None], Callable[[], bool]], object]


def file_stem(prefix: str, detail: MeetingDetail) -> str:
    """« emargement-CP5-2027-01-19 » (characters a file system dislikes replaced)."""
    ref = detail.reference or detail.title[:40]
    day = detail.first_date.isoformat() if detail.first_date else ""
    text = "-".join(x for x in (prefix, ref, day) if x)
    return re.sub(r"[^0-9A-Za-zÀ-ÿ._-]+", "-", text).strip("-")


def sheet_name(detail: MeetingDetail, signed: bool = False) -> str:
    return file_stem("emargement-signe" if signed else "emargement", detail) + ".pdf"


def minutes_name(detail: MeetingDetail) -> str:
    return file_stem("compte-rendu", detail) + ".pdf"


def open_preview(parent: QWidget, path: Path, title: str, name: str) -> QDialog:
    """The in-app preview of ``path`` (zoom, print, save), window-modal, deleted on close."""
    from ui.conventions.preview import PdfPreviewDialog
    from ui.meetings.common import show_status

    dialog = PdfPreviewDialog(path, title, name, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.saved.connect(lambda p: show_status(parent, f"Enregistré\u00a0: {p}"))
    dialog.printed.connect(lambda n: show_status(
        parent, f"{title}\u00a0: {fmt.plural(n, 'page')} envoyée(s) à l'impression."))
    dialog.open()
    return dialog


def print_with_dialog(parent: QWidget, path: Path, name: str, title: str) -> int:
    """The system print dialog, then every page of ``path`` painted on the printer."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(name.removesuffix(".pdf"))
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    dialog.setMinMax(1, max(1, page_count(path)))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return 0
    try:
        return print_pdf(path, printer)
    except OSError as exc:
        QMessageBox.critical(parent, "Impression impossible",
                             f"Le document n'a pas pu être imprimé\u00a0: {exc}.")
        return 0


def ask_pdf_path(parent: QWidget, title: str, name: str) -> Path | None:
    start = settings.last_folder() or Path.home()
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(start / name), PDF_FILTER)
    if not chosen:
        return None
    dest = Path(chosen)
    if dest.suffix.lower() != ".pdf":
        dest = dest.with_suffix(".pdf")
    settings.set_last_folder(dest.parent)
    return dest


class DocumentDialog(QDialog):
    """Options of a document, a progress bar, « Aperçu », « Imprimer… », « Enregistrer en PDF… ».

    Subclasses give :meth:`writer` (how to write the PDF) and :meth:`name`. ``ready(path)`` is
    emitted each time a PDF has been written.
    """

    ready = Signal(str)

    def __init__(self, ws: Workspace, detail: MeetingDetail, title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.detail = detail
        self.document_title = title
        self.task: Task | None = None
        self.preview_dialog: QDialog | None = None
        self.last_path: Path | None = None
        self.pages = 0
        self.setWindowTitle(f"{title} – {detail.title}")
        self.layout_ = QVBoxLayout(self)
        heading = QLabel(fmt.typography(detail.title))
        heading.setObjectName("panelTitle")
        heading.setWordWrap(True)
        self.layout_.addWidget(heading)
        self.options = QFormLayout()
        self.layout_.addLayout(self.options)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.layout_.addWidget(self.progress)
        self.message = QLabel("")
        self.message.setObjectName("formNote")
        self.message.setWordWrap(True)
        self.layout_.addWidget(self.message)
        self.layout_.addStretch(1)
        buttons = QDialogButtonBox()
        self.preview_button = self._button(buttons, "&Aperçu", self.preview)
        self.print_button = self._button(buttons, "&Imprimer…", self.print_)
        self.save_button = self._button(buttons, "&Enregistrer en PDF…", self.save)
        close = buttons.addButton("Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        close.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        self.layout_.addWidget(buttons)
        self.preview_button.setDefault(True)

    @staticmethod
    def _button(box: QDialogButtonBox, text: str, slot: Callable[[], object]) -> QPushButton:
        button = box.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.clicked.connect(lambda _c=False: slot())
        return button

    # --- to override ------------------------------------------------------------------------

    def name(self) -> str:
        raise NotImplementedError

    def writer(self) -> Writer:
        raise NotImplementedError

    # --- generation -------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.task is not None and self.task.running

    def generate(self, dest: Path | None, then: Callable[[Path], None]) -> Task | None:
        """Write the PDF (to ``dest`` or a preview file) off the GUI thread, then ``then``."""
        if self.running:
            return None
        path = dest or preview_folder() / self.name()
        write = self.writer()
        for button in (self.preview_button, self.print_button, self.save_button):
            button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.message.setText(f"Préparation\u00a0: {self.document_title.lower()}…")

        def work(progress, cancelled):  # noqa: ANN001, ANN202
            return write(path, progress, cancelled)

        def progress(done: int, total: int, message: str) -> None:
            if total > 0:
                self.progress.setRange(0, total)
                self.progress.setValue(min(done, total))
            if message:
                self.message.setText(message)

        def finished(result: object) -> None:
            self._end()
            self.last_path = Path(getattr(result, "path", path))
            self.pages = int(getattr(result, "pages", 0) or page_count(self.last_path))
            self.message.setText(f"{self.document_title} prêt(e)\u00a0: "
                                 f"{fmt.plural(self.pages, 'page')}.")
            self.ready.emit(str(self.last_path))
            then(self.last_path)

        def failed(error: Exception) -> None:
            self._end()
            self.message.setText("")
            QMessageBox.warning(self, "Document impossible", error_text(error))

        self.task = run_in_background(self, work, finished, failed, progress)
        return self.task

    def _end(self) -> None:
        self.progress.hide()
        for button in (self.preview_button, self.print_button, self.save_button):
            button.setEnabled(True)

    def preview(self) -> Task | None:
        return self.generate(None, self._show_preview)

    def _show_preview(self, path: Path) -> None:
        self.preview_dialog = open_preview(self, path, f"{self.document_title} – {self.detail.title}",
                                           self.name())
        self.preview_dialog.destroyed.connect(lambda _o=None: setattr(self, "preview_dialog", None))

    def print_(self) -> Task | None:
        return self.generate(None, lambda path: self._print(path))

    def _print(self, path: Path) -> None:
        pages = print_with_dialog(self, path, self.name(),
                                  f"Imprimer – {self.document_title.lower()}")
        if pages:
            self.message.setText(f"{fmt.plural(pages, 'page')} envoyée(s) à l'impression.")

    def save(self) -> Task | None:
        dest = ask_pdf_path(self, f"Enregistrer – {self.document_title.lower()}", self.name())
        if dest is None:
            return None
        return self.generate(dest, lambda path: self.message.setText(f"Enregistré\u00a0: {path}"))

    def reject(self) -> None:
        if self.running and self.task is not None:
            self.task.cancel()
        super().reject()


class SheetDialog(DocumentDialog):
    """« Feuille d'émargement… »: blank rows for walk-ins, or the signed copy."""

    def __init__(self, ws: Workspace, detail: MeetingDetail, parent: QWidget | None = None) -> None:
        super().__init__(ws, detail, "Feuille d'émargement", parent)
        self.setObjectName("sheetDialog")
        self.blank_spin = QSpinBox()
        self.blank_spin.setRange(0, 60)
        self.blank_spin.setValue(DEFAULT_BLANK_ROWS)
        self.blank_spin.setSuffix(" lignes")
        self.blank_spin.setMaximumWidth(140)
        self.blank_spin.setToolTip("Lignes vides en fin de tableau pour les personnes venues "
                                   "sans inscription")
        self.options.addRow("&Lignes vides :", self.blank_spin)
        self.signed_box = QCheckBox("E&xemplaire signé\u00a0: les signatures recueillies sur écran, "
                                    "« Absent » / « Excusé » et les contre-signatures")
        self.signed_box.toggled.connect(lambda on: self.blank_spin.setEnabled(not on))
        self.options.addRow("", self.signed_box)
        sessions = fmt.plural(len(detail.sessions), "créneau", "créneaux")
        people = fmt.plural(len(detail.participants), "participant")
        self.message.setText(f"{sessions}, {people}. Les coordonnées des personnes ne sont "
                             "jamais imprimées.")
        self.resize(640, 230)

    def name(self) -> str:
        return sheet_name(self.detail, self.signed_box.isChecked())

    def writer(self) -> Writer:
        from app.documents.sheet import write_attendance_sheet

        ws, meeting_id = self.ws, self.detail.id
        blank, signed = self.blank_spin.value(), self.signed_box.isChecked()

        def write(path: Path, progress, cancelled):  # noqa: ANN001, ANN202
            return write_attendance_sheet(ws, meeting_id, path, blank_rows=0 if signed else blank,
                                          signed=signed, progress=progress, cancel=cancelled)

        return write
