"""Generated maps for the quiz properties.

They start from the valid maps of tests/support/generated_maps.py (`map_data`: random
paths, side stages, branches, `next` jumps; every owner "Sales", exit texts repeated
across stages) and then make them hard for a quiz on purpose: owners, stage names, exit
texts and playbook answers drawn from small pools, so that two stages often share an
owner or a name, two items share a text (up to case and a full stop), and long answers
differ only after the part the quiz shows. Each map goes through `parse_map`.
"""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import strategies as st

from flows.loader import parse_map
from flows.schema import ProcessMap
from tests.support.generated_maps import map_data

OWNERS = ["Sales", "Sales (SDR)", "sales", "Marketing", "Customer Success", "Sales Engineering"]
NAMES = ["Discovery", "discovery", "Demo", "Proposal", "Negotiation", "Closed won"]
TEXTS = [
    "Confirm the budget with the economic buyer",
    "confirm the budget with the economic buyer.",
    "Book the demo with the champion",
    "Send the written proposal",
    "Record the decision date",
    "Collect the signed order form",
]
_LONG = "Agree the next step with the buyer and write it down in the deal. " * 12
RESPONSES = [
    "Offer a short call focused on the cost of waiting",
    "offer a short call focused on the cost of waiting.",
    "Compare total cost over three years",
    "Send the contract pack to legal",
    _LONG + "Then book it.",
    _LONG + "Then send the invite.",  # shown the same as the one above: the quiz cuts both
]
OBJECTIONS = [
    "We have no time",
    "This is too expensive",
    "Legal must review it",
    "We use a competitor",
]


@st.composite
def playbook(draw: st.DrawFn, *, stage_id: str) -> list[dict[str, Any]]:
    count = draw(st.integers(min_value=0, max_value=3))
    return [
        {
            "id": f"{stage_id}_p{n}",  # playbook ids are unique across the map
            "objection": draw(st.sampled_from(OBJECTIONS)),
            "category": "general",
            "explore": ["What would change your mind?"],
            "response": draw(st.sampled_from(RESPONSES)),
            "next_step": "Book the follow-up call",
        }
        for n in range(count)
    ]


@st.composite
def quiz_map_data(draw: st.DrawFn) -> dict[str, Any]:
    data = draw(map_data())
    for stage in data["stages"]:
        stage["owner"] = draw(st.sampled_from(OWNERS))
        if draw(st.booleans()):
            stage["name"] = draw(st.sampled_from(NAMES))
        for item in stage.get("exit", []):
            if draw(st.booleans()):
                item["text"] = draw(st.sampled_from(TEXTS))
        stage["playbook"] = draw(playbook(stage_id=stage["id"]))
    return data


def load(data: dict[str, Any]) -> ProcessMap:
    return parse_map(yaml.safe_dump(data, sort_keys=False), file="generated.yml")


quiz_maps = quiz_map_data().map(load)
plain_maps = map_data().map(load)  # the flows tests' maps as they are
