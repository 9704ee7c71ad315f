"""The distributed program: build the PyInstaller bundle for real and use it as a user would.

Marked ``slow`` (one to three minutes) but part of the normal suite: if the bundle cannot be
built, or starts but cannot find its resources, these tests fail.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import build_installer  # noqa: E402

pytestmark = pytest.mark.slow

EXE = "maillage-cli.exe" if sys.platform == "win32" else "maillage"


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("paquet")
    result = subprocess.run(
        [sys.executable, str(ROOT / "build_installer.py"), "--no-installer",
         "--distpath", str(base / "dist"), "--workpath", str(base / "build")],
        cwd=ROOT, capture_output=True, text=True, timeout=1800,
    )
    assert result.returncode == 0, (
        f"La construction du paquet a échoué (code {result.returncode}) :\n"
        f"{_tail(result.stdout)}\n{_tail(result.stderr)}"
    )
    assert "Paquet prêt" in result.stdout
    return base / "dist" / "maillage"


@dataclass(frozen=True)
class DemoRun:
    data_dir: Path
    screenshot: Path
    result: subprocess.CompletedProcess


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "MAILLAGE_DB"}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        MAILLAGE_DATA_DIR=str(data_dir),
        MAILLAGE_SETTINGS_DIR=str(data_dir / "reglages"),
    )
    return env


@pytest.fixture(scope="module")
def demo_run(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """``maillage --demo --screenshot x.png`` from the bundle, in a fresh data folder."""
    data_dir = tmp_path_factory.mktemp("donnees_paquet")
    screenshot = data_dir / "capture.png"
    result = subprocess.run(
        [str(bundle / EXE), "--demo", "--screenshot", str(screenshot)],
        env=_env(data_dir), capture_output=True, text=True, timeout=600,
    )
    return DemoRun(data_dir, screenshot, result)


def test_bundle_holds_resources_translations_and_no_heavy_qt(bundle: Path) -> None:
    internal = bundle / "_internal"
    assert (internal / "resources" / "fonts" / "DejaVuSans.ttf").is_file()
    assert (internal / "resources" / "icons" / "maillage.png").is_file()
    assert (internal / "app" / "storage" / "migrations" / "0001_initial.sql").is_file()
    assert list(internal.rglob("qtbase_fr.qm")), "traduction française de Qt absente"
    names = {p.name for p in internal.rglob("*")}
    heavy = sorted(n for n in names if any(
        key in n for key in ("Qt6WebEngine", "Qt6Quick", "Qt63D", "Qt6Qml", "Qt6Pdf")))
    assert not heavy, f"modules Qt lourds embarqués : {heavy}"
    assert not [n for n in names if n.startswith(("pytest", "hypothesis"))]
    size_mb = build_installer.folder_size(bundle) / 1e6
    assert size_mb < 400, f"paquet de {size_mb:.0f} Mo"


def test_bundled_program_renders_the_demo_window(demo_run: DemoRun) -> None:
    from PySide6.QtGui import QImage

    result = demo_run.result
    assert result.returncode == 0, f"code {result.returncode} :\n{_tail(result.stderr)}"
    assert demo_run.screenshot.is_file(), "aucune capture écrite"
    data = demo_run.screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000, f"capture suspecte ({len(data)} octets)"
    image = QImage(str(demo_run.screenshot))
    assert not image.isNull()
    assert image.width() >= 640 and image.height() >= 400
    colours = {
        image.pixel(x, y)
        for x in range(0, image.width(), max(1, image.width() // 40))
        for y in range(0, image.height(), max(1, image.height() // 40))
    }
    assert len(colours) > 8, "la capture est presque uniforme : la fenêtre n'a rien affiché"


def test_bundled_command_line_dumps_the_demo_database(bundle: Path, demo_run: DemoRun) -> None:
    demo_db = demo_run.data_dir / "demo.sqlite"
    assert demo_db.is_file(), "la base de démonstration n'a pas été créée par --demo"
    result = subprocess.run(
        [str(bundle / EXE), "dump", "--json", "--db", str(demo_db)],
        env=_env(demo_run.data_dir), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, _tail(result.stderr)
    dump = json.loads(result.stdout)
    assert dump["organisations"], "aucune structure dans la base de démonstration"


def test_windows_installer_script(tmp_path: Path) -> None:
    """The Inno Setup script (written on Windows only, checked everywhere)."""
    iss = build_installer.write_inno_script(tmp_path, "1.2.3")
    raw = iss.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Inno Setup lit l'UTF-8 grâce au BOM"
    text = raw.decode("utf-8-sig")
    assert "AppName=Maillage" in text
    assert "AppVersion=1.2.3" in text and "VersionInfoVersion=1.2.3.0" in text
    assert 'MessagesFile: "compiler:Languages\\French.isl"' in text
    assert "{group}\\Maillage" in text  # Start-menu entry
    assert str(tmp_path / "maillage") in text
    assert not re.search(r"@[A-Z_]+@", text), "marque du modèle non remplacée"


def test_numeric_version_for_windows_resources() -> None:
    assert build_installer.numeric_version("0.1.0") == "0.1.0.0"
    assert build_installer.numeric_version("2.0rc1") == "2.0.0.0"
    assert build_installer.numeric_version("1.2.3.4.5") == "1.2.3.4"


def test_spec_collects_every_module_and_data_file(tmp_path: Path) -> None:
    modules = build_installer.source_modules()
    assert "ui.launcher" in modules and "app.cli.commands" in modules and "resources" in modules
    data = {Path(src).name: dest for src, dest in build_installer.data_files()}
    assert data["0001_initial.sql"] == os.path.join("app", "storage", "migrations")
    assert data["DejaVuSans.ttf"] == os.path.join("resources", "fonts")
    assert "maillage.iss.in" not in data and "make_icon.py" not in data
    spec = build_installer.write_spec(tmp_path).read_text(encoding="utf-8")
    compile(spec, "maillage.spec", "exec")  # valid Python
    assert "PySide6.QtWebEngineCore" in spec and "pytest" in spec


def test_no_run_time_dependency_is_left_out() -> None:
    import tomllib

    with open(ROOT / "pyproject.toml", "rb") as fh:
        deps = tomllib.load(fh)["project"]["dependencies"]
    excluded = {build_installer._normalise(name) for name in build_installer.excluded_python()}
    for dep in deps:
        name = re.split(r"[<>=!~;\[ ]", dep, maxsplit=1)[0]
        assert build_installer._normalise(name) not in excluded, name
