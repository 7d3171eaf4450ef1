"""Write a large stage history in the native import format (docs/imports.md), to measure
`stagecoach import` and `stagecoach export` at scale (docs/imports.md, "At scale").

    python bench/history_file.py --deals 100000 -o /tmp/history-100k.csv
    /usr/bin/time -v stagecoach import /tmp/history-100k.csv --team-id TBENCH

Each deal of the default map walks its main path forwards and back, `--events` entries on
average (9 to 13 around 11), and ends won, lost (with a reason) or open. Rows come deal by
deal; `--interleave N` writes N deals' rows mixed together in time order instead, as a CRM
export sorted by date would (the importer then sorts them by deal on disk). Constant memory.
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

from bot.history.rows import COLUMNS  # noqa: E402

MAIN = ("qualify", "discovery", "demo", "proposal", "commit")
REASONS = ("Chose a competitor", "Price too high", "No budget", "Timing")
OWNERS = tuple(f"UREP{n:05d}" for n in range(40))
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=11)
    parser.add_argument("--interleave", type=int, default=1, metavar="N")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with open(args.output, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for first in range(1, args.deals + 1, args.interleave):
            last = min(first + args.interleave, args.deals + 1)
            block = [row for n in range(first, last) for row in deal_rows(n, rng, args.events)]
            if args.interleave > 1:
                block.sort(key=lambda row: row[6])
            writer.writerows(block)


def deal_rows(n: int, rng: random.Random, events: int) -> Iterator[tuple[str, ...]]:
    name, owner = f"Deal {n}", rng.choice(OWNERS)
    amount = str(rng.choice((5, 10, 20, 50, 80, 120)) * 1000)
    at = START + dt.timedelta(minutes=rng.randrange(0, 400 * 24 * 60))
    for stage, reason in walk(rng, rng.randint(events - 2, events + 2)):
        yield f"C{n}", name, owner, amount, "USD", stage, at.isoformat(), reason
        at += dt.timedelta(hours=rng.randint(1, 24 * 20))


def walk(rng: random.Random, length: int) -> Iterator[tuple[str, str]]:
    """`length` stage entries along the main path, no stage twice in a row."""
    here = 0
    for _step in range(length - 1):
        yield MAIN[here], ""
        if here == 0 or (here < len(MAIN) - 1 and rng.random() < 0.6):
            here += 1
        else:
            here -= 1
    ending = rng.random()
    if ending < 0.3:
        yield "closed_won", ""
    elif ending < 0.7:
        yield "lost", rng.choice(REASONS)
    else:
        yield MAIN[here], ""


if __name__ == "__main__":
    main()
