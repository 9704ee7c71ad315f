"""Invitations: the participants of a meeting, their role and invitation status, and the ways
to invite people.

- one by one: :class:`AddPeopleDialog` (search the contacts, tick, choose the role);
- every current contact of chosen structures: :class:`StructuresDialog`;
- by category, territory or kind of structure: :class:`CriteriaDialog`;
- everyone from the previous meeting of the series (« CP4 » for « CP5 »);
- from a CSV / XLSX list: :class:`ImportListDialog` reads it first without writing
  (``dry_run``), shows what each line becomes, and creates the unknown people only when asked.

Every invitation is written at once by :mod:`app.services.meetings`; ``changed`` then says
what changed. Contact details (e-mail, phone) are never listed here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt
from app.domain import labels
from app.errors import MaillageError
from app.services import lists
from app.services import meetings as svc
from app.services.lists import ListQuery
from app.services.meetings import AddResult, ImportReport, ParticipantView
from app.services.workspace import ChangeSet, Workspace
from ui import settings
from ui.conventions.fields import FieldBox, StructurePicker
from ui.conventions.form import structure_search
from ui.meetings.common import error_text, merged, run_in_background

SEARCH_DELAY_MS = 200
SEARCH_RESULTS = 60
LIST_FILTER = "Listes (*.csv *.xlsx *.txt);;Tous les fichiers (*)"
ROLE_ID = Qt.ItemDataRole.UserRole


def person_search(ws: Workspace) -> Callable[[str], list[tuple[str, str]]]:
    """``text → [(id, « Prénom NOM – Structure »)]`` over the contacts (no e-mail, no phone)."""

    def search(text: str) -> list[tuple[str, str]]:
        page = lists.fetch(ws, "contacts", ListQuery(search=text), 0, SEARCH_RESULTS)
        out = []
        for row in page.rows:
            last, first, _category, organisation = row.cells[:4]
            name = svc.display_name(first, last)
            out.append((row.id, name + (f" – {organisation}" if organisation else "")))
        return out

    return search


def added_text(result: AddResult) -> str:
    """« 3 personnes invitées (2 déjà sur la liste). »"""
    text = (f"{fmt.plural(result.added, 'personne invitée', 'personnes invitées')}"
            if result.added else "Personne de plus n'est invité")
    if result.already:
        text += f" ({fmt.number(result.already)} déjà sur la liste)"
    return text + "."


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.horizontalHeader().setHighlightSections(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 14)
    return table


def _item(text: str, data: object = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setToolTip(text)
    if data is not None:
        item.setData(ROLE_ID, data)
    return item


class ParticipantsPanel(QWidget):
    """The participants table with its invitation buttons.

    ``meeting_id`` may be ``None`` (a meeting being created): ``ensure_meeting()`` is then
    called before the first invitation and returns the id once the meeting is saved (or
    ``None`` when the form still has errors).
    """

    changed = Signal(object)  # ChangeSet

    def __init__(self, ws: Workspace, meeting_id: str | None,
                 ensure_meeting: Callable[[], str | None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.meeting_id = meeting_id
        self._ensure = ensure_meeting
        self.participants: tuple[ParticipantView, ...] = ()
        self.series = ""
        self.dialog: QDialog | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        self.add_button = self._button("&Ajouter…", "Chercher des contacts et les inviter",
                                       self.add_people)
        self.structures_button = self._button("&Structures…", "Inviter tous les contacts de "
                                              "structures choisies", self.add_structures)
        self.criteria_button = self._button("Par &catégorie ou territoire…",
                                            "Inviter par catégorie, territoire ou type de "
                                            "structure", self.add_by_criteria)
        self.previous_button = self._button("Réunion &précédente",
                                            "Inviter les participants de la réunion précédente "
                                            "de la série", self.add_from_previous)
        self.import_button = self._button("&Importer une liste…",
                                          "Inviter les personnes d'un fichier CSV ou XLSX",
                                          self.import_list)
        self.remove_button = self._button("&Retirer", "Retirer l'invitation (Suppr)",
                                          self.remove_selected)
        for button in (self.add_button, self.structures_button, self.criteria_button,
                       self.previous_button, self.import_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        layout.addLayout(buttons)
        self.table = _table(["Nom", "Structure", "Fonction ou catégorie", "Rôle", "Invitation"])
        self.table.setObjectName("participantsTable")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, choices in ((3, labels.PARTICIPANT_ROLES), (4, labels.INVITATION_STATUSES)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            sample = self._combo(choices, "", lambda _v: None)
            self.table.setColumnWidth(column, sample.sizeHint().width() + 4)
            sample.deleteLater()
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove_selected)
        self.message = QLabel("")
        self.message.setObjectName("formNote")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.reload()

    def _button(self, text: str, tip: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _c=False: slot())
        return button

    # --- reading ----------------------------------------------------------------------------

    def reload(self) -> None:
        if self.meeting_id is None:
            self.participants = ()
            self.series = ""
            self.message.setText("Les invitations sont enregistrées dès qu'elles sont faites\u00a0; "
                                 "la réunion est enregistrée avant la première.")
        else:
            detail = svc.get_meeting(self.ws, self.meeting_id)
            self.participants = detail.participants
            self.series = detail.series
        self._fill()
        self._update_buttons()

    def _fill(self) -> None:
        table = self.table
        table.setRowCount(0)
        table.setRowCount(len(self.participants))
        for row, p in enumerate(self.participants):
            table.setItem(row, 0, _item(p.display_name, p.person_id))
            table.setItem(row, 1, _item(p.organisation))
            table.setItem(row, 2, _item(p.function))
            table.setCellWidget(row, 3, self._combo(labels.PARTICIPANT_ROLES, p.role,
                                                    lambda v, pid=p.person_id: self.set_role(pid, v)))
            table.setCellWidget(row, 4, self._combo(
                labels.INVITATION_STATUSES, p.invitation_status,
                lambda v, pid=p.person_id: self.set_status(pid, v)))

    @staticmethod
    def _combo(choices: dict[str, str], value: str, changed: Callable[[str], None]) -> QComboBox:
        combo = QComboBox()
        for code, text in choices.items():
            combo.addItem(text, code)
        combo.setCurrentIndex(max(0, combo.findData(value)))
        combo.currentIndexChanged.connect(lambda _i: changed(combo.currentData()))
        return combo

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(bool(self.selected_ids()))
        self.previous_button.setEnabled(self.meeting_id is None or bool(self.series))
        count = len(self.participants)
        speakers = sum(1 for p in self.participants if p.role != "participant")
        if self.meeting_id is not None:
            text = fmt.plural(count, "personne invitée", "personnes invitées") if count \
                else "Personne n'est encore invité."
            if speakers:
                text += f", dont {fmt.plural(speakers, 'intervenant ou organisateur', 'intervenants ou organisateurs')}"
            self.message.setText(text + ("." if count else ""))

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.participants[r].person_id for r in rows if r < len(self.participants)]

    def names(self) -> list[str]:
        return [p.display_name for p in self.participants]

    # --- writing ----------------------------------------------------------------------------

    def _meeting(self) -> str | None:
        if self.meeting_id is None and self._ensure is not None:
            self.meeting_id = self._ensure()
            if self.meeting_id is not None:
                self.reload()
        return self.meeting_id

    def _done(self, changes: ChangeSet, text: str) -> None:
        self.reload()
        self.message.setText(text)
        if changes:
            self.changed.emit(changes)

    def _failed(self, title: str, error: Exception) -> None:
        QMessageBox.warning(self, title, error_text(error))
        self.reload()

    def set_role(self, person_id: str, role: str) -> None:
        try:
            changes = svc.set_role(self.ws, self.meeting_id or "", person_id, role)
        except MaillageError as exc:
            self._failed("Rôle", exc)
            return
        self.participants = svc.get_meeting(self.ws, self.meeting_id or "").participants
        self._update_buttons()
        self.changed.emit(changes)

    def set_status(self, person_id: str, status: str) -> None:
        try:
            changes = svc.set_invitation_status(self.ws, self.meeting_id or "", person_id, status)
        except MaillageError as exc:
            self._failed("Invitation", exc)
            return
        self.participants = svc.get_meeting(self.ws, self.meeting_id or "").participants
        self.changed.emit(changes)

    def remove_selected(self) -> None:
        ids = self.selected_ids()
        if not ids or self.meeting_id is None:
            return
        names = {p.person_id: p.display_name for p in self.participants}
        removed, refused = [], []
        for person_id in ids:
            try:
                removed.append(svc.remove_participant(self.ws, self.meeting_id, person_id))
            except MaillageError as exc:
                refused.append(f"{names.get(person_id, '')}\u00a0: {exc.message}")
        changes = merged(removed, f"Retirer {fmt.plural(len(removed), 'invité')}"
                         if len(removed) > 1 else "")
        text = (f"{fmt.plural(len(removed), 'invitation retirée', 'invitations retirées')}."
                if removed else "")
        self._done(changes, text)
        if refused:
            QMessageBox.warning(self, "Retrait impossible", "\n".join(refused)
                                + "\n\nMarquez plutôt ces personnes « Désinscrit(e) ».")

    def _open(self, dialog: QDialog) -> QDialog:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

        def finished(_result: int) -> None:
            if self.dialog is dialog:
                self.dialog = None
            result = getattr(dialog, "result_value", None)
            if result is not None:
                self._done(result.changes, getattr(dialog, "result_text", ""))

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def add_people(self) -> QDialog | None:
        meeting_id = self._meeting()
        if meeting_id is None:
            return None
        invited = {p.person_id for p in self.participants}
        return self._open(AddPeopleDialog(self.ws, meeting_id, invited, self))

    def add_structures(self) -> QDialog | None:
        meeting_id = self._meeting()
        if meeting_id is None:
            return None
        return self._open(StructuresDialog(self.ws, meeting_id, self))

    def add_by_criteria(self) -> QDialog | None:
        meeting_id = self._meeting()
        if meeting_id is None:
            return None
        return self._open(CriteriaDialog(self.ws, meeting_id, self))

    def add_from_previous(self) -> AddResult | None:
        meeting_id = self._meeting()
        if meeting_id is None:
            return None
        try:
            previous = svc.previous_in_series(self.ws, meeting_id)
            if previous is None:
                raise MaillageError("Aucune réunion précédente dans cette série\u00a0: indiquez la "
                                    "série et le numéro de la réunion (onglet « Réunion »).")
            before = svc.get_meeting(self.ws, previous)
            result = svc.add_from_previous(self.ws, meeting_id, previous)
        except MaillageError as exc:
            QMessageBox.information(self, "Réunion précédente", exc.message)
            return None
        name = before.reference or before.title
        self._done(result.changes, f"Depuis « {name} »\u00a0: {added_text(result)}")
        return result

    def import_list(self) -> QDialog | None:
        meeting_id = self._meeting()
        if meeting_id is None:
            return None
        start = settings.last_folder() or Path.home()
        name, _ = QFileDialog.getOpenFileName(self, "Importer une liste de participants",
                                              str(start), LIST_FILTER)
        if not name:
            return None
        settings.set_last_folder(Path(name).parent)
        return self._open(ImportListDialog(self.ws, meeting_id, Path(name), self))


# --- one by one ------------------------------------------------------------------------------


class AddPeopleDialog(QDialog):
    """Search the contacts, tick people, choose their role: « Inviter »."""

    def __init__(self, ws: Workspace, meeting_id: str, invited: set[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addPeopleDialog")
        self.setWindowTitle("Inviter des contacts")
        self.ws = ws
        self.meeting_id = meeting_id
        self.invited = set(invited)
        self.result_value: AddResult | None = None
        self.result_text = ""
        self._search = person_search(ws)
        self._chosen: dict[str, str] = {}

        layout = QVBoxLayout(self)
        self.search_field = QLineEdit()
        self.search_field.setPlaceholderText("Rechercher un contact par son nom, son prénom…")
        self.search_field.setClearButtonEnabled(True)
        layout.addWidget(self.search_field)
        self.results = QListWidget()
        self.results.setObjectName("peopleResults")
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.results.itemChanged.connect(self._ticked)
        self.results.itemActivated.connect(self._toggle)
        layout.addWidget(self.results, 1)
        form = QFormLayout()
        self.role_combo = QComboBox()
        for code, text in labels.PARTICIPANT_ROLES.items():
            self.role_combo.addItem(text, code)
        self.status_combo = QComboBox()
        for code in ("invite", "inscrit"):
            self.status_combo.addItem(labels.INVITATION_STATUSES[code], code)
        form.addRow("&Rôle :", self.role_combo)
        form.addRow("&Statut :", self.status_combo)
        layout.addLayout(form)
        self.error = QLabel("")
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.invite_button = buttons.addButton("&Inviter", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.search_field.textChanged.connect(lambda _t: self._timer.start())
        self.search_field.returnPressed.connect(self.run_search)
        self.resize(640, 540)
        self.run_search()
        self._update()

    def run_search(self) -> None:
        self._timer.stop()
        self.results.blockSignals(True)
        self.results.clear()
        for person_id, text in self._search(self.search_field.text().strip()):
            item = QListWidgetItem(text)
            item.setData(ROLE_ID, person_id)
            if person_id in self.invited:
                item.setText(f"{text} (déjà invité(e))")
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                item.setCheckState(Qt.CheckState.Checked)
            else:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if person_id in self._chosen
                                   else Qt.CheckState.Unchecked)
            self.results.addItem(item)
        self.results.blockSignals(False)

    def _toggle(self, item: QListWidgetItem) -> None:
        if item.flags() & Qt.ItemFlag.ItemIsEnabled:
            item.setCheckState(Qt.CheckState.Unchecked if item.checkState() == Qt.CheckState.Checked
                               else Qt.CheckState.Checked)

    def _ticked(self, item: QListWidgetItem) -> None:
        person_id = item.data(ROLE_ID)
        if item.checkState() == Qt.CheckState.Checked:
            self._chosen[person_id] = item.text()
        else:
            self._chosen.pop(person_id, None)
        self._update()

    def choose(self, person_id: str) -> None:
        """Tick ``person_id`` among the results (what a click on its box does)."""
        for row in range(self.results.count()):
            item = self.results.item(row)
            if item.data(ROLE_ID) == person_id:
                item.setCheckState(Qt.CheckState.Checked)
                return
        raise KeyError(person_id)

    def _update(self) -> None:
        n = len(self._chosen)
        self.invite_button.setEnabled(n > 0)
        self.invite_button.setText(f"&Inviter ({n})" if n else "&Inviter")

    def accept(self) -> None:
        if not self._chosen:
            return
        try:
            self.result_value = svc.add_participants(
                self.ws, self.meeting_id, list(self._chosen), role=self.role_combo.currentData(),
                status=self.status_combo.currentData())
        except MaillageError as exc:
            self.error.setText(exc.message)
            return
        self.result_text = added_text(self.result_value)
        super().accept()


# --- by structure ----------------------------------------------------------------------------


class StructuresDialog(QDialog):
    """Choose structures: every one of their current contacts is invited."""

    def __init__(self, ws: Workspace, meeting_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("structuresDialog")
        self.setWindowTitle("Inviter les contacts de structures")
        self.ws = ws
        self.meeting_id = meeting_id
        self.result_value: AddResult | None = None
        self.result_text = ""
        layout = QVBoxLayout(self)
        note = QLabel("Chaque contact actuel des structures choisies est invité, au titre de "
                      "sa structure.")
        note.setObjectName("formNote")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.picker = StructurePicker(structure_search(ws))
        self.picker.picked.connect(self.add_structure)
        layout.addWidget(self.picker)
        self.chosen = QListWidget()
        self.chosen.setObjectName("chosenStructures")
        layout.addWidget(self.chosen, 1)
        remove = QPushButton("Retirer de la liste")
        remove.setAutoDefault(False)
        remove.clicked.connect(lambda: [self.chosen.takeItem(self.chosen.row(i))
                                        for i in self.chosen.selectedItems()])
        layout.addWidget(remove, 0, Qt.AlignmentFlag.AlignLeft)
        self.error = QLabel("")
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.invite_button = buttons.addButton("&Inviter leurs contacts",
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 440)

    def add_structure(self, org_id: str, label: str) -> None:
        if org_id in self.ids():
            return
        item = QListWidgetItem(label)
        item.setData(ROLE_ID, org_id)
        self.chosen.addItem(item)

    def ids(self) -> list[str]:
        return [self.chosen.item(i).data(ROLE_ID) for i in range(self.chosen.count())]

    def accept(self) -> None:
        if not self.ids():
            self.error.setText("Choisissez au moins une structure.")
            return
        try:
            self.result_value = svc.add_structure_contacts(self.ws, self.meeting_id, self.ids())
        except MaillageError as exc:
            self.error.setText(exc.message)
            return
        self.result_text = added_text(self.result_value)
        super().accept()


# --- by criteria -----------------------------------------------------------------------------


def _checklist(choices: list[tuple[str, str]], rows: int) -> QListWidget:
    widget = QListWidget()
    for code, text in choices:
        item = QListWidgetItem(text)
        item.setData(ROLE_ID, code)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        widget.addItem(item)
    widget.setFixedHeight(widget.sizeHintForRow(0) * min(rows, widget.count()) + 2 * widget.frameWidth() + 2)
    widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    widget.setTextElideMode(Qt.TextElideMode.ElideRight)
    widget.itemActivated.connect(lambda item: item.setCheckState(
        Qt.CheckState.Unchecked if item.checkState() == Qt.CheckState.Checked
        else Qt.CheckState.Checked))
    return widget


def checked(widget: QListWidget) -> list[str]:
    return [widget.item(i).data(ROLE_ID) for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked]


class CriteriaDialog(QDialog):
    """Invite by category of person, territory (name or postcode prefix) or kind of structure."""

    def __init__(self, ws: Workspace, meeting_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("criteriaDialog")
        self.setWindowTitle("Inviter par catégorie ou territoire")
        self.ws = ws
        self.meeting_id = meeting_id
        self.result_value: AddResult | None = None
        self.result_text = ""
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.categories = _checklist(list(labels.PERSON_CATEGORIES.items()), 8)
        self.fields: dict[str, FieldBox] = {}
        self.fields["categories"] = FieldBox(self.categories)
        form.addRow("&Catégories :", self.fields["categories"])
        self.territories_edit = QLineEdit()
        self.territories_edit.setPlaceholderText("ex. : Puisaye-Forterre, 89, Mayotte")
        self.fields["territories"] = FieldBox(
            self.territories_edit, "Territoires ou débuts de code postal, séparés par des virgules.")
        form.addRow("&Territoires :", self.fields["territories"])
        self.kinds = _checklist([(code, text) for code, text, _f in labels.ORGANISATION_KINDS], 6)
        self.fields["organisation_kinds"] = FieldBox(self.kinds)
        form.addRow("Types de &structure :", self.fields["organisation_kinds"])
        layout.addLayout(form)
        layout.addStretch(1)
        note = QLabel("Les critères se cumulent\u00a0: une catégorie et un territoire invitent les "
                      "personnes de cette catégorie dont la structure est sur ce territoire.")
        note.setObjectName("formNote")
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox()
        self.invite_button = buttons.addButton("&Inviter", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 520)

    def check_category(self, code: str) -> None:
        for i in range(self.categories.count()):
            if self.categories.item(i).data(ROLE_ID) == code:
                self.categories.item(i).setCheckState(Qt.CheckState.Checked)

    def accept(self) -> None:
        for box in self.fields.values():
            box.set_error("")
        territories = [t.strip() for t in self.territories_edit.text().split(",") if t.strip()]
        try:
            self.result_value = svc.add_by_criteria(
                self.ws, self.meeting_id, categories=checked(self.categories),
                territories=territories, organisation_kinds=checked(self.kinds))
        except MaillageError as exc:
            box = self.fields.get(getattr(exc, "field", "") or "", self.fields["categories"])
            box.set_error(exc.message)
            return
        self.result_text = added_text(self.result_value)
        super().accept()


# --- from a file -----------------------------------------------------------------------------

OUTCOME_TEXT = {
    "existant": "déjà invité(e)",
    "ajouté": "à inviter",
    "créé": "créé(e) et invité(e)",
    "inconnu": "inconnu(e)",
    "ambigu": "ambigu",
    "rejeté": "rejetée",
}


class ImportListDialog(QDialog):
    """Read a CSV / XLSX list without writing, show each line, then invite (and create the
    unknown people when asked)."""

    def __init__(self, ws: Workspace, meeting_id: str, path: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importListDialog")
        self.setWindowTitle(f"Importer une liste – {path.name}")
        self.ws = ws
        self.meeting_id = meeting_id
        self.path = path
        self.preview: ImportReport | None = None
        self.result_value: ImportReport | None = None
        self.result_text = ""
        self.task = None

        layout = QVBoxLayout(self)
        self.summary = QLabel("Lecture de la liste…")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        layout.addWidget(self.progress)
        self.table = _table(["Ligne", "Nom", "Prénom", "Courriel", "Structure", "Résultat"])
        self.table.setObjectName("importRows")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.error = QLabel("")
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.known_button = buttons.addButton("Inviter les contacts &reconnus",
                                              QDialogButtonBox.ButtonRole.ActionRole)
        self.create_button = buttons.addButton("Inviter et &créer les inconnus",
                                               QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button = buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        self.known_button.clicked.connect(lambda: self.run(create_unknown=False))
        self.create_button.clicked.connect(lambda: self.run(create_unknown=True))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for button in (self.known_button, self.create_button):
            button.setEnabled(False)
            button.setAutoDefault(False)
        self.resize(860, 560)
        self._start(dry_run=True, create_unknown=False)

    @property
    def running(self) -> bool:
        return self.task is not None and self.task.running

    def _start(self, *, dry_run: bool, create_unknown: bool) -> None:
        ws, meeting_id, path = self.ws, self.meeting_id, self.path
        self.progress.show()
        self.progress.setRange(0, 0)
        for button in (self.known_button, self.create_button):
            button.setEnabled(False)

        def work(progress, cancelled):  # noqa: ANN001, ANN202
            return svc.import_participants(ws, meeting_id, path, dry_run=dry_run,
                                           create_unknown=create_unknown, progress=progress,
                                           cancel=cancelled)

        def progress(done: int, total: int, _message: str) -> None:
            if total > 0:
                self.progress.setRange(0, total)
                self.progress.setValue(min(done, total))

        self.task = run_in_background(
            self, work, lambda r: self._read(r, dry_run), self._failed, progress)

    def _read(self, report: ImportReport, dry_run: bool) -> None:
        self.progress.hide()
        if not dry_run:
            self.result_value = report
            created = f", dont {fmt.plural(report.created, 'personne créée', 'personnes créées')}" \
                if report.created else ""
            self.result_text = (f"Liste « {self.path.name} »\u00a0: "
                                f"{fmt.plural(report.added, 'personne invitée', 'personnes invitées')}"
                                f"{created}.")
            self.accept()
            return
        self.preview = report
        self._fill(report)
        to_add = sum(1 for r in report.rows if r.outcome == "ajouté")
        unknown = len(report.unknown)
        problems = len(report.problems)
        already = sum(1 for r in report.rows if r.outcome == "existant")
        parts = [fmt.plural(len(report.rows), "ligne")]
        parts.append(f"{fmt.plural(to_add, 'contact reconnu', 'contacts reconnus')} à inviter")
        if already:
            parts.append(f"{fmt.plural(already, 'personne déjà invitée', 'personnes déjà invitées')}")
        if unknown:
            parts.append(f"{fmt.plural(unknown, 'personne inconnue', 'personnes inconnues')} de la base")
        if problems:
            parts.append(f"{fmt.plural(problems, 'ligne', 'lignes')} à corriger (non importée"
                         f"{'s' if problems > 1 else ''})")
        self.summary.setText(" · ".join(parts) + ". Rien n'est encore enregistré.")
        self.known_button.setEnabled(to_add > 0)
        self.create_button.setEnabled(unknown > 0)
        self.create_button.setText(f"Inviter et &créer les {fmt.number(unknown)} inconnus"
                                   if unknown > 1 else "Inviter et &créer l'inconnu(e)"
                                   if unknown == 1 else "Inviter et &créer les inconnus")

    def _fill(self, report: ImportReport) -> None:
        self.table.setRowCount(len(report.rows))
        for row, r in enumerate(report.rows):
            outcome = OUTCOME_TEXT.get(r.outcome, r.outcome)
            if r.reason:
                outcome += f"\u00a0: {r.reason}"
            for column, text in enumerate((fmt.number(r.line), r.last_name, r.first_name,
                                           r.email, r.organisation, outcome)):
                self.table.setItem(row, column, _item(text))

    def _failed(self, error: Exception) -> None:
        self.progress.hide()
        self.summary.setText("La liste n'a pas pu être importée\u00a0; rien n'a été enregistré.")
        self.error.setText(error_text(error))
        self.error.show()

    def run(self, *, create_unknown: bool) -> None:
        if self.running:
            return
        self.error.hide()
        self.summary.setText("Invitations en cours…")
        self._start(dry_run=False, create_unknown=create_unknown)

    def reject(self) -> None:
        if self.running:
            self.task.cancel()
        super().reject()


class InvitationsDialog(QDialog):
    """« Invitations… »: the participants of a meeting and the ways to invite more."""

    def __init__(self, ws: Workspace, meeting_id: str, title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("invitationsDialog")
        self.setWindowTitle(f"Invitations – {title}")
        self.changes: list[ChangeSet] = []
        layout = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setObjectName("panelTitle")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.panel = ParticipantsPanel(ws, meeting_id)
        self.panel.changed.connect(self.changes.append)
        layout.addWidget(self.panel, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(900, 620)
