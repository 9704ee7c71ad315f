"""The Synchronisation section: this site, the sites it exchanged with, files and conflicts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QWidget

from ui.sections import ListSection


class SyncSection(ListSection):
    """Synchronisation: this site's identity and database, then the sites it exchanged with."""

    def _extra_header(self) -> QWidget | None:
        box = QFrame()
        box.setObjectName("infoBox")
        form = QFormLayout(box)
        form.setContentsMargins(14, 10, 14, 10)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(4)
        self.site_label = QLabel(self.ws.site_id)
        self.site_label.setObjectName("siteId")
        self.site_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        path = str(self.ws.path) if self.ws.path is not None else "base en mémoire"
        self.db_label = QLabel(path)
        self.db_label.setWordWrap(True)
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Identifiant de ce site\u00a0:", self.site_label)
        form.addRow("Base de données\u00a0:", self.db_label)
        note = QLabel(
            "Chaque antenne et le siège échangent leurs modifications par fichier "
            "(clé USB, courriel, dossier partagé). Les sites avec lesquels cette base a "
            "déjà échangé sont listés ci-dessous."
        )
        note.setObjectName("infoNote")
        note.setWordWrap(True)
        form.addRow(note)
        return box
