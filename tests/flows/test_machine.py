"""The state machine: exit criteria gate `advance`, branches, reopen and override."""

from __future__ import annotations

import pytest

from flows.loader import parse_map
from flows.machine import REOPEN_PREFIX, DealState, Flow, Move, flow_for
from tests.support.maps import GOOD_MAP

DONE = frozenset({"pain", "budget"})
BUDGET = {"budget": "40k EUR"}


@pytest.fixture
def flow() -> Flow:
    return Flow(parse_map(GOOD_MAP))


def advance(flow: Flow, deal: DealState) -> bool:
    transition = flow.find(deal.state, Move.ADVANCE)
    assert transition is not None
    return flow.fire(transition, deal)


def test_advance_is_blocked_while_a_required_item_is_open(flow: Flow) -> None:
    deal = DealState("discovery", ticked=frozenset({"pain"}), evidence=BUDGET)
    assert not flow.can_advance(deal)
    assert [item.id for item in flow.missing_items(deal.state, deal.ticked, deal.evidence)] == [
        "budget"
    ]
    assert advance(flow, deal) is False
    assert deal.state == "discovery"


def test_advance_moves_once_every_required_item_is_done(flow: Flow) -> None:
    deal = DealState("discovery", ticked=DONE, evidence=BUDGET)
    assert flow.can_advance(deal)
    assert advance(flow, deal) is True
    assert deal.state == "proposal"


def test_optional_items_never_block(flow: Flow) -> None:
    deal = DealState("discovery", ticked=DONE, evidence=BUDGET)
    assert "notes" not in deal.ticked
    assert flow.missing_items(deal.state, deal.ticked, deal.evidence) == []
    assert advance(flow, deal)


@pytest.mark.parametrize("evidence", [{}, {"budget": ""}, {"budget": "   "}, {"pain": "x"}])
def test_an_item_with_evidence_needs_its_value(flow: Flow, evidence: dict[str, str]) -> None:
    deal = DealState("discovery", ticked=DONE, evidence=evidence)
    assert [item.id for item in flow.missing_items(deal.state, deal.ticked, deal.evidence)] == [
        "budget"
    ]
    assert not advance(flow, deal)


def test_a_stage_without_exit_items_advances_freely() -> None:
    flow = Flow(parse_map(GOOD_MAP.replace("    exit:\n      - id: signed\n        text: Collect the signed order form\n", "")))  # fmt: skip
    deal = DealState("proposal")
    assert flow.can_advance(deal) and advance(flow, deal) and deal.state == "won"


def test_the_last_stage_cannot_advance(flow: Flow) -> None:
    assert flow.find("won", Move.ADVANCE) is None
    assert not flow.can_advance(DealState("won"))


@pytest.mark.parametrize(("move", "dest"), [(Move.LOSE, "lost"), (Move.NURTURE, "nurture")])
def test_branches_lead_to_their_side_stage_with_items_open(
    flow: Flow, move: Move, dest: str
) -> None:
    deal = DealState("discovery")
    transition = flow.find("discovery", move)
    assert transition is not None and transition.dest == dest
    assert flow.fire(transition, deal) and deal.state == dest


def test_only_the_branches_a_stage_allows_exist(flow: Flow) -> None:
    assert flow.find("proposal", Move.NURTURE) is None
    assert flow.find("proposal", Move.LOSE) is not None
    assert flow.find("won", Move.LOSE) is None
    assert flow.find("discovery", Move.DISQUALIFY) is None


def test_reopen_returns_a_lost_deal_to_the_named_stage(flow: Flow) -> None:
    deal = DealState("lost")
    transition = flow.find("lost", Move.REOPEN, "discovery")
    assert transition is not None and transition.trigger == f"{REOPEN_PREFIX}discovery"
    assert flow.fire(transition, deal) and deal.state == "discovery"
    assert flow.find("lost", Move.REOPEN, "proposal") is None
    assert flow.find("lost", Move.ADVANCE) is None


def test_override_advances_despite_open_items(flow: Flow) -> None:
    deal = DealState("discovery")
    assert not flow.can_advance(deal)
    transition = flow.find("discovery", Move.OVERRIDE)
    assert transition is not None and transition.dest == "proposal"
    assert flow.fire(transition, deal) and deal.state == "proposal"


def test_firing_from_another_stage_changes_nothing(flow: Flow) -> None:
    deal = DealState("proposal", ticked=DONE, evidence=BUDGET)
    transition = flow.find("discovery", Move.ADVANCE)
    assert transition is not None
    assert flow.fire(transition, deal) is False and deal.state == "proposal"


def test_available_lists_advance_first(flow: Flow) -> None:
    moves = [t.move for t in flow.available("discovery")]
    assert moves[0] is Move.ADVANCE and set(moves) == {
        Move.ADVANCE,
        Move.OVERRIDE,
        Move.LOSE,
        Move.NURTURE,
    }


def test_flow_for_builds_once_per_map_version() -> None:
    process_map = parse_map(GOOD_MAP)
    assert flow_for(process_map) is flow_for(parse_map(GOOD_MAP))
    newer = parse_map(GOOD_MAP.replace("version: 1", "version: 2"))
    assert flow_for(newer) is not flow_for(process_map)
