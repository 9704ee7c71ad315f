"""The dashboard panel « Indicateurs des actions en cours »: a progress bar per target.

Counting reads every attendance of each running action, so it is done off the GUI thread
(:func:`app.services.actions.running_indicators`) and only once the panel has been painted:
the dashboard appears at once, the bars a moment later. A click on an action (or Entrée on
its name) opens its bilan.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QEventLoop, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain import formatting as fmt
from app.errors import MaillageError
from app.services.actions import ActionProgress, running_indicators
from app.services.reports import TargetLine
from app.services.workspace import Workspace
from ui.bilans.models import draw_progress, realised_text
from ui.conventions.background import guarded_job
from ui.jobs import Job


class TargetBar(QWidget):
    """« Nombre de COPIL — 1 / 2 réunions » above a progress bar with its percentage."""

    def __init__(self, target: TargetLine) -> None:
        super().__init__()
        self.target = target
        self.setMinimumSize(80, 16)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setToolTip(self.caption())
        self.setAccessibleName(self.caption())

    def caption(self) -> str:
        t = self.target
        return f"{t.label}\u00a0: {realised_text(t)} / {fmt.number(t.target)} {t.unit}".rstrip()

    def sizeHint(self) -> QSize:
        return QSize(240, 16)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            if self.target.ratio is None:
                painter.setPen(Qt.GlobalColor.darkGray)
                painter.drawText(self.rect(), int(Qt.AlignmentFlag.AlignLeft
                                                  | Qt.AlignmentFlag.AlignVCenter),
                                 "non calculé\u00a0: suivi à la main")
            else:
                draw_progress(painter, self.rect().adjusted(0, 1, 0, -1), self.target.ratio,
                              self.font())
        finally:
            painter.end()


class ActionButton(QPushButton):
    """A flat button naming an action, its text elided to the width it is given."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.full_text = text
        self.setObjectName("indicatorAction")
        self.setFlat(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setStyleSheet("text-align: left; font-weight: bold; padding: 2px 0; border: none;")
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def resizeEvent(self, event) -> None:  # noqa: ANN001 - QResizeEvent
        super().resizeEvent(event)
        shown = self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideRight,
                                              max(40, self.width() - 6))
        if shown != self.text():
            self.setText(shown)


class ActionIndicators(QWidget):
    """One block per running action: its name (a button opening its bilan), then its targets."""

    activated = Signal(str, str)  # « actions », action id
    loaded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actionIndicators")
        self._ws: Workspace | None = None
        self._pending = False
        self._painted = False
        self._cancel: threading.Event | None = None
        self.job: Job | None = None
        self.progress: tuple[ActionProgress, ...] = ()
        self.action_buttons: list[QPushButton] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.title_label = QLabel("Indicateurs des actions en cours")
        self.title_label.setObjectName("panelTitle")
        layout.addWidget(self.title_label)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("indicatorsArea")
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setStyleSheet("QScrollArea#indicatorsArea { border: 1px solid #dde1e7; "
                                  "border-radius: 5px; background: #ffffff; }")
        layout.addWidget(self.scroll, 1)
        self.message_label = QLabel("Calcul des indicateurs…")
        self.message_label.setObjectName("panelEmpty")
        self.message_label.setWordWrap(True)
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.message_label, 1)
        self.scroll.hide()

    # --- loading --------------------------------------------------------------------------

    def load(self, ws: Workspace) -> None:
        """Compute the indicators of ``ws`` once the panel has been painted (or now if it has)."""
        self._ws = ws
        self._pending = True
        if self._painted:
            QTimer.singleShot(0, self._start)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            if self._pending:
                QTimer.singleShot(0, self._start)  # after this paint has reached the screen

    def _start(self) -> None:
        if not self._pending or self._ws is None:
            return
        self._pending = False
        if self._cancel is not None:
            self._cancel.set()
        cancel = threading.Event()
        self._cancel = cancel
        ws = self._ws
        self.job = guarded_job(self, lambda: running_indicators(ws, cancel=cancel.is_set),
                               lambda result: self._done(cancel, result),
                               lambda error: self._failed(cancel, error))

    def wait_until_ready(self, timeout_ms: int = 10_000) -> bool:
        """Start now if still waiting for the first paint, then wait for the result."""
        if self._pending:
            self._start()
        if self.job is None:
            return True
        loop = QEventLoop()
        self.loaded.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        self.loaded.disconnect(loop.quit)
        return self.job is None

    def stop(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def _done(self, cancel: threading.Event, result: tuple[ActionProgress, ...]) -> None:
        if cancel.is_set():
            return
        self.job = None
        self.set_progress(result)
        self.loaded.emit()

    def _failed(self, cancel: threading.Event, error: Exception) -> None:
        if cancel.is_set():
            return
        self.job = None
        message = error.message if isinstance(error, MaillageError) else str(error)
        self._show_message(f"Les indicateurs n'ont pas pu être calculés\u00a0: {message}")
        self.loaded.emit()

    # --- showing --------------------------------------------------------------------------

    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.show()
        self.scroll.hide()

    def set_progress(self, progress: tuple[ActionProgress, ...]) -> None:
        self.progress = progress
        self.action_buttons = []
        if not progress:
            self._show_message("Aucune action en cours n'a d'objectif chiffré.")
            return
        body = QWidget()
        body.setObjectName("indicatorsBody")
        body.setStyleSheet("QWidget#indicatorsBody { background: #ffffff; }")
        column = QVBoxLayout(body)
        column.setContentsMargins(10, 8, 10, 8)
        column.setSpacing(4)
        for number, item in enumerate(progress):
            if number:
                line = QFrame()
                line.setFrameShape(QFrame.Shape.HLine)
                line.setObjectName("indicatorsSeparator")
                column.addWidget(line)
            button = ActionButton(item.action.label)
            button.setToolTip(f"Ouvrir le bilan de «\u00a0{item.action.label}\u00a0»")
            button.clicked.connect(lambda _c=False, i=item.action.id: self.activated.emit("actions", i))
            column.addWidget(button)
            self.action_buttons.append(button)
            for target in item.targets:
                caption = QLabel(f"{target.label} — {realised_text(target)} / "
                                 f"{fmt.number(target.target)} {target.unit}".rstrip())
                caption.setObjectName("indicatorCaption")
                caption.setWordWrap(True)
                caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
                column.addWidget(caption)
                column.addWidget(TargetBar(target))
        column.addStretch(1)
        self.scroll.setWidget(body)
        self.scroll.show()
        self.message_label.hide()
