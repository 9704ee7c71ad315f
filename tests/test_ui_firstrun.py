"""The first-run assistant: filled in with the keyboard, refused and accepted like a user would;
its second step sets the network passphrase, or is skipped."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest

from app.services.settings import get_identity
from app.services.workspace import open_workspace
from app.sync import crypto
from app.sync.service import check_network_passphrase, has_network_passphrase
from ui.firstrun import FirstRunWizard
from ui.main import create_application


def type_text(edit, text: str) -> None:
    """Type ``text`` with the keyboard; QTest only knows ASCII keys, accents are inserted."""
    for char in text:
        if char.isascii():
            QTest.keyClicks(edit, char)
        else:
            edit.insert(char)


@pytest.fixture
def blank_ws(tmp_path):
    ws = open_workspace(tmp_path / "neuve.sqlite")
    yield ws
    ws.close()


@pytest.fixture
def wizard(qtbot, blank_ws) -> FirstRunWizard:
    create_application()  # French buttons come from Qt's translations
    dialog = FirstRunWizard(blank_ws)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_a_new_base_has_no_identity(blank_ws):
    assert not get_identity(blank_ws).is_set


def test_the_assistant_speaks_french_and_marks_required_fields(wizard):
    page = wizard.page
    assert wizard.finish_button().text().replace("&", "") == "Terminer"
    from PySide6.QtWidgets import QWizard

    assert wizard.button(QWizard.WizardButton.CancelButton).text().replace("&", "") == "Annuler"
    form = page.layout()
    labels = [form.itemAt(row, form.ItemRole.LabelRole).widget().text()
              for row in range(form.rowCount()) if form.itemAt(row, form.ItemRole.LabelRole)]
    assert "Nom de l'organisation *" in labels
    assert "Nom de l'antenne *" in labels
    assert "SIRET" in labels and "Logo" in labels
    assert wizard.next_button().text().replace("&", "").strip(" >") == "Suivant"
    assert not wizard.next_button().isEnabled()


def test_fill_in_refuse_a_bad_siret_then_finish(wizard, blank_ws, qtbot):
    page = wizard.page
    type_text(page.organisation_edit, "Maison de l'Emploi du Sénonais")
    type_text(page.site_edit, "Antenne de Sens")
    assert wizard.next_button().isEnabled()

    type_text(page.siret_edit, "732 829 320 00075")  # wrong check digit
    error = page.fields["siret"].error
    assert error.isVisible()
    assert error.text() == "SIRET invalide : la clé de contrôle est fausse (vérifiez chaque chiffre)."
    assert not wizard.next_button().isEnabled()

    page.siret_edit.clear()
    type_text(page.siret_edit, "732 829 320 00074")
    assert not error.isVisible()
    type_text(page.address_edit, "3 place de la République")
    type_text(page.postcode_edit, "89100")
    type_text(page.city_edit, "Sens")
    assert wizard.next_button().isEnabled()

    QTest.mouseClick(wizard.next_button(), Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is wizard.passphrase_page
    # The passphrase step is optional: « Terminer » with empty fields skips it.
    with qtbot.waitSignal(wizard.accepted, timeout=3000):
        QTest.mouseClick(wizard.finish_button(), Qt.MouseButton.LeftButton)
    assert not has_network_passphrase(blank_ws)
    identity = get_identity(blank_ws)
    assert identity.is_set
    assert identity.siret == "73282932000074"
    assert identity.organisation_name == "Maison de l'Emploi du Sénonais"
    assert identity.site_name == "Antenne de Sens"
    assert (identity.postcode, identity.city) == ("89100", "Sens")


def test_a_refusal_from_the_service_is_shown_next_to_its_field(wizard, blank_ws):
    page = wizard.page
    type_text(page.organisation_edit, "PLIE du Grand Avesnois")
    type_text(page.site_edit, "Siège")
    type_text(page.postcode_edit, "5960")
    QTest.mouseClick(wizard.next_button(), Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is page  # not accepted
    assert page.fields["postcode"].error.text() == "Le code postal doit compter 5 chiffres."
    assert page.fields["postcode"].error.isVisible()
    assert not get_identity(blank_ws).is_set


def test_a_logo_is_previewed_and_stored(wizard, blank_ws, tmp_path: Path, qtbot):
    image = QImage(120, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("#1f6f8b"))
    logo = tmp_path / "logo.png"
    assert image.save(str(logo))
    not_an_image = tmp_path / "logo.png.txt"
    not_an_image.write_text("pas une image", encoding="utf-8")

    page = wizard.page
    assert not page.set_logo_file(not_an_image)
    assert page.fields["logo"].error.text() == "Le logo doit être une image PNG ou JPEG."
    assert page.set_logo_file(logo)
    assert not page.fields["logo"].error.isVisible()
    assert page.logo_preview.pixmap() is not None and not page.logo_preview.pixmap().isNull()

    type_text(page.organisation_edit, "Réseau VITA")
    type_text(page.site_edit, "Auxerre")
    QTest.mouseClick(wizard.next_button(), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(wizard.accepted, timeout=3000):
        QTest.mouseClick(wizard.finish_button(), Qt.MouseButton.LeftButton)
    assert get_identity(blank_ws).logo_png == logo.read_bytes()


def test_the_network_passphrase_is_typed_twice_checked_and_stored(wizard, blank_ws, qtbot,
                                                                   monkeypatch):
    monkeypatch.setattr(crypto, "DEFAULT_KDF", {"name": "scrypt", "n": crypto.KDF_N_RANGE[0],
                                                "r": 8, "p": 1})
    type_text(wizard.page.organisation_edit, "PLIE du Grand Avesnois")
    type_text(wizard.page.site_edit, "Antenne de Maubeuge")
    QTest.mouseClick(wizard.next_button(), Qt.MouseButton.LeftButton)
    step = wizard.passphrase_page
    assert wizard.currentPage() is step
    assert step.title() == "Échanges entre le siège et les antennes"
    assert "chiffre les fichiers de synchronisation" in step.findChild(
        type(wizard.page.fields["siret"].error), "wizardIntro").text()
    fields = step.fields
    assert fields.new_edit.echoMode() == fields.new_edit.EchoMode.Password
    assert fields.confirm_edit.echoMode() == fields.confirm_edit.EchoMode.Password

    type_text(fields.new_edit, "court")
    type_text(fields.confirm_edit, "court")
    QTest.mouseClick(wizard.finish_button(), Qt.MouseButton.LeftButton)
    assert wizard.isVisible()
    assert fields.error.text() == "La phrase de passe du réseau doit compter au moins 8 caractères."

    fields.new_edit.clear()
    fields.confirm_edit.clear()
    type_text(fields.new_edit, "Clé USB du réseau 59 !")
    type_text(fields.confirm_edit, "Clé USB du réseau 58 !")
    QTest.mouseClick(wizard.finish_button(), Qt.MouseButton.LeftButton)
    assert wizard.isVisible()
    assert fields.error.text() == "Les deux saisies ne sont pas identiques."
    assert not has_network_passphrase(blank_ws)

    fields.confirm_edit.clear()
    type_text(fields.confirm_edit, "Clé USB du réseau 59 !")
    assert not fields.error.isVisible()
    with qtbot.waitSignal(wizard.accepted, timeout=5000):
        QTest.mouseClick(wizard.finish_button(), Qt.MouseButton.LeftButton)
    assert has_network_passphrase(blank_ws)
    assert check_network_passphrase(blank_ws, "Clé USB du réseau 59 !")
    assert not check_network_passphrase(blank_ws, "Clé USB du réseau 58 !")
    assert get_identity(blank_ws).site_name == "Antenne de Maubeuge"
