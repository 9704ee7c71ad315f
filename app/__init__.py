"""Maillage: everything that is not Qt (domain, storage, services, documents, CLI)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("maillage")
except PackageNotFoundError:  # running from a source tree or a frozen bundle
    __version__ = "0.1.0"
