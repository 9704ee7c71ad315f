"""Actions (what a funder pays for) and their indicator targets, as the Bilans view edits them.

An indicator target (« Nombre de COPIL : 2 minimum ») has a label, a target value, a unit and
a *rule* saying how Maillage counts the realised value (see
:func:`app.services.reports.evaluate_rule`): held meetings (of one kind or all), distinct
people present (of one category or all), distinct structures mobilised, hours of presence, or
nothing (a target followed by hand). Deleting a target leaves a tombstone (``deleted=True``)
so that the deletion travels through sync.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from app.domain import labels
from app.domain.text import fold
from app.errors import NotFound, ValidationError
from app.services.reports import Period, TargetLine, build_report
from app.services.workspace import ChangeSet, Workspace
from app.storage.models import Action, IndicatorTarget

RULE_KINDS: dict[str, str] = {
    "meetings": "Réunions tenues",
    "people": "Participants distincts",
    "organisations": "Structures mobilisées",
    "hours": "Heures de présence",
    "": "Suivi manuel (non calculé)",
}
"""What a target counts (``rule["count"]``), with its French label; ``""`` = not computed."""

DEFAULT_UNITS: dict[str, str] = {
    "meetings": "réunions",
    "people": "personnes",
    "organisations": "structures",
    "hours": "heures",
    "": "",
}


@dataclass(frozen=True)
class ActionSummary:
    id: str
    code: str
    title: str
    funder: str
    fse_rate: float
    start_date: dt.date | None
    end_date: dt.date | None

    @property
    def label(self) -> str:
        """« FSE-RESA-2026-01 – Coordination et animation d'un événementiel ESS »."""
        return f"{self.code} – {self.title}" if self.code else self.title

    def running_on(self, day: dt.date) -> bool:
        """Whether ``day`` falls within the action's period (open ends count as running)."""
        return ((self.start_date is None or self.start_date <= day)
                and (self.end_date is None or day <= self.end_date))


@dataclass(frozen=True)
class TargetInput:
    """A target as the form gives it. ``id=None`` creates one (at the end of the list).

    ``rule_kind`` is a key of :data:`RULE_KINDS`; ``rule_value`` the meeting kind (for
    ``meetings``) or person category (for ``people``), ``""`` for all.
    """

    action_id: str
    label: str
    target: float
    unit: str = ""
    rule_kind: str = ""
    rule_value: str = ""
    id: str | None = None


@dataclass(frozen=True)
class TargetView:
    id: str
    action_id: str
    position: int
    label: str
    target: float
    unit: str
    rule_kind: str
    rule_value: str

    @property
    def rule_label(self) -> str:
        """« Réunions tenues – Comité de pilotage (COPIL) », « Heures de présence »…"""
        base = RULE_KINDS.get(self.rule_kind, RULE_KINDS[""])
        if self.rule_kind == "meetings" and self.rule_value:
            return f"{base} – {labels.label(labels.MEETING_KINDS, self.rule_value)}"
        if self.rule_kind == "people" and self.rule_value:
            return f"{base} – {labels.label(labels.PERSON_CATEGORIES, self.rule_value)}"
        return base

    def as_input(self) -> TargetInput:
        return TargetInput(self.action_id, self.label, self.target, self.unit, self.rule_kind,
                           self.rule_value, self.id)


def list_actions(ws: Workspace) -> tuple[ActionSummary, ...]:
    """Every live action, by code then title."""
    with ws.unit() as s:
        rows = s.execute(select(Action).where(Action.deleted.is_(False))).scalars().all()
        out = [ActionSummary(a.id, a.code, a.title, a.funder, a.fse_rate or 0.0, a.start_date,
                             a.end_date) for a in rows]
    out.sort(key=lambda a: (fold(a.code) or "\uffff", fold(a.title)))
    return tuple(out)


def running_actions(ws: Workspace, today: dt.date | None = None) -> tuple[ActionSummary, ...]:
    """The actions whose period contains ``today`` (the dashboard's « actions en cours »)."""
    today = today or dt.date.today()
    return tuple(a for a in list_actions(ws) if a.running_on(today))


@dataclass(frozen=True)
class ActionProgress:
    """A running action and its targets, realised so far (the dashboard's progress bars)."""

    action: ActionSummary
    targets: tuple[TargetLine, ...]


def running_indicators(ws: Workspace, today: dt.date | None = None,
                       cancel: Callable[[], bool] | None = None) -> tuple[ActionProgress, ...]:
    """For each action running ``today`` that has targets, its bilan over its own period.

    A job (no Qt): the GUI runs it off its thread after the first paint; ``cancel()`` is
    checked between actions.
    """
    out = []
    for action in running_actions(ws, today):
        if cancel is not None and cancel():
            break
        report = build_report(ws, action.id, Period(action.start_date, action.end_date),
                              with_rows=False)
        if report.targets:
            out.append(ActionProgress(action, report.targets))
    return tuple(out)


def _rule_parts(rule: dict | None) -> tuple[str, str]:
    rule = rule or {}
    kind = str(rule.get("count") or "")
    if kind not in RULE_KINDS:
        return "", ""
    value = rule.get("kind") if kind == "meetings" else rule.get("category") if kind == "people" else ""
    return kind, str(value or "")


def _view(t: IndicatorTarget) -> TargetView:
    kind, value = _rule_parts(t.rule)
    return TargetView(t.id, t.action_id, t.position, t.label, t.target, t.unit, kind, value)


def _live_action(s, action_id: str) -> Action:  # noqa: ANN001 - a Session
    a = s.get(Action, action_id) if action_id else None
    if a is None or a.deleted:
        raise NotFound("Cette action n'existe pas ou a été supprimée.")
    return a


def _targets(s, action_id: str) -> list[IndicatorTarget]:  # noqa: ANN001
    return list(s.execute(
        select(IndicatorTarget)
        .where(IndicatorTarget.action_id == action_id, IndicatorTarget.deleted.is_(False))
        .order_by(IndicatorTarget.position, IndicatorTarget.id)
    ).scalars())


def list_targets(ws: Workspace, action_id: str) -> tuple[TargetView, ...]:
    """The action's indicator targets, in their order."""
    with ws.unit() as s:
        _live_action(s, action_id)
        return tuple(_view(t) for t in _targets(s, action_id))


def _rule(data: TargetInput) -> dict:
    if data.rule_kind not in RULE_KINDS:
        raise ValidationError(f"Mode de calcul inconnu : « {data.rule_kind} ».", field="rule")
    if not data.rule_kind:
        return {}
    rule: dict = {"count": data.rule_kind}
    value = (data.rule_value or "").strip()
    if data.rule_kind == "meetings" and value:
        if value not in labels.MEETING_KINDS:
            raise ValidationError(f"Type de réunion inconnu : « {value} ».", field="rule")
        rule["kind"] = value
    elif data.rule_kind == "people" and value:
        if value not in labels.PERSON_CATEGORIES:
            raise ValidationError(f"Catégorie de personnes inconnue : « {value} ».", field="rule")
        rule["category"] = value
    return rule


def save_target(ws: Workspace, data: TargetInput) -> ChangeSet:
    """Create or update a target; raises :class:`ValidationError` naming the field."""
    label = " ".join((data.label or "").split())
    if not label:
        raise ValidationError("L'intitulé de l'indicateur est obligatoire.", field="label")
    if len(label) > 300:
        raise ValidationError("L'intitulé de l'indicateur dépasse 300 caractères.", field="label")
    try:
        target = float(data.target)
    except (TypeError, ValueError):
        raise ValidationError("La cible doit être un nombre.", field="target") from None
    if math.isnan(target) or math.isinf(target) or target <= 0:
        raise ValidationError("La cible doit être un nombre supérieur à zéro.", field="target")
    unit = " ".join((data.unit or "").split())
    if len(unit) > 40:
        raise ValidationError("L'unité dépasse 40 caractères.", field="unit")
    rule = _rule(data)
    with ws.unit(write=True) as s:
        _live_action(s, data.action_id)
        if data.id:
            t = s.get(IndicatorTarget, data.id)
            if t is None or t.deleted or t.action_id != data.action_id:
                raise NotFound("Cet indicateur n'existe plus.")
            t.label, t.target, t.unit, t.rule = label, target, unit, rule
            return ChangeSet(updated=(("indicator_targets", t.id), ("actions", data.action_id)))
        position = max((x.position for x in _targets(s, data.action_id)), default=-1) + 1
        t = IndicatorTarget(action_id=data.action_id, label=label, target=target, unit=unit,
                            rule=rule, position=position)
        s.add(t)
        s.flush()
        return ChangeSet(created=(("indicator_targets", t.id),),
                         updated=(("actions", data.action_id),))


def delete_target(ws: Workspace, target_id: str) -> ChangeSet:
    """Delete a target (a tombstone, so that the deletion is synced)."""
    with ws.unit(write=True) as s:
        t = s.get(IndicatorTarget, target_id) if target_id else None
        if t is None or t.deleted:
            raise NotFound("Cet indicateur n'existe plus.")
        t.deleted = True
        return ChangeSet(updated=(("actions", t.action_id),),
                         deleted=(("indicator_targets", t.id),))


__all__ = [
    "ActionProgress",
    "ActionSummary",
    "DEFAULT_UNITS",
    "RULE_KINDS",
    "TargetInput",
    "TargetView",
    "delete_target",
    "list_actions",
    "list_targets",
    "running_actions",
    "running_indicators",
    "save_target",
]
