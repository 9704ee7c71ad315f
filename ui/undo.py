"""Annuler / Rétablir (Ctrl+Z, Ctrl+Maj+Z) over the undo history of the open workspace.

Undo is data in ``app`` (:class:`app.services.undo.UndoStep`, returned by every write); this
module only holds the window's :class:`UndoStack`, keeps the two menu entries naming the
action (« Annuler « Modifier la structure COORACE » »), and says what an undo or a redo
changed through ``changes_applied`` so that each view refreshes what concerns it.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from app.errors import MaillageError
from app.services.undo import UndoConflict, UndoStack, UndoStep
from app.services.workspace import ChangeSet, Workspace

UNDO_SHORTCUT = QKeySequence("Ctrl+Z")
REDO_SHORTCUT = QKeySequence("Ctrl+Shift+Z")


def combined_step(label: str, steps: Iterable[UndoStep | None]) -> UndoStep | None:
    """One step undoing ``steps`` together (a form saving a contact and its functions);
    ``None`` when none of them changed anything."""
    changes = tuple(c for step in steps if step for c in step.changes)
    return UndoStep(label, changes) if changes else None


def _menu_text(text: str) -> str:
    return text.replace("&", "&&")  # « Bois & Cycles » is not a mnemonic


class UndoController(QObject):
    """The undo history of the window's workspace and its two actions."""

    changes_applied = Signal(object)  # ChangeSet of an undo or a redo
    message = Signal(str)  # « Annulé : Modifier la structure COORACE » for the status bar

    def __init__(self, ws: Workspace, parent: QWidget) -> None:
        super().__init__(parent)
        self._ws = ws
        self._parent = parent
        self.stack = UndoStack()
        self.undo_action = QAction("Annuler", parent)
        self.undo_action.setShortcut(UNDO_SHORTCUT)
        self.undo_action.triggered.connect(lambda _checked=False: self.undo())
        self.redo_action = QAction("Rétablir", parent)
        self.redo_action.setShortcut(REDO_SHORTCUT)
        self.redo_action.triggered.connect(lambda _checked=False: self.redo())
        self._update()

    def set_workspace(self, ws: Workspace) -> None:
        """Another base is open: its history starts empty."""
        self._ws = ws
        self.stack.clear()
        self._update()

    def push(self, step: UndoStep | None) -> None:
        """Record a write's step (``None`` or an empty step is ignored)."""
        self.stack.push(step)
        self._update()

    def undo(self) -> ChangeSet | None:
        """Undo the last step; a conflict is explained and the history left as it was."""
        label = self.stack.undo_label
        return self._apply(self.stack.undo, "Annulation impossible", f"Annulé : {label}")

    def redo(self) -> ChangeSet | None:
        label = self.stack.redo_label
        return self._apply(self.stack.redo, "Rétablissement impossible", f"Rétabli : {label}")

    def _apply(self, fn, title: str, done: str) -> ChangeSet | None:  # noqa: ANN001
        try:
            changes = fn(self._ws)
        except UndoConflict as exc:
            QMessageBox.warning(self._parent, title, exc.message)
            return None
        except MaillageError as exc:
            QMessageBox.warning(self._parent, title, exc.message)
            return None
        finally:
            self._update()
        if changes:
            self.message.emit(done)
            self.changes_applied.emit(changes)
        return changes

    def _update(self) -> None:
        self.undo_action.setText(_menu_text(self.stack.undo_text))
        self.undo_action.setEnabled(self.stack.can_undo)
        self.redo_action.setText(_menu_text(self.stack.redo_text))
        self.redo_action.setEnabled(self.stack.can_redo)
