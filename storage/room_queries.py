"""Reads and writes of deal rooms (storage.room_models).

Functions take an open session; the caller (bot.deals.rooms) decides the transaction.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.room_models import DealRoom
from storage.statements import dialect_insert


async def room(session: AsyncSession, *, deal_id: int) -> DealRoom | None:
    """The deal's room (deal ids are unique across workspaces)."""
    query = select(DealRoom).where(DealRoom.deal_id == deal_id)
    return (await session.exec(query)).first()


async def room_in(session: AsyncSession, *, team_id: str, channel_id: str) -> DealRoom | None:
    """The deal room this channel is, if it is one (a workspace has few: no index)."""
    query = select(DealRoom).where(DealRoom.team_id == team_id, DealRoom.channel_id == channel_id)
    return (await session.exec(query)).first()


async def claim(
    session: AsyncSession, *, team_id: str, deal_id: int, user_id: str, now: dt.datetime
) -> bool:
    """Insert the deal's room as being made; False when it has a row already (a room, or
    another request making one). The unique deal id decides between two at once."""
    insert = dialect_insert(session)
    statement = (
        insert(DealRoom)
        .values(team_id=team_id, deal_id=deal_id, asked_by=user_id, claimed_at=now)
        .on_conflict_do_nothing(index_elements=["deal_id"])
    )
    return bool((await session.exec(statement)).rowcount == 1)  # type: ignore[call-overload]


async def take_over(
    session: AsyncSession, *, deal_id: int, user_id: str, now: dt.datetime, before: dt.datetime
) -> bool:
    """Take a claim whose maker stopped before making the channel (claimed before `before`)."""
    statement = (
        update(DealRoom)
        .where(
            col(DealRoom.deal_id) == deal_id,
            col(DealRoom.channel_id).is_(None),
            col(DealRoom.claimed_at) < before,
        )
        .values(asked_by=user_id, claimed_at=now)
    )
    return bool((await session.exec(statement)).rowcount == 1)  # type: ignore[call-overload]


async def made(session: AsyncSession, *, deal_id: int, channel_id: str, name: str) -> None:
    statement = (
        update(DealRoom)
        .where(col(DealRoom.deal_id) == deal_id)
        .values(channel_id=channel_id, name=name)
    )
    await session.exec(statement)  # type: ignore[call-overload]


async def pinned(session: AsyncSession, *, deal_id: int, card_ts: str) -> None:
    statement = update(DealRoom).where(col(DealRoom.deal_id) == deal_id).values(card_ts=card_ts)
    await session.exec(statement)  # type: ignore[call-overload]


async def release(session: AsyncSession, *, deal_id: int) -> None:
    """Forget a claim Slack refused to make a channel for: the next `/deal room` tries again."""
    statement = delete(DealRoom).where(
        col(DealRoom.deal_id) == deal_id, col(DealRoom.channel_id).is_(None)
    )
    await session.exec(statement)  # type: ignore[call-overload]
