"""Time in each stage against its target: the stays' median, p75 and p90, how many ran
over the target, and the open deals over it now (where deals stall)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.reporting.discovery.report import StageTime
from bot.reporting.discovery.thresholds import MIN_SAMPLE
from flows.schema import ProcessMap
from storage.discovery_queries import StayFigures, StuckNow

NO_STAYS = StayFigures(count=0, over_target=0, median=None, p75=None, p90=None)
NONE_STUCK = StuckNow(open=0, over_target=0)


def targets_of(process_map: ProcessMap) -> dict[str, int]:
    return {s.id: s.target_days for s in process_map.stages if s.target_days is not None}


def stage_times(
    process_map: ProcessMap,
    stays: Mapping[str, StayFigures],
    stuck: Mapping[str, StuckNow],
) -> tuple[StageTime, ...]:
    """The main-path stages, in map order (a side stage's stays end only on a reopen)."""
    return tuple(
        StageTime(
            stage=stage.id,
            target_days=stage.target_days,
            stays=stays.get(stage.id, NO_STAYS),
            stuck=stuck.get(stage.id, NONE_STUCK),
        )
        for stage in process_map.open_stages
    )


def stalls(times: tuple[StageTime, ...]) -> tuple[StageTime, ...]:
    """The stages where deals stall: most open deals over their target now, then the
    highest share of stays over it (from enough stays to say so)."""
    stalled = [
        t
        for t in times
        if t.stuck.over_target or (t.stays.count >= MIN_SAMPLE and t.stays.over_target)
    ]
    return tuple(
        sorted(
            stalled,
            key=lambda t: (-t.stuck.over_target, -_overstay_share(t)),
        )
    )


def _overstay_share(time: StageTime) -> float:
    stays = time.stays
    return stays.over_target / stays.count if stays.count >= MIN_SAMPLE else 0.0
