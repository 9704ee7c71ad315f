"""« Exporter… »: the list shown (search and filters applied) or everything, as CSV for French
Excel or XLSX (chosen by the file's extension), and vCards of the selected contacts.

Spreadsheets are written off the GUI thread (:mod:`ui.partners.background`); the vCard
export applies the consent rule of :func:`app.io.export.export_vcards` and says how many
contacts were left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from app.domain import formatting as fmt
from app.errors import MaillageError
from app.io import export as io_export
from app.io.export import ExportCancelled, ExportResult
from app.services.lists import ListQuery
from app.services.workspace import Workspace
from ui import settings
from ui.partners.background import Task, run_task

XLSX_FILTER = "Classeur Excel (*.xlsx)"
CSV_FILTER = "CSV pour Excel, séparateur point-virgule (*.csv)"
VCARD_FILTER = "Fiches de contact vCard (*.vcf)"
_NOUNS = {"organisations": ("structure", "structures", "structures"),
          "people": ("contact", "contacts", "contacts")}


def spreadsheet_path(name: str, chosen_filter: str) -> Path:
    """The file to write: its extension decides the format; none → the filter's."""
    path = Path(name)
    if path.suffix.lower() in {".csv", ".xlsx"}:
        return path
    return path.with_suffix(".csv" if chosen_filter == CSV_FILTER else ".xlsx")


def default_name(kind: str, everything: bool) -> str:
    """« structures-2026-05-04.xlsx », « contacts-liste-2026-05-04.xlsx »."""
    base = _NOUNS[kind][2]
    return f"{base}{'' if everything else '-liste'}-{dt.date.today().isoformat()}.xlsx"


def ask_spreadsheet(parent: QWidget, kind: str, everything: bool) -> Path | None:
    start = settings.last_folder() or Path.home()
    title = (f"Exporter toutes les {_NOUNS[kind][1]}" if kind == "organisations"
             else "Exporter tous les contacts") if everything else "Exporter la liste affichée"
    name, chosen = QFileDialog.getSaveFileName(
        parent, title, str(start / default_name(kind, everything)),
        f"{XLSX_FILTER};;{CSV_FILTER}")
    if not name:
        return None
    path = spreadsheet_path(name, chosen)
    settings.set_last_folder(path.parent)
    return path


def start_spreadsheet_export(parent: QWidget, ws: Workspace, kind: str, path: Path,
                             query: ListQuery | None, status: Callable[[str], None]) -> Task:
    """Write ``kind`` (the list ``query`` shows, or everything when ``None``) to ``path``."""
    run = io_export.export_organisations if kind == "organisations" else io_export.export_people
    one, many, _ = _NOUNS[kind]
    done_word = "exportée" if kind == "organisations" else "exporté"
    QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
    status(f"Export en cours vers « {path.name} »…")

    def job(progress, cancelled) -> ExportResult:  # noqa: ANN001
        return run(ws, path, query=query, progress=progress, cancelled=cancelled)

    def finished(result: ExportResult) -> None:
        QApplication.restoreOverrideCursor()
        what = fmt.plural(result.count, one, many)
        status(f"{what} {done_word}{'s' if result.count > 1 else ''} dans « {result.path.name} ».")

    def failed(error: Exception) -> None:
        QApplication.restoreOverrideCursor()
        status("")
        if isinstance(error, ExportCancelled):
            return
        if isinstance(error, MaillageError):
            reason = error.message
        elif isinstance(error, OSError):
            reason = f"le fichier n'a pas pu être écrit ({error.strerror or error})."
        else:
            reason = str(error)
        QMessageBox.warning(parent, "Export impossible", f"L'export a échoué : {reason}")

    def progressed(done: int, total: int, _message: str) -> None:
        status(f"Export en cours vers « {path.name} »… {fmt.number(done)} / {fmt.number(total)}")

    return run_task(parent, job, finished, failed, progressed)


def vcard_message(result: ExportResult) -> str:
    """« 3 fiches exportées ; 2 contacts exclus faute de consentement enregistré. »"""
    text = (f"{fmt.plural(result.count, 'fiche')} exportée{'s' if result.count > 1 else ''} "
            f"dans « {result.path.name} »")
    if result.excluded:
        text += (f" ; {fmt.plural(result.excluded, 'contact')} "
                 f"exclu{'s' if result.excluded > 1 else ''} faute de consentement enregistré")
    return text + "."


def export_vcards(parent: QWidget, ws: Workspace, person_ids: Sequence[str]) -> ExportResult | None:
    """Ask where, write the vCards of ``person_ids`` and tell how many were left out."""
    if not person_ids:
        return None
    start = settings.last_folder() or Path.home()
    name, _ = QFileDialog.getSaveFileName(
        parent, "Exporter les fiches vCard", str(start / f"contacts-{dt.date.today().isoformat()}.vcf"),
        VCARD_FILTER)
    if not name:
        return None
    path = Path(name)
    if path.suffix.lower() != ".vcf":
        path = path.with_suffix(".vcf")
    settings.set_last_folder(path.parent)
    try:
        result = io_export.export_vcards(ws, path, list(person_ids))
    except OSError as exc:
        QMessageBox.warning(parent, "Export impossible",
                            f"Le fichier n'a pas pu être écrit : {exc.strerror or exc}.")
        return None
    except MaillageError as exc:
        QMessageBox.warning(parent, "Export impossible", exc.message)
        return None
    if result.excluded:
        QMessageBox.information(parent, "Fiches vCard", vcard_message(result))
    return result
