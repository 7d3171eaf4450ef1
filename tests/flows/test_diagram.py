"""Diagrams: Mermaid text names every stage and edge; PNG is a real image of a sane size."""

from __future__ import annotations

import re
import struct

import pytest

from flows.diagram import EdgeStyle, NodeStyle, UnknownStageError, build_diagram
from flows.diagram_mermaid import PREFIX, to_mermaid
from flows.diagram_png import to_png
from flows.loader import parse_map
from flows.machine import Move, map_transitions
from flows.schema import ProcessMap
from tests.support.maps import GOOD_MAP

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def tiny() -> ProcessMap:
    return parse_map(GOOD_MAP)


def test_mermaid_has_every_stage_with_name_and_owner(tiny: ProcessMap) -> None:
    text = to_mermaid(build_diagram(tiny))
    assert text.startswith('---\ntitle: "Tiny B2B map · v1"\n---\nflowchart TD\n')
    for stage in tiny.stages:
        assert re.search(
            rf'^    {PREFIX}{stage.id}\W+"{re.escape(stage.name)}<br/>owner: {stage.owner}"',
            text,
            re.M,
        )


def test_mermaid_has_every_edge_but_override(tiny: ProcessMap) -> None:
    text = to_mermaid(build_diagram(tiny))
    expected = {
        ("discovery", "proposal", ""),
        ("discovery", "lost", "lose"),
        ("discovery", "nurture", "nurture"),
        ("proposal", "won", ""),
        ("proposal", "lost", "lose"),
        ("lost", "discovery", "reopen"),
        ("nurture", "discovery", "reopen"),
    }
    found = set(
        re.findall(rf'^    {PREFIX}(\w+) [=.-]+>(?:\|"(\w+)"\|)? {PREFIX}(\w+)$', text, re.M)
    )
    assert {(source, dest, label) for source, label, dest in found} == expected
    assert "override" not in text
    moves = [t for t in map_transitions(tiny) if t.move is not Move.OVERRIDE]
    assert len(found) == len(moves)


def test_mermaid_styles_won_and_side_stages_apart(tiny: ProcessMap) -> None:
    text = to_mermaid(build_diagram(tiny))
    assert f"class {PREFIX}won won" in text
    assert f"class {PREFIX}lost lost" in text and f"class {PREFIX}nurture nurture" in text
    assert f"{PREFIX}won[[" in text  # a different shape too, for black-and-white prints
    assert f"{PREFIX}discovery ==> {PREFIX}proposal" in text  # main path drawn heavy


def test_mermaid_highlight_and_counts(tiny: ProcessMap) -> None:
    text = to_mermaid(build_diagram(tiny, highlight="proposal", counts={"proposal": 3, "lost": 0}))
    assert f"style {PREFIX}proposal stroke:" in text
    assert "owner: Sales<br/>deals: 3" in text and "deals: 0" in text
    assert text.count("deals:") == 2


def test_mermaid_escapes_labels_and_guards_keyword_ids() -> None:
    text = GOOD_MAP.replace("id: proposal", "id: end").replace(
        "name: Proposal", 'name: "Proposal \\"B\\" #2 <b>"'
    )
    mermaid = to_mermaid(build_diagram(parse_map(text)))
    assert f'{PREFIX}end("Proposal #quot;B#quot; #35;2 #lt;b#gt;<br/>' in mermaid
    assert "\n    end" not in mermaid  # a bare `end` would close the flowchart


def test_diagram_model_styles(tiny: ProcessMap) -> None:
    diagram = build_diagram(tiny)
    styles = {node.id: node.style for node in diagram.nodes}
    assert styles == {
        "discovery": NodeStyle.STAGE,
        "proposal": NodeStyle.STAGE,
        "won": NodeStyle.WON,
        "lost": NodeStyle.LOST,
        "nurture": NodeStyle.NURTURE,
    }
    assert {edge.style for edge in diagram.edges} == set(EdgeStyle)


def test_post_sale_stages_have_their_own_style() -> None:
    text = GOOD_MAP.replace(
        "  - id: lost\n",
        "  - id: onboarding\n    name: Onboarding\n    owner: Customer Success\n"
        "    entry: The contract is signed\n    activities: [Hold the kickoff call]\n"
        "    probability: 100\n  - id: lost\n",
    )
    styles = {node.id: node.style for node in build_diagram(parse_map(text)).nodes}
    assert styles["onboarding"] is NodeStyle.POST_SALE


@pytest.mark.parametrize("bad", [{"highlight": "nope"}, {"counts": {"nope": 1}}])
def test_unknown_stage_names_the_allowed_ids(tiny: ProcessMap, bad: dict[str, object]) -> None:
    with pytest.raises(UnknownStageError) as caught:
        build_diagram(tiny, **bad)  # type: ignore[arg-type]
    assert caught.value.stage_id == "nope"
    assert "discovery, proposal, won, lost, nurture" in str(caught.value)


def test_png_is_a_png_of_sane_size(tiny: ProcessMap) -> None:
    data = to_png(build_diagram(tiny, highlight="proposal", counts={"proposal": 2}))
    assert data.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert 200 < width < 4000 and 200 < height < 4000
    assert 5_000 < len(data) < 2_000_000
