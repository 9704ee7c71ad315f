"""The Structures and Contacts sections: the list, its detail, and everything one does there.

A toolbar above the list: « Nouvelle structure » / « Nouveau contact » (Ctrl+N),
« Modifier » (Entrée, F2), « Archiver… », « Restaurer », « Fusionner… », « Importer… »,
« Exporter… ». Each write hands its undo step to the window (``undo_step``), reads the
list again and says what changed (``data_changed``); :meth:`apply_changes` refreshes the
section after a write made elsewhere (an undo, the other section).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt
from app.errors import MaillageError
from app.io.partners_import import ImportReport
from app.services import duplicates, lists, partners
from app.services.partners import OrganisationRecord, PersonRecord, WriteResult
from app.services.undo import UndoStep
from app.services.workspace import ChangeSet, Workspace
from ui.navigation import Section
from ui.partners import export
from ui.partners.archive import ArchiveDialog
from ui.partners.background import Task
from ui.partners.filters import FilterBar
from ui.sections import ListSection

# The tables whose changes a section shows (its records, their counts and their detail).
CONCERNS = {
    "organisations": frozenset({"organisations", "people", "affiliations", "convention_parties"}),
    "people": frozenset({"people", "organisations", "affiliations", "attendance", "participants"}),
}


class PartnersSection(ListSection):
    """The structures (section ``structures``) or the contacts (section ``contacts``)."""

    data_changed = Signal(object)  # ChangeSet
    undo_step = Signal(object)  # UndoStep, for the window's history

    def __init__(self, ws: Workspace, section: Section, parent: QWidget | None = None) -> None:
        self.kind = "organisations" if section.key == "structures" else "people"
        super().__init__(ws, section, parent)
        self.current: OrganisationRecord | PersonRecord | None = None
        self.dialog: QDialog | None = None  # the dialog open on top of the section, if any
        self.task: Task | None = None
        if self.kind == "people":
            self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.activated.connect(lambda _index: self.edit_current())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self._update_actions()

    # --- ListSection hooks ----------------------------------------------------------------

    def _extra_header(self) -> QWidget | None:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addWidget(self._toolbar())
        self.filter_bar = FilterBar(self.kind)
        self.filter_bar.changed.connect(self.model.set_filters)
        column.addWidget(self.filter_bar)
        self._choices_loaded = False
        return box

    # --- filters --------------------------------------------------------------------------

    def ensure_loaded(self) -> None:
        if not self._choices_loaded:
            self.load_filter_choices()
        super().ensure_loaded()

    def refresh(self) -> None:
        self.load_filter_choices()
        super().refresh()

    def load_filter_choices(self) -> None:
        """Fill the filter menus from the data (types, territoires, étiquettes in use)."""
        self._choices_loaded = True
        try:
            self.filter_bar.set_choices(lists.filter_choices(self.ws, self.view.name))
        except MaillageError as exc:
            self._status(exc.message)

    def _update_empty(self) -> None:
        if self.model.rowCount() == 0 and self.model.query.filters:
            what = "Aucune structure" if self.kind == "organisations" else "Aucun contact"
            if self.model.query.search:
                self.table.show_empty(
                    f"Aucun résultat pour « {self.model.query.search} » avec ces filtres.")
            else:
                self.table.show_empty(f"{what} ne correspond à ces filtres.")
            return
        super()._update_empty()

    def select_record(self, record_id: str) -> bool:
        """Select ``record_id``; filters that hide it are cleared first (as a search is)."""
        self.ensure_loaded()
        if self.model.row_of(record_id) is None and self.model.query.filters:
            self.filter_bar.clear(quiet=True)
            self.model.set_filters(())
        return super().select_record(record_id)

    def _action(self, text: str, shortcut: str | QKeySequence | None, slot,  # noqa: ANN001
                tip: str = "") -> QAction:
        action = QAction(text, self)
        action.setIconText(text.replace("&", ""))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        plain = tip or text.replace("&", "")
        action.setToolTip(f"{plain} ({keys})" if keys else plain)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)  # the shortcut works wherever the focus is in the section
        return action

    def _toolbar(self) -> QToolBar:
        organisations = self.kind == "organisations"
        bar = QToolBar()
        bar.setObjectName("partnersToolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.new_action = self._action(
            "&Nouvelle structure" if organisations else "&Nouveau contact", "Ctrl+N",
            self.new_record)
        self.edit_action = self._action("&Modifier", "F2", self.edit_current)
        self.edit_action.setToolTip("Modifier la fiche sélectionnée (Entrée ou F2)")
        self.archive_action = self._action("&Archiver…", None, self.archive_current,
                                           "Masquer la fiche des listes, avec la raison")
        self.restore_action = self._action("&Restaurer", None, self.restore_current,
                                           "Faire revenir la fiche archivée dans les listes")
        self.merge_action = self._action("&Fusionner…", None, self.merge_current,
                                         "Fusionner la fiche avec son doublon")
        self.import_action = self._action("&Importer…", None, self.import_file,
                                          "Importer un fichier CSV ou Excel")
        for action in (self.new_action, self.edit_action, self.archive_action,
                       self.restore_action, self.merge_action):
            bar.addAction(action)
        bar.addSeparator()
        bar.addAction(self.import_action)
        self.export_list_action = self._action(
            "La liste affichée…", None, lambda: self.export_spreadsheet(everything=False),
            "Les fiches listées (recherche et filtres appliqués), en XLSX ou CSV")
        self.export_all_action = self._action(
            "Toutes les structures…" if organisations else "Tous les contacts…", None,
            lambda: self.export_spreadsheet(everything=True), "En XLSX ou CSV")
        menu = QMenu(self)
        menu.addAction(self.export_list_action)
        menu.addAction(self.export_all_action)
        self.vcard_action: QAction | None = None
        if not organisations:
            self.vcard_action = self._action(
                "Fiches vCard de la sélection…", None, self.export_vcards,
                "Les contacts sélectionnés, pour un carnet d'adresses (consentement requis)")
            menu.addSeparator()
            menu.addAction(self.vcard_action)
        self.export_button = QToolButton()
        self.export_button.setText("&Exporter…")
        self.export_button.setToolTip("Exporter la liste, tout, ou des fiches vCard")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.export_button.setMenu(menu)
        bar.addWidget(self.export_button)
        return bar

    # --- selection and detail -------------------------------------------------------------

    def show_record(self, record_id: str) -> None:
        super().show_record(record_id)
        try:
            self.current = (partners.get_organisation(self.ws, record_id)
                            if self.kind == "organisations"
                            else partners.get_person(self.ws, record_id))
        except MaillageError:
            self.current = None
        self._update_actions()

    def _after_reset(self) -> None:
        super()._after_reset()
        if self.detail_pane.detail is None:
            self.current = None
        self._update_actions()

    def _update_actions(self) -> None:
        record = self.current
        selected = record is not None
        self.edit_action.setEnabled(selected)
        self.archive_action.setEnabled(selected and not record.archived)
        self.restore_action.setEnabled(selected and record.archived)
        self.merge_action.setEnabled(selected)
        if self.vcard_action is not None:
            self.vcard_action.setEnabled(bool(self.selected_ids()))

    def selected_ids(self) -> list[str]:
        """The records selected in the list (the contacts allow several)."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        ids = [self.model.record_id(r) for r in rows]
        out = [i for i in ids if i]
        if not out and self.current is not None:
            out = [self.current.id]
        return out

    def _name(self, record: OrganisationRecord | PersonRecord | None = None) -> str:
        record = record or self.current
        if isinstance(record, OrganisationRecord):
            return f"la structure « {record.short_name} »"
        if isinstance(record, PersonRecord):
            return f"le contact « {record.display_name} »"
        return ""

    # --- after a write --------------------------------------------------------------------

    def written(self, record_id: str | None, changes: ChangeSet, step: UndoStep | None,
                message: str) -> None:
        """Hand ``step`` to the history, read the list again, show ``record_id``."""
        if step:
            self.undo_step.emit(step)
        self.load_filter_choices()  # a new type, territoire or étiquette may be in use
        self.model.reload()
        if record_id is not None:
            self.select_record(record_id)
            self.show_record(record_id)
        if step:
            message = message.rstrip(".") + " (Ctrl+Z pour annuler)."
        self._status(message)
        self.data_changed.emit(changes)

    def apply_changes(self, changes: ChangeSet) -> None:
        """A write made elsewhere (an undo, the other section): refresh if it concerns us."""
        if not self.model.loaded or not (changes.tables & CONCERNS[self.kind]):
            return
        shown = self.current.id if self.current is not None else None
        self.load_filter_choices()
        self.model.reload()
        if shown is not None:  # its detail may have changed (or it may be gone: said so)
            if self.model.row_of(shown) is not None:
                self.select_record(shown)
            self.show_record(shown)

    def _status(self, text: str, timeout: int = 8000) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, timeout)

    def _open(self, dialog: QDialog, done) -> QDialog:  # noqa: ANN001
        """Show ``dialog`` window-modal; ``done(dialog, result)`` runs once it closes."""
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

        def finished(result: int) -> None:
            if self.dialog is dialog:
                self.dialog = None
            done(dialog, result)

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    # --- forms ----------------------------------------------------------------------------

    def _form(self, record_id: str | None) -> QDialog:
        if self.kind == "organisations":
            from ui.partners.organisation_form import OrganisationDialog

            return OrganisationDialog(self.ws, record_id, parent=self)
        from ui.partners.person_form import PersonDialog

        return PersonDialog(self.ws, record_id, parent=self)

    def new_record(self) -> QDialog:
        """« Nouvelle structure » / « Nouveau contact » (Ctrl+N)."""
        return self._open(self._form(None), self._form_done)

    def edit_current(self) -> QDialog | None:
        """« Modifier » (Entrée, F2)."""
        if self.current is None:
            return None
        try:
            dialog = self._form(self.current.id)
        except MaillageError as exc:
            QMessageBox.warning(self, "Modification impossible", exc.message)
            return None
        return self._open(dialog, self._form_done)

    def _form_done(self, dialog: QDialog, result: int) -> None:
        open_id = getattr(dialog, "open_id", None)
        if result != QDialog.DialogCode.Accepted:
            if open_id:
                self.select_record(open_id)
                self.table.setFocus()
            return
        saved: WriteResult = dialog.saved  # type: ignore[attr-defined]
        created = getattr(dialog, "record", None) is None
        name = self._name(self._record(saved.id))
        verb = "créé" if self.kind == "people" else "créée"
        if not created:
            verb = "enregistré" if self.kind == "people" else "enregistrée"
        self.written(saved.id, saved.changes, saved.undo, f"{name[0].upper()}{name[1:]} {verb}.")
        warning = getattr(dialog, "warning", "")
        if warning:
            QMessageBox.warning(self, "Enregistrement incomplet", warning)
        merge_with = getattr(dialog, "merge_with", None)
        if merge_with:
            self.merge(merge_with, saved.id)

    def _record(self, record_id: str) -> OrganisationRecord | PersonRecord | None:
        try:
            if self.kind == "organisations":
                return partners.get_organisation(self.ws, record_id)
            return partners.get_person(self.ws, record_id)
        except MaillageError:
            return None

    # --- archive and restore --------------------------------------------------------------

    def archive_current(self) -> QDialog | None:
        """« Archiver… »: asks for the reason."""
        record = self.current
        if record is None or record.archived:
            return None
        service = (partners.archive_organisation if self.kind == "organisations"
                   else partners.archive_person)
        dialog = ArchiveDialog(self._name(record), lambda reason: service(self.ws, record.id, reason),
                               self)
        name = self._name(record)

        def done(d: QDialog, result: int) -> None:
            if result == QDialog.DialogCode.Accepted:
                saved: WriteResult = d.saved  # type: ignore[attr-defined]
                verb = "archivée" if self.kind == "organisations" else "archivé"
                self.written(saved.id, saved.changes, saved.undo,
                             f"{name[0].upper()}{name[1:]} {verb}.")

        return self._open(dialog, done)

    def restore_current(self) -> None:
        """« Restaurer » an archived record."""
        record = self.current
        if record is None or not record.archived:
            return
        service = (partners.restore_organisation if self.kind == "organisations"
                   else partners.restore_person)
        try:
            saved = service(self.ws, record.id)
        except MaillageError as exc:
            QMessageBox.warning(self, "Restauration impossible", exc.message)
            return
        name = self._name(record)
        verb = "restaurée" if self.kind == "organisations" else "restauré"
        self.written(saved.id, saved.changes, saved.undo, f"{name[0].upper()}{name[1:]} {verb}.")

    # --- merge ----------------------------------------------------------------------------

    def merge_current(self) -> QDialog | None:
        """« Fusionner… » the selected record with another one (chosen in the dialog)."""
        if self.current is None:
            return None
        return self.merge(self.current.id, None)

    def merge(self, first_id: str, second_id: str | None, then=None,  # noqa: ANN001
              parent: QWidget | None = None) -> QDialog:
        """Open the merge dialog (over ``parent``); ``first_id`` is kept by default;
        ``then(merged)`` runs when it closes."""
        from ui.partners.merge import MergeDialog

        dialog = MergeDialog(self.ws, self.kind, first_id, second_id, parent=parent or self)

        def done(d: QDialog, result: int) -> None:
            if result == QDialog.DialogCode.Accepted:
                merged = d.result  # type: ignore[attr-defined]
                moved = sum(n for _t, n in merged.moved)
                text = "Fiches fusionnées"
                if moved:
                    text += (f" ({fmt.plural(moved, 'enregistrement')} "
                             f"rattaché{'s' if moved > 1 else ''})")
                self.written(merged.survivor_id, merged.changes, merged.undo, text + ".")
            if then is not None:
                then(result == QDialog.DialogCode.Accepted)

        return self._open(dialog, done)

    # --- import and export ----------------------------------------------------------------

    def import_file(self) -> QDialog:
        """« Importer… »: the import dialog; duplicates of what it created are offered after."""
        from ui.partners.import_dialog import ImportDialog

        dialog = ImportDialog(self.ws, self.kind, parent=self)
        reports: list[ImportReport] = []
        dialog.imported.connect(lambda report: self._imported(report, reports))

        def done(_d: QDialog, _result: int) -> None:
            created = [i for r in reports for i in r.created_ids]
            if created:
                self.offer_duplicates(created)

        return self._open(dialog, done)

    def _imported(self, report: ImportReport, reports: list[ImportReport]) -> None:
        reports.append(report)
        self.load_filter_choices()
        self.model.reload()
        self._status("Import enregistré.")
        # The report counts rows rather than listing them: say which tables were written.
        tables = {self.kind} | ({"organisations", "affiliations"} if self.kind == "people" else set())
        self.data_changed.emit(ChangeSet(updated=tuple((t, "") for t in sorted(tables))))

    def offer_duplicates(self, created_ids: list[str]) -> QDialog | None:
        """The possible duplicates among ``created_ids``, to merge one by one."""
        from ui.partners.duplicates import CandidatesDialog

        candidates = duplicates.find_duplicate_candidates(self.ws, self.kind, created_ids)
        if not candidates:
            return None
        dialog = CandidatesDialog(self.kind, candidates, self)
        created = set(created_ids)

        def merge_pair(first: str, second: str) -> None:
            def then(accepted: bool) -> None:
                if accepted:
                    dialog.remove_current()

            # The record that was there before the import is kept by default.
            kept, other = (second, first) if first in created else (first, second)
            self.merge(kept, other, then, parent=dialog)

        dialog.merge_requested.connect(merge_pair)
        dialog.open_requested.connect(self.select_record)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.dialog = dialog
        dialog.open()
        return dialog

    def export_spreadsheet(self, *, everything: bool) -> Task | None:
        path = export.ask_spreadsheet(self, self.kind, everything)
        if path is None:
            return None
        query = None if everything else self.model.query

        def status(text: str) -> None:  # progress stays, the result goes after 10 s
            self._status(text, 0 if "…" in text else 10000)

        self.task = export.start_spreadsheet_export(self, self.ws, self.kind, path, query, status)
        return self.task

    def export_vcards(self) -> None:
        result = export.export_vcards(self, self.ws, self.selected_ids())
        if result is not None:
            self._status(export.vcard_message(result), 10000)
