"""The Réunions section: the list (or the agenda of the week or the month), the toolbar of
everything one does with a meeting, and its detail with the completeness of its evidence.

Toolbar: « Nouvelle réunion » (Ctrl+N), « Modifier » (Ctrl+E, Entrée), « Invitations… »
(Ctrl+I), « Feuille d'émargement… » (Ctrl+P), « Saisir les présences… » (Ctrl+G), « Mode
émargement » (Ctrl+Maj+E), « Compte rendu… » (Ctrl+Maj+C), then « Plus » (« Classer des
scans… », « Exporter l'invitation (.ics)… », « Supprimer la réunion »). « Liste », « Semaine »
and « Mois » (Alt+L, Alt+S, Alt+M) switch the view. Every write goes through a dialog or a
service call; the list is then read again and ``data_changed`` says what changed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import labels
from app.errors import MaillageError
from app.services import details
from app.services.actions import list_actions
from app.services.attendance import evidence
from app.services.meetings import MeetingDetail, delete_meeting, get_meeting
from app.services.workspace import ChangeSet, Workspace
from ui import settings
from ui.meetings.agenda import AgendaView
from ui.meetings.common import merged, show_status
from ui.meetings.evidence import MeetingDetailPane
from ui.meetings.filters import StructureFilter
from ui.navigation import Section
from ui.sections import ListSection

CONCERNS = frozenset({"meetings", "sessions", "participants", "attendance", "agenda_items",
                      "follow_up_items", "attachments", "people", "organisations", "actions"})
ICS_FILTER = "Invitations (*.ics)"


def ics_name(detail: MeetingDetail) -> str:
    ref = detail.reference or detail.title[:40]
    day = detail.first_date.isoformat() if detail.first_date else ""
    text = "-".join(x for x in ("invitation", ref, day) if x)
    return re.sub(r"[^0-9A-Za-zÀ-ÿ._-]+", "-", text).strip("-") + ".ics"


class MeetingsSection(ListSection):
    """The meetings with their toolbar, filters, agenda and evidence."""

    data_changed = Signal(object)  # ChangeSet
    undo_step = Signal(object)  # UndoStep, for the window's Édition menu

    def __init__(self, ws: Workspace, section: Section, parent: QWidget | None = None) -> None:
        super().__init__(ws, section, parent)
        self.current: MeetingDetail | None = None
        self.dialog: QDialog | None = None
        self.kiosk = None
        self._choices_loaded = False

        self.agenda = AgendaView(ws)
        self.agenda.meeting_clicked.connect(self.show_meeting)
        self.agenda.meeting_activated.connect(self.open_meeting)
        self.agenda.mode_changed.connect(self._agenda_mode_changed)
        self.view_stack = QStackedWidget()
        self.view_stack.setObjectName("meetingViews")
        self.splitter.replaceWidget(0, self.view_stack)
        self.view_stack.addWidget(self.table)
        self.view_stack.addWidget(self.agenda)
        pane = MeetingDetailPane()
        old = self.splitter.replaceWidget(1, pane)
        if old is not None:
            old.deleteLater()
        self.detail_pane = pane
        self.table.activated.connect(lambda _index: self.edit_current())
        self._update_actions()

    # --- construction ---------------------------------------------------------------------

    def _extra_header(self) -> QWidget | None:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addWidget(self._toolbar())
        column.addLayout(self._filters())
        return box

    def _action(self, text: str, shortcut: str | QKeySequence | None, slot,  # noqa: ANN001
                tip: str = "") -> QAction:
        action = QAction(text, self)
        action.setIconText(text.replace("&", ""))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        plain = text.replace("&", "")
        action.setToolTip(f"{tip or plain} ({keys})" if keys else (tip or plain))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _toolbar(self) -> QToolBar:
        bar = QToolBar()
        bar.setObjectName("meetingsToolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.new_action = self._action("&Nouvelle réunion", "Ctrl+N", self.new_meeting,
                                       "Planifier une réunion ou une formation")
        self.edit_action = self._action("&Modifier", "Ctrl+E", self.edit_current,
                                        "Modifier la réunion (Entrée dans la liste)")
        self.invitations_action = self._action("&Invitations…", "Ctrl+I", self.open_invitations,
                                               "Inviter des participants")
        self.sheet_action = self._action("&Feuille d'émargement…", "Ctrl+P", self.open_sheet,
                                         "Aperçu, impression ou PDF de la feuille à signer")
        self.grid_action = self._action("&Saisir les présences…", "Ctrl+G", self.open_grid,
                                        "Reporter la feuille papier signée")
        self.kiosk_action = self._action("Mode é&margement", "Ctrl+Shift+E", self.start_kiosk,
                                         "Faire signer sur cet écran, en plein écran")
        self.minutes_action = self._action("&Compte rendu…", "Ctrl+Shift+C", self.open_minutes,
                                           "Rédiger et imprimer le compte rendu")
        self.scans_action = self._action("Classer des &scans…", None, self.open_scans,
                                         "Classer les scans des feuilles signées")
        self.ics_action = self._action("Exporter l'invitation (.ics)…", None, self.export_ics,
                                       "Une invitation pour Outlook ou Thunderbird")
        self.delete_action = self._action("Supprimer la réunion", None, self.delete_current,
                                          "Supprimer la réunion (impossible après émargement)")
        for action in (self.new_action, self.edit_action, self.invitations_action):
            bar.addAction(action)
        bar.addSeparator()
        for action in (self.sheet_action, self.grid_action, self.kiosk_action,
                       self.minutes_action):
            bar.addAction(action)
        bar.addSeparator()
        more = QToolButton()
        more.setText("Plus")
        more.setToolTip("Scans, invitation .ics, suppression")
        more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(more)
        menu.addAction(self.scans_action)
        menu.addAction(self.ics_action)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        more.setMenu(menu)
        self.more_button = more
        bar.addWidget(more)
        return bar

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        self.view_buttons: dict[str, QPushButton] = {}
        group = QButtonGroup(self)
        group.setExclusive(True)
        for key, text, tip in (("list", "&Liste", "La liste des réunions (Alt+L)"),
                               ("week", "&Semaine", "L'agenda de la semaine (Alt+S)"),
                               ("month", "&Mois", "L'agenda du mois (Alt+M)")):
            button = QPushButton(text)
            button.setCheckable(True)
            button.setToolTip(tip)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, k=key: self.set_view(k))
            group.addButton(button)
            row.addWidget(button)
            self.view_buttons[key] = button
        self.view_buttons["list"].setChecked(True)
        row.addSpacing(16)
        self.kind_filter = self._filter_combo("Tous les types", "Filtrer par type")
        self.status_filter = self._filter_combo("Tous les statuts", "Filtrer par statut")
        self.action_filter = self._filter_combo("Toutes les actions", "Filtrer par action")
        for combo in (self.kind_filter, self.action_filter):
            combo.setMinimumContentsLength(8)
        # The statuses are short: the combo shows « Tous les statuts » whole.
        self.status_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        row.addWidget(self.kind_filter, 3)
        row.addWidget(self.status_filter)
        row.addWidget(self.action_filter, 3)
        self.structure_filter = StructureFilter(self.ws)
        self.structure_filter.setObjectName("structureFilter")
        self.structure_filter.changed.connect(lambda _id: self._apply_filters())
        row.addWidget(self.structure_filter, 3)
        self.clear_filters_button = QPushButton("Effacer")
        self.clear_filters_button.setToolTip("Effacer les filtres\u00a0: toutes les réunions")
        self.clear_filters_button.setAutoDefault(False)
        self.clear_filters_button.setEnabled(False)
        self.clear_filters_button.clicked.connect(self.clear_filters)
        row.addWidget(self.clear_filters_button)
        return row

    def _filter_combo(self, everything: str, tip: str) -> QComboBox:
        combo = QComboBox()
        combo.setToolTip(tip)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.addItem(everything, None)
        combo.currentIndexChanged.connect(lambda _i: self._apply_filters())
        return combo

    # --- loading, filters and views ---------------------------------------------------------

    def ensure_loaded(self) -> None:
        first = not self.model.loaded
        if not self._choices_loaded:
            self._load_choices()
        super().ensure_loaded()
        if first and self.view_stack.currentWidget() is self.table:
            remembered = settings.meetings_view()
            if remembered != "list":
                self.set_view(remembered)

    def _load_choices(self) -> None:
        self._choices_loaded = True
        menus = (
            (self.kind_filter, tuple(labels.MEETING_KINDS.items())),
            (self.status_filter, tuple(labels.MEETING_STATUSES.items())),
            (self.action_filter, tuple(
                (a.id, " – ".join(x for x in (a.code, a.title) if x)) for a in list_actions(self.ws))),
        )
        for combo, values in menus:
            wanted = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for code, text in values:
                combo.addItem(text, code)
            combo.setCurrentIndex(max(0, combo.findData(wanted)) if wanted is not None else 0)
            combo.blockSignals(False)

    def filters(self) -> tuple[tuple[str, str], ...]:
        out = []
        for key, combo in (("kind", self.kind_filter), ("status", self.status_filter),
                           ("action", self.action_filter)):
            if combo.currentData() is not None:
                out.append((key, combo.currentData()))
        if self.structure_filter.value() is not None:
            out.append(("structure", self.structure_filter.value()))
        return tuple(out)

    def _apply_filters(self) -> None:
        filters = self.filters()
        self.clear_filters_button.setEnabled(bool(filters))
        self.model.set_query(replace(self.model.query, filters=filters))

    def clear_filters(self) -> None:
        for combo in (self.kind_filter, self.status_filter, self.action_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.structure_filter.blockSignals(True)
        self.structure_filter.set_value(None)
        self.structure_filter.blockSignals(False)
        self._apply_filters()

    def _update_empty(self) -> None:
        if self.model.rowCount() == 0 and not self.model.query.search and self.filters():
            self.table.show_empty("Aucune réunion ne correspond à ces filtres.")
            return
        super()._update_empty()

    def _agenda_mode_changed(self, mode: str) -> None:
        """The agenda went to a week by itself (a double click on a day of the month)."""
        self.view_buttons[mode].setChecked(True)
        settings.set_meetings_view(mode)

    def set_view(self, key: str) -> None:
        """« Liste », « Semaine » or « Mois » (remembered for the next start)."""
        self.view_buttons[key].setChecked(True)
        settings.set_meetings_view(key)
        if key == "list":
            self.view_stack.setCurrentWidget(self.table)
            if self.current is not None and self.model.row_of(self.current.id) is not None:
                self._select_row(self.model.row_of(self.current.id))
            self.table.setFocus()
            return
        if self.current is not None and self.current.first_date and not self.agenda.loaded:
            self.agenda.day = self.current.first_date
        self.agenda.set_mode(key)
        self.agenda.select(self.current.id if self.current else None)
        self.view_stack.setCurrentWidget(self.agenda)
        self.agenda.canvas.setFocus()

    def refresh(self) -> None:
        self._load_choices()
        super().refresh()
        if self.view_stack.currentWidget() is self.agenda:
            self.agenda.reload()
        if self.current is not None:
            self.show_record(self.current.id)

    # --- selection and detail -------------------------------------------------------------

    def show_record(self, record_id: str) -> None:
        try:
            self.current = get_meeting(self.ws, record_id)
            record = details.detail(self.ws, "reunions", record_id)
            report = evidence(self.ws, record_id)
        except MaillageError as exc:
            self.current = None
            self.detail_pane.show_message(exc.message)
        else:
            self.detail_pane.show_meeting(record, report)
        self.agenda.select(self.current.id if self.current else None)
        self._update_actions()

    def show_meeting(self, meeting_id: str) -> None:
        """A session clicked in the agenda: its meeting in the detail pane."""
        row = self.model.row_of(meeting_id)
        if row is not None:
            self.table.selectionModel().blockSignals(True)
            self._select_row(row)
            self.table.selectionModel().blockSignals(False)
        self.show_record(meeting_id)

    def open_meeting(self, meeting_id: str) -> QDialog | None:
        """A double click in the agenda: the meeting's form."""
        self.show_meeting(meeting_id)
        return self.edit_current()

    def _after_reset(self) -> None:
        super()._after_reset()
        if self.detail_pane.detail is None:
            self.current = None
        self._update_actions()

    def _update_actions(self) -> None:
        selected = self.current is not None
        for action in (self.edit_action, self.invitations_action, self.sheet_action,
                       self.grid_action, self.minutes_action, self.ics_action,
                       self.delete_action):
            action.setEnabled(selected)
        has_sessions = selected and bool(self.current.sessions)
        self.kiosk_action.setEnabled(has_sessions and any(not s.sealed for s in self.current.sessions))
        self.grid_action.setEnabled(has_sessions)
        self.ics_action.setEnabled(has_sessions)
        if selected and not has_sessions:
            self.kiosk_action.setToolTip("Ajoutez d'abord un créneau à la réunion.")
        elif selected and not self.kiosk_action.isEnabled():
            self.kiosk_action.setToolTip("Tous les créneaux sont scellés.")
        else:
            self.kiosk_action.setToolTip("Faire signer sur cet écran, en plein écran (Ctrl+Maj+E)")

    # --- after a write --------------------------------------------------------------------

    def apply_changes(self, changes: ChangeSet) -> None:
        """A write made elsewhere (an undo, another section): refresh if it concerns us."""
        if not self.model.loaded or not (changes.tables & CONCERNS):
            return
        if self.current is not None and ("meetings", self.current.id) in changes.deleted:
            # An undo took the shown meeting away (its creation undone).
            self.current = None
            self.detail_pane.clear()
            self._update_actions()
        self._reload_after(self.current.id if self.current else None)

    def _reload_after(self, record_id: str | None) -> None:
        self.model.reload()
        if self.view_stack.currentWidget() is self.agenda:
            self.agenda.reload()
        if record_id is not None:
            if self.model.row_of(record_id) is None and self.filters():
                self.clear_filters()
            self.select_record(record_id)
            self.show_record(record_id)

    def _written(self, record_id: str | None, changes: ChangeSet, message: str = "") -> None:
        self._reload_after(record_id)
        if message:
            self._status(message)
        if changes:
            self.data_changed.emit(changes)
        step = getattr(changes, "undo", None)
        if step:
            self.undo_step.emit(step)

    def _status(self, text: str, timeout: int = 8000) -> None:
        show_status(self, text, timeout)

    def _open(self, dialog: QDialog, done) -> QDialog:  # noqa: ANN001
        """Show ``dialog`` window-modal; ``done(dialog, accepted)`` runs when it closes."""
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

        def finished(result: int) -> None:
            if self.dialog is dialog:
                self.dialog = None
            done(dialog, result == QDialog.DialogCode.Accepted)

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    # --- the actions ----------------------------------------------------------------------

    def new_meeting(self) -> QDialog:
        from ui.meetings.form import MeetingDialog

        def done(d: MeetingDialog, accepted: bool) -> None:
            if d.meeting_id is None:
                return
            title = d.title_edit.text().strip()
            self._written(d.meeting_id, d.all_changes(),
                          f"Réunion « {title} » créée." if accepted else "")

        return self._open(MeetingDialog(self.ws, parent=self), done)

    def edit_current(self) -> QDialog | None:
        from ui.meetings.form import MeetingDialog

        if self.current is None:
            return None

        def done(d: MeetingDialog, accepted: bool) -> None:
            changes = d.all_changes()
            if changes or accepted:
                self._written(d.meeting_id, changes,
                              f"Réunion « {d.title_edit.text().strip()} » enregistrée."
                              if accepted else "")

        return self._open(MeetingDialog(self.ws, self.current.id, parent=self), done)

    def _changes_dialog(self, dialog: QDialog, message: str = "", label: str = "") -> QDialog:
        """A dialog that writes as it goes (``changes`` or ``changed``): refresh when closed;
        what it wrote is one step of the undo history, called ``label`` when several."""
        collected: list[ChangeSet] = getattr(dialog, "changes", None)
        if collected is None:
            collected = []
            dialog.changed.connect(collected.append)  # type: ignore[attr-defined]
        meeting_id = self.current.id if self.current else None

        def done(_d: QDialog, _accepted: bool) -> None:
            changes = merged(collected, label if len(collected) > 1 else "")
            if changes:
                self._written(meeting_id, changes, message)

        return self._open(dialog, done)

    def open_invitations(self) -> QDialog | None:
        from ui.meetings.participants import InvitationsDialog

        if self.current is None:
            return None
        return self._changes_dialog(InvitationsDialog(self.ws, self.current.id, self.current.title,
                                                      self), "Invitations enregistrées.",
                                    f"Modifier les invitations à {self.current.title}")

    def open_sheet(self) -> QDialog | None:
        from ui.meetings.printing import SheetDialog

        if self.current is None:
            return None
        dialog = SheetDialog(self.ws, self.current, self)
        return self._open(dialog, lambda _d, _a: None)

    def open_grid(self) -> QDialog | None:
        from ui.meetings.grid import AttendanceGridDialog

        if self.current is None or not self.current.sessions:
            return None
        return self._changes_dialog(AttendanceGridDialog(self.ws, self.current.id, self),
                                    "Présences enregistrées.")

    def open_minutes(self) -> QDialog | None:
        from ui.meetings.minutes import MinutesDialog

        if self.current is None:
            return None
        return self._changes_dialog(MinutesDialog(self.ws, self.current.id, self),
                                    "Compte rendu enregistré.",
                                    f"Modifier le compte rendu de {self.current.title}")

    def open_scans(self) -> QDialog:
        from ui.meetings.scans import ScansDialog

        return self._changes_dialog(ScansDialog(self.ws, self.current, self), "Scans classés.")

    def export_ics(self) -> Path | None:
        from app.services.ics import write_ics

        if self.current is None:
            return None
        start = settings.last_folder() or Path.home()
        name, _ = QFileDialog.getSaveFileName(self, "Exporter l'invitation",
                                              str(start / ics_name(self.current)), ICS_FILTER)
        if not name:
            return None
        dest = Path(name)
        if dest.suffix.lower() != ".ics":
            dest = dest.with_suffix(".ics")
        try:
            write_ics(self.ws, self.current.id, dest)
        except MaillageError as exc:
            QMessageBox.warning(self, "Invitation impossible", exc.message)
            return None
        except OSError as exc:
            QMessageBox.warning(self, "Invitation impossible",
                                f"Le fichier « {dest.name} » n'a pas pu être écrit\u00a0: "
                                f"{exc.strerror or exc}.")
            return None
        settings.set_last_folder(dest.parent)
        self._status(f"Invitation enregistrée\u00a0: {dest}")
        return dest

    def delete_current(self) -> bool:
        if self.current is None:
            return False
        meeting = self.current
        answer = QMessageBox.question(
            self, "Supprimer la réunion",
            f"Supprimer la réunion « {meeting.title} » et ses créneaux\u00a0?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            changes = delete_meeting(self.ws, meeting.id)
        except MaillageError as exc:
            QMessageBox.warning(self, "Suppression impossible", exc.message)
            return False
        self.current = None
        self.detail_pane.clear()
        self._written(None, changes, f"Réunion « {meeting.title} » supprimée.")
        self._update_actions()
        return True

    # --- the kiosk ------------------------------------------------------------------------

    def start_kiosk(self, session_id: str | None = None):  # noqa: ANN201 - a KioskWindow
        """« Mode émargement »: the kiosk in full screen; the main window is hidden meanwhile
        and the inactivity lock suspended (the kiosk itself cannot be left without the
        officer)."""
        from ui.kiosk.window import KioskWindow

        if self.current is None or self.kiosk is not None:
            return self.kiosk
        try:
            kiosk = KioskWindow(self.ws, self.current.id, session_id)
        except MaillageError as exc:
            QMessageBox.warning(self, "Mode émargement", exc.message)
            return None
        self.kiosk = kiosk
        window = self.window()
        lock = getattr(window, "lock_controller", None)
        if lock is not None:
            lock.set_suspended(True)
        kiosk.exited.connect(self._kiosk_exited)
        if QGuiApplication.platformName() == "offscreen":
            kiosk.resize(1280, 800)
            kiosk.show()
        else:
            kiosk.showFullScreen()
        kiosk.activateWindow()
        if window is not self and window.isVisible():
            window.hide()
        return kiosk

    def _kiosk_exited(self) -> None:
        kiosk = self.kiosk
        self.kiosk = None
        window = self.window()
        if window is not self:
            window.show()  # before the kiosk closes: the application must keep a window
            window.activateWindow()
        lock = getattr(window, "lock_controller", None)
        if lock is not None:
            lock.set_suspended(False)
        if kiosk is not None:
            kiosk.deleteLater()
            changes = kiosk.merged_changes()
            meeting_id = kiosk.meeting_id
            self._written(meeting_id, changes, kiosk.summary())
