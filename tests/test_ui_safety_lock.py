"""The application lock in the GUI: inactivity lock screen, password at start, kiosk exit."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QThreadPool, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from app.services import lock as lock_service
from ui.main import create_application
from ui.safety.lock import LockCover, PasswordDialog, confirm_officer, unlock_at_start

PASSWORD = "un-secret-solide"


@pytest.fixture
def protected(demo_ws):
    lock_service.set_password(demo_ws, PASSWORD)
    return demo_ws


def _submit(prompt, qtbot, text: str) -> None:
    prompt.field.setText(text)
    QTest.keyClick(prompt.field, Qt.Key.Key_Return)
    assert prompt.checking  # the check runs off the GUI thread
    qtbot.waitUntil(lambda: not prompt.checking, timeout=20_000)


def test_nothing_locks_without_a_password(window):
    controller = window.lock_controller
    assert not controller.enabled
    controller.set_interval(1)
    QTest.qWait(50)
    assert not controller.locked


def test_the_lock_screen_appears_after_inactivity_and_only_the_password_unlocks(
        window, protected, qtbot):
    controller = window.lock_controller
    controller.refresh()  # the password was set after the window opened
    assert controller.enabled
    assert controller.interval_ms == 10 * 60_000  # the default delay, from the base
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3_000)
    controller.set_interval(200)
    with qtbot.waitSignal(controller.locked_changed, timeout=5_000) as locked:
        pass
    assert locked.args == [True]
    assert controller.locked
    covers = window.findChildren(LockCover)
    assert len(covers) == 1 and covers[0].isVisible()
    assert covers[0].geometry() == window.rect()
    assert not window.centralWidget().isEnabled()
    assert not window.menuBar().isEnabled()
    assert not window.safety.lock_action.isEnabled()
    prompt = controller.prompt
    assert prompt is not None and prompt.isVisible()

    _submit(prompt, qtbot, "pas-le-bon")
    assert controller.locked
    assert prompt.error.text() == "Mot de passe incorrect."

    # Shortcuts of the hidden window do nothing while locked.
    section = window.current_section().key
    QTest.keyClick(prompt.field, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section().key == section

    with qtbot.waitSignal(controller.locked_changed, timeout=20_000) as unlocked:
        prompt.field.setText(PASSWORD)
        QTest.mouseClick(prompt.button, Qt.MouseButton.LeftButton)
    assert unlocked.args == [False]
    assert not controller.locked
    qtbot.waitUntil(lambda: not window.findChildren(LockCover), timeout=3_000)
    assert window.centralWidget().isEnabled()
    assert window.menuBar().isEnabled()
    assert window.safety.lock_action.isEnabled()
    # …and they work again (the check above was not vacuous).
    QTest.keyClick(window.nav, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section().key == "contacts"


def test_user_input_postpones_the_lock(window, protected, qtbot):
    controller = window.lock_controller
    controller.refresh()
    controller.set_interval(400)
    for _ in range(6):  # 6 × 150 ms of typing: never 400 ms idle
        QTest.qWait(150)
        QTest.keyClick(window.nav, Qt.Key.Key_Down)
        assert not controller.locked
    qtbot.waitUntil(lambda: controller.locked, timeout=5_000)
    controller.unlock()


def test_opening_another_protected_base_asks_its_password(window, qtbot, tmp_path, demo_db):
    import shutil

    from app.services.workspace import open_workspace

    other = tmp_path / "autre.sqlite"
    shutil.copyfile(demo_db, other)
    with open_workspace(other) as ws:
        lock_service.set_password(ws, "le-secret-de-l-autre")
    controller = window.lock_controller
    assert not controller.enabled
    assert window.open_database(other)
    assert controller.enabled and controller.locked
    with qtbot.waitSignal(controller.locked_changed, timeout=20_000):
        _submit(controller.prompt, qtbot, "le-secret-de-l-autre")
    window.stop_startup_checks()
    QThreadPool.globalInstance().waitForDone(30_000)
    window.workspace.close()


def test_the_signing_kiosk_is_not_locked_by_inactivity(window, protected, qtbot):
    controller = window.lock_controller
    controller.refresh()
    kiosk = QWidget()
    kiosk.setObjectName("kiosk")
    qtbot.addWidget(kiosk)
    kiosk.show()
    qtbot.waitExposed(kiosk)
    controller.set_interval(50)
    QTest.qWait(300)
    assert not controller.locked
    kiosk.close()
    qtbot.waitUntil(lambda: controller.locked, timeout=3_000)
    controller.unlock()


def test_lock_now_covers_an_open_dialog_too(window, protected, qtbot):
    controller = window.lock_controller
    controller.refresh()
    settings = window.safety.show_settings()  # window-modal: it carries the password field
    qtbot.waitExposed(settings)
    window.safety.lock_action.trigger()
    assert controller.locked
    covers = {c.target: c for c in window.findChildren(LockCover) + settings.findChildren(LockCover)}
    assert set(covers) == {window, settings}
    assert covers[settings].prompt is not None
    assert covers[window].prompt is None
    with qtbot.waitSignal(controller.locked_changed, timeout=20_000):
        _submit(controller.prompt, qtbot, PASSWORD)
    assert settings.isVisible()
    settings.reject()


def test_the_password_is_asked_at_start_with_limited_attempts(protected, qtbot, monkeypatch):
    create_application()
    seen = {}

    def exec_right(self):
        seen["text"] = self.windowTitle()
        QTimer.singleShot(0, lambda: _type(self, PASSWORD))
        return QDialog.exec(self)

    monkeypatch.setattr(PasswordDialog, "exec", exec_right)
    assert unlock_at_start(protected)
    assert seen["text"] == "Maillage — mot de passe"

    errors = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda *a: errors.append(a)))
    attempts = []

    def exec_wrong(self):
        self.prompt.wrong.connect(lambda n: attempts.append(n))
        self.prompt.wrong.connect(lambda _n: QTimer.singleShot(0, lambda: _type(self, "faux")))
        QTimer.singleShot(0, lambda: _type(self, "faux"))
        return QDialog.exec(self)

    monkeypatch.setattr(PasswordDialog, "exec", exec_wrong)
    assert not unlock_at_start(protected, max_attempts=2)
    assert attempts == [1, 2]
    assert errors and "2 mots de passe incorrects" in errors[0][2]


def _type(dialog: PasswordDialog, text: str) -> None:
    if dialog.isVisible() and not dialog.prompt.checking:
        dialog.prompt.field.setText(text)
        dialog.prompt.submit()


def test_no_password_no_question_at_start(demo_ws, monkeypatch):
    create_application()
    monkeypatch.setattr(PasswordDialog, "exec", lambda self: pytest.fail("asked"))
    assert unlock_at_start(demo_ws)


def test_the_start_dialog_counts_down(protected, qtbot):
    create_application()
    dialog = PasswordDialog(protected, "Maillage — mot de passe", "…", max_attempts=3)
    qtbot.addWidget(dialog)
    dialog.show()
    _submit(dialog.prompt, qtbot, "faux")
    assert dialog.prompt.error.text() == "Mot de passe incorrect. Encore 2 essais."
    _submit(dialog.prompt, qtbot, "faux")
    assert dialog.prompt.error.text() == "Mot de passe incorrect. Dernier essai."
    with qtbot.waitSignal(dialog.rejected, timeout=20_000):
        _submit(dialog.prompt, qtbot, "faux")
    assert dialog.exhausted


def test_confirm_officer_asks_the_password_when_one_is_set(demo_ws, qtbot, monkeypatch):
    create_application()
    answers = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a, **k: answers.append(a) or QMessageBox.StandardButton.Yes))
    assert confirm_officer(None, demo_ws)  # no password: a plain confirmation
    assert answers and answers[0][1] == "Quitter le mode émargement"

    lock_service.set_password(demo_ws, PASSWORD)

    def exec_typing(text):
        def exec_(self):
            QTimer.singleShot(0, lambda: _type(self, text))
            self.prompt.wrong.connect(lambda _n: self.reject())
            return QDialog.exec(self)
        return exec_

    monkeypatch.setattr(PasswordDialog, "exec", exec_typing(PASSWORD))
    assert confirm_officer(None, demo_ws)
    monkeypatch.setattr(PasswordDialog, "exec", exec_typing("faux"))
    assert not confirm_officer(None, demo_ws)
    assert len(answers) == 1  # the password replaced the question
