"""Every lint rule: a map that trips it, and the nearest map that does not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from flows.lint import RULES, lint_file, lint_map, lint_text
from flows.loader import parse_map
from flows.problems import MapError, Severity
from flows.wording import is_action_verb, vagueness
from tests.flows.conftest import edited, line_of
from tests.support.maps import GOOD_MAP, MapFile

Mutation = Callable[[dict[str, Any]], object]


def stage(data: dict[str, Any], stage_id: str) -> dict[str, Any]:
    return next(s for s in data["stages"] if s["id"] == stage_id)


def _set(stage_id: str, **fields: Any) -> Mutation:
    return lambda data: stage(data, stage_id).update(fields)


def _exit_text(text: str) -> Mutation:
    return lambda data: stage(data, "proposal")["exit"][0].update(text=text)


def _items(count: int) -> Mutation:
    items = [{"id": f"i{n}", "text": f"Confirm point {n} with the buyer"} for n in range(count)]
    return _set("proposal", exit=items)


def _playbook(count: int) -> Mutation:
    return lambda data: stage(data, "proposal").update(
        playbook=stage(data, "proposal")["playbook"][:count]
    )


def _handed_to_proposal(hours: float) -> Mutation:
    """Proposal owned by another team than Discovery: its SLA applies to the handoff."""
    return _set("proposal", owner="Implementation", handoff_sla_hours=hours)


def _post_sale(**fields: Any) -> Mutation:
    new = {
        "id": "onboarding",
        "name": "Onboarding",
        "owner": "Customer Success",
        "entry": "The customer signed and the kickoff is booked",
        "activities": ["Hold the kickoff with the customer's project lead"],
        "probability": 100,
    }
    handover = {"id": "handover", "text": "Send the handover note to customer success"}

    def mutate(data: dict[str, Any]) -> None:
        data["stages"].insert(3, new | fields)
        stage(data, "won")["exit"] = [handover]

    return mutate


@dataclass(frozen=True)
class Case:
    rule: str
    trips: Mutation
    keeps: Mutation
    field: str


CASES = [
    Case("vague-item", _exit_text("Maybe send stuff"), _exit_text("Send the order form"), "stages[1].exit[0].text"),
    Case("vague-item", _exit_text("Signed contract"), _exit_text("Collect the signed contract"), "stages[1].exit[0].text"),
    Case("vague-item", _exit_text("Contract signed by the buyer"), _exit_text("Countersign the contract"), "stages[1].exit[0].text"),
    Case("vague-item", _exit_text("Follow up as needed"), _exit_text("Follow up within two days"), "stages[1].exit[0].text"),
    Case("vague-item", _exit_text("Discuss various options, etc."), _exit_text("Discuss the two pricing options"), "stages[1].exit[0].text"),
    Case("vague-activity", _set("proposal", activities=["Various things"]), _set("proposal", activities=["Re-send the proposal to the CFO"]), "stages[1].activities[0]"),
    Case("too-many-items", _items(8), _items(7), "stages[1].exit"),
    Case("no-exit-criteria", _set("proposal", exit=[]), _set("won", exit=[]), "stages[1].exit"),
    Case("unreachable-stage", _set("discovery", next="won"), _set("discovery", next="proposal"), "stages[1].id"),
    Case("unreachable-stage", _set("discovery", branches=["lose"]), _set("proposal", branches=["lose", "nurture"]), "stages[4].id"),
    Case("dead-end", _set("nurture", reopen=[]), _set("nurture", reopen=["proposal"]), "stages[4].reopen"),
    Case("dead-end", _set("proposal", next="proposal", branches=[]), _set("proposal", next="won", branches=[]), "stages[1].id"),
    Case("idle-handoff-sla", _set("proposal", handoff_sla_hours=24), _handed_to_proposal(24), "stages[1].handoff_sla_hours"),
    Case("thin-playbook", _playbook(1), _playbook(2), "stages[1].playbook"),
    Case("thin-playbook", _playbook(0), _post_sale(), "stages[1].playbook"),  # post-sale needs none
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{n}" for n, c in enumerate(CASES)])
def test_rule_warns(case: Case) -> None:
    text = edited(case.trips)
    warnings = [w for w in lint_text(text, file="m.yml") if w.rule == case.rule]
    assert warnings, lint_text(text, file="m.yml")
    assert case.field in {w.field for w in warnings}
    for warning in warnings:
        assert warning.severity is Severity.WARNING
        assert warning.hint
        assert str(warning).startswith(f"m.yml:{warning.line}:{warning.column}: warning: ")
        assert str(warning).splitlines()[0].endswith(f"[{case.rule}]")


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{n}" for n, c in enumerate(CASES)])
def test_nearest_fix_is_clean(case: Case) -> None:
    assert lint_text(edited(case.keeps), file="m.yml") == []


def test_good_map_is_clean() -> None:
    assert lint_text(GOOD_MAP) == []


def test_every_rule_is_tested_and_documented() -> None:
    assert {rule.name for rule in RULES} == {case.rule for case in CASES}
    assert all(rule.summary for rule in RULES)


def test_warning_points_at_the_line_and_column_of_the_item() -> None:
    text = GOOD_MAP.replace("text: Collect the signed order form", "text: Order form etc")
    (warning,) = lint_text(text, file="m.yml")
    assert (warning.line, warning.column) == (line_of(text, "Order form etc"), 9)
    assert warning.path == ("stages", 1, "exit", 0, "text")
    assert "'etc'" in warning.message


def test_dead_end_nurture_points_at_its_stage_when_reopen_is_missing() -> None:
    text = GOOD_MAP[: GOOD_MAP.rindex("    reopen: [discovery]")]
    (warning,) = lint_text(text, file="m.yml")
    assert warning.rule == "dead-end"
    assert warning.line == line_of(text, "- id: nurture")
    assert "nurtured deals can never come back" in warning.message


def test_several_rules_in_one_run_come_in_file_order() -> None:
    text = edited(
        lambda d: (_exit_text("Maybe stuff")(d), _set("nurture", reopen=[])(d), _playbook(1)(d))
    )
    warnings = lint_text(text, file="m.yml")
    assert {w.rule for w in warnings} == {"vague-item", "dead-end", "thin-playbook"}
    assert [w.line for w in warnings] == sorted(w.line for w in warnings)


def test_lint_map_without_positions_reads_zero() -> None:
    process_map = parse_map(edited(_exit_text("Maybe stuff")))
    (warning,) = lint_map(process_map, file="x")
    assert (warning.line, warning.column) == (0, 0)


def test_lint_file_reads_the_file(map_file: MapFile) -> None:
    path = map_file(GOOD_MAP.replace("Collect the signed order form", "Stuff"))
    (warning,) = lint_file(path)
    assert warning.file == str(path) and warning.rule == "vague-item"


def test_lint_file_raises_load_errors(map_file: MapFile, tmp_path: Path) -> None:
    with pytest.raises(MapError):
        lint_file(map_file(GOOD_MAP.replace("version: 1", "version: x")))


@pytest.mark.parametrize(
    "text",
    [
        "Confirm the budget with the economic buyer",
        "Re-engage the champion after 30 days",
        "Prioritise the use cases with the buyer",
        "Quantify the cost of the problem",
        '"Send" the deck to the buyer',
        "Double-check the signer's authority",
    ],
)
def test_actionable_text_is_not_vague(text: str) -> None:
    assert vagueness(text) is None


@pytest.mark.parametrize(
    ("text", "reason", "hint"),
    [
        ("Budget confirmed by the CFO", "action verb ('Budget')", "'Confirm ...'"),
        ("Identified the decision makers", "action verb ('Identified')", "'Identify ...'"),
        ("The kickoff meeting happens", "action verb ('The')", "'Confirm', 'Send'"),
        ("2 references called", "action verb ('2')", "'Call ...'"),
        ("Sign it", "too short", "who does what"),
        ("Perhaps email the buyer", "'perhaps'", "exactly"),
        ("Send samples if possible", "'if possible'", "exactly"),
    ],
)
def test_vague_text_says_why_and_how_to_fix(text: str, reason: str, hint: str) -> None:
    found = vagueness(text)
    assert found is not None
    assert reason in found.reason and hint in found.hint


@pytest.mark.parametrize("word", ["confirm", "Reconfirm", "pre-qualify", "organise", "itemize"])
def test_verb_heuristic_accepts(word: str) -> None:
    assert is_action_verb(word)


@pytest.mark.parametrize("word", ["budget", "contract", "enterprise", "the", "maybe", "premise"])
def test_verb_heuristic_rejects(word: str) -> None:
    assert not is_action_verb(word)
