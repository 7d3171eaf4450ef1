"""Feedback on the map as typed values, and the open feedback per stage that the proposed
edits of a map link to (docs/living-map.md).

Giving feedback is bot.deals.feedback_giving; reading and closing it, for the map's
owners, bot.deals.feedback_owners.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from bot.core.context import Services
from bot.core.outcomes import Outcome
from storage import feedback_queries
from storage.feedback_models import MapFeedback, StageSource
from storage.feedback_queries import Status

__all__ = ["FeedbackEntry", "Status", "StageSource", "open_feedback_by_stage"]


@dataclass(frozen=True, slots=True)
class FeedbackEntry:
    """One piece of feedback as it was given, and whether an owner has closed it."""

    number: int  # per workspace: what `/deal feedback done N` names
    map_id: str
    map_version: int  # the version the author was looking at
    author_id: str
    given_at: dt.datetime
    text: str
    deal_id: int | None  # the deal it was given from, if any
    stage_id: str | None  # the stage it is about, if one could be told
    stage_source: StageSource | None  # named in the text, or the deal's stage
    done_at: dt.datetime | None = None
    done_by: str | None = None
    done_note: str | None = None

    @property
    def is_open(self) -> bool:
        return self.done_at is None

    @classmethod
    def of(cls, row: MapFeedback) -> FeedbackEntry:
        return cls(
            number=row.number,
            map_id=row.map_id,
            map_version=row.map_version,
            author_id=row.author_id,
            given_at=row.given_at,
            text=row.text,
            deal_id=row.deal_id,
            stage_id=row.stage_id,
            stage_source=StageSource(row.stage_source) if row.stage_source else None,
            done_at=row.done_at,
            done_by=row.done_by,
            done_note=row.done_note,
        )


@dataclass(frozen=True, slots=True)
class FeedbackLine:
    """An entry as a list shows it: with its stage's and map's names, and its deal's."""

    entry: FeedbackEntry
    map_title: str
    stage_name: str | None
    deal_name: str | None


@dataclass(frozen=True, slots=True)
class FeedbackGiven(Outcome):
    line: FeedbackLine


@dataclass(frozen=True, slots=True)
class FeedbackList(Outcome):
    """`/deal feedback list`: the newest entries with `status`, and how many there are."""

    status: Status
    lines: list[FeedbackLine]
    total: int


@dataclass(frozen=True, slots=True)
class FeedbackClosed(Outcome):
    """`/deal feedback done N`: an owner closed an entry; its author is told by DM."""

    line: FeedbackLine
    team_id: str


async def open_feedback_by_stage(
    services: Services, *, team_id: str, map_id: str
) -> dict[str | None, tuple[FeedbackEntry, ...]]:
    """The workspace's open feedback on the map, newest first, by the stage it is about
    (None: feedback about no stage in particular). Stages are compared by id, whatever
    version of the map the feedback was given on."""
    async with services.db.read() as session:
        rows = await feedback_queries.open_on_map(session, team_id=team_id, map_id=map_id)
    by_stage: defaultdict[str | None, list[FeedbackEntry]] = defaultdict(list)
    for row in rows:
        by_stage[row.stage_id].append(FeedbackEntry.of(row))
    return {stage_id: tuple(entries) for stage_id, entries in by_stage.items()}
