"""The main window: navigation on the left, one section at a time, menus and status bar.

The window is built in two steps so that it paints at once, before the storage layer is even
imported: ``MainWindow()`` is the frame (navigation, menus, status bar, « Ouverture de la
base… »), and :meth:`MainWindow.attach` gives it an open :class:`Workspace` — ``MainWindow(ws)``
does both. An ``opener`` (path → workspace) serves « Ouvrir une autre base… ». Sections query
nothing until they are first shown, so the window opens on the Tableau de bord after a handful
of small queries, whatever the database size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from app.errors import MaillageError
from ui import settings
from ui.navigation import SECTIONS, Section, section_for_list, section_index

if TYPE_CHECKING:  # imported when a workspace is attached, after the first paint
    from app.services.workspace import Workspace
    from ui.sections import ListSection

WINDOW_KEY = "principale"
DEFAULT_SIZE = QSize(1280, 800)
NAV_ROW_HEIGHT = 36
DB_FILTER = "Bases Maillage (*.sqlite *.db)"

Opener = Callable[[Path], "Workspace"]


def default_opener(path: Path) -> "Workspace":
    """Open a database the user picked (instant probe only: the window then runs the
    integrity check and the start-up backup off its thread, see ``start_startup_checks``)."""
    from app.services.startup import open_for_gui

    return open_for_gui(path, demo=False, checks=False)


def page_class(key: str) -> type[QWidget]:
    """The class of a section's page; the specialised ones are imported on first use."""
    if key == "conventions":
        from ui.conventions.section import ConventionsSection

        return ConventionsSection
    if key == "bilans":
        from ui.bilans.view import BilansView

        return BilansView
    if key in ("structures", "contacts"):
        from ui.partners.section import PartnersSection

        return PartnersSection
    if key == "reunions":  # issue 4: meetings, invitations, attendance, kiosk, minutes
        from ui.meetings.section import MeetingsSection

        return MeetingsSection
    if key == "synchronisation":
        from ui.sync.section import SyncSection

        return SyncSection
    return ListSection


class MainWindow(QMainWindow):
    """The application window over one open workspace (replaced by « Ouvrir une autre base… »)."""

    workspace_changed = Signal()
    section_changed = Signal(str)  # section key

    def __init__(self, ws: Workspace | None = None, *, opener: Opener = default_opener,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self._ws: Workspace | None = None
        self._opener = opener
        self._pages: list[QWidget] = []
        self._built: list[bool] = []
        self._dashboard_loaded = False
        self._backup_job = None
        self._startup_checks: Any = None
        self.undo: Any = None

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(184)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for number, section in enumerate(SECTIONS, start=1):
            item = QListWidgetItem(section.label)
            item.setToolTip(f"{section.label} (Ctrl+{number})")
            item.setSizeHint(QSize(0, NAV_ROW_HEIGHT))
            self.nav.addItem(item)
        self.stack = QStackedWidget()
        self.stack.setObjectName("sections")
        self.opening_label = QLabel("Ouverture de la base…")
        self.opening_label.setObjectName("openingBase")
        self.opening_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.opening_label)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.setWindowTitle("Maillage")

        self._build_menus()
        self._build_status_bar()
        self.nav.setCurrentRow(0)
        self._set_frame_enabled(False)
        geometry = settings.load_geometry(WINDOW_KEY)
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(DEFAULT_SIZE)
        if ws is not None:
            self.attach(ws)

    @property
    def attached(self) -> bool:
        """Whether a workspace is shown (the frame alone says « Ouverture de la base… »)."""
        return self._ws is not None

    def attach(self, ws: Workspace) -> None:
        """Show ``ws`` in the window: the first time, build what needs the storage layer."""
        if self._ws is not None:
            self.set_workspace(ws)
            return
        from ui.startup_job import StartupChecks
        from ui.undo import UndoController

        self._ws = ws
        self._startup_checks = StartupChecks(self)
        self.undo = UndoController(ws, self)
        self.undo.changes_applied.connect(self._changes_applied)
        self.undo.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        first = self.edit_menu.actions()[0] if self.edit_menu.actions() else None
        self.edit_menu.insertAction(first, self.undo.undo_action)
        self.edit_menu.insertAction(first, self.undo.redo_action)
        self.edit_menu.insertSeparator(first)
        self.stack.removeWidget(self.opening_label)
        self.opening_label.hide()
        self._build_pages()
        self.nav.currentRowChanged.connect(self._show_index)
        self._set_frame_enabled(True)
        geometry = settings.load_geometry(WINDOW_KEY)  # again: the pages set the minimum size
        if geometry is not None:
            self.restoreGeometry(geometry)
        self._refresh_identity()
        self._show_index(max(0, self.nav.currentRow()))
        from ui.safety.menus import install_safety  # issue 8: restore, Outils menu, lock, RGPD

        install_safety(self)

    def _set_frame_enabled(self, enabled: bool) -> None:
        """Before a workspace is attached only « Quitter » and « À propos » make sense."""
        self.nav.setEnabled(enabled)
        for action in (self.open_action, self.backup_action, self.global_search_action,
                       self.search_action, self.refresh_action, *self.section_actions):
            action.setEnabled(enabled)

    # --- construction ---------------------------------------------------------------------

    def _action(self, text: str, shortcut: str | QKeySequence | None,
                slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&Fichier")
        self.open_action = self._action("&Ouvrir une autre base…", "Ctrl+O", self.open_other_database)
        self.backup_action = self._action("Enregistrer une &copie de sauvegarde…", "Ctrl+Shift+S",
                                          self.save_backup_copy)
        self.quit_action = self._action("&Quitter", "Ctrl+Q", self.close)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        file_menu.addAction(self.open_action)
        file_menu.addAction(self.backup_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        # Édition: undo history of the workspace (ui.undo, added by attach) and the global
        # search (Ctrl+K).
        edit_menu = self.edit_menu = bar.addMenu("É&dition")
        self.global_search_action = self._action("Rechercher &partout…", "Ctrl+K",
                                                 self.open_global_search)
        edit_menu.addAction(self.global_search_action)

        view_menu = bar.addMenu("&Affichage")
        self.section_actions: list[QAction] = []
        for number, section in enumerate(SECTIONS, start=1):
            action = self._action(section.label, f"Ctrl+{number}",
                                  lambda key=section.key: self.show_section(key))
            view_menu.addAction(action)
            self.section_actions.append(action)
        view_menu.addSeparator()
        self.search_action = self._action("&Rechercher dans la liste", "Ctrl+F", self.focus_search)
        self.refresh_action = self._action("A&ctualiser", "F5", self.refresh)
        view_menu.addAction(self.search_action)
        view_menu.addAction(self.refresh_action)

        help_menu = bar.addMenu("&Aide")
        self.about_action = self._action("À &propos de Maillage", None, self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_qt_action = self._action("À propos de &Qt", None,
                                            lambda: QMessageBox.aboutQt(self, "À propos de Qt"))
        self.about_qt_action.setMenuRole(QAction.MenuRole.AboutQtRole)
        help_menu.addAction(self.about_action)
        help_menu.addAction(self.about_qt_action)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.db_label = QLabel()
        self.db_label.setObjectName("statusDatabase")
        self.site_label = QLabel()
        self.site_label.setObjectName("statusSite")
        status.addPermanentWidget(self.db_label)
        status.addPermanentWidget(self.site_label)

    def _build_pages(self) -> None:
        from ui.dashboard import DashboardView

        self.dashboard = DashboardView()
        self.dashboard.open_record.connect(self.navigate_to)
        self.dashboard.open_list.connect(lambda view: self.show_section(section_for_list(view).key))
        self._pages = [self.dashboard]
        self.stack.addWidget(self.dashboard)
        for _section in SECTIONS[1:]:
            # A placeholder: the section is built on its first visit (see _page).
            placeholder = QWidget()
            self._pages.append(placeholder)
            self.stack.addWidget(placeholder)
        self._built = [True] + [False] * (len(SECTIONS) - 1)
        self._dashboard_loaded = False

    def _page(self, index: int) -> QWidget:
        """The page of section ``index``, built (without loading its list) on first use."""
        if not self._built[index]:
            section = SECTIONS[index]
            page = page_class(section.key)(self._ws, section)
            if hasattr(page, "data_changed"):  # a section that writes (conventions, bilans)
                page.data_changed.connect(self._data_changed)
            if hasattr(page, "undo_step"):  # structures and contacts: their undo history
                page.undo_step.connect(self.undo.push)
            if hasattr(page, "open_record"):  # the Bilans view opens a meeting
                page.open_record.connect(self.navigate_to)
            placeholder = self._pages[index]
            self.stack.insertWidget(index, page)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self._pages[index] = page
            self._built[index] = True
        return self._pages[index]

    def _refresh_identity(self) -> None:
        from app.services.settings import get_identity

        identity = get_identity(self._ws)
        name = identity.organisation_name.strip()
        self.setWindowTitle(f"Maillage — {name}" if name else "Maillage")
        path = self._ws.path
        self.db_label.setText(path.name if path is not None else "base en mémoire")
        self.db_label.setToolTip(str(path) if path is not None else "")
        site = identity.site_name.strip()
        self.site_label.setText(f"Antenne\u00a0: {site}" if site else "Antenne non configurée")

    # --- what the rest of the UI calls ------------------------------------------------------

    @property
    def workspace(self) -> Workspace:
        return self._ws

    def section_page(self, key: str) -> QWidget:
        return self._page(section_index(key))

    def list_sections(self) -> list[ListSection]:
        from ui.sections import ListSection

        return [p for p in self._pages if isinstance(p, ListSection)]

    def current_section(self) -> Section:
        return SECTIONS[max(0, self.stack.currentIndex())]

    def show_section(self, key: str) -> QWidget:
        """Switch to the section ``key`` (loading it on its first visit) and return its page."""
        self.nav.setCurrentRow(section_index(key))
        return self.section_page(key)

    def _show_index(self, index: int) -> None:
        if index < 0:
            return
        page = self._page(index)
        self.stack.setCurrentWidget(page)
        if page is self.dashboard:
            if not self._dashboard_loaded:
                self.refresh_dashboard()
        elif hasattr(page, "ensure_loaded"):  # list sections, the Bilans view
            page.ensure_loaded()
        self.section_changed.emit(SECTIONS[index].key)

    def _data_changed(self, changes: object) -> None:
        """A section wrote something: the dashboard reads it again when next shown, and the
        other sections that show those tables refresh (``apply_changes``)."""
        self._dashboard_loaded = False
        self._tell_pages(changes, skip=self.sender())

    def _changes_applied(self, changes: object) -> None:
        """An undo or a redo changed ``changes``: every view concerned refreshes."""
        self._dashboard_loaded = False
        self._tell_pages(changes)
        if self.stack.currentWidget() is self.dashboard:
            self.refresh_dashboard()

    def _tell_pages(self, changes: object, skip: object = None) -> None:
        for built, page in zip(self._built, self._pages, strict=True):
            if built and page is not skip and hasattr(page, "apply_changes"):
                page.apply_changes(changes)

    def open_global_search(self) -> QWidget:
        """« Rechercher partout… » (Ctrl+K): the chosen record opens in its section."""
        from ui.search_dialog import GlobalSearchDialog

        dialog = GlobalSearchDialog(self._ws, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.chosen.connect(self.navigate_to)
        dialog.open()
        return dialog

    def refresh_dashboard(self) -> None:
        # The lists now; the tile counts and the indicators off the GUI thread, once painted.
        self.dashboard.load(self._ws)
        self._dashboard_loaded = True

    def refresh(self) -> None:
        """F5: query the current section again (and the window's identity)."""
        self._refresh_identity()
        page = self.stack.currentWidget()
        if page is self.dashboard:
            self.refresh_dashboard()
        elif hasattr(page, "refresh"):
            page.refresh()
        self.statusBar().showMessage("Affichage actualisé.", 3000)

    def focus_search(self) -> None:
        page = self.stack.currentWidget()
        if hasattr(page, "focus_search"):
            page.focus_search()

    def navigate_to(self, view: str, record_id: str) -> None:
        """Open the list ``view`` and select ``record_id`` (its detail at least)."""
        from ui.sections import ListSection

        page = self.show_section(section_for_list(view).key)
        if isinstance(page, ListSection):
            page.select_record(record_id)
            page.table.setFocus()
        elif hasattr(page, "select_record"):  # the Bilans view: an action
            page.select_record(record_id)

    # --- Fichier ----------------------------------------------------------------------------

    def open_other_database(self) -> None:
        start = settings.last_folder() or (self._ws.path.parent if self._ws.path else Path.home())
        name, _ = QFileDialog.getOpenFileName(self, "Ouvrir une base Maillage", str(start),
                                              f"{DB_FILTER};;Tous les fichiers (*)")
        if name:
            self.open_database(Path(name))

    def open_database(self, path: Path) -> bool:
        """Open ``path`` and show it in place of the current base; explain failures in French."""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            ws = self._opener(path)
        except MaillageError as exc:
            QApplication.restoreOverrideCursor()
            self._error("Ouverture impossible",
                        f"La base « {path.name} » n'a pas pu être ouverte.\n\n{exc.message}")
            return False
        except OSError as exc:
            QApplication.restoreOverrideCursor()
            self._error("Ouverture impossible",
                        f"Le fichier « {path.name} » n'a pas pu être lu : "
                        f"{exc.strerror or exc}.")
            return False
        QApplication.restoreOverrideCursor()
        settings.set_last_folder(path.parent)
        self.set_workspace(ws)
        self.statusBar().showMessage(f"Base ouverte : {path}", 8000)
        self.start_startup_checks()
        return True

    def set_workspace(self, ws: Workspace) -> None:
        """Show ``ws`` instead of the current workspace, which is closed."""
        current = self.current_section().key
        self._save_sections()
        self.stop_startup_checks()
        old = self._ws
        for page in self._pages:
            self.stack.removeWidget(page)
            page.deleteLater()
        self._ws = ws
        self.undo.set_workspace(ws)
        self._build_pages()
        old.close()
        self._refresh_identity()
        index = section_index(current)
        self._show_index(index)
        self.workspace_changed.emit()

    def save_backup_copy(self) -> None:
        if self._ws.path is None:
            self._error("Copie impossible", "Une base en mémoire ne peut pas être sauvegardée.")
            return
        start = settings.last_folder() or Path.home()
        default = start / f"maillage-sauvegarde-{dt.date.today().isoformat()}.sqlite"
        name, _ = QFileDialog.getSaveFileName(self, "Enregistrer une copie de sauvegarde",
                                              str(default), DB_FILTER)
        if name:
            self.start_backup(Path(name))

    def start_backup(self, dest: Path):  # noqa: ANN201 - returns the ui.jobs.Job
        """Copy the open base to ``dest`` off the GUI thread; the status bar says when done."""
        from ui.jobs import start_job

        if not dest.suffix:
            dest = dest.with_suffix(".sqlite")
        settings.set_last_folder(dest.parent)
        ws = self._ws
        self.backup_action.setEnabled(False)
        self.open_action.setEnabled(False)
        self.statusBar().showMessage("Copie de sauvegarde en cours…")
        self._backup_job = start_job(lambda: ws.backup_to(dest), self,
                                     self._backup_done, self._backup_failed)
        return self._backup_job

    def _backup_done(self, path: object) -> None:
        self.backup_action.setEnabled(True)
        self.open_action.setEnabled(True)
        self.statusBar().showMessage(f"Copie de sauvegarde enregistrée : {path}", 15000)

    def _backup_failed(self, error: object) -> None:
        self.backup_action.setEnabled(True)
        self.open_action.setEnabled(True)
        self.statusBar().clearMessage()
        if isinstance(error, MaillageError):
            reason = error.message
        elif isinstance(error, OSError):
            reason = f"le fichier n'a pas pu être écrit ({error.strerror or error})."
        else:
            reason = str(error)
        self._error("Copie impossible", f"La copie de sauvegarde a échoué : {reason}")

    def _error(self, title: str, text: str) -> None:
        QMessageBox.critical(self, title, text)

    # --- integrity check and start-up backup ------------------------------------------------

    def start_startup_checks(self):  # noqa: ANN201 - returns the ui.jobs.Job (or None)
        """Check the open base and back it up off the GUI thread (see :mod:`ui.startup_job`)."""
        if self._startup_checks is None:
            return None
        return self._startup_checks.start()

    def stop_startup_checks(self) -> None:
        if self._startup_checks is not None:
            self._startup_checks.stop()

    # --- Aide -------------------------------------------------------------------------------

    def show_about(self) -> None:
        from ui.about import show_about

        show_about(self, self._ws.schema_version if self._ws is not None else None)

    # --- closing ----------------------------------------------------------------------------

    def _save_sections(self) -> None:
        for page in self.list_sections():
            page.save_state()

    def save_state(self) -> None:
        """Remember the window geometry and the splitters (see :mod:`ui.settings`)."""
        settings.save_geometry(WINDOW_KEY, self.saveGeometry())
        self._save_sections()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.stop_startup_checks()
        super().closeEvent(event)
