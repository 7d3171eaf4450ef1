"""How fast is the flow? Build the machine for the extended map, then answer "can it advance /
what is missing" for 10,000 synthetic deals spread over its stages with random ticks.

Not a test: run `.venv/bin/python bench/bench_flows.py [--deals N] [--seed S]` and read the numbers.
Uses the shipped `extended` map, else `default`, else a synthetic 14-stage map built here.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from flows.loader import SHIPPED_DIR, load_map  # noqa: E402
from flows.machine import DealState, Flow, Move  # noqa: E402
from flows.problems import MapError  # noqa: E402
from flows.schema import ProcessMap  # noqa: E402

# The source article's example stages (the extended map), with the team that owns each.
SOURCE_STAGES = (
    ("brand_awareness", "Brand awareness", "Marketing"),
    ("brand_engagement", "Brand engagement", "Marketing"),
    ("mql", "Marketing-qualified lead", "Marketing"),
    ("sales_engagement", "Sales engagement", "Sales (SDR)"),
    ("sql", "Sales-qualified lead", "Sales (SDR)"),
    ("discovery", "Discovery / needs analysis", "Sales"),
    ("demo", "Demo / solution presentation", "Sales Engineering"),
    ("proposal", "Proposal / quote", "Sales"),
    ("verbal", "Verbal agreement", "Sales"),
    ("contract_signed", "Contract signed", "Sales"),
    ("implementation", "Implementation", "Implementation"),
    ("go_live", "Go live", "Implementation"),
    ("new_customer", "New customer", "Customer Success"),
    ("existing_customer", "Existing customer", "Customer Success"),
)
WON_STAGE = "contract_signed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    process_map, source = pick_map()
    started = time.perf_counter()
    flow = Flow(process_map)
    build_ms = (time.perf_counter() - started) * 1000
    deals = synthetic_deals(process_map, count=args.deals, rng=random.Random(args.seed))
    total_ms, movable = answer_all(flow, deals)
    fire_ms, fired = fire_all(flow, deals)
    print(f"map: {source} ({len(process_map.stages)} stages, {len(flow.transitions)} transitions)")
    print(f"build: {build_ms:.2f} ms")
    print(f"deals: {len(deals)}, can advance: {movable}, blocked: {len(deals) - movable}")
    print(f"answer: {total_ms:.1f} ms total, {total_ms * 1000 / len(deals):.2f} µs per deal")
    print(
        f"fire advance (machine trigger, guard included): {fired} deals, {fire_ms * 1000 / max(fired, 1):.2f} µs each"
    )


def pick_map() -> tuple[ProcessMap, str]:
    for map_id in ("extended", "default"):
        path = SHIPPED_DIR / f"{map_id}.yml"
        if path.is_file():
            try:
                return load_map(path), str(path)
            except MapError as exc:
                print(f"skipping {path}: it does not load\n{exc}", file=sys.stderr)
    return synthetic_map(), "synthetic 14-stage map"


def synthetic_deals(process_map: ProcessMap, *, count: int, rng: random.Random) -> list[DealState]:
    """Deals spread evenly over every stage, each exit item ticked with probability 0.8."""
    stages = process_map.stages
    deals = []
    for number in range(count):
        stage = stages[number % len(stages)]
        ticked = frozenset(item.id for item in stage.exit if rng.random() < 0.8)
        evidence = {item.id: "42" for item in stage.exit if item.evidence and rng.random() < 0.9}
        deals.append(DealState(state=stage.id, ticked=ticked, evidence=evidence))
    return deals


def answer_all(flow: Flow, deals: list[DealState]) -> tuple[float, int]:
    """What the bot asks on every card render: can this deal advance, and if not, what is missing."""
    movable = 0
    started = time.perf_counter()
    for deal in deals:
        if flow.can_advance(deal):
            movable += 1
        else:
            flow.missing_items(deal.state, deal.ticked, deal.evidence)
        flow.find(deal.state, Move.ADVANCE)
    return (time.perf_counter() - started) * 1000, movable


def fire_all(flow: Flow, deals: list[DealState]) -> tuple[float, int]:
    """Run the machine's `advance` trigger (condition included) on every deal that may move."""
    movable = [
        (deal, transition)
        for deal in deals
        if (transition := flow.find(deal.state, Move.ADVANCE)) and flow.can_advance(deal)
    ]
    started = time.perf_counter()
    fired = sum(flow.fire(transition, deal) for deal, transition in movable)
    return (time.perf_counter() - started) * 1000, fired


def synthetic_map() -> ProcessMap:
    """A valid 14-stage map in the source's shape, with lost, disqualified and nurture stages."""
    stages: list[dict[str, Any]] = [
        _stage(index, stage_id, name, owner)
        for index, (stage_id, name, owner) in enumerate(SOURCE_STAGES)
    ]
    stages += [
        _side("lost", "Closed lost", "lost", reopen=["discovery"]),
        _side("disqualified", "Disqualified", "disqualified", reopen=["mql"]),
        _side("nurture", "Nurture", "nurture", reopen=["sales_engagement", "discovery"]),
    ]
    return ProcessMap.model_validate(
        {
            "id": "synthetic",
            "title": "Synthetic extended map",
            "version": 1,
            "lost_reasons": ["No budget", "Chose a competitor", "No decision"],
            "stages": stages,
        }
    )


def _stage(index: int, stage_id: str, name: str, owner: str) -> dict[str, Any]:
    pre_win = index < [s[0] for s in SOURCE_STAGES].index(WON_STAGE)
    branches = ["lose"] if index >= 5 and pre_win else []
    branches += ["disqualify"] if 2 <= index <= 5 else []
    branches += ["nurture"] if 1 <= index <= 7 else []
    last = index == len(SOURCE_STAGES) - 1
    return {
        "id": stage_id,
        "name": name,
        "owner": owner,
        "entry": f"A deal enters {name.lower()} when its entry criteria are met",
        "activities": [f"Run the {name.lower()} playbook with the buyer"],
        "exit": [] if last else _items(stage_id, count=3 + index % 4),
        "probability": min(100, index * 8) if pre_win else 100,
        "won": stage_id == WON_STAGE,
        "branches": branches,
    }


def _items(stage_id: str, *, count: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"{stage_id}_{number}",
            "text": f"Confirm checkpoint {number} of this stage with the buyer",
            "required": number != count - 1,
            "evidence": "Amount" if number == 0 else None,
        }
        for number in range(count)
    ]


def _side(stage_id: str, name: str, kind: str, *, reopen: list[str]) -> dict[str, Any]:
    return {
        "id": stage_id,
        "name": name,
        "kind": kind,
        "owner": "Sales",
        "entry": f"The deal moved to {name.lower()}",
        "activities": ["Record the reason in the deal"],
        "probability": 0,
        "reopen": reopen,
    }


if __name__ == "__main__":
    main()
