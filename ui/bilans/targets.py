"""« Objectifs… » : the indicator targets of an action (label, target, unit, how it is counted)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt
from app.domain import labels
from app.errors import MaillageError, ValidationError
from app.services.actions import (
    DEFAULT_UNITS,
    RULE_KINDS,
    ActionSummary,
    TargetInput,
    TargetView,
    delete_target,
    list_targets,
    save_target,
)
from app.services.workspace import ChangeSet, Workspace
from ui.conventions.fields import FieldBox, number_text, parse_number


class TargetsDialog(QDialog):
    """The list of targets on top, the selected one's form below; ``changed`` after a write."""

    changed = Signal(object)  # ChangeSet

    def __init__(self, ws: Workspace, action: ActionSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("targetsDialog")
        self.setWindowTitle(f"Objectifs – {action.label}")
        self.ws = ws
        self.action = action
        self.targets: tuple[TargetView, ...] = ()
        self.editing: TargetView | None = None

        layout = QVBoxLayout(self)
        intro = QLabel("Les cibles de la fiche action, et la façon dont Maillage compte ce qui "
                       "est réalisé (réunions tenues, personnes distinctes présentes…).")
        intro.setObjectName("formNote")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("targetsTable")
        self.table.setHorizontalHeaderLabels(["Indicateur", "Cible", "Unité", "Calcul"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.currentCellChanged.connect(lambda row, *_: self._row_changed(row))
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.new_button = QPushButton("&Nouvel indicateur")
        self.new_button.clicked.connect(self.new_target)
        self.delete_button = QPushButton("&Supprimer l'indicateur")
        self.delete_button.clicked.connect(self.delete_current)
        row.addWidget(self.new_button)
        row.addWidget(self.delete_button)
        row.addStretch(1)
        layout.addLayout(row)

        self.form_title = QLabel("")
        self.form_title.setObjectName("detailTableTitle")
        layout.addWidget(self.form_title)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.label_edit = QLineEdit()
        self.label_edit.setPlaceholderText("ex.\u00a0: Nombre de COPIL")
        self.target_edit = QLineEdit()
        self.target_edit.setPlaceholderText("ex.\u00a0: 2")
        self.target_edit.setMaximumWidth(140)
        self.unit_edit = QLineEdit()
        self.unit_edit.setPlaceholderText("ex.\u00a0: réunions")
        self.unit_edit.setMaximumWidth(220)
        self.rule_combo = QComboBox()
        for code, label in RULE_KINDS.items():
            self.rule_combo.addItem(label, code)
        self.detail_combo = QComboBox()
        rule_row = QWidget()
        rule_layout = QHBoxLayout(rule_row)
        rule_layout.setContentsMargins(0, 0, 0, 0)
        rule_layout.addWidget(self.rule_combo)
        rule_layout.addWidget(self.detail_combo, 1)
        self.fields = {
            "label": FieldBox(self.label_edit),
            "target": FieldBox(self.target_edit),
            "unit": FieldBox(self.unit_edit),
            "rule": FieldBox(rule_row),
        }
        for key, text, editor in (("label", "&Intitulé", self.label_edit),
                                  ("target", "&Cible", self.target_edit),
                                  ("unit", "&Unité", self.unit_edit),
                                  ("rule", "C&alcul", self.rule_combo)):
            label = QLabel(text)
            label.setBuddy(editor)
            label.setContentsMargins(0, 0, 3, 0)
            form.addRow(label, self.fields[key])
        layout.addLayout(form)
        self.rule_combo.currentIndexChanged.connect(lambda _i: self._rule_changed())

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("&Enregistrer l'indicateur",
                                             QDialogButtonBox.ButtonRole.ApplyRole)
        self.save_button.setToolTip("Enregistrer l'indicateur (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        close = buttons.addButton("Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        self.resize(680, 560)
        self.reload()

    # --- list -----------------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        self.targets = list_targets(self.ws, self.action.id)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.targets))
        for r, t in enumerate(self.targets):
            for c, text in enumerate((t.label, number_text(t.target), t.unit, t.rule_label)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if c == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.blockSignals(False)
        ids = [t.id for t in self.targets]
        if select in ids:
            self.table.setCurrentCell(ids.index(select), 0)
            self._row_changed(ids.index(select))
        elif self.targets:
            self.table.setCurrentCell(0, 0)
            self._row_changed(0)
        else:
            self.new_target()

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(self.targets):
            self._edit(self.targets[row])

    def _edit(self, target: TargetView | None) -> None:
        self.editing = target
        for box in self.fields.values():
            box.set_error("")
        self.form_title.setText(f"Indicateur «\u00a0{target.label}\u00a0»" if target else "Nouvel indicateur")
        self.label_edit.setText(target.label if target else "")
        self.target_edit.setText(number_text(target.target) if target else "")
        self.unit_edit.setText(target.unit if target else "")
        kind = target.rule_kind if target else "meetings"
        self.rule_combo.blockSignals(True)
        self.rule_combo.setCurrentIndex(max(0, self.rule_combo.findData(kind)))
        self.rule_combo.blockSignals(False)
        self._fill_details(target.rule_value if target else "")
        self.delete_button.setEnabled(target is not None)

    def _fill_details(self, value: str = "") -> None:
        kind = self.rule_combo.currentData()
        self.detail_combo.clear()
        if kind == "meetings":
            self.detail_combo.addItem("tous types de réunion", "")
            for code, label in labels.MEETING_KINDS.items():
                self.detail_combo.addItem(label, code)
        elif kind == "people":
            self.detail_combo.addItem("toutes catégories", "")
            for code, label in labels.PERSON_CATEGORIES.items():
                self.detail_combo.addItem(label, code)
        self.detail_combo.setVisible(kind in ("meetings", "people"))
        self.detail_combo.setCurrentIndex(max(0, self.detail_combo.findData(value)))

    def _rule_changed(self) -> None:
        old_default = DEFAULT_UNITS.get(self.editing.rule_kind if self.editing else "", "")
        if not self.unit_edit.text().strip() or self.unit_edit.text().strip() in DEFAULT_UNITS.values():
            self.unit_edit.setText(DEFAULT_UNITS.get(self.rule_combo.currentData(), old_default))
        self._fill_details()

    def new_target(self) -> None:
        self.table.clearSelection()
        self._edit(None)
        self.unit_edit.setText(DEFAULT_UNITS["meetings"])
        self.label_edit.setFocus()

    # --- writing --------------------------------------------------------------------------

    def value(self) -> TargetInput:
        try:
            target = parse_number(self.target_edit.text())
        except ValueError as exc:
            raise ValidationError(str(exc), field="target") from None
        if target is None:
            raise ValidationError("Indiquez la cible (un nombre).", field="target")
        kind = self.rule_combo.currentData() or ""
        detail = self.detail_combo.currentData() if kind in ("meetings", "people") else ""
        return TargetInput(self.action.id, self.label_edit.text(), target,
                           self.unit_edit.text(), kind, detail or "",
                           self.editing.id if self.editing else None)

    def save(self) -> bool:
        for box in self.fields.values():
            box.set_error("")
        try:
            data = self.value()
            changes = save_target(self.ws, data)
        except ValidationError as exc:
            box = self.fields.get(exc.field or "", self.fields["label"])
            box.set_error(exc.message)
            box.editor.setFocus()
            return False
        except MaillageError as exc:
            QMessageBox.warning(self, "Enregistrement impossible", exc.message)
            return False
        target_id = data.id or next((i for t, i in changes.created if t == "indicator_targets"), None)
        self.changed.emit(changes)
        self.reload(target_id)
        return True

    def delete_current(self) -> None:
        target = self.editing
        if target is None:
            return
        answer = QMessageBox.question(
            self, "Supprimer l'indicateur",
            f"Supprimer l'indicateur «\u00a0{target.label}\u00a0» (cible\u00a0: {fmt.number(target.target)} "
            f"{target.unit}) ?".replace(" )", ")"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            changes: ChangeSet = delete_target(self.ws, target.id)
        except MaillageError as exc:
            QMessageBox.warning(self, "Suppression impossible", exc.message)
            return
        self.changed.emit(changes)
        self.reload()
