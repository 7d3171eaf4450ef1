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
