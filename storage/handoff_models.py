"""Owning teams and handoffs (docs/handoffs.md): which channel (and user group) each map
owner has in a workspace, and each handoff of a deal to the team that owns its new stage.

storage.tables imports this module, so its tables are on the one metadata.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models import utcnow


class OwnerChannel(SQLModel, table=True):
    """A map owner's channel in one workspace: `/deal owners set Implementation #impl`."""

    __tablename__ = "owner_channel"
    __table_args__ = (UniqueConstraint("team_id", "owner_key", name="uq_owner_channel_owner"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    owner_key: str = Field(max_length=120, description="the owner label, folded")
    owner: str = Field(max_length=120, description="the owner label as the map writes it")
    channel_id: str = Field(max_length=32)
    usergroup_id: str | None = Field(default=None, max_length=32)
    set_by: str = Field(max_length=32)
    set_at: dt.datetime = Field(default_factory=utcnow)


class Handoff(SQLModel, table=True):
    """A deal handed to the team owning the stage it entered: one per stay (the deal and
    when it entered), posted to the team's channel, accepted once."""

    __tablename__ = "handoff"
    __table_args__ = (
        UniqueConstraint("deal_id", "entered_at", name="uq_handoff_stay"),
        Index("ix_handoff_waiting", "accepted_at", "team_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    deal_id: int = Field(foreign_key="deal.id")
    from_stage: str = Field(max_length=40)
    to_stage: str = Field(max_length=40)
    owner: str = Field(max_length=120, description="the new stage's owner label")
    entered_at: dt.datetime = Field(description="the deal's stage_entered_at for this stay")
    channel_id: str = Field(max_length=32)
    usergroup_id: str | None = Field(default=None, max_length=32)
    handed_by: str = Field(max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    accepted_by: str | None = Field(default=None, max_length=32)
    accepted_at: dt.datetime | None = Field(default=None)
    created_at: dt.datetime = Field(default_factory=utcnow)
