"""The convention form: create a convention, edit a draft, or draft an avenant.

Four tabs (Convention, Parties, Montant et échéancier, Cofinancement et pièces) fill a
:class:`ConventionInput`; « Enregistrer » calls the service. A value the form cannot read
(« 12,3,4 € ») or a :class:`ValidationError` from the service is shown in red under its
field, on its tab, and nothing typed is lost: the dialog stays open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt
from app.domain import labels
from app.domain.amounts import amount_in_words
from app.errors import MaillageError, ValidationError
from app.services import lists
from app.services.actions import list_actions
from app.services.conventions import (
    Consolidated,
    ConventionInput,
    Funder,
    InstallmentInput,
    PartyInput,
    Saved,
    create_convention,
    get_numbering,
    party_defaults,
    preview_number,
    update_convention,
)
from app.services.lists import ListQuery
from app.services.settings import get_identity
from app.services.templates import list_templates
from app.services.workspace import Workspace
from ui.conventions.fields import (
    AmountEdit,
    FieldBox,
    OptionalDate,
    StructurePicker,
    amount_text,
    parse_amount,
)

STRUCTURE_RESULTS = 15
TAB_GENERAL, TAB_PARTIES, TAB_AMOUNTS, TAB_FUNDING = range(4)


@dataclass(frozen=True)
class AvenantContext:
    """What the form shows when drafting an avenant: the convention it amends."""

    parent_number: str
    parent_title: str
    current: Consolidated  # the parent's values today (signed avenants applied)


def parse_date_text(text: str) -> dt.date | None:
    """« 15/03/2026 » (or « 15/3/2026 ») → date; empty → None; ValueError in French."""
    raw = (text or "").strip()
    if not raw:
        return None
    try:
        day, month, year = (int(part) for part in raw.replace("-", "/").replace(".", "/").split("/"))
        if year < 100:
            year += 2000
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"date non reconnue : « {raw} » (écrivez jj/mm/aaaa)") from None


def structure_search(ws: Workspace):  # noqa: ANN201 - a callable for StructurePicker
    """``text → [(id, « Nom (SIGLE) – Commune »)]`` over the structures list."""

    def search(text: str) -> list[tuple[str, str]]:
        page = lists.fetch(ws, "structures", ListQuery(search=text), 0, STRUCTURE_RESULTS)
        out = []
        for row in page.rows:
            name, acronym, _kind, city = row.cells[:4]
            label = name + (f" ({acronym})" if acronym and acronym != name else "")
            out.append((row.id, label + (f" – {city}" if city else "")))
        return out

    return search


def _table(headers: list[str], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
    table.setTabKeyNavigation(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.setMinimumHeight(130)
    return table


def _item(text: str, editable: bool = True) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if not editable:
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


def _cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text().strip() if item is not None else ""


class ConventionDialog(QDialog):
    """Create (``convention_id=None``) or edit a convention; ``saved`` is set on success.

    ``initial`` gives the starting values (``ConventionView.as_input()`` when editing,
    :func:`avenant_draft` for an avenant); ``names`` the names of the structures it
    references; ``avenant`` the amended convention when drafting an avenant.
    """

    def __init__(self, ws: Workspace, initial: ConventionInput | None = None, *,
                 convention_id: str | None = None, names: dict[str, str] | None = None,
                 avenant: AvenantContext | None = None, porteur_name: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conventionDialog")
        self.ws = ws
        self.convention_id = convention_id
        self.initial = initial or ConventionInput(kind="partenariat", title="", parties=())
        self.avenant = avenant if self.initial.kind == "avenant" else None
        self.names = dict(names or {})
        self.saved: Saved | None = None
        self._porteur = next((p for p in self.initial.parties if p.role == "porteur"),
                             PartyInput(None, "porteur"))
        self._porteur_name = porteur_name or get_identity(ws).organisation_name

        if self.initial.kind == "avenant":
            title = (f"Modifier l'avenant {self.initial.number}" if convention_id
                     else f"Nouvel avenant à la convention {avenant.parent_number if avenant else ''}")
        elif convention_id:
            title = f"Modifier la convention {self.initial.number}"
        else:
            title = "Nouvelle convention"
        self.setWindowTitle(title)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 10)
        self.banner = QLabel("")
        self.banner.setObjectName("fieldError")
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.banner)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("conventionTabs")
        self.fields: dict[str, FieldBox] = {}
        self._tab_of: dict[str, int] = {}
        self.tabs.addTab(self._general_tab(), "&Convention")
        self.tabs.addTab(self._parties_tab(), "&Parties")
        self.tabs.addTab(self._amounts_tab(), "&Montant et échéancier")
        self.tabs.addTab(self._funding_tab(), "C&ofinancement et pièces")
        layout.addWidget(self.tabs, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("&Enregistrer")
        self.save_button.setToolTip("Enregistrer (Ctrl+S)")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.accept)
        for index in range(self.tabs.count()):
            QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self,
                      activated=lambda i=index: self.tabs.setCurrentIndex(i))
        self.resize(780, 640)
        self.title_edit.setFocus()

    # --- tabs -------------------------------------------------------------------------------

    def _add(self, form: QFormLayout, tab: int, key: str, label: str, editor: QWidget,
             note: str = "") -> FieldBox:
        box = FieldBox(editor, note)
        self.fields[key] = box
        self._tab_of[key] = tab
        text = QLabel(label)
        text.setBuddy(editor)
        text.setContentsMargins(0, 0, 3, 0)  # room for the last glyph (« Type »)
        form.addRow(text, box)
        return box

    @staticmethod
    def _form(page: QWidget) -> QFormLayout:
        form = QFormLayout(page)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setContentsMargins(12, 12, 12, 12)
        form.setVerticalSpacing(8)
        return form

    def _general_tab(self) -> QWidget:
        page = QWidget()
        form = self._form(page)
        data = self.initial
        self.kind_combo = QComboBox()
        for code, label in labels.CONVENTION_KINDS.items():
            if (code == "avenant") == (data.kind == "avenant"):
                self.kind_combo.addItem(label, code)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(data.kind)))
        self.kind_combo.setEnabled(data.kind != "avenant")
        self._add(form, TAB_GENERAL, "kind", "&Type", self.kind_combo)
        if self.avenant is not None:
            parent_label = QLabel(f"{self.avenant.parent_number} – {self.avenant.parent_title}")
            parent_label.setWordWrap(True)
            self._add(form, TAB_GENERAL, "parent_id", "Avenant à", parent_label)
        self.number_edit = QLineEdit(data.number)
        self._add(form, TAB_GENERAL, "number", "&Numéro", self.number_edit,
                  "" if self.convention_id else "Laissez vide : le numéro suivant est attribué "
                  "à l'enregistrement.")
        self.title_edit = QLineEdit(data.title)
        self.title_edit.setPlaceholderText("ex. : Coordination et animation d'un événementiel ESS")
        self._add(form, TAB_GENERAL, "title", "&Intitulé *", self.title_edit)
        self.action_combo = QComboBox()
        self.action_combo.addItem("Aucune action", None)
        for action in list_actions(self.ws):
            self.action_combo.addItem(action.label, action.id)
        self.action_combo.setCurrentIndex(max(0, self.action_combo.findData(data.action_id)))
        self.action_combo.setMinimumContentsLength(30)
        self.action_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self._add(form, TAB_GENERAL, "action_id", "&Action", self.action_combo)
        self.template_combo = QComboBox()
        self._add(form, TAB_GENERAL, "template_id", "&Modèle", self.template_combo)
        self.object_edit = QPlainTextEdit(data.object)
        self.object_edit.setTabChangesFocus(True)
        self.object_edit.setPlaceholderText(
            "Ce que les parties s'engagent à faire ensemble (repris à l'article « Objet »)."
            if data.kind != "avenant" else
            "Ce que l'avenant modifie, s'il ne change ni le montant ni les dates.")
        self.object_edit.setMinimumHeight(90)
        self.object_edit.setMaximumHeight(200)
        self._add(form, TAB_GENERAL, "object", "&Objet", self.object_edit)
        self.place_edit = QLineEdit(data.signed_place)
        self.place_edit.setPlaceholderText("ex. : Auxerre")
        self._add(form, TAB_GENERAL, "signed_place", "&Fait à", self.place_edit)
        self.copies_spin = QSpinBox()
        self.copies_spin.setRange(0, 20)
        self.copies_spin.setSpecialValueText("un par partie")
        self.copies_spin.setValue(data.copies or 0)
        self.copies_spin.setSuffix(" exemplaires")
        self.copies_spin.setMaximumWidth(220)
        self._add(form, TAB_GENERAL, "copies", "E&xemplaires", self.copies_spin)
        self.kind_combo.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self._kind_changed(initial=True)
        return page

    def _parties_tab(self) -> QWidget:
        page = QWidget()
        form = self._form(page)
        porteur = QLabel(self._porteur_name or "Notre organisation (à renseigner dans l'identité)")
        porteur.setWordWrap(True)
        porteur.setObjectName("porteurName")
        form.addRow("Porteur", porteur)
        self.porteur_name_edit = QLineEdit(self._porteur.representative_name)
        self.porteur_name_edit.setPlaceholderText("vide : le représentant légal de notre structure")
        self._add(form, TAB_PARTIES, "porteur_name", "Représenté(e) &par", self.porteur_name_edit)
        self.porteur_title_edit = QLineEdit(self._porteur.representative_title)
        self.porteur_title_edit.setPlaceholderText("ex. : Présidente, Directeur")
        self._add(form, TAB_PARTIES, "porteur_title", "&Qualité", self.porteur_title_edit)

        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.partners_table = _table(["Structure", "Représentant(e)", "Qualité"], 0)
        self.partners_table.setObjectName("partnersTable")
        self.partners_table.setColumnWidth(1, 170)
        self.partners_table.setColumnWidth(2, 130)
        column.addWidget(self.partners_table)
        row = QHBoxLayout()
        self.partner_picker = StructurePicker(structure_search(self.ws))
        self.partner_picker.picked.connect(self.add_partner)
        row.addWidget(self.partner_picker, 1)
        self.remove_partner_button = QPushButton("&Retirer la structure")
        self.remove_partner_button.clicked.connect(
            lambda: self._remove_row(self.partners_table))
        row.addWidget(self.remove_partner_button)
        column.addLayout(row)
        self._add(form, TAB_PARTIES, "parties", "P&artenaires *", box,
                  "Tapez quelques lettres, puis choisissez la structure dans la liste ; "
                  "son représentant légal est proposé.")
        for party in self.initial.parties:
            if party.role != "porteur" and party.organisation_id:
                self._append_partner(party, self.names.get(party.organisation_id, ""))
        return page

    def _amounts_tab(self) -> QWidget:
        page = QWidget()
        form = self._form(page)
        data = self.initial
        amending = data.kind == "avenant"
        current = self.avenant.current if self.avenant else None
        empty = "inchangée" if amending else "non renseignée"
        self.start_edit = OptionalDate(data.start_date, empty_text=empty)
        self.end_edit = OptionalDate(data.end_date, empty_text=empty)
        self.amount_edit = AmountEdit(data.amount_cents)
        self.amount_words = QLabel("")
        self.amount_words.setObjectName("formNote")
        self.amount_words.setWordWrap(True)
        amount_box = QWidget()
        amount_row = QHBoxLayout(amount_box)
        amount_row.setContentsMargins(0, 0, 0, 0)
        self.amount_edit.setMaximumWidth(180)
        amount_row.addWidget(self.amount_edit)
        amount_row.addWidget(QLabel("€"))
        amount_row.addWidget(self.amount_words, 1)
        if amending and current is not None:
            self._add(form, TAB_AMOUNTS, "start_date", "Nouvelle date de &début", self.start_edit,
                      f"Cochez pour la changer (actuellement {fmt.date_short(current.start_date) or 'non définie'}).")
            self._add(form, TAB_AMOUNTS, "end_date", "Nouvelle date de &fin", self.end_edit,
                      f"Cochez pour la changer (actuellement {fmt.date_short(current.end_date) or 'non définie'}).")
            self._add(form, TAB_AMOUNTS, "amount_cents", "Nouveau &montant total", amount_box,
                      f"Vide : inchangé (actuellement {fmt.money(current.amount_cents) or 'non défini'}).")
        else:
            self._add(form, TAB_AMOUNTS, "start_date", "Date de &début", self.start_edit)
            self._add(form, TAB_AMOUNTS, "end_date", "Date de &fin", self.end_edit)
            self._add(form, TAB_AMOUNTS, "amount_cents", "&Montant total", amount_box,
                      "En euros, par exemple 10 000,00. Vide : convention sans montant.")
        self.amount_edit.textChanged.connect(lambda _t: self._amount_changed())

        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.installments_table = _table(["Date (jj/mm/aaaa)", "Montant (€)", "Condition"], 2)
        self.installments_table.setObjectName("installmentsTable")
        self.installments_table.setColumnWidth(0, 160)
        self.installments_table.setColumnWidth(1, 120)
        column.addWidget(self.installments_table)
        row = QHBoxLayout()
        add = QPushButton("&Ajouter une échéance")
        add.clicked.connect(lambda: self.add_installment())
        remove = QPushButton("Retirer l'é&chéance")
        remove.clicked.connect(lambda: self._remove_row(self.installments_table))
        self.installments_total = QLabel("")
        self.installments_total.setObjectName("formNote")
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        row.addWidget(self.installments_total)
        column.addLayout(row)
        self._add(form, TAB_AMOUNTS, "installments", "É&chéancier", box)
        for item in data.installments:
            self.add_installment(item)
        self.installments_table.itemChanged.connect(self._installment_changed)
        self._amount_changed()
        return page

    def _funding_tab(self) -> QWidget:
        page = QWidget()
        form = self._form(page)
        data = self.initial
        self.fse_spin = QDoubleSpinBox()
        self.fse_spin.setRange(0, 100)
        self.fse_spin.setDecimals(1)
        self.fse_spin.setSuffix("\u00a0%")
        self.fse_spin.setValue(round((data.fse_rate or 0) * 100, 1))
        self.fse_spin.setMaximumWidth(120)
        self._add(form, TAB_FUNDING, "fse_rate", "Taux &FSE", self.fse_spin,
                  "Au-dessus de 0 %, la convention porte l'emblème de l'Union européenne et la "
                  "mention du FSE+.")
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.funders_table = _table(["Cofinanceur", "Montant (€)"], 0)
        self.funders_table.setObjectName("fundersTable")
        self.funders_table.setColumnWidth(1, 130)
        self.funders_table.setMinimumHeight(100)
        column.addWidget(self.funders_table)
        row = QHBoxLayout()
        add = QPushButton("A&jouter un cofinanceur")
        add.clicked.connect(lambda: self.add_funder())
        remove = QPushButton("Reti&rer le cofinanceur")
        remove.clicked.connect(lambda: self._remove_row(self.funders_table))
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        column.addLayout(row)
        self._add(form, TAB_FUNDING, "other_funders", "Autres &cofinanceurs", box)
        for funder in data.other_funders:
            self.add_funder(funder)

        evidence = QWidget()
        grid = QVBoxLayout(evidence)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(2)
        self.evidence_boxes: dict[str, QCheckBox] = {}
        codes = list(labels.EVIDENCE_KINDS) + [e for e in data.required_evidence
                                               if e not in labels.EVIDENCE_KINDS]
        for code in codes:
            check = QCheckBox(labels.label(labels.EVIDENCE_KINDS, code))
            check.setChecked(code in data.required_evidence)
            grid.addWidget(check)
            self.evidence_boxes[code] = check
        self._add(form, TAB_FUNDING, "required_evidence", "Pièces &exigées", evidence)
        return page

    # --- behaviour ------------------------------------------------------------------------

    def kind(self) -> str:
        return self.kind_combo.currentData()

    def _kind_changed(self, initial: bool = False) -> None:
        kind = self.kind()
        if not self.convention_id:
            self.number_edit.setPlaceholderText(
                f"attribué à l'enregistrement : {preview_number(self.ws, kind)}")
            if initial:  # a copied base, or a site code another antenna uses: say so first
                self.fields["number"].set_error(get_numbering(self.ws).warning)
        wanted = self.initial.template_id if initial else self.template_combo.currentData()
        self.template_combo.clear()
        self.template_combo.addItem("Modèle par défaut de ce type", None)
        for template in list_templates(self.ws, kind):
            self.template_combo.addItem(template.name, template.id)
        self.template_combo.setCurrentIndex(max(0, self.template_combo.findData(wanted)))

    def _amount_changed(self) -> None:
        try:
            cents = self.amount_edit.cents()
        except ValueError as exc:
            self.amount_words.setText("")
            self.fields["amount_cents"].set_error(str(exc))
            return
        self.fields["amount_cents"].set_error("")
        self.amount_words.setText(f"({amount_in_words(cents)})" if cents is not None else "")
        self._update_total()

    def _installment_changed(self, item: QTableWidgetItem) -> None:
        """An amount typed « 5000 » reads « 5 000,00 »; the total follows."""
        if item.column() == 1:
            try:
                cents = parse_amount(item.text())
            except ValueError:
                cents = None  # left as typed: saving says what is wrong
            if cents is not None and item.text() != amount_text(cents):
                self.installments_table.blockSignals(True)
                item.setText(amount_text(cents))
                self.installments_table.blockSignals(False)
        self._update_total()

    def _update_total(self) -> None:
        total = 0
        for row in range(self.installments_table.rowCount()):
            try:
                total += parse_amount(_cell(self.installments_table, row, 1)) or 0
            except ValueError:
                pass
        count = self.installments_table.rowCount()
        self.installments_total.setText(f"Total de l'échéancier : {fmt.money(total)}" if count else "")

    @staticmethod
    def _remove_row(table: QTableWidget) -> None:
        row = table.currentRow()
        if row < 0 and table.rowCount():
            row = table.rowCount() - 1
        if row >= 0:
            table.removeRow(row)

    def _append_partner(self, party: PartyInput, name: str) -> None:
        table = self.partners_table
        row = table.rowCount()
        table.insertRow(row)
        structure = _item(name or "Structure inconnue", editable=False)
        structure.setData(Qt.ItemDataRole.UserRole, party.organisation_id)
        structure.setToolTip(name)
        table.setItem(row, 0, structure)
        table.setItem(row, 1, _item(party.representative_name))
        table.setItem(row, 2, _item(party.representative_title))

    def partner_ids(self) -> list[str]:
        table = self.partners_table
        return [table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(table.rowCount())]

    def add_partner(self, organisation_id: str, label: str) -> None:
        """Add a partner structure, its legal representative proposed."""
        if organisation_id in self.partner_ids():
            self.fields["parties"].set_error(f"« {label} » figure déjà parmi les partenaires.")
            return
        try:
            party = party_defaults(self.ws, organisation_id)
        except MaillageError as exc:
            self.fields["parties"].set_error(exc.message)
            return
        self.fields["parties"].set_error("")
        self.names[organisation_id] = label.split(" – ")[0]
        self._append_partner(party, self.names[organisation_id])
        self.partners_table.setCurrentCell(self.partners_table.rowCount() - 1, 1)

    def add_installment(self, item: InstallmentInput | None = None) -> None:
        table = self.installments_table
        row = table.rowCount()
        table.blockSignals(True)
        table.insertRow(row)
        due = _item(fmt.date_short(item.due_date) if item else "")
        due.setData(Qt.ItemDataRole.UserRole, (item.id, item.paid_date) if item else (None, None))
        table.setItem(row, 0, due)
        amount = _item(amount_text(item.amount_cents) if item else "")
        amount.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        table.setItem(row, 1, amount)
        table.setItem(row, 2, _item(item.condition if item else ""))
        table.blockSignals(False)
        self._update_total()
        if item is None:
            table.setCurrentCell(row, 0)
            table.setFocus()

    def add_funder(self, funder: Funder | None = None) -> None:
        table = self.funders_table
        row = table.rowCount()
        table.insertRow(row)
        table.setItem(row, 0, _item(funder.name if funder else ""))
        amount = _item(amount_text(funder.amount_cents) if funder else "")
        amount.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        table.setItem(row, 1, amount)
        if funder is None:
            table.setCurrentCell(row, 0)
            table.setFocus()

    # --- reading the form -----------------------------------------------------------------

    def _installments(self) -> tuple[InstallmentInput, ...]:
        table = self.installments_table
        out = []
        for row in range(table.rowCount()):
            due_text, amount_text_, condition = (_cell(table, row, c) for c in range(3))
            if not (due_text or amount_text_ or condition):
                continue  # an empty line added by mistake
            where = f"Échéance {row + 1}"
            try:
                due = parse_date_text(due_text)
            except ValueError as exc:
                raise ValidationError(f"{where} : {exc}.", field="installments") from None
            try:
                amount = parse_amount(amount_text_)
            except ValueError as exc:
                raise ValidationError(f"{where} : {exc}", field="installments") from None
            if amount is None:
                raise ValidationError(f"{where} : indiquez son montant.", field="installments")
            kept_id, paid = table.item(row, 0).data(Qt.ItemDataRole.UserRole) or (None, None)
            out.append(InstallmentInput(amount, due, condition, paid, kept_id))
        return tuple(out)

    def _funders(self) -> tuple[Funder, ...]:
        table = self.funders_table
        out = []
        for row in range(table.rowCount()):
            name, amount_text_ = _cell(table, row, 0), _cell(table, row, 1)
            if not (name or amount_text_):
                continue
            try:
                amount = parse_amount(amount_text_)
            except ValueError as exc:
                raise ValidationError(f"Cofinanceur {row + 1} : {exc}",
                                      field="other_funders") from None
            out.append(Funder(name, amount))
        return tuple(out)

    def value(self) -> ConventionInput:
        """The form as a :class:`ConventionInput`; raises ValidationError for unreadable input."""
        try:
            amount = self.amount_edit.cents()
        except ValueError as exc:
            raise ValidationError(str(exc), field="amount_cents") from None
        porteur = PartyInput(self._porteur.organisation_id, "porteur",
                             self.porteur_name_edit.text().strip(),
                             self.porteur_title_edit.text().strip())
        partners = tuple(
            PartyInput(self.partners_table.item(r, 0).data(Qt.ItemDataRole.UserRole), "partenaire",
                       _cell(self.partners_table, r, 1), _cell(self.partners_table, r, 2))
            for r in range(self.partners_table.rowCount())
        )
        return ConventionInput(
            kind=self.kind(),
            title=self.title_edit.text(),
            parties=(porteur, *partners),
            number=self.number_edit.text().strip(),
            action_id=self.action_combo.currentData(),
            template_id=self.template_combo.currentData(),
            parent_id=self.initial.parent_id,
            object=self.object_edit.toPlainText(),
            start_date=self.start_edit.value(),
            end_date=self.end_edit.value(),
            amount_cents=amount,
            installments=self._installments(),
            fse_rate=round(self.fse_spin.value() / 100, 4),
            other_funders=self._funders(),
            required_evidence=tuple(c for c, box in self.evidence_boxes.items() if box.isChecked()),
            signed_place=self.place_edit.text(),
            copies=self.copies_spin.value() or None,
        )

    def show_error(self, error: MaillageError) -> None:
        """Show ``error`` under its field (on its tab), or above the tabs."""
        field = getattr(error, "field", None) or ""
        box = self.fields.get(field)
        if box is None:
            self.banner.setText(error.message)
            self.banner.show()
            return
        self.tabs.setCurrentIndex(self._tab_of[field])
        box.set_error(error.message)
        box.editor.setFocus()

    def clear_errors(self) -> None:
        self.banner.hide()
        for box in self.fields.values():
            box.set_error("")

    def accept(self) -> None:
        self.clear_errors()
        try:
            data = self.value()
            if self.convention_id:
                self.saved = update_convention(self.ws, self.convention_id, data)
            else:
                self.saved = create_convention(self.ws, data)
        except MaillageError as exc:
            self.show_error(exc)
            return
        super().accept()
