"""Where a deal stood on the main path when it left it (lost, disqualified, nurtured).

A reopen may bring the deal back to that stage or an earlier one (bot.deals.reopening); the
answer is in the deal's history, in the last move into the side stage it stands in now.
A card of such a deal asks it too (storage.deal_store.for_card), so it is one Core
statement on the deal's events index, with no ORM object built.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import DealEvent, DealStatus, EventKind
from storage.statements import rows

_EVENTS = DealEvent.__table__  # type: ignore[attr-defined]
SIDE_STATUSES = frozenset({DealStatus.LOST, DealStatus.DISQUALIFIED, DealStatus.NURTURE})

_STAGE_LEFT = (
    select(_EVENTS.c.from_stage)
    .where(
        _EVENTS.c.deal_id == bindparam("deal_id"),  # ix_deal_event_deal: newest first
        _EVENTS.c.kind == EventKind.BRANCHED.value,
        _EVENTS.c.to_stage == bindparam("side_stage"),
    )
    .order_by(_EVENTS.c.id.desc())
    .limit(1)
)


async def stage_left(session: AsyncSession, *, deal_id: int, side_stage: str) -> str | None:
    """The stage the deal left for `side_stage` the last time it branched there; None when
    its history has no such move (a deal imported straight into a side stage)."""
    found = await rows(session, _STAGE_LEFT, {"deal_id": deal_id, "side_stage": side_stage})
    return str(found[0][0]) if found and found[0][0] is not None else None


def in_side_stage(status: object) -> bool:
    """Whether a deal of this status stands off the main path (and may be reopened)."""
    return status in SIDE_STATUSES  # a StrEnum: its plain string value matches too
