"""The structure form: create a structure or edit one.

« Enregistrer » checks every field with :func:`app.services.partners.check_organisation`
and shows each reason in red under its field; nothing typed is lost and nothing is saved
until every field is valid. A new structure is first compared with the existing ones
(:func:`app.services.duplicates.check_new_organisation`): resembling ones are listed with
« Ouvrir », « Créer quand même » and « Fusionner… ».

After ``accept()``: ``saved`` is the :class:`WriteResult`; ``merge_with`` the id of the
existing structure the user chose to merge the new one with. After « Ouvrir »,
``open_id`` is the existing structure to show (nothing saved).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt
from app.domain import labels
from app.domain import validation as v
from app.errors import MaillageError, ValidationError
from app.services import duplicates, partners
from app.services.partners import InvalidDraft, OrganisationDraft, WriteResult
from app.services.workspace import Workspace
from ui.partners.duplicates import DuplicatesPanel
from ui.partners.widgets import (
    REQUIRED_NOTE,
    FieldGrid,
    confirm_discard,
    line_edit,
    notes_edit,
    set_combo_data,
)

TAG_SEPARATORS = (";", ",")


def parse_tags(text: str) -> tuple[str, ...]:
    """« SIAE, Clauses d'insertion ; VITA » → the three étiquettes (blanks dropped)."""
    for sep in TAG_SEPARATORS[1:]:
        text = text.replace(sep, TAG_SEPARATORS[0])
    return tuple(t.strip() for t in text.split(TAG_SEPARATORS[0]) if t.strip())


def parse_headcount(text: str) -> int | None:
    """« 40 », « 1 200 » → int; empty → ``None``; ValueError with the French reason."""
    compact = "".join(text.split())
    if not compact:
        return None
    if not compact.isdigit():
        raise ValueError("L'effectif doit être un nombre entier positif.")
    return int(compact)


def siren_hint(siret_text: str) -> str:
    """« SIREN : 732 829 320 » once the SIRET typed is valid, else ``""``."""
    try:
        siret = v.normalise_siret(siret_text)
    except ValidationError:
        return ""
    if not siret:
        return ""
    siren = v.siren_of(siret)
    return f"SIREN\u00a0: {siren[:3]} {siren[3:6]} {siren[6:]}"


class OrganisationDialog(QDialog):
    """Create (``org_id`` ``None``) or edit a structure."""

    def __init__(self, ws: Workspace, org_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.org_id = org_id
        self.saved: WriteResult | None = None
        self.merge_with: str | None = None
        self.open_id: str | None = None
        record = partners.get_organisation(ws, org_id) if org_id else None
        self.record = record
        self.setWindowTitle(f"Modifier la structure « {record.short_name} »" if record
                            else "Nouvelle structure")
        self.setObjectName("organisationDialog")
        draft = record.draft() if record else OrganisationDraft(name="")
        self._build(draft)
        self._initial = self.draft()[0]
        self.resize(900, 640)

    # --- construction ---------------------------------------------------------------------

    def _build(self, d: OrganisationDraft) -> None:
        grid = FieldGrid(columns=2)
        self.grid = grid
        self.name_edit = grid.add("name", "Nom", line_edit(d.name, max_length=300), required=True)
        self.acronym_edit = grid.add("acronym", "Sigle", line_edit(d.acronym, max_length=60))
        self.kind_combo = QComboBox()
        self.kind_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.kind_combo.setMinimumContentsLength(24)
        for code, label, family in labels.ORGANISATION_KINDS:
            self.kind_combo.addItem(label, code)
            self.kind_combo.setItemData(self.kind_combo.count() - 1, family,
                                        Qt.ItemDataRole.ToolTipRole)
        set_combo_data(self.kind_combo, d.kind_code, labels.kind_label(d.kind_code))
        grid.add("kind_code", "Type", self.kind_combo)
        self.siret_edit = grid.add("siret", "SIRET", line_edit(
            v.format_siret(d.siret) if d.siret else "", "14 chiffres, espaces acceptés"))
        self.siren_label = QLabel("")
        self.siren_label.setObjectName("formNote")
        grid.boxes["siret"].layout().insertWidget(1, self.siren_label)
        self.siret_edit.textChanged.connect(self._update_siren)
        self._update_siren(self.siret_edit.text())
        self.legal_form_edit = grid.add("legal_form", "Forme juridique", line_edit(
            d.legal_form, "Association loi 1901, SARL, SCIC…"))
        self.headcount_edit = grid.add("headcount", "Effectif", line_edit(
            "" if d.headcount is None else str(d.headcount), "Nombre de salariés"))
        self.rep_name_edit = grid.add("legal_rep_name", "Représentant légal",
                                      line_edit(d.legal_rep_name, "Prénom et nom"))
        self.rep_title_edit = grid.add("legal_rep_title", "Qualité du représentant",
                                       line_edit(d.legal_rep_title, "Président(e), directeur…"))

        self.address_edit = grid.add("address", "Adresse", notes_edit(d.address, 3), column=1)
        self.postcode_edit = grid.add("postcode", "Code postal",
                                      line_edit(d.postcode, "89000, 97600…", 10), column=1)
        self.city_edit = grid.add("city", "Commune", line_edit(d.city), column=1)
        self.territory_edit = grid.add("territory", "Territoire", line_edit(
            d.territory, "Bassin, département, EPCI…"), column=1)
        self.phone_edit = grid.add("phone", "Téléphone", line_edit(
            fmt.phone(d.phone), "03 86 12 34 56"),
            column=1)
        self.email_edit = grid.add("email", "Courriel", line_edit(
            d.email, "contact@structure.fr"), column=1)
        self.website_edit = grid.add("website", "Site web", line_edit(
            d.website, "www.structure.fr"), column=1)

        self.tags_edit = grid.add("tags", "Étiquettes", line_edit(
            ", ".join(d.tags), "Séparées par des virgules : SIAE, Clauses d'insertion…"),
            span=True)
        self.notes_edit = grid.add("notes", "Notes", notes_edit(d.notes, 4), span=True)

        body = QWidget()
        body.setObjectName("formBody")
        body.setStyleSheet("QWidget#formBody { background: #ffffff; }")
        inner = QVBoxLayout(body)
        inner.setContentsMargins(16, 14, 16, 8)
        inner.addWidget(grid)
        note = QLabel(REQUIRED_NOTE)
        note.setObjectName("formNote")
        inner.addWidget(note)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)

        self.duplicates = DuplicatesPanel("organisations")
        self.duplicates.open_requested.connect(self._open_existing)
        self.duplicates.create_anyway.connect(lambda: self._write(check_duplicates=False))
        self.duplicates.merge_requested.connect(self._create_then_merge)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("&Enregistrer")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 10)
        layout.addWidget(scroll, 1)
        side = QVBoxLayout()
        side.setContentsMargins(16, 0, 16, 0)
        side.addWidget(self.duplicates)
        side.addWidget(self.buttons)
        layout.addLayout(side)
        self.name_edit.setFocus()

    def _update_siren(self, text: str) -> None:
        hint = siren_hint(text)
        self.siren_label.setText(hint)
        self.siren_label.setVisible(bool(hint))

    # --- reading the form -----------------------------------------------------------------

    def draft(self) -> tuple[OrganisationDraft, dict[str, str]]:
        """What is typed, and the errors of values the form itself cannot read."""
        errors: dict[str, str] = {}
        try:
            headcount = parse_headcount(self.headcount_edit.text())
        except ValueError as exc:
            errors["headcount"] = str(exc)
            headcount = None
        draft = OrganisationDraft(
            name=self.name_edit.text(), acronym=self.acronym_edit.text(),
            kind_code=self.kind_combo.currentData() or "association",
            siret=self.siret_edit.text(), address=self.address_edit.toPlainText(),
            postcode=self.postcode_edit.text(), city=self.city_edit.text(),
            territory=self.territory_edit.text(), phone=self.phone_edit.text(),
            email=self.email_edit.text(), website=self.website_edit.text(),
            legal_form=self.legal_form_edit.text(), legal_rep_name=self.rep_name_edit.text(),
            legal_rep_title=self.rep_title_edit.text(), headcount=headcount,
            tags=parse_tags(self.tags_edit.text()), notes=self.notes_edit.toPlainText(),
        )
        return draft, errors

    def _checked(self) -> OrganisationDraft | None:
        """The clean draft, or ``None`` after showing every error next to its field."""
        draft, errors = self.draft()
        clean, found = partners.check_organisation(draft)
        errors = {**found, **errors}
        return None if self._show_errors(errors) else clean

    def _show_errors(self, errors: dict[str, str]) -> bool:
        shown = self.grid.show_errors(errors)
        if shown:
            self.grid.focus(shown[0])
        return bool(shown)

    # --- saving ---------------------------------------------------------------------------

    def save(self) -> None:
        """« Enregistrer »: check, look for duplicates of a new structure, then write."""
        self._write(check_duplicates=self.org_id is None)

    def _write(self, *, check_duplicates: bool) -> bool:
        clean = self._checked()
        if clean is None:
            return False
        if check_duplicates:
            matches = duplicates.check_new_organisation(self.ws, clean)
            if matches:
                self.duplicates.set_matches(matches)
                self.duplicates.list.setFocus()
                return False
        try:
            if self.org_id is None:
                self.saved = partners.create_organisation(self.ws, clean)
            else:
                self.saved = partners.update_organisation(self.ws, self.org_id, clean)
        except InvalidDraft as exc:
            self._show_errors(exc.errors)
            return False
        except ValidationError as exc:
            if not (exc.field and exc.field in self.grid.boxes
                    and self._show_errors({exc.field: exc.message})):
                self._warn(exc.message)
            return False
        except MaillageError as exc:
            self._warn(exc.message)
            return False
        self.accept()
        return True

    def _warn(self, text: str) -> None:
        QMessageBox.warning(self, "Enregistrement impossible", text)

    def reject(self) -> None:
        """« Annuler » or Échap: what was typed is only dropped once the user confirms."""
        if self.draft()[0] != self._initial and not confirm_discard(self):
            return
        super().reject()

    def _open_existing(self, record_id: str) -> None:
        self.open_id = record_id
        self.done(QDialog.DialogCode.Rejected)

    def _create_then_merge(self, record_id: str) -> None:
        self.merge_with = record_id
        if not self._write(check_duplicates=False):
            self.merge_with = None
