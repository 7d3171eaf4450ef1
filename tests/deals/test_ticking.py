"""Ticking exit items: by number or id, as a whole selection (what a checkbox click
sends) or item by item, with the evidence some items ask for."""

from __future__ import annotations

import pytest

from bot.core.context import Services
from bot.core.outcomes import Blocked, DealCard, Invalid
from bot.core.refs import DealNumber
from bot.deals import moving, ticking
from bot.deals.outcomes import Moved, Ticked
from storage.models import EventKind
from tests.support.deals import (
    REP,
    deal_row,
    events_of,
    evidence_for,
    expect,
    kinds_of,
    new_deal,
    required_refs,
    ticked_items,
    writes_nothing,
)

# The default map's first stage, Qualification: 1 icp_fit, 2 problem (evidence),
# 3 budget (evidence), 4 timeline (optional, evidence), 5 discovery_booked (evidence).


@pytest.fixture
async def acme(services: Services) -> DealCard:
    return await new_deal(services, REP, "Acme", "50k")


async def tick(services: Services, card: DealCard, **options: object) -> Ticked:
    outcome = await ticking.set_ticks(services, REP, DealNumber(card.deal_id), **options)  # type: ignore[arg-type]
    return expect(outcome, Ticked)


async def test_tick_and_untick_by_number_and_by_id(services: Services, acme: DealCard) -> None:
    ticked = await tick(services, acme, tick=["1", "budget"], evidence={"budget": "20-40k"})
    unticked = await tick(services, acme, untick=["icp_fit"])

    assert ticked.ticked == ["icp_fit", "budget"] and ticked.unticked == []
    assert unticked.ticked == [] and unticked.unticked == ["icp_fit"]
    assert await ticked_items(services.db, acme.deal_id, "qualify") == {"budget"}
    assert await kinds_of(services.db, acme.deal_id) == [
        EventKind.CREATED,
        EventKind.TICKED,
        EventKind.TICKED,
        EventKind.UNTICKED,
    ]


async def test_an_item_that_asks_for_evidence_is_ticked_only_with_it(
    services: Services, acme: DealCard
) -> None:
    asked = await tick(services, acme, tick=["1", "3"])

    assert asked.ticked == ["icp_fit"] and asked.waiting == ["budget"]
    assert set(asked.card.ticked) == {"icp_fit"}
    assert "budget" in {item.id for item in asked.card.missing}
    assert await ticked_items(services.db, acme.deal_id, "qualify") == {"icp_fit"}

    given = await tick(services, acme, evidence={"3": "20-40k"})

    assert given.ticked == ["budget"] and given.waiting == []
    assert given.card.ticked["budget"].evidence == "20-40k"


async def test_a_selection_replaces_the_whole_set(services: Services, acme: DealCard) -> None:
    await tick(services, acme, selection=["1", "2", "3"], evidence={"2": "churn", "3": "20k"})

    changed = await tick(services, acme, selection=["3", "5"])

    # 5 asks for a date: it waits for it, and the rest of the selection applies
    assert changed.ticked == [] and changed.waiting == ["discovery_booked"]
    assert changed.unticked == ["icp_fit", "problem"]
    assert set(changed.card.ticked) == {"budget"}
    assert await ticked_items(services.db, acme.deal_id, "qualify") == {"budget"}


async def test_replaying_a_selection_changes_nothing_and_writes_no_event(
    services: Services, acme: DealCard
) -> None:
    first = await tick(services, acme, selection=["1", "3"], evidence={"3": "20-40k"})
    events_before = [event.id for event in await events_of(services.db, acme.deal_id)]

    replayed = await tick(services, acme, selection=["1", "3"], evidence={"3": "20-40k"})

    assert (replayed.ticked, replayed.unticked) == ([], [])
    assert replayed.card.version == first.card.version
    assert [event.id for event in await events_of(services.db, acme.deal_id)] == events_before


async def test_an_empty_selection_unticks_everything(services: Services, acme: DealCard) -> None:
    await tick(services, acme, selection=["1", "2"], evidence={"2": "churn"})

    cleared = await tick(services, acme, selection=[])

    assert cleared.unticked == ["icp_fit", "problem"]
    assert await ticked_items(services.db, acme.deal_id, "qualify") == set()


async def test_evidence_ticks_its_item_and_a_new_value_replaces_the_old(
    services: Services, acme: DealCard
) -> None:
    await tick(services, acme, evidence={"budget": "20k"})
    changed = await tick(services, acme, evidence={"budget": "  30k   a year "})

    assert changed.ticked == ["budget"]
    assert changed.card.ticked["budget"].evidence == "30k a year"
    values = [e.value for e in await events_of(services.db, acme.deal_id) if e.item_id == "budget"]
    assert values == ["20k", "30k a year"]


async def test_an_evidence_item_ticked_without_its_value_still_blocks(
    services: Services, acme: DealCard
) -> None:
    evidence = evidence_for(acme.stage)
    evidence.pop("budget")
    waiting = await tick(services, acme, tick=required_refs(acme.stage), evidence=evidence)

    blocked = expect(await moving.advance(services, REP, DealNumber(acme.deal_id)), Blocked)

    assert waiting.waiting == ["budget"]
    assert [item.id for item in blocked.missing] == ["budget"]
    assert blocked.card is not None and "budget" not in blocked.card.ticked


async def test_optional_items_never_block(services: Services, acme: DealCard) -> None:
    await tick(services, acme, tick=required_refs(acme.stage), evidence=evidence_for(acme.stage))

    moved = expect(await moving.advance(services, REP, DealNumber(acme.deal_id)), Moved)

    assert "timeline" not in moved.card.ticked  # the optional item was never ticked
    assert moved.card.stage.id == "discovery"


@pytest.mark.parametrize(
    "options",
    [
        {"tick": ["9"]},
        {"tick": ["0"]},
        {"untick": ["no_such_item"]},
        {"selection": ["1", "six"]},
        {"evidence": {"budget": "   "}},
        {"evidence": {"budget": "x" * 501}},
        {"evidence": {"7": "50k"}},
    ],
)
async def test_bad_items_or_evidence_are_refused_and_nothing_is_written(
    services: Services, acme: DealCard, options: dict[str, object]
) -> None:
    await tick(services, acme, tick=["1"])

    async with writes_nothing(services):
        refused = await ticking.set_ticks(services, REP, DealNumber(acme.deal_id), **options)  # type: ignore[arg-type]

    expect(refused, Invalid)


async def test_ticks_belong_to_their_stage(services: Services, acme: DealCard) -> None:
    await tick(services, acme, tick=required_refs(acme.stage), evidence=evidence_for(acme.stage))
    moved = expect(await moving.advance(services, REP, DealNumber(acme.deal_id)), Moved)

    assert moved.card.ticked == {}
    assert len(moved.card.missing) == len(required_refs(moved.card.stage))
    assert (await deal_row(services.db, acme.deal_id)).stage == "discovery"
