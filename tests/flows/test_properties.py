"""Properties over generated maps: every deal can finish, and `advance` never skips a required item.

The strategy builds valid map data (open stages with random exit items, optional side
stages, branches, `next` jumps, reopen targets) in random list order, dumps it to YAML and
loads it through `parse_map`, so the loader is exercised along with the machine.
"""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.lint import lint_text
from flows.loader import parse_map
from flows.machine import DealState, Flow, Move
from flows.schema import ProcessMap, StageKind

SIDE_KINDS = {"lose": "lost", "disqualify": "disqualified", "nurture": "nurture"}
PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def exit_items(draw: st.DrawFn, *, stage_id: str) -> list[dict[str, Any]]:
    count = draw(st.integers(min_value=0, max_value=5))
    return [
        {
            "id": f"{stage_id}_i{n}",
            "text": f"Confirm point {n} with the buyer",
            "required": draw(st.booleans()),
            **({"evidence": "Amount"} if draw(st.booleans()) else {}),
        }
        for n in range(count)
    ]


@st.composite
def map_data(draw: st.DrawFn) -> dict[str, Any]:
    """A valid map: 2-9 open stages, some side stages, shuffled into one list."""
    count = draw(st.integers(min_value=2, max_value=9))
    open_ids = [f"s{n}" for n in range(count)]
    sides = draw(st.sets(st.sampled_from(sorted(SIDE_KINDS.values()))))
    won = draw(st.integers(min_value=0, max_value=count - 1))
    stages = [draw(open_stage(open_ids, n, won=n == won, sides=sides)) for n in range(count)]
    # Side stages may stand anywhere in the list: only the open stages' order is the path.
    for kind in sorted(sides):
        position = draw(st.integers(min_value=0, max_value=len(stages)))
        stages.insert(position, draw(side_stage(kind, open_ids)))
    data = {"id": "generated", "title": "Generated map", "version": 1, "stages": stages}
    if any("lose" in s.get("branches", []) for s in stages):
        data["lost_reasons"] = ["No budget"]
    return data


@st.composite
def open_stage(
    draw: st.DrawFn, open_ids: list[str], index: int, *, won: bool, sides: set[str]
) -> dict[str, Any]:
    stage_id = open_ids[index]
    allowed = sorted(branch for branch, kind in SIDE_KINDS.items() if kind in sides)
    branches = draw(st.lists(st.sampled_from(allowed), unique=True)) if allowed else []
    stage: dict[str, Any] = {
        "id": stage_id,
        "name": f"Stage {index}",
        "owner": "Sales",
        "entry": "The deal meets this stage's entry definition",
        "activities": ["Run the stage's playbook with the buyer"],
        "exit": draw(exit_items(stage_id=stage_id)),
        "probability": draw(st.integers(min_value=0, max_value=100)),
        "won": won,
        "branches": branches,
    }
    # A jump forward always ends somewhere; a jump back only where the stage can also leave
    # the loop by a terminal branch, so the generated map stays one a deal can finish.
    targets = open_ids[index + 1 :]
    if "lose" in branches or "disqualify" in branches:
        targets = open_ids
    if index + 1 < len(open_ids) and draw(st.booleans()):
        stage["next"] = draw(st.sampled_from(targets))
    return stage


@st.composite
def side_stage(draw: st.DrawFn, kind: str, open_ids: list[str]) -> dict[str, Any]:
    least = 1 if kind == "nurture" else 0  # a nurture stage with no reopen traps its deals
    reopen = draw(st.lists(st.sampled_from(open_ids), min_size=least, max_size=3, unique=True))
    return {
        "id": kind,
        "name": kind.title(),
        "kind": kind,
        "owner": "Sales",
        "entry": "The deal left the main path",
        "activities": ["Record the reason in the deal"],
        "probability": 0,
        "reopen": reopen,
    }


def load(data: dict[str, Any]) -> tuple[ProcessMap, str]:
    text = yaml.safe_dump(data, sort_keys=False)
    return parse_map(text, file="generated.yml"), text


def terminal_ids(process_map: ProcessMap, flow: Flow) -> set[str]:
    ends = {process_map.won_stage.id}
    ends |= {s.id for s in process_map.open_stages if flow.find(s.id, Move.ADVANCE) is None}
    ends |= {s.id for s in process_map.stages if s.kind in (StageKind.LOST, StageKind.DISQUALIFIED)}
    return ends


def reachable_by_machine(flow: Flow, start: str) -> set[str]:
    """Breadth-first over the machine's own transitions (independent of flows.reachability)."""
    seen, frontier = {start}, [start]
    while frontier:
        for transition in flow.available(frontier.pop()):
            if transition.dest not in seen:
                seen.add(transition.dest)
                frontier.append(transition.dest)
    return seen


@PROPERTY_SETTINGS
@given(map_data())
def test_every_reachable_stage_can_reach_an_end(data: dict[str, Any]) -> None:
    process_map, text = load(data)
    flow = Flow(process_map)
    ends = terminal_ids(process_map, flow)
    for stage_id in reachable_by_machine(flow, process_map.first_stage.id):
        assert reachable_by_machine(flow, stage_id) & ends, (stage_id, text)
    # The linter's own graph agrees with the machine: no dead end in a map that has none.
    assert not [w for w in lint_text(text) if w.rule == "dead-end"], text


@st.composite
def deal_in_map(draw: st.DrawFn) -> tuple[ProcessMap, DealState]:
    process_map, _text = load(draw(map_data()))
    stage = draw(st.sampled_from(process_map.stages))
    ids = [item.id for item in stage.exit]
    ticked = draw(st.frozensets(st.sampled_from(ids + ["stray_id"])))
    values = st.sampled_from(["", " ", "42", "Budget: 10k"])
    evidence = draw(st.dictionaries(st.sampled_from(ids + ["stray_id"]), values))
    return process_map, DealState(stage.id, ticked=ticked, evidence=evidence)


@PROPERTY_SETTINGS
@given(deal_in_map())
def test_advance_never_succeeds_with_a_required_item_open(
    case: tuple[ProcessMap, DealState],
) -> None:
    process_map, deal = case
    flow = Flow(process_map)
    stage = process_map.stage(deal.state)
    open_required = [
        item.id
        for item in stage.exit
        if item.required
        and (
            item.id not in deal.ticked
            or (item.evidence and not deal.evidence.get(item.id, "").strip())
        )
    ]
    transition = flow.find(deal.state, Move.ADVANCE)
    moved = transition is not None and flow.fire(transition, deal)
    if open_required:
        assert not moved and deal.state == stage.id
    else:
        assert moved == (transition is not None)
    assert [
        item.id for item in flow.missing_items(stage.id, deal.ticked, deal.evidence)
    ] == open_required
