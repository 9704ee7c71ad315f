"""RGPD in the GUI: right of access and anonymisation of a contact, retention list.

- « Exporter les données de cette personne… » — :func:`export_person`: a PDF and a JSON file
  (:func:`app.services.privacy.export_person_data`) written off the GUI thread into a folder
  the user chooses, then an offer to open that folder;
- « Anonymiser… » — :class:`AnonymiseDialog`: says what is erased and what indicators keep,
  warns during the retention period and about free texts naming the person, and requires the
  person's name (or « ANONYMISER ») typed before the irreversible erasure;
- :func:`attach_contacts_actions` puts both on the Contacts list (context menu and a « RGPD »
  button by the search field);
- « Outils › Données à anonymiser (durée de conservation) » — :class:`RetentionDialog`: the
  people due, found off the GUI thread (cancellable), anonymised in bulk with a progress bar.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt
from app.domain.text import fold
from app.errors import MaillageError
from app.services import partners, privacy
from app.services.privacy import BulkAnonymisation, DuePerson
from app.services.workspace import ChangeSet, Workspace
from ui import settings
from ui.safety.work import Task, busy_dialog, error_text, run_task, show_progress
from ui.tables import read_only_table

CONFIRM_WORD = "ANONYMISER"
KEPT_TEXT = (
    "Conservé pour les indicateurs : civilité, catégorie, statut de public accompagné, "
    "fonctions dans les structures, invitations, présences et horaires d'émargement."
)
ERASED_TEXT = (
    "Effacé : nom et prénom (remplacés par « Personne anonymisée n° … »), courriel, "
    "téléphones, notes, consentement, images des signatures et pièces jointes."
)
IRREVERSIBLE_TEXT = (
    "Cette opération est définitive : elle ne peut pas être annulée, ni ici ni par une "
    "synchronisation, et s'appliquera aussi sur les autres sites."
)


def _bold(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("panelTitle")
    label.setWordWrap(True)
    return label


def _note(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


def file_stem(name: str) -> str:
    """« Marie-Hélène DUPONT » → ``marie-helene-dupont`` (a name safe on every system)."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")
    return slug[:60] or "personne"


def matches_confirmation(typed: str, last_name: str, first_name: str) -> bool:
    """``typed`` is « ANONYMISER » or the person's name (either order, any case or accents)."""
    text = " ".join(fold(typed).split())
    if not text:
        return False
    if text == fold(CONFIRM_WORD):
        return True
    last, first = " ".join(fold(last_name).split()), " ".join(fold(first_name).split())
    names = {f"{last} {first}".strip(), f"{first} {last}".strip()}
    return bool(last) and text in names


# --- right of access ------------------------------------------------------------------------


def export_person(parent: QWidget, ws: Workspace, person_id: str) -> Task | None:
    """Ask for a folder, write the PDF and the JSON there off the GUI thread, offer to open it."""
    try:
        person = partners.get_person(ws, person_id)
    except MaillageError as exc:
        QMessageBox.warning(parent, "Export impossible", exc.message)
        return None
    name = person.display_name or person.last_name
    start = settings.last_folder() or Path.home()
    folder_name = QFileDialog.getExistingDirectory(
        parent, f"Dossier où enregistrer les données de {name}", str(start))
    if not folder_name:
        return None
    folder = Path(folder_name)
    settings.set_last_folder(folder)
    stem = f"donnees-personnelles-{file_stem(name)}-{dt.date.today().isoformat()}"
    pdf, json_path = folder / f"{stem}.pdf", folder / f"{stem}.json"
    existing = [p.name for p in (pdf, json_path) if p.exists()]
    if existing:
        answer = QMessageBox.question(
            parent, "Remplacer les fichiers ?",
            f"« {existing[0]} » existe déjà dans ce dossier. Le remplacer ?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return None
    progress = busy_dialog(parent, f"Export des données de {name}…", cancellable=True,
                           title="Droit d'accès")
    holder: list[Task] = []
    progress.canceled.connect(lambda: holder and holder[0].cancel())

    def done(result: privacy.PersonExport) -> None:
        progress.close()
        progress.deleteLater()
        answer = QMessageBox.question(
            parent, "Données exportées",
            f"Les données de {name} ont été enregistrées dans « {folder} » :\n\n"
            f"• {result.pdf_path.name} ({fmt.plural(result.pages, 'page')}), à remettre à la "
            f"personne ;\n• {result.json_path.name}, les mêmes données pour une machine.\n\n"
            "Ces fichiers contiennent des données personnelles : ne les laissez pas dans un "
            "dossier partagé.\n\nOuvrir le dossier ?",
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Close,
            QMessageBox.StandardButton.Open)
        if answer == QMessageBox.StandardButton.Open:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def failed(error: Exception) -> None:
        progress.close()
        progress.deleteLater()
        if holder and holder[0].cancelled:
            return
        QMessageBox.critical(parent, "Export impossible",
                             f"Les données n'ont pas pu être exportées : {error_text(error)}")

    task = run_task(
        parent, lambda p, c: privacy.export_person_data(ws, person_id, pdf, json_path, p, c),
        done, failed, lambda d, t, m: show_progress(progress, d, t, m))
    holder.append(task)
    return task


# --- right to erasure -----------------------------------------------------------------------


class AnonymiseDialog(QDialog):
    """Strong confirmation, then :func:`app.services.privacy.anonymise_person`."""

    def __init__(self, ws: Workspace, person_id: str, parent: QWidget | None = None,
                 today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("anonymiseDialog")
        self.setWindowTitle("Anonymiser un contact")
        self.ws = ws
        self.person_id = person_id
        self.changes: ChangeSet | None = None
        person = partners.get_person(ws, person_id)
        self.last_name, self.first_name = person.last_name, person.first_name
        name = " ".join(x for x in (person.last_name, person.first_name) if x)
        self.name = name

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(_bold(f"Anonymiser « {person.display_name or name} » ?"))
        layout.addWidget(_note(ERASED_TEXT))
        layout.addWidget(_note(KEPT_TEXT))

        today = today or dt.date.today()
        retention = privacy.person_retention(ws, person_id)
        warning = ""
        if retention.retention_end is not None and not retention.ended(today):
            actions = f" (actions : {', '.join(retention.actions)})" if retention.actions else ""
            warning = (
                f"Ses données doivent en principe être conservées jusqu'au "
                f"{fmt.date_short(retention.retention_end)}{actions} : les feuilles "
                "d'émargement signées sont des pièces justificatives, les effacer avant "
                "peut poser problème lors d'un contrôle."
            )
        elif retention.retention_end is None and retention.meetings:
            warning = ("La fin de sa durée de conservation ne peut pas être déterminée (action "
                       "sans date de fin) : vérifiez qu'aucun justificatif n'est encore requis.")
        self.retention_label = _note(warning, "privacyBanner")
        self.retention_label.setVisible(bool(warning))
        layout.addWidget(self.retention_label)

        mentions = privacy.mentions_of_person(ws, person_id)
        self.mentions_label = _note("", "formNote")
        if mentions:
            titles = ", ".join(f"« {title} »" for _id, title in mentions[:5])
            more = f" et {fmt.plural(len(mentions) - 5, 'autre')}" if len(mentions) > 5 else ""
            self.mentions_label.setText(
                f"Son nom apparaît dans les textes de {fmt.plural(len(mentions), 'réunion')} "
                f"({titles}{more}) : ces textes ne sont pas modifiés, relisez-les.")
        self.mentions_label.setVisible(bool(mentions))
        layout.addWidget(self.mentions_label)
        layout.addWidget(_note(IRREVERSIBLE_TEXT, "fieldError"))

        prompt = QLabel(f"Pour confirmer, tapez son nom («\u00a0{name}\u00a0») ou le mot "
                        f"«\u00a0{CONFIRM_WORD}\u00a0»\u00a0:")
        prompt.setWordWrap(True)
        self.confirm_field = QLineEdit()
        self.confirm_field.setObjectName("anonymiseConfirm")
        prompt.setBuddy(self.confirm_field)
        layout.addWidget(prompt)
        layout.addWidget(self.confirm_field)
        self.error = _note("", "fieldError")
        self.error.hide()
        layout.addWidget(self.error)

        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("&Anonymiser définitivement",
                                           QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setDefault(True)
        self.ok_button.setAutoDefault(False)
        buttons.accepted.connect(self.anonymise)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.confirm_field.textChanged.connect(self._update)
        self.setMinimumWidth(560)
        self._update()

    def confirmed(self) -> bool:
        return matches_confirmation(self.confirm_field.text(), self.last_name, self.first_name)

    def _update(self) -> None:
        self.ok_button.setEnabled(self.confirmed())

    def anonymise(self) -> None:
        if not self.confirmed():
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.changes = privacy.anonymise_person(self.ws, self.person_id)
        except MaillageError as exc:
            QApplication.restoreOverrideCursor()
            self.error.setText(f"L'anonymisation a échoué : {exc.message}")
            self.error.show()
            return
        QApplication.restoreOverrideCursor()
        self.accept()


# --- the Contacts section -------------------------------------------------------------------


def after_erasure(window: Any, changes: ChangeSet | None, page: Any = None,
                  person_id: str | None = None) -> None:
    """Show the anonymised data everywhere, and forget undo steps that held the old values."""
    changes = changes or ChangeSet()
    if page is not None and person_id and callable(getattr(page, "written", None)):
        # The Contacts section reads its list again, shows the record and tells the window.
        page.written(person_id, changes, None, "Contact anonymisé.")
    elif window is not None:
        mark = getattr(window, "_data_changed", None)  # dashboard and sections concerned
        if callable(mark):
            mark(changes)
        for section in getattr(window, "list_sections", list)():
            if not hasattr(section, "apply_changes") and getattr(section.model, "loaded", False):
                section.refresh()
    if page is not None and not callable(getattr(page, "written", None)):
        page.refresh()
    undo = getattr(window, "undo", None) if window is not None else None
    if undo is not None and hasattr(undo, "set_workspace"):
        undo.set_workspace(window.workspace)  # an undo could bring a name back


def _current_person(page: Any) -> str | None:
    index = page.table.selectionModel().currentIndex() if page.table.selectionModel() else None
    if index is not None and index.isValid():
        record_id = page.model.record_id(index.row())
        if record_id:
            return record_id
    detail = getattr(page.detail_pane, "detail", None)
    return detail.id if detail is not None else None


def anonymise_person_dialog(parent: QWidget, ws: Workspace, person_id: str,
                            window: Any = None) -> AnonymiseDialog | None:
    try:
        dialog = AnonymiseDialog(ws, person_id, parent)
    except MaillageError as exc:
        QMessageBox.warning(parent, "Anonymisation impossible", exc.message)
        return None
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    page = parent if hasattr(parent, "model") else None
    dialog.accepted.connect(lambda: after_erasure(window, dialog.changes, page, person_id))
    dialog.open()
    return dialog


def _find_layout_of(layout: QLayout, widget: QWidget) -> tuple[QLayout, int] | None:
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item.widget() is widget:
            return layout, i
        child = item.layout()
        if child is not None:
            found = _find_layout_of(child, widget)
            if found is not None:
                return found
    return None


class ContactsRgpd:
    """The RGPD actions of a Contacts list page (kept on the page as ``rgpd``)."""

    def __init__(self, page: Any, window: Any) -> None:
        self.page = page
        self.window = window
        self.export_action = QAction("Exporter les données de cette personne…", page)
        self.export_action.setObjectName("rgpdExport")
        self.export_action.triggered.connect(lambda _c=False: self.export())
        self.anonymise_action = QAction("Anonymiser…", page)
        self.anonymise_action.setObjectName("rgpdAnonymise")
        self.anonymise_action.triggered.connect(lambda _c=False: self.anonymise())
        self.history_action = QAction("Historique des modifications…", page)
        self.history_action.setObjectName("rgpdHistory")
        self.history_action.triggered.connect(lambda _c=False: self.history())
        self.actions = (self.export_action, self.anonymise_action, self.history_action)

        table = page.table
        if table.contextMenuPolicy() != Qt.ContextMenuPolicy.CustomContextMenu:
            table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
            if table.actions():
                separator = QAction(page)
                separator.setSeparator(True)
                table.addAction(separator)
            table.addActions(list(self.actions))
        self.button = QToolButton()
        self.button.setObjectName("rgpdButton")
        self.button.setText("R&GPD")
        self.button.setToolTip("Droit d'accès et droit à l'effacement pour le contact choisi")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.button)
        menu.addActions(list(self.actions))
        self.button.setMenu(menu)
        toolbar = page.findChild(QToolBar, "partnersToolbar")
        if toolbar is not None:
            toolbar.addSeparator()
            toolbar.addWidget(self.button)
        else:
            found = _find_layout_of(page.layout(), page.search_field) if page.layout() else None
            if found is not None:
                layout, index = found
                layout.insertWidget(index, self.button)
        if table.selectionModel() is not None:
            table.selectionModel().currentRowChanged.connect(lambda *_: self.update())
        page.model.modelReset.connect(self.update)
        self.update()

    def update(self) -> None:
        if not shiboken6.isValid(self.page):
            return
        has = _current_person(self.page) is not None
        for action in self.actions:
            action.setEnabled(has)

    def _person(self) -> str | None:
        person_id = _current_person(self.page)
        if person_id is None:
            QMessageBox.information(self.page, "Aucun contact choisi",
                                    "Sélectionnez d'abord un contact dans la liste.")
        return person_id

    def export(self) -> Task | None:
        person_id = self._person()
        return export_person(self.page, self.page.ws, person_id) if person_id else None

    def anonymise(self) -> AnonymiseDialog | None:
        person_id = self._person()
        if person_id is None:
            return None
        return anonymise_person_dialog(self.page, self.page.ws, person_id, self.window)

    def history(self) -> QDialog | None:
        person_id = self._person()
        if person_id is None:
            return None
        from app.services.audit import AuditFilter
        from ui.safety.audit import AuditDialog

        dialog = AuditDialog(self.page.ws, self.page, AuditFilter(record_id=person_id))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowTitle("Historique des modifications du contact")
        dialog.open()
        return dialog


def attach_contacts_actions(page: Any, window: Any) -> ContactsRgpd | None:
    """Add the RGPD actions to a Contacts list page (once)."""
    if getattr(page, "rgpd", None) is not None:
        return page.rgpd
    if not all(hasattr(page, name) for name in ("table", "model", "ws", "search_field")):
        return None
    page.rgpd = ContactsRgpd(page, window)
    return page.rgpd


# --- retention ------------------------------------------------------------------------------


class BulkConfirmDialog(QDialog):
    """« ANONYMISER » typed before anonymising several people at once."""

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bulkConfirmDialog")
        self.setWindowTitle("Anonymiser la sélection")
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(_bold(f"Anonymiser {fmt.plural(count, 'personne')} ?"))
        layout.addWidget(_note(ERASED_TEXT))
        layout.addWidget(_note(KEPT_TEXT))
        layout.addWidget(_note(IRREVERSIBLE_TEXT, "fieldError"))
        prompt = QLabel(f"Pour confirmer, tapez «\u00a0{CONFIRM_WORD}\u00a0»\u00a0:")
        self.field = QLineEdit()
        self.field.setObjectName("bulkConfirm")
        prompt.setBuddy(self.field)
        layout.addWidget(prompt)
        layout.addWidget(self.field)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("&Anonymiser définitivement",
                                           QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setAutoDefault(False)
        cancel = buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.field.textChanged.connect(
            lambda text: self.ok_button.setEnabled(" ".join(text.split()).upper() == CONFIRM_WORD))
        self.ok_button.setEnabled(False)
        self.setMinimumWidth(520)

    def accept(self) -> None:
        if self.ok_button.isEnabled():
            super().accept()


RETENTION_COLUMNS = ("Nom", "Catégorie", "Dernière activité", "Fin de conservation", "Actions")


class RetentionDialog(QDialog):
    """The people whose retention period is over; anonymise the checked ones in bulk."""

    found = Signal()  # the search ended (with a list, an error, or cancelled)
    anonymised = Signal(object)  # BulkAnonymisation

    def __init__(self, ws: Workspace, parent: QWidget | None = None, *,
                 today: dt.date | None = None,
                 confirm: Callable[[int, QWidget], bool] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("retentionDialog")
        self.setWindowTitle("Données à anonymiser (durée de conservation)")
        self.ws = ws
        self.today = today or dt.date.today()
        self._confirm = confirm or _confirm_bulk
        self.people: list[DuePerson] = []
        self.search_task: Task | None = None
        self.bulk_task: Task | None = None
        self.result: BulkAnonymisation | None = None

        intro = _note(
            "Les données d'une personne se conservent jusqu'au 31 décembre de la 5ᵉ année "
            "après la fin de la dernière action où elle apparaît (règle FSE+, modifiable "
            "action par action). Sont listés les publics accompagnés dont cette durée est "
            "écoulée, et les autres contacts sans aucune activité depuis. L'anonymisation "
            "garde les décomptes des bilans.", "formNote")

        self.busy = QProgressBar()
        self.busy.setObjectName("retentionProgress")
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.status = QLabel("")
        self.status.setObjectName("retentionStatus")
        self.status.setWordWrap(True)
        self.stop_button = QPushButton("A&rrêter")
        self.stop_button.clicked.connect(self.stop)
        busy_row = QHBoxLayout()
        busy_row.addWidget(self.status, 1)
        busy_row.addWidget(self.busy, 1)
        busy_row.addWidget(self.stop_button)

        self.table = QTableWidget(0, len(RETENTION_COLUMNS))
        self.table.setObjectName("retentionTable")
        self.table.setHorizontalHeaderLabels(RETENTION_COLUMNS)
        read_only_table(self.table, single=False)
        self.table.itemChanged.connect(lambda _item: self._update_buttons())

        self.all_button = QPushButton("&Tout cocher")
        self.all_button.clicked.connect(lambda: self.set_all_checked(True))
        self.none_button = QPushButton("Tout &décocher")
        self.none_button.clicked.connect(lambda: self.set_all_checked(False))
        self.anonymise_button = QPushButton("&Anonymiser la sélection…")
        self.anonymise_button.setObjectName("anonymiseSelection")
        self.anonymise_button.clicked.connect(self.anonymise_checked)
        close = QPushButton("Fermer")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.all_button)
        buttons.addWidget(self.none_button)
        buttons.addStretch(1)
        buttons.addWidget(self.anonymise_button)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addLayout(busy_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(1040, 560)
        self.search()

    # --- state ------------------------------------------------------------------------------

    @property
    def searching(self) -> bool:
        return self.search_task is not None and self.search_task.running

    @property
    def working(self) -> bool:
        return self.bulk_task is not None and self.bulk_task.running

    def checked_ids(self) -> list[str]:
        ids = []
        for row, person in enumerate(self.people):
            item = self.table.item(row, 0)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                ids.append(person.person_id)
        return ids

    def set_all_checked(self, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None:
                item.setCheckState(state)
        self.table.blockSignals(False)
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = self.searching or self.working
        n = len(self.checked_ids()) if not self.searching else 0
        self.anonymise_button.setEnabled(n > 0 and not busy)
        self.anonymise_button.setText(
            f"&Anonymiser la sélection ({n})…" if n else "&Anonymiser la sélection…")
        self.all_button.setEnabled(bool(self.people) and not busy)
        self.none_button.setEnabled(bool(self.people) and not busy)
        self.stop_button.setVisible(busy)
        self.busy.setVisible(busy)
        if not busy and self.people:
            self.status.setText(
                f"{fmt.plural(len(self.people), 'personne')} dont la durée de conservation "
                f"est écoulée — {n} cochée{'s' if n > 1 else ''}.")

    # --- search -----------------------------------------------------------------------------

    def search(self) -> None:
        if self.searching:
            return
        ws, today = self.ws, self.today
        self.busy.setRange(0, 0)
        self.status.setText("Recherche des personnes concernées…")
        self.table.setRowCount(0)
        self.people = []
        self.search_task = run_task(
            self, lambda _p, c: privacy.people_due_for_anonymisation(ws, today, cancel=c),
            self._found, self._search_failed)
        self._update_buttons()

    def stop(self) -> None:
        for task in (self.search_task, self.bulk_task):
            if task is not None and task.running:
                task.cancel()
        self.status.setText("Arrêt demandé…")

    def _found(self, people: list[DuePerson]) -> None:
        self.people = list(people)
        self._fill()
        if not self.people:
            self.status.setText("Aucune personne n'a dépassé sa durée de conservation.")
        self._update_buttons()
        self.found.emit()

    def _search_failed(self, error: Exception) -> None:
        if self.search_task is not None and self.search_task.cancelled:
            self.status.setText("Recherche interrompue. Rouvrez cette fenêtre pour la relancer.")
        else:
            self.status.setText(f"La recherche a échoué : {error_text(error)}")
        self._update_buttons()
        self.found.emit()

    def _fill(self) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.people))
        for row, person in enumerate(self.people):
            name = QTableWidgetItem(person.name)
            name.setFlags(name.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            name.setCheckState(Qt.CheckState.Unchecked)  # the officer chooses
            name.setData(Qt.ItemDataRole.UserRole, person.person_id)
            category = person.category_label + (" (public accompagné)" if person.is_beneficiary
                                                and person.category != privacy.PUBLIC_CATEGORY else "")
            cells = (
                name,
                QTableWidgetItem(category),
                QTableWidgetItem(fmt.date_short(person.last_activity) or "aucune"),
                QTableWidgetItem(fmt.date_short(person.retention_end)),
                QTableWidgetItem(", ".join(person.actions) or "—"),
            )
            for column, item in enumerate(cells):
                if column == 4 and person.actions:
                    item.setToolTip("\n".join(person.actions))
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        for column in range(len(RETENTION_COLUMNS) - 1):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column) + 16, 300))
        self.table.blockSignals(False)

    # --- bulk anonymisation -----------------------------------------------------------------

    def anonymise_checked(self) -> Task | None:
        ids = self.checked_ids()
        if not ids or self.working or self.searching:
            return None
        if not self._confirm(len(ids), self):
            return None
        ws = self.ws
        self.busy.setRange(0, len(ids))
        self.busy.setValue(0)
        self.busy.setTextVisible(True)
        self.status.setText("Anonymisation…")

        def progress(done: int, total: int, message: str) -> None:
            self.busy.setRange(0, max(total, 1))
            self.busy.setValue(done)
            self.status.setText(message)

        self.bulk_task = run_task(
            self, lambda p, c: privacy.anonymise_many(ws, ids, p, c),
            self._bulk_done, self._bulk_failed, progress)
        self._update_buttons()
        return self.bulk_task

    def _bulk_done(self, result: BulkAnonymisation) -> None:
        self.result = result
        self.busy.setTextVisible(False)
        done = set(result.done)
        self.people = [p for p in self.people if p.person_id not in done]
        self._fill()
        self._update_buttons()
        parts = [f"{fmt.plural(len(result.done), 'personne')} anonymisée"
                 f"{'s' if len(result.done) > 1 else ''}."]
        if result.cancelled:
            parts.append("Arrêté à votre demande : les autres n'ont pas été modifiées.")
        if result.failed:
            parts.append(f"{fmt.plural(len(result.failed), 'échec')} : "
                         + " ; ".join(msg for _pid, msg in result.failed[:3]))
        if not self.people:
            self.status.setText("Aucune personne n'a dépassé sa durée de conservation.")
        self.anonymised.emit(result)
        QMessageBox.information(self, "Anonymisation", "\n\n".join(parts))

    def _bulk_failed(self, error: Exception) -> None:
        self.busy.setTextVisible(False)
        self._update_buttons()
        QMessageBox.critical(self, "Anonymisation interrompue",
                             f"L'anonymisation a échoué : {error_text(error)}\n\n"
                             "Les personnes déjà traitées restent anonymisées.")
        self.search()

    def reject(self) -> None:
        if self.working:
            return  # a bulk anonymisation ends (or is stopped) first
        if self.searching and self.search_task is not None:
            self.search_task.cancel()
        super().reject()


def _confirm_bulk(count: int, parent: QWidget) -> bool:
    dialog = BulkConfirmDialog(count, parent)
    ok = dialog.exec() == QDialog.DialogCode.Accepted
    dialog.deleteLater()
    return ok


def show_retention_dialog(window: Any) -> RetentionDialog:
    dialog = RetentionDialog(window.workspace, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.anonymised.connect(lambda result: after_erasure(window, result.changes))
    dialog.open()
    return dialog
