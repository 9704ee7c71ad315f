"""``ui.main.run``: screenshots, unknown views, errors on opening, the first-paint report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from ui.main import run
from ui.navigation import SECTIONS, UnknownSection, resolve_section

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Options:
    """The attributes of ``ui.launcher.GuiOptions`` that ``run`` reads."""

    db: Path | None = None
    demo: bool = False
    screenshot: Path | None = None
    view: str | None = None
    bench_first_paint: bool = False


@pytest.mark.parametrize(("name", "key"), [
    ("tableau-de-bord", "tableau-de-bord"), ("dashboard", "tableau-de-bord"),
    ("Réunions", "reunions"), ("meetings", "reunions"), ("organisations", "structures"),
    ("people", "contacts"), ("reports", "bilans"), ("sync", "synchronisation"),
    ("CONVENTIONS", "conventions"),
])
def test_view_names_in_french_or_english(name, key):
    assert resolve_section(name).key == key


def test_an_unknown_view_is_refused_before_anything_opens(qapp, capsys, tmp_path):
    assert run(Options(db=tmp_path / "jamais.sqlite", view="planning")) == 2
    err = capsys.readouterr().err
    assert "Vue inconnue : « planning »" in err
    assert "structures" in err
    assert not (tmp_path / "jamais.sqlite").exists()
    with pytest.raises(UnknownSection):
        resolve_section("planning")


@pytest.mark.parametrize("key", [s.key for s in SECTIONS])
def test_screenshot_of_each_section(qapp, demo_db, tmp_path, key):
    shot = tmp_path / "captures" / f"{key}.png"
    assert run(Options(db=demo_db, screenshot=shot, view=key)) == 0
    assert shot.stat().st_size > 10_000
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1280, 800)
    # Nothing left behind: the window is gone and the next test starts clean.
    QApplication.processEvents()


def test_screenshot_of_the_default_view_without_view_option(qapp, demo_db, tmp_path):
    shot = tmp_path / "fenetre.png"
    assert run(Options(db=demo_db, screenshot=shot)) == 0
    assert QImage(str(shot)).size().width() == 1280


def test_a_damaged_database_is_explained_in_french(qapp, tmp_path, capsys):
    bad = tmp_path / "abimee.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8000)
    assert run(Options(db=bad, screenshot=tmp_path / "x.png")) == 1
    err = capsys.readouterr().err
    assert err.startswith("maillage : la base n'a pas pu être ouverte.")
    assert not (tmp_path / "x.png").exists()


def test_first_paint_report_on_a_demo_database(demo_db, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "MAILLAGE_SETTINGS_DIR": str(tmp_path / "reglages")}
    code = (
        "import sys; from pathlib import Path; from ui.launcher import GuiOptions; "
        "from ui.main import run; "
        f"sys.exit(run(GuiOptions(db=Path({str(demo_db)!r}), bench_first_paint=True)))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    # The frame paints first, then the base opens and the tableau de bord shows its data.
    assert [e["event"] for e in events] == ["first_paint", "ready"]
    assert events[0]["rss_mb"] > 10
    assert events[1]["rss_mb"] >= events[0]["rss_mb"]


def test_the_window_paints_before_the_storage_layer_is_imported():
    """What runs before the first paint imports neither SQLAlchemy nor the services."""
    code = (
        "import sys; import ui.launcher, ui.main, ui.mainwindow; "
        "print(sorted(m for m in sys.modules if m.startswith(('sqlalchemy', 'app.services', "
        "'app.storage', 'importlib.metadata'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_damaged_database_after_the_first_paint_exits_with_the_french_reason(tmp_path):
    bad = tmp_path / "abimee.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8000)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "MAILLAGE_SETTINGS_DIR": str(tmp_path / "reglages")}
    code = (
        "import sys; from pathlib import Path; from ui.launcher import GuiOptions; "
        "from ui.main import run; "
        f"sys.exit(run(GuiOptions(db=Path({str(bad)!r}), bench_first_paint=True)))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    assert "maillage : la base n'a pas pu être ouverte." in result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [e["event"] for e in events] == ["first_paint"]
