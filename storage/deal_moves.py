"""The typed values of moving open deals onto another version of their map (the app's
rules: bot.deals.map_migration; the writes: storage.migration_batch, reached through
storage.deal_store). They are what crosses that seam, so they carry no SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Tick:
    """An exit tick as a migration reads and writes it (a plain value: building ten
    thousands of model objects cost a migration most of its time)."""

    stage: str
    item_id: str
    ticked_by: str
    ticked_at: dt.datetime
    evidence: str | None = None
    validated_by: str | None = None
    validated_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class MigratingDeal:
    """An open deal on the version being migrated from (what a move needs of it), with
    every tick it holds (of every stage: a merged stage takes ticks from the stages merged
    into it)."""

    deal_id: int
    team_id: str
    name: str
    stage: str
    version: int  # its row's version, which the move's write expects
    stage_entered_at: dt.datetime
    ticks: list[Tick] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DealMove:
    """One deal onto the new version: its stage there, the ticks of that stage after the
    move (the stage's rows are replaced by these), and the history event's facts.

    `to_stage` is None when the stage keeps its id: then it is no stage move, the stay
    goes on and `stage_entered_at` is left as it is."""

    deal_id: int
    team_id: str
    map_id: str
    expected_version: int  # the deal's version as read under the batch's lock
    from_version: int
    to_version: int
    from_stage: str
    to_stage: str | None
    stay_started_at: dt.datetime  # when the deal entered `from_stage`
    ticks: list[Tick]  # of the new stage (their `stage` is not read: `stage` is)
    actor_id: str
    at: dt.datetime
    note: str  # what happened to the ticks, JSON (bot.deals.migration_plan.TickNote)

    @property
    def stage(self) -> str:
        """The deal's stage on the new version."""
        return self.to_stage or self.from_stage


def version_pair(from_version: int, to_version: int) -> str:
    """The `value` of a migrated event: "2>3"."""
    return f"{from_version}>{to_version}"


def parse_version_pair(value: str | None) -> tuple[int, int] | None:
    """(from, to) from a migrated event's `value`; None when it is not one."""
    parts = (value or "").split(">")
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        return None
    return int(parts[0]), int(parts[1])
