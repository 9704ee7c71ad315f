"""« Modèles de convention… » : the templates, their articles in order, placeholders, preview.

The dialog keeps the template being edited in memory (header and articles) and writes it
with the services of :mod:`app.services.templates` when « Enregistrer » is pressed. Unknown
placeholders are listed by name, in red, as they are typed, and saving is refused while any
is left; the live preview (:func:`render_preview`) follows the text 300 ms after typing stops.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import labels
from app.errors import MaillageError, ValidationError
from app.services.conventions import list_conventions
from app.services.templates import (
    CONDITIONS,
    ArticleDraft,
    TemplateView,
    add_article,
    available_placeholders,
    create_template,
    delete_template,
    duplicate_template,
    get_template,
    list_templates,
    move_article,
    remove_article,
    render_preview,
    templates_in_use,
    unknown_placeholders,
    update_article,
    update_template,
)
from app.services.workspace import ChangeSet, Workspace
from ui.conventions.fields import FieldBox

PREVIEW_DELAY_MS = 300
_UNKNOWN_RE = re.compile(r"\[Champ inconnu : ([^\]]*)\]")


@dataclass
class _Article:
    """An article as edited (``id=None`` until it is saved)."""

    id: str | None
    title: str
    body: str
    condition: str
    saved: tuple[str, str, str] | None = None  # (title, body, condition) as last saved

    def draft(self) -> ArticleDraft:
        return ArticleDraft(self.title, self.body, self.condition)

    @property
    def changed(self) -> bool:
        return self.saved != (self.title, self.body, self.condition)


def _article_text(number: int, a: _Article) -> str:
    """« 3. Dispositions financières — si la convention prévoit un montant »."""
    condition = CONDITIONS.get(a.condition, a.condition) if a.condition else ""
    return f"{number}. {a.title or '(sans titre)'}" + (f" — {condition[0].lower()}{condition[1:]}"
                                                        if condition else "")


def _merge(a: ChangeSet, b: ChangeSet) -> ChangeSet:
    return ChangeSet(a.created + b.created, a.updated + b.updated, a.deleted + b.deleted)


def preview_html(articles) -> str:  # noqa: ANN001 - PreviewArticle sequence
    """The preview as HTML: a heading per article, paragraphs, unknown fields in red."""
    parts = []
    for article in articles:
        parts.append(f"<h3>{html.escape(article.title)}</h3>")
        for paragraph in article.text.split("\n\n"):
            text = html.escape(paragraph).replace("\n", "<br>")
            text = _UNKNOWN_RE.sub(
                lambda m: f'<span style="color:#b42318;font-weight:bold">'
                          f'[Champ inconnu : {m.group(1)}]</span>', text)
            parts.append(f"<p>{text}</p>")
    return "".join(parts) or "<p><i>Ce modèle n'a encore aucun article.</i></p>"


class TemplateEditorDialog(QDialog):
    """Edit the convention templates. ``changes`` accumulates what was written."""

    preview_updated = Signal()

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("templateEditor")
        self.setWindowTitle("Modèles de convention")
        self.ws = ws
        self.changes = ChangeSet()
        self.template: TemplateView | None = None
        self.articles: list[_Article] = []
        self.removed: list[str] = []
        self.dirty = False
        self._loading = False
        self._row = -1

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.update_preview)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 8)
        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._templates_column())
        splitter.addWidget(self._editor_column())
        splitter.addWidget(self._preview_column())
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 2)
        splitter.setSizes([210, 560, 430])
        layout.addWidget(splitter, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Close)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("&Enregistrer le modèle")
        self.save_button.setToolTip("Enregistrer le modèle (Ctrl+S)")
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        self.resize(1220, 760)
        self._reload_templates()

    # --- construction ---------------------------------------------------------------------

    def _templates_column(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Modèles")
        title.setObjectName("panelTitle")
        column.addWidget(title)
        self.templates_list = QListWidget()
        self.templates_list.setObjectName("templatesList")
        self.templates_list.setWordWrap(True)
        self.templates_list.currentRowChanged.connect(self._template_row_changed)
        column.addWidget(self.templates_list, 1)
        for text, slot in (("&Nouveau modèle", self.new_template),
                           ("&Dupliquer", self.duplicate),
                           ("Supprimer le modèle", self.delete)):
            button = QPushButton(text)
            button.clicked.connect(lambda _c=False, s=slot: s())
            column.addWidget(button)
        return box

    def _editor_column(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(4, 0, 4, 0)
        header = QFormLayout()
        header.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        header.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name_edit = QLineEdit()
        self.kind_combo = QComboBox()
        for code, label in labels.CONVENTION_KINDS.items():
            self.kind_combo.addItem(label, code)
        self.preamble_edit = QPlainTextEdit()
        self.preamble_edit.setFixedHeight(58)
        self.preamble_edit.setTabChangesFocus(True)
        self.preamble_edit.setPlaceholderText("Visas placés avant les articles (facultatif)")
        self.fields = {
            "name": FieldBox(self.name_edit),
            "kind": FieldBox(self.kind_combo),
            "preamble": FieldBox(self.preamble_edit),
        }
        header.addRow("&Nom", self.fields["name"])
        header.addRow("T&ype", self.fields["kind"])
        header.addRow("Pré&ambule", self.fields["preamble"])
        column.addLayout(header)
        self.shipped_note = QLabel("")
        self.shipped_note.setObjectName("formNote")
        self.shipped_note.setWordWrap(True)
        column.addWidget(self.shipped_note)

        articles_title = QLabel("Articles, dans l'ordre")
        articles_title.setObjectName("detailTableTitle")
        column.addWidget(articles_title)
        row = QHBoxLayout()
        self.articles_list = QListWidget()
        self.articles_list.setObjectName("articlesList")
        self.articles_list.setMinimumHeight(120)
        self.articles_list.currentRowChanged.connect(self._article_row_changed)
        row.addWidget(self.articles_list, 1)
        buttons = QVBoxLayout()
        self.add_button = QPushButton("&Ajouter")
        self.up_button = QPushButton("&Monter")
        self.down_button = QPushButton("D&escendre")
        self.remove_button = QPushButton("&Retirer")
        self.add_button.clicked.connect(self.add_article)
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))
        self.remove_button.clicked.connect(self.remove_article)
        self.up_button.setShortcut(QKeySequence("Alt+Up"))
        self.down_button.setShortcut(QKeySequence("Alt+Down"))
        self.up_button.setToolTip("Monter l'article (Alt+Haut)")
        self.down_button.setToolTip("Descendre l'article (Alt+Bas)")
        for button in (self.add_button, self.up_button, self.down_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        row.addLayout(buttons)
        column.addLayout(row, 2)

        article = QGridLayout()
        article.setHorizontalSpacing(8)
        article.setVerticalSpacing(4)
        self.title_edit = QLineEdit()
        self.condition_combo = QComboBox()
        for code, label in CONDITIONS.items():
            self.condition_combo.addItem(label, code)
        self.body_edit = QPlainTextEdit()
        self.body_edit.setObjectName("articleBody")
        self.body_edit.setPlaceholderText(
            "Texte de l'article. Une ligne vide sépare les paragraphes ; une ligne commençant "
            "par « - » est une puce. Les champs entre accolades sont remplacés à l'impression.")
        self.insert_button = QToolButton()
        self.insert_button.setText("Insérer un champ")
        self.insert_button.setMinimumWidth(self.insert_button.sizeHint().width() + 16)
        self.insert_button.setToolTip("Insérer un champ à l'endroit du curseur (Ctrl+Maj+I)")
        self.insert_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.insert_menu = self._placeholders_menu()
        self.insert_button.setMenu(self.insert_menu)
        QShortcut(QKeySequence("Ctrl+Shift+I"), self, activated=self.insert_button.showMenu)
        self.article_fields = {"title": FieldBox(self.title_edit),
                               "condition": FieldBox(self.condition_combo),
                               "body": FieldBox(self.body_edit)}
        title_label = QLabel("&Titre")
        title_label.setBuddy(self.title_edit)
        condition_label = QLabel("Im&primé")
        condition_label.setBuddy(self.condition_combo)
        body_label = QLabel("&Texte")
        body_label.setBuddy(self.body_edit)
        article.addWidget(title_label, 0, 0, Qt.AlignmentFlag.AlignRight)
        article.addWidget(self.article_fields["title"], 0, 1)
        article.addWidget(condition_label, 1, 0, Qt.AlignmentFlag.AlignRight)
        article.addWidget(self.article_fields["condition"], 1, 1)
        article.addWidget(body_label, 2, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        body_box = QWidget()
        body_column = QVBoxLayout(body_box)
        body_column.setContentsMargins(0, 0, 0, 0)
        body_column.addWidget(self.insert_button, 0, Qt.AlignmentFlag.AlignLeft)
        body_column.addWidget(self.article_fields["body"], 1)
        article.addWidget(body_box, 2, 1)
        article.setRowStretch(2, 1)
        column.addLayout(article, 5)

        self.unknown_label = QLabel("")
        self.unknown_label.setObjectName("fieldError")
        self.unknown_label.setWordWrap(True)
        self.unknown_label.setTextFormat(Qt.TextFormat.PlainText)
        self.unknown_label.hide()
        column.addWidget(self.unknown_label)

        self._insert_target: QWidget = self.body_edit
        for editor in (self.title_edit, self.body_edit, self.preamble_edit):
            editor.installEventFilter(self)
        self.name_edit.textEdited.connect(lambda _t: self._edited())
        self.kind_combo.activated.connect(lambda _i: self._edited())
        self.preamble_edit.textChanged.connect(self._edited)
        self.title_edit.textEdited.connect(lambda _t: self._article_edited())
        self.condition_combo.activated.connect(lambda _i: self._article_edited())
        self.body_edit.textChanged.connect(self._article_edited)
        return box

    def _preview_column(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        title = QLabel("Aperçu")
        title.setObjectName("panelTitle")
        row.addWidget(title)
        row.addStretch(1)
        self.sample_combo = QComboBox()
        self.sample_combo.setToolTip("Valeurs utilisées pour l'aperçu")
        self.sample_combo.addItem("avec des valeurs d'exemple", None)
        for c in list_conventions(self.ws):
            self.sample_combo.addItem(f"avec {c.number}", c.id)
        self.sample_combo.currentIndexChanged.connect(lambda _i: self.update_preview())
        row.addWidget(self.sample_combo)
        column.addLayout(row)
        self.preview = QTextBrowser()
        self.preview.setObjectName("templatePreview")
        self.preview.setOpenLinks(False)
        column.addWidget(self.preview, 1)
        return box

    def _placeholders_menu(self) -> QMenu:
        menu = QMenu(self)
        groups: dict[str, QMenu] = {}
        for placeholder in available_placeholders():
            sub = groups.get(placeholder.group)
            if sub is None:
                sub = menu.addMenu(placeholder.group)
                groups[placeholder.group] = sub
            action = sub.addAction(f"{placeholder.label}  {placeholder.token}")
            action.setToolTip(placeholder.token)
            action.triggered.connect(lambda _c=False, t=placeholder.token: self.insert_token(t))
        return menu

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QWidget):
            self._insert_target = watched
        return super().eventFilter(watched, event)

    # --- templates ------------------------------------------------------------------------

    def _reload_templates(self, select: str | None = None) -> None:
        wanted = select or (self.template.id if self.template else None)
        self.templates_list.blockSignals(True)
        self.templates_list.clear()
        for t in list_templates(self.ws):
            item = QListWidgetItem(t.name + (" (fourni)" if t.shipped else ""))
            item.setData(Qt.ItemDataRole.UserRole, t.id)
            item.setToolTip(f"{t.kind_label} · {t.articles} articles")
            self.templates_list.addItem(item)
        self.templates_list.blockSignals(False)
        ids = [self.templates_list.item(i).data(Qt.ItemDataRole.UserRole)
               for i in range(self.templates_list.count())]
        row = ids.index(wanted) if wanted in ids else (0 if ids else -1)
        self.templates_list.setCurrentRow(row)
        if row >= 0 and (self.template is None or self.template.id != ids[row]):
            self.load_template(ids[row])

    def _template_row_changed(self, row: int) -> None:
        if row < 0:
            return
        template_id = self.templates_list.item(row).data(Qt.ItemDataRole.UserRole)
        if self.template is not None and template_id == self.template.id:
            return
        if self.dirty and not self._confirm_leave():
            previous = self.template.id if self.template else None
            self._reload_templates(previous)
            return
        self.load_template(template_id)

    def _confirm_leave(self) -> bool:
        """Unsaved changes: save them, drop them, or stay (returns False to stay)."""
        answer = QMessageBox.question(
            self, "Modifications non enregistrées",
            f"Enregistrer les modifications du modèle « {self.name_edit.text()} » ?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def load_template(self, template_id: str, article_row: int = 0) -> None:
        self.template = get_template(self.ws, template_id)
        t = self.template
        self._loading = True
        try:
            self.name_edit.setText(t.name)
            self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(t.kind)))
            self.preamble_edit.setPlainText(t.preamble)
            self.articles = [_Article(a.id, a.title, a.body, a.condition,
                                      (a.title, a.body, a.condition)) for a in t.articles]
            self.removed = []
            self._row = -1
            self._fill_articles(min(article_row, len(self.articles) - 1))
        finally:
            self._loading = False
        self.shipped_note.setText(
            "Modèle fourni avec Maillage : vos modifications valent pour toutes les antennes "
            "après synchronisation. « Dupliquer » en fait une copie à adapter." if t.shipped else "")
        self.shipped_note.setVisible(t.shipped)
        for box in (*self.fields.values(), *self.article_fields.values()):
            box.set_error("")
        self.dirty = False
        self._check_unknown()
        self.update_preview()

    def new_template(self) -> None:
        if self.dirty and not self._confirm_leave():
            return
        kind = self.template.kind if self.template else "partenariat"
        try:
            saved = create_template(self.ws, "Nouveau modèle", kind,
                                    articles=[ArticleDraft("Objet", "{objet}")])
        except MaillageError as exc:
            QMessageBox.warning(self, "Modèle", exc.message)
            return
        self.changes = _merge(self.changes, saved.changes)
        self.dirty = False
        self._reload_templates(saved.id)
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def duplicate(self) -> None:
        if self.template is None or (self.dirty and not self._confirm_leave()):
            return
        saved = duplicate_template(self.ws, self.template.id)
        self.changes = _merge(self.changes, saved.changes)
        self.dirty = False
        self._reload_templates(saved.id)
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def delete(self) -> None:
        if self.template is None:
            return
        used = templates_in_use(self.ws, self.template.id)
        note = (f"\n\n{used} convention(s) rédigée(s) avec ce modèle continueront de "
                "s'imprimer avec lui." if used else "")
        answer = QMessageBox.question(
            self, "Supprimer le modèle", f"Supprimer le modèle « {self.template.name} » ?{note}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        saved = delete_template(self.ws, self.template.id)
        self.changes = _merge(self.changes, saved.changes)
        self.template = None
        self.dirty = False
        self._reload_templates()

    # --- articles -------------------------------------------------------------------------

    def _fill_articles(self, select: int) -> None:
        self.articles_list.blockSignals(True)
        self.articles_list.clear()
        for number, a in enumerate(self.articles, start=1):
            self.articles_list.addItem(_article_text(number, a))
        self.articles_list.blockSignals(False)
        self._row = -1
        self.articles_list.setCurrentRow(select)
        self._show_article(select)

    def _article_row_changed(self, row: int) -> None:
        self._show_article(row)

    def _show_article(self, row: int) -> None:
        self._row = row
        loading = self._loading
        self._loading = True
        try:
            has = 0 <= row < len(self.articles)
            a = self.articles[row] if has else None
            self.title_edit.setText(a.title if a else "")
            self.condition_combo.setCurrentIndex(
                max(0, self.condition_combo.findData(a.condition if a else "")))
            self.body_edit.setPlainText(a.body if a else "")
            for widget in (self.title_edit, self.condition_combo, self.body_edit,
                           self.insert_button, self.remove_button):
                widget.setEnabled(has)
            self.up_button.setEnabled(has and row > 0)
            self.down_button.setEnabled(has and row < len(self.articles) - 1)
            for box in self.article_fields.values():
                box.set_error("")
        finally:
            self._loading = loading

    def current_article(self) -> _Article | None:
        return self.articles[self._row] if 0 <= self._row < len(self.articles) else None

    def _article_edited(self) -> None:
        if self._loading:
            return
        a = self.current_article()
        if a is None:
            return
        a.title = self.title_edit.text()
        a.body = self.body_edit.toPlainText()
        a.condition = self.condition_combo.currentData() or ""
        item = self.articles_list.item(self._row)
        if item is not None:
            item.setText(_article_text(self._row + 1, a))
        self._edited()

    def _edited(self) -> None:
        if self._loading:
            return
        self.dirty = True
        self._check_unknown()
        self._preview_timer.start()

    def add_article(self) -> None:
        index = self._row + 1 if self._row >= 0 else len(self.articles)
        self.articles.insert(index, _Article(None, "Nouvel article", "", ""))
        self._fill_articles(index)
        self._edited()
        self.title_edit.setFocus()
        self.title_edit.selectAll()

    def move(self, step: int) -> None:
        row = self._row
        target = row + step
        if not (0 <= row < len(self.articles) and 0 <= target < len(self.articles)):
            return
        self.articles[row], self.articles[target] = self.articles[target], self.articles[row]
        self._fill_articles(target)
        self._edited()

    def remove_article(self) -> None:
        a = self.current_article()
        if a is None:
            return
        if a.id is not None:
            self.removed.append(a.id)
        del self.articles[self._row]
        self._fill_articles(min(self._row, len(self.articles) - 1))
        self._edited()

    def insert_token(self, token: str) -> None:
        """Insert ``token`` (« {montant} ») where the cursor is, in the last text field used."""
        target = self._insert_target
        if isinstance(target, QLineEdit):
            target.insert(token)
            if target is self.title_edit:
                self._article_edited()
        elif isinstance(target, QPlainTextEdit):
            target.insertPlainText(token)
        target.setFocus()

    # --- checking and preview -------------------------------------------------------------

    def unknown_fields(self) -> list[tuple[str, tuple[str, ...]]]:
        """``[(where, unknown placeholders)]`` over the preamble and every article."""
        found = []
        preamble = unknown_placeholders(self.preamble_edit.toPlainText())
        if preamble:
            found.append(("préambule", preamble))
        for number, a in enumerate(self.articles, start=1):
            tokens = tuple(dict.fromkeys(unknown_placeholders(a.title) + unknown_placeholders(a.body)))
            if tokens:
                found.append((f"article {number} « {a.title} »", tokens))
        return found

    def _check_unknown(self) -> None:
        found = self.unknown_fields()
        if not found:
            self.unknown_label.hide()
            self.unknown_label.setText("")
            return
        lines = []
        for where, tokens in found:
            names = ", ".join(tokens)
            plural = "s" if len(tokens) > 1 else ""
            lines.append(f"Champ{plural} inconnu{plural} : {names} ({where})")
        self.unknown_label.setText("\n".join(lines))
        self.unknown_label.show()

    def update_preview(self) -> None:
        self._preview_timer.stop()
        if self.template is None:
            self.preview.setHtml("")
            self.preview_updated.emit()
            return
        try:
            articles = render_preview(self.ws, [a.draft() for a in self.articles],
                                      convention_id=self.sample_combo.currentData(),
                                      preamble=self.preamble_edit.toPlainText())
        except MaillageError as exc:
            self.preview.setHtml(f"<p style='color:#b42318'>{html.escape(exc.message)}</p>")
        else:
            scroll = self.preview.verticalScrollBar().value()
            self.preview.setHtml(preview_html(articles))
            self.preview.verticalScrollBar().setValue(scroll)
        self.preview_updated.emit()

    # --- saving ---------------------------------------------------------------------------

    def _refuse(self, box: FieldBox, message: str, row: int | None = None) -> bool:
        if row is not None and row != self._row:
            self.articles_list.setCurrentRow(row)
        box.set_error(message)
        box.editor.setFocus()
        return False

    def save(self) -> bool:
        """Write the template; refused (with the reason shown) while a field is unknown."""
        t = self.template
        if t is None:
            return False
        for box in (*self.fields.values(), *self.article_fields.values()):
            box.set_error("")
        found = self.unknown_fields()
        if found:
            where, tokens = found[0]
            message = f"Enregistrement impossible : champ inconnu {tokens[0]} ({where})."
            if where == "préambule":
                return self._refuse(self.fields["preamble"], message)
            row = next(i for i, a in enumerate(self.articles)
                       if unknown_placeholders(a.title) or unknown_placeholders(a.body))
            field = "title" if unknown_placeholders(self.articles[row].title) else "body"
            return self._refuse(self.article_fields[field], message, row)
        if not self.name_edit.text().strip():
            return self._refuse(self.fields["name"], "Le nom du modèle est obligatoire.")
        for row, a in enumerate(self.articles):
            if not a.title.strip():
                return self._refuse(self.article_fields["title"],
                                    f"L'article {row + 1} doit avoir un titre.", row)
        changes = ChangeSet()
        row = None
        try:
            saved = update_template(self.ws, t.id, self.name_edit.text(),
                                    self.kind_combo.currentData(), self.preamble_edit.toPlainText())
            changes = _merge(changes, saved.changes)
            for article_id in self.removed:
                changes = _merge(changes, remove_article(self.ws, article_id).changes)
            self.removed = []
            for row, a in enumerate(self.articles):
                if a.id is None:
                    result = add_article(self.ws, t.id, a.draft(), index=row)
                    a.id = result.id
                else:
                    if a.changed:
                        changes = _merge(changes, update_article(self.ws, a.id, a.draft()).changes)
                    result = move_article(self.ws, a.id, row)
                a.saved = (a.title, a.body, a.condition)
                changes = _merge(changes, result.changes)
        except ValidationError as exc:
            self.changes = _merge(self.changes, changes)
            if exc.field in self.fields and row is None:
                return self._refuse(self.fields[exc.field], exc.message)
            box = self.article_fields.get(exc.field or "", self.article_fields["body"])
            return self._refuse(box, exc.message, row)
        except MaillageError as exc:
            QMessageBox.warning(self, "Enregistrement impossible", exc.message)
            return False
        self.changes = _merge(self.changes, changes)
        self.dirty = False
        keep = max(0, self._row)
        self._reload_templates(t.id)
        self.load_template(t.id, keep)
        return True

    def reject(self) -> None:
        if self.dirty and not self._confirm_leave():
            return
        super().reject()
