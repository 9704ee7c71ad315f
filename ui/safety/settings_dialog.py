"""« Outils › Réglages… »: second backup folder, application password, lock delay, time zone.

The folder, the delay and the time zone are saved with « Enregistrer »; the password is set,
changed or removed at once in its own dialog (:class:`PasswordChangeDialog`), whose Argon2
derivation runs off the GUI thread. Every value lives in the base's local settings
(:mod:`app.services.backups`, :mod:`app.services.lock`, :mod:`app.services.ics`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.errors import MaillageError, ValidationError
from app.paths import backup_dir_for
from app.services import backups, ics
from app.services import lock as lock_service
from app.services.workspace import Workspace
from ui.safety.work import error_text, run_task

NO_FOLDER = "Aucun second dossier"


def _error_label() -> QLabel:
    label = QLabel("")
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.hide()
    return label


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMinimumWidth(240)
    return field


class PasswordChangeDialog(QDialog):
    """Set (``mode="set"``), change (``"change"``: the current one is required) or remove
    (``"remove"``) the application password."""

    TITLES = {
        "set": "Définir un mot de passe",
        "change": "Changer le mot de passe",
        "remove": "Supprimer le mot de passe",
    }

    def __init__(self, ws: Workspace, mode: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert mode in self.TITLES
        self.setObjectName("passwordChangeDialog")
        self.setWindowTitle(self.TITLES[mode])
        self.ws = ws
        self.mode = mode
        self.working = False
        intro = QLabel({
            "set": "Le mot de passe sera demandé à l'ouverture de Maillage, après une période "
                   "d'inactivité et pour quitter le mode émargement. Il n'est pas enregistré "
                   "en clair et ne peut pas être retrouvé : notez-le en lieu sûr.",
            "change": "Saisissez le mot de passe actuel, puis le nouveau.",
            "remove": "Sans mot de passe, Maillage s'ouvre et se déverrouille sans rien "
                      "demander. Saisissez le mot de passe actuel pour le supprimer.",
        }[mode])
        intro.setWordWrap(True)
        intro.setMinimumWidth(420)
        self.old_field = _password_field()
        self.old_field.setObjectName("oldPassword")
        self.new_field = _password_field()
        self.new_field.setObjectName("newPassword")
        self.new_field.setPlaceholderText(f"Au moins {lock_service.MIN_LENGTH} caractères")
        self.confirm_field = _password_field()
        self.confirm_field.setObjectName("confirmPassword")
        self.errors = {"old": _error_label(), "new": _error_label(), "confirm": _error_label()}
        self.general_error = _error_label()

        form = QFormLayout()
        form.setVerticalSpacing(4)
        if mode in ("change", "remove"):
            form.addRow("Mot de passe &actuel\u00a0:", self.old_field)
            form.addRow("", self.errors["old"])
        if mode in ("set", "change"):
            form.addRow("&Nouveau mot de passe\u00a0:", self.new_field)
            form.addRow("", self.errors["new"])
            form.addRow("&Confirmation\u00a0:", self.confirm_field)
            form.addRow("", self.errors["confirm"])
        self.status = QLabel("")
        self.status.setObjectName("formNote")

        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(
            {"set": "&Définir", "change": "&Changer", "remove": "&Supprimer"}[mode],
            QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        self.buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

    def _show_error(self, field: str | None, message: str) -> None:
        label = self.errors.get(field or "", self.general_error)
        if field == "new" and self.mode == "remove":
            label = self.general_error
        label.setText(message)
        label.show()
        self.layout().activate()
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))

    def _clear_errors(self) -> None:
        for label in (*self.errors.values(), self.general_error):
            label.setText("")
            label.hide()

    def save(self) -> None:
        if self.working:
            return
        self._clear_errors()
        old = self.old_field.text()
        new = self.new_field.text()
        if self.mode in ("change", "remove") and not old:
            self._show_error("old", "Saisissez le mot de passe actuel.")
            return
        if self.mode in ("set", "change"):
            if not new:
                self._show_error("new", "Saisissez le nouveau mot de passe.")
                return
            if new != self.confirm_field.text():
                self._show_error("confirm", "Les deux saisies ne sont pas identiques.")
                return
        ws, mode = self.ws, self.mode

        def work(_p: Any, _c: Any) -> object:
            if mode == "remove":
                return lock_service.remove_password(ws, old)
            return lock_service.set_password(ws, new, old if mode == "change" else None)

        self.working = True
        self.ok_button.setEnabled(False)
        self.status.setText("Vérification…")
        run_task(self, work, self._saved, self._failed)

    def _saved(self, _changes: object) -> None:
        self.working = False
        self.status.setText("")
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.working = False
        self.ok_button.setEnabled(True)
        self.status.setText("")
        if isinstance(error, ValidationError):
            self._show_error(error.field, error.message)
        else:
            self._show_error(None, error_text(error))

    def reject(self) -> None:
        if not self.working:
            super().reject()


class SettingsDialog(QDialog):
    """The settings of data safety for the open base."""

    saved = Signal()
    password_changed = Signal()

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Réglages")
        self.ws = ws
        self._second = backups.get_second_folder(ws)
        self._second_changed = False

        # Sauvegardes
        backup_box = QGroupBox("Sauvegardes")
        main = backup_dir_for(ws.path) if ws.path is not None else None
        main_label = QLabel(
            f"Maillage sauvegarde la base à chaque ouverture et avant chaque import ou "
            f"synchronisation, dans « {main} » (7 copies journalières et 4 hebdomadaires)."
            if main is not None else "Une base en mémoire n'est pas sauvegardée.")
        main_label.setWordWrap(True)
        main_label.setObjectName("formNote")
        self.folder_field = QLineEdit()
        self.folder_field.setObjectName("secondFolder")
        self.folder_field.setReadOnly(True)
        self.folder_field.setPlaceholderText(NO_FOLDER)
        self.choose_button = QPushButton("&Choisir…")
        self.choose_button.clicked.connect(self.choose_folder)
        self.clear_button = QPushButton("&Retirer")
        self.clear_button.clicked.connect(self.clear_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_field, 1)
        folder_row.addWidget(self.choose_button)
        folder_row.addWidget(self.clear_button)
        folder_note = QLabel("Une copie de chaque sauvegarde y est aussi déposée : lecteur "
                             "réseau, clé USB ou disque externe.")
        folder_note.setObjectName("formNote")
        folder_note.setWordWrap(True)
        self.folder_warning = QLabel("")
        self.folder_warning.setObjectName("privacyBanner")
        self.folder_warning.setWordWrap(True)
        self.folder_warning.hide()
        backup_layout = QVBoxLayout(backup_box)
        backup_layout.addWidget(main_label)
        second_label = QLabel("&Second dossier de sauvegarde\u00a0:")
        second_label.setBuddy(self.choose_button)
        backup_layout.addWidget(second_label)
        backup_layout.addLayout(folder_row)
        backup_layout.addWidget(folder_note)
        backup_layout.addWidget(self.folder_warning)

        # Mot de passe et verrouillage
        lock_box = QGroupBox("Mot de passe et verrouillage")
        self.password_status = QLabel("")
        self.password_status.setObjectName("passwordStatus")
        self.password_status.setWordWrap(True)
        self.set_button = QPushButton("")
        self.set_button.setObjectName("setPasswordButton")
        self.set_button.clicked.connect(self._set_or_change)
        self.remove_button = QPushButton("Supprimer le mot de &passe…")
        self.remove_button.setObjectName("removePasswordButton")
        self.remove_button.clicked.connect(lambda: self.edit_password("remove"))
        password_row = QHBoxLayout()
        password_row.addWidget(self.set_button)
        password_row.addWidget(self.remove_button)
        password_row.addStretch(1)
        self.timeout_spin = QSpinBox()
        self.timeout_spin.setObjectName("lockTimeout")
        self.timeout_spin.setRange(lock_service.MIN_TIMEOUT_MINUTES, lock_service.MAX_TIMEOUT_MINUTES)
        self.timeout_spin.setSuffix(" min")
        self.timeout_spin.setValue(lock_service.get_lock_timeout(ws))
        self.timeout_spin.setAccelerated(True)
        timeout_row = QHBoxLayout()
        timeout_label = QLabel("&Verrouiller après\u00a0:")
        timeout_label.setBuddy(self.timeout_spin)
        timeout_row.addWidget(timeout_label)
        timeout_row.addWidget(self.timeout_spin)
        timeout_row.addWidget(QLabel("d'inactivité"))
        timeout_row.addStretch(1)
        lock_note = QLabel("Le verrou cache les données aux regards le temps d'une absence ; "
                           "il ne chiffre pas le fichier de la base.")
        lock_note.setObjectName("formNote")
        lock_note.setWordWrap(True)
        lock_layout = QVBoxLayout(lock_box)
        lock_layout.addWidget(self.password_status)
        lock_layout.addLayout(password_row)
        lock_layout.addLayout(timeout_row)
        lock_layout.addWidget(lock_note)

        # Antenne
        site_box = QGroupBox("Antenne")
        self.timezone_combo = QComboBox()
        self.timezone_combo.setObjectName("siteTimezone")
        current_tz = ics.get_site_timezone(ws)
        for tz, label in ics.TIMEZONES.items():
            self.timezone_combo.addItem(label, tz)
        if self.timezone_combo.findData(current_tz) < 0:
            self.timezone_combo.addItem(current_tz, current_tz)
        self.timezone_combo.setCurrentIndex(self.timezone_combo.findData(current_tz))
        site_form = QFormLayout(site_box)
        site_form.addRow("&Fuseau horaire\u00a0:", self.timezone_combo)
        tz_note = QLabel("Heures des invitations envoyées aux agendas (fichiers .ics).")
        tz_note.setObjectName("formNote")
        tz_note.setWordWrap(True)
        site_form.addRow("", tz_note)

        self.error = _error_label()
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("&Enregistrer", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(backup_box)
        layout.addWidget(lock_box)
        layout.addWidget(site_box)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(640)
        self._show_folder()
        self._show_password()

    # --- second folder ----------------------------------------------------------------------

    def _show_folder(self) -> None:
        folder = self._second
        self.folder_field.setText(str(folder) if folder is not None else "")
        self.folder_field.setCursorPosition(0)
        self.folder_field.setToolTip(str(folder) if folder is not None else "")
        self.clear_button.setEnabled(folder is not None)
        missing = folder is not None and not folder.is_dir()
        self.folder_warning.setText(
            f"Le dossier « {folder} » est introuvable (clé USB débranchée ou lecteur réseau "
            "indisponible ?) : aucune copie n'y est déposée tant qu'il manque. Les sauvegardes "
            "du dossier principal, elles, continuent." if missing else "")
        self.folder_warning.setVisible(missing)
        self._fit()

    def choose_folder(self) -> None:
        start = self._second if self._second is not None and self._second.is_dir() else Path.home()
        name = QFileDialog.getExistingDirectory(self, "Second dossier de sauvegarde", str(start))
        if name:
            self._second = Path(name)
            self._second_changed = True
            self._show_folder()

    def clear_folder(self) -> None:
        self._second = None
        self._second_changed = True
        self._show_folder()

    # --- password ---------------------------------------------------------------------------

    def _show_password(self) -> None:
        has = lock_service.has_password(self.ws)
        self.password_status.setText(
            "Un mot de passe protège Maillage : il est demandé à l'ouverture, après une période "
            "d'inactivité et pour quitter le mode émargement." if has else
            "Aucun mot de passe : Maillage s'ouvre sans rien demander et ne se verrouille pas.")
        self.set_button.setText("C&hanger le mot de passe…" if has else "&Définir un mot de passe…")
        self.remove_button.setVisible(has)
        self.timeout_spin.setEnabled(has)
        self._fit()

    def _fit(self) -> None:
        """Tall enough for every wrapped note at the dialog's width."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        width = max(self.width(), self.minimumWidth())
        wanted = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else 0
        height = max(wanted, layout.totalMinimumSize().height())
        if self.height() < height:
            self.resize(width, height)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit()

    def _set_or_change(self) -> None:
        self.edit_password("change" if lock_service.has_password(self.ws) else "set")

    def edit_password(self, mode: str) -> PasswordChangeDialog:
        dialog = PasswordChangeDialog(self.ws, mode, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._password_edited)
        dialog.open()
        return dialog

    def _password_edited(self) -> None:
        self._show_password()
        self.password_changed.emit()

    # --- saving -----------------------------------------------------------------------------

    def save(self) -> None:
        self.error.hide()
        try:
            if self._second_changed:
                backups.set_second_folder(self.ws, self._second)
            if self.timeout_spin.value() != lock_service.get_lock_timeout(self.ws):
                lock_service.set_lock_timeout(self.ws, self.timeout_spin.value())
            tz = self.timezone_combo.currentData()
            if tz and tz != ics.get_site_timezone(self.ws):
                ics.set_site_timezone(self.ws, tz)
        except MaillageError as exc:
            self.error.setText(exc.message)
            self.error.show()
            self._fit()
            return
        self._second_changed = False
        self.saved.emit()
        self.accept()


def show_settings_dialog(window: Any) -> SettingsDialog:
    dialog = SettingsDialog(window.workspace, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    controller = getattr(window, "lock_controller", None)
    if controller is not None:
        dialog.saved.connect(controller.refresh)
        dialog.password_changed.connect(controller.refresh)
    dialog.open()
    return dialog
