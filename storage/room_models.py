"""Deal rooms: the Slack channel `/deal room` made for a deal (docs/deal-rooms.md).

One row per deal. It is inserted before the channel is asked for (a claim, so that two
`/deal room` at once make one channel), gets its channel when Slack made it, and is
deleted again when Slack refused. `card_ts` is the pinned card, updated on each move.

storage.tables imports this module with the others, so every table is on one metadata.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models import utcnow


class DealRoom(SQLModel, table=True):
    __tablename__ = "deal_room"
    __table_args__ = (UniqueConstraint("deal_id", name="uq_deal_room_deal"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    deal_id: int = Field(foreign_key="deal.id")
    asked_by: str = Field(max_length=32)
    claimed_at: dt.datetime = Field(default_factory=utcnow)
    channel_id: str | None = Field(default=None, max_length=32)  # None: being made
    name: str | None = Field(default=None, max_length=80)
    card_ts: str | None = Field(default=None, max_length=32)  # the pinned card's message
