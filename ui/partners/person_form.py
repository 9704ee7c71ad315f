"""The contact form: identity, phones, category, consent, notes and functions in structures.

« Enregistrer » checks every field with :func:`app.services.partners.check_person` (each
reason in red under its field) and every line of the functions table, then writes the
contact and only the functions that changed. The whole save is one step of the undo
history. A *public accompagné* shows the privacy banner of the detail pane. A new contact
is first compared with the existing ones (:func:`app.services.duplicates.check_new_person`).

After ``accept()``: ``saved`` (a :class:`WriteResult` whose ``undo`` covers the functions
too) and ``merge_with``; after « Ouvrir », ``open_id`` — as in the structure form.
"""

from __future__ import annotations

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
from app.errors import MaillageError, ValidationError
from app.services import duplicates, partners
from app.services.details import PRIVACY_BANNER
from app.services.partners import AffiliationDraft, InvalidDraft, PersonDraft, WriteResult
from app.services.undo import UndoStep
from app.services.workspace import ChangeSet, Workspace
from ui.conventions.fields import OptionalDate
from ui.partners.duplicates import DuplicatesPanel
from ui.partners.functions import FunctionChanges, FunctionRow, FunctionsEditor
from ui.partners.widgets import (
    REQUIRED_NOTE,
    FieldGrid,
    confirm_discard,
    line_edit,
    notes_edit,
    set_combo_data,
)
from ui.undo import combined_step


def _merge_changes(sets: list[ChangeSet]) -> ChangeSet:
    return ChangeSet(
        created=tuple(k for c in sets for k in c.created),
        updated=tuple(k for c in sets for k in c.updated),
        deleted=tuple(k for c in sets for k in c.deleted),
    )


class PersonDialog(QDialog):
    """Create (``person_id`` ``None``) or edit a contact and its functions."""

    def __init__(self, ws: Workspace, person_id: str | None = None, *,
                 organisation: tuple[str, str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.person_id = person_id
        self.saved: WriteResult | None = None
        self.merge_with: str | None = None
        self.open_id: str | None = None
        self.warning = ""  # said after saving (a function that could not be written)
        record = partners.get_person(ws, person_id) if person_id else None
        self.record = record
        recorded = partners.affiliations(ws, person_id=person_id) if person_id else ()
        self.setObjectName("personDialog")
        self.setWindowTitle(f"Modifier le contact « {record.display_name} »" if record
                            else "Nouveau contact")
        self._build(record.draft() if record else PersonDraft(last_name=""), recorded)
        if organisation is not None:  # « Nouveau contact » from a structure
            self.functions.add_function(*organisation)
        self._initial = (self.draft(), self._function_rows())
        self.last_edit.setFocus()
        self.resize(920, 740)

    # --- construction ---------------------------------------------------------------------

    def _build(self, d: PersonDraft, recorded) -> None:  # noqa: ANN001
        grid = FieldGrid(columns=2)
        self.grid = grid
        self.civility_combo = QComboBox()
        for code, label in labels.CIVILITIES.items():
            self.civility_combo.addItem(label, code)
        set_combo_data(self.civility_combo, d.civility)
        grid.add("civility", "Civilité", self.civility_combo)
        self.last_edit = grid.add("last_name", "Nom", line_edit(d.last_name, max_length=150),
                                  required=True)
        self.first_edit = grid.add("first_name", "Prénom", line_edit(d.first_name, max_length=150))
        self.category_combo = QComboBox()
        for code, label in labels.PERSON_CATEGORIES.items():
            self.category_combo.addItem(label, code)
        set_combo_data(self.category_combo, d.category or "autre")
        grid.add("category", "Catégorie", self.category_combo)
        self.email_edit = grid.add("email", "Courriel", line_edit(d.email, "prenom.nom@structure.fr"),
                                   column=1)
        self.phone_edit = grid.add("phone", "Téléphone", line_edit(fmt.phone(d.phone),
                                                                   "03 86 12 34 56"), column=1)
        self.mobile_edit = grid.add("mobile", "Portable", line_edit(fmt.phone(d.mobile),
                                                                    "06 12 34 56 78"), column=1)
        self.consent_date = OptionalDate(d.consent_date, "recueilli le")
        grid.add("consent_date", "Consentement", self.consent_date, span=True,
                 note="Accord de la personne pour être contactée et figurer dans les envois "
                      "(sans lui, elle est exclue des exports vCard et des listes de diffusion).")
        self.consent_source_edit = grid.add("consent_source", "Source du consentement", line_edit(
            d.consent_source, "Formulaire papier, courriel, feuille d'émargement…"), span=True)
        self.banner = QLabel(PRIVACY_BANNER)
        self.banner.setObjectName("privacyBanner")
        self.banner.setWordWrap(True)
        grid.add_widget(self.banner, span=True)
        self.notes_edit = grid.add("notes", "Notes", notes_edit(d.notes, 3), span=True)
        self.category_combo.currentIndexChanged.connect(lambda _i: self._update_banner())
        self._update_banner()

        self.functions = FunctionsEditor(self.ws, recorded)
        functions_title = QLabel("Fonctions dans les structures")
        functions_title.setObjectName("panelTitle")

        body = QWidget()
        body.setObjectName("formBody")
        body.setStyleSheet("QWidget#formBody { background: #ffffff; }")
        inner = QVBoxLayout(body)
        inner.setContentsMargins(16, 14, 16, 8)
        inner.addWidget(grid)
        inner.addSpacing(6)
        inner.addWidget(functions_title)
        inner.addWidget(self.functions, 1)
        note = QLabel(REQUIRED_NOTE)
        note.setObjectName("formNote")
        inner.addWidget(note)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)

        self.duplicates = DuplicatesPanel("people")
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
        # Enter in the functions table edits a cell: only the button saves.
        self.save_button.setAutoDefault(False)
        self.save_button.setDefault(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 10)
        layout.addWidget(scroll, 1)
        side = QVBoxLayout()
        side.setContentsMargins(16, 0, 16, 0)
        side.addWidget(self.duplicates)
        side.addWidget(self.buttons)
        layout.addLayout(side)

    def _update_banner(self) -> None:
        self.banner.setVisible(self.category_combo.currentData() == "public")

    # --- reading the form -----------------------------------------------------------------

    def draft(self) -> PersonDraft:
        return PersonDraft(
            last_name=self.last_edit.text(), first_name=self.first_edit.text(),
            civility=self.civility_combo.currentData() or "", email=self.email_edit.text(),
            phone=self.phone_edit.text(), mobile=self.mobile_edit.text(),
            category=self.category_combo.currentData() or "autre",
            consent_date=self.consent_date.value(),
            consent_source=self.consent_source_edit.text(), notes=self.notes_edit.toPlainText(),
        )

    def _function_rows(self) -> list[FunctionRow]:
        return self.functions.rows()

    def _show_errors(self, errors: dict[str, str]) -> bool:
        shown = self.grid.show_errors(errors)
        if shown:
            self.grid.focus(shown[0])
        return bool(shown)

    # --- saving ---------------------------------------------------------------------------

    def save(self) -> None:
        self._write(check_duplicates=self.person_id is None)

    def _write(self, *, check_duplicates: bool) -> bool:
        clean, errors = partners.check_person(self.draft())
        changes = self.functions.changes()
        if self._show_errors(errors) or changes is None:
            if changes is None and not errors:
                self.functions.table.setFocus()
            return False
        if check_duplicates:
            first_org = changes.added[0].organisation_id if changes.added else None
            matches = duplicates.check_new_person(self.ws, clean, first_org)
            if matches:
                self.duplicates.set_matches(matches)
                self.duplicates.list.setFocus()
                return False
        try:
            self.saved = self._save(clean, changes)
        except InvalidDraft as exc:
            self._show_errors(exc.errors)
            return False
        except ValidationError as exc:
            if not (exc.field and exc.field in self.grid.boxes
                    and self._show_errors({exc.field: exc.message})):
                QMessageBox.warning(self, "Enregistrement impossible", exc.message)
            return False
        except MaillageError as exc:
            QMessageBox.warning(self, "Enregistrement impossible", exc.message)
            return False
        self.accept()
        return True

    def _save(self, clean: PersonDraft, changes: FunctionChanges) -> WriteResult:
        """Write the contact, then its functions; one undo step for the whole.

        A function refused once the contact is written (the base changed meanwhile) does not
        undo the rest: what was written is returned, and the reason kept in ``warning``.
        """
        results: list[WriteResult] = []
        added = list(changes.added)
        if self.person_id is None:
            first = added.pop(0) if added else None
            results.append(partners.create_person(
                self.ws, clean, affiliation=self._affiliation("", first) if first else None))
        else:
            results.append(partners.update_person(self.ws, self.person_id, clean))
        person_id = results[0].id
        try:
            for affiliation_id in changes.removed:
                results.append(partners.remove_affiliation(self.ws, affiliation_id))
            for row in changes.updated:
                results.append(partners.update_affiliation(
                    self.ws, row.affiliation_id or "", self._affiliation(person_id, row)))
            for row in added:
                results.append(partners.add_affiliation(self.ws, self._affiliation(person_id, row)))
        except MaillageError as exc:
            self.warning = f"Le contact est enregistré, mais pas toutes ses fonctions : {exc.message}"
        first_result = results[0]
        label = first_result.undo.label if first_result.undo else (
            f"Modifier les fonctions de {partners.person_label(clean)}")  # type: ignore[arg-type]
        step: UndoStep | None = combined_step(label, [r.undo for r in results])
        return WriteResult(_merge_changes([r.changes for r in results]), step, person_id)

    @staticmethod
    def _affiliation(person_id: str, row: FunctionRow) -> AffiliationDraft:
        return AffiliationDraft(person_id=person_id, organisation_id=row.organisation_id,
                                function=row.function, start_date=row.start_date,
                                end_date=row.end_date, is_primary=row.is_primary)

    # --- closing --------------------------------------------------------------------------

    def reject(self) -> None:
        if (self.draft(), self._function_rows()) != self._initial and not confirm_discard(self):
            return
        super().reject()

    def _open_existing(self, record_id: str) -> None:
        self.open_id = record_id
        self.done(QDialog.DialogCode.Rejected)

    def _create_then_merge(self, record_id: str) -> None:
        self.merge_with = record_id
        if not self._write(check_duplicates=False):
            self.merge_with = None
