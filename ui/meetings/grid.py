"""Attendance from the paper sheet: people × sessions, typed in with the keyboard.

Espace cycles présent → absent → excusé (:func:`app.services.attendance.next_status`), P, A,
E and R set présent, absent, excusé and en retard, Suppr clears a cell, the arrows move.
« Tous présents » records every expected person of the current session who has nothing yet
(:func:`~app.services.attendance.mark_all_present`). Arrival and departure times are optional.
The last row gives the totals of each session.

A sealed session refuses every change (the service says so); « Modifier en tant que
responsable… » asks the officer's confirmation (the password when one is set) and a reason,
kept in the audit log with each change (``officer_override``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt
from app.errors import MaillageError
from app.services import attendance as svc
from app.services.attendance import AttendanceCell, AttendanceEntry, AttendanceGrid
from app.services.workspace import Workspace
from ui.meetings.common import OptionalTime, ask_reason, confirm_officer, session_short

FIXED_COLUMNS = 2
STATUS_TEXT = {"present": "Présent(e)", "absent": "Absent(e)", "excuse": "Excusé(e)",
               "retard": "En retard"}
STATUS_COLOUR = {"present": "#dff3e4", "retard": "#eaf5d8", "absent": "#fbe3e1",
                 "excuse": "#fff4c2"}
KEY_STATUS = {Qt.Key.Key_P: "present", Qt.Key.Key_A: "absent", Qt.Key.Key_E: "excuse",
              Qt.Key.Key_R: "retard"}
AnyIndex = QModelIndex | QPersistentModelIndex


def cell_text(cell: AttendanceCell) -> str:
    """« Présent(e) ✓ signé · 9 h 10 → 12 h 30 »."""
    if cell.status is None:
        return ""
    parts = [STATUS_TEXT.get(cell.status, cell.status)]
    if cell.signed:
        parts[0] += " ✓"
    if cell.arrival or cell.departure:
        parts.append(f"{fmt.time_short(cell.arrival) or '…'} → {fmt.time_short(cell.departure) or '…'}")
    return " · ".join(parts)


def totals_text(totals: svc.SessionTotals) -> str:
    """« 12 présents », then « 1 absent · 2 excusés » on a second line (the totals row)."""
    others = []
    if totals.absent:
        others.append(fmt.plural(totals.absent, "absent"))
    if totals.excused:
        others.append(fmt.plural(totals.excused, "excusé"))
    if totals.unknown:
        others.append(f"{fmt.number(totals.unknown)} sans statut")
    return fmt.plural(totals.attending, "présent") + ("\n" + " · ".join(others) if others else "")


def header_text(session: svc.SessionView, state: str = "") -> str:
    """« mar. 21/04 », « Après-midi », « (scellé) » on three lines."""
    day = session_short(session).split(" – ")[0]
    return "\n".join(x for x in (day, session.label_text, state) if x)


class AttendanceModel(QAbstractTableModel):
    """Rows: the participants then « Total »; columns: Nom, Structure, one per session."""

    def __init__(self, grid: AttendanceGrid, parent: Any = None) -> None:
        super().__init__(parent)
        self.grid = grid
        self.overrides: set[str] = set()

    def set_grid(self, grid: AttendanceGrid) -> None:
        self.beginResetModel()
        self.grid = grid
        self.endResetModel()

    @property
    def total_row(self) -> int:
        return len(self.grid.rows)

    def session_of(self, column: int) -> svc.SessionView | None:
        index = column - FIXED_COLUMNS
        return self.grid.sessions[index] if 0 <= index < len(self.grid.sessions) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.grid.rows) + 1

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else FIXED_COLUMNS + len(self.grid.sessions)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        session = self.session_of(column)
        if row == self.total_row:
            if role == Qt.ItemDataRole.DisplayRole:
                if column == 0:
                    return "Total"
                if session is not None:
                    return totals_text(self.grid.totals[column - FIXED_COLUMNS])
                return ""
            if role == Qt.ItemDataRole.ToolTipRole and session is not None:
                t = self.grid.totals[column - FIXED_COLUMNS]
                return (f"{fmt.plural(t.present, 'présent')}, {fmt.number(t.late)} en retard, "
                        f"{fmt.plural(t.absent, 'absent')}, {fmt.plural(t.excused, 'excusé')}, "
                        f"{fmt.number(t.unknown)} sans statut")
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.BackgroundRole:
                return QColor("#eef0f3")
            if role == Qt.ItemDataRole.TextAlignmentRole and session is not None:
                return int(Qt.AlignmentFlag.AlignCenter)
            return None
        person = self.grid.rows[row]
        if column == 0:
            return person.display_name if role in (Qt.ItemDataRole.DisplayRole,
                                                   Qt.ItemDataRole.ToolTipRole) else None
        if column == 1:
            return person.organisation if role in (Qt.ItemDataRole.DisplayRole,
                                                   Qt.ItemDataRole.ToolTipRole) else None
        cell = person.cells[column - FIXED_COLUMNS]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(cell)
        if role == Qt.ItemDataRole.BackgroundRole and cell.status in STATUS_COLOUR:
            return QColor(STATUS_COLOUR[cell.status])
        if role == Qt.ItemDataRole.ForegroundRole and session is not None and session.sealed \
                and session.id not in self.overrides:
            return QColor("#5b6270")
        if role == Qt.ItemDataRole.ToolTipRole:
            notes = []
            if cell.signed:
                notes.append(f"Signé sur écran le {fmt.datetime_short(cell.signed_at)}")
            if session is not None and session.sealed:
                notes.append(f"Créneau scellé par {session.sealed_by}")
            return "\n".join(notes) or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        session = self.session_of(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return "Nom"
            if section == 1:
                return "Structure"
            if session is not None:
                state = ""
                if session.sealed:
                    state = "(modifiable)" if session.id in self.overrides else "(scellé)"
                return header_text(session, state)
        if role == Qt.ItemDataRole.ToolTipRole and session is not None:
            caption = session.caption[0].upper() + session.caption[1:]
            if session.sealed:
                caption += f"\nScellé par {session.sealed_by} le {fmt.datetime_short(session.sealed_at)}"
            return caption
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class GridTable(QTableView):
    """The table; its keys go to the dialog (space, P, A, E, R, Suppr)."""

    def __init__(self, dialog: AttendanceGridDialog) -> None:
        super().__init__()
        self._dialog = dialog

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = not (event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                          | Qt.KeyboardModifier.AltModifier))
        if key == Qt.Key.Key_Space and plain:
            self._dialog.cycle_current()
            return
        if key in KEY_STATUS and plain:
            self._dialog.set_current(KEY_STATUS[key])
            return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and plain:
            self._dialog.set_current(None)
            return
        super().keyPressEvent(event)


class AttendanceGridDialog(QDialog):
    """« Saisir les présences »: the paper sheet typed in."""

    changed = Signal(object)  # ChangeSet

    def __init__(self, ws: Workspace, meeting_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attendanceGrid")
        self.ws = ws
        self.meeting_id = meeting_id
        self.overrides: dict[str, str] = {}  # session id -> the officer's reason
        self.officer_dialog = None
        grid = svc.attendance_grid(ws, meeting_id)
        self.setWindowTitle(f"Présences – {grid.title}")

        layout = QVBoxLayout(self)
        title = QLabel(fmt.typography(grid.title))
        title.setObjectName("panelTitle")
        title.setWordWrap(True)
        layout.addWidget(title)
        help_text = QLabel("Espace\u00a0: présent → absent → excusé · P, A, E, R\u00a0: présent, absent, "
                           "excusé, en retard · Suppr\u00a0: effacer · flèches\u00a0: se déplacer. "
                           "Chaque saisie est enregistrée aussitôt.")
        help_text.setObjectName("formNote")
        help_text.setWordWrap(True)
        layout.addWidget(help_text)
        self.model = AttendanceModel(grid, self)
        self.table = GridTable(self)
        self.table.setObjectName("attendanceTable")
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 12)
        header = self.table.horizontalHeader()
        header.setHighlightSections(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table.setColumnWidth(0, 210)
        self.table.setColumnWidth(1, 170)
        for column in range(FIXED_COLUMNS, self.model.columnCount()):
            self.table.setColumnWidth(column, 190)
        header.setMinimumHeight(3 * self.table.fontMetrics().height() + 14)
        self._size_total_row()
        self.model.modelReset.connect(self._size_total_row)
        self.table.selectionModel().currentChanged.connect(lambda *_: self._current_changed())
        layout.addWidget(self.table, 1)

        actions = QHBoxLayout()
        self.all_present_button = QPushButton("&Tous présents")
        self.all_present_button.setToolTip("Toutes les personnes attendues sans statut sont "
                                           "présentes pour le créneau de la colonne choisie "
                                           "(Ctrl+T)")
        self.all_present_button.setAutoDefault(False)
        self.all_present_button.clicked.connect(self.all_present)
        QShortcut(QKeySequence("Ctrl+T"), self, activated=self.all_present)
        self.officer_button = QPushButton("&Modifier en tant que responsable…")
        self.officer_button.setToolTip("Corriger un créneau scellé\u00a0: mot de passe et motif "
                                       "gardé dans le journal")
        self.officer_button.setAutoDefault(False)
        self.officer_button.clicked.connect(self.request_override)
        actions.addWidget(self.all_present_button)
        actions.addWidget(self.officer_button)
        actions.addStretch(1)
        self.arrival_edit = OptionalTime("Arrivée")
        self.departure_edit = OptionalTime("Départ")
        self.times_button = QPushButton("Enregistrer les &heures")
        self.times_button.setToolTip("Heures d'arrivée et de départ (facultatives) de la "
                                     "cellule choisie")
        self.times_button.setAutoDefault(False)
        self.times_button.clicked.connect(self.apply_times)
        actions.addWidget(self.arrival_edit)
        actions.addWidget(self.departure_edit)
        actions.addWidget(self.times_button)
        layout.addLayout(actions)
        self.override_label = QLabel("")
        self.override_label.setObjectName("privacyBanner")
        self.override_label.setWordWrap(True)
        self.override_label.hide()
        layout.addWidget(self.override_label)
        self.message = QLabel("")
        self.message.setObjectName("formNote")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        width = sum(self.table.columnWidth(c) for c in range(self.model.columnCount())) + 60
        self.resize(min(1200, max(760, width)), 640)
        if self.model.grid.rows and self.model.grid.sessions:
            self.table.setCurrentIndex(self.model.index(0, FIXED_COLUMNS))
        self.table.setFocus()
        self._current_changed()

    def _size_total_row(self) -> None:
        """The totals row holds two lines (présents, then absents and excusés)."""
        self.table.verticalHeader().resizeSection(self.model.total_row,
                                                  2 * self.table.fontMetrics().height() + 12)

    # --- reading ----------------------------------------------------------------------------

    @property
    def grid(self) -> AttendanceGrid:
        return self.model.grid

    def current_cell(self) -> tuple[int, int] | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.total_row \
                or index.column() < FIXED_COLUMNS:
            return None
        return index.row(), index.column()

    def current_session(self) -> svc.SessionView | None:
        index = self.table.currentIndex()
        return self.model.session_of(index.column()) if index.isValid() else None

    def _current_changed(self) -> None:
        session = self.current_session()
        self.all_present_button.setEnabled(session is not None)
        self.officer_button.setEnabled(session is not None and session.sealed
                                       and session.id not in self.overrides)
        cell = self.current_cell()
        enabled = cell is not None
        for widget in (self.arrival_edit, self.departure_edit, self.times_button):
            widget.setEnabled(enabled)
        if cell is not None:
            value = self.grid.rows[cell[0]].cells[cell[1] - FIXED_COLUMNS]
            default = session.start_time if session else dt.time(9, 0)
            self.arrival_edit.set_value(value.arrival)
            if value.arrival is None:
                self.arrival_edit.edit.set_value(default)
            self.departure_edit.set_value(value.departure)
            if value.departure is None:
                self.departure_edit.edit.set_value(session.end_time if session else default)
        self._show_override(session)

    def _show_override(self, session: svc.SessionView | None) -> None:
        if session is not None and session.id in self.overrides:
            self.override_label.setText(
                f"Créneau scellé, modifié en tant que responsable — motif\u00a0: "
                f"« {self.overrides[session.id]} » (gardé dans le journal avec chaque "
                "modification).")
            self.override_label.show()
        else:
            self.override_label.hide()

    def status_at(self, row: int, column: int) -> str | None:
        return self.grid.rows[row].cells[column - FIXED_COLUMNS].status

    def reload(self) -> None:
        index = self.table.currentIndex()
        row, column = index.row(), index.column()
        self.model.set_grid(svc.attendance_grid(self.ws, self.meeting_id))
        if row >= 0 and column >= 0:
            self.table.setCurrentIndex(self.model.index(min(row, self.model.rowCount() - 1),
                                                        column))
        self._current_changed()

    # --- writing ----------------------------------------------------------------------------

    def say(self, text: str, *, error: bool = False) -> None:
        """The line under the table: what was recorded, or why it was refused (in red)."""
        self.message.setStyleSheet("color: #b42318;" if error else "")
        self.message.setText(text)

    def _write(self, entries: list[AttendanceEntry], done: str) -> bool:
        if not entries:
            return False
        session_ids = {e.session_id for e in entries}
        reason = next((self.overrides[s] for s in session_ids if s in self.overrides), "")
        try:
            changes = svc.set_attendance(self.ws, entries, mode="papier",
                                         officer_override=bool(reason), reason=reason)
        except MaillageError as exc:
            self.say(exc.message, error=True)
            return False
        self.say(done)
        self.reload()
        if changes:
            self.changed.emit(changes)
        return True

    def _entry(self, row: int, column: int, status: str | None, *,
               arrival: dt.time | None | bool = True,
               departure: dt.time | None | bool = True) -> AttendanceEntry:
        person = self.grid.rows[row]
        cell = person.cells[column - FIXED_COLUMNS]
        session = self.model.session_of(column)
        assert session is not None
        return AttendanceEntry(
            session.id, person.person_id, status,
            cell.arrival if arrival is True else arrival,  # type: ignore[arg-type]
            cell.departure if departure is True else departure)  # type: ignore[arg-type]

    def _signed_refusal(self, row: int, column: int) -> bool:
        cell = self.grid.rows[row].cells[column - FIXED_COLUMNS]
        if cell.signed:
            self.say(f"{self.grid.rows[row].display_name} a signé sur écran pour ce créneau\u00a0: "
                     "sa présence ne se change pas ici.")
            return True
        return False

    def set_status(self, row: int, column: int, status: str | None) -> bool:
        if self._signed_refusal(row, column):
            return False
        name = self.grid.rows[row].display_name
        text = STATUS_TEXT.get(status or "", "sans statut")
        entry = self._entry(row, column, status,
                            arrival=True if status else None, departure=True if status else None)
        return self._write([entry], f"{name}\u00a0: {text.lower()}.")

    def set_current(self, status: str | None) -> bool:
        cell = self.current_cell()
        return cell is not None and self.set_status(cell[0], cell[1], status)

    def cycle_current(self) -> bool:
        """Espace: présent → absent → excusé → présent."""
        cell = self.current_cell()
        if cell is None:
            return False
        return self.set_status(cell[0], cell[1], svc.next_status(self.status_at(*cell)))

    def all_present(self) -> bool:
        """« Tous présents » for the session of the current column."""
        session = self.current_session()
        if session is None:
            return False
        try:
            changes = svc.mark_all_present(self.ws, session.id)
        except MaillageError as exc:
            self.say(exc.message, error=True)
            return False
        self.reload()
        count = len(changes.created) + len(changes.updated)
        self.say(f"{session_short(session)}\u00a0: "
                 f"{fmt.plural(count, 'présence enregistrée', 'présences enregistrées')}."
                 if count else f"{session_short(session)}\u00a0: chacun avait déjà un statut.")
        if changes:
            self.changed.emit(changes)
        return True

    def apply_times(self) -> bool:
        cell = self.current_cell()
        if cell is None:
            return False
        arrival, departure = self.arrival_edit.value(), self.departure_edit.value()
        status = self.status_at(*cell) or ("present" if arrival or departure else None)
        entry = self._entry(cell[0], cell[1], status, arrival=arrival, departure=departure)
        return self._write([entry], f"{self.grid.rows[cell[0]].display_name}\u00a0: heures "
                                    "enregistrées.")

    # --- the officer ------------------------------------------------------------------------

    def request_override(self) -> None:
        session = self.current_session()
        if session is None or not session.sealed or session.id in self.overrides:
            return
        dialog = confirm_officer(
            self, self.ws, lambda: self._ask_reason(session),
            title="Modifier un créneau scellé",
            text="Réservé au chargé de mission\u00a0: saisissez le mot de passe de l'application "
                 "pour modifier ce créneau scellé.",
            question=f"Le créneau « {session_short(session)} » est scellé (contre-signé par "
                     f"{session.sealed_by}). Le modifier en tant que responsable\u00a0?\n\nUn motif "
                     "vous sera demandé\u00a0; il est gardé dans le journal.")
        self.officer_dialog = dialog

    def _ask_reason(self, session: svc.SessionView) -> None:
        self.officer_dialog = None
        reason = ask_reason(self, "Modifier un créneau scellé",
                            f"Motif de la modification du créneau « {session_short(session)} » :")
        if reason is None:
            return
        self.overrides[session.id] = reason
        self.model.overrides.add(session.id)
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0,
                                          self.model.columnCount() - 1)
        self._current_changed()
        self.table.setFocus()
