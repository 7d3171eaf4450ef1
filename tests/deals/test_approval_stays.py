"""An approval asked in an earlier stay in a stage (docs/approvals.md): the deal was lost,
then reopened into the same stage; the old request's Approve or Reject, through the use
cases on both backends, says the deal moved and changes nothing."""

from __future__ import annotations

import pytest

from bot.core.catalog import MapCatalog
from bot.core.context import Services
from bot.core.outcomes import Stale
from bot.core.refs import DealNumber
from bot.deals import approving
from bot.deals.moving import lose
from bot.deals.outcomes import Moved, Ticked
from bot.deals.reopening import reopen
from bot.deals.ticking import set_ticks
from tests.conftest import Clock
from tests.support.approval_map import DISCOUNT, approval_catalog
from tests.support.deals import ADMIN, MANAGER, REP, expect, new_deal, ticked_items, writes_nothing
from tests.support.team import make_team


@pytest.fixture
def catalog() -> MapCatalog:
    return approval_catalog()


async def test_an_answer_from_an_earlier_stay_changes_nothing(
    services: Services, clock: Clock
) -> None:
    await make_team(services, ADMIN, MANAGER.user_id, REP.user_id)
    ref = DealNumber((await new_deal(services, REP, "Acme", "150k")).deal_id)
    ticked = expect(await set_ticks(services, REP, ref, evidence={DISCOUNT: "15%"}), Ticked)
    (old,) = ticked.approvals
    clock.advance(hours=1)
    expect(await lose(services, REP, ref, reason="No budget"), Moved)
    clock.advance(hours=1)
    expect(await reopen(services, REP, ref, stage="propose"), Moved)

    async with writes_nothing(services):
        approved = await approving.approve(services, MANAGER, old.request_id)
        rejected = await approving.reject(services, MANAGER, old.request_id, reason="no")

    for answer in (approved, rejected):
        assert isinstance(answer, Stale) and "left Propose" in answer.message, answer
        assert answer.card is not None and answer.card.stage.id == "propose"


async def test_ticking_again_after_reopening_asks_anew(services: Services, clock: Clock) -> None:
    await make_team(services, ADMIN, MANAGER.user_id, REP.user_id)
    ref = DealNumber((await new_deal(services, REP, "Acme", "150k")).deal_id)
    expect(await set_ticks(services, REP, ref, evidence={DISCOUNT: "15%"}), Ticked)
    clock.advance(hours=1)
    expect(await lose(services, REP, ref, reason="No budget"), Moved)
    clock.advance(hours=1)
    back = expect(await reopen(services, REP, ref, stage="propose"), Moved)
    assert DISCOUNT not in back.card.approvals  # the old request waits no more

    again = expect(await set_ticks(services, REP, ref, evidence={DISCOUNT: "10%"}), Ticked)

    (new,) = again.approvals
    assert again.approval_waits == [] and new.asked == (MANAGER.user_id,)
    approved = await approving.approve(services, MANAGER, new.request_id)
    assert not isinstance(approved, Stale), approved
    assert DISCOUNT in await ticked_items(services.db, ref.deal_id, "propose")
