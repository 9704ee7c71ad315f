"""The meeting form: « Réunion », « Créneaux », « Ordre du jour », « Participants ».

- Réunion: kind, title, series and number (typing a series proposes its next number: after
  « CP4 » comes « CP5 », :func:`~app.services.meetings.next_in_series`), action, organiser
  (a person and a structure), place, capacity, objectives, status.
- Créneaux: dates by half-days (« Ajouter les demi-journées »: matin 9 h 00–12 h 30,
  après-midi 13 h 30–17 h 00 for each day), times editable; a session that holds signatures or
  is sealed can no longer be moved or removed (the service refuses; its message is shown).
- Ordre du jour: ordered items with their presenter (add, move up / down, remove).
- Participants: :class:`ui.meetings.participants.ParticipantsPanel` (written at once; a new
  meeting is saved before its first invitation).

A refused value is shown in red under its field, on its tab; nothing typed is lost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt
from app.domain import labels
from app.errors import MaillageError, ValidationError
from app.services import meetings as svc
from app.services.actions import list_actions
from app.services.meetings import (
    AgendaItemInput,
    MeetingDetail,
    MeetingInput,
    Saved,
    SessionInput,
)
from app.services.workspace import ChangeSet, Workspace
from ui.conventions.fields import DateEdit, FieldBox, StructurePicker
from ui.conventions.form import structure_search
from ui.meetings.common import TimeEdit, merged
from ui.meetings.participants import ParticipantsPanel, person_search

TAB_GENERAL, TAB_SESSIONS, TAB_AGENDA, TAB_PARTICIPANTS = range(4)
SERIES_DELAY_MS = 250
FIELD_TABS = {
    "kind": TAB_GENERAL, "title": TAB_GENERAL, "series": TAB_GENERAL, "number": TAB_GENERAL,
    "action_id": TAB_GENERAL, "organiser_id": TAB_GENERAL, "organiser_org_id": TAB_GENERAL,
    "place_name": TAB_GENERAL, "place_address": TAB_GENERAL, "capacity": TAB_GENERAL,
    "objectives": TAB_GENERAL, "status": TAB_GENERAL,
    "sessions": TAB_SESSIONS, "agenda": TAB_AGENDA,
}
FIELD_ALIASES = {"end_time": "sessions", "start_time": "sessions", "days": "sessions",
                 "date": "sessions"}


@dataclass
class SessionRow:
    """One line of the « Créneaux » table (``session_id`` once saved)."""

    date: dt.date
    start: dt.time
    end: dt.time
    session_id: str | None = None
    label: str = ""
    signatures: int = 0
    sealed: bool = False

    @property
    def locked(self) -> bool:
        return self.sealed or self.signatures > 0

    @property
    def key(self) -> tuple[dt.date, dt.time, dt.time]:
        return (self.date, self.start, self.end)


def removal_refused(row: SessionRow) -> str:
    """Why a session cannot be removed or moved (the service says the same when saving)."""
    if row.sealed:
        return f"Le créneau du {fmt.date_long(row.date)} est scellé\u00a0: il ne peut plus être modifié."
    return (f"Le créneau du {fmt.date_long(row.date)} porte déjà des signatures\u00a0: il ne peut "
            "plus être supprimé ni déplacé.")


class RecordChoice(QWidget):
    """A chosen record (a person, a structure): its name, a search field to change it and
    « Retirer »."""

    changed = Signal()

    def __init__(self, search, placeholder: str, none_text: str,  # noqa: ANN001
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._id: str | None = None
        self._none = none_text
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.label = QLabel(none_text)
        self.label.setObjectName("formNote")
        self.label.setMinimumWidth(160)
        self.label.setWordWrap(True)  # a long structure name wraps rather than being cut
        self.picker = StructurePicker(search)
        self.picker.setPlaceholderText(placeholder)
        self.picker.picked.connect(self.set_value)
        self.clear_button = QPushButton("Retirer")
        self.clear_button.setAutoDefault(False)
        self.clear_button.clicked.connect(lambda: self.set_value(None, ""))
        layout.addWidget(self.label, 3)
        layout.addWidget(self.picker, 2)
        layout.addWidget(self.clear_button)
        self.setFocusProxy(self.picker)
        self.set_value(None, "")

    def value(self) -> str | None:
        return self._id

    def text(self) -> str:
        return self.label.text() if self._id else ""

    def set_value(self, record_id: str | None, label: str) -> None:
        self._id = record_id or None
        self.label.setText(label if self._id else self._none)
        self.label.setObjectName("" if self._id else "formNote")
        self.label.setStyleSheet("" if self._id else "color: #5b6270;")
        self.clear_button.setEnabled(self._id is not None)
        self.changed.emit()


class MeetingDialog(QDialog):
    """Create (``meeting_id=None``) or edit a meeting. ``saved`` once written (its id and
    what changed); ``changes`` also lists the invitations made from the Participants tab."""

    def __init__(self, ws: Workspace, meeting_id: str | None = None, *,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("meetingDialog")
        self.ws = ws
        self.meeting_id = meeting_id
        self.creating = meeting_id is None
        self.detail: MeetingDetail | None = svc.get_meeting(ws, meeting_id) if meeting_id else None
        self.saved: Saved | None = None
        self.changes: list[ChangeSet] = []
        self.fields: dict[str, FieldBox] = {}
        self.session_rows: list[SessionRow] = []
        self._series_timer = QTimer(self)
        self._series_timer.setSingleShot(True)
        self._series_timer.setInterval(SERIES_DELAY_MS)
        self._series_timer.timeout.connect(self.propose_number)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 10)
        self.banner = QLabel("")
        self.banner.setObjectName("fieldError")
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.banner)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("meetingTabs")
        self.tabs.addTab(self._general_tab(), "&Réunion")
        self.tabs.addTab(self._sessions_tab(), "&Créneaux")
        self.tabs.addTab(self._agenda_tab(), "&Ordre du jour")
        self.participants = ParticipantsPanel(ws, meeting_id, self.ensure_saved)
        self.participants.changed.connect(self.changes.append)
        self.participants.changed.connect(lambda _c: self._update_speakers())
        self.tabs.addTab(self.participants, "&Participants")
        layout.addWidget(self.tabs, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("&Enregistrer")
        self.save_button.setToolTip("Enregistrer (Ctrl+S)")
        self.cancel_button = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText("Annuler")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.accept)
        for index in range(self.tabs.count()):
            QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self,
                      activated=lambda i=index: self.tabs.setCurrentIndex(i))
        self._load()
        self._update_speakers()
        self._update_title()
        self._initial = self._snapshot()
        self.resize(860, 680)
        self.title_edit.setFocus()

    # --- construction ---------------------------------------------------------------------

    def _add(self, form: QFormLayout, key: str, label: str, editor: QWidget,
             note: str = "") -> FieldBox:
        box = FieldBox(editor, note)
        self.fields[key] = box
        text = QLabel(label)
        text.setBuddy(editor)
        text.setContentsMargins(0, 0, 3, 0)
        form.addRow(text, box)
        return box

    @staticmethod
    def _form(page: QWidget) -> QFormLayout:
        outer = QVBoxLayout(page)
        outer.setContentsMargins(12, 12, 12, 12)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(8)
        outer.addLayout(form)
        outer.addStretch(1)  # rows keep their height; the room left goes below
        return form

    def _general_tab(self) -> QWidget:
        page = QWidget()
        form = self._form(page)
        self.kind_combo = QComboBox()
        for code, text in labels.MEETING_KINDS.items():
            self.kind_combo.addItem(text, code)
        self._add(form, "kind", "&Type *", self.kind_combo)
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(300)
        self.title_edit.setPlaceholderText("ex. : Comité de pilotage n° 5 – Ressourcerie de Puisaye")
        self._add(form, "title", "&Titre *", self.title_edit,
                  "Le titre exact de la convention\u00a0: il est imprimé sur la feuille d'émargement.")
        series_row = QWidget()
        row = QHBoxLayout(series_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.series_edit = QLineEdit()
        self.series_edit.setMaxLength(60)
        self.series_edit.setPlaceholderText("ex. : CP, GT5 – réunion")
        self.series_edit.textEdited.connect(lambda _t: self._series_timer.start())
        self.series_edit.editingFinished.connect(self._series_done)
        self.number_spin = QSpinBox()
        self.number_spin.setRange(0, 9999)
        self.number_spin.setSpecialValueText("—")
        self.number_spin.setPrefix("n° ")
        self.number_spin.setMinimumWidth(110)
        number_label = QLabel("&Numéro")
        number_label.setBuddy(self.number_spin)
        row.addWidget(self.series_edit, 1)
        row.addWidget(number_label)
        row.addWidget(self.number_spin)
        self.series_box = self._add(form, "series", "&Série", series_row)
        self.fields["number"] = self.series_box
        self.series_note = QLabel("")
        self.series_note.setObjectName("formNote")
        self.series_note.setWordWrap(True)
        self.series_note.hide()
        self.series_box.layout().insertWidget(1, self.series_note)
        self.action_combo = QComboBox()
        self.action_combo.addItem("Aucune action", None)
        for action in list_actions(self.ws):
            self.action_combo.addItem(" – ".join(x for x in (action.code, action.title) if x),
                                      action.id)
        self.action_combo.setMinimumContentsLength(30)
        self.action_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self._add(form, "action_id", "&Action", self.action_combo)
        self.organiser_choice = RecordChoice(person_search(self.ws), "Rechercher un contact…",
                                             "Aucun(e)")
        self._add(form, "organiser_id", "&Organisateur·rice", self.organiser_choice)
        self.organiser_org_choice = RecordChoice(structure_search(self.ws),
                                                 "Rechercher une structure…", "Notre structure")
        self._add(form, "organiser_org_id", "Structure organisatrice", self.organiser_org_choice)
        self.speakers_label = QLabel("")
        self.speakers_label.setWordWrap(True)
        self.speakers_label.setTextFormat(Qt.TextFormat.PlainText)
        self._add(form, "speakers", "Intervenant(e)s", self.speakers_label,
                  "Le rôle « Intervenant(e) » ou « Organisateur·rice » se donne dans l'onglet "
                  "« Participants »\u00a0; leurs noms sont imprimés sur la feuille.")
        self.place_edit = QLineEdit()
        self.place_edit.setPlaceholderText("ex. : Maison de l'emploi – salle du conseil")
        self._add(form, "place_name", "&Lieu", self.place_edit)
        self.address_edit = QPlainTextEdit()
        self.address_edit.setTabChangesFocus(True)
        self.address_edit.setFixedHeight(self.address_edit.fontMetrics().lineSpacing() * 2 + 14)
        self.address_edit.setPlaceholderText("ex. : 12 rue de la Tour d'Auvergne, 89000 Auxerre")
        self._add(form, "place_address", "A&dresse", self.address_edit)
        self.capacity_spin = QSpinBox()
        self.capacity_spin.setRange(0, 100_000)
        self.capacity_spin.setSpecialValueText("non limitée")
        self.capacity_spin.setSuffix(" places")
        self.capacity_spin.setMaximumWidth(200)
        self._add(form, "capacity", "Ca&pacité", self.capacity_spin)
        self.objectives_edit = QPlainTextEdit()
        self.objectives_edit.setTabChangesFocus(True)
        self.objectives_edit.setFixedHeight(self.objectives_edit.fontMetrics().lineSpacing() * 3 + 14)
        self._add(form, "objectives", "Ob&jectifs", self.objectives_edit)
        self.status_combo = QComboBox()
        for code, text in labels.MEETING_STATUSES.items():
            self.status_combo.addItem(text, code)
        self.status_combo.setMaximumWidth(200)
        self._add(form, "status", "St&atut", self.status_combo)
        return page

    def _sessions_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 12, 12, 12)
        generator = QHBoxLayout()
        start_label = QLabel("À partir du")
        self.from_edit = DateEdit(dt.date.today() + dt.timedelta(days=7))
        start_label.setBuddy(self.from_edit)
        self.days_spin = QSpinBox()
        self.days_spin.setRange(1, 60)
        self.days_spin.setValue(1)
        self.days_spin.setSuffix(" jour(s)")
        days_label = QLabel("pendant")
        days_label.setBuddy(self.days_spin)
        self.add_days_button = QPushButton("Ajouter les &demi-journées")
        self.add_days_button.setToolTip("Matin 9 h 00 – 12 h 30 et après-midi 13 h 30 – 17 h 00, "
                                        "pour chaque jour")
        self.add_days_button.setAutoDefault(False)
        self.add_days_button.clicked.connect(self.add_days)
        for widget in (start_label, self.from_edit, days_label, self.days_spin,
                       self.add_days_button):
            generator.addWidget(widget)
        generator.addStretch(1)
        layout.addLayout(generator)
        self.sessions_table = QTableWidget(0, 5)
        self.sessions_table.setObjectName("sessionsTable")
        self.sessions_table.setHorizontalHeaderLabels(["Date", "Début", "Fin", "Créneau", "État"])
        self.sessions_table.verticalHeader().setVisible(False)
        self.sessions_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.sessions_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.sessions_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sessions_table.verticalHeader().setDefaultSectionSize(
            self.sessions_table.fontMetrics().height() + 16)
        header = self.sessions_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.sessions_table, 1)
        buttons = QHBoxLayout()
        self.add_session_button = QPushButton("Ajouter un c&réneau")
        self.add_session_button.setAutoDefault(False)
        self.add_session_button.clicked.connect(self.add_session)
        self.remove_session_button = QPushButton("Retirer le créneau")
        self.remove_session_button.setAutoDefault(False)
        self.remove_session_button.setToolTip("Retirer le créneau choisi (Suppr)")
        self.remove_session_button.clicked.connect(self.remove_session)
        buttons.addWidget(self.add_session_button)
        buttons.addWidget(self.remove_session_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.sessions_box = FieldBox(box, "Un créneau qui porte des signatures ou qui est scellé "
                                          "ne peut plus être déplacé ni retiré.")
        self.fields["sessions"] = self.sessions_box
        layout.addWidget(self.sessions_box, 1)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.sessions_table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove_session)
        return page

    def _agenda_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 12, 12, 12)
        self.agenda_table = QTableWidget(0, 2)
        self.agenda_table.setObjectName("agendaTable")
        self.agenda_table.setHorizontalHeaderLabels(["Point", "Intervenant(e)"])
        self.agenda_table.verticalHeader().setDefaultSectionSize(
            self.agenda_table.fontMetrics().height() + 12)
        self.agenda_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.agenda_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.agenda_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.agenda_table.setColumnWidth(1, 220)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.agenda_table, 1)
        buttons = QHBoxLayout()
        self.agenda_add_button = QPushButton("Ajouter un &point")
        self.agenda_up_button = QPushButton("&Monter")
        self.agenda_up_button.setToolTip("Monter le point (Alt+Haut)")
        self.agenda_down_button = QPushButton("Desce&ndre")
        self.agenda_down_button.setToolTip("Descendre le point (Alt+Bas)")
        self.agenda_remove_button = QPushButton("Retirer le point")
        for button, slot in ((self.agenda_add_button, self.add_agenda_item),
                             (self.agenda_up_button, lambda: self.move_agenda_item(-1)),
                             (self.agenda_down_button, lambda: self.move_agenda_item(1)),
                             (self.agenda_remove_button, self.remove_agenda_item)):
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, s=slot: s())
            buttons.addWidget(button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.fields["agenda"] = FieldBox(box, "Les points vides sont ignorés.")
        layout.addWidget(self.fields["agenda"], 1)
        for key, step in (("Alt+Up", -1), ("Alt+Down", 1)):
            shortcut = QShortcut(QKeySequence(key), self.agenda_table)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda s=step: self.move_agenda_item(s))
        return page

    # --- loading ----------------------------------------------------------------------------

    def _load(self) -> None:
        d = self.detail
        if d is None:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData("copil"))
            self.status_combo.setCurrentIndex(self.status_combo.findData("prevue"))
            self._fill_sessions()
            return
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(d.kind)))
        self.title_edit.setText(d.title)
        self.series_edit.setText(d.series)
        self.number_spin.setValue(d.number or 0)
        self.action_combo.setCurrentIndex(max(0, self.action_combo.findData(d.action_id)))
        self.organiser_choice.set_value(d.organiser_id, d.organiser)
        self.organiser_org_choice.set_value(d.organiser_org_id, d.organiser_org)
        self.place_edit.setText(d.place_name)
        self.address_edit.setPlainText(d.place_address)
        self.capacity_spin.setValue(d.capacity or 0)
        self.objectives_edit.setPlainText(d.objectives)
        self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(d.status)))
        self.session_rows = [SessionRow(s.date, s.start_time, s.end_time, s.id, s.label,
                                        s.signatures, s.sealed) for s in d.sessions]
        if d.sessions:
            self.from_edit.set_value(d.sessions[-1].date + dt.timedelta(days=1))
        self._fill_sessions()
        self.agenda_table.setRowCount(0)
        for item in d.agenda:
            self._append_agenda(item.text, item.presenter)

    def _update_speakers(self) -> None:
        names = [f"{p.display_name} ({labels.label(labels.PARTICIPANT_ROLES, p.role).lower()})"
                 for p in self.participants.participants if p.role != "participant"]
        self.speakers_label.setText(", ".join(names) if names else "aucun(e) pour l'instant")
        self.speakers_label.setStyleSheet("" if names else "color: #5b6270;")

    def _update_title(self) -> None:
        if self.meeting_id is None:
            self.setWindowTitle("Nouvelle réunion")
        else:
            title = self.title_edit.text().strip() or (self.detail.title if self.detail else "")
            self.setWindowTitle(f"Modifier la réunion – {title}")

    # --- series -----------------------------------------------------------------------------

    def _series_done(self) -> None:
        if self._series_timer.isActive():
            self.propose_number()

    def propose_number(self) -> None:
        """Propose the next number of the series typed (after « CP4 » comes « CP5 »)."""
        self._series_timer.stop()
        series = self.series_edit.text().strip()
        self.series_note.hide()
        if not series:
            self.number_spin.setValue(0)
            self.series_note.setText("")
            return
        if self.detail is not None and series == self.detail.series and self.detail.number:
            self.number_spin.setValue(self.detail.number)
            self.series_note.setText("")
            return
        self.series_note.show()
        proposal = svc.next_in_series(self.ws, series)
        self.number_spin.setValue(proposal.number)
        if proposal.previous_meeting_id is None:
            self.series_note.setText(f"Première réunion de la série « {series} »\u00a0: "
                                     f"« {proposal.reference} ».")
        else:
            previous = svc.reference(series, proposal.number - 1)
            self.series_note.setText(f"Après « {previous} » vient « {proposal.reference} ».")

    # --- sessions ---------------------------------------------------------------------------

    def _fill_sessions(self) -> None:
        self.session_rows.sort(key=lambda r: r.key)
        table = self.sessions_table
        current = table.currentRow()
        table.setRowCount(0)
        table.setRowCount(len(self.session_rows))
        for row, data in enumerate(self.session_rows):
            date_edit = DateEdit(data.date)
            start_edit = TimeEdit(data.start)
            end_edit = TimeEdit(data.end)
            for editor in (date_edit, start_edit, end_edit):
                editor.setEnabled(not data.locked)
                if data.locked:
                    editor.setToolTip(removal_refused(data))
            date_edit.dateChanged.connect(lambda _d, r=data, e=date_edit: self._edited(r, date=e.value()))
            start_edit.timeChanged.connect(lambda _t, r=data, e=start_edit: self._edited(r, start=e.value()))
            end_edit.timeChanged.connect(lambda _t, r=data, e=end_edit: self._edited(r, end=e.value()))
            table.setCellWidget(row, 0, date_edit)
            table.setCellWidget(row, 1, start_edit)
            table.setCellWidget(row, 2, end_edit)
            table.setItem(row, 3, QTableWidgetItem(self._label_text(data)))
            table.setItem(row, 4, QTableWidgetItem(self._state_text(data)))
        if self.session_rows:
            table.selectRow(min(max(current, 0), len(self.session_rows) - 1))
        self.remove_session_button.setEnabled(bool(self.session_rows))

    @staticmethod
    def _label_text(row: SessionRow) -> str:
        code = row.label if row.session_id and row.label else svc.session_label_for(row.start, row.end)
        return labels.label(labels.SESSION_LABELS, code)

    @staticmethod
    def _state_text(row: SessionRow) -> str:
        if row.sealed:
            return "scellé"
        if row.signatures:
            return fmt.plural(row.signatures, "signature")
        return "nouveau" if row.session_id is None else ""

    def _edited(self, row: SessionRow, *, date: dt.date | None = None,
                start: dt.time | None = None, end: dt.time | None = None) -> None:
        if date is not None:
            row.date = date
        if start is not None:
            row.start = start
        if end is not None:
            row.end = end
        row.label = ""  # recomputed from the times
        index = next(i for i, r in enumerate(self.session_rows) if r is row)
        self.sessions_table.item(index, 3).setText(self._label_text(row))

    def session_inputs(self) -> tuple[SessionInput, ...]:
        return tuple(SessionInput(r.date, r.start, r.end, r.label) for r in self.session_rows)

    def add_days(self) -> None:
        """« Ajouter les demi-journées »: two half-days for each day (duplicates skipped)."""
        self.sessions_box.set_error("")
        try:
            wanted = svc.default_sessions(self.from_edit.value(), self.days_spin.value())
        except ValidationError as exc:
            self.sessions_box.set_error(exc.message)
            return
        known = {r.key for r in self.session_rows}
        for s in wanted:
            if (s.date, s.start_time, s.end_time) not in known:
                self.session_rows.append(SessionRow(s.date, s.start_time, s.end_time))
        self._fill_sessions()
        self.from_edit.set_value(wanted[-1].date + dt.timedelta(days=1))

    def add_session(self) -> None:
        """One more half-day after the last one (or on the « À partir du » date)."""
        self.sessions_box.set_error("")
        if not self.session_rows:
            day, (start, end) = self.from_edit.value(), svc.MORNING
        else:
            last = max(self.session_rows, key=lambda r: r.key)
            if last.end <= svc.HALF_DAY_SPLIT:
                day, (start, end) = last.date, svc.AFTERNOON
            else:
                day, (start, end) = last.date + dt.timedelta(days=1), svc.MORNING
        self.session_rows.append(SessionRow(day, start, end))
        self._fill_sessions()
        self.sessions_table.selectRow(len(self.session_rows) - 1)

    def remove_session(self) -> None:
        row = self.sessions_table.currentRow()
        if not 0 <= row < len(self.session_rows):
            return
        data = self.session_rows[row]
        if data.locked:
            self.sessions_box.set_error(removal_refused(data))
            return
        self.sessions_box.set_error("")
        del self.session_rows[row]
        self._fill_sessions()

    # --- ordre du jour ----------------------------------------------------------------------

    def _append_agenda(self, text: str = "", presenter: str = "") -> int:
        row = self.agenda_table.rowCount()
        self.agenda_table.insertRow(row)
        self.agenda_table.setItem(row, 0, QTableWidgetItem(text))
        self.agenda_table.setItem(row, 1, QTableWidgetItem(presenter))
        return row

    def add_agenda_item(self) -> None:
        row = self._append_agenda()
        self.tabs.setCurrentIndex(TAB_AGENDA)
        self.agenda_table.setCurrentCell(row, 0)
        self.agenda_table.editItem(self.agenda_table.item(row, 0))

    def _agenda_row(self, row: int) -> tuple[str, str]:
        return tuple(self.agenda_table.item(row, c).text() if self.agenda_table.item(row, c)
                     else "" for c in (0, 1))  # type: ignore[return-value]

    def move_agenda_item(self, step: int) -> None:
        row = self.agenda_table.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.agenda_table.rowCount():
            return
        a, b = self._agenda_row(row), self._agenda_row(target)
        for column in (0, 1):
            self.agenda_table.item(row, column).setText(b[column])
            self.agenda_table.item(target, column).setText(a[column])
        self.agenda_table.setCurrentCell(target, self.agenda_table.currentColumn())

    def remove_agenda_item(self) -> None:
        row = self.agenda_table.currentRow()
        if row >= 0:
            self.agenda_table.removeRow(row)

    def agenda_inputs(self) -> tuple[AgendaItemInput, ...]:
        rows = [self._agenda_row(r) for r in range(self.agenda_table.rowCount())]
        return tuple(AgendaItemInput(text, presenter) for text, presenter in rows if text.strip())

    # --- saving -----------------------------------------------------------------------------

    def value(self) -> MeetingInput:
        return MeetingInput(
            kind=self.kind_combo.currentData(),
            title=self.title_edit.text(),
            series=self.series_edit.text().strip(),
            number=self.number_spin.value() or None,
            action_id=self.action_combo.currentData(),
            organiser_id=self.organiser_choice.value(),
            organiser_org_id=self.organiser_org_choice.value(),
            place_name=self.place_edit.text(),
            place_address=self.address_edit.toPlainText(),
            capacity=self.capacity_spin.value() or None,
            objectives=self.objectives_edit.toPlainText(),
            status=self.status_combo.currentData(),
            agenda=self.agenda_inputs(),
            sessions=self.session_inputs(),
        )

    def _snapshot(self) -> MeetingInput:
        return self.value()

    def show_error(self, error: MaillageError) -> None:
        """Show ``error`` under its field (on its tab), or above the tabs."""
        field = getattr(error, "field", None) or ""
        field = FIELD_ALIASES.get(field, field)
        box = self.fields.get(field)
        if box is None:
            self.banner.setText(error.message)
            self.banner.show()
            return
        self.tabs.setCurrentIndex(FIELD_TABS.get(field, TAB_GENERAL))
        box.set_error(error.message)
        box.editor.setFocus()

    def clear_errors(self) -> None:
        self.banner.hide()
        for box in self.fields.values():
            box.set_error("")

    def save(self) -> bool:
        """Write the form; errors are shown and ``False`` returned (nothing is lost)."""
        self._series_timer.stop()
        self.clear_errors()
        data = self.value()
        try:
            if self.meeting_id is None:
                self.saved = svc.create_meeting(self.ws, data)
                self.meeting_id = self.saved.id
            else:
                changes = svc.update_meeting(self.ws, self.meeting_id, data)
                self.saved = Saved(self.meeting_id, changes)
        except MaillageError as exc:
            self.show_error(exc)
            return False
        self.changes.append(self.saved.changes)
        self.detail = svc.get_meeting(self.ws, self.meeting_id)
        self.session_rows = [SessionRow(s.date, s.start_time, s.end_time, s.id, s.label,
                                        s.signatures, s.sealed) for s in self.detail.sessions]
        self._fill_sessions()
        self._update_title()
        self._initial = self._snapshot()
        return True

    def ensure_saved(self) -> str | None:
        """The meeting's id, saving a new meeting first (the Participants tab needs it)."""
        if self.meeting_id is not None:
            return self.meeting_id
        if not self.save():
            return None
        self.participants.meeting_id = self.meeting_id
        return self.meeting_id

    def all_changes(self) -> ChangeSet:
        """Everything the dialog wrote, as one step of the undo history: « Créer la réunion
        COPIL n° 5 » (its sessions and invitations with it) or « Modifier la réunion … »."""
        steps = [c for c in self.changes if getattr(c, "undo", None)]
        title = " ".join(self.title_edit.text().split()) or (self.detail.title if self.detail else "")
        if self.creating:
            label = f"Créer la réunion {title}"
        elif len(steps) > 1:
            label = f"Modifier la réunion {title}"
        else:
            label = ""
        return merged(self.changes, label)

    def accept(self) -> None:
        if self.save():
            super().accept()

    def reject(self) -> None:
        if self._snapshot() != self._initial:
            from ui.partners.widgets import confirm_discard

            if not confirm_discard(self):
                return
        super().reject()
