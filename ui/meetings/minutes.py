"""The compte rendu editor.

Présents and excusés come from the attendance (« Alexandre FASSI (Inter-Made) »; the publics
accompagnés are counted, never named), with the ordre du jour, as the printed minutes show
them (:func:`app.documents.minutes.load_minutes`). The officer writes the content and the
decisions, lists the follow-up actions (owner, due date, done) and signs « CR réalisé par …,
le … ». « Imprimer le compte rendu… » saves, writes the PDF off the GUI thread
(:func:`~app.documents.minutes.write_minutes`) and opens the preview.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.documents.minutes import load_minutes
from app.domain import formatting as fmt
from app.errors import MaillageError, ValidationError
from app.services import meetings as svc
from app.services.meetings import FollowUpInput, MinutesInput
from app.services.workspace import ChangeSet, Workspace
from ui.conventions.fields import DateEdit, FieldBox, OptionalDate
from ui.conventions.printing import preview_folder
from ui.meetings.common import Task, error_text, merged, run_in_background
from ui.meetings.printing import minutes_name, open_preview


@dataclass
class FollowUpRow:
    item_id: str | None
    text: str
    owner_id: str | None
    owner: str
    due_date: dt.date | None
    done: bool


def _text_edit(placeholder: str, lines: int | None = None) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(placeholder)
    if lines:
        edit.setMinimumHeight(edit.fontMetrics().lineSpacing() * lines + 14)
    return edit


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("detailTableTitle")
    return label


class MinutesDialog(QDialog):
    """« Compte rendu… » of one meeting; ``changes`` lists what was written."""

    saved = Signal(object)  # ChangeSet

    def __init__(self, ws: Workspace, meeting_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("minutesDialog")
        self.ws = ws
        self.meeting_id = meeting_id
        self.detail = svc.get_meeting(ws, meeting_id)
        self.minutes = load_minutes(ws, meeting_id)
        self.changes: list[ChangeSet] = []
        self.task: Task | None = None
        self.preview_dialog: QDialog | None = None
        self.setWindowTitle(f"Compte rendu – {self.detail.title}")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 10)
        title = QLabel(fmt.typography(self.detail.title))
        title.setObjectName("panelTitle")
        title.setWordWrap(True)
        layout.addWidget(title)
        when = ", ".join(fmt.date_long(d) for d in self.minutes.dates) or "pas encore de date"
        subtitle = QLabel(" · ".join(x for x in (self.detail.kind_label, when,
                                                  self.minutes.place) if x))
        subtitle.setObjectName("detailSubtitle")
        subtitle.setWordWrap(True)
        layout.addWidget(subtitle)
        self.banner = QLabel("")
        self.banner.setObjectName("fieldError")
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.banner)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._writing_column())
        splitter.addWidget(self._facts_column())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([560, 360])
        layout.addWidget(splitter, 3)
        layout.addWidget(self._follow_ups_box(), 2)

        signed = QHBoxLayout()
        by_label = QLabel("CR réalisé &par")
        self.author_edit = QLineEdit(self.detail.minutes_author or self.minutes.author)
        by_label.setBuddy(self.author_edit)
        self.date_edit = DateEdit(self.detail.minutes_date or dt.date.today())
        on_label = QLabel(", le")
        on_label.setBuddy(self.date_edit)
        self.fields: dict[str, FieldBox] = {
            "author": FieldBox(self.author_edit), "date": FieldBox(self.date_edit)}
        signed.addWidget(by_label)
        signed.addWidget(self.fields["author"], 2)
        signed.addWidget(on_label)
        signed.addWidget(self.fields["date"], 1)
        signed.addStretch(1)
        layout.addLayout(signed)

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        layout.addWidget(self.progress)
        buttons = QDialogButtonBox()
        self.print_button = buttons.addButton("&Imprimer le compte rendu…",
                                              QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.setToolTip("Enregistrer, puis l'aperçu avant impression (Ctrl+P)")
        self.print_button.setAutoDefault(False)
        self.print_button.clicked.connect(self.print_minutes)
        self.save_button = buttons.addButton("&Enregistrer", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setToolTip("Enregistrer (Ctrl+S)")
        cancel = buttons.addButton("Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setAutoDefault(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.accept)
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self.print_minutes)
        self._initial = self._snapshot()
        self.resize(980, 780)
        self.content_edit.setFocus()

    # --- construction ---------------------------------------------------------------------

    def _writing_column(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 6, 0)
        content_label = _heading("&Compte rendu")
        self.content_edit = _text_edit("Ce qui a été présenté et discuté, point par point. "
                                       "Une ligne commençant par « - » fait une puce.", 8)
        self.content_edit.setPlainText(self.detail.minutes)
        content_label.setBuddy(self.content_edit)
        column.addWidget(content_label)
        column.addWidget(self.content_edit, 3)
        decisions_label = _heading("&Décisions")
        self.decisions_edit = _text_edit("Le relevé de décisions.", 3)
        self.decisions_edit.setPlainText(self.detail.decisions)
        decisions_label.setBuddy(self.decisions_edit)
        column.addWidget(decisions_label)
        column.addWidget(self.decisions_edit, 1)
        return box

    def _facts_column(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(6, 0, 0, 0)
        m = self.minutes
        column.addWidget(_heading(f"Présents ({len(m.present)})"))
        self.present_view = self._list_view(m.present, "Aucune présence enregistrée\u00a0: "
                                            "« Saisir les présences… » ou le mode émargement.")
        column.addWidget(self.present_view, 2)
        if m.beneficiaries_present:
            note = QLabel(f"et {fmt.plural(m.beneficiaries_present, 'personne accompagnée', 'personnes accompagnées')} "
                          "(comptées, jamais nommées).")
            note.setObjectName("formNote")
            note.setWordWrap(True)
            column.addWidget(note)
        column.addWidget(_heading(f"Excusés ({len(m.excused)})"))
        self.excused_view = self._list_view(m.excused, "Personne ne s'est excusé.")
        column.addWidget(self.excused_view, 1)
        column.addWidget(_heading("Ordre du jour"))
        agenda = [f"{n}. {text}" for n, text in enumerate(m.agenda, start=1)]
        self.agenda_view = self._list_view(tuple(agenda), "Pas d'ordre du jour (fiche de la "
                                                          "réunion, onglet « Ordre du jour »).")
        column.addWidget(self.agenda_view, 1)
        source = QLabel("Repris des présences enregistrées et de la fiche de la réunion.")
        source.setObjectName("formNote")
        source.setWordWrap(True)
        column.addWidget(source)
        return box

    @staticmethod
    def _list_view(lines: tuple[str, ...], empty: str) -> QPlainTextEdit:
        view = QPlainTextEdit("\n".join(lines) if lines else empty)
        view.setReadOnly(True)
        view.setTabChangesFocus(True)
        view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        view.setMinimumHeight(view.fontMetrics().lineSpacing() * 3 + 12)
        if not lines:
            view.setStyleSheet("color: #6b7280;")
        return view

    def _follow_ups_box(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 6, 0, 0)
        column.addWidget(_heading("Actions de suivi"))
        self.follow_table = QTableWidget(0, 4)
        self.follow_table.setObjectName("followUpsTable")
        self.follow_table.setHorizontalHeaderLabels(["Action", "Responsable", "Échéance", "Fait"])
        self.follow_table.verticalHeader().setVisible(False)
        self.follow_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.follow_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.follow_table.verticalHeader().setDefaultSectionSize(
            self.follow_table.fontMetrics().height() + 16)
        header = self.follow_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Fixed)
        self.follow_table.setColumnWidth(1, 230)
        self.follow_table.setColumnWidth(2, 200)
        self.follow_table.setColumnWidth(3, 50)
        self.follow_ids: list[str | None] = []
        self._owner_names = {p.display_name: p.person_id for p in self.detail.participants}
        for f in self.detail.follow_ups:
            self._append_follow_up(FollowUpRow(f.id, f.text, f.owner_id, f.owner, f.due_date,
                                               f.done))
        buttons = QHBoxLayout()
        add = QPushButton("&Ajouter une action")
        add.setAutoDefault(False)
        add.clicked.connect(self.add_follow_up)
        remove = QPushButton("&Retirer l'action")
        remove.setAutoDefault(False)
        remove.clicked.connect(self.remove_follow_up)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(0, 0, 0, 0)
        inner_layout.addWidget(self.follow_table, 1)
        inner_layout.addLayout(buttons)
        self.fields_follow = FieldBox(inner)
        column.addWidget(self.fields_follow, 1)
        self.removed_follow_ups: list[str] = []
        return box

    # --- follow-ups -------------------------------------------------------------------------

    def _append_follow_up(self, data: FollowUpRow) -> int:
        table = self.follow_table
        row = table.rowCount()
        table.insertRow(row)
        table.setItem(row, 0, QTableWidgetItem(data.text))
        owner = QComboBox()
        owner.setEditable(True)
        owner.addItem("")
        for name in self._owner_names:
            owner.addItem(name)
        owner.setCurrentText(data.owner)
        owner.lineEdit().setPlaceholderText("un participant ou un nom")
        table.setCellWidget(row, 1, owner)
        due = OptionalDate(data.due_date, empty_text="sans date")
        table.setCellWidget(row, 2, due)
        done = QCheckBox()
        done.setChecked(data.done)
        done.setToolTip("Action réalisée")
        holder = QWidget()
        holder_layout = QHBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        holder_layout.addWidget(done, 0, Qt.AlignmentFlag.AlignCenter)
        table.setCellWidget(row, 3, holder)
        self.follow_ids.append(data.item_id)
        return row

    def add_follow_up(self) -> int:
        row = self._append_follow_up(FollowUpRow(None, "", None, "", None, False))
        self.follow_table.setCurrentCell(row, 0)
        self.follow_table.editItem(self.follow_table.item(row, 0))
        return row

    def remove_follow_up(self) -> None:
        row = self.follow_table.currentRow()
        if row < 0:
            return
        item_id = self.follow_ids.pop(row)
        if item_id is not None:
            self.removed_follow_ups.append(item_id)
        self.follow_table.removeRow(row)

    def follow_up_rows(self) -> list[FollowUpRow]:
        out = []
        table = self.follow_table
        for row in range(table.rowCount()):
            item = table.item(row, 0)
            owner: QComboBox = table.cellWidget(row, 1)  # type: ignore[assignment]
            due: OptionalDate = table.cellWidget(row, 2)  # type: ignore[assignment]
            done: QCheckBox = table.cellWidget(row, 3).findChild(QCheckBox)  # type: ignore[union-attr]
            name = owner.currentText().strip()
            out.append(FollowUpRow(self.follow_ids[row], item.text() if item else "",
                                   self._owner_names.get(name), name, due.value(),
                                   done.isChecked()))
        return out

    def set_follow_up(self, row: int, text: str, owner: str = "",
                      due: dt.date | None = None) -> None:
        """Fill a follow-up line (what typing in its cells does)."""
        self.follow_table.item(row, 0).setText(text)
        self.follow_table.cellWidget(row, 1).setCurrentText(owner)  # type: ignore[union-attr]
        self.follow_table.cellWidget(row, 2).set_value(due)  # type: ignore[union-attr]

    # --- saving -----------------------------------------------------------------------------

    def value(self) -> MinutesInput:
        return MinutesInput(self.content_edit.toPlainText(), self.decisions_edit.toPlainText(),
                            self.author_edit.text(), self.date_edit.value())

    def _snapshot(self) -> tuple:
        return (self.value(), tuple((r.text, r.owner, r.due_date, r.done)
                                    for r in self.follow_up_rows()), len(self.removed_follow_ups))

    def _clear_errors(self) -> None:
        self.banner.hide()
        self.fields_follow.set_error("")
        for box in self.fields.values():
            box.set_error("")

    def save(self) -> bool:
        """Save the text and the follow-ups; an error is shown next to its field."""
        self._clear_errors()
        rows = self.follow_up_rows()
        for n, r in enumerate(rows, start=1):
            if not r.text.strip():
                self.fields_follow.set_error(f"Action {n}\u00a0: décrivez l'action de suivi "
                                             "(ou retirez la ligne).")
                self.follow_table.setCurrentCell(n - 1, 0)
                return False
        try:
            self.changes.append(svc.save_minutes(self.ws, self.meeting_id, self.value()))
            for item_id in self.removed_follow_ups:
                self.changes.append(svc.remove_follow_up(self.ws, item_id))
            self.removed_follow_ups = []
            existing = {f.id: f for f in svc.get_meeting(self.ws, self.meeting_id).follow_ups}
            for index, r in enumerate(rows):
                data = FollowUpInput(r.text, r.owner_id, "" if r.owner_id else r.owner,
                                     r.due_date, r.done)
                if r.item_id is None:
                    saved = svc.add_follow_up(self.ws, self.meeting_id, data)
                    self.follow_ids[index] = saved.id
                    self.changes.append(saved.changes)
                else:
                    old = existing.get(r.item_id)
                    if old is None or (old.text, old.owner_id, old.owner, old.due_date,
                                       old.done) != (data.text.strip(), data.owner_id, r.owner,
                                                     data.due_date, data.done):
                        self.changes.append(svc.update_follow_up(self.ws, r.item_id, data))
        except ValidationError as exc:
            box = self.fields.get(exc.field or "")
            if box is not None:
                box.set_error(exc.message)
            elif exc.field == "text":
                self.fields_follow.set_error(exc.message)
            else:
                self._banner(exc.message)
            return False
        except MaillageError as exc:
            self._banner(exc.message)
            return False
        self._initial = self._snapshot()
        self.saved.emit(self.all_changes())
        return True

    def _banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()

    def all_changes(self) -> ChangeSet:
        return merged(self.changes)

    def accept(self) -> None:
        if self.save():
            super().accept()

    def reject(self) -> None:
        if self._snapshot() != self._initial:
            from ui.partners.widgets import confirm_discard

            if not confirm_discard(self):
                return
        super().reject()

    # --- printing ---------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.task is not None and self.task.running

    def print_minutes(self) -> Task | None:
        """Save, write the PDF off the GUI thread, then open the preview (print or save)."""
        if self.running or not self.save():
            return None
        from app.documents.minutes import write_minutes

        ws, meeting_id = self.ws, self.meeting_id
        name = minutes_name(self.detail)
        path = preview_folder() / name
        self.progress.show()
        self.print_button.setEnabled(False)

        def done(_result: object) -> None:
            self.progress.hide()
            self.print_button.setEnabled(True)
            self.preview_dialog = open_preview(self, path, f"Compte rendu – {self.detail.title}",
                                               name)
            self.preview_dialog.destroyed.connect(
                lambda _o=None: setattr(self, "preview_dialog", None))

        def failed(error: Exception) -> None:
            self.progress.hide()
            self.print_button.setEnabled(True)
            self._banner(f"Le compte rendu n'a pas pu être mis en page\u00a0: {error_text(error)}")

        self.task = run_in_background(
            self, lambda progress, cancelled: write_minutes(ws, meeting_id, path, progress=progress,
                                                            cancel=cancelled), done, failed)
        return self.task
