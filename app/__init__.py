"""Maillage: everything that is not Qt (domain, storage, services, documents, CLI)."""

from __future__ import annotations

from typing import Any

_FALLBACK_VERSION = "0.1.0"  # running from a source tree or a frozen bundle


def __getattr__(name: str) -> Any:
    # ``__version__`` is read lazily: importlib.metadata costs a tenth of a second at start-up,
    # before the window can paint, for a number only « À propos » and ``--version`` show.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("maillage")
        except PackageNotFoundError:
            value = _FALLBACK_VERSION
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
