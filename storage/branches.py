"""Where a deal stood on the main path when it left it (lost, disqualified, nurtured).

A reopen may bring the deal back to that stage or an earlier one (bot.deals.reopening); the
answer is in the deal's history, in the last move into the side stage it stands in now.
"""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import DealEvent, EventKind


async def stage_left(session: AsyncSession, *, deal_id: int, side_stage: str) -> str | None:
    """The stage the deal left for `side_stage` the last time it branched there; None when
    its history has no such move (a deal imported straight into a side stage)."""
    statement = (
        select(DealEvent)
        .where(
            DealEvent.deal_id == deal_id,  # ix_deal_event_deal: this deal's events, newest first
            DealEvent.kind == EventKind.BRANCHED.value,
            DealEvent.to_stage == side_stage,
        )
        .order_by(col(DealEvent.id).desc())
        .limit(1)
    )
    found = (await session.exec(statement)).first()
    return found.from_stage if found is not None else None
