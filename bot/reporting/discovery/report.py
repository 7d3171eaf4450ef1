"""The discovery report as typed values: what `stagecoach discover` prints (text or JSON)
and what the proposals are made from. Stage and item ids are the map's; the views name
them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.reporting.periods import Period
from flows.actual_flow import ActualFlow, FlowEdge
from flows.schema import ProcessMap
from storage.discovery_outcomes import FeatureCount
from storage.discovery_queries import StayFigures, StuckNow


class MoveKind(StrEnum):
    """What a move between two stages is, read against the map."""

    CREATED = "created"  # a deal began here
    ADVANCE = "advance"  # where the map's `advance` leads
    SKIP = "skip"  # further along the main path than `advance` leads
    BACKWARD = "backward"  # back to an earlier main-path stage
    EXIT = "exit"  # into lost, disqualified or nurture
    REOPEN = "reopen"  # out of a side stage back onto the main path
    RETIRED = "retired"  # to or from a stage this version of the map no longer has


@dataclass(frozen=True, slots=True)
class Move:
    edge: FlowEdge
    kind: MoveKind
    share: float | None  # of the moves out of the edge's source (None: creations)
    passed: tuple[str, ...] = ()  # a skip's stages gone around


@dataclass(frozen=True, slots=True)
class StageSkip:
    """How the deals that reached past a main-path stage got there."""

    stage: str
    around: int  # moves that went from before the stage to after it
    through: int  # moves into it from before it

    @property
    def share(self) -> float | None:
        passing = self.around + self.through
        return self.around / passing if passing else None


@dataclass(frozen=True, slots=True)
class StageTime:
    stage: str
    target_days: int | None
    stays: StayFigures
    stuck: StuckNow


@dataclass(frozen=True, slots=True)
class Counted:
    key: str
    count: int


@dataclass(frozen=True, slots=True)
class GateOverrides:
    """The overrides of one stage's gate in the period."""

    stage: str
    overrides: int
    moves_on: int  # every move on from the stage (the overrides among them)
    open_items: tuple[Counted, ...]  # item → overrides it was open at, most first
    by: tuple[Counted, ...]  # who overrode → how often
    won: int  # deals overridden here, by their status now
    lost: int
    still_open: int


@dataclass(frozen=True, slots=True)
class ItemOverridden:
    """A required item open at overrides of its stage's gate in won deals."""

    stage: str
    item: str
    won_overridden: int  # won deals where it was open at an override
    won_recorded: int  # won deals whose way through the gate was recorded

    @property
    def share(self) -> float:
        return self.won_overridden / self.won_recorded if self.won_recorded else 0.0


class TickKind(StrEnum):
    TOGETHER = "together"  # two items ticked in one action
    LAST = "last"  # one item ticked last, on its own


@dataclass(frozen=True, slots=True)
class TickPattern:
    kind: TickKind
    stage: str
    items: tuple[str, ...]
    hits: int
    sample: int

    @property
    def share(self) -> float:
        return self.hits / self.sample if self.sample else 0.0


@dataclass(frozen=True, slots=True)
class Difference:
    """A feature won and lost deals have at rates that differ beyond chance."""

    feature: FeatureCount
    won: int
    lost: int
    p_value: float

    @property
    def won_share(self) -> float:
        return self.feature.won / self.won if self.won else 0.0

    @property
    def lost_share(self) -> float:
        return self.feature.lost / self.lost if self.lost else 0.0


@dataclass(frozen=True, slots=True)
class WonAgainstLost:
    won: int
    lost: int
    enough: bool  # both outcomes reach the minimum sample
    tested: int  # features compared
    differences: tuple[Difference, ...]
    worked_won: int = 0  # deals worked in stagecoach: what ticks and objections compare
    worked_lost: int = 0


@dataclass(frozen=True, slots=True)
class DiscoveryReport:
    map: ProcessMap
    scope: str  # as --scope takes it
    scope_title: str
    period: Period
    flow: ActualFlow
    moves: tuple[Move, ...]
    skips: tuple[StageSkip, ...]
    times: tuple[StageTime, ...]
    gates: tuple[GateOverrides, ...]
    items_overridden: tuple[ItemOverridden, ...]
    ticks: tuple[TickPattern, ...]
    outcomes: WonAgainstLost

    @property
    def deals_moved(self) -> int:
        return sum(move.edge.count for move in self.moves if move.kind is MoveKind.CREATED)
