"""The discovery picture (flows/diagram_actual.py): what each edge and stage says, the
widths by traffic, the moves the map lacks drawn apart and listed, and a real PNG on the
shipped maps, for a hand-built flow and for random ones."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows import diagram_actual_png
from flows.actual_flow import ActualFlow, FlowEdge, StageLoad
from flows.diagram import EdgeStyle, NodeStyle
from flows.diagram_actual import (
    MAX_WIDTH,
    MIN_WIDTH,
    Overstay,
    build_actual_diagram,
    overstay_of,
)
from flows.loader import load_shipped
from flows.machine import Move, map_transitions
from tests.support.samples.actual_flow import EDGES, FLOW, MAP

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_every_move_taken_is_an_edge_with_its_count_and_width() -> None:
    diagram = build_actual_diagram(MAP, FLOW, subtitle="your team")
    taken = {(line.source, line.dest): line for line in diagram.lines if line.count}
    moves = [e for e in EDGES if e.source is not None]
    assert {pair: line.count for pair, line in taken.items()} == {
        (e.source, e.dest): e.count for e in moves
    }
    busiest = max(moves, key=lambda e: e.count)
    assert taken[(busiest.source, busiest.dest)].width == MAX_WIDTH
    by_count = sorted(taken.values(), key=lambda line: line.count)
    assert all(a.width <= b.width for a, b in zip(by_count, by_count[1:], strict=False))
    assert all(line.width > MIN_WIDTH for line in by_count)
    assert diagram.moves == sum(e.count for e in moves)


def test_moves_the_map_lacks_are_drawn_apart_and_listed_most_used_first() -> None:
    diagram = build_actual_diagram(MAP, FLOW)
    apart = {(line.source, line.dest) for line in diagram.lines if line.style is None}
    assert apart == {("qualify", "demo"), ("demo", "discovery"), ("proposal", "closed_won")}
    assert diagram.off_map == (
        "Qualification → Solution demo: 12",
        "Solution demo → Discovery: 5",
        "created in Proposal: 4",
        "Proposal → Closed won: 3",
    )
    lines = {(line.source, line.dest): line.style for line in diagram.lines}
    assert lines[("qualify", "discovery")] is EdgeStyle.ADVANCE
    assert lines[("demo", "lost")] is EdgeStyle.BRANCH
    assert lines[("lost", "demo")] is EdgeStyle.REOPEN


def test_a_step_nobody_took_stays_faint_and_unused_exits_are_left_out() -> None:
    diagram = build_actual_diagram(MAP, FLOW)
    faint = {(line.source, line.dest) for line in diagram.lines if line.count == 0}
    assert faint == {("closed_won", "onboarding")}  # the one advance with no traffic
    assert ("proposal", "lost") not in {(line.source, line.dest) for line in diagram.lines}


def test_stages_say_median_against_target_overstay_and_creations() -> None:
    nodes = {node.id: node for node in build_actual_diagram(MAP, FLOW).nodes}
    assert [node for node in nodes] == [stage.id for stage in MAP.stages]
    assert nodes["qualify"].lines == (
        "Qualification",
        "median 9.5 d · target 7 d",
        "62% of 101 ended stays over target",
        "created here: 120",
    )
    assert nodes["closed_won"].lines == ("Closed won", "no stay ended · target 5 d")
    assert nodes["closed_won"].style is NodeStyle.WON
    fills = {stage: node.overstay for stage, node in nodes.items()}
    assert (fills["qualify"], fills["discovery"], fills["demo"]) == (
        Overstay.MOSTLY,
        Overstay.OFTEN,
        Overstay.RARELY,
    )
    assert fills["proposal"] is Overstay.MOSTLY and fills["closed_won"] is Overstay.UNKNOWN


@pytest.mark.parametrize(
    ("share", "step"),
    [(None, Overstay.UNKNOWN), (0.0, Overstay.RARELY), (0.249, Overstay.RARELY),
     (0.25, Overstay.OFTEN), (0.499, Overstay.OFTEN), (0.5, Overstay.MOSTLY), (1.0, Overstay.MOSTLY)],
)  # fmt: skip
def test_three_steps_of_overstay(share: float | None, step: Overstay) -> None:
    assert overstay_of(StageLoad("demo", 10, share, 3.0)) is step


def test_a_stage_the_map_no_longer_has_is_drawn_and_said() -> None:
    gone = ActualFlow(
        MAP.id,
        MAP.version,
        (FlowEdge("qualify", "pilot", 3, on_map=False),),
        (*FLOW.stages, StageLoad("pilot", 0, None, None)),
    )
    diagram = build_actual_diagram(MAP, gone)
    (pilot,) = [node for node in diagram.nodes if node.id == "pilot"]
    assert pilot.style is None and pilot.lines[1] == "not on this version of the map"
    assert diagram_actual_png.to_png(diagram).startswith(PNG_SIGNATURE)


def test_the_png_renders_without_a_graphviz_complaint(capfd: pytest.CaptureFixture[str]) -> None:
    png = diagram_actual_png.to_png(build_actual_diagram(MAP, FLOW, subtitle="your team, Q1"))
    assert png.startswith(PNG_SIGNATURE) and len(png) > 10_000
    assert "Error" not in capfd.readouterr().err  # a bad HTML label is only a message there


@st.composite
def flows(draw: st.DrawFn, map_id: str) -> tuple[object, ActualFlow]:
    process_map = load_shipped(map_id)
    ids = [stage.id for stage in process_map.stages]
    drawn = {
        (t.source, t.dest) for t in map_transitions(process_map) if t.move is not Move.OVERRIDE
    }
    pairs = draw(st.lists(st.tuples(st.sampled_from([None, *ids]), st.sampled_from(ids)), unique=True, max_size=40))  # fmt: skip
    edges = tuple(
        FlowEdge(s, d, draw(st.integers(1, 5000)), on_map=(s, d) in drawn if s else d == ids[0])
        for s, d in pairs
        if s != d
    )
    shares = st.one_of(st.none(), st.floats(0, 1))
    loads = tuple(StageLoad(i, draw(st.integers(0, 99)), draw(shares), draw(st.floats(0, 400))) for i in ids)  # fmt: skip
    return process_map, ActualFlow(process_map.id, process_map.version, edges, loads)


@settings(max_examples=15, deadline=None)
@given(drawn=st.sampled_from(["default", "extended"]).flatmap(flows))
def test_any_flow_on_a_shipped_map_draws(drawn: tuple[object, ActualFlow]) -> None:
    process_map, flow = drawn
    diagram = build_actual_diagram(process_map, flow)  # type: ignore[arg-type]
    taken = [line for line in diagram.lines if line.count]
    assert len(taken) == sum(1 for e in flow.edges if e.source is not None)
    assert all(line.style is EdgeStyle.ADVANCE for line in diagram.lines if not line.count)
    assert all(MIN_WIDTH <= line.width <= MAX_WIDTH for line in diagram.lines)
    assert diagram_actual_png.to_png(diagram).startswith(PNG_SIGNATURE)
