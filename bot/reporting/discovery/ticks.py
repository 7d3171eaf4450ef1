"""Checklist patterns: items always ticked together (in one action) and items usually
ticked last, on their own (the item deals wait on: a bottleneck). Items ticked together
pair by pair are reported as one group per stage: five items ticked in one go are one
finding, not ten."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from bot.reporting.discovery.report import TickKind, TickPattern
from bot.reporting.discovery.thresholds import LAST_SHARE, MIN_SAMPLE, TOGETHER_SHARE
from storage.discovery_outcomes import TickOrder, TickPair


def tick_patterns(
    orders: Sequence[TickOrder], pairs: Sequence[TickPair]
) -> tuple[TickPattern, ...]:
    last = [
        TickPattern(TickKind.LAST, o.stage, (o.item,), o.last_alone, o.with_others)
        for o in orders
        if o.with_others >= MIN_SAMPLE and o.last_alone / o.with_others >= LAST_SHARE
    ]
    found = [*_together(pairs), *last]
    return tuple(sorted(found, key=lambda t: (t.stage, t.kind, -t.share, t.items)))


def _together(pairs: Sequence[TickPair]) -> list[TickPattern]:
    """Groups of items every pair of which was ticked in one action often enough; the
    group's figures are its weakest pair's (fewest together, of fewest both)."""
    close = [p for p in pairs if p.both >= MIN_SAMPLE and p.together / p.both >= TOGETHER_SHARE]
    groups: dict[str, list[set[str]]] = defaultdict(list)
    for pair in close:
        joined = [g for g in groups[pair.stage] if {pair.first, pair.second} & g]
        merged = set().union({pair.first, pair.second}, *joined)
        groups[pair.stage] = [g for g in groups[pair.stage] if g not in joined] + [merged]
    found = []
    for stage, stage_groups in groups.items():
        for group in stage_groups:
            inside = [p for p in close if p.stage == stage and {p.first, p.second} <= group]
            weakest = min(inside, key=lambda p: (p.together / p.both, p.both))
            items = tuple(sorted(group))
            found.append(
                TickPattern(TickKind.TOGETHER, stage, items, weakest.together, weakest.both)
            )
    return found
