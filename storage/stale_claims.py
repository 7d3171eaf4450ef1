"""Claims left `sending` by a replica that stopped mid-call (killed, or cancelled on
shutdown): once the lease is over nobody will finish them, and nobody may repeat them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.digest_models import ClaimStatus
from storage.digest_queries import ClaimModel

ABANDONED = "abandoned mid-call: its replica stopped before Slack answered"


async def end_abandoned_sends(session: AsyncSession, model: ClaimModel, *, now: dt.datetime) -> int:
    """Move `sending` rows whose lease ended to `unknown` (ended now); how many. The token
    stays: should the owner still be alive, what Slack answered it is still recorded."""
    table: Any = model
    statement = (
        update(model)
        .where(col(table.status) == ClaimStatus.SENDING.value, col(table.lease_until) <= now)
        .values(status=ClaimStatus.UNKNOWN.value, lease_until=now, last_error=ABANDONED)
        .execution_options(synchronize_session=False)
    )
    result = await session.exec(statement)  # type: ignore[call-overload]
    return int(result.rowcount)


async def release(
    session: AsyncSession, model: ClaimModel, *, row_id: int, token: str, now: dt.datetime
) -> bool:
    """Give back a claim nothing was sent for yet (still `claimed`, still ours): its lease
    ends now, so another replica takes it on its next tick, and the attempt is not counted
    (taking it over counts one again). False when it was sending, finished or taken over."""
    table: Any = model
    statement = (
        update(model)
        .where(
            col(table.id) == row_id,
            col(table.claim_token) == token,
            col(table.status) == ClaimStatus.CLAIMED.value,
        )
        .values(lease_until=now, attempts=table.attempts - 1)
        .execution_options(synchronize_session=False)
    )
    result = await session.exec(statement)  # type: ignore[call-overload]
    return bool(result.rowcount == 1)
