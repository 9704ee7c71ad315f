"""« Rechercher partout… » (Ctrl+K): structures and contacts, found as you type.

The search is :func:`app.services.search.global_search` (case and accents ignored, words
matched by their beginning). The arrows move in the results while the cursor stays in the
field; Entrée (or a double click) opens the record in its section: ``chosen(view, id)``.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import MaillageError
from app.services.search import SearchHit, global_search
from app.services.workspace import Workspace

RESULTS = 20
VIEWS = {"organisations": "structures", "people": "contacts"}
KIND_LABELS = {"organisations": "Structure", "people": "Contact"}
_HIT_ROLE = Qt.ItemDataRole.UserRole
_SUBTITLE = QColor("#5b6270")
_NAVIGATION_KEYS = {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown}

AnyIndex = QModelIndex | QPersistentModelIndex


class _HitDelegate(QStyledItemDelegate):
    """Two lines per result: the name in bold, then what it is (function, commune…);
    the kind on the right."""

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        bold = QFont(option.font)
        bold.setBold(True)
        return bold, QFont(option.font)

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        bold, plain = self._fonts(option)
        height = QFontMetrics(bold).height() + QFontMetrics(plain).height() + 14
        return QSize(200, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        hit: SearchHit | None = index.data(_HIT_ROLE)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        if hit is None:
            return
        bold, plain = self._fonts(option)
        rect = option.rect.adjusted(10, 6, -10, -6)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        ink = palette.color(palette.ColorRole.HighlightedText if selected else palette.ColorRole.Text)
        muted = ink if selected else _SUBTITLE
        painter.save()
        kind = KIND_LABELS.get(hit.kind, "")
        painter.setFont(plain)
        painter.setPen(muted)
        kind_width = painter.fontMetrics().horizontalAdvance(kind) + 12
        painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, kind)
        text_rect = QRect(rect.left(), rect.top(), rect.width() - kind_width, rect.height())
        painter.setFont(bold)
        painter.setPen(muted if hit.archived else ink)
        title = painter.fontMetrics().elidedText(hit.title, Qt.TextElideMode.ElideRight,
                                                 text_rect.width())
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, title)
        painter.setFont(plain)
        painter.setPen(muted)
        subtitle = painter.fontMetrics().elidedText(hit.subtitle, Qt.TextElideMode.ElideRight,
                                                    text_rect.width())
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                         subtitle)
        painter.restore()


class GlobalSearchDialog(QDialog):
    """The Ctrl+K dialog over the open workspace."""

    chosen = Signal(str, str)  # list view (« structures », « contacts »), record id

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.setObjectName("globalSearch")
        self.setWindowTitle("Rechercher partout")
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        self.field = QLineEdit()
        self.field.setObjectName("globalSearchField")
        self.field.setPlaceholderText(
            "Nom, sigle, commune, SIRET, courriel ou téléphone d'une structure ou d'un contact…")
        self.field.setClearButtonEnabled(True)
        self.field.installEventFilter(self)
        self.field.textChanged.connect(self.search)
        self.field.returnPressed.connect(self.open_current)
        layout.addWidget(self.field)
        self.results = QListWidget()
        self.results.setObjectName("globalSearchResults")
        self.results.setItemDelegate(_HitDelegate(self.results))
        self.results.setUniformItemSizes(True)
        self.results.itemActivated.connect(lambda _item: self.open_current())
        layout.addWidget(self.results, 1)
        self.hint = QLabel("")
        self.hint.setObjectName("formNote")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self._update_hint()
        self.resize(640, 480)

    @property
    def hits(self) -> list[SearchHit]:
        return [self.results.item(r).data(_HIT_ROLE) for r in range(self.results.count())]

    def search(self, text: str) -> None:
        """Show the results for ``text`` (the first one selected)."""
        try:
            found = global_search(self.ws, text, RESULTS) if text.strip() else []
        except MaillageError as exc:
            found = []
            self.hint.setText(exc.message)
        self.results.clear()
        for hit in found:
            item = QListWidgetItem(hit.title)
            item.setData(_HIT_ROLE, hit)
            item.setToolTip(f"{KIND_LABELS.get(hit.kind, '')} — {hit.title}\n{hit.subtitle}")
            self.results.addItem(item)
        if found:
            self.results.setCurrentRow(0)
        self._update_hint()

    def _update_hint(self) -> None:
        text = self.field.text().strip()
        if not text:
            self.hint.setText("Tapez le début d'un mot : « sev » trouve « Séverine ». "
                              "Flèches pour choisir, Entrée pour ouvrir, Échap pour fermer.")
        elif self.results.count() == 0:
            self.hint.setText(f"Aucune structure ni aucun contact pour « {text} ».")
        else:
            self.hint.setText("Entrée ouvre la fiche sélectionnée.")

    def current_hit(self) -> SearchHit | None:
        item = self.results.currentItem()
        return item.data(_HIT_ROLE) if item is not None else None

    def open_current(self) -> None:
        hit = self.current_hit()
        if hit is None:
            return
        self.accept()
        self.chosen.emit(VIEWS[hit.kind], hit.id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Arrows typed in the field move in the results."""
        if (watched is self.field and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() in _NAVIGATION_KEYS):
            QApplication.sendEvent(self.results, QKeyEvent(event.type(), event.key(),
                                                           event.modifiers()))
            return True
        return super().eventFilter(watched, event)
