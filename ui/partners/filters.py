"""The filter menus above the structures and contacts lists (type, territoire, étiquette…).

The menus are filled from :func:`app.services.lists.filter_choices` when the list is first
loaded and again after a write; ``changed`` is emitted with the filters the user chose, as
the ``(key, value)`` pairs of :class:`app.services.lists.ListQuery`.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QWidget

# Menu by menu: filter key, what « everything » reads, tooltip.
FILTERS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "organisations": (
        ("kind", "Tous les types", "Filtrer par type de structure"),
        ("territory", "Tous les territoires", "Filtrer par territoire"),
        ("tag", "Toutes les étiquettes", "Filtrer par étiquette"),
    ),
    "people": (
        ("category", "Toutes les catégories", "Filtrer par catégorie de contact"),
        ("territory", "Tous les territoires",
         "Filtrer par territoire de la structure où le contact est en poste"),
    ),
}
MAX_VISIBLE_ITEMS = 20
MIN_CONTENTS_CHARS = 14


class FilterBar(QWidget):
    """One combo per filter, then « Effacer les filtres »."""

    changed = Signal(object)  # tuple[tuple[str, str], ...]

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("partnersFilters")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        self.combos: dict[str, QComboBox] = {}
        self._tips = {key: tip for key, _everything, tip in FILTERS[kind]}
        for position, (key, everything, tip) in enumerate(FILTERS[kind]):
            combo = QComboBox()
            combo.setObjectName(f"filter-{key}")
            combo.setToolTip(tip)
            combo.setAccessibleName(tip)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(MIN_CONTENTS_CHARS)
            combo.setMaxVisibleItems(MAX_VISIBLE_ITEMS)
            combo.addItem(everything, None)
            combo.currentIndexChanged.connect(lambda _i: self._changed())
            # The first menu (types, catégories) has the longest entries: it gets more room.
            row.addWidget(combo, 3 if position == 0 else 2)
            self.combos[key] = combo
        self.clear_button = QPushButton("Effacer les filtres")
        self.clear_button.setToolTip("Montrer de nouveau toute la liste")
        self.clear_button.setAutoDefault(False)
        self.clear_button.setEnabled(False)
        self.clear_button.clicked.connect(self.clear)
        row.addWidget(self.clear_button)

    def filters(self) -> tuple[tuple[str, str], ...]:
        """The chosen filters, in menu order."""
        return tuple((key, combo.currentData()) for key, combo in self.combos.items()
                     if combo.currentData() is not None)

    def set_choices(self, choices: dict[str, tuple[tuple[str, str], ...]]) -> None:
        """Fill the menus again, keeping each choice (even one no record has any more)."""
        for key, combo in self.combos.items():
            wanted = combo.currentData()
            wanted_text = combo.currentText()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            values = choices.get(key, ())
            for code, text in values:
                combo.addItem(text, code)
            if wanted is not None and combo.findData(wanted) < 0:
                combo.addItem(wanted_text, wanted)
            combo.setCurrentIndex(max(0, combo.findData(wanted)) if wanted is not None else 0)
            # The popup is as wide as its longest entry, the combo stays narrow.
            width = max((combo.fontMetrics().horizontalAdvance(combo.itemText(i))
                         for i in range(combo.count())), default=0)
            combo.view().setMinimumWidth(width + 40)
            combo.blockSignals(False)

    def choose(self, key: str, value: str) -> bool:
        """Select ``value`` in the menu ``key`` (as a user would); ``False`` if not offered."""
        combo = self.combos[key]
        index = combo.findData(value)
        if index < 0:
            return False
        combo.setCurrentIndex(index)
        return True

    def clear(self, *, quiet: bool = False) -> None:
        """Every menu back on « Tous… »; ``quiet``: without emitting ``changed``."""
        for combo in self.combos.values():
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.clear_button.setEnabled(False)
        if not quiet:
            self.changed.emit(())

    def _changed(self) -> None:
        for key, combo in self.combos.items():  # a long entry cut in the combo is read here
            chosen = combo.currentData() is not None
            combo.setToolTip(f"{self._tips[key]}\u00a0: {combo.currentText()}" if chosen
                             else self._tips[key])
        filters = self.filters()
        self.clear_button.setEnabled(bool(filters))
        self.changed.emit(filters)
