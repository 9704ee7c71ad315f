"""Merging two structures or two contacts, field by field.

The two records are side by side; for every field whose values differ, a radio button per
record chooses the value kept (the étiquettes may also be united). The dialog says how many
records (functions, participations, émargements, conventions…) will move to the record
kept. « Fusionner » calls :func:`app.services.duplicates.merge`; the other record is hidden,
never deleted, and the merge is one step of the undo history.

When opened on one record only, the dialog first offers its possible duplicates and a search
field to choose the other one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt
from app.errors import MaillageError
from app.services import duplicates, lists, partners
from app.services.duplicates import MergePreview, MergeResult
from app.services.lists import ListQuery
from app.services.workspace import Workspace

SEARCH_DELAY_MS = 200
SEARCH_RESULTS = 20
VALUE_CHARS = 48
EMPTY = "(vide)"


def short_value(text: str, size: int = VALUE_CHARS) -> str:
    """One line, at most ``size`` characters (« … » when cut); ``(vide)`` for nothing."""
    line = " / ".join(part.strip() for part in text.splitlines() if part.strip())
    if not line:
        return EMPTY
    return line if len(line) <= size else line[: size - 1].rstrip() + "…"


# The service names what moves in the plural; one of them reads in the singular.
_SINGULARS = {
    "fonctions": "fonction", "participations aux réunions": "participation aux réunions",
    "émargements": "émargement", "parties de conventions": "partie de convention",
    "suites à donner": "suite à donner", "réunions organisées": "réunion organisée",
    "structures déjà fusionnées": "structure déjà fusionnée",
    "contacts déjà fusionnés": "contact déjà fusionné",
}


def moves_text(preview: MergePreview) -> str:
    """« 7 enregistrements rattachés à la fiche conservée : 2 fonctions, 5 émargements. »"""
    total = sum(n for _what, n in preview.moves)
    if not total:
        return "Aucun enregistrement ne pointe vers l'autre fiche : rien d'autre ne bouge."
    detail = ", ".join(f"{fmt.number(n)}\u00a0{_SINGULARS.get(what, what) if n == 1 else what}"
                       for what, n in preview.moves)
    moved = "rattaché" if total == 1 else "rattachés"
    return (f"{fmt.plural(total, 'enregistrement')} {moved} à la fiche conservée\u00a0: "
            f"{detail}.")


def _search(ws: Workspace, table: str, text: str, exclude: str) -> list[tuple[str, str]]:
    """``[(id, label)]`` of the records of ``table`` matching ``text``."""
    view = "structures" if table == "organisations" else "contacts"
    page = lists.fetch(ws, view, ListQuery(search=text), 0, SEARCH_RESULTS)
    out = []
    for row in page.rows:
        if row.id == exclude:
            continue
        if table == "organisations":
            name, acronym, _kind, city = row.cells[:4]
            label = name + (f" ({acronym})" if acronym and acronym != name else "")
            label += f" – {city}" if city else ""
        else:
            last, first, _category, organisation = row.cells[:4]
            label = " ".join(p for p in (first, last) if p)
            label += f" – {organisation}" if organisation else ""
        out.append((row.id, label))
    return out


class MergeDialog(QDialog):
    """Merge ``first_id`` with ``second_id`` (asked for when ``None``).

    ``first_id`` is kept by default. After ``accept()``, ``result`` is the
    :class:`MergeResult` (its ``undo`` step restores both records).
    """

    def __init__(self, ws: Workspace, table: str, first_id: str, second_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.table = table
        self.first_id = first_id
        self.second_id = second_id
        self.survivor_id = first_id
        self.preview: MergePreview | None = None
        self.result: MergeResult | None = None
        self.groups: dict[str, QButtonGroup] = {}
        self.keep_group: QButtonGroup | None = None
        self.setObjectName("mergeDialog")
        self.setWindowTitle("Fusionner deux structures" if table == "organisations"
                            else "Fusionner deux contacts")

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        self.chooser = self._chooser()
        layout.addWidget(self.chooser)
        self.intro = QLabel(
            "Choisissez la fiche conservée, puis, pour chaque information qui diffère, la "
            "valeur à garder. L'autre fiche sera masquée (jamais supprimée) et pourra être "
            "rétablie par « Annuler » (Ctrl+Z).")
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.grid_host = QWidget()
        self.grid_host.setObjectName("formBody")
        self.grid_host.setStyleSheet("QWidget#formBody { background: #ffffff; }")
        self.grid = QGridLayout(self.grid_host)
        self.grid.setHorizontalSpacing(16)
        self.grid.setVerticalSpacing(6)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.grid_host)
        self.scroll = scroll
        layout.addWidget(scroll, 1)
        self.moves_label = QLabel("")
        self.moves_label.setObjectName("mergeMoves")
        self.moves_label.setWordWrap(True)
        layout.addWidget(self.moves_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.merge_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.merge_button.setText("&Fusionner")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self.merge)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(940, 640)
        if second_id is not None:
            self.chooser.hide()
            self.load()
        else:
            self._show_candidates()
            self._set_comparing(False)

    # --- choosing the other record ------------------------------------------------------------

    def _chooser(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.chooser_label = QLabel("")
        self.chooser_label.setWordWrap(True)
        column.addWidget(self.chooser_label)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("mergeSearch")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setPlaceholderText(
            "Rechercher l'autre fiche par son nom, sa commune, son courriel…")
        column.addWidget(self.search_edit)
        self.other_list = QListWidget()
        self.other_list.setObjectName("mergeCandidates")
        self.other_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._list_height = self.other_list.fontMetrics().height() * 7 + 16
        self.other_list.setMaximumHeight(self._list_height)
        column.addWidget(self.other_list, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.search_edit.textEdited.connect(lambda _t: self._timer.start())
        self.search_edit.returnPressed.connect(self.run_search)
        self.other_list.currentItemChanged.connect(self._other_chosen)
        return box

    def _fill_others(self, found: list[tuple[str, str]], empty: str) -> None:
        self.other_list.blockSignals(True)
        self.other_list.clear()
        for record_id, label in found:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, record_id)
            item.setToolTip(label)
            self.other_list.addItem(item)
        if not found:
            item = QListWidgetItem(empty)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.other_list.addItem(item)
        self.other_list.blockSignals(False)

    def _show_candidates(self) -> None:
        pairs = duplicates.find_duplicate_candidates(self.ws, self.table, [self.first_id])
        found = []
        for pair in pairs:
            if pair.first_id == self.first_id:
                found.append((pair.second_id, f"{pair.second_label} — {', '.join(pair.reasons)}"))
            else:
                found.append((pair.first_id, f"{pair.first_label} — {', '.join(pair.reasons)}"))
        name = self._label_of(self.first_id)
        self.chooser_label.setText(
            f"Avec quelle fiche fusionner « {name} » ? Doublons possibles ci-dessous, ou "
            "recherchez une autre fiche.")
        self._fill_others(found, "Aucun doublon évident : recherchez l'autre fiche.")

    def _label_of(self, record_id: str) -> str:
        if self.table == "organisations":
            return partners.get_organisation(self.ws, record_id).name
        return partners.get_person(self.ws, record_id).display_name

    def run_search(self) -> None:
        self._timer.stop()
        text = self.search_edit.text().strip()
        if not text:
            self._show_candidates()
            return
        self._fill_others(_search(self.ws, self.table, text, self.first_id),
                          f"Aucun résultat pour « {text} ».")

    def _other_chosen(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        record_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if record_id:
            self.choose_other(record_id)

    def choose_other(self, record_id: str) -> None:
        """Compare with ``record_id`` (what picking it in the list does)."""
        self.second_id = record_id
        self.survivor_id = self.first_id
        self.load()

    # --- comparison -----------------------------------------------------------------------

    def _set_comparing(self, on: bool) -> None:
        # Until the other record is chosen, its list takes the room of the comparison.
        self.other_list.setMaximumHeight(self._list_height if on else 16_777_215)
        self.layout().setStretchFactor(self.chooser, 0 if on else 1)
        self.intro.setVisible(on)
        self.scroll.setVisible(on)
        self.moves_label.setVisible(on)
        self.merge_button.setEnabled(on)

    def load(self) -> None:
        """Read both records again (survivor first) and lay out their differing fields."""
        assert self.second_id is not None
        loser = self.second_id if self.survivor_id == self.first_id else self.first_id
        try:
            self.preview = duplicates.merge_preview(self.ws, self.table, self.survivor_id, loser)
        except MaillageError as exc:
            self._set_comparing(False)
            QMessageBox.warning(self, "Fusion impossible", exc.message)
            return
        self._layout_preview(self.preview)
        self._set_comparing(True)

    def _clear_grid(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()
        for group in [*self.groups.values(), *([self.keep_group] if self.keep_group else [])]:
            group.deleteLater()
        self.groups = {}
        self.keep_group = None

    def _layout_preview(self, p: MergePreview) -> None:
        self._clear_grid()
        first_is_survivor = p.survivor_id == self.first_id
        names = (p.survivor_label, p.loser_label) if first_is_survivor else (
            p.loser_label, p.survivor_label)
        self.keep_group = QButtonGroup(self)
        for col, name in enumerate(names, start=1):
            title = QLabel(name)
            title.setObjectName("panelTitle")
            title.setWordWrap(True)
            self.grid.addWidget(title, 0, col)
            keep = QRadioButton("Conserver cette fiche")
            keep.setObjectName(f"keep{col}")
            keep.setChecked((col == 1) == first_is_survivor)
            self.keep_group.addButton(keep, col)
            self.grid.addWidget(keep, 1, col)
        self.keep_group.idClicked.connect(self._survivor_changed)
        header = QLabel("Fiche conservée\u00a0:")
        header.setObjectName("fieldLabel")
        header.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.grid.addWidget(header, 1, 0)
        row = 2
        if not p.fields:
            same = QLabel("Les deux fiches ont les mêmes informations.")
            same.setObjectName("formNote")
            self.grid.addWidget(same, row, 1, 1, 2)
            row += 1
        for field in p.fields:
            caption = QLabel(f"{field.label}\u00a0:")
            caption.setObjectName("fieldLabel")
            caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.grid.addWidget(caption, row, 0)
            group = QButtonGroup(self)
            values = (field.survivor, field.loser) if first_is_survivor else (
                field.loser, field.survivor)
            sides = ("survivor", "loser") if first_is_survivor else ("loser", "survivor")
            for col, (value, side) in enumerate(zip(values, sides, strict=True), start=1):
                radio = QRadioButton(short_value(value))
                radio.setToolTip(value or EMPTY)
                radio.setProperty("side", side)
                radio.setChecked(side == field.default)
                group.addButton(radio)
                self.grid.addWidget(radio, row, col)
            if field.name == "tags":
                both = QRadioButton("Réunir les deux")
                both.setProperty("side", "")
                both.setChecked(True)
                group.addButton(both)
                self.grid.addWidget(both, row, 3)
            self.groups[field.name] = group
            row += 1
        self.grid.setRowStretch(row, 1)
        self.moves_label.setText(moves_text(p))

    def _survivor_changed(self, column: int) -> None:
        wanted = self.first_id if column == 1 else self.second_id
        if wanted and wanted != self.survivor_id:
            self.survivor_id = wanted
            self.load()

    def choices(self) -> dict[str, str]:
        """``{field: "survivor" | "loser"}`` as the radio buttons say (united tags left out)."""
        out = {}
        for name, group in self.groups.items():
            button = group.checkedButton()
            side = button.property("side") if button is not None else ""
            if side:
                out[name] = side
        return out

    def choose(self, field: str, record_id: str) -> None:
        """Keep the value of ``field`` from ``record_id`` (what clicking its radio does)."""
        side = "survivor" if record_id == self.survivor_id else "loser"
        for button in self.groups[field].buttons():
            if button.property("side") == side:
                button.setChecked(True)

    # --- merging --------------------------------------------------------------------------

    def merge(self) -> None:
        p = self.preview
        if p is None:
            return
        try:
            self.result = duplicates.merge(self.ws, self.table, p.survivor_id, p.loser_id,
                                           self.choices())
        except MaillageError as exc:
            QMessageBox.warning(self, "Fusion impossible", exc.message)
            return
        self.accept()
