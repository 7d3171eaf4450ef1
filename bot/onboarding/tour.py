"""The tour: one step per stage of the map, the main path first, then the side exits
(lost, disqualified, nurture), because the source insists a map is a flowchart with
its "no" and "not now", not a straight line."""

from __future__ import annotations

from dataclasses import dataclass

from flows.schema import BRANCH_TARGET_KIND, PlaybookEntry, ProcessMap, Stage


@dataclass(frozen=True, slots=True)
class TourStep:
    """What one step shows: the stage, where `advance` leads, and one playbook entry."""

    index: int  # 0-based
    total: int
    map_title: str
    stage: Stage
    next_stage: Stage | None
    side_exits: tuple[Stage, ...]  # where the stage's branches land (lost, nurture…)
    reopen_to: tuple[Stage, ...]  # a side stage: where its deals may be reopened to
    playbook: PlaybookEntry | None

    @property
    def is_last(self) -> bool:
        return self.index == self.total - 1


def tour_stages(process_map: ProcessMap) -> list[Stage]:
    sides = [stage for stage in process_map.stages if not stage.is_open]
    return [*process_map.open_stages, *sides]


def tour_length(process_map: ProcessMap) -> int:
    return len(tour_stages(process_map))


def clamp_step(process_map: ProcessMap, index: int) -> int:
    """A saved position within this map's tour (the map may have shrunk since)."""
    return max(0, min(index, tour_length(process_map) - 1))


def tour_step(process_map: ProcessMap, index: int) -> TourStep:
    stages = tour_stages(process_map)
    at = clamp_step(process_map, index)
    stage = stages[at]
    following = process_map.next_stage_id(stage)
    return TourStep(
        index=at,
        total=len(stages),
        map_title=process_map.title,
        stage=stage,
        next_stage=process_map.stage(following) if following else None,
        side_exits=_side_exits(process_map, stage),
        reopen_to=tuple(process_map.stage(s) for s in stage.reopen if process_map.has_stage(s)),
        playbook=stage.playbook[0] if stage.playbook else None,
    )


def _side_exits(process_map: ProcessMap, stage: Stage) -> tuple[Stage, ...]:
    found = (process_map.stage_of_kind(BRANCH_TARGET_KIND[b]) for b in stage.branches)
    return tuple(target for target in found if target is not None)
