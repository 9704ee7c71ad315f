"""The signing kiosk (mode émargement): a full-screen window passed around the room.

The officer opens it on a meeting and chooses the session; the participants then see only
the list of that session (:func:`app.services.attendance.kiosk_list`: names and structures,
never any contact detail), in large type, with a search field. A tap on a name opens the
signature pad; « Valider » stores the strokes and the image
(:func:`~app.services.attendance.record_signature`) and the list comes back at once with
« Merci ». « Je ne suis pas sur la liste » asks nom, prénom, structure and catégorie, then the
signature (:func:`~app.services.attendance.add_walk_in`). The trainer or organiser
countersigns to close the session (:func:`~app.services.attendance.seal_session`).

There is no menu and no way to another screen. Leaving (Échap, the discreet « Quitter »
button, closing the window) and changing the session need the officer: the application
password when one is set (checked off the GUI thread), otherwise a confirmation.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QFont, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt
from app.domain import labels
from app.domain.text import fold
from app.errors import MaillageError, ValidationError
from app.services import attendance
from app.services.attendance import CountersignInput, KioskEntry, KioskList, SignatureInput, WalkInInput
from app.services.meetings import MeetingDetail, get_meeting
from app.services.workspace import ChangeSet, Workspace
from ui.conventions.fields import FieldBox
from ui.kiosk.pad import SignaturePad
from ui.meetings.common import confirm_officer

THANKS_MS = 5000
ROLE_ENTRY = Qt.ItemDataRole.UserRole
ROLE_SIGNED = Qt.ItemDataRole.UserRole + 1

KIOSK_STYLE = """
QWidget#kiosk { background: #f2f4f7; }
QLabel#kioskTitle { font-size: 22pt; font-weight: bold; color: #1f2933; }
QLabel#kioskCaption { font-size: 14pt; color: #3e4652; }
QLabel#kioskHeading { font-size: 20pt; font-weight: bold; color: #1f2933; }
QLabel#kioskText { font-size: 13pt; color: #3e4652; }
QLabel#kioskCount { font-size: 12pt; color: #5b6270; }
QLabel#kioskThanks { font-size: 16pt; font-weight: bold; color: #0b5e2a; background: #dff3e4;
                     border: 1px solid #8fd0a2; border-radius: 8px; padding: 10px 16px; }
QLabel#kioskClosed { font-size: 14pt; color: #4a3b00; background: #fff4c2;
                     border: 1px solid #e0b400; border-radius: 8px; padding: 10px 16px; }
QLabel#kioskError { font-size: 13pt; color: #b42318; }
QLabel#fieldError { font-size: 12pt; color: #b42318; }
QLineEdit#kioskSearch, QLineEdit#kioskField {
    font-size: 16pt; padding: 8px 10px; border: 1px solid #9aa5b1; border-radius: 6px;
    background: #ffffff; }
QListWidget#kioskList { font-size: 16pt; background: #ffffff; border: 1px solid #d3dae3;
                        border-radius: 8px; outline: 0; }
QPushButton#kioskPrimary { font-size: 16pt; font-weight: bold; color: #ffffff;
                           background: #1f6f8b; border: none; border-radius: 8px;
                           padding: 14px 28px; }
QPushButton#kioskPrimary:disabled { background: #9cc0cc; }
QPushButton#kioskButton { font-size: 14pt; color: #1f2933; background: #ffffff;
                          border: 1px solid #9aa5b1; border-radius: 8px; padding: 12px 22px; }
QPushButton#kioskSession { font-size: 15pt; color: #1f2933; background: #ffffff;
                           border: 1px solid #9aa5b1; border-radius: 8px; padding: 16px 22px;
                           text-align: left; }
QPushButton#kioskSession:disabled { color: #8a8f98; background: #eef0f3; }
QPushButton#kioskDiscreet { font-size: 10pt; color: #5b6270; background: transparent;
                            border: none; padding: 6px 10px; }
QPushButton#kioskDiscreet:hover { text-decoration: underline; }
"""


def _label(text: str, name: str, *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def _large_combo(combo: QComboBox) -> QComboBox:
    """A combo box in large type, drawn by the style (its arrow stays visible)."""
    font = QFont(combo.font())
    font.setPointSizeF(15)
    combo.setFont(font)
    combo.setMinimumHeight(46)
    return combo


def _button(text: str, name: str = "kioskButton") -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setAutoDefault(False)
    return button


class NameDelegate(QStyledItemDelegate):
    """A row of the list: the name in large type, the structure below, « ✓ Signé » on the right."""

    ROW_HEIGHT = 72

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(1, self.ROW_HEIGHT)  # as wide as the list (no horizontal scroll bar)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        entry: KioskEntry | None = index.data(ROLE_ENTRY)
        if entry is None:
            return
        painter.save()
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.fillRect(rect, QColor("#d4e8f0") if selected else QColor("#ffffff"))
        painter.setPen(QColor("#e4e8ee"))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        right = 200
        name_font = QFont(option.font)
        name_font.setPointSizeF(max(12.0, option.font.pointSizeF() * 1.25))
        name_font.setBold(True)
        org_font = QFont(option.font)
        org_font.setPointSizeF(max(10.0, option.font.pointSizeF() * 0.8))
        text_rect = QRect(rect.left() + 20, rect.top() + 8, rect.width() - right - 30, 34)
        painter.setFont(name_font)
        painter.setPen(QColor("#8a8f98") if entry.signed else QColor("#1f2933"))
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         painter.fontMetrics().elidedText(entry.display_name,
                                                          Qt.TextElideMode.ElideRight,
                                                          text_rect.width()))
        if entry.organisation:
            painter.setFont(org_font)
            painter.setPen(QColor("#5b6270"))
            org_rect = QRect(text_rect.left(), rect.top() + 42, text_rect.width(), 24)
            painter.drawText(org_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             painter.fontMetrics().elidedText(entry.organisation,
                                                              Qt.TextElideMode.ElideRight,
                                                              org_rect.width()))
        state_rect = QRect(rect.right() - right, rect.top(), right - 20, rect.height())
        org_font.setBold(True)
        painter.setFont(org_font)
        if entry.signed:
            painter.setPen(QColor("#0b7a3a"))
            painter.drawText(state_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             "✓ Signé")
        else:
            painter.setPen(QColor("#1f6f8b"))
            painter.drawText(state_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             "Signer ›")
        painter.restore()


class KioskWindow(QWidget):
    """The signing screen of one meeting. ``exited`` once the officer has let it close;
    ``changes`` then holds everything written while it was open."""

    exited = Signal()

    PAGE_SESSIONS, PAGE_LIST, PAGE_PAD, PAGE_WALK_IN = range(4)

    def __init__(self, ws: Workspace, meeting_id: str, session_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("kiosk")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(KIOSK_STYLE)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.setWindowTitle("Maillage – mode émargement")
        self.ws = ws
        self.meeting_id = meeting_id
        self.meeting: MeetingDetail = get_meeting(ws, meeting_id)
        self.session_id: str | None = None
        self.kiosk: KioskList | None = None
        self.changes: list[ChangeSet] = []
        self.officer_dialog = None
        self.last_save_ms: float | None = None
        self.signatures = 0  # collected while the kiosk was open
        self.sealed = 0
        self._may_close = False
        self._mode = ""  # on the pad: "participant", "walk_in" or "countersign"
        self._person: KioskEntry | None = None
        self._walk_in: WalkInInput | None = None

        self.stack = QStackedWidget()
        self.stack.addWidget(self._sessions_page())
        self.stack.addWidget(self._list_page())
        self.stack.addWidget(self._pad_page())
        self.stack.addWidget(self._walk_in_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(36, 24, 36, 24)
        layout.addWidget(self.stack)
        self._thanks_timer = QTimer(self)
        self._thanks_timer.setSingleShot(True)
        self._thanks_timer.setInterval(THANKS_MS)
        self._thanks_timer.timeout.connect(self.thanks_label.hide)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WindowShortcut)
        escape.activated.connect(self.request_exit)

        if session_id is not None:
            self.choose_session(session_id)
        elif len(self.meeting.sessions) == 1:
            self.choose_session(self.meeting.sessions[0].id)
        else:
            self.stack.setCurrentIndex(self.PAGE_SESSIONS)

    # --- pages -------------------------------------------------------------------------------

    def _header(self, heading: QLabel | None = None) -> QHBoxLayout:
        row = QHBoxLayout()
        column = QVBoxLayout()
        column.setSpacing(2)
        title = _label(fmt.typography(self.meeting.title), "kioskTitle")
        column.addWidget(title)
        if heading is not None:
            column.addWidget(heading)
        row.addLayout(column, 1)
        quit_button = _button("Quitter", "kioskDiscreet")
        quit_button.setToolTip("Réservé au chargé de mission (Échap)")
        quit_button.clicked.connect(self.request_exit)
        row.addWidget(quit_button, 0, Qt.AlignmentFlag.AlignTop)
        return row

    def _sessions_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setSpacing(14)
        layout.addLayout(self._header(_label("Mode émargement", "kioskCaption")))
        layout.addSpacing(12)
        layout.addWidget(_label("Choisissez le créneau à faire signer", "kioskHeading"))
        grid = QGridLayout()
        grid.setSpacing(12)
        self.session_buttons: dict[str, QPushButton] = {}
        for n, session in enumerate(self.meeting.sessions):
            caption = session.caption[0].upper() + session.caption[1:]
            state = (f"scellé par {session.sealed_by}" if session.sealed
                      else f"{session.signatures} signature{'s' if session.signatures > 1 else ''}")
            button = _button(f"{caption}\n{state}", "kioskSession")
            button.setEnabled(not session.sealed)
            button.clicked.connect(lambda _c=False, sid=session.id: self.choose_session(sid))
            grid.addWidget(button, n // 2, n % 2)
            self.session_buttons[session.id] = button
        if not self.meeting.sessions:
            layout.addWidget(_label("Cette réunion n'a pas de créneau\u00a0: ajoutez-en dans la fiche "
                                    "de la réunion.", "kioskText"))
        layout.addLayout(grid)
        layout.addStretch(1)
        return page

    def _list_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setSpacing(12)
        self.caption_label = _label("", "kioskCaption")
        layout.addLayout(self._header(self.caption_label))
        self.thanks_label = _label("", "kioskThanks")
        self.thanks_label.hide()
        layout.addWidget(self.thanks_label)
        self.closed_label = _label("", "kioskClosed")
        self.closed_label.hide()
        layout.addWidget(self.closed_label)
        self.search_field = QLineEdit()
        self.search_field.setObjectName("kioskSearch")
        self.search_field.setPlaceholderText("Cherchez votre nom…")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.search_field.textChanged.connect(lambda _t: self._fill_list())
        self.search_field.returnPressed.connect(self._search_return)
        layout.addWidget(self.search_field)
        self.name_list = QListWidget()
        self.name_list.setObjectName("kioskList")
        self.name_list.setItemDelegate(NameDelegate(self.name_list))
        self.name_list.setUniformItemSizes(True)
        self.name_list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.name_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.name_list.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.name_list.itemClicked.connect(self._item_chosen)
        self.name_list.itemActivated.connect(self._item_chosen)
        layout.addWidget(self.name_list, 1)
        self.empty_label = _label("", "kioskText")
        self.empty_label.hide()
        layout.addWidget(self.empty_label)
        row = QHBoxLayout()
        self.walk_in_button = _button("Je ne suis pas sur la liste")
        self.walk_in_button.clicked.connect(self.start_walk_in)
        row.addWidget(self.walk_in_button)
        row.addStretch(1)
        self.count_label = _label("", "kioskCount", wrap=False)
        row.addWidget(self.count_label)
        row.addSpacing(16)
        self.countersign_button = _button("Clore le créneau (formateur)…")
        self.countersign_button.setToolTip("Contre-signature du formateur ou de l'organisateur\u00a0: "
                                           "plus personne ne pourra signer ensuite.")
        self.countersign_button.clicked.connect(self.start_countersign)
        row.addWidget(self.countersign_button)
        self.change_session_button = _button("Changer de créneau", "kioskDiscreet")
        self.change_session_button.setToolTip("Réservé au chargé de mission")
        self.change_session_button.clicked.connect(self.request_change_session)
        self.change_session_button.setVisible(len(self.meeting.sessions) > 1)
        row.addWidget(self.change_session_button)
        layout.addLayout(row)
        return page

    def _pad_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setSpacing(12)
        self.pad_caption = _label("", "kioskCaption")
        layout.addLayout(self._header(self.pad_caption))
        self.pad_heading = _label("", "kioskHeading")
        layout.addWidget(self.pad_heading)
        self.pad_text = _label("", "kioskText")
        layout.addWidget(self.pad_text)
        self.signer_box = QWidget()
        signer_row = QHBoxLayout(self.signer_box)
        signer_row.setContentsMargins(0, 0, 0, 0)
        signer_label = _label("Nom de la personne qui contre-signe :", "kioskText", wrap=False)
        self.signer_combo = _large_combo(QComboBox())
        self.signer_combo.setEditable(True)
        self.signer_combo.setMinimumContentsLength(24)
        signer_label.setBuddy(self.signer_combo)
        signer_row.addWidget(signer_label)
        signer_row.addWidget(self.signer_combo, 1)
        layout.addWidget(self.signer_box)
        self.pad = SignaturePad()
        self.pad.changed.connect(self._pad_changed)
        layout.addWidget(self.pad, 1)
        self.pad_error = _label("", "kioskError")
        self.pad_error.hide()
        layout.addWidget(self.pad_error)
        row = QHBoxLayout()
        self.back_button = _button("‹ Retour")
        self.back_button.clicked.connect(self.back_to_list)
        self.clear_button = _button("Effacer")
        self.clear_button.clicked.connect(self.pad.clear)
        self.validate_button = _button("Valider", "kioskPrimary")
        self.validate_button.setEnabled(False)
        self.validate_button.clicked.connect(self.validate)
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.clear_button)
        row.addSpacing(12)
        row.addWidget(self.validate_button)
        layout.addLayout(row)
        return page

    def _walk_in_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setSpacing(12)
        self.walk_in_caption = _label("", "kioskCaption")
        layout.addLayout(self._header(self.walk_in_caption))
        layout.addWidget(_label("Je ne suis pas sur la liste", "kioskHeading"))
        layout.addWidget(_label("Indiquez votre nom et votre structure, puis signez.",
                                "kioskText"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(10)
        self.walk_in_fields: dict[str, FieldBox] = {}

        def add(row: int, key: str, text: str, editor: QWidget) -> None:
            if isinstance(editor, QLineEdit):
                editor.setObjectName("kioskField")
            label = _label(text, "kioskText", wrap=False)
            label.setContentsMargins(0, 12, 0, 0)  # level with the text of the field
            label.setBuddy(editor)
            box = FieldBox(editor)
            self.walk_in_fields[key] = box
            grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            grid.addWidget(box, row, 1)

        self.last_name_edit = QLineEdit()
        self.first_name_edit = QLineEdit()
        self.organisation_edit = QLineEdit()
        self.organisation_edit.setPlaceholderText("facultatif")
        self.category_combo = _large_combo(QComboBox())
        for code, text in labels.PERSON_CATEGORIES.items():
            self.category_combo.addItem(text, code)
        self.category_combo.setCurrentIndex(self.category_combo.findData("autre"))
        for edit in (self.last_name_edit, self.first_name_edit, self.organisation_edit):
            edit.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        add(0, "last_name", "Nom *", self.last_name_edit)
        add(1, "first_name", "Prénom *", self.first_name_edit)
        add(2, "organisation_name", "Structure", self.organisation_edit)
        add(3, "category", "Catégorie", self.category_combo)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        layout.addStretch(1)
        row = QHBoxLayout()
        back = _button("‹ Retour")
        back.clicked.connect(self.back_to_list)
        self.walk_in_next = _button("Continuer vers la signature", "kioskPrimary")
        self.walk_in_next.clicked.connect(self.walk_in_continue)
        self.first_name_edit.returnPressed.connect(self.walk_in_continue)
        row.addWidget(back)
        row.addStretch(1)
        row.addWidget(self.walk_in_next)
        layout.addLayout(row)
        return page

    # --- session and list ----------------------------------------------------------------

    def choose_session(self, session_id: str) -> None:
        self.session_id = session_id
        self.thanks_label.hide()
        self.search_field.clear()
        self.reload()
        self.stack.setCurrentIndex(self.PAGE_LIST)
        self.search_field.setFocus()

    def reload(self) -> None:
        """Read the session's list again (after a signature, a walk-in, the sealing)."""
        assert self.session_id is not None
        self.kiosk = attendance.kiosk_list(self.ws, self.session_id)
        caption = self.kiosk.caption
        self.caption_label.setText(caption[0].upper() + caption[1:])
        for label in (self.pad_caption, self.walk_in_caption):
            label.setText(self.caption_label.text())
        sealed = self.kiosk.sealed
        self.closed_label.setVisible(sealed)
        if sealed:
            self.closed_label.setText("Ce créneau est clos (contre-signé)\u00a0: les signatures ne sont "
                                      "plus possibles. Merci de rendre l'ordinateur à "
                                      "l'organisateur.")
        for widget in (self.search_field, self.name_list, self.walk_in_button,
                       self.countersign_button):
            widget.setEnabled(not sealed)
        total = len(self.kiosk.entries)
        self.count_label.setText(f"{self.kiosk.signed_count} / {total} signature"
                                 f"{'s' if self.kiosk.signed_count > 1 else ''}")
        self._fill_list()

    def visible_entries(self) -> list[KioskEntry]:
        if self.kiosk is None:
            return []
        terms = fold(self.search_field.text()).split()
        return [e for e in self.kiosk.entries
                if all(t in fold(f"{e.display_name} {e.organisation}") for t in terms)]

    def _fill_list(self) -> None:
        self.name_list.clear()
        entries = self.visible_entries()
        for entry in entries:
            item = QListWidgetItem(entry.display_name)
            item.setData(ROLE_ENTRY, entry)
            item.setData(ROLE_SIGNED, entry.signed)
            item.setToolTip("Déjà signé" if entry.signed else "Touchez pour signer")
            self.name_list.addItem(item)
        if entries or self.kiosk is None:
            self.empty_label.hide()
        else:
            self.empty_label.setText(
                "Aucun nom ne correspond\u00a0: vérifiez l'orthographe ou touchez « Je ne suis pas "
                "sur la liste »." if self.search_field.text().strip()
                else "Personne n'est encore inscrit à cette réunion\u00a0: touchez « Je ne suis pas "
                     "sur la liste ».")
            self.empty_label.show()

    def entry_names(self) -> list[str]:
        return [self.name_list.item(i).data(ROLE_ENTRY).display_name
                for i in range(self.name_list.count())]

    def _search_return(self) -> None:
        if self.name_list.count() == 1:
            self._item_chosen(self.name_list.item(0))

    def _item_chosen(self, item: QListWidgetItem) -> None:
        entry: KioskEntry = item.data(ROLE_ENTRY)
        self.choose_person(entry.person_id)

    def choose_person(self, person_id: str) -> None:
        """A tap on a name: the pad (or « déjà signé »)."""
        if self.kiosk is None or self.kiosk.sealed:
            return
        entry = next((e for e in self.kiosk.entries if e.person_id == person_id), None)
        if entry is None:
            return
        if entry.signed:
            self.show_thanks(f"{entry.display_name}, vous avez déjà signé pour ce créneau.")
            return
        self._person = entry
        self._open_pad("participant", entry.display_name,
                       "Signez dans le cadre ci-dessous avec le doigt, le stylet ou la souris, "
                       "puis touchez « Valider ».")

    def _open_pad(self, mode: str, heading: str, text: str) -> None:
        self._mode = mode
        self.pad.clear()
        self.pad_heading.setText(heading)
        self.pad_text.setText(text)
        self.pad_error.hide()
        self.signer_box.setVisible(mode == "countersign")
        self.validate_button.setText("Valider et clore le créneau" if mode == "countersign"
                                     else "Valider")
        self.validate_button.setEnabled(False)
        self.stack.setCurrentIndex(self.PAGE_PAD)

    def _pad_changed(self) -> None:
        self.validate_button.setEnabled(not self.pad.is_empty)
        if not self.pad.is_empty:
            self.pad_error.hide()

    def back_to_list(self) -> None:
        self._mode = ""
        self._person = None
        self.pad.clear()
        self.stack.setCurrentIndex(self.PAGE_LIST)
        self.search_field.setFocus()

    def show_thanks(self, text: str) -> None:
        self.thanks_label.setText(text)
        self.thanks_label.show()
        self._thanks_timer.start()

    # --- « Valider » -----------------------------------------------------------------------

    def validate(self) -> None:
        if self.pad.is_empty or self.session_id is None:
            self._pad_failed("La signature est vide\u00a0: signez dans le cadre.")
            return
        started = time.perf_counter()
        strokes, png = self.pad.strokes(), self.pad.to_png()
        try:
            if self._mode == "participant" and self._person is not None:
                saved = attendance.record_signature(
                    self.ws, SignatureInput(self.session_id, self._person.person_id, strokes, png))
                self.changes.append(saved.changes)
                self.signatures += 1
                thanks = f"Merci, {self._person.display_name}\u00a0: votre signature est enregistrée."
            elif self._mode == "walk_in" and self._walk_in is not None:
                result = attendance.add_walk_in(self.ws, self.session_id, self._walk_in,
                                                strokes=strokes, png=png)
                self.changes.append(result.changes)
                self.signatures += 1
                name = f"{self._walk_in.first_name.strip()} {self._walk_in.last_name.strip().upper()}"
                thanks = f"Merci, {name}\u00a0: vous êtes ajouté(e) à la liste et votre signature " \
                         "est enregistrée."
            elif self._mode == "countersign":
                signer = self.signer_combo.currentText().strip()
                self.changes.append(attendance.seal_session(
                    self.ws, self.session_id, CountersignInput(signer, png, strokes)))
                self.sealed += 1
                thanks = f"Créneau clos\u00a0: contre-signé par {signer}. Merci."
            else:
                return
        except ValidationError as exc:
            if self._mode == "walk_in" and exc.field in self.walk_in_fields:
                self.stack.setCurrentIndex(self.PAGE_WALK_IN)
                self.walk_in_fields[exc.field].set_error(exc.message)
                return
            self._pad_failed(exc.message)
            return
        except MaillageError as exc:
            self._pad_failed(exc.message)
            return
        self._mode = ""
        self._person = None
        self._walk_in = None
        self.search_field.blockSignals(True)
        self.search_field.clear()
        self.search_field.blockSignals(False)
        self.reload()
        self.pad.clear()
        self.stack.setCurrentIndex(self.PAGE_LIST)
        self.show_thanks(thanks)
        self.last_save_ms = (time.perf_counter() - started) * 1000
        self.search_field.setFocus()

    def _pad_failed(self, message: str) -> None:
        self.pad_error.setText(message)
        self.pad_error.show()

    # --- walk-in ---------------------------------------------------------------------------

    def start_walk_in(self) -> None:
        if self.kiosk is None or self.kiosk.sealed:
            return
        for edit in (self.last_name_edit, self.first_name_edit, self.organisation_edit):
            edit.clear()
        self.category_combo.setCurrentIndex(self.category_combo.findData("autre"))
        for box in self.walk_in_fields.values():
            box.set_error("")
        self.stack.setCurrentIndex(self.PAGE_WALK_IN)
        self.last_name_edit.setFocus()

    def walk_in_continue(self) -> None:
        for box in self.walk_in_fields.values():
            box.set_error("")
        last, first = self.last_name_edit.text().strip(), self.first_name_edit.text().strip()
        errors = {}
        if not last:
            errors["last_name"] = "Indiquez votre nom."
        if not first:
            errors["first_name"] = "Indiquez votre prénom."
        wanted = fold(f"{first} {last}")
        if not errors and self.kiosk is not None and any(
                fold(e.display_name) == wanted for e in self.kiosk.entries):
            errors["last_name"] = (f"{first} {last.upper()} est déjà sur la liste\u00a0: revenez à la "
                                   "liste et cherchez votre nom.")
        if errors:
            for key, text in errors.items():
                self.walk_in_fields[key].set_error(text)
            first_key = "last_name" if "last_name" in errors else "first_name"
            self.walk_in_fields[first_key].editor.setFocus()
            return
        self._walk_in = WalkInInput(last_name=last, first_name=first,
                                    organisation_name=self.organisation_edit.text().strip(),
                                    category=self.category_combo.currentData())
        self._open_pad("walk_in", f"{first} {last.upper()}",
                       "Signez dans le cadre ci-dessous, puis touchez « Valider ».")

    # --- countersignature ------------------------------------------------------------------

    def start_countersign(self) -> None:
        if self.kiosk is None or self.kiosk.sealed:
            return
        self.signer_combo.clear()
        names = [p.display_name for p in self.meeting.speakers]
        if self.meeting.organiser and self.meeting.organiser not in names:
            names.append(self.meeting.organiser)
        self.signer_combo.addItems(names)
        self.signer_combo.setCurrentIndex(0 if names else -1)
        self._open_pad(
            "countersign", "Contre-signature du formateur ou de l'organisateur",
            f"{fmt.plural(self.kiosk.signed_count, 'signature')} sur {len(self.kiosk.entries)}. "
            "Une fois le "
            "créneau contre-signé, plus personne ne pourra signer ni être modifié, sauf par le "
            "chargé de mission.")

    # --- leaving -----------------------------------------------------------------------------

    def request_exit(self) -> None:
        """Échap, « Quitter », closing the window: the officer confirms first."""
        if self._may_close or self.officer_dialog is not None:
            return
        self._ask_officer(self.leave, "Quitter le mode émargement",
                          "Réservé au chargé de mission\u00a0: saisissez le mot de passe de "
                          "l'application pour quitter le mode émargement.",
                          "Quitter le mode émargement et revenir à Maillage\u00a0?\n\nAucun mot de "
                          "passe n'est défini (Outils › Réglages…)\u00a0: n'importe qui peut le "
                          "quitter.")

    def request_change_session(self) -> None:
        if self.officer_dialog is not None:
            return
        self._ask_officer(lambda: self.stack.setCurrentIndex(self.PAGE_SESSIONS),
                          "Changer de créneau",
                          "Réservé au chargé de mission\u00a0: saisissez le mot de passe de "
                          "l'application pour changer de créneau.",
                          "Changer le créneau à faire signer\u00a0?")

    def _ask_officer(self, then, title: str, text: str, question: str) -> None:  # noqa: ANN001
        dialog = confirm_officer(self, self.ws, then, title=title, text=text, question=question)
        if dialog is not None:
            self.officer_dialog = dialog
            dialog.finished.connect(lambda _r: setattr(self, "officer_dialog", None))

    def leave(self) -> None:
        self._may_close = True
        self.exited.emit()
        self.close()

    def keyPressEvent(self, event) -> None:  # noqa: ANN001 - QKeyEvent
        if event.key() == Qt.Key.Key_Escape:
            self.request_exit()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._may_close:
            event.ignore()
            QTimer.singleShot(0, self.request_exit)
            return
        super().closeEvent(event)

    def summary(self) -> str:
        """« Mode émargement terminé : 3 signatures recueillies, 1 créneau clos. »"""
        parts = []
        if self.signatures:
            parts.append(fmt.plural(self.signatures, "signature recueillie",
                                    "signatures recueillies"))
        if self.sealed:
            parts.append(fmt.plural(self.sealed, "créneau clos", "créneaux clos"))
        return "Mode émargement terminé" + ("\u00a0: " + ", ".join(parts) if parts else "") + "."

    def merged_changes(self) -> ChangeSet:
        """Everything written while the kiosk was open, as one change set."""
        created = tuple(x for c in self.changes for x in c.created)
        updated = tuple(x for c in self.changes for x in c.updated)
        deleted = tuple(x for c in self.changes for x in c.deleted)
        return ChangeSet(created, updated, deleted)
