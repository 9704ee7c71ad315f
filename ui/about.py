"""« À propos de Maillage »: versions and the licences of what the application ships."""

from __future__ import annotations

import html
import platform
from importlib.metadata import PackageNotFoundError, version

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

# (component, licence) — what a user or a distributor needs to know.
LICENCES: tuple[tuple[str, str], ...] = (
    ("Maillage", "GPL-3.0-or-later"),
    ("Qt et PySide6", "LGPLv3"),
    ("Polices DejaVu", "licence Bitstream Vera (libre)"),
    ("ReportLab", "BSD"),
    ("SQLAlchemy", "MIT"),
    ("python-stdnum", "LGPL-2.1-or-later"),
    ("phonenumbers", "Apache-2.0"),
    ("Babel", "BSD"),
    ("num2words", "LGPL-2.1"),
    ("openpyxl", "MIT"),
    ("segno", "BSD"),
    ("RapidFuzz", "MIT"),
    ("cryptography", "Apache-2.0 ou BSD"),
    ("platformdirs", "MIT"),
    ("zxing-cpp", "Apache-2.0"),
    ("pypdfium2 / PDFium", "Apache-2.0 ou BSD-3-Clause"),
)


def app_version() -> str:
    try:
        return version("maillage")
    except PackageNotFoundError:  # a source tree that was not installed
        from app import __version__

        return __version__


def about_html(schema_version: int | None) -> str:
    """The text of the dialog (HTML), so tests can read it without opening a dialog."""
    schema = str(schema_version) if schema_version is not None else "—"
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td>&nbsp;&nbsp;{html.escape(licence)}</td></tr>"
        for name, licence in LICENCES
    )
    return (
        f"<h3>Maillage {html.escape(app_version())}</h3>"
        "<p>Partenaires, réunions, émargement, conventions et bilans pour les réseaux de "
        "l'insertion et de l'économie sociale et solidaire — sans connexion Internet.</p>"
        f"<p>Version du schéma de la base&nbsp;: {schema}<br>"
        f"Python {html.escape(platform.python_version())} · Qt {html.escape(qVersion())} · "
        f"PySide6 {html.escape(pyside_version)}</p>"
        "<p>Maillage est un logiciel libre distribué sous licence GPL-3.0-or-later, "
        "sans aucune garantie.</p>"
        f"<p><b>Composants et licences</b></p><table>{rows}</table>"
    )


def show_about(parent: QWidget, schema_version: int | None) -> None:
    QMessageBox.about(parent, "À propos de Maillage", about_html(schema_version))
