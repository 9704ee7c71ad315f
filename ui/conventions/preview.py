"""The print preview: page thumbnails on the left, the pages at the chosen zoom, print or save."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ui import settings
from ui.conventions.printing import print_pdf, render_pages, to_qimage

ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
SCREEN_DPI = 96
THUMB_DPI = 18
PDF_FILTER = "Documents PDF (*.pdf)"


class PdfPreviewDialog(QDialog):
    """Shows the PDF ``path``; « Imprimer… » and « Enregistrer en PDF… » use that same file.

    ``suggested_name`` is the file name offered when saving (« convention-2026-AUX-001.pdf »).
    """

    printed = Signal(int)  # pages sent to the printer
    saved = Signal(str)  # path written

    def __init__(self, path: Path, title: str, suggested_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdfPreview")
        self.setWindowTitle(f"Aperçu – {title}")
        self.path = Path(path)
        self.suggested_name = suggested_name
        self.zoom = 1.0
        self._fitted = False
        self.images = []
        self.page_labels: list[QLabel] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        bar = QToolBar()
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.print_action = self._action("&Imprimer…", QKeySequence.StandardKey.Print,
                                         self.print_dialog)
        self.save_action = self._action("&Enregistrer en PDF…", QKeySequence.StandardKey.Save,
                                        self.save_dialog)
        self.zoom_out_action = self._action("Zoom −", QKeySequence.StandardKey.ZoomOut,
                                            lambda: self.step_zoom(-1))
        self.zoom_in_action = self._action("Zoom +", QKeySequence.StandardKey.ZoomIn,
                                           lambda: self.step_zoom(1))
        self.fit_action = self._action("Ajuster à la largeur", "Ctrl+0", self.fit_width)
        self.zoom_combo = QComboBox()
        self.zoom_combo.setToolTip("Zoom")
        for z in ZOOMS:
            self.zoom_combo.addItem(f"{round(z * 100)}\u00a0%", z)
        self.zoom_combo.setCurrentIndex(ZOOMS.index(1.0))
        self.zoom_combo.activated.connect(lambda i: self.set_zoom(self.zoom_combo.itemData(i)))
        bar.addAction(self.print_action)
        bar.addAction(self.save_action)
        bar.addSeparator()
        bar.addAction(self.zoom_out_action)
        bar.addWidget(self.zoom_combo)
        bar.addAction(self.zoom_in_action)
        bar.addAction(self.fit_action)
        layout.addWidget(bar)

        self.thumbnails = QListWidget()
        self.thumbnails.setObjectName("pageThumbnails")
        self.thumbnails.setViewMode(QListWidget.ViewMode.IconMode)
        self.thumbnails.setFlow(QListWidget.Flow.TopToBottom)
        self.thumbnails.setWrapping(False)
        self.thumbnails.setMovement(QListWidget.Movement.Static)
        self.thumbnails.setIconSize(QSize(110, 156))
        self.thumbnails.setSpacing(6)
        self.thumbnails.setFixedWidth(150)
        self.thumbnails.currentRowChanged.connect(self.show_page)
        self.pages_box = QWidget()
        self.pages_box.setObjectName("previewPages")
        self.pages_layout = QVBoxLayout(self.pages_box)
        self.pages_layout.setSpacing(16)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.pages_box)
        self.scroll.setWidgetResizable(True)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll.setStyleSheet("QScrollArea { background: #8a8f98; }"
                                  "QWidget#previewPages { background: #8a8f98; }")
        splitter = QSplitter()
        splitter.addWidget(self.thumbnails)
        splitter.addWidget(self.scroll)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)
        self.status_label = QLabel("")
        self.status_label.setObjectName("formNote")
        layout.addWidget(self.status_label)

        self._load_thumbnails()
        self.set_zoom(1.0)
        self.resize(900, 760)

    def _action(self, text: str, shortcut, slot) -> QAction:  # noqa: ANN001
        action = QAction(text, self)
        action.setIconText(text.replace("&", ""))  # the toolbar keeps « … »
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{text.replace('&', '')} ({QKeySequence(shortcut).toString()})")
        action.triggered.connect(lambda _c=False: slot())
        self.addAction(action)
        return action

    def showEvent(self, event) -> None:  # noqa: ANN001 - QShowEvent
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            QTimer.singleShot(0, self.fit_width)  # once the viewport has its width

    # --- pages ----------------------------------------------------------------------------

    @property
    def page_count(self) -> int:
        return self.thumbnails.count()

    def _load_thumbnails(self) -> None:
        self.thumbnails.clear()
        for number, page in enumerate(render_pages(self.path, THUMB_DPI), start=1):
            item = QListWidgetItem(QPixmap.fromImage(to_qimage(page)), f"Page {number}")
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
            self.thumbnails.addItem(item)

    def set_zoom(self, zoom: float) -> None:
        """Render every page at ``zoom`` (1.0 = actual size on a 96 dpi screen)."""
        self.zoom = float(zoom)
        self.images = [to_qimage(p) for p in render_pages(self.path, SCREEN_DPI * self.zoom)]
        for label in self.page_labels:
            self.pages_layout.removeWidget(label)
            label.deleteLater()
        self.page_labels = []
        for number, image in enumerate(self.images, start=1):
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            label.setAccessibleName(f"Page {number}")
            label.setStyleSheet("border: 1px solid #5b6270; background: white;")
            self.pages_layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
            self.page_labels.append(label)
        closest = min(range(len(ZOOMS)), key=lambda i: abs(ZOOMS[i] - self.zoom))
        self.zoom_combo.setCurrentIndex(closest)
        self.zoom_combo.setToolTip(f"Zoom : {round(self.zoom * 100)} %")
        pages = len(self.images)
        self.status_label.setText(f"{pages} page{'s' if pages > 1 else ''} · zoom "
                                  f"{round(self.zoom * 100)}\u00a0%")

    def step_zoom(self, direction: int) -> None:
        larger = [z for z in ZOOMS if z > self.zoom + 1e-6]
        smaller = [z for z in ZOOMS if z < self.zoom - 1e-6]
        if direction > 0 and larger:
            self.set_zoom(larger[0])
        elif direction < 0 and smaller:
            self.set_zoom(smaller[-1])

    def fit_width(self) -> None:
        if not self.images or not self.isVisible():
            return
        natural = self.images[0].width() / self.zoom
        available = self.scroll.viewport().width() - 40
        self.set_zoom(max(0.25, min(3.0, available / natural)))

    def show_page(self, row: int) -> None:
        if 0 <= row < len(self.page_labels):
            self.scroll.ensureWidgetVisible(self.page_labels[row], 0, 0)
            bar = self.scroll.verticalScrollBar()
            bar.setValue(self.page_labels[row].y() - 8)

    # --- print and save -------------------------------------------------------------------

    def print_dialog(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.suggested_name.removesuffix(".pdf"))
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Imprimer")
        dialog.setMinMax(1, max(1, self.page_count))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        try:
            pages = print_pdf(self.path, printer)
        except OSError as exc:
            QMessageBox.critical(self, "Impression impossible",
                                 f"Le document n'a pas pu être imprimé : {exc}.")
            return 0
        self.status_label.setText(f"{pages} page{'s' if pages > 1 else ''} envoyée"
                                  f"{'s' if pages > 1 else ''} à l'impression.")
        self.printed.emit(pages)
        return pages

    def save_dialog(self) -> None:
        start = settings.last_folder() or Path.home()
        name, _ = QFileDialog.getSaveFileName(self, "Enregistrer en PDF",
                                              str(start / self.suggested_name), PDF_FILTER)
        if name:
            self.save_to(Path(name))

    def save_to(self, dest: Path) -> bool:
        if dest.suffix.lower() != ".pdf":
            dest = dest.with_suffix(".pdf")
        try:
            shutil.copyfile(self.path, dest)
        except OSError as exc:
            QMessageBox.critical(self, "Enregistrement impossible",
                                 f"Le fichier « {dest.name} » n'a pas pu être écrit : "
                                 f"{exc.strerror or exc}.")
            return False
        settings.set_last_folder(dest.parent)
        self.status_label.setText(f"Enregistré : {dest}")
        self.saved.emit(str(dest))
        return True

