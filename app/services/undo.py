"""Undo and redo as data: each write returns an :class:`UndoStep`, a list of row changes
(values before and after) that can be applied backwards or forwards.

Undoing is an ordinary stamped write (it travels through sync like any edit): the fields a
step changed get their previous values back; a record the step created is marked deleted
(a tombstone), and redoing revives it. A step refuses to apply, with
:class:`UndoConflict`, when a field it changed no longer holds the value it wrote — someone
(or a sync import) changed it since — rather than silently overwrite that later change.

The UI holds an :class:`UndoStack` (``QUndoStack`` only calls it): Ctrl+Z / Ctrl+Maj+Z with
the action named in the menu (« Annuler « Modifier la structure COORACE » »).

Services record their changes with a :class:`ChangeRecorder` inside their unit of work::

    rec = ChangeRecorder(session)
    rec.track(org)          # before modifying an existing row
    org.name = "…"
    rec.created(new_row)    # after adding a new one
    step = rec.step("Modifier la structure COORACE")
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.errors import MaillageError
from app.services.workspace import ChangeSet, Workspace
from app.storage.ids import new_id
from app.storage.models import SYNCED_MODELS, Synced, user_columns

MODELS: dict[str, type[Synced]] = {m.__tablename__: m for m in SYNCED_MODELS}

_MISSING = object()


class UndoConflict(MaillageError):
    """The step cannot be applied: the data changed since (message in French)."""

    code = "annulation-impossible"


def snapshot(obj: Synced) -> dict[str, Any]:
    """The user-visible values of a row (everything but id and sync bookkeeping)."""
    return {name: copy.deepcopy(getattr(obj, name)) for name in user_columns(type(obj))}


@dataclass(frozen=True)
class RowChange:
    """One row's values before and after a step (``before`` is ``None`` for a new row)."""

    table: str
    id: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any]

    def changed_fields(self) -> tuple[str, ...]:
        if self.before is None:
            return tuple(self.after)
        return tuple(k for k, v in self.after.items() if self.before.get(k, _MISSING) != v)


@dataclass(frozen=True, eq=False)
class UndoStep:
    """A named, reversible write. ``undo(ws)`` and ``redo(ws)`` return what they changed."""

    label: str
    changes: tuple[RowChange, ...]

    def __bool__(self) -> bool:
        return bool(self.changes)

    def undo(self, ws: Workspace) -> ChangeSet:
        return _apply(ws, self, backwards=True)

    def redo(self, ws: Workspace) -> ChangeSet:
        return _apply(ws, self, backwards=False)


def _describe(obj: Synced) -> str:
    for attr in ("name", "last_name", "title", "number", "label", "text"):
        value = getattr(obj, attr, None)
        if value:
            first = getattr(obj, "first_name", "") if attr == "last_name" else ""
            return f"« {' '.join(p for p in (first, value) if p)} »"
    return f"({obj.__tablename__})"


def _apply(ws: Workspace, step: UndoStep, *, backwards: bool) -> ChangeSet:
    created: list[tuple[str, str]] = []
    updated: list[tuple[str, str]] = []
    deleted: list[tuple[str, str]] = []
    changes = reversed(step.changes) if backwards else step.changes
    with ws.unit(write=True) as s:
        for change in changes:
            model = MODELS[change.table]
            obj = s.get(model, change.id)
            if change.before is None:
                # A row the step created: undo = tombstone it, redo = revive it.
                fields = ("deleted",) if backwards else tuple(change.after)
                target: Mapping[str, Any] = {"deleted": True} if backwards else change.after
                expected: Mapping[str, Any] = {"deleted": not backwards}
            else:
                fields = change.changed_fields()
                target = change.before if backwards else change.after
                expected = change.after if backwards else change.before
            verb = "d'annuler" if backwards else "de rétablir"
            if obj is None:
                raise UndoConflict(f"Impossible {verb} « {step.label} » : un enregistrement a disparu.")
            for name in (f for f in fields if f in expected):
                if getattr(obj, name) != expected[name]:
                    raise UndoConflict(
                        f"Impossible {verb} « {step.label} » : {_describe(obj)} a été "
                        "modifié depuis. "
                        "Faites la correction à la main."
                    )
            for name in fields:
                setattr(obj, name, copy.deepcopy(target[name]))
            key = (change.table, change.id)
            if change.before is None:
                (deleted if backwards else created).append(key)
            else:
                updated.append(key)
    return ChangeSet(created=tuple(created), updated=tuple(updated), deleted=tuple(deleted))


class ChangeRecorder:
    """Collects the before/after values of the rows a service call touches."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._before: dict[tuple[str, str], dict[str, Any] | None] = {}
        self._objects: dict[tuple[str, str], Synced] = {}

    def track(self, obj: Synced) -> Synced:
        """Call before changing ``obj`` (an existing row); tracking twice keeps the first."""
        key = (obj.__tablename__, obj.id)
        if key not in self._before:
            self._before[key] = snapshot(obj)
            self._objects[key] = obj
        return obj

    def created(self, obj: Synced) -> Synced:
        """Call after ``session.add(obj)`` for a new row (its id is assigned if missing)."""
        if obj.id is None:
            natural = getattr(obj, "natural_id", None)
            obj.id = natural() if natural is not None else new_id()
        key = (obj.__tablename__, obj.id)
        self._before.setdefault(key, None)
        self._objects[key] = obj
        return obj

    def step(self, label: str) -> UndoStep:
        """Flush, then describe what changed (rows whose values did not change are left out)."""
        self.session.flush()
        changes = []
        for key, before in self._before.items():
            after = snapshot(self._objects[key])
            change = RowChange(key[0], key[1], before, after)
            if before is None or change.changed_fields():
                changes.append(change)
        return UndoStep(label, tuple(changes))

    def changeset(self) -> ChangeSet:
        created, updated, deleted = [], [], []
        for key, before in self._before.items():
            obj = self._objects[key]
            if before is None:
                created.append(key)
            elif obj.deleted and not before.get("deleted"):
                deleted.append(key)
            elif snapshot(obj) != before:
                updated.append(key)
        return ChangeSet(created=tuple(created), updated=tuple(updated), deleted=tuple(deleted))


class UndoStack:
    """The undo history of one window: push each step a write returns; undo and redo in
    order. Steps beyond ``limit`` are forgotten (the data itself is never affected)."""

    def __init__(self, limit: int = 100) -> None:
        self.limit = limit
        self._done: list[UndoStep] = []
        self._undone: list[UndoStep] = []

    def push(self, step: UndoStep | None) -> None:
        if not step:
            return
        self._done.append(step)
        del self._done[: -self.limit]
        self._undone.clear()

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    @property
    def undo_label(self) -> str:
        return self._done[-1].label if self._done else ""

    @property
    def redo_label(self) -> str:
        return self._undone[-1].label if self._undone else ""

    @property
    def undo_text(self) -> str:
        """Menu text: « Annuler « Modifier la structure COORACE » » (or « Annuler »)."""
        return f"Annuler « {self.undo_label} »" if self._done else "Annuler"

    @property
    def redo_text(self) -> str:
        return f"Rétablir « {self.redo_label} »" if self._undone else "Rétablir"

    def undo(self, ws: Workspace) -> ChangeSet:
        """Undo the last step. On :class:`UndoConflict` the stack is left unchanged."""
        if not self._done:
            return ChangeSet()
        changes = self._done[-1].undo(ws)
        self._undone.append(self._done.pop())
        return changes

    def redo(self, ws: Workspace) -> ChangeSet:
        if not self._undone:
            return ChangeSet()
        changes = self._undone[-1].redo(ws)
        self._done.append(self._undone.pop())
        return changes

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()
