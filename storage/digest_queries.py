"""Reads and writes of digests and nudges: subscriptions, claims, and what a digest shows.

Functions take an open session; the caller decides the transaction. Claims are written
so that two replicas racing for one piece of work cannot both win: an insert that does
nothing on a duplicate key, or an update whose WHERE re-checks the lease (PostgreSQL
re-evaluates it after waiting for the row lock; SQLite's BEGIN IMMEDIATE serializes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, false, or_, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.digest_models import ClaimStatus, DigestRun, DigestSubscription, Nudge
from storage.models import OPEN_SQL, Deal, DealEvent, DealStatus, EventKind, ExitTick

ClaimModel = type[DigestRun] | type[Nudge]
RETRYABLE = (ClaimStatus.CLAIMED, ClaimStatus.FAILED)

# -- subscriptions -----------------------------------------------------------------------


async def subscription_for_channel(
    session: AsyncSession, *, team_id: str, channel_id: str
) -> DigestSubscription | None:
    query = select(DigestSubscription).where(
        DigestSubscription.team_id == team_id, DigestSubscription.channel_id == channel_id
    )
    return (await session.exec(query)).first()


async def subscriptions(
    session: AsyncSession, *, team_id: str | None = None
) -> Sequence[DigestSubscription]:
    """Active subscriptions, of one workspace or (for the scheduler) of every workspace."""
    query = select(DigestSubscription).where(DigestSubscription.active == True)  # noqa: E712
    if team_id is not None:
        query = query.where(DigestSubscription.team_id == team_id)
    return (await session.exec(query.order_by(col(DigestSubscription.id)))).all()


async def set_subscription_tz(session: AsyncSession, *, subscription_id: int, tz: str) -> None:
    statement = (
        update(DigestSubscription)
        .where(col(DigestSubscription.id) == subscription_id)
        .values(tz=tz)
        .execution_options(synchronize_session=False)
    )
    await session.exec(statement)  # type: ignore[call-overload]


# -- claims ------------------------------------------------------------------------------


def _insert(session: AsyncSession) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return pg_insert
    return sqlite_insert


async def insert_claim(
    session: AsyncSession, model: ClaimModel, *, key: Sequence[str], values: dict[str, Any]
) -> int | None:
    """Insert the claim row; its id, or None when the key exists (someone else has it)."""
    statement = (
        _insert(session)(model)
        .values(status=ClaimStatus.CLAIMED.value, **values)
        .on_conflict_do_nothing(index_elements=list(key))
        .returning(model.id)  # type: ignore[attr-defined]
    )
    result = await session.exec(statement)  # type: ignore[call-overload]
    return result.scalar_one_or_none()  # type: ignore[no-any-return]


async def reclaim(
    session: AsyncSession,
    model: ClaimModel,
    *,
    row_id: int,
    now: dt.datetime,
    values: dict[str, Any],
) -> bool:
    """Take over an unfinished claim whose lease (or retry wait) is over."""
    table: Any = model
    statement = (
        update(model)
        .where(
            col(table.id) == row_id,
            col(table.status).in_([status.value for status in RETRYABLE]),
            col(table.lease_until) <= now,
        )
        .values(status=ClaimStatus.CLAIMED.value, attempts=table.attempts + 1, **values)
        .execution_options(synchronize_session=False)
    )
    result = await session.exec(statement)  # type: ignore[call-overload]
    return bool(result.rowcount == 1)


async def update_claim(
    session: AsyncSession, model: ClaimModel, *, row_id: int, token: str, values: dict[str, Any]
) -> bool:
    """Record progress on a claim this replica holds; False if it was taken over."""
    table: Any = model
    statement = (
        update(model)
        .where(col(table.id) == row_id, col(table.claim_token) == token)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    result = await session.exec(statement)  # type: ignore[call-overload]
    return bool(result.rowcount == 1)


async def runs_for(
    session: AsyncSession, *, keys: Iterable[tuple[int, str]]
) -> dict[tuple[int, str], DigestRun]:
    """The runs of these (subscription, period) pairs that exist."""
    pairs = list(keys)
    if not pairs:
        return {}
    wanted = or_(
        *(
            and_(col(DigestRun.subscription_id) == sid, col(DigestRun.period) == key)
            for sid, key in pairs
        )
    )
    rows = (await session.exec(select(DigestRun).where(wanted))).all()
    return {(row.subscription_id, row.period): row for row in rows}


async def last_window_end(session: AsyncSession, *, subscription_id: int) -> dt.datetime | None:
    """Where the last digest of this subscription that went out stopped counting."""
    query = (
        select(DigestRun.window_end)
        .where(
            DigestRun.subscription_id == subscription_id,
            DigestRun.status == ClaimStatus.POSTED.value,
        )
        .order_by(col(DigestRun.window_end).desc())
        .limit(1)
    )
    return (await session.exec(query)).first()


async def digest_run(session: AsyncSession, *, run_id: int) -> DigestRun | None:
    return await session.get(DigestRun, run_id)


async def retryable_nudges(
    session: AsyncSession, *, now: dt.datetime, limit: int = 50
) -> Sequence[Nudge]:
    """Nudges left unfinished by a replica that died, or refused by Slack, now due again."""
    query = (
        select(Nudge)
        .where(col(Nudge.status).in_([s.value for s in RETRYABLE]), col(Nudge.lease_until) <= now)
        .order_by(col(Nudge.id))
        .limit(limit)
    )
    return (await session.exec(query)).all()


# -- what a digest shows -----------------------------------------------------------------

MOVEMENT_KINDS = (
    EventKind.CREATED,
    EventKind.ADVANCED,
    EventKind.OVERRIDDEN,
    EventKind.BRANCHED,
    EventKind.REOPENED,
    EventKind.OBJECTION,
)


async def events_between(
    session: AsyncSession,
    *,
    team_id: str,
    owner_ids: Sequence[str] | None,
    start: dt.datetime,
    end: dt.datetime,
    limit: int = 2000,
) -> Sequence[tuple[DealEvent, Deal]]:
    """Movement, overrides, reopens and objections on real deals in [start, end)."""
    query = (
        select(DealEvent, Deal)
        .join(Deal, col(Deal.id) == col(DealEvent.deal_id))
        .where(
            DealEvent.team_id == team_id,
            col(DealEvent.kind).in_([kind.value for kind in MOVEMENT_KINDS]),
            col(DealEvent.at) >= start,
            col(DealEvent.at) < end,
            Deal.is_practice == False,  # noqa: E712
        )
        .order_by(col(DealEvent.at), col(DealEvent.id))
        .limit(limit)
    )
    if owner_ids is not None:
        query = query.where(col(Deal.owner_id).in_(list(owner_ids)))
    return (await session.exec(query)).all()


async def open_deals(
    session: AsyncSession, *, team_id: str | None, owner_ids: Sequence[str] | None, limit: int
) -> Sequence[Deal]:
    query = select(Deal).where(
        Deal.status == DealStatus.OPEN.value,
        Deal.is_practice == False,  # noqa: E712
    )
    if team_id is not None:
        query = query.where(Deal.team_id == team_id)
    if owner_ids is not None:
        query = query.where(col(Deal.owner_id).in_(list(owner_ids)))
    return (await session.exec(query.order_by(col(Deal.stage_entered_at)).limit(limit))).all()


async def unvalidated_ticks(
    session: AsyncSession, *, deal_ids: Sequence[int], item_ids: Sequence[str]
) -> Sequence[ExitTick]:
    """The ticks of `item_ids` (the items a map has validated) on these deals that no one
    has validated yet; the caller keeps those of each deal's current stage."""
    if not deal_ids or not item_ids:
        return []
    query = select(ExitTick).where(
        col(ExitTick.deal_id).in_(list(deal_ids)),
        col(ExitTick.item_id).in_(list(item_ids)),
        col(ExitTick.validated_by).is_(None),
    )
    return (await session.exec(query.order_by(col(ExitTick.ticked_at)))).all()


# -- nudges ------------------------------------------------------------------------------


# The scan's reads of open deals, across workspaces, go through ix_deal_open_marks, which
# holds only the open deals: its predicate is written out (storage.models.OPEN_SQL), since
# a bound 'open' would not let either database use a partial index. Qualified: `crossed`
# also reads the nudges, which have a status of their own.
_OPEN = text(f"deal.{OPEN_SQL}")


async def open_map_versions(session: AsyncSession) -> Sequence[tuple[str, int]]:
    query = select(Deal.map_id, Deal.map_version).where(_OPEN).distinct()
    return (await session.exec(query)).all()


@dataclass(frozen=True, slots=True)
class Threshold:
    """Deals of this map version in this stage crossed when their mark is before `cutoff`."""

    map_id: str
    version: int
    stage: str
    cutoff: dt.datetime


async def crossed(
    session: AsyncSession, *, kind: str, thresholds: Sequence[Threshold], limit: int
) -> Sequence[Deal]:
    """Open real deals past a threshold whose crossing has no nudge row yet.

    `stuck` is measured from the stage entry, `idle` from the last activity; the nudge's
    `since` is that mark, so the anti-join finds exactly the crossings not yet claimed.
    """
    mark: Any = Deal.stage_entered_at if kind == "stuck" else Deal.last_activity_at
    past = or_(
        false(),
        *(
            and_(
                col(Deal.map_id) == t.map_id,
                col(Deal.map_version) == t.version,
                col(Deal.stage) == t.stage,
                mark <= t.cutoff,
            )
            for t in thresholds
        ),
    )
    nudged = exists().where(
        col(Nudge.deal_id) == col(Deal.id), col(Nudge.kind) == kind, col(Nudge.since) == mark
    )
    query = (
        select(Deal)
        .where(_OPEN, Deal.is_practice == False)  # noqa: E712
        .where(past, ~nudged)
        .order_by(col(Deal.id))
        .limit(limit)
    )
    return (await session.exec(query)).all()


# -- what is not posted (`stagecoach digest run` names it) -------------------------------


async def unposted_digests(
    session: AsyncSession, *, now: dt.datetime, ended_since: dt.datetime
) -> Sequence[tuple[DigestRun, DigestSubscription]]:
    """Digests waiting for their retry time, and those that ended unposted (refused,
    unknown) since `ended_since` (the end is kept in `lease_until`), with their channel."""
    query = (
        select(DigestRun, DigestSubscription)
        .join(DigestSubscription, col(DigestSubscription.id) == col(DigestRun.subscription_id))
        .where(_unposted(DigestRun, now=now, ended_since=ended_since))
        .order_by(col(DigestRun.id))
    )
    return (await session.exec(query)).all()


async def unposted_nudges(
    session: AsyncSession, *, now: dt.datetime, ended_since: dt.datetime
) -> Sequence[tuple[Nudge, Deal]]:
    """As unposted_digests, for nudges, with their deal (whose owner the DM is for)."""
    query = (
        select(Nudge, Deal)
        .join(Deal, col(Deal.id) == col(Nudge.deal_id))
        .where(_unposted(Nudge, now=now, ended_since=ended_since))
        .order_by(col(Nudge.id))
    )
    return (await session.exec(query)).all()


def _unposted(model: ClaimModel, *, now: dt.datetime, ended_since: dt.datetime) -> Any:
    table: Any = model
    ended = [ClaimStatus.REFUSED.value, ClaimStatus.UNKNOWN.value]
    return or_(
        and_(col(table.status) == ClaimStatus.FAILED.value, col(table.lease_until) > now),
        and_(col(table.status).in_(ended), col(table.lease_until) >= ended_since),
    )
