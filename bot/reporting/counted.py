"""Counted events of a report (lost reasons, objections, overrides, reopens), and their
grouping per stage: a reason heard in two stages is two counts that name their stage."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from flows.i18n import _
from flows.schema import ProcessMap
from storage import kpi_events as ev


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


@dataclass(frozen=True, slots=True)
class Labelled:
    lost_reasons: list[CountedStat]
    objections: list[CountedStat]
    overrides: list[CountedStat]
    reopens: list[CountedStat]


def counted_events(
    process_map: ProcessMap, events: ev.EventCounts, *, top_objections: int
) -> Labelled:
    """Lost reasons, objections, overrides and reopens, labelled for the map."""
    stage = partial(_stage_name, process_map)
    return Labelled(
        lost_reasons=[_counted(process_map, c, c.key or "") for c in events.lost_reasons],
        objections=[
            _counted(process_map, c, _objection_text(process_map, c.key))
            for c in events.objections[:top_objections]
        ],
        overrides=[_counted(process_map, c, stage(c.stage)) for c in events.overrides],
        reopens=[_counted(process_map, c, stage(c.stage)) for c in events.reopens],
    )


def _counted(process_map: ProcessMap, counted: ev.Counted, label: str) -> CountedStat:
    return CountedStat(
        key=counted.key,
        label=label,
        stage=counted.stage,
        count=counted.count,
        stage_name=_stage_name(process_map, counted.stage),
    )


def _stage_name(process_map: ProcessMap, stage_id: str | None) -> str:
    if stage_id and process_map.has_stage(stage_id):
        return process_map.stage(stage_id).name
    return stage_id or ""


def _objection_text(process_map: ProcessMap, entry_id: str | None) -> str:
    for stage in process_map.stages:
        for entry in stage.playbook:
            if entry.id == entry_id:
                return entry.objection
    return _("Not in the playbook")
