"""What deals actually did on a map, as plain data: the input of the discovery picture
(`flows/diagram_actual.py`) and of the discovery report's flow section.

Pure values, no I/O: `bot/reporting` measures them from the event history, `flows` draws
them. Stage ids are the map's; `None` as a source means "created here" (a deal's first
stage), as a destination never occurs (a deal that is still in a stage has not moved).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FlowEdge:
    """How many moves went from `source` to `dest` in the period; `on_map` says whether the
    map has that transition (an advance, a branch or a reopen edge), so the ones it lacks
    can be drawn apart. Backward moves and skips are edges like any other."""

    source: str | None
    dest: str
    count: int
    on_map: bool


@dataclass(frozen=True, slots=True)
class StageLoad:
    """One stage's stays: how many ended in the period, the share of them longer than the
    stage's `target_days` (None: no target, or no ended stay), and the median stay in days."""

    stage: str
    ended_stays: int
    overstay_share: float | None
    median_days: float | None


@dataclass(frozen=True, slots=True)
class ActualFlow:
    map_id: str
    map_version: int
    edges: tuple[FlowEdge, ...]
    stages: tuple[StageLoad, ...]

    @property
    def moves(self) -> int:
        return sum(edge.count for edge in self.edges if edge.source is not None)

    def off_map(self) -> tuple[FlowEdge, ...]:
        """The moves the map does not draw, most used first."""
        return tuple(sorted((e for e in self.edges if not e.on_map), key=lambda e: -e.count))
