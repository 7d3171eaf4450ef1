"""Approvals under concurrency, through the use cases on both backends (docs/approvals.md):
answers that arrive together are serialized by the deal's lock, so exactly one of them
counts and every other says why; ticks that arrive together ask once; and every refused
answer writes nothing."""

from __future__ import annotations

import asyncio

import pytest

from bot.core.catalog import MapCatalog
from bot.core.context import Services
from bot.core.outcomes import Invalid, NotAllowed, NotFound
from bot.core.refs import DealNumber
from bot.deals import approving
from bot.deals.outcomes import Approved, Rejected, Ticked
from bot.deals.ticking import set_ticks
from storage import approval_store
from storage.models import EventKind
from tests.support.approval_map import DISCOUNT, approval_catalog
from tests.support.deals import (
    ADMIN,
    MANAGER,
    REP,
    expect,
    kinds_of,
    new_deal,
    ticked_items,
    writes_nothing,
)
from tests.support.team import make_team


@pytest.fixture
def catalog() -> MapCatalog:
    return approval_catalog()


async def asked(services: Services) -> tuple[int, int]:
    """A large deal whose discount the rep asked for: (deal id, request id)."""
    await make_team(services, ADMIN, MANAGER.user_id, REP.user_id)
    card = await new_deal(services, REP, "Acme", "150k")
    ticked = expect(
        await set_ticks(services, REP, DealNumber(card.deal_id), evidence={DISCOUNT: "15%"}),
        Ticked,
    )
    (request,) = ticked.approvals
    assert request.asked == (MANAGER.user_id,)
    return card.deal_id, request.request_id


async def test_answers_at_once_count_once(services: Services) -> None:
    deal_id, request_id = await asked(services)

    answers = await asyncio.gather(
        *(approving.approve(services, who, request_id) for who in (MANAGER, ADMIN) * 5),
        approving.reject(services, MANAGER, request_id, reason="too deep"),
    )

    counted = [a for a in answers if isinstance(a, Approved | Rejected)]
    assert len(counted) == 1, answers
    assert all(
        isinstance(a, Invalid) and "waits no more" in a.message for a in answers if a not in counted
    )
    kinds = await kinds_of(services.db, deal_id)
    answered = [k for k in kinds if k in (EventKind.APPROVED, EventKind.REJECTED)]
    assert len(answered) == 1
    assert (DISCOUNT in await ticked_items(services.db, deal_id, "propose")) is isinstance(
        counted[0], Approved
    )


async def test_ticks_at_once_ask_once(services: Services) -> None:
    await make_team(services, ADMIN, MANAGER.user_id, REP.user_id)
    card = await new_deal(services, REP, "Acme", "150k")
    ref = DealNumber(card.deal_id)

    answers = await asyncio.gather(
        *(set_ticks(services, REP, ref, evidence={DISCOUNT: "15%"}) for _ in range(6))
    )

    assert sum(len(expect(a, Ticked).approvals) for a in answers) == 1
    async with services.db.read() as session:
        requests = await approval_store.requests_of(session, deal_id=card.deal_id, stage="propose")
    assert [r.status for r in requests] == ["pending"]


@pytest.mark.parametrize(
    ("who", "named", "refused"),
    [
        (REP, None, NotAllowed),  # the requester
        (MANAGER, 10**9, NotFound),  # no such request
    ],
)
async def test_refused_answers_write_nothing(
    services: Services, who: object, named: int | None, refused: type
) -> None:
    _deal_id, request_id = await asked(services)
    async with writes_nothing(services):
        answer = await approving.approve(services, who, named or request_id)  # type: ignore[arg-type]
        blank = await approving.reject(services, MANAGER, request_id, reason="   ")
    assert isinstance(answer, refused) and isinstance(blank, Invalid)
