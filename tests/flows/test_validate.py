"""Every load rule (schema, field errors, cross-field checks): a map that breaks it, one that keeps it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from flows.loader import parse_map
from flows.problems import Severity
from tests.flows.conftest import edited, line_of, load_errors
from tests.support.maps import GOOD_MAP

Mutation = Callable[[dict[str, Any]], object]


def stage(data: dict[str, Any], stage_id: str) -> dict[str, Any]:
    return next(s for s in data["stages"] if s["id"] == stage_id)


def item(number: int) -> dict[str, Any]:
    return {"id": f"item_{number}", "text": f"Confirm point {number} with the buyer"}


@dataclass(frozen=True)
class Case:
    name: str
    breaks: Mutation  # makes GOOD_MAP fail this rule
    keeps: Mutation  # the nearest change that still loads
    message: str  # regex the error message matches
    field: str  # where the error points (Problem.field)
    hint: str  # regex the hint matches


def _set(stage_id: str, **fields: Any) -> Mutation:
    return lambda data: stage(data, stage_id).update(fields)


def _drop(stage_id: str, field: str) -> Mutation:
    return lambda data: stage(data, stage_id).pop(field)


def _add_stage(**fields: Any) -> Mutation:
    base: dict[str, Any] = {
        "name": "Extra",
        "owner": "Sales",
        "entry": "A deal is parked here on purpose",
    }
    base |= {"activities": ["Record why the deal is parked"], "probability": 0}
    return lambda data: data["stages"].append(base | fields)


def _evidence(evidence: object) -> Mutation:
    """Give Discovery's second exit item (budget) this evidence."""
    return lambda data: stage(data, "discovery")["exit"][1].update(evidence=evidence)


def _no_branches(stage: dict[str, Any]) -> dict[str, Any]:
    return stage | {"branches": []}


CASES = [
    Case(
        "missing field",
        _drop("proposal", "owner"),
        _set("proposal", owner="Sales Engineering"),
        r"missing required field 'owner'",
        "stages[1].owner",
        r"the team that owns the stage",
    ),
    Case(
        "unknown field with a suggestion",
        _set("proposal", ownr="Sales"),
        _set("proposal", target_days=14),
        r"unknown field 'ownr'",
        "stages[1].ownr",
        r"did you mean 'owner'\?.*allowed fields: .*playbook",
    ),
    Case(
        "wrong type",
        _set("proposal", probability="high"),
        _set("proposal", probability="60"),  # a numeric string is still a number
        r"found 'high'",
        "stages[1].probability",
        r"whole number from 0 to 100",
    ),
    Case(
        "probability out of range",
        _set("proposal", probability=150),
        _set("proposal", probability=100),
        r"found 150: .*less than or equal to 100",
        "stages[1].probability",
        r"0 to 100",
    ),
    Case(
        "more than 10 exit items",
        _set("proposal", exit=[item(n) for n in range(11)]),
        _set("proposal", exit=[item(n) for n in range(10)]),
        r"11 exit items; a stage may have at most 10",
        "stages[1].exit",
        r"checkbox group holds 10",
    ),
    Case(
        "evidence choice without options",
        _evidence({"prompt": "Deal size", "type": "choice"}),
        _evidence({"prompt": "Deal size", "type": "choice", "options": ["Small", "Large"]}),
        r"a choice needs at least two options",
        "stages[0].exit[1].evidence",
        r"for a choice, options",
    ),
    Case(
        "evidence options on another type",
        _evidence({"prompt": "Seats", "type": "number", "options": ["10", "20"]}),
        _evidence({"prompt": "Seats", "type": "number"}),
        r"options are only for type: choice, not number",
        "stages[0].exit[1].evidence",
        r"for a choice, options",
    ),
    Case(
        "evidence options that repeat",
        _evidence({"prompt": "Size", "type": "choice", "options": ["Small", "small"]}),
        _evidence({"prompt": "Size", "type": "choice", "options": ["Small", "Medium"]}),
        r"options must differ from each other",
        "stages[0].exit[1].evidence",
        r"for a choice, options",
    ),
    Case(
        "unknown evidence type",
        _evidence({"prompt": "Budget", "type": "colour"}),
        _evidence({"prompt": "Budget", "type": "money"}),
        r"found 'colour'",
        "stages[0].exit[1].evidence.type",
        r"one of: text, number, money, date, person, url, choice",
    ),
    Case(
        "evidence without a prompt",
        _evidence({"type": "date"}),
        _evidence("Signature date"),  # the prompt alone is a text value
        r"missing required field 'prompt'",
        "stages[0].exit[1].evidence.prompt",
        r"what to ask for",
    ),
    Case(
        "bad id pattern",
        _set("proposal", id="Proposal Stage"),
        _set("proposal", id="proposal_stage"),
        r"found 'Proposal Stage'",
        "stages[1].id",
        r"lowercase letters, digits and '_'",
    ),
    Case(
        "duplicate stage id",
        _set("proposal", id="discovery"),
        _set("proposal", id="proposal_2"),
        r"duplicate stage id 'discovery'",
        "stages[1].id",
        r"its own id",
    ),
    Case(
        "duplicate exit item id",
        lambda d: stage(d, "proposal")["exit"].append(item(0) | {"id": "signed"}),
        lambda d: stage(d, "proposal")["exit"].append(item(0)),
        r"duplicate exit id 'signed' in this stage",
        "stages[1].exit[1].id",
        r"unique within a stage's exit list",
    ),
    Case(
        "duplicate playbook id across stages",
        lambda d: stage(d, "proposal")["playbook"][0].update(id="no_time"),
        lambda d: stage(d, "proposal")["playbook"][0].update(id="legal_first"),
        r"duplicate playbook id 'no_time'",
        "stages[1].playbook[0].id",
        r"unique across the map",
    ),
    Case(
        "unknown next",
        _set("discovery", next="propsal"),
        _set("discovery", next="proposal"),
        r"no stage has the id 'propsal'",
        "stages[0].next",
        r"one of the open stages: discovery, proposal, won",
    ),
    Case(
        "next to a side stage",
        _set("discovery", next="lost"),
        _set("discovery", next="won"),
        r"'lost' is a lost stage",
        "stages[0].next",
        r"open stages",
    ),
    Case(
        "unknown reopen",
        _set("lost", reopen=["discovry"]),
        _set("lost", reopen=["proposal", "discovery"]),
        r"no stage has the id 'discovry'",
        "stages[3].reopen[0]",
        r"one of the open stages",
    ),
    Case(
        "no won stage",
        _set("won", won=False),
        lambda d: (_set("won", won=False)(d), _set("proposal", won=True)(d)),
        r"no stage is marked as the win",
        "stages",
        r"won: true",
    ),
    Case(
        "two won stages",
        _set("proposal", won=True),
        _set("proposal", won=False),
        r"more than one stage is marked 'won: true'",
        "stages[2].won",
        r"exactly one",
    ),
    Case(
        "side stage as the win",
        lambda d: (_set("won", won=False)(d), _set("lost", won=True)(d)),
        _set("lost", won=False),
        r"a side stage cannot be the win",
        "stages[3].won",
        r"open stage",
    ),
    Case(
        "branch without a target stage",
        _set("discovery", branches=["lose", "disqualify"]),
        lambda d: (
            _set("discovery", branches=["lose", "disqualify"])(d),
            _add_stage(id="disqualified", kind="disqualified")(d),
        ),
        r"'disqualify' needs a stage of kind 'disqualified'",
        "stages[0].branches[1]",
        r"add a stage with 'kind: disqualified'",
    ),
    Case(
        "lose without lost_reasons",
        lambda d: d.pop("lost_reasons"),
        lambda d: d.update(lost_reasons=["Chose a competitor"]),
        r"allow 'lose' but the map lists no lost_reasons",
        "lost_reasons",
        r"reasons a rep picks",
    ),
    Case(
        "branches on a side stage",
        _set("lost", branches=["nurture"]),
        _set("lost", branches=[]),
        r"only open stages can branch",
        "stages[3].branches",
        r"use 'reopen'",
    ),
    Case(
        "reopen on an open stage",
        _set("proposal", reopen=["discovery"]),
        _set("proposal", reopen=[]),
        r"only lost, disqualified and nurture stages reopen",
        "stages[1].reopen",
        r"remove 'reopen'",
    ),
    Case(
        "two stages of one side kind",
        _add_stage(id="lost_again", kind="lost"),
        _add_stage(id="disqualified", kind="disqualified"),
        r"a second stage of kind 'lost'",
        "stages[5].kind",
        r"at most one stage of each side kind",
    ),
    Case(
        "unknown branch name",
        _set("discovery", branches=["lose", "win"]),
        _set("discovery", branches=["lose"]),
        r"found 'win'",
        "stages[0].branches[1]",
        r"lose, disqualify, nurture",
    ),
    Case(
        "fewer than two stages",
        lambda d: d.update(stages=d["stages"][2:3]),
        lambda d: d.update(stages=[_no_branches(s) for s in d["stages"][1:3]]),
        r"found .*at least 2 items",
        "stages",
        r"at least two stages",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_rule_reports_a_located_error_with_a_hint(case: Case) -> None:
    text = edited(case.breaks)
    problems = load_errors(text)
    matching = [p for p in problems if re.search(case.message, p.message)]
    assert matching, [str(p) for p in problems]
    problem = matching[0]
    assert problem.field == case.field
    assert re.search(case.hint, problem.hint), problem.hint
    assert problem.severity is Severity.ERROR
    assert problem.file == "map.yml" and problem.line >= 1 and problem.column >= 1


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_nearest_valid_map_loads(case: Case) -> None:
    assert parse_map(edited(case.keeps), file="map.yml").stages


def test_good_map_loads() -> None:
    process_map = parse_map(GOOD_MAP)
    assert [s.id for s in process_map.stages] == ["discovery", "proposal", "won", "lost", "nurture"]
    assert process_map.won_stage.id == "won"


def test_error_points_at_the_line_and_column_of_the_field() -> None:
    text = GOOD_MAP.replace("probability: 60", "probability: 160")
    (problem,) = load_errors(text)
    assert (problem.line, problem.column) == (line_of(text, "probability: 160"), 5)
    assert str(problem).startswith(f"map.yml:{problem.line}:5: error: stages[1].probability: ")


def test_missing_field_points_at_its_stage() -> None:
    text = GOOD_MAP.replace("    owner: Marketing\n", "")
    (problem,) = load_errors(text)
    assert problem.message == "missing required field 'owner'"
    assert problem.line == line_of(text, "- id: nurture")


def test_yaml_syntax_error_names_the_line() -> None:
    text = GOOD_MAP.replace("    probability: 60", "    probability: [60")
    (problem,) = load_errors(text)
    assert problem.message.startswith("not valid YAML")
    assert problem.line >= line_of(text, "probability: [60")
    assert "indentation" in problem.hint


def test_yaml_flow_list_closed_loads() -> None:
    assert parse_map(
        GOOD_MAP.replace("    probability: 60", "    probability: 60\n    triggers: [x]")
    )


def test_duplicate_yaml_key_is_an_error_not_a_silent_overwrite() -> None:
    text = GOOD_MAP.replace("    probability: 60\n", "    probability: 60\n    probability: 70\n")
    (problem,) = load_errors(text)
    assert "duplicate key 'probability'" in problem.message
    assert problem.line == line_of(text, "probability: 70")


@pytest.mark.parametrize("text", ["", "- just\n- a list\n", "id: only\n"])
def test_not_a_map_reports_the_missing_fields(text: str) -> None:
    messages = {p.message for p in load_errors(text)}
    assert {"missing required field 'title'", "missing required field 'stages'"} <= messages


def test_five_mistakes_are_all_reported_in_one_run() -> None:
    text = GOOD_MAP
    for old, new in [
        ("version: 1", "version: 0"),  # out of range
        ("    owner: Marketing\n", "    ownr: Marketing\n"),  # unknown field
        ("    probability: 60", "    probability: sixty"),  # wrong type
        ("  - id: won\n", "  - id: proposal\n"),  # duplicate stage id
        ("  - id: discovery\n", "  - id: discovery\n    next: nowhere\n"),  # unknown stage
    ]:
        assert old in text
        text = text.replace(old, new)
    problems = load_errors(text, file="five.yml")
    assert len(problems) >= 5
    fields = {p.field for p in problems}
    assert {"version", "stages[4].ownr", "stages[1].probability", "stages[2].id"} <= fields
    assert any("no stage has the id 'nowhere'" in p.message for p in problems)
    for problem in problems:
        assert re.match(r"five\.yml:\d+:\d+: error: ", str(problem)), str(problem)
        assert problem.hint, str(problem)
    assert [p.line for p in problems] == sorted(p.line for p in problems)
