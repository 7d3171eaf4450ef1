"""Creating a deal: its name, its amount, and who may own it."""

from __future__ import annotations

import pytest

from bot.core.context import Services
from bot.core.outcomes import Invalid, NotAllowed
from bot.deals.creating import MAX_NAME, create_deal
from bot.deals.outcomes import Created
from storage.models import DealStatus, EventKind
from tests.support.deals import (
    ADMIN,
    MANAGER,
    OTHER_REP,
    REP,
    deal_row,
    events_of,
    expect,
    writes_nothing,
)


async def test_a_new_deal_starts_at_the_first_stage_with_a_created_event(
    services: Services,
) -> None:
    created = expect(await create_deal(services, REP, name="  Acme   Corp ", amount="50k"), Created)

    card = created.card
    assert (card.name, card.amount, card.currency) == ("Acme Corp", 50_000, "USD")
    assert card.stage.id == services.catalog.current.first_stage.id
    assert card.status is DealStatus.OPEN and card.owner_id == REP.user_id
    row = await deal_row(services.db, card.deal_id)
    assert (row.name_key, row.map_id, row.map_version) == ("acme corp", "default", 1)
    [event] = await events_of(services.db, card.deal_id)
    assert (event.kind, event.actor_id, event.to_stage) == (
        EventKind.CREATED,
        REP.user_id,
        card.stage.id,
    )


@pytest.mark.parametrize(
    ("typed", "value", "currency"),
    [
        ("50k", 50_000, "USD"),
        ("$1.2m", 1_200_000, "USD"),
        ("75,000", 75_000, "USD"),
        ("20000 EUR", 20_000, "EUR"),
        ("€3.5K", 3_500, "EUR"),
    ],
)
async def test_amounts_as_reps_type_them(
    services: Services, typed: str, value: float, currency: str
) -> None:
    card = expect(await create_deal(services, REP, name="Acme", amount=typed), Created).card

    assert card.amount == pytest.approx(value)
    assert card.currency == currency


@pytest.mark.parametrize("typed", ["5O0k", "-5k", "0", "50kk", "1.2.3m", "$"])
async def test_an_amount_that_is_not_one_is_refused_and_nothing_is_written(
    services: Services, typed: str
) -> None:
    async with writes_nothing(services):
        refused = expect(await create_deal(services, REP, name="Acme", amount=typed), Invalid)

    assert refused.hint  # says what would be right


@pytest.mark.parametrize("name", [None, "", "   ", "#42", "42", "x" * 121])
async def test_a_bad_name_is_refused_and_nothing_is_written(
    services: Services, name: str | None
) -> None:
    async with writes_nothing(services):
        expect(await create_deal(services, REP, name=name), Invalid)


async def test_a_name_of_exactly_the_limit_is_fine(services: Services) -> None:
    expect(await create_deal(services, REP, name="x" * MAX_NAME), Created)


async def test_a_rep_cannot_create_a_deal_for_another_rep(services: Services) -> None:
    async with writes_nothing(services):
        expect(
            await create_deal(services, REP, name="Acme", owner_id=OTHER_REP.user_id),
            NotAllowed,
        )


async def test_an_admin_can_create_a_deal_for_a_rep(services: Services) -> None:
    created = await create_deal(services, ADMIN, name="Acme", owner_id=REP.user_id)

    card = expect(created, Created).card
    assert card.owner_id == REP.user_id
    assert (await deal_row(services.db, card.deal_id)).created_by == ADMIN.user_id


async def test_a_manager_can_create_a_deal_for_their_rep_only(team: Services) -> None:
    mine = await create_deal(team, MANAGER, name="Acme", owner_id=REP.user_id)
    not_mine = await create_deal(team, MANAGER, name="Globex", owner_id=OTHER_REP.user_id)

    assert expect(mine, Created).card.owner_id == REP.user_id
    expect(not_mine, NotAllowed)
