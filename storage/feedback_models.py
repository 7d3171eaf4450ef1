"""Feedback on a process map (`/deal feedback`), kept for the map's owners to read and close.

A row per piece of feedback, numbered per workspace (1, 2, 3…) so that owners close one
by the number the list showed (`/deal feedback done 3`). Feedback is not deal history:
it may name no deal at all, and closing it is an update of its row, not an event. Until
migration 0015 it was a `deal_event` of kind `feedback`; that migration moved the rows
here (docs/living-map.md).

storage.tables imports this module with the others, so every table is on one metadata.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models import utcnow


class StageSource(StrEnum):
    """How the stage a piece of feedback is about was told."""

    NAMED = "named"  # the text names the stage
    DEAL = "deal"  # the stage the author's deal was in when they wrote it


class MapFeedback(SQLModel, table=True):
    __tablename__ = "map_feedback"
    __table_args__ = (
        UniqueConstraint("team_id", "number", name="uq_map_feedback_number"),
        # the open feedback of a workspace, newest first: the list, the digest, proposals
        Index("ix_map_feedback_open", "team_id", "done_at", "number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    number: int = Field(description="1, 2, 3… per workspace, in the order it was given")
    map_id: str = Field(max_length=40)
    map_version: int
    author_id: str = Field(max_length=32)
    given_at: dt.datetime = Field(default_factory=utcnow)
    text: str = Field(sa_column=Column(Text, nullable=False))
    deal_id: int | None = Field(default=None, foreign_key="deal.id")  # written from this deal
    stage_id: str | None = Field(default=None, max_length=40)  # the stage it is about
    stage_source: StageSource | None = Field(default=None, sa_type=String(8))
    done_at: dt.datetime | None = Field(default=None)
    done_by: str | None = Field(default=None, max_length=32)
    done_note: str | None = Field(default=None, sa_column=Column(Text))
