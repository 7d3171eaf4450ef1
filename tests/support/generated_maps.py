"""Generated valid maps (hypothesis strategies): open stages with random exit items (some
asking for evidence of any type, some validated by a manager), optional side stages,
branches, `next` jumps and reopen targets, in random list order. The flows properties
(tests/flows/test_properties.py), the quiz's generated maps (tests/onboarding/strategies.py)
and the gate invariant (tests/deals/test_gate_invariant.py) start from them."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

SIDE_KINDS = {"lose": "lost", "disqualify": "disqualified", "nurture": "nurture"}
# One of each type (docs/maps.md, "Evidence"): the plain prompt is text.
EVIDENCE = [
    "Amount",
    {"prompt": "Seats", "type": "number"},
    {"prompt": "Budget", "type": "money"},
    {"prompt": "Decision date", "type": "date"},
    {"prompt": "Champion", "type": "person"},
    {"prompt": "Signed order", "type": "url"},
    {"prompt": "Plan", "type": "choice", "options": ["Starter", "Growth plan"]},
]


@st.composite
def exit_items(draw: st.DrawFn, *, stage_id: str) -> list[dict[str, Any]]:
    count = draw(st.integers(min_value=0, max_value=5))
    return [
        {
            "id": f"{stage_id}_i{n}",
            "text": f"Confirm point {n} with the buyer",
            "required": draw(st.booleans()),
            **({"evidence": draw(st.sampled_from(EVIDENCE))} if draw(st.booleans()) else {}),
            **({"validate": "manager"} if draw(st.integers(0, 3)) == 0 else {}),
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
