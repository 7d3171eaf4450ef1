"""Properties over generated maps: every deal can finish, and `advance` never skips a required
item (ticked, with its evidence, and validated where the map asks).

The strategy (tests/support/generated_maps.py) builds valid map data (open stages with random
exit items, optional side stages, branches, `next` jumps, reopen targets) in random list
order; the tests dump it to YAML and load it through `parse_map`, so the loader is exercised
along with the machine.
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
from tests.support.generated_maps import map_data

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


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
    validated = draw(st.frozensets(st.sampled_from(ids + ["stray_id"])))
    return process_map, DealState(stage.id, ticked=ticked, evidence=evidence, validated=validated)


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
            or (item.validate_by is not None and item.id not in deal.validated)
        )
    ]
    transition = flow.find(deal.state, Move.ADVANCE)
    moved = transition is not None and flow.fire(transition, deal)
    if open_required:
        assert not moved and deal.state == stage.id
    else:
        assert moved == (transition is not None)
    missing = flow.missing_items(stage.id, deal.ticked, deal.evidence, deal.validated)
    assert [item.id for item in missing] == open_required
