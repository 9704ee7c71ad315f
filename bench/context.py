"""What every case receives: where things are, how many runs, how to start Maillage."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class BenchError(Exception):
    """A measurement that could not be made (in French, for the table)."""


@dataclass
class BenchContext:
    root: Path = ROOT
    bench_dir: Path = ROOT / ".bench"
    runs: int = 5
    rebuild: bool = False
    python: str = sys.executable
    _cache: dict = field(default_factory=dict)

    @property
    def results_path(self) -> Path:
        return self.bench_dir / "results.json"

    def maillage_command(self) -> list[str]:
        """The installed ``maillage`` script next to this Python (as a user starts it)."""
        bindir = Path(self.python).parent
        for name in ("maillage", "maillage.exe"):
            script = bindir / name
            if script.is_file():
                return [str(script)]
        found = shutil.which("maillage")
        if found:
            return [found]
        return [self.python, "-m", "ui.launcher"]

    def env(self) -> dict[str, str]:
        """Offscreen Qt, and a private data and settings folder (never the user's)."""
        data = self.bench_dir / "donnees"
        env = dict(os.environ)
        env.update(
            QT_QPA_PLATFORM="offscreen",
            MAILLAGE_DATA_DIR=str(data),
            MAILLAGE_SETTINGS_DIR=str(data / "reglages"),
        )
        env.pop("MAILLAGE_DB", None)
        return env

    def memo(self, key: str, compute):  # noqa: ANN001, ANN201
        """Compute something once per run (e.g. the large database) and share it among cases."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]
