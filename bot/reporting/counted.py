"""Counted events of a report (lost reasons, objections, overrides, reopens), and their
grouping per stage: a reason heard in two stages is two counts that name their stage."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CountedStat:
    key: str | None
    label: str
    stage: str | None
    count: int
    stage_name: str = ""


@dataclass(frozen=True, slots=True)
class StageGroup:
    """Lost reasons or objections of one stage (the stage they were heard or lost in)."""

    stage: str | None
    stage_name: str
    items: list[CountedStat]

    @property
    def count(self) -> int:
        return sum(item.count for item in self.items)


def by_stage(items: list[CountedStat], stage_order: list[str]) -> list[StageGroup]:
    """`items` grouped by stage, stages in map order (unknown ones last), each group's
    items as they came (by count)."""
    groups: dict[str | None, list[CountedStat]] = {}
    for item in items:
        groups.setdefault(item.stage, []).append(item)
    rank = {stage: index for index, stage in enumerate(stage_order)}
    ordered = sorted(groups, key=lambda s: (rank.get(s or "", len(rank)), s or ""))
    return [StageGroup(s, groups[s][0].stage_name, groups[s]) for s in ordered]


def totals_by_label(items: list[CountedStat]) -> list[tuple[str, int]]:
    """Counts per label over every stage, the largest first."""
    totals: dict[str, int] = {}
    for item in items:
        totals[item.label] = totals.get(item.label, 0) + item.count
    return sorted(totals.items(), key=lambda pair: (-pair[1], pair[0]))
