"""PDF pages as images: the in-app preview (thumbnails, zoom) and printing on a QPrinter.

The PDF is the one the CLI writes (:func:`app.documents.convention.write_convention_pdf`);
``pypdfium2`` (already a dependency) renders its pages, so what is previewed and printed is
exactly the document. :func:`render_pages` needs no Qt (it may run off the GUI thread);
:func:`to_qimage` and :func:`print_pdf` make Qt images and paint them on the printer.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrinter

PRINT_DPI_MAX = 300
"""Pages are rendered at the printer's resolution, at most this (a sharp A4 page)."""


@dataclass(frozen=True)
class PageImage:
    """One rendered page: RGBX pixels, top to bottom, ``stride`` bytes a line."""

    width: int
    height: int
    stride: int
    pixels: bytes
    width_pt: float  # page size in points, for the printer
    height_pt: float


def page_count(path: Path | str) -> int:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def render_pages(path: Path | str, dpi: float = 96, pages: range | None = None) -> list[PageImage]:
    """Render the pages of the PDF ``path`` (all, or those of ``pages``) at ``dpi``."""
    pdf = pdfium.PdfDocument(str(path))
    out = []
    try:
        for number in pages if pages is not None else range(len(pdf)):
            page = pdf[number]
            try:
                width_pt, height_pt = page.get_size()
                bitmap = page.render(scale=dpi / 72, rev_byteorder=True, prefer_bgrx=True)
                try:
                    out.append(PageImage(bitmap.width, bitmap.height, bitmap.stride,
                                         bytes(bitmap.buffer), width_pt, height_pt))
                finally:
                    bitmap.close()
            finally:
                page.close()
    finally:
        pdf.close()
    return out


def to_qimage(page: PageImage) -> QImage:
    """A QImage owning a copy of the page's pixels."""
    image = QImage(page.pixels, page.width, page.height, page.stride,
                   QImage.Format.Format_RGBX8888)
    return image.copy()


def print_pdf(path: Path | str, printer: QPrinter) -> int:
    """Paint every page of ``path`` on ``printer``, one sheet each; returns the page count.

    The printer's page range (« pages 2 à 3 ») is honoured. Each page is rendered at the
    printer's resolution (capped at :data:`PRINT_DPI_MAX`) and fitted to the paintable area
    with its proportions kept.
    """
    total = page_count(path)
    first, last = 1, total
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(1, printer.fromPage())
        last = min(total, printer.toPage() or total)
    dpi = min(PRINT_DPI_MAX, printer.resolution())
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("l'imprimante n'a pas pu être ouverte")
    printed = 0
    try:
        for number in range(first - 1, last):
            if printed:
                printer.newPage()
            (page,) = render_pages(path, dpi, range(number, number + 1))
            area = QRectF(painter.viewport())
            image = to_qimage(page)
            scale = min(area.width() / image.width(), area.height() / image.height())
            target = QRectF(0, 0, image.width() * scale, image.height() * scale)
            target.moveCenter(area.center())
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.drawImage(target, image)
            printed += 1
    finally:
        painter.end()
    return printed


def preview_folder() -> Path:
    """A private temporary folder for the PDFs made for previewing."""
    folder = Path(tempfile.gettempdir()) / "maillage-apercus"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


__all__ = ["PageImage", "page_count", "preview_folder", "print_pdf", "render_pages", "to_qimage"]
