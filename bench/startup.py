"""Time from starting a process to its first painted window, and to its data on screen.

The process prints a line ``{"event": "first_paint", "rss_mb": <float>}`` on stdout when its
main window is first painted (:data:`BASELINE_SCRIPT`, a bare ``QMainWindow``, the reference
the app is compared to, then exits). ``maillage --bench-first-paint`` goes on: it opens the
database and prints ``{"event": "ready", "rss_mb": <float>}`` once the first view shows its
data, then exits.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass

from bench.context import BenchError

# An empty QMainWindow, started the same way, reporting the same line at its first paint.
BASELINE_SCRIPT = r"""
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


def rss_mb():
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
    except ImportError:
        return 0.0


class Window(QMainWindow):
    painted = False

    def paintEvent(self, event):
        super().paintEvent(event)
        if not Window.painted:
            Window.painted = True
            print(json.dumps({"event": "first_paint", "rss_mb": round(rss_mb(), 1)}), flush=True)
            QTimer.singleShot(0, QApplication.instance().quit)


app = QApplication(sys.argv)
window = Window()
window.setWindowTitle("Référence")
window.resize(1280, 800)
window.show()
sys.exit(app.exec())
"""


@dataclass(frozen=True)
class FirstPaint:
    seconds: float
    rss_mb: float
    ready_s: float | None = None  # the « ready » line, when the program prints one
    ready_rss_mb: float | None = None


def time_first_paint(command: list[str], env: dict[str, str] | None = None,
                     timeout: float = 120.0) -> FirstPaint:
    """Start ``command``; return the seconds until its first_paint line, and the RSS it reported.

    The clock starts just before the process is created and stops when the line is read.
    Other stdout lines are ignored; stderr is kept to explain a failure.
    """
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=errors, stdin=subprocess.DEVNULL, env=env,
            text=True, encoding="utf-8", errors="replace",
        )
        found: FirstPaint | None = None
        ready: tuple[float, float] | None = None
        watchdog = threading.Timer(timeout, process.kill)  # a silent, hung process
        watchdog.start()
        try:
            assert process.stdout is not None
            for line in process.stdout:
                elapsed = time.perf_counter() - started
                event = _parse(line)
                if event is None:
                    continue
                rss = float(event.get("rss_mb") or 0.0)
                if event["event"] == "first_paint" and found is None:
                    found = FirstPaint(elapsed, rss)
                elif event["event"] == "ready" and ready is None:
                    ready = (elapsed, rss)
            process.wait(timeout=max(1.0, timeout - (time.perf_counter() - started)))
        except subprocess.TimeoutExpired:
            pass
        finally:
            watchdog.cancel()
            if process.poll() is None:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
        if found is None:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace").strip().splitlines()[-5:]
            raise BenchError(
                f"pas de ligne first_paint (code {process.returncode}) : "
                + (" | ".join(tail) if tail else "aucun message")
            )
        if process.returncode not in (0, None):
            raise BenchError(f"le programme s'est terminé avec le code {process.returncode}")
        if ready is not None:
            found = FirstPaint(found.seconds, found.rss_mb, ready[0], ready[1])
        return found


def _parse(line: str) -> dict | None:
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if isinstance(data, dict) and data.get("event") in ("first_paint", "ready"):
        return data
    return None


def repeat(command: list[str], env: dict[str, str], runs: int, *, warmup: int = 1) -> list[FirstPaint]:
    """``warmup`` discarded runs (file cache), then ``runs`` measured ones."""
    for _ in range(warmup):
        time_first_paint(command, env)
    return [time_first_paint(command, env) for _ in range(runs)]
