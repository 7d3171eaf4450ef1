"""An override records as skipped an item still waiting for a manager's validation: the
map counts such an item open until it is validated, at the gate and in what an override
leaves behind (mutation testing found nothing checking the validations an override reads),
and an item once validated is no longer skipped."""

from __future__ import annotations

import pytest

from bot.core.catalog import MapCatalog
from bot.core.context import Services
from bot.core.outcomes import DealCard, Invalid
from bot.core.refs import DealNumber
from bot.deals import moving, ticking, validating
from bot.deals.outcomes import Moved, Ticked
from tests.support.deals import MANAGER, REP, evidence_for, expect, new_deal, required_refs
from tests.support.typed_map import SIGNED_OFF, TYPED, typed_catalog


@pytest.fixture
def catalog() -> MapCatalog:
    """Qualify's last required item asks the rep's manager to validate it."""
    return typed_catalog()


async def ticked_all(services: Services) -> DealCard:
    card = await new_deal(services, REP, "Acme", "50k")
    typed = {item_id: good for item_id, (_asked, good, *_rest) in TYPED.items()}
    given = {**evidence_for(card.stage), **typed, SIGNED_OFF: "Maria, at list price"}
    wanted = {item.id for item in card.stage.exit if item.required}
    ticked = await ticking.set_ticks(
        services,
        REP,
        DealNumber(card.deal_id),
        tick=required_refs(card.stage),
        evidence={item: value for item, value in given.items() if item in wanted},
    )
    return expect(ticked, Ticked).card


async def test_an_item_waiting_for_validation_is_what_the_override_skips(team: Services) -> None:
    card = await ticked_all(team)
    assert [item.id for item in card.missing] == [SIGNED_OFF]  # ticked, not yet validated

    moved = await moving.override(team, MANAGER, DealNumber(card.deal_id), reason="pilot signed")

    assert [item.id for item in expect(moved, Moved).skipped] == [SIGNED_OFF]


async def test_once_validated_there_is_nothing_to_override(team: Services) -> None:
    card = await ticked_all(team)
    await validating.validate(team, MANAGER, DealNumber(card.deal_id), SIGNED_OFF)

    refused = await moving.override(team, MANAGER, DealNumber(card.deal_id), reason="hurry")

    said = expect(refused, Invalid).message
    assert said == "nothing to override: every required item of this stage is done"
