"""The first-run assistant: who we are (printed on every document), the name of this antenna,
then — optional — the network passphrase that encrypts the sync files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpacerItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.errors import MaillageError, ValidationError
from app.services.settings import Identity, get_identity, load_logo, normalise_siret, set_identity
from app.services.workspace import Workspace
from app.sync.service import has_network_passphrase, set_network_passphrase
from ui import settings
from ui.sync.passphrase import PURPOSE, NewPassphraseFields

LOGO_FILTER = "Images PNG ou JPEG (*.png *.jpg *.jpeg)"
PREVIEW_SIZE = (160, 64)


class _Field(QWidget):
    """An input with, below it, the reason it is refused (in red)."""

    def __init__(self, editor: QWidget) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        self.error = QLabel("")
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)

    def set_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))


class IdentityPage(QWizardPage):
    """One page: the organisation's identity, its logo and this antenna's name."""

    def __init__(self, ws: Workspace) -> None:
        super().__init__()
        self.ws = ws
        self.setTitle("Bienvenue dans Maillage")
        # In the page rather than as the wizard's subtitle, which is cut after two lines.
        intro = QLabel(
            "Indiquez l'organisation qui utilise Maillage : ces informations figurent sur les "
            "feuilles d'émargement, les comptes rendus et les conventions. Vous pourrez les "
            "modifier plus tard."
        )
        intro.setObjectName("wizardIntro")
        intro.setWordWrap(True)
        current = get_identity(ws)
        self.logo_png: bytes | None = current.logo_png

        self.organisation_edit = self._edit("organisation", current.organisation_name,
                                            "ex. : PLIE du Grand Avesnois")
        self.siret_edit = self._edit("siret", _display_siret(current.siret), "14 chiffres")
        self.address_edit = self._edit("address", current.address, "numéro et rue")
        self.postcode_edit = self._edit("postcode", current.postcode, "ex. : 89000")
        self.postcode_edit.setMaxLength(5)
        self.city_edit = self._edit("city", current.city, "")
        self.site_edit = self._edit("site", current.site_name, "ex. : Antenne de l'Auxerrois")

        self.fields: dict[str, _Field] = {
            "organisation_name": _Field(self.organisation_edit),
            "siret": _Field(self.siret_edit),
            "address": _Field(self.address_edit),
            "postcode": _Field(self.postcode_edit),
            "city": _Field(self.city_edit),
            "logo": _Field(self._logo_row()),
            "site_name": _Field(self.site_edit),
        }
        form = QFormLayout(self)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(intro)
        form.addItem(QSpacerItem(0, 8))
        form.addRow("Nom de l'organisation *", self.fields["organisation_name"])
        form.addRow("SIRET", self.fields["siret"])
        form.addRow("Adresse", self.fields["address"])
        form.addRow("Code postal", self.fields["postcode"])
        form.addRow("Commune", self.fields["city"])
        form.addRow("Logo", self.fields["logo"])
        form.addRow("Nom de l'antenne *", self.fields["site_name"])
        note = QLabel("* Champ obligatoire. L'antenne est ce poste de travail (siège ou antenne "
                      "locale) : son nom apparaît lors des échanges de fichiers.")
        note.setObjectName("formNote")
        note.setWordWrap(True)
        form.addRow(note)

        self.organisation_edit.textChanged.connect(self._changed)
        self.site_edit.textChanged.connect(self._changed)
        self.siret_edit.textChanged.connect(self._check_siret)
        self.postcode_edit.textChanged.connect(lambda _t: self.fields["postcode"].set_error(""))
        self._check_siret(self.siret_edit.text())
        self._show_logo()

    # --- inputs ---------------------------------------------------------------------------

    def _edit(self, name: str, value: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(value)
        edit.setObjectName(f"{name}Edit")
        edit.setPlaceholderText(placeholder)
        return edit

    def _logo_row(self) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        self.logo_preview = QLabel()
        self.logo_preview.setObjectName("logoPreview")
        self.logo_preview.setFixedSize(*PREVIEW_SIZE)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_button = QPushButton("Choisir un logo…")
        self.logo_button.clicked.connect(self.choose_logo)
        self.logo_remove = QPushButton("Retirer")
        self.logo_remove.clicked.connect(self.remove_logo)
        layout.addWidget(self.logo_preview)
        layout.addWidget(self.logo_button)
        layout.addWidget(self.logo_remove)
        layout.addStretch(1)
        return row

    def choose_logo(self) -> None:
        start = settings.last_folder() or Path.home()
        name, _ = QFileDialog.getOpenFileName(self, "Choisir le logo de l'organisation",
                                              str(start), LOGO_FILTER)
        if name:
            self.set_logo_file(Path(name))

    def set_logo_file(self, path: Path) -> bool:
        """Use the image at ``path`` as the logo; explain a refusal next to the field."""
        try:
            data = load_logo(path)
        except ValidationError as exc:
            self.fields["logo"].set_error(exc.message)
            return False
        except OSError as exc:
            self.fields["logo"].set_error(f"Le fichier n'a pas pu être lu : {exc.strerror or exc}.")
            return False
        pixmap = QPixmap()
        if not pixmap.loadFromData(data):
            self.fields["logo"].set_error("Cette image n'a pas pu être lue.")
            return False
        settings.set_last_folder(path.parent)
        self.logo_png = data
        self.fields["logo"].set_error("")
        self._show_logo()
        return True

    def remove_logo(self) -> None:
        self.logo_png = None
        self._show_logo()

    def _show_logo(self) -> None:
        pixmap = QPixmap()
        if self.logo_png and pixmap.loadFromData(self.logo_png):
            self.logo_preview.setPixmap(pixmap.scaled(
                *PREVIEW_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        else:
            self.logo_preview.clear()
            self.logo_preview.setText("Aucun logo")
        self.logo_remove.setEnabled(bool(self.logo_png))

    # --- validation -----------------------------------------------------------------------

    def _check_siret(self, text: str) -> None:
        try:
            normalise_siret(text)
        except ValidationError as exc:
            self.fields["siret"].set_error(exc.message)
        else:
            self.fields["siret"].set_error("")
        self.completeChanged.emit()

    def _changed(self, _text: str = "") -> None:
        self.fields["organisation_name"].set_error("")
        self.fields["site_name"].set_error("")
        self.completeChanged.emit()

    def siret_valid(self) -> bool:
        return not self.fields["siret"].error.text()

    def isComplete(self) -> bool:
        return bool(
            self.organisation_edit.text().strip()
            and self.site_edit.text().strip()
            and self.siret_valid()
        )

    def identity(self) -> Identity:
        return Identity(
            organisation_name=self.organisation_edit.text(),
            siret=self.siret_edit.text(),
            address=self.address_edit.text().strip(),
            postcode=self.postcode_edit.text(),
            city=self.city_edit.text().strip(),
            site_name=self.site_edit.text(),
            logo_png=self.logo_png,
        )

    def validatePage(self) -> bool:
        """« Suivant »: store the identity, or show the refusal next to its field."""
        try:
            set_identity(self.ws, self.identity())
        except ValidationError as exc:
            target = self.fields.get(exc.field or "", self.fields["organisation_name"])
            target.set_error(exc.message)
            return False
        return True


def _display_siret(value: str) -> str:
    if len(value) == 14 and value.isdigit():
        return f"{value[:3]} {value[3:6]} {value[6:9]} {value[9:]}"
    return value


class PassphrasePage(QWizardPage):
    """The network passphrase, typed twice; may be left empty (chosen later)."""

    def __init__(self, ws: Workspace) -> None:
        super().__init__()
        self.ws = ws
        self.setTitle("Échanges entre le siège et les antennes")
        self.existed = has_network_passphrase(ws)
        intro = QLabel(PURPOSE)
        intro.setObjectName("wizardIntro")
        intro.setWordWrap(True)
        skip = QLabel(
            ("Une phrase de passe est déjà enregistrée sur ce poste\u00a0: laissez les champs "
             "vides pour la garder." if self.existed else
             "Facultatif\u00a0: laissez les champs vides pour la choisir plus tard, dans la "
             "section «\u00a0Synchronisation\u00a0» ou au premier fichier échangé.")
            + " Elle n'est jamais enregistrée en clair\u00a0: notez-la en lieu sûr.")
        skip.setObjectName("formNote")
        skip.setWordWrap(True)
        self.fields = NewPassphraseFields()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addWidget(self.fields)
        layout.addWidget(skip)
        layout.addStretch(1)

    def validatePage(self) -> bool:
        """« Terminer »: store the passphrase when one was typed (its verifier only)."""
        if self.fields.is_empty():
            return True
        text = self.fields.value()
        if text is None:
            return False
        try:
            set_network_passphrase(self.ws, text)
        except MaillageError as exc:
            self.fields.set_error(exc.message)
            return False
        return True


class FirstRunWizard(QWizard):
    """Shown when the open base has no identity yet; accepted once it is stored."""

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRun")
        self.setWindowTitle("Maillage — première utilisation")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.page = IdentityPage(ws)
        self.passphrase_page = PassphrasePage(ws)
        self.addPage(self.page)
        self.addPage(self.passphrase_page)
        self.resize(640, 560)

    def finish_button(self) -> QPushButton:
        return self.button(QWizard.WizardButton.FinishButton)  # type: ignore[return-value]

    def next_button(self) -> QPushButton:
        return self.button(QWizard.WizardButton.NextButton)  # type: ignore[return-value]
