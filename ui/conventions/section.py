"""The Conventions section: filters, actions on the selected convention, its full detail.

The list is :class:`ConventionTableModel` (consolidated amounts and periods, next deadline);
the filter menus come from :func:`filter_choices`. Every write goes through a dialog or a
service call, then the list is read again and ``data_changed`` says what changed.
Documents (preview, printing, PDF) are written off the GUI thread by :mod:`ui.jobs`.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt
from app.errors import MaillageError
from app.services.conventions import (
    AMENDABLE_STATUSES,
    SIGNED_STATUSES,
    ConventionFilter,
    ConventionView,
    attach_signed_copy,
    avenant_draft,
    delete_convention,
    filter_choices,
    get_convention,
    list_conventions,
    period_label,
    signed_copy_bytes,
)
from app.services.details import DetailTable, RecordDetail
from app.services.workspace import ChangeSet, Workspace
from ui import settings
from ui.conventions.form import AvenantContext, ConventionDialog
from ui.conventions.model import CONVENTIONS_VIEW, ConventionTableModel
from ui.conventions.printing import preview_folder
from ui.conventions.status import StatusDialog
from ui.conventions.background import guarded_job
from ui.jobs import Job
from ui.navigation import Section
from ui.sections import ListSection

PDF_FILTER = "Documents PDF (*.pdf)"
SCAN_FILTER = "Copie signée (*.pdf *.png *.jpg *.jpeg);;Tous les fichiers (*)"


def pdf_name(number: str) -> str:
    """« convention-2026-AUX-001.pdf » (characters a file system dislikes replaced)."""
    return "convention-" + re.sub(r"[^0-9A-Za-z._-]+", "-", number).strip("-") + ".pdf"


def convention_detail(cv: ConventionView) -> RecordDetail:
    """What the detail pane shows of ``cv``: consolidated values, parties, installments,
    avenants, history and the signed copy."""
    cons = cv.consolidated
    amended = " (après avenant)" if cons.amended else ""
    fields: list[tuple[str, str]] = [("Statut", cv.status_label)]
    if cv.kind == "avenant":
        fields.append(("Avenant à", f"{cv.parent_number} – {cv.parent_title}"))
        changes = []
        if cv.amount_cents is not None:
            changes.append(f"montant porté à {fmt.money(cv.amount_cents)}")
        if cv.start_date is not None:
            changes.append(f"début au {fmt.date_short(cv.start_date)}")
        if cv.end_date is not None:
            changes.append(f"fin au {fmt.date_short(cv.end_date)}")
        fields.append(("Modifie", ", ".join(changes) or "l'objet seulement"))
        fields.append(("Convention après avenants",
                       " · ".join(x for x in (fmt.money(cons.amount_cents),
                                              period_label(cons.start_date, cons.end_date)) if x)))
    else:
        fields.append(("Montant", (fmt.money(cons.amount_cents) or "aucun") + amended))
        if cons.amended and cons.initial_amount_cents != cons.amount_cents:
            fields.append(("Montant initial", fmt.money(cons.initial_amount_cents) or "aucun"))
        fields.append(("Période", period_label(cons.start_date, cons.end_date) + amended))
        if cons.amended and (cons.initial_start_date, cons.initial_end_date) != (
                cons.start_date, cons.end_date):
            fields.append(("Période initiale",
                           period_label(cons.initial_start_date, cons.initial_end_date)))
    if cv.action_title:
        fields.append(("Action", f"{cv.action_code} – {cv.action_title}" if cv.action_code
                       else cv.action_title))
    fields.append(("Objet", cv.object))
    if cv.fse_rate:
        fields.append(("Taux FSE", fmt.percent(cv.fse_rate)))
    if cv.other_funders:
        fields.append(("Autres cofinanceurs", " ; ".join(
            f.name + (f" ({fmt.money(f.amount_cents)})" if f.amount_cents is not None else "")
            for f in cv.other_funders)))
    fields.append(("Pièces exigées", ", ".join(cv.evidence_labels)))
    fields.append(("Envoyée le", fmt.date_short(cv.sent_date)))
    fields.append(("Signée le", fmt.date_short(cv.signed_date)))
    if cv.status == "resiliee":
        fields.append(("Résiliée le", fmt.date_short(cv.ended_date)))
        fields.append(("Motif", cv.termination_reason))
    elif cv.status == "echue":
        fields.append(("Échue le", fmt.date_short(cv.ended_date)))
    if cv.signed_copy is not None:
        size = f"{max(1, round(cv.signed_copy.size / 1024))}\u00a0Ko"
        fields.append(("Copie signée", f"{cv.signed_copy.filename} ({size})"))
    elif cv.status in SIGNED_STATUSES:
        fields.append(("Copie signée", "pas encore jointe"))
    tables = [
        DetailTable("Parties", ("Structure", "Rôle", "Représentant(e)", "Qualité"),
                    tuple((p.name, p.role_label, p.representative_name, p.representative_title)
                          for p in cv.parties)),
        DetailTable("Échéancier", ("Date", "Montant", "Condition", "Versé le"),
                    tuple((fmt.date_short(i.due_date), fmt.money(i.amount_cents), i.condition,
                           fmt.date_short(i.paid_date)) for i in cv.installments),
                    "Pas d'échéancier."),
    ]
    if cv.kind != "avenant":
        applied = {a.id: a for a in cons.avenants}
        tables.append(DetailTable(
            "Avenants", ("Numéro", "Statut", "Signé le", "Modifications"),
            tuple((a.number, a.status_label, fmt.date_short(a.signed_date),
                   " ".join(applied[a.id].changes) if a.id in applied else a.title)
                  for a in cv.avenants),
            "Aucun avenant."))
    tables.append(DetailTable("Historique", ("Date", "Statut", "Note"),
                              tuple((fmt.date_short(e.date), e.status_label, e.note)
                                    for e in cv.events)))
    return RecordDetail(
        id=cv.id, title=f"{cv.number} – {cv.title}", subtitle=cv.kind_label,
        fields=tuple((k, v) for k, v in fields if v), tables=tuple(tables),
    )


# The tables whose changes the conventions list and its detail show.
CONCERNS = frozenset({
    "conventions", "convention_parties", "installments", "convention_events", "actions",
    "organisations", "people", "convention_templates",
})


class ConventionsSection(ListSection):
    """The conventions list with its filters and everything one does with a convention."""

    data_changed = Signal(object)  # ChangeSet

    def __init__(self, ws: Workspace, section: Section, parent: QWidget | None = None) -> None:
        super().__init__(ws, section, parent)
        if settings.load_splitter_state(section.key) is None:
            self.splitter.setSizes([660, 420])  # room for the amount and the status
        self.current: ConventionView | None = None
        self.dialog: QDialog | None = None  # the dialog open on top of the section, if any
        self.preview_dialog = None
        self.job: Job | None = None
        self._choices_loaded = False
        self.table.activated.connect(lambda _index: self.edit_current())
        self._update_actions()

    # --- ListSection hooks ----------------------------------------------------------------

    def _list_view(self):  # noqa: ANN202 - a ListView
        return CONVENTIONS_VIEW

    def _create_model(self) -> ConventionTableModel:  # type: ignore[override]
        ws = self.ws
        return ConventionTableModel(lambda filters: list_conventions(ws, filters), self)

    def _extra_header(self) -> QWidget | None:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addWidget(self._toolbar())
        column.addLayout(self._filters())
        return box

    # --- construction ---------------------------------------------------------------------

    def _action(self, text: str, shortcut: str | QKeySequence | None, slot,  # noqa: ANN001
                tip: str = "") -> QAction:
        action = QAction(text, self)
        action.setIconText(text.replace("&", ""))  # toolbars keep the « … » of a dialog
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        plain = text.replace("&", "")
        action.setToolTip(f"{tip or plain} ({keys})" if keys else (tip or plain))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)  # the shortcut works wherever the focus is in the section
        return action

    def _toolbar(self) -> QToolBar:
        bar = QToolBar()
        bar.setObjectName("conventionsToolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.new_action = self._action("&Nouvelle convention", "Ctrl+N", self.new_convention,
                                       "Rédiger une nouvelle convention")
        self.edit_action = self._action("&Modifier", "Ctrl+E", self.edit_current,
                                        "Modifier la convention (avant signature)")
        self.status_action = self._action("Changer le &statut…", "Ctrl+T", self.change_status,
                                          "Envoyée, signée, en cours, échue ou résiliée")
        self.avenant_action = self._action("A&venant…", "Ctrl+Shift+N", self.new_avenant,
                                           "Rédiger un avenant à la convention signée")
        self.preview_action = self._action("A&perçu", "Ctrl+Shift+P", self.preview_current,
                                           "Aperçu du document imprimé")
        self.print_action = self._action("&Imprimer…", QKeySequence.StandardKey.Print,
                                         self.print_current, "Imprimer la convention")
        self.pdf_action = self._action("Enregistrer en &PDF…", "Ctrl+Shift+E", self.save_pdf,
                                       "Enregistrer la convention en PDF")
        self.open_copy_action = self._action("&Ouvrir la copie signée", "Ctrl+Shift+O",
                                             self.open_signed_copy)
        self.attach_copy_action = self._action("&Joindre une copie signée…", None,
                                               self.attach_signed_copy)
        self.delete_action = self._action("Supprimer le &brouillon", QKeySequence.StandardKey.Delete,
                                          self.delete_current)
        self.templates_action = self._action("Modèles de convention…", "Ctrl+Shift+M",
                                             self.edit_templates,
                                             "Modifier les modèles (articles et champs)")
        for action in (self.new_action, self.edit_action, self.status_action,
                       self.avenant_action):
            bar.addAction(action)
        bar.addSeparator()
        for action in (self.preview_action, self.print_action, self.pdf_action):
            bar.addAction(action)
        bar.addSeparator()
        more = QToolButton()
        more.setText("Plus")
        more.setToolTip("Copie signée, suppression d'un brouillon")
        more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(more)
        menu.addAction(self.open_copy_action)
        menu.addAction(self.attach_copy_action)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        more.setMenu(menu)
        self.more_button = more
        bar.addWidget(more)
        bar.addSeparator()
        bar.addAction(self.templates_action)
        return bar

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        self.kind_filter = self._filter_combo("Tous les types", "Filtrer par type")
        self.status_filter = self._filter_combo("Tous les statuts", "Filtrer par statut")
        self.partner_filter = self._filter_combo("Tous les partenaires", "Filtrer par partenaire")
        self.action_filter = self._filter_combo("Toutes les actions", "Filtrer par action")
        self.year_filter = self._filter_combo("Toutes les années",
                                              "Conventions en vigueur pendant l'année")
        for combo, width, stretch in ((self.kind_filter, 4, 3), (self.status_filter, 4, 3),
                                      (self.partner_filter, 4, 4), (self.action_filter, 4, 4),
                                      (self.year_filter, 4, 3)):
            combo.setMinimumContentsLength(width)
            row.addWidget(combo, stretch)
        self.clear_filters_button = QPushButton("Effacer")
        self.clear_filters_button.setToolTip("Effacer les filtres : toutes les conventions")
        self.clear_filters_button.clicked.connect(self.clear_filters)
        self.clear_filters_button.setEnabled(False)
        row.addWidget(self.clear_filters_button)
        return row

    def _filter_combo(self, everything: str, tip: str) -> QComboBox:
        combo = QComboBox()
        combo.setToolTip(tip)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.addItem(everything, None)
        combo.currentIndexChanged.connect(lambda _i: self._apply_filters())
        return combo

    # --- loading and filters --------------------------------------------------------------

    def ensure_loaded(self) -> None:
        if not self._choices_loaded:
            self._load_choices()
        super().ensure_loaded()

    def refresh(self) -> None:
        self._load_choices()
        super().refresh()
        if self.current is not None:
            self.show_record(self.current.id)

    def apply_changes(self, changes: ChangeSet) -> None:
        """A write made elsewhere (a sync import, an undo, a merge): refresh if it concerns
        the conventions, their parties or the names they show."""
        if self.model.loaded and changes.tables & CONCERNS:
            self.refresh()

    def _load_choices(self) -> None:
        """Fill the filter menus (keeping what is chosen when it is still offered)."""
        choices = filter_choices(self.ws)
        menus = (
            (self.kind_filter, choices.kinds),
            (self.status_filter, choices.statuses),
            (self.partner_filter, choices.partners),
            (self.action_filter, choices.actions),
            (self.year_filter, tuple((y, str(y)) for y in choices.years)),
        )
        for combo, values in menus:
            wanted = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for code, label in values:
                combo.addItem(label, code)
            index = combo.findData(wanted) if wanted is not None else 0
            combo.setCurrentIndex(max(0, index))
            combo.blockSignals(False)
        self._choices_loaded = True
        self._apply_filters()

    def filters(self) -> ConventionFilter:
        return ConventionFilter(
            kind=self.kind_filter.currentData(), status=self.status_filter.currentData(),
            partner_id=self.partner_filter.currentData(), action_id=self.action_filter.currentData(),
            year=self.year_filter.currentData(), search=self.model.query.search,
        )

    def _apply_filters(self) -> None:
        filters = self.filters()
        self.clear_filters_button.setEnabled(filters != ConventionFilter(search=filters.search))
        self.model.set_filters(filters)

    def clear_filters(self) -> None:
        for combo in (self.kind_filter, self.status_filter, self.partner_filter,
                      self.action_filter, self.year_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self._apply_filters()

    def _fit_columns(self) -> None:
        """Size the columns to their content, titles and partners narrower than elsewhere so
        that the amount, the status and the next deadline show without scrolling."""
        self._columns_fitted = True
        caps = {"title": 220, "partners": 150, "next_deadline_label": 260}
        for column, spec in enumerate(self.view.columns[:-1]):
            wanted = max(self.table.sizeHintForColumn(column),
                         self.table.horizontalHeader().sectionSizeHint(column))
            self.table.setColumnWidth(column, min(caps.get(spec.key, 200), wanted + 6))

    def _update_empty(self) -> None:
        if self.model.rowCount() > 0:
            self.table.show_empty(None)
        elif self.model.query.search:
            self.table.show_empty(f"Aucun résultat pour « {self.model.query.search} ».")
        elif self.clear_filters_button.isEnabled():
            self.table.show_empty("Aucune convention ne correspond à ces filtres.")
        else:
            self.table.show_empty(self.view.empty_text)

    # --- selection and detail -------------------------------------------------------------

    def show_record(self, record_id: str) -> None:
        try:
            self.current = get_convention(self.ws, record_id)
        except MaillageError as exc:
            self.current = None
            self.detail_pane.show_message(exc.message)
        else:
            self.detail_pane.show_detail(convention_detail(self.current))
        self._update_actions()

    def _after_reset(self) -> None:
        super()._after_reset()
        if self.detail_pane.detail is None:
            self.current = None
        self._update_actions()

    def _update_actions(self) -> None:
        cv = self.current
        selected = cv is not None
        self.edit_action.setEnabled(selected and cv.editable)
        self.status_action.setEnabled(selected and bool(cv.next_statuses))
        self.avenant_action.setEnabled(selected and cv.kind != "avenant"
                                       and cv.status in AMENDABLE_STATUSES)
        for action in (self.preview_action, self.print_action, self.pdf_action):
            action.setEnabled(selected)
        self.open_copy_action.setEnabled(selected and cv.signed_copy is not None)
        self.attach_copy_action.setEnabled(selected and cv.status in SIGNED_STATUSES)
        self.delete_action.setEnabled(selected and cv.status == "brouillon")
        if selected and not cv.editable:
            self.edit_action.setToolTip("Signée : ses clauses ne changent plus que par avenant.")
        else:
            self.edit_action.setToolTip("Modifier la convention (avant signature) (Ctrl+E)")

    # --- after a write --------------------------------------------------------------------

    def _written(self, record_id: str | None, changes: ChangeSet, message: str) -> None:
        """Read the list again, select ``record_id`` (filters cleared if they hide it)."""
        self._load_choices()
        self.model.reload()
        if record_id is not None:
            if self.model.row_of(record_id) is None and self.clear_filters_button.isEnabled():
                self.clear_filters()
            self.select_record(record_id)
            self.show_record(record_id)
        self._status(message)
        self.data_changed.emit(changes)

    def _status(self, text: str, timeout: int = 8000) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, timeout)

    def _open(self, dialog: QDialog, done) -> QDialog:  # noqa: ANN001
        """Show ``dialog`` window-modal; ``done(dialog)`` runs once it is accepted."""
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

        def finished(result: int) -> None:
            if self.dialog is dialog:
                self.dialog = None
            if result == QDialog.DialogCode.Accepted:
                done(dialog)

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    # --- the actions ----------------------------------------------------------------------

    def new_convention(self) -> QDialog:
        dialog = ConventionDialog(self.ws, parent=self)
        return self._open(dialog, lambda d: self._written(
            d.saved.id, d.saved.changes, f"Convention {d.saved.number} créée (brouillon)."))

    def edit_current(self) -> QDialog | None:
        cv = self.current
        if cv is None:
            return None
        if not cv.editable:
            self._status(f"La convention {cv.number} est « {cv.status_label} » : ses clauses ne "
                         "changent plus que par avenant.")
            return None
        names = {p.organisation_id: p.name for p in cv.parties if p.organisation_id}
        avenant = None
        if cv.kind == "avenant" and cv.parent_id:
            avenant = AvenantContext(cv.parent_number, cv.parent_title, cv.consolidated)
        porteur = cv.porteur.name if cv.porteur else ""
        dialog = ConventionDialog(self.ws, cv.as_input(), convention_id=cv.id, names=names,
                                  avenant=avenant, porteur_name=porteur, parent=self)
        return self._open(dialog, lambda d: self._written(
            d.saved.id, d.saved.changes, f"Convention {d.saved.number} enregistrée."))

    def change_status(self, status: str | None = None) -> QDialog | None:
        cv = self.current
        if cv is None or not cv.next_statuses:
            return None
        dialog = StatusDialog(self.ws, cv, status, parent=self)
        return self._open(dialog, lambda d: self._written(
            d.saved.id, d.saved.changes,
            f"Convention {d.saved.number} : « {d.chosen_status_label()} »."))

    def new_avenant(self) -> QDialog | None:
        cv = self.current
        if cv is None or cv.kind == "avenant" or cv.status not in AMENDABLE_STATUSES:
            return None
        try:
            draft = avenant_draft(self.ws, cv.id)
        except MaillageError as exc:
            QMessageBox.warning(self, "Avenant impossible", exc.message)
            return None
        names = {p.organisation_id: p.name for p in cv.parties if p.organisation_id}
        context = AvenantContext(cv.number, cv.title, cv.consolidated)
        porteur = cv.porteur.name if cv.porteur else ""
        dialog = ConventionDialog(self.ws, draft, names=names, avenant=context,
                                  porteur_name=porteur, parent=self)
        return self._open(dialog, lambda d: self._written(
            d.saved.id, d.saved.changes,
            f"Avenant {d.saved.number} créé : il s'appliquera une fois signé."))

    def delete_current(self) -> None:
        cv = self.current
        if cv is None or cv.status != "brouillon":
            return
        answer = QMessageBox.question(
            self, "Supprimer le brouillon",
            f"Supprimer le brouillon {cv.number} « {cv.title} » ?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            saved = delete_convention(self.ws, cv.id)
        except MaillageError as exc:
            QMessageBox.warning(self, "Suppression impossible", exc.message)
            return
        self.current = None
        self.detail_pane.clear()
        self._written(None, saved.changes, f"Brouillon {saved.number} supprimé.")

    def edit_templates(self) -> QDialog:
        from ui.conventions.template_editor import TemplateEditorDialog

        dialog = TemplateEditorDialog(self.ws, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self.data_changed.emit(dialog.changes))
        dialog.open()
        return dialog

    # --- signed copy ----------------------------------------------------------------------

    def open_signed_copy(self) -> Path | None:
        cv = self.current
        if cv is None or cv.signed_copy is None:
            return None
        found = signed_copy_bytes(self.ws, cv.id)
        if found is None:
            return None
        filename, _mime, data = found
        path = preview_folder() / f"{pdf_name(cv.number)[:-4]}-{Path(filename).name}"
        try:
            path.write_bytes(data)
        except OSError as exc:
            QMessageBox.warning(self, "Ouverture impossible",
                                f"La copie signée n'a pas pu être écrite : {exc.strerror or exc}.")
            return None
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            QMessageBox.information(self, "Copie signée",
                                    f"Aucune application n'ouvre ce fichier ; il est ici :\n{path}")
        return path

    def attach_signed_copy(self) -> None:
        cv = self.current
        if cv is None:
            return
        start = settings.last_folder() or Path.home()
        name, _ = QFileDialog.getOpenFileName(self, "Joindre la copie signée", str(start),
                                              SCAN_FILTER)
        if not name:
            return
        path = Path(name)
        try:
            saved = attach_signed_copy(self.ws, cv.id, path.read_bytes(), path.name)
        except OSError as exc:
            QMessageBox.warning(self, "Copie signée", f"Le fichier « {path.name} » n'a pas pu "
                                f"être lu : {exc.strerror or exc}.")
            return
        except MaillageError as exc:
            QMessageBox.warning(self, "Copie signée", exc.message)
            return
        settings.set_last_folder(path.parent)
        self._written(cv.id, saved.changes, f"Copie signée jointe à la convention {cv.number}.")

    # --- documents ------------------------------------------------------------------------

    def _write_pdf(self, dest: Path, then) -> Job | None:  # noqa: ANN001
        """Write the current convention to ``dest`` off the GUI thread, then ``then(path)``."""
        from app.documents.convention import write_convention_pdf

        cv = self.current
        if cv is None:
            return None
        ws, convention_id = self.ws, cv.id
        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        self._status(f"Préparation de la convention {cv.number}…", 0)
        for action in (self.preview_action, self.print_action, self.pdf_action):
            action.setEnabled(False)

        def finished(result: object) -> None:
            QApplication.restoreOverrideCursor()
            self._status("", 1)
            self._update_actions()
            then(Path(getattr(result, "path", dest)))

        def failed(error: Exception) -> None:
            QApplication.restoreOverrideCursor()
            self._status("", 1)
            self._update_actions()
            message = error.message if isinstance(error, MaillageError) else str(error)
            hint = ("\n\nCorrigez le modèle avec « Modèles de convention… »."
                    if "Champ inconnu" in message or "Accolade" in message else "")
            QMessageBox.warning(self, "Document impossible",
                                f"La convention {cv.number} n'a pas pu être mise en page : "
                                f"{message}{hint}")

        self.job = guarded_job(self, lambda: write_convention_pdf(ws, convention_id, dest),
                               finished, failed)
        return self.job

    def preview_current(self) -> Job | None:
        cv = self.current
        if cv is None:
            return None
        dest = preview_folder() / pdf_name(cv.number)
        return self._write_pdf(dest, lambda path: self._show_preview(path, cv))

    def _show_preview(self, path: Path, cv: ConventionView) -> None:
        from ui.conventions.preview import PdfPreviewDialog

        dialog = PdfPreviewDialog(path, f"{cv.number} – {cv.title}", pdf_name(cv.number), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.saved.connect(lambda p: self._status(f"Convention enregistrée : {p}"))
        dialog.printed.connect(lambda n: self._status(
            f"Convention {cv.number} envoyée à l'impression ({fmt.plural(n, 'page')})."))
        self.preview_dialog = dialog
        dialog.destroyed.connect(lambda _o=None: setattr(self, "preview_dialog", None))
        dialog.open()

    def print_current(self) -> Job | None:
        cv = self.current
        if cv is None:
            return None
        dest = preview_folder() / pdf_name(cv.number)
        return self._write_pdf(dest, lambda path: self._print(path, cv))

    def _print(self, path: Path, cv: ConventionView) -> None:
        from ui.conventions.printing import page_count, print_pdf

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(pdf_name(cv.number)[:-4])
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"Imprimer la convention {cv.number}")
        dialog.setMinMax(1, max(1, page_count(path)))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            pages = print_pdf(path, printer)
        except OSError as exc:
            QMessageBox.critical(self, "Impression impossible", f"{exc}.")
            return
        self._status(f"Convention {cv.number} envoyée à l'impression ({fmt.plural(pages, 'page')}).")

    def save_pdf(self) -> Job | None:
        cv = self.current
        if cv is None:
            return None
        start = settings.last_folder() or Path.home()
        name, _ = QFileDialog.getSaveFileName(self, "Enregistrer la convention en PDF",
                                              str(start / pdf_name(cv.number)), PDF_FILTER)
        if not name:
            return None
        dest = Path(name)
        if dest.suffix.lower() != ".pdf":
            dest = dest.with_suffix(".pdf")
        settings.set_last_folder(dest.parent)
        return self._write_pdf(dest, lambda path: self._status(f"Convention enregistrée : {path}"))

    # --- navigation -----------------------------------------------------------------------

    def select_record(self, record_id: str) -> bool:
        found = super().select_record(record_id)
        if not found and self.clear_filters_button.isEnabled():
            self.clear_filters()
            row = self.model.row_of(record_id)
            if row is not None:
                self._select_row(row)
                return True
        return found

