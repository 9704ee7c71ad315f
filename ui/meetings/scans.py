"""« Classer des scans… »: file the scans of signed attendance sheets.

The chosen PDF, JPEG or PNG files are read off the GUI thread with a progress bar
(:func:`app.documents.scans.file_scans`): each page whose QR code is read is filed under its
meeting, session(s) and page, whatever meeting it belongs to. The other pages are listed with
the reason; one of them is filed by hand under the sessions ticked
(:func:`~app.documents.scans.file_page_manually`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt
from app.errors import MaillageError
from app.services.meetings import MeetingDetail, get_meeting
from app.services.workspace import ChangeSet, Workspace
from ui import settings
from ui.meetings.common import Task, error_text, run_in_background, session_short

SCAN_FILTER = "Scans (*.pdf *.jpg *.jpeg *.png);;Tous les fichiers (*)"
ROLE_ID = Qt.ItemDataRole.UserRole


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def _item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setToolTip(text)
    return item


class ScansDialog(QDialog):
    """Choose files, file them, then file by hand what could not be read.

    ``meeting`` is the meeting selected in the list: the one offered for manual filing.
    """

    changed = Signal(object)  # ChangeSet

    def __init__(self, ws: Workspace, meeting: MeetingDetail | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scansDialog")
        self.setWindowTitle("Classer des scans de feuilles d'émargement")
        self.ws = ws
        self.meeting = meeting
        self.task: Task | None = None
        self.report = None
        self.unfiled: list = []
        self._meetings: dict[str, MeetingDetail] = {}
        if meeting is not None:
            self._meetings[meeting.id] = meeting

        layout = QVBoxLayout(self)
        note = QLabel("Choisissez les scans des feuilles signées (PDF, JPEG ou PNG). Les pages "
                      "dont le code QR est lu sont classées sous leur réunion, leur créneau et "
                      "leur page, même un peu de travers\u00a0; les autres sont listées pour un "
                      "classement à la main.")
        note.setObjectName("formNote")
        note.setWordWrap(True)
        layout.addWidget(note)
        row = QHBoxLayout()
        self.choose_button = QPushButton("&Choisir des fichiers…")
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose_files)
        self.cancel_button = QPushButton("Arrêter")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setTextVisible(False)
        row.addWidget(self.choose_button)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        self.filed_title = QLabel("Pages classées")
        self.filed_title.setObjectName("detailTableTitle")
        layout.addWidget(self.filed_title)
        self.filed_table = _table(["Fichier", "Page", "Réunion", "Créneau(x)", "Page de la feuille",
                                   "Remarque"])
        self.filed_table.setObjectName("filedPages")
        layout.addWidget(self.filed_table, 2)
        self.unfiled_title = QLabel("Pages à classer à la main")
        self.unfiled_title.setObjectName("detailTableTitle")
        layout.addWidget(self.unfiled_title)
        self.unfiled_table = _table(["Fichier", "Page", "Raison"])
        self.unfiled_table.setObjectName("unfiledPages")
        self.unfiled_table.itemSelectionChanged.connect(self._update_manual)
        layout.addWidget(self.unfiled_table, 1)
        layout.addWidget(self._manual_box())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._update_manual()
        self.resize(920, 700)

    def _manual_box(self) -> QGroupBox:
        box = QGroupBox("Classer la page choisie à la main")
        form = QFormLayout(box)
        if self.meeting is None:
            title = "Choisissez d'abord une réunion dans la liste pour classer une page à la main."
        else:
            title = self.meeting.title
        self.manual_meeting = QLabel(title)
        self.manual_meeting.setWordWrap(True)
        form.addRow("Réunion :", self.manual_meeting)
        self.manual_sessions = QListWidget()
        self.manual_sessions.setObjectName("manualSessions")
        for session in (self.meeting.sessions if self.meeting else ()):
            item = QListWidgetItem(session_short(session))
            item.setData(ROLE_ID, session.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.manual_sessions.addItem(item)
        self.manual_sessions.setFlow(QListWidget.Flow.LeftToRight)
        self.manual_sessions.setWrapping(True)
        self.manual_sessions.setMaximumHeight(self.manual_sessions.fontMetrics().height() * 3 + 16)
        form.addRow("Créneau(x) :", self.manual_sessions)
        page_row = QHBoxLayout()
        self.manual_page = QSpinBox()
        self.manual_page.setRange(0, 999)
        self.manual_page.setSpecialValueText("inconnue")
        self.manual_button = QPushButton("Classer &cette page")
        self.manual_button.setAutoDefault(False)
        self.manual_button.clicked.connect(self.file_selected)
        page_row.addWidget(self.manual_page)
        page_row.addStretch(1)
        page_row.addWidget(self.manual_button)
        form.addRow("Page de la feuille :", page_row)
        self.manual_error = QLabel("")
        self.manual_error.setObjectName("fieldError")
        self.manual_error.setWordWrap(True)
        form.addRow("", self.manual_error)
        return box

    # --- reading ----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.task is not None and self.task.running

    def choose_files(self) -> Task | None:
        start = settings.last_folder() or Path.home()
        names, _ = QFileDialog.getOpenFileNames(self, "Scans de feuilles signées", str(start),
                                                SCAN_FILTER)
        if not names:
            return None
        settings.set_last_folder(Path(names[0]).parent)
        return self.file_paths([Path(n) for n in names])

    def file_paths(self, paths: list[Path]) -> Task | None:
        """Read and file ``paths`` off the GUI thread."""
        if self.running or not paths:
            return None
        from app.documents.scans import file_scans

        ws = self.ws
        self.choose_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)
        self.status_label.setText(f"Lecture de {fmt.plural(len(paths), 'fichier')}…")

        def progress(done: int, total: int, message: str) -> None:
            if total > 0:
                self.progress.setRange(0, total)
                self.progress.setValue(min(done, total))
            if message:
                self.status_label.setText(message)

        self.task = run_in_background(
            self, lambda p, c: file_scans(ws, paths, progress=p, cancel=c), self._read,
            self._failed, progress)
        return self.task

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.status_label.setText("Arrêt demandé…")

    def _end(self) -> None:
        self.choose_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setRange(0, 1)

    def _failed(self, error: Exception) -> None:
        self._end()
        self.progress.setValue(0)
        self.status_label.setText(error_text(error))

    def _meeting(self, meeting_id: str) -> MeetingDetail | None:
        if meeting_id not in self._meetings:
            try:
                self._meetings[meeting_id] = get_meeting(self.ws, meeting_id)
            except MaillageError:
                return None
        return self._meetings[meeting_id]

    def _read(self, report) -> None:  # noqa: ANN001 - a ScanReport
        self._end()
        self.progress.setValue(1)
        self.report = report
        self.status_label.setText(report.summary)
        for page in report.filed:
            self._add_filed(page)
        for page in report.unfiled:
            self._add_unfiled(page)
        self._update_titles()
        if report.changes:
            self.changed.emit(report.changes)

    def _add_filed(self, page) -> None:  # noqa: ANN001 - a FiledPage
        meeting = self._meeting(page.meeting_id)
        captions = {s.id: session_short(s) for s in meeting.sessions} if meeting else {}
        sessions = ", ".join(captions.get(sid, sid[:8]) for sid in page.session_ids)
        row = self.filed_table.rowCount()
        self.filed_table.insertRow(row)
        for column, text in enumerate((Path(page.source).name, fmt.number(page.index + 1),
                                       page.meeting_title, sessions,
                                       fmt.number(page.sheet_page) if page.sheet_page else "—",
                                       "déjà classée" if page.already_filed else "")):
            self.filed_table.setItem(row, column, _item(text))

    def _add_unfiled(self, page) -> None:  # noqa: ANN001 - an UnfiledPage
        self.unfiled.append(page)
        row = self.unfiled_table.rowCount()
        self.unfiled_table.insertRow(row)
        for column, text in enumerate((Path(page.source).name, fmt.number(page.index + 1),
                                       page.reason)):
            self.unfiled_table.setItem(row, column, _item(text))

    def _update_titles(self) -> None:
        self.filed_title.setText(f"Pages classées ({self.filed_table.rowCount()})")
        self.unfiled_title.setText(f"Pages à classer à la main ({self.unfiled_table.rowCount()})")

    # --- manual filing ----------------------------------------------------------------------

    def _update_manual(self) -> None:
        ready = self.meeting is not None and self.unfiled_table.currentRow() >= 0
        self.manual_button.setEnabled(ready)

    def check_session(self, session_id: str) -> None:
        for i in range(self.manual_sessions.count()):
            if self.manual_sessions.item(i).data(ROLE_ID) == session_id:
                self.manual_sessions.item(i).setCheckState(Qt.CheckState.Checked)

    def file_selected(self) -> bool:
        """File the chosen unreadable page under the ticked sessions of the meeting."""
        from app.documents.scans import file_page_manually

        row = self.unfiled_table.currentRow()
        if self.meeting is None or not 0 <= row < len(self.unfiled):
            return False
        page = self.unfiled[row]
        sessions = [self.manual_sessions.item(i).data(ROLE_ID)
                    for i in range(self.manual_sessions.count())
                    if self.manual_sessions.item(i).checkState() == Qt.CheckState.Checked]
        try:
            filed = file_page_manually(self.ws, page.source, page.index, self.meeting.id,
                                       sessions, self.manual_page.value() or None)
        except MaillageError as exc:
            self.manual_error.setText(exc.message)
            return False
        except OSError as exc:
            self.manual_error.setText(error_text(exc))
            return False
        self.manual_error.setText("")
        del self.unfiled[row]
        self.unfiled_table.removeRow(row)
        self._add_filed(filed)
        self._update_titles()
        self._update_manual()
        self.status_label.setText(f"Page {page.index + 1} de « {Path(page.source).name} » classée.")
        ids = tuple(("attachments", a) for a in filed.attachment_ids)
        self.changed.emit(ChangeSet(created=ids))
        return True

    def reject(self) -> None:
        if self.running and self.task is not None:
            self.task.cancel()
        super().reject()
