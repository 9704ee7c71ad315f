"""The Synchronisation section: this site, the sites it exchanges with, files and conflicts.

Above, this machine (name, identifier, database, whether the network passphrase is set) and
the toolbar: « Préparer un fichier pour… » (Ctrl+E), « Importer un fichier… » (Ctrl+I),
« Phrase de passe du réseau… ». In the middle, the peers (head office, other antennas) with,
for the selected one, what it has acknowledged and when. Below, three tabs: the open
conflicts, the duplicates to review after an import, and the files exchanged.

An import says what it changed (``data_changed``): the main window refreshes every view
concerned and the dashboard. A merge of duplicates is an undo step (``undo_step``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QFrame,
    QHeaderView,
    QLabel,
    QMainWindow,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt
from app.errors import MaillageError
from app.services.details import DetailTable, RecordDetail
from app.services.workspace import ChangeSet, Workspace
from app.sync.service import ExportReport, ImportReport, PeerStatus, SyncFileInfo, SyncStatus, status
from ui.navigation import Section
from ui.sections import ListSection
from ui.sync import texts
from ui.sync.conflicts import ConflictsPanel
from ui.sync.duplicates import DuplicatesPanel
from ui.sync.exchange import ExportDialog, ImportDialog
from ui.sync.models import RowsModel
from ui.sync.passphrase import PassphraseDialog, SessionPassphrase

NBSP = texts.NBSP
PEER_FILES = 8


def acknowledged_text(st: SyncStatus, peer: PeerStatus) -> str:
    """What ``peer`` has confirmed receiving from this machine."""
    missing = st.unacknowledged(peer)
    if st.counter == 0:
        return "rien à envoyer pour l'instant"
    if missing == 0:
        return "toutes les modifications de ce poste (à jour)"
    return (f"{fmt.plural(missing, 'modification')} de ce poste pas encore confirmée"
            f"{'s' if missing > 1 else ''} (le prochain fichier les contiendra)")


class SyncSection(ListSection):
    """Synchronisation: exchanges by file, peers, conflicts and duplicates to review."""

    data_changed = Signal(object)  # ChangeSet
    undo_step = Signal(object)  # UndoStep (a merge of duplicates)
    open_record = Signal(str, str)  # list view, record id

    def __init__(self, ws: Workspace, section: Section, parent: QWidget | None = None) -> None:
        super().__init__(ws, section, parent)
        self.memory = SessionPassphrase()
        self.sync_status: SyncStatus | None = None
        self.dialog: QDialog | None = None
        self._conflicts_stale = False

        self.conflicts = ConflictsPanel(ws)
        self.conflicts.resolved.connect(self._resolved)
        self.duplicates = DuplicatesPanel(ws)
        self.duplicates.merged.connect(self._merged)
        self.duplicates.open_requested.connect(self.open_record.emit)
        self.files_model: RowsModel[SyncFileInfo] = RowsModel([
            ("Date", lambda f: fmt.datetime_short(f.at)),
            ("Sens", lambda f: "Reçu de" if f.direction == "import" else "Envoyé à"),
            ("Site", self._peer_name),
            ("Fichier", lambda f: f.filename),
            ("Enregistrements", lambda f: fmt.number(f.rows)),
        ], self)
        self.files_table = QTableView()
        self.files_table.setObjectName("syncFilesTable")
        self.files_table.setModel(self.files_model)
        self.files_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.files_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.files_table.setAlternatingRowColors(True)
        self.files_table.setShowGrid(False)
        self.files_table.verticalHeader().setVisible(False)
        self.files_table.horizontalHeader().setStretchLastSection(True)
        self.files_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("syncTabs")
        self.tabs.addTab(self.conflicts, "Conflits")
        self.tabs.addTab(self.duplicates, "Doublons à vérifier")
        self.tabs.addTab(self.files_table, "Fichiers échangés")
        self.conflicts.count_changed.connect(lambda n: self._tab_count(0, "Conflits", n))
        self.duplicates.count_changed.connect(lambda n: self._tab_count(1, "Doublons à vérifier", n))
        self._tab_count(1, "Doublons à vérifier", self.duplicates.model.rowCount())  # kept ones

        # The peers (list and detail) above, the tabs below.
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.removeWidget(self.splitter)
        self.outer = QSplitter(Qt.Orientation.Vertical)
        self.outer.setObjectName("syncSplitter")
        self.outer.setChildrenCollapsible(False)
        self.outer.addWidget(self.splitter)
        self.outer.addWidget(self.tabs)
        self.outer.setStretchFactor(0, 2)
        self.outer.setStretchFactor(1, 3)
        self.outer.setSizes([220, 360])
        self.splitter.setSizes([640, 400])
        self.table.setColumnHidden(self.model.column_of("site"), True)  # in the detail
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount() - 1):  # headers read in full
            self.table.setColumnWidth(column, max(self.table.columnWidth(column),
                                                  header.sectionSizeHint(column) + 8))
        layout.addWidget(self.outer, 1)

    # --- header and toolbar -------------------------------------------------------------------

    def _extra_header(self) -> QWidget | None:
        box = QFrame()
        box.setObjectName("infoBox")
        column = QVBoxLayout(box)
        column.setContentsMargins(14, 10, 14, 10)
        column.setSpacing(6)
        form = QFormLayout()
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(4)
        self.site_name_label = QLabel("")
        self.site_name_label.setObjectName("siteName")
        self.site_label = QLabel(self.ws.site_id)
        self.site_label.setObjectName("siteId")
        self.site_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        path = str(self.ws.path) if self.ws.path is not None else "base en mémoire"
        self.db_label = QLabel(path)
        self.db_label.setWordWrap(True)
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.passphrase_label = QLabel("")
        self.passphrase_label.setObjectName("passphraseState")
        self.passphrase_label.setWordWrap(True)
        form.addRow("Ce poste\u00a0:", self.site_name_label)
        form.addRow("Identifiant de ce site\u00a0:", self.site_label)
        form.addRow("Base de données\u00a0:", self.db_label)
        form.addRow("Phrase de passe du réseau\u00a0:", self.passphrase_label)
        column.addLayout(form)
        note = QLabel(
            "Chaque antenne et le siège échangent leurs modifications par fichier "
            "(clé USB, courriel, dossier partagé), dans n'importe quel ordre\u00a0: un fichier "
            "perdu ne fait rien perdre, le suivant contient les mêmes modifications.")
        note.setObjectName("infoNote")
        note.setWordWrap(True)
        column.addWidget(note)
        column.addWidget(self._toolbar())
        return box

    def _action(self, text: str, shortcut: str | None, slot, tip: str) -> QAction:  # noqa: ANN001
        action = QAction(text, self)
        action.setIconText(text.replace("&", ""))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({keys})" if keys else tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)  # the shortcut works wherever the focus is in the section
        return action

    def _toolbar(self) -> QToolBar:
        bar = QToolBar()
        bar.setObjectName("syncToolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.export_action = self._action(
            "&Préparer un fichier pour…", "Ctrl+E", self.prepare_file,
            "Écrire les modifications à envoyer au siège ou à une antenne")
        self.import_action = self._action(
            "&Importer un fichier…", "Ctrl+I", self.import_file,
            "Appliquer un fichier reçu d'un autre poste")
        self.passphrase_action = self._action(
            "P&hrase de passe du réseau…", None, self.change_passphrase,
            "Choisir ou changer la phrase de passe qui chiffre les fichiers")
        bar.addAction(self.export_action)
        bar.addAction(self.import_action)
        bar.addSeparator()
        bar.addAction(self.passphrase_action)
        return bar

    def _tab_count(self, index: int, title: str, n: int) -> None:
        self.tabs.setTabText(index, f"{title} ({fmt.number(n)})" if n else title)

    # --- loading ------------------------------------------------------------------------------

    def ensure_loaded(self) -> None:
        first = not self.model.loaded
        super().ensure_loaded()
        if first:
            self.load_sync()
        elif self._conflicts_stale:
            self._conflicts_stale = False
            self.conflicts.load()

    def refresh(self) -> None:
        super().refresh()
        self.load_sync()

    def load_sync(self) -> None:
        """Read this machine's sync state, the files exchanged and the open conflicts."""
        self.sync_status = st = status(self.ws)
        self.site_name_label.setText(st.site_name or "(sans nom\u00a0: voir l'identité de l'organisation)")
        self.passphrase_label.setText(
            "enregistrée sur ce poste" if st.has_passphrase else
            "pas encore choisie (elle le sera au premier fichier préparé ou reçu)")
        self.files_model.set_items(st.files)
        self.files_table.resizeColumnsToContents()
        self._tab_count(2, "Fichiers échangés", len(st.files))
        self.conflicts.load()
        shown = self.detail_pane.detail
        if shown is not None:
            self.show_record(shown.id)
        elif self.model.rowCount() > 0:
            self.select_first()

    def apply_changes(self, changes: ChangeSet) -> None:
        """A write made elsewhere (an edit, an undo) may close a conflict: read them again."""
        if not (self.model.loaded and changes):
            return
        if self.isVisible():
            self.conflicts.load()
        else:  # read when the section is shown again
            self._conflicts_stale = True

    # --- the selected peer --------------------------------------------------------------------

    def _peer_name(self, f: SyncFileInfo) -> str:
        st = self.sync_status
        if not f.peer_site_id:
            return "tous les sites"
        for p in st.peers if st is not None else ():
            if p.site_id == f.peer_site_id:
                return p.name or f.peer_site_id[:8]
        return f.peer_site_id[:8]

    def show_record(self, record_id: str) -> None:
        """The peer ``record_id``: what it acknowledged and when, the last files."""
        st = self.sync_status or status(self.ws)
        peer = next((p for p in st.peers if p.site_id == record_id), None)
        if peer is None:
            super().show_record(record_id)
            return
        files = [f for f in st.files if f.peer_site_id == peer.site_id][:PEER_FILES]
        self.detail_pane.show_detail(RecordDetail(
            id=peer.site_id,
            title=peer.name or peer.site_id,
            subtitle="Site partenaire",
            fields=tuple((k, v) for k, v in (
                ("Identifiant", peer.site_id),
                ("Dernier fichier reçu", texts.when(peer.last_import_at)),
                ("Dernier fichier envoyé", texts.when(peer.last_export_at)),
                ("A confirmé avoir reçu", acknowledged_text(st, peer)),
                ("Empreinte de sa clé", peer.key_fingerprint),
            ) if v),
            tables=(DetailTable(
                "Derniers fichiers échangés", ("Date", "Sens", "Enregistrements"),
                tuple((fmt.datetime_short(f.at), "reçu" if f.direction == "import" else "envoyé",
                       fmt.number(f.rows)) for f in files),
                "Aucun fichier échangé avec ce site."),),
        ))

    # --- actions ------------------------------------------------------------------------------

    def _status(self, text: str, timeout: int = 10000) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, timeout)

    def _open(self, dialog: QDialog) -> QDialog:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

        def finished(_result: int) -> None:
            if self.dialog is dialog:
                self.dialog = None

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def prepare_file(self, to_site: str | None = None) -> ExportDialog:
        """« Préparer un fichier pour… » (Ctrl+E), on the selected peer by default."""
        self.ensure_loaded()
        st = self.sync_status or status(self.ws)
        if to_site is None and self.detail_pane.detail is not None:
            to_site = self.detail_pane.detail.id
        dialog = ExportDialog(self.ws, st, self.memory, to_site, parent=self)
        dialog.exported.connect(self._exported)
        self._open(dialog)
        return dialog

    def import_file(self) -> ImportDialog:
        """« Importer un fichier… » (Ctrl+I)."""
        self.ensure_loaded()
        st = self.sync_status or status(self.ws)
        dialog = ImportDialog(self.ws, self.memory, st.has_passphrase, parent=self)
        dialog.imported.connect(self._imported)
        self._open(dialog)
        return dialog

    def change_passphrase(self) -> PassphraseDialog:
        """« Phrase de passe du réseau… »."""
        dialog = PassphraseDialog(self.ws, self.memory, parent=self)
        dialog.accepted.connect(lambda: (self.load_sync(), self._status(
            "Phrase de passe du réseau enregistrée sur ce poste.")))
        self._open(dialog)
        return dialog

    # --- after a write ------------------------------------------------------------------------

    def _exported(self, report: ExportReport) -> None:
        self.model.reload()
        self.load_sync()
        self._status(f"Fichier de synchronisation prêt\u00a0: {report.path}")

    def _imported(self, report: ImportReport) -> None:
        self.model.reload()
        self.load_sync()
        added = self.duplicates.add_report(report)
        self._status(texts.import_status(report))
        if report.changes:
            self.data_changed.emit(report.changes)
        if report.conflicts:
            self.tabs.setCurrentWidget(self.conflicts)
        elif added:
            self.tabs.setCurrentWidget(self.duplicates)

    def _resolved(self, changes: ChangeSet, message: str) -> None:
        self._status(message)
        if changes:
            self.data_changed.emit(changes)

    def _merged(self, result: object) -> None:
        undo = getattr(result, "undo", None)
        if undo:
            self.undo_step.emit(undo)
        changes = getattr(result, "changes", None)
        self._status("Fiches fusionnées (Ctrl+Z pour annuler).")
        if changes:
            self.data_changed.emit(changes)

    def select_record(self, record_id: str) -> bool:
        try:
            return super().select_record(record_id)
        except MaillageError:
            return False
