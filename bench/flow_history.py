"""Write a generated stage history (the native import CSV) with planted patterns, to look at
the discovery picture on a realistic volume: `stagecoach maps actual` draws it.

    python bench/flow_history.py --map extended --deals 10000 -o history.csv
    STAGECOACH_MAP=extended stagecoach import history.csv --team-id TDEMO
    STAGECOACH_MAP=extended stagecoach maps actual -o actual.png

Planted, so the picture has something to show (docs/actual-flow.md says what to look for):
- the main path's third stage is skipped by most deals, which go from the second straight
  to the fourth (a skip the map lacks);
- the demo stage sends one deal in eight back to the stage before it (a move back);
- the proposal stage's stays run three times its target;
- a few deals are created half-way (imported from a CRM that began there);
- the usual exits (lose, nurture, disqualify where the map allows them) and reopens.
Not a test: a tool for eyes. Every date lies in the year before --now.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from flows.loader import load_shipped  # noqa: E402
from flows.schema import Branch, ProcessMap  # noqa: E402

HEADER = ("deal_id", "deal_name", "owner", "amount", "currency", "stage", "entered_at", "reason")
OWNERS = tuple(f"UREP{n:05d}" for n in range(12))
SIDE = {Branch.LOSE: "lost", Branch.DISQUALIFY: "disqualified", Branch.NURTURE: "nurture"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--map", default="extended")
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--now", default=dt.datetime.now(dt.UTC).date().isoformat())
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    process_map = load_shipped(args.map)
    now = dt.datetime.combine(dt.date.fromisoformat(args.now), dt.time(), tzinfo=dt.UTC)
    rng = random.Random(args.seed)
    with open(args.output, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for n in range(1, args.deals + 1):
            start = now - dt.timedelta(days=rng.uniform(1, 365))
            amount = rng.choice((5, 10, 20, 50, 80, 120)) * 1000
            owner = rng.choice(OWNERS)
            for stage, at, reason in walk(process_map, rng, start, now):
                row = (f"G{n}", f"Deal {n}", owner, amount, "USD", stage, at.isoformat(), reason)
                writer.writerow(row)


def walk(
    process_map: ProcessMap, rng: random.Random, at: dt.datetime, now: dt.datetime
) -> Iterator[tuple[str, dt.datetime, str]]:
    main = [stage.id for stage in process_map.open_stages]
    here = main[rng.choice((3, 4))] if rng.random() < 0.05 else main[0]  # created half-way
    reason = ""
    for _step in range(40):
        yield here, at, reason
        stage = process_map.stage(here)
        slow = 3.0 if here == "proposal" else 1.0  # planted: three times its target
        at += dt.timedelta(days=rng.expovariate(1 / ((stage.target_days or 10) * slow)))
        if at >= now:
            return
        found = next_stage(process_map, rng, here, main)
        if found is None:
            return
        here, reason = found


def next_stage(
    process_map: ProcessMap, rng: random.Random, here: str, main: list[str]
) -> tuple[str, str] | None:
    stage = process_map.stage(here)
    roll = rng.random()
    if not stage.is_open:
        return (rng.choice(stage.reopen), "") if stage.reopen and roll < 0.15 else None
    index = main.index(here)
    if index + 1 >= len(main):
        return None
    if here == "demo" and roll < 0.12:  # planted: a move back the map lacks
        return main[index - 1], ""
    exits = [b for b in stage.branches if b in SIDE]
    if exits and roll < 0.3:
        branch = rng.choice(exits)
        reason = rng.choice(process_map.lost_reasons) if branch is Branch.LOSE else "No fit"
        return SIDE[branch], reason if branch is not Branch.NURTURE else ""
    if index == 1 and roll < 0.9:  # planted: the stage after this one is mostly skipped
        return main[index + 2], ""
    return main[index + 1], ""


if __name__ == "__main__":
    main()
