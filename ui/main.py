"""The GUI entry point: build the QApplication, open the workspace, show the main window.

``run(options)`` is called by :mod:`ui.launcher` with a ``GuiOptions`` (``db``, ``demo``,
``screenshot``, ``view``, ``bench_first_paint``). Everything is wired here, once: the
application (French translations, embedded font, style), the workspace, the window.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, QSize, Qt, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QStyleFactory

from app.errors import MaillageError
from ui.navigation import Section, UnknownSection, resolve_section

SCREENSHOT_SIZE = QSize(1280, 800)
FONT_FAMILY = "DejaVu Sans"
FONT_POINT_SIZE = 10
EXIT_ERROR = 1
EXIT_USAGE = 2

_translators: list[QTranslator] = []  # kept alive as long as the application
_configured = False


class Options(Protocol):
    db: Path | None
    demo: bool
    screenshot: Path | None
    view: str | None
    bench_first_paint: bool


# --- the application ------------------------------------------------------------------------


def _resource(*parts: str) -> Path:
    return Path(str(files("resources").joinpath(*parts)))


def create_application() -> QApplication:
    """The QApplication, set up once: names, French Qt dialogs, DejaVu Sans, light style."""
    global _configured
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    if _configured:
        return app
    app.setApplicationName("Maillage")
    app.setOrganizationName("Maillage")
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale(QLocale.Language.French), "qtbase", "_", folder):
        app.installTranslator(translator)
        _translators.append(translator)
    fonts = _resource("fonts")
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"):
        if (fonts / name).is_file():
            QFontDatabase.addApplicationFont(str(fonts / name))
    font = QFont(FONT_FAMILY)
    font.setPointSize(FONT_POINT_SIZE)
    app.setFont(font)
    if "Fusion" in QStyleFactory.keys():
        app.setStyle("Fusion")
        app.setPalette(app.style().standardPalette())  # light, whatever the desktop theme
    qss = _resource("style.qss")
    if qss.is_file():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
    icon = _resource("icons", "maillage.png")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    _configured = True
    return app


def _report(message: str, interactive: bool, title: str = "Maillage") -> None:
    """An error for the user: on stderr always, in a dialog too when someone is watching."""
    print(f"maillage : {message}", file=sys.stderr, flush=True)
    if interactive:
        QMessageBox.critical(None, title, message)


class _DemoProgress:
    """A progress dialog, shown only if the demo database has to be filled (a few seconds)."""

    def __init__(self) -> None:
        self.dialog: QProgressDialog | None = None

    def __call__(self, done: int, total: int, message: str) -> None:
        if self.dialog is None:
            self.dialog = QProgressDialog("Création de la base de démonstration…", "", 0, 0)
            self.dialog.setCancelButton(None)
            self.dialog.setWindowTitle("Maillage")
            self.dialog.setMinimumDuration(0)
            self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.dialog.setLabelText(message or "Création de la base de démonstration…")
        self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(min(done, total) if total else 0)
        QApplication.processEvents()

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None


# --- screenshot and first-paint benchmark -----------------------------------------------------


def save_screenshot(window: Any, path: Path, section: Section | None = None,
                    size: QSize = SCREENSHOT_SIZE) -> None:
    """Render ``window`` (on ``section``, first row selected) at ``size`` into the PNG ``path``.

    Works offscreen: the window is laid out and painted without appearing on the screen.
    Raises :class:`OSError` when the image cannot be written.
    """
    from ui.sections import ListSection

    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(size)
    window.show()
    if section is not None:
        page = window.show_section(section.key)
        if isinstance(page, ListSection):
            page.select_first()
    for _ in range(3):  # layouts, then the deferred resizes they cause
        QApplication.processEvents()
    wait = getattr(window.stack.currentWidget(), "wait_until_ready", None)
    if wait is not None:  # a view computing off the GUI thread (bilans, dashboard indicators)
        wait()
        for _ in range(3):
            QApplication.processEvents()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path), "PNG"):
        raise OSError(f"impossible d'écrire l'image « {path} »")


def rss_mb() -> float:
    """Resident memory of this process in Mo (``VmRSS``; peak RSS where /proc is missing)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
    except ImportError:  # Windows
        return 0.0


class FirstPaint(QObject):
    """Calls ``callback()`` once, just after the first paint of ``window`` (or of a child)."""

    def __init__(self, window: Any, callback: Callable[[], None]) -> None:
        super().__init__(window)
        self._window = window
        self._callback = callback
        self._seen = False
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (not self._seen and event.type() == QEvent.Type.Paint
                and getattr(watched, "window", None) is not None
                and watched.window() is self._window):
            self._seen = True
            QTimer.singleShot(0, self._done)  # after this paint cycle has been flushed
        return False

    def _done(self) -> None:
        QApplication.instance().removeEventFilter(self)
        self._callback()


def _bench_line(event: str) -> None:
    print(json.dumps({"event": event, "rss_mb": round(rss_mb(), 1)}), flush=True)


def report_first_paint() -> None:
    """The benchmark's first line (``bench.startup``): the window's frame is on the screen."""
    _bench_line("first_paint")


def report_ready() -> None:
    """The benchmark's second line: the database is open and the first view shows its data;
    then quit."""
    _bench_line("ready")
    QApplication.instance().quit()


# --- run --------------------------------------------------------------------------------------


def run(options: Options) -> int:
    """Start the GUI; returns the process exit code (0, 1 on a failure, 2 for a bad --view).

    The window's frame is shown first — before the storage layer is imported — and the
    database is opened just after its first paint (:class:`_Opening`), so that something
    answers the double click at once, even on a large base or a slow disk.
    """
    section: Section | None = None
    if options.view:
        try:
            section = resolve_section(options.view)
        except UnknownSection as exc:
            print(f"maillage : {exc.message}", file=sys.stderr, flush=True)
            return EXIT_USAGE
    app = create_application()
    if options.screenshot is not None:
        return _screenshot(options, section)

    from ui.mainwindow import MainWindow

    window = MainWindow()
    opening = _Opening(window, options, section)
    FirstPaint(window, opening.start)
    window.show()
    try:
        code = app.exec()
        return opening.exit_code if opening.exit_code is not None else code
    finally:
        window.stop_startup_checks()
        window.hide()
        if window.attached:
            window.workspace.close()
        window.deleteLater()


def _open_workspace(options: Options, interactive: bool) -> Any:
    """The workspace of ``options`` (the demo base filled on first use), or ``None`` after
    telling the user why it could not be opened."""
    from app.services.startup import open_for_gui

    progress = _DemoProgress() if interactive else None
    try:
        # The integrity check and start-up backup read the whole file: they run after the
        # first paint, off the GUI thread (ui.startup_job), never before the window shows.
        return open_for_gui(options.db, options.demo, progress=progress, checks=False)
    except MaillageError as exc:
        _report(f"la base n'a pas pu être ouverte.\n\n{exc.message}", interactive,
                "Ouverture impossible")
    except OSError as exc:
        _report(f"la base n'a pas pu être ouverte : {exc.strerror or exc}.", interactive,
                "Ouverture impossible")
    finally:
        if progress is not None:
            progress.close()
    return None


class _Opening(QObject):
    """After the frame's first paint: open the base, unlock it, first-run assistant, attach."""

    def __init__(self, window: Any, options: Options, section: Section | None) -> None:
        super().__init__(window)
        self.window = window
        self.options = options
        self.section = section
        self.interactive = not options.bench_first_paint
        self.exit_code: int | None = None

    def _fail(self, code: int = EXIT_ERROR) -> None:
        self.exit_code = code
        QApplication.instance().exit(code)

    def start(self) -> None:
        if self.options.bench_first_paint:
            report_first_paint()
        ws = _open_workspace(self.options, self.interactive)
        if ws is None:
            self._fail()
            return
        if self.interactive:
            from ui.safety.lock import unlock_at_start  # issue 8: the application password

            if not unlock_at_start(ws):
                ws.close()
                self._fail()
                return
            from app.services.settings import get_identity

            if not get_identity(ws).is_set:
                from ui.firstrun import FirstRunWizard

                FirstRunWizard(ws).exec()
        self.window.attach(ws)
        if self.section is not None:
            self.window.show_section(self.section.key)
        if self.options.bench_first_paint:
            dashboard = self.window.dashboard
            counting = dashboard.counts_job is not None or dashboard._counts_pending
            if self.window.stack.currentWidget() is dashboard and counting:
                # « Ready » is the tableau de bord complete: its counts come off the GUI thread.
                dashboard.counts_loaded.connect(lambda: FirstPaint(self.window, report_ready))
            else:
                FirstPaint(self.window, report_ready)
        elif not self.options.demo:
            FirstPaint(self.window, self.window.start_startup_checks)


def _screenshot(options: Options, section: Section | None) -> int:
    """``--screenshot``: open the base, render the window on ``section`` into the PNG, quit."""
    ws = _open_workspace(options, interactive=False)
    if ws is None:
        return EXIT_ERROR
    from ui.mainwindow import MainWindow

    window = None
    try:
        window = MainWindow(ws)
        try:
            save_screenshot(window, options.screenshot, section)
        except OSError as exc:
            _report(str(exc), False)
            return EXIT_ERROR
        return 0
    finally:
        if window is not None:
            window.hide()
            window.workspace.close()
            window.deleteLater()
        ws.close()
