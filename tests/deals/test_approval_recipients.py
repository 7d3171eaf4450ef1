"""Who an approval is asked of (docs/approvals.md, "Who may answer"), through the use cases
on both backends: a request no one could answer is refused and writes nothing, rather
than waiting forever with no one told; any number of admins are asked and recorded."""

from __future__ import annotations

import pytest

from bot.core.catalog import MapCatalog
from bot.core.context import Actor, Services
from bot.core.outcomes import Invalid
from bot.core.refs import DealNumber
from bot.deals.outcomes import Ticked
from bot.deals.ticking import set_ticks
from storage import approval_store
from tests.support.approval_map import CFO, CFO_SIGNS, LEGAL, PLAIN, approval_catalog
from tests.support.deals import ADMIN, REP, expect, new_deal, ticked_items, writes_nothing

OWNING_CFO = Actor(team_id="T1", user_id=CFO)


@pytest.fixture
def catalog() -> MapCatalog:
    return approval_catalog()


@pytest.mark.parametrize(
    ("owner", "item"),
    [
        (ADMIN, LEGAL),  # the one admin owns the deal
        (OWNING_CFO, CFO_SIGNS),  # the one person named owns the deal
    ],
)
async def test_an_approval_only_the_owner_could_give_is_refused(
    services: Services, owner: Actor, item: str
) -> None:
    card = await new_deal(services, owner, "Acme", "150k")

    async with writes_nothing(services):
        refused = await set_ticks(services, owner, DealNumber(card.deal_id), tick=[PLAIN, item])

    assert isinstance(refused, Invalid), refused
    assert f"only <@{owner.user_id}> could" in refused.message
    assert "a deal they own" in refused.message and refused.hint is not None
    assert "/deal role" in refused.hint and "/deal override" in refused.hint
    assert await ticked_items(services.db, card.deal_id, "propose") == set()


async def test_a_second_admin_is_asked_instead(services: Services) -> None:
    services.admins = frozenset({ADMIN.user_id, "UADMIN2"})
    card = await new_deal(services, ADMIN, "Acme", "150k")

    ticked = expect(
        await set_ticks(services, ADMIN, DealNumber(card.deal_id), tick=[LEGAL]), Ticked
    )

    (request,) = ticked.approvals
    assert request.asked == ("UADMIN2",)


async def test_every_admin_of_many_is_asked_and_recorded(services: Services) -> None:
    admins = {f"UADM{n:05d}" for n in range(60)}
    services.admins = frozenset(admins)
    card = await new_deal(services, REP, "Acme", "150k")

    ticked = expect(await set_ticks(services, REP, DealNumber(card.deal_id), tick=[LEGAL]), Ticked)

    (request,) = ticked.approvals
    assert request.asked == tuple(sorted(admins))
    async with services.db.read() as session:
        (row,) = await approval_store.requests_of(session, deal_id=card.deal_id, stage="propose")
    assert row.asked.split(",") == sorted(admins)
