"""Reads and writes of owning teams' channels and of handoffs (storage.handoff_models).

Functions take an open session; the caller (bot.deals.handoffs, bot.deals.owning_teams)
decides the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, delete, exists, false, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.digest_models import Nudge
from storage.digest_queries import Threshold
from storage.handoff_models import Handoff, OwnerChannel
from storage.models import Deal, ExitTick
from storage.statements import is_sqlite

HANDOFF_NUDGE = "handoff"  # the nudge kind of an unaccepted handoff (storage.digest_models)


def _insert(session: AsyncSession) -> Any:
    return sqlite_insert if is_sqlite(session) else pg_insert


# -- owning teams' channels --------------------------------------------------------------


async def owner_channels(session: AsyncSession, *, team_id: str) -> Sequence[OwnerChannel]:
    query = select(OwnerChannel).where(OwnerChannel.team_id == team_id)
    return (await session.exec(query.order_by(col(OwnerChannel.owner_key)))).all()


async def owner_channel(
    session: AsyncSession, *, team_id: str, owner_key: str
) -> OwnerChannel | None:
    query = select(OwnerChannel).where(
        OwnerChannel.team_id == team_id, OwnerChannel.owner_key == owner_key
    )
    return (await session.exec(query)).first()


async def any_owner_channel(session: AsyncSession, *, team_id: str) -> bool:
    """Whether the workspace has given any owning team a channel (uses handoffs at all)."""
    query = select(OwnerChannel.owner_key).where(OwnerChannel.team_id == team_id).limit(1)
    return (await session.exec(query)).first() is not None


async def set_owner_channel(session: AsyncSession, row: OwnerChannel) -> None:
    """Insert the owner's channel, or replace the one it had."""
    values = row.model_dump(exclude={"id"})
    statement = (
        _insert(session)(OwnerChannel)
        .values(**values)
        .on_conflict_do_update(
            index_elements=["team_id", "owner_key"],
            set_={
                k: values[k] for k in ("owner", "channel_id", "usergroup_id", "set_by", "set_at")
            },
        )
    )
    await session.exec(statement)  # type: ignore[call-overload]


async def remove_owner_channel(session: AsyncSession, *, team_id: str, owner_key: str) -> bool:
    statement = delete(OwnerChannel).where(
        col(OwnerChannel.team_id) == team_id, col(OwnerChannel.owner_key) == owner_key
    )
    result = await session.exec(statement)  # type: ignore[call-overload]
    return bool(result.rowcount)


async def evidence_of(session: AsyncSession, *, deal_id: int) -> Sequence[ExitTick]:
    """Every tick of the deal with a value, in any stage, in the order they were made."""
    query = (
        select(ExitTick)
        .where(ExitTick.deal_id == deal_id, col(ExitTick.evidence).is_not(None))
        .order_by(col(ExitTick.ticked_at), col(ExitTick.id))
    )
    return (await session.exec(query)).all()


# -- handoffs ----------------------------------------------------------------------------


async def add_handoff(session: AsyncSession, row: Handoff) -> int | None:
    """Insert the handoff of a stay; None when that stay has one already."""
    statement = (
        _insert(session)(Handoff)
        .values(**row.model_dump(exclude={"id"}))
        .on_conflict_do_nothing(index_elements=["deal_id", "entered_at"])
        .returning(col(Handoff.id))
    )
    result = await session.exec(statement)  # type: ignore[call-overload]
    return result.scalar_one_or_none()  # type: ignore[no-any-return]


async def handoff(session: AsyncSession, *, team_id: str, handoff_id: int) -> Handoff | None:
    found = await session.get(Handoff, handoff_id)
    return found if found is not None and found.team_id == team_id else None


async def set_message(session: AsyncSession, *, handoff_id: int, ts: str) -> None:
    statement = (
        update(Handoff)
        .where(col(Handoff.id) == handoff_id)
        .values(message_ts=ts)
        .execution_options(synchronize_session=False)
    )
    await session.exec(statement)  # type: ignore[call-overload]


async def accept(session: AsyncSession, *, handoff_id: int, by: str, at: dt.datetime) -> bool:
    """Record who took it; False when someone already had (nothing changes then)."""
    statement = (
        update(Handoff)
        .where(col(Handoff.id) == handoff_id, col(Handoff.accepted_by).is_(None))
        .values(accepted_by=by, accepted_at=at)
        .execution_options(synchronize_session=False)
    )
    result = await session.exec(statement)  # type: ignore[call-overload]
    return bool(result.rowcount == 1)


async def follow_deal(
    session: AsyncSession, *, deal_id: int, began: dt.datetime, now: dt.datetime, stage: str
) -> None:
    """Move the unaccepted handoff of the stay that began `began` to the stay beginning
    `now` in `stage` (a move within the same team's stages: bot.deals.handoffs)."""
    statement = (
        update(Handoff)
        .where(
            col(Handoff.deal_id) == deal_id,
            col(Handoff.entered_at) == began,
            col(Handoff.accepted_by).is_(None),
        )
        .values(entered_at=now, to_stage=stage)
        .execution_options(synchronize_session=False)
    )
    await session.exec(statement)  # type: ignore[call-overload]


async def of_stay(
    session: AsyncSession, *, deal_id: int, entered_at: dt.datetime
) -> Handoff | None:
    query = select(Handoff).where(Handoff.deal_id == deal_id, Handoff.entered_at == entered_at)
    return (await session.exec(query)).first()


async def past_sla(
    session: AsyncSession, *, thresholds: Sequence[Threshold], limit: int
) -> Sequence[tuple[Handoff, Deal]]:
    """Handoffs nobody accepted, not reminded yet, whose deal is still in that stay and
    whose stage's SLA is over (each threshold: a stage and the latest entry past it)."""
    past = or_(
        false(),
        *(
            and_(
                col(Deal.map_id) == t.map_id,
                col(Deal.map_version) == t.version,
                col(Deal.stage) == t.stage,
                col(Handoff.entered_at) <= t.cutoff,
            )
            for t in thresholds
        ),
    )
    query = _waiting().where(past, ~_nudged()).order_by(col(Handoff.id)).limit(limit)
    return [(handed, deal) for handed, deal in (await session.exec(query)).all()]


def _waiting() -> Any:
    return (
        select(Handoff, Deal)
        .join(Deal, col(Deal.id) == col(Handoff.deal_id))
        .where(col(Handoff.accepted_at).is_(None))
        .where(col(Deal.stage) == col(Handoff.to_stage))
        .where(col(Deal.stage_entered_at) == col(Handoff.entered_at))
    )


def _nudged() -> Any:
    return exists().where(
        col(Nudge.deal_id) == col(Handoff.deal_id),
        col(Nudge.kind) == HANDOFF_NUDGE,
        col(Nudge.since) == col(Handoff.entered_at),
    )


async def waiting(
    session: AsyncSession, *, team_id: str, limit: int = 50
) -> Sequence[tuple[Handoff, Deal]]:
    """A workspace's handoffs nobody accepted whose deal is still in that stay, oldest
    first, with their deals (a digest lists them)."""
    query = _waiting().where(Handoff.team_id == team_id)
    rows = await session.exec(query.order_by(col(Handoff.id)).limit(limit))
    return [(handed, deal) for handed, deal in rows.all()]
