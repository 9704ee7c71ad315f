"""What the safety work adds to the main window, in one call: :func:`install_safety`.

- « Fichier › Restaurer une sauvegarde… » (before « Quitter »);
- an « Outils » menu (created before « Aide » unless another part of the window made one):
  « Réglages… », « Journal des modifications », « Données à anonymiser (durée de
  conservation)… », « Verrouiller maintenant »;
- the inactivity lock (:class:`ui.safety.lock.LockController`, ``window.lock_controller``);
- the RGPD actions of the Contacts list, added the first time it is shown.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from ui.safety.lock import LockController

FILE_MENU = "&Fichier"
TOOLS_MENU = "&Outils"
HELP_MENU = "&Aide"


def _menu(window: Any, title: str) -> QMenu | None:
    for action in window.menuBar().actions():
        if action.text() == title and action.menu() is not None:
            return action.menu()
    return None


class SafetyActions(QObject):
    """The menu actions of the safety dialogs (kept on the window as ``safety``)."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.setObjectName("safetyActions")
        self.window = window

        def action(text: str, shortcut: str | None, slot: Any) -> QAction:
            act = QAction(text, window)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(lambda _checked=False: slot())
            return act

        self.restore_action = action("&Restaurer une sauvegarde…", "Ctrl+Shift+R",
                                     self.show_restore)
        self.settings_action = action("&Réglages…", "Ctrl+,", self.show_settings)
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.audit_action = action("&Journal des modifications", "Ctrl+Shift+J", self.show_audit)
        self.retention_action = action("Données à &anonymiser (durée de conservation)…", None,
                                       self.show_retention)
        self.lock_action = action("&Verrouiller maintenant", "Ctrl+L", self.lock_now)

        file_menu = _menu(window, FILE_MENU)
        if file_menu is not None:
            quit_action = getattr(window, "quit_action", None)
            actions = file_menu.actions()
            before = None
            if quit_action in actions:
                index = actions.index(quit_action)
                before = actions[index - 1] if index > 0 and actions[index - 1].isSeparator() \
                    else quit_action
            if before is not None:
                file_menu.insertAction(before, self.restore_action)
            else:
                file_menu.addAction(self.restore_action)

        tools = _menu(window, TOOLS_MENU)
        if tools is None:
            tools = QMenu(TOOLS_MENU, window)
            help_menu = _menu(window, HELP_MENU)
            if help_menu is not None:
                window.menuBar().insertMenu(help_menu.menuAction(), tools)
            else:
                window.menuBar().addMenu(tools)
        elif tools.actions():
            tools.addSeparator()
        tools.addAction(self.settings_action)
        tools.addAction(self.audit_action)
        tools.addAction(self.retention_action)
        tools.addSeparator()
        tools.addAction(self.lock_action)
        self.tools_menu = tools

        self.lock = LockController(window)
        window.lock_controller = self.lock
        window.workspace_changed.connect(self.lock.workspace_changed)
        self.lock.locked_changed.connect(lambda _locked: self._update())
        self.lock.refreshed.connect(self._update)
        window.section_changed.connect(self._section_shown)
        self._update()

    def _update(self) -> None:
        self.lock_action.setEnabled(self.lock.enabled and not self.lock.locked)

    def _section_shown(self, key: str) -> None:
        if key == "contacts":
            from ui.safety.rgpd import attach_contacts_actions

            attach_contacts_actions(self.window.section_page("contacts"), self.window)

    # --- the dialogs ------------------------------------------------------------------------

    def show_restore(self) -> QWidget:
        from ui.safety.backups import show_restore_dialog

        return show_restore_dialog(self.window)

    def show_settings(self) -> QWidget:
        from ui.safety.settings_dialog import show_settings_dialog

        return show_settings_dialog(self.window)  # it refreshes the lock when saved

    def show_audit(self) -> QWidget:
        from ui.safety.audit import show_audit_dialog

        return show_audit_dialog(self.window)

    def show_retention(self) -> QWidget:
        from ui.safety.rgpd import show_retention_dialog

        return show_retention_dialog(self.window)

    def lock_now(self) -> None:
        if self.lock.enabled:
            self.lock.lock()


def install_safety(window: Any) -> SafetyActions:
    """Plug the safety menus, the lock and the RGPD actions into ``window`` (once)."""
    existing = getattr(window, "safety", None)
    if isinstance(existing, SafetyActions):
        return existing
    window.safety = SafetyActions(window)
    return window.safety
