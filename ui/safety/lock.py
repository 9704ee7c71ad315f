"""The application lock: password at start, lock after inactivity, officer confirmation.

The password itself is handled by :mod:`app.services.lock` (Argon2id, a few tenths of a
second to check on purpose): every check here runs off the GUI thread, so the lock screen
keeps painting and the text field stays responsive while it runs.

- :func:`unlock_at_start` — called by :mod:`ui.main` before the main window is shown;
  ``MAX_ATTEMPTS`` wrong passwords close the application.
- :class:`LockController` — an application-wide event filter restarts a timer on every key,
  click, wheel or touch; when it runs out (delay from :func:`app.services.lock.get_lock_timeout`)
  every open window is hidden behind a :class:`LockCover`, and the one in front asks for the
  password. Nothing runs while no password is set, nor while the signing kiosk is shown
  (it sits idle between signers and guards its own exit).
- :func:`confirm_officer` — the password (or, without one, a confirmation) before leaving
  the signing kiosk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import MaillageError
from app.services import lock as lock_service
from app.services.workspace import Workspace
from ui.safety.work import run_task

MAX_ATTEMPTS = 5
# Windows during which inactivity does not lock: the signing kiosk (ui.kiosk) is meant to sit
# idle between signers, shows no contact detail and asks the password to be left.
UNLOCKED_WINDOWS = frozenset({"kiosk"})
MINUTE_MS = 60_000

USER_INPUT = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
    QEvent.Type.TabletPress, QEvent.Type.TabletMove, QEvent.Type.ShortcutOverride,
})

COVER_STYLE = """
QWidget#lockScreen { background: #f2f4f7; }
QFrame#lockCard { background: #ffffff; border: 1px solid #d3dae3; border-radius: 10px; }
QLabel#lockTitle { font-size: 16pt; font-weight: bold; color: #1f2933; }
QLabel#lockText { color: #3e4652; }
"""


# --- the password field ---------------------------------------------------------------------


class PasswordPrompt(QWidget):
    """A password field with its button; checks off the GUI thread.

    ``unlocked`` when the password is right; ``wrong(attempts)`` after each wrong one.
    """

    unlocked = Signal()
    wrong = Signal(int)

    def __init__(self, workspace: Callable[[], Workspace], button_text: str = "&Déverrouiller",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self.attempts = 0
        self.checking = False
        self.field = QLineEdit()
        self.field.setObjectName("passwordField")
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setPlaceholderText("Mot de passe de l'application")
        self.field.setMinimumWidth(260)
        self.field.returnPressed.connect(self.submit)
        self.button = QPushButton(button_text)
        self.button.setObjectName("unlockButton")
        self.button.setAutoDefault(True)
        self.button.clicked.connect(self.submit)
        self.error = QLabel("")
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.field, 1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(row)
        layout.addWidget(self.error)
        self.setFocusProxy(self.field)

    def submit(self) -> None:
        if self.checking:
            return
        candidate = self.field.text()
        if not candidate:
            self.error.setText("Saisissez le mot de passe.")
            return
        ws = self._workspace()
        self.checking = True
        self.field.setEnabled(False)
        self.button.setEnabled(False)
        self.error.setText("Vérification…")
        run_task(self, lambda _p, _c: lock_service.check_password(ws, candidate),
                 self._checked, self._failed)

    def _end_check(self) -> None:
        self.checking = False
        self.field.setEnabled(True)
        self.button.setEnabled(True)
        self.field.selectAll()
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _checked(self, ok: bool) -> None:
        self._end_check()
        if ok:
            self.error.setText("")
            self.field.clear()
            self.attempts = 0
            self.unlocked.emit()
            return
        self.attempts += 1
        self.error.setText("Mot de passe incorrect.")
        self.wrong.emit(self.attempts)

    def _failed(self, error: Exception) -> None:
        self._end_check()
        message = error.message if isinstance(error, MaillageError) else str(error)
        self.error.setText(f"Le mot de passe n'a pas pu être vérifié : {message}")


class PasswordDialog(QDialog):
    """A modal request for the application password (start, leaving the kiosk)."""

    def __init__(self, ws: Workspace, title: str, text: str, *,
                 max_attempts: int | None = None, cancel_text: str = "Annuler",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("passwordDialog")
        self.setWindowTitle(title)
        self.max_attempts = max_attempts
        self.exhausted = False
        label = QLabel(text)
        label.setWordWrap(True)
        label.setMinimumWidth(380)
        self.prompt = PasswordPrompt(lambda: ws, "&Valider")
        self.prompt.unlocked.connect(self.accept)
        self.prompt.wrong.connect(self._wrong)
        buttons = QDialogButtonBox()
        cancel = buttons.addButton(cancel_text, QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(label)
        layout.addWidget(self.prompt)
        layout.addWidget(buttons)
        self.prompt.setFocus()

    def _wrong(self, attempts: int) -> None:
        if self.max_attempts is None:
            return
        left = self.max_attempts - attempts
        if left <= 0:
            self.exhausted = True
            self.reject()
        else:
            self.prompt.error.setText(
                "Mot de passe incorrect. " + ("Dernier essai." if left == 1
                                              else f"Encore {left} essais."))

    def reject(self) -> None:
        if self.prompt.checking:
            return  # the check ends first (it owns the prompt)
        super().reject()


def unlock_at_start(ws: Workspace, max_attempts: int = MAX_ATTEMPTS) -> bool:
    """Ask for the password before the main window opens; ``True`` when none is set."""
    if not lock_service.has_password(ws):
        return True
    dialog = PasswordDialog(
        ws, "Maillage — mot de passe",
        "Cette base est protégée par un mot de passe. Saisissez-le pour ouvrir Maillage.",
        max_attempts=max_attempts, cancel_text="&Quitter")
    ok = dialog.exec() == QDialog.DialogCode.Accepted
    if not ok and dialog.exhausted:
        QMessageBox.critical(None, "Maillage",
                             f"{max_attempts} mots de passe incorrects : Maillage se ferme.")
    dialog.deleteLater()
    return ok


def confirm_officer(parent: QWidget | None, ws: Workspace, *,
                    title: str = "Quitter le mode émargement",
                    text: str = "Réservé au chargé de mission : saisissez le mot de passe de "
                                "l'application pour quitter le mode émargement.") -> bool:
    """The password when one is set, otherwise a plain confirmation (kiosk exit)."""
    if lock_service.has_password(ws):
        dialog = PasswordDialog(ws, title, text, parent=parent)
        ok = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        return ok
    answer = QMessageBox.question(
        parent, title,
        "Quitter le mode émargement et revenir à Maillage ?\n\n"
        "Aucun mot de passe n'est défini (Outils › Réglages…) : n'importe qui peut le quitter.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


# --- the lock screen ------------------------------------------------------------------------


class LockCover(QWidget):
    """An opaque panel over a whole window; the one in front carries the password field."""

    def __init__(self, target: QWidget, workspace: Callable[[], Workspace] | None) -> None:
        super().__init__(target)
        self.setObjectName("lockScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(COVER_STYLE)
        self.target = target
        self.prompt = PasswordPrompt(workspace) if workspace is not None else None
        prompt = self.prompt
        card = QFrame()
        card.setObjectName("lockCard")
        card.setFixedWidth(500)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(10)
        title = QLabel("Maillage est verrouillé")
        title.setObjectName("lockTitle")
        inner.addWidget(title)
        text = QLabel(
            "Les données sont masquées le temps de votre absence. "
            + ("Saisissez le mot de passe de l'application pour reprendre."
               if prompt is not None else
               "Déverrouillez Maillage dans la fenêtre au premier plan.")
        )
        text.setObjectName("lockText")
        text.setWordWrap(True)
        inner.addWidget(text)
        if prompt is not None:
            inner.addWidget(prompt)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        self._disabled: list[QWidget] = []
        for child in target.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if child is not self and not child.isWindow() and child.isEnabled():
                child.setEnabled(False)
                self._disabled.append(child)
        self.setGeometry(target.rect())
        target.installEventFilter(self)
        self.raise_()
        self.show()
        if prompt is not None:
            prompt.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.target and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.target.rect())
        return False

    def focusNextPrevChild(self, _next: bool) -> bool:
        return True  # Tab never reaches the hidden widgets

    def remove(self) -> None:
        if shiboken6.isValid(self.target):
            self.target.removeEventFilter(self)
        for child in self._disabled:
            if shiboken6.isValid(child):
                child.setEnabled(True)
        self._disabled = []
        self.hide()
        self.deleteLater()


def _is_shown_window(widget: QWidget) -> bool:
    if not widget.isWindow() or not widget.isVisible():
        return False
    kind = widget.windowType()
    return kind not in (Qt.WindowType.Popup, Qt.WindowType.ToolTip, Qt.WindowType.SplashScreen)


class LockController(QObject):
    """Locks the application after ``timeout`` minutes without user input (password set).

    ``window`` is the main window (its ``workspace`` may change: :meth:`refresh` reads the
    settings of the current one). ``set_suspended(True)`` stops counting (e.g. a mode that
    must stay usable by the public).
    """

    locked_changed = Signal(bool)
    refreshed = Signal()  # the password or the delay were read again

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.setObjectName("lockController")
        self._window = window
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._timed_out)
        self._covers: list[LockCover] = []
        self._focus: QWidget | None = None
        self._filtering = False
        self._suspended = False
        self.enabled = False
        self._path = window.workspace.path
        self.refresh()

    # --- settings ---------------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return bool(self._covers)

    @property
    def prompt(self) -> PasswordPrompt | None:
        """The password field of the lock screen in front (``None`` when unlocked)."""
        for cover in self._covers:
            if shiboken6.isValid(cover) and cover.prompt is not None:
                return cover.prompt
        return None

    @property
    def interval_ms(self) -> int:
        return self._timer.interval()

    def refresh(self) -> None:
        """Read the password and delay of the window's base; start or stop counting."""
        try:
            ws = self._window.workspace
            enabled = lock_service.has_password(ws)
            minutes = lock_service.get_lock_timeout(ws)
        except MaillageError:
            enabled, minutes = False, lock_service.DEFAULT_TIMEOUT_MINUTES
        self.set_interval(minutes * MINUTE_MS)
        self.enabled = enabled
        self._apply()
        self.refreshed.emit()

    def workspace_changed(self) -> None:
        """Another base is shown: its settings apply, and its password is asked at once
        (as at start) unless it is the same file (a restored backup)."""
        path = self._window.workspace.path
        other = path != self._path
        self._path = path
        self.refresh()
        if other and self.enabled and not self.locked:
            self.lock()

    def set_interval(self, ms: int) -> None:
        """The delay in milliseconds (tests use a short one)."""
        self._timer.setInterval(max(1, int(ms)))
        if self._timer.isActive():
            self._timer.start()

    def set_suspended(self, suspended: bool) -> None:
        self._suspended = suspended
        self._apply()

    def _apply(self) -> None:
        active = self.enabled and not self._suspended
        app = QApplication.instance()
        if active and not self._filtering:
            app.installEventFilter(self)
            self._filtering = True
        elif not active and self._filtering and not self.locked:
            app.removeEventFilter(self)
            self._filtering = False
        if active and not self.locked:
            self._timer.start()
        else:
            self._timer.stop()

    # --- inactivity -------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if self.locked:
            if kind == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
                QTimer.singleShot(0, self._recover)  # a window opened while locked
            elif kind == QEvent.Type.Shortcut:
                return self._blocks_shortcut(watched)
            return False
        if kind in USER_INPUT and self._timer.isActive():
            self._timer.start()
        return False

    def _blocks_shortcut(self, watched: QObject) -> bool:
        # While locked, only the password field takes keys (no Ctrl+Q, Ctrl+1…).
        prompt = self.prompt
        return not (prompt is not None and isinstance(watched, QWidget)
                    and (watched is prompt or prompt.isAncestorOf(watched)))

    def _timed_out(self) -> None:
        if not self.enabled or self._suspended:
            return
        if any(w.objectName() in UNLOCKED_WINDOWS and _is_shown_window(w)
               for w in QApplication.topLevelWidgets()):
            self._timer.start()  # the signing kiosk guards itself (leaving needs the password)
            return
        self.lock()

    # --- locking ----------------------------------------------------------------------------

    def lock(self) -> None:
        """Hide every window behind a cover now (the front one asks for the password)."""
        if self.locked:
            return
        self._timer.stop()
        self._focus = QApplication.focusWidget()
        popup = QApplication.activePopupWidget()
        while popup is not None:
            popup.close()
            following = QApplication.activePopupWidget()
            popup = None if following is popup else following
        if not self._filtering:
            QApplication.instance().installEventFilter(self)
            self._filtering = True
        self._cover()
        if not self._covers:  # no window shown (closing): nothing to hide
            self._apply()
            return
        self.locked_changed.emit(True)

    def _front(self, windows: list[QWidget]) -> QWidget:
        """The window that gets the password field: the modal one, else the active one."""
        modal = QApplication.activeModalWidget()
        if modal is not None and modal in windows:
            return modal
        active = QApplication.activeWindow()
        if active is not None and active in windows:
            return active
        return self._window if self._window in windows else windows[-1]

    def _cover(self) -> None:
        windows = [w for w in QApplication.topLevelWidgets() if _is_shown_window(w)]
        if not windows:
            return
        front = self._front(windows)
        for window in windows:
            cover = LockCover(window, (lambda: self._window.workspace) if window is front else None)
            if cover.prompt is not None:
                cover.prompt.unlocked.connect(self.unlock)
            self._covers.append(cover)

    def _recover(self) -> None:
        """Cover again, a new window having appeared (it may have to carry the field)."""
        if not self.locked:
            return
        covered = {c.target for c in self._covers if shiboken6.isValid(c)}
        current = {w for w in QApplication.topLevelWidgets() if _is_shown_window(w)}
        if current <= covered:
            return
        for cover in self._covers:
            if shiboken6.isValid(cover):
                cover.remove()
        self._covers = []
        self._cover()

    def unlock(self) -> None:
        for cover in self._covers:
            if shiboken6.isValid(cover):
                cover.remove()
        self._covers = []
        focus = self._focus
        self._focus = None
        if focus is not None and shiboken6.isValid(focus) and focus.isVisible():
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
        self.locked_changed.emit(False)
        self._apply()

