"""`/deal map actual`'s text, from a hand-built report (tests/support/samples/actual_flow.py):
the moves counted, the most used moves the map lacks, the most overstayed stages, and
"not enough data" when nothing moved. Figures are worked out here from the sample's edges."""

from __future__ import annotations

from bot.reporting.actual_flow import OVERSTAY_MIN_STAYS
from bot.views.outcomes import outcome_message
from bot.views.text import render_text
from flows.actual_flow import ActualFlow, FlowEdge
from tests.support.samples.actual_flow import EDGES, FLOW, LOADS, sample_actual_flow


def test_the_text_counts_moves_and_names_what_stands_out() -> None:
    message = outcome_message(sample_actual_flow())
    shown = render_text(message.to_dict()["blocks"])
    moves = sum(e.count for e in EDGES if e.source is not None)
    created = sum(e.count for e in EDGES if e.source is None)
    off = sum(e.count for e in EDGES if e.source is not None and not e.on_map)
    assert message.text == (
        f"Actual flow: your team, 2026-01-01..2026-03-31: {moves} moves between stages of the "
        f"B2B sales process (compact) map (v1), {created} deals created."
    )
    elsewhere = sum(e.count for e in EDGES if e.source is None and not e.on_map)
    assert (
        f"Not on the map: {off} moves ({off / moves:.0%} of all moves), and {elsewhere} deals "
        "created past the first stage. Most used:"
    ) in shown
    # the three most used of the moves the map lacks, creations elsewhere included
    assert (
        "• Qualification → Solution demo: 12\n• Solution demo → Discovery: 5\n"
        "• created in Proposal: 4"
    ) in shown
    assert "Proposal → Closed won" not in shown  # the fourth: in the picture only
    assert (
        "Most overstayed:\n"
        "• Qualification: 62% of 101 ended stays longer than its target of 7 days (median 9.5 days)\n"
        "• Proposal: 50% of 38 ended stays longer than its target of 14 days (median 14.0 days)\n"
        "• Discovery: 31% of 65 ended stays longer than its target of 14 days (median 12.0 days)"
    ) in shown
    assert LOADS["lost"].ended_stays < OVERSTAY_MIN_STAYS and "Closed lost:" not in shown
    assert "The picture follows in your direct messages." in shown


def test_a_flow_that_kept_to_the_map_says_so() -> None:
    kept = ActualFlow(FLOW.map_id, FLOW.map_version, tuple(e for e in EDGES if e.on_map), ())
    shown = render_text(outcome_message(sample_actual_flow(flow=kept)).to_dict()["blocks"])
    assert "Every move followed the map." in shown
    assert f"No stage with a target has {OVERSTAY_MIN_STAYS} ended stays in this period" in shown


def test_no_move_is_not_enough_data() -> None:
    created_only = ActualFlow(FLOW.map_id, 1, (FlowEdge(None, "qualify", 3, True),), ())
    message = outcome_message(sample_actual_flow(flow=created_only))
    assert "not enough data to draw the actual flow" in message.text
    assert "/deal map actual all" in message.text
    assert "picture follows" not in render_text(message.to_dict()["blocks"])


def test_an_owner_scope_keeps_its_mention_live() -> None:
    report = sample_actual_flow(scope_title="the deals of <@U0REP0001>")
    assert "the deals of <@U0REP0001>" in outcome_message(report).to_dict()["text"]
