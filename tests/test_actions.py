"""Actions and their indicator targets (``app.services.actions``)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import NotFound, ValidationError
from app.services.actions import (
    TargetInput,
    delete_target,
    list_actions,
    list_targets,
    running_actions,
    running_indicators,
    save_target,
)
from app.services.reports import Period, build_report
from app.services.workspace import open_workspace
from app.storage.models import Action, IndicatorTarget


@pytest.fixture
def ws(tmp_path):
    workspace = open_workspace(tmp_path / "actions.sqlite")
    with workspace.unit(write=True) as s:
        s.add_all([
            Action(id="a-ess", code="ESS", title="Événementiel ESS", funder="FSE+", fse_rate=0.47,
                   start_date=dt.date(2026, 5, 1), end_date=dt.date(2026, 12, 31)),
            Action(id="a-old", code="ANCIEN", title="Action close",
                   start_date=dt.date(2020, 1, 1), end_date=dt.date(2020, 12, 31)),
            Action(id="a-gone", code="SUPPR", title="Supprimée", deleted=True),
        ])
    yield workspace
    workspace.close()


def test_actions_are_listed_by_code_without_the_deleted_ones(ws):
    actions = list_actions(ws)
    assert [a.code for a in actions] == ["ANCIEN", "ESS"]
    assert actions[1].label == "ESS – Événementiel ESS"
    assert [a.code for a in running_actions(ws, dt.date(2026, 6, 1))] == ["ESS"]
    assert running_actions(ws, dt.date(2027, 1, 1)) == ()


def test_a_target_is_created_updated_then_deleted_as_a_tombstone(ws):
    changes = save_target(ws, TargetInput("a-ess", "  Nombre de  COPIL ", 2, "réunions",
                                          "meetings", "copil"))
    (table, target_id), = changes.created
    assert table == "indicator_targets"
    second = save_target(ws, TargetInput("a-ess", "Heures de présence", 300, "heures", "hours"))
    targets = list_targets(ws, "a-ess")
    assert [(t.label, t.target, t.position) for t in targets] == [
        ("Nombre de COPIL", 2.0, 0), ("Heures de présence", 300.0, 1)]
    assert targets[0].rule_label == "Réunions tenues – Comité de pilotage (COPIL)"
    assert targets[1].rule_label == "Heures de présence"

    save_target(ws, TargetInput("a-ess", "Nombre de COPIL", 3, "réunions", "meetings", "copil",
                                id=target_id))
    assert list_targets(ws, "a-ess")[0].target == 3.0
    report = build_report(ws, "a-ess", Period(), with_rows=False)
    assert [(t.label, t.target) for t in report.targets] == [
        ("Nombre de COPIL", 3.0), ("Heures de présence", 300.0)]

    delete_target(ws, second.created[0][1])
    assert [t.label for t in list_targets(ws, "a-ess")] == ["Nombre de COPIL"]
    with ws.unit() as s:
        tomb = s.get(IndicatorTarget, second.created[0][1])
        assert tomb is not None and tomb.deleted  # kept, so that sync carries the deletion
    with pytest.raises(NotFound):
        delete_target(ws, second.created[0][1])


def test_the_rule_is_stored_as_the_report_reads_it(ws):
    changes = save_target(ws, TargetInput("a-ess", "Nombre d'élus", 20, "personnes", "people", "elu"))
    with ws.unit() as s:
        assert s.get(IndicatorTarget, changes.created[0][1]).rule == {"count": "people",
                                                                     "category": "elu"}
    manual = save_target(ws, TargetInput("a-ess", "Articles de presse", 3, "articles"))
    with ws.unit() as s:
        assert s.get(IndicatorTarget, manual.created[0][1]).rule == {}
    report = build_report(ws, "a-ess", Period(), with_rows=False)
    assert [t.realised for t in report.targets] == [0.0, None]  # a manual target is not computed


@pytest.mark.parametrize(("data", "field", "message"), [
    (TargetInput("a-ess", "  ", 2), "label", "L'intitulé de l'indicateur est obligatoire."),
    (TargetInput("a-ess", "COPIL", 0), "target", "La cible doit être un nombre supérieur à zéro."),
    (TargetInput("a-ess", "COPIL", float("nan")), "target",
     "La cible doit être un nombre supérieur à zéro."),
    (TargetInput("a-ess", "COPIL", 2, rule_kind="signatures"), "rule",
     "Mode de calcul inconnu : « signatures »."),
    (TargetInput("a-ess", "COPIL", 2, rule_kind="meetings", rule_value="pique-nique"), "rule",
     "Type de réunion inconnu : « pique-nique »."),
])
def test_invalid_targets_are_refused_in_french_with_their_field(ws, data, field, message):
    with pytest.raises(ValidationError) as error:
        save_target(ws, data)
    assert error.value.field == field
    assert error.value.message == message
    assert list_targets(ws, "a-ess") == ()


def test_targets_of_a_missing_action_are_refused(ws):
    with pytest.raises(NotFound):
        list_targets(ws, "a-gone")
    with pytest.raises(NotFound):
        save_target(ws, TargetInput("a-gone", "COPIL", 2))


def test_running_indicators_give_each_running_action_its_targets(ws):
    save_target(ws, TargetInput("a-ess", "Nombre de COPIL", 2, "réunions", "meetings", "copil"))
    save_target(ws, TargetInput("a-old", "Nombre de COPIL", 2, "réunions", "meetings", "copil"))
    progress = running_indicators(ws, dt.date(2026, 6, 1))
    assert [(p.action.code, [t.label for t in p.targets]) for p in progress] == [
        ("ESS", ["Nombre de COPIL"])]
    assert progress[0].targets[0].realised == 0.0
    assert running_indicators(ws, dt.date(2026, 6, 1), cancel=lambda: True) == ()
