"""The queries of approval requests (storage.approval_models). Each runs in the session
the caller holds: a request is asked, answered or withdrawn inside the transaction that
holds its deal (bot.deals.writes), so the deal's lock serializes its answers too."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.approval_models import ApprovalRequest, ApprovalStatus


async def requests_of(session: AsyncSession, *, deal_id: int, stage: str) -> list[ApprovalRequest]:
    """The deal's requests in `stage`, oldest first."""
    statement = (
        select(ApprovalRequest)
        .where(ApprovalRequest.deal_id == deal_id, ApprovalRequest.stage == stage)
        .order_by(col(ApprovalRequest.id))
        # as the database has them now: an answer written in this transaction is an UPDATE
        # the session's copies of the rows do not see
        .execution_options(populate_existing=True)
    )
    return list((await session.exec(statement)).all())


async def request_by_id(
    session: AsyncSession, *, team_id: str, request_id: int
) -> ApprovalRequest | None:
    """The request, only in its own workspace (another's id finds nothing)."""
    statement = (
        select(ApprovalRequest)
        .where(ApprovalRequest.id == request_id, ApprovalRequest.team_id == team_id)
        .execution_options(populate_existing=True)
    )
    return (await session.exec(statement)).first()


async def add_request(session: AsyncSession, request: ApprovalRequest) -> ApprovalRequest:
    session.add(request)
    await session.flush()
    return request


async def close_request(
    session: AsyncSession,
    *,
    request_id: int,
    status: ApprovalStatus,
    by: str,
    at: dt.datetime,
    reason: str | None = None,
) -> bool:
    """Answer or withdraw a waiting request; False, writing nothing, if it waits no more."""
    statement = (
        update(ApprovalRequest)
        .where(
            col(ApprovalRequest.id) == request_id,
            col(ApprovalRequest.status) == ApprovalStatus.PENDING.value,
        )
        .values(status=status.value, answered_by=by, answered_at=at, reason=reason)
        .execution_options(synchronize_session=False)
    )
    result = await session.exec(statement)  # type: ignore[call-overload]
    return bool(result.rowcount == 1)


async def close_pending(
    session: AsyncSession, *, deal_id: int, stage: str, item_id: str, by: str, at: dt.datetime
) -> None:
    """Withdraw the item's waiting request, if any: one from an earlier stay in the stage,
    before the item is asked for again (at most one waits per item)."""
    statement = (
        update(ApprovalRequest)
        .where(
            col(ApprovalRequest.deal_id) == deal_id,
            col(ApprovalRequest.stage) == stage,
            col(ApprovalRequest.item_id) == item_id,
            col(ApprovalRequest.status) == ApprovalStatus.PENDING.value,
        )
        .values(status=ApprovalStatus.WITHDRAWN.value, answered_by=by, answered_at=at)
        .execution_options(synchronize_session=False)
    )
    await session.exec(statement)  # type: ignore[call-overload]
