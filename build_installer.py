#!/usr/bin/env python3
"""Build Maillage for distribution: a one-folder PyInstaller bundle, plus an installer on Windows.

    python build_installer.py [--distpath DIST] [--workpath BUILD] [--clean] [--no-installer]

Result: ``DIST/maillage/`` holding the ``maillage`` executable and everything it needs
(Python, Qt with its French translations, the ``resources`` package, the SQL migrations).
On Windows the folder holds ``Maillage.exe`` (the GUI, no console window) and
``maillage-cli.exe`` (the same program with a console, for the command line); the script also
writes ``DIST/maillage.iss`` (Inno Setup: French wizard, Start-menu entries) and compiles it
with ``iscc`` when Inno Setup is installed.

The PyInstaller spec and entry script are generated into the work folder on every run, from the
source tree: every module of ``app``, ``ui`` and ``resources`` is collected (command modules are
loaded by name, which PyInstaller cannot see) with every non-Python file next to them. After the
build, the bundle is checked (files present, ``--version`` answers the project's version).
Messages are in French; any failure exits non-zero with the reason.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
APP_NAME = "maillage"  # bundle folder and executable name
WINDOWS = sys.platform == "win32"
GUI_EXE = "Maillage.exe" if WINDOWS else APP_NAME
CLI_EXE = "maillage-cli.exe" if WINDOWS else APP_NAME
SOURCE_PACKAGES = ("app", "ui", "resources")
ISS_TEMPLATE = ROOT / "resources" / "installer" / "maillage.iss.in"
ICON_ICO = ROOT / "resources" / "icons" / "maillage.ico"

# Qt modules Maillage does not use and that only add weight if a hook drags them in.
EXCLUDED_QT = (
    "QtQml", "QtQuick", "QtQuickControls2", "QtQuickWidgets", "QtQuickTest", "QtQuick3D",
    "QtWebEngineCore", "QtWebEngineWidgets", "QtWebEngineQuick", "QtWebChannel", "QtWebSockets",
    "QtWebView", "Qt3DCore", "Qt3DRender", "Qt3DInput", "Qt3DLogic", "Qt3DAnimation",
    "Qt3DExtras", "QtMultimedia", "QtMultimediaWidgets", "QtSpatialAudio", "QtCharts",
    "QtDataVisualization", "QtGraphs", "QtPdf", "QtPdfWidgets", "QtBluetooth", "QtNfc",
    "QtPositioning", "QtLocation", "QtSensors", "QtSerialPort", "QtSerialBus", "QtRemoteObjects",
    "QtScxml", "QtStateMachine", "QtTextToSpeech", "QtHttpServer", "QtDesigner", "QtHelp",
    "QtUiTools", "QtTest", "QtSql", "QtOpenGL", "QtOpenGLWidgets", "QtLabsStyleKit",
    "QtAxContainer", "QtConcurrent",
)
# Development tools installed in the same environment, never needed at run time (one that
# becomes a run-time dependency in pyproject.toml is kept: see ``excluded_python``).
DEV_ONLY_PYTHON = (
    "tkinter", "_tkinter", "pytest", "_pytest", "pytestqt", "hypothesis", "importlinter",
    "grimp", "alembic", "pdfplumber", "pdfminer", "pypdfium2", "pypdf", "icalendar", "IPython",
    "PyInstaller", "setuptools", "pip", "bench", "tests",
)
# Languages whose Babel locale data and Qt translations are bundled (the rest is 35 MB).
KEPT_LANGUAGES = ("fr", "en")
# Files that live in the source packages but have no business in the bundle.
SKIPPED_DIRS = {"__pycache__", "installer"}
SKIPPED_SUFFIXES = {".py", ".pyc", ".pyo", ".in"}


class BuildError(Exception):
    """A failure explained to the user (in French)."""


@dataclass(frozen=True)
class BuildResult:
    bundle: Path
    executable: Path
    seconds: float
    size_bytes: int
    installer_script: Path | None = None
    installer: Path | None = None


def say(message: str) -> None:
    print(f"[maillage] {message}", flush=True)


# --- what goes in ------------------------------------------------------------------------------


def project_version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["project"]["version"]


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]", "", name).lower()


def excluded_python(root: Path = ROOT) -> list[str]:
    """:data:`DEV_ONLY_PYTHON` minus the packages ``pyproject.toml`` lists as dependencies."""
    with open(root / "pyproject.toml", "rb") as fh:
        deps = tomllib.load(fh)["project"].get("dependencies", [])
    runtime = {_normalise(re.split(r"[<>=!~;\[ ]", dep, maxsplit=1)[0]) for dep in deps}
    return [name for name in DEV_ONLY_PYTHON if _normalise(name) not in runtime]


def source_modules(root: Path = ROOT) -> list[str]:
    """Every module of the source packages, by dotted name (hidden imports for PyInstaller)."""
    modules = []
    for package in SOURCE_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root).with_suffix("")
            if "__pycache__" in rel.parts:
                continue
            parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
            modules.append(".".join(parts))
    return modules


def data_files(root: Path = ROOT) -> list[tuple[str, str]]:
    """(source file, destination folder) for every non-Python file of the source packages:
    fonts, icons, style sheets, templates, demo data, SQL migrations…"""
    datas = []
    for package in SOURCE_PACKAGES:
        for path in sorted((root / package).rglob("*")):
            rel = path.relative_to(root)
            if not path.is_file() or SKIPPED_DIRS.intersection(rel.parts[:-1]):
                continue
            if path.suffix in SKIPPED_SUFFIXES or path.name.startswith("."):
                continue
            datas.append((str(path), str(rel.parent)))
    return datas


def check_exclusions(root: Path = ROOT) -> None:
    """Refuse to build if the sources use a Qt module this script leaves out."""
    used = set()
    pattern = re.compile(r"PySide6\.(Qt\w+)|from PySide6 import ([\w, ()\n]+)")
    for package in SOURCE_PACKAGES:
        for path in (root / package).rglob("*.py"):
            for match in pattern.finditer(path.read_text(encoding="utf-8")):
                if match.group(1):
                    used.add(match.group(1))
                else:
                    used.update(re.findall(r"Qt\w+", match.group(2)))
    clash = sorted(used.intersection(EXCLUDED_QT))
    if clash:
        raise BuildError(
            "Le code utilise des modules Qt exclus du paquet : "
            + ", ".join(clash)
            + ". Retirez-les de EXCLUDED_QT dans build_installer.py."
        )


ENTRY_SCRIPT = '''\
"""Point d'entrée du paquet PyInstaller (généré par build_installer.py)."""
import sys

from ui.launcher import main

sys.exit(main())
'''

SPEC_TEMPLATE = '''\
# Spécification PyInstaller générée par build_installer.py : ne pas modifier à la main.
import os

from PyInstaller.utils.hooks import copy_metadata

a = Analysis(
    [{entry!r}],
    pathex=[{root!r}],
    binaries=[],
    datas={datas!r} + copy_metadata("maillage"),
    hiddenimports={hiddenimports!r},
    hookspath=[],
    hooksconfig={{}},
    runtime_hooks=[],
    excludes={excludes!r},
    noarchive=False,
    optimize=0,
)


def _wanted(dest):
    """Locale data for French (and English, Babel's fallback) only: the UI speaks French."""
    dest = dest.replace(os.sep, "/")
    if dest.startswith("babel/locale-data/"):
        locale = dest.rsplit("/", 1)[1].rsplit(".", 1)[0]
        return locale == "root" or locale.split("_")[0] in {kept_languages!r}
    if dest.startswith("PySide6/Qt/translations/"):
        return dest.endswith(tuple("_%s.qm" % lang for lang in {kept_languages!r}))
    return True


a.datas = [entry for entry in a.datas if _wanted(entry[0])]
pyz = PYZ(a.pure)
executables = [
    EXE(
        pyz,
        a.scripts,
        [],
        exclude_binaries=True,
        name={gui_name!r},
        debug=False,
        bootloader_ignore_signals=False,
        strip=False,
        upx=False,
        console={gui_console!r},
        icon={icon!r},
    )
]
if {two_exes!r}:
    executables.append(
        EXE(
            pyz,
            a.scripts,
            [],
            exclude_binaries=True,
            name={cli_name!r},
            debug=False,
            bootloader_ignore_signals=False,
            strip=False,
            upx=False,
            console=True,
            icon={icon!r},
        )
    )
coll = COLLECT(
    *executables,
    a.binaries,
    a.datas,
    strip=False,
    upx=False,
    name={app_name!r},
)
'''


def write_spec(workpath: Path) -> Path:
    """Write the entry script and the spec into ``workpath``; return the spec's path."""
    workpath.mkdir(parents=True, exist_ok=True)
    entry = workpath / "maillage_entry.py"
    entry.write_text(ENTRY_SCRIPT, encoding="utf-8")
    excludes = [f"PySide6.{name}" for name in EXCLUDED_QT] + excluded_python()
    spec = SPEC_TEMPLATE.format(
        entry=str(entry),
        root=str(ROOT),
        datas=data_files(),
        hiddenimports=source_modules(),
        excludes=excludes,
        gui_name=GUI_EXE.removesuffix(".exe"),
        cli_name=CLI_EXE.removesuffix(".exe"),
        gui_console=not WINDOWS,
        two_exes=WINDOWS,
        icon=str(ICON_ICO) if WINDOWS else None,  # only Windows executables carry one
        app_name=APP_NAME,
        kept_languages=KEPT_LANGUAGES,
    )
    path = workpath / "maillage.spec"
    path.write_text(spec, encoding="utf-8")
    return path


# --- building and checking ---------------------------------------------------------------------


def run_pyinstaller(spec: Path, distpath: Path, workpath: Path, *, clean: bool) -> None:
    try:
        import PyInstaller  # noqa: F401
    except ImportError as exc:
        raise BuildError(
            "PyInstaller n'est pas installé dans cet environnement : lancez « make installer » "
            "ou « pip install -e '.[installer]' »."
        ) from exc
    command = [
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
        "--distpath", str(distpath), "--workpath", str(workpath), str(spec),
    ]
    if clean:
        command.insert(3, "--clean")
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    result = subprocess.run(command, cwd=ROOT, env=env)
    if result.returncode != 0:
        raise BuildError(f"PyInstaller a échoué (code {result.returncode}) : voir les messages ci-dessus.")


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def check_bundle(bundle: Path, version: str) -> Path:
    """Check that the bundle holds what Maillage needs at run time; return the CLI executable."""
    executable = bundle / CLI_EXE
    if not executable.is_file():
        raise BuildError(f"Exécutable introuvable dans le paquet : {executable}")
    internal = bundle / "_internal"
    expected = {
        "les polices": internal / "resources" / "fonts" / "DejaVuSans.ttf",
        "l'icône": internal / "resources" / "icons" / "maillage.png",
        "le schéma de la base": internal / "app" / "storage" / "migrations" / "0001_initial.sql",
    }
    for what, path in expected.items():
        if not path.is_file():
            raise BuildError(f"Le paquet ne contient pas {what} ({path.relative_to(bundle)}).")
    if not list(internal.rglob("qtbase_fr.qm")):
        raise BuildError("Le paquet ne contient pas la traduction française de Qt (qtbase_fr.qm).")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    try:
        out = subprocess.run(
            [str(executable), "--version"], capture_output=True, text=True, timeout=120, env=env
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BuildError(f"Le programme construit ne démarre pas : {exc}") from exc
    if out.returncode != 0 or version not in out.stdout:
        raise BuildError(
            f"« {executable.name} --version » a répondu {out.stdout.strip() or out.stderr.strip()!r} "
            f"(code {out.returncode}) au lieu de la version {version}."
        )
    return executable


# --- Windows installer -------------------------------------------------------------------------


def numeric_version(version: str) -> str:
    """``0.1.0rc1`` → ``0.1.0.0``: Windows version resources take four numbers."""
    release = re.match(r"\d+(?:\.\d+)*", version)
    numbers = [int(n) for n in release.group(0).split(".")][:4] if release else []
    numbers += [0] * (4 - len(numbers))
    return ".".join(str(n) for n in numbers)


def write_inno_script(distpath: Path, version: str) -> Path:
    """Write ``distpath/maillage.iss`` from the template (UTF-8 with BOM, as Inno Setup wants)."""
    text = ISS_TEMPLATE.read_text(encoding="utf-8")
    replacements = {
        "@VERSION@": version,
        "@VERSION_NUMERIC@": numeric_version(version),
        "@OUTPUT_DIR@": str(distpath),
        "@BUNDLE_DIR@": str(distpath / APP_NAME),
        "@ICON@": str(ICON_ICO),
        "@GUI_EXE@": "Maillage.exe",
    }
    for key, value in replacements.items():
        text = text.replace(key, value)
    leftover = re.findall(r"@[A-Z_]+@", text)
    if leftover:
        raise BuildError(f"Modèle Inno Setup incomplet : {', '.join(sorted(set(leftover)))}")
    distpath.mkdir(parents=True, exist_ok=True)
    path = distpath / "maillage.iss"
    path.write_text(text, encoding="utf-8-sig", newline="\r\n")
    return path


def find_iscc() -> str | None:
    found = shutil.which("iscc") or shutil.which("ISCC")
    if found:
        return found
    for base in (os.environ.get("ProgramFiles(x86)"), os.environ.get("ProgramFiles")):
        if base:
            candidate = Path(base) / "Inno Setup 6" / "ISCC.exe"
            if candidate.is_file():
                return str(candidate)
    return None


def run_iscc(iss: Path, version: str) -> Path | None:
    iscc = find_iscc()
    if iscc is None:
        say("Inno Setup (iscc) est introuvable : le script d'installation a été écrit, "
            f"compilez-le plus tard avec « iscc {iss} ».")
        return None
    say("Compilation de l'installateur avec Inno Setup…")
    result = subprocess.run([iscc, "/Q", str(iss)])
    if result.returncode != 0:
        raise BuildError(f"Inno Setup a échoué (code {result.returncode}).")
    return iss.parent / f"maillage-{version}-installation.exe"


# --- main --------------------------------------------------------------------------------------


def build(distpath: Path, workpath: Path, *, clean: bool = False, installer: bool = True) -> BuildResult:
    version = project_version()
    distpath, workpath = distpath.resolve(), workpath.resolve()
    say(f"Construction de Maillage {version} pour {sys.platform} ({sys.version.split()[0]})")
    check_exclusions()
    spec = write_spec(workpath)
    say(f"Spécification PyInstaller : {spec}")
    say("Analyse des dépendances et copie des fichiers (une à trois minutes)…")
    started = time.monotonic()
    run_pyinstaller(spec, distpath, workpath, clean=clean)
    seconds = time.monotonic() - started
    bundle = distpath / APP_NAME
    say("Vérification du paquet…")
    executable = check_bundle(bundle, version)
    size = folder_size(bundle)
    say(f"Paquet prêt : {bundle} ({size / 1e6:.0f} Mo, construit en {seconds:.0f} s)")
    iss = setup = None
    if WINDOWS and installer:
        iss = write_inno_script(distpath, version)
        say(f"Script d'installation écrit : {iss}")
        setup = run_iscc(iss, version)
        if setup is not None:
            say(f"Installateur prêt : {setup}")
    return BuildResult(bundle, executable, seconds, size, iss, setup)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Construire Maillage pour la distribution (dossier PyInstaller, installateur Windows)."
    )
    parser.add_argument("--distpath", type=Path, default=ROOT / "dist",
                        help="dossier de sortie (par défaut : dist/)")
    parser.add_argument("--workpath", type=Path, default=ROOT / "build",
                        help="dossier de travail de PyInstaller (par défaut : build/)")
    parser.add_argument("--clean", action="store_true",
                        help="vider le cache de PyInstaller avant de construire")
    parser.add_argument("--no-installer", action="store_true",
                        help="sous Windows, ne pas écrire ni compiler l'installateur Inno Setup")
    args = parser.parse_args(argv)
    try:
        build(args.distpath, args.workpath, clean=args.clean, installer=not args.no_installer)
    except BuildError as exc:
        print(f"[maillage] Échec : {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("[maillage] Interrompu.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
