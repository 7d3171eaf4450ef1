"""Two people acting on one deal at once never lose an update or double-advance it
(docs/architecture.md, "One change path"). Fifty requests at once, through the real use
cases, on both backends: SQLite serializes writers with BEGIN IMMEDIATE, PostgreSQL with a
row lock plus the version check. A bind writes two deals (the one it binds, the one it
unbinds) and holds both the same way."""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import Counter
from dataclasses import replace

import pytest

from bot.core.context import Services
from bot.core.outcomes import Blocked, DealCard, Done, Outcome, Stale
from bot.core.refs import DealNumber, SeenDeal
from bot.deals import moving, ticking
from bot.deals.binding import bind_deal
from bot.deals.outcomes import Moved, Ticked
from flows.schema import Stage
from storage import deal_writes
from storage.models import Deal, EventKind
from tests.support.deals import (
    REP,
    catalog_from,
    deal_row,
    default_map_v2_source,
    events_of,
    expect,
    kinds_of,
    make_ready,
    new_deal,
    ticked_items,
)

REQUESTS = 50


@pytest.fixture
async def ready_deal(services: Services) -> DealCard:
    """Acme in Qualification with every required item done: one advance away from Discovery."""
    return await make_ready(services, REP, await new_deal(services, REP, "Acme", "50k"))


def count_types(outcomes: list[Outcome]) -> Counter[type]:
    return Counter(type(outcome) for outcome in outcomes)


async def test_fifty_clicks_on_advance_move_the_deal_once(
    services: Services, ready_deal: DealCard
) -> None:
    # Each click carries the stage of the card it was on (the Advance button's value).
    outcomes = await asyncio.gather(
        *(
            moving.advance(services, REP, SeenDeal(ready_deal.deal_id, "qualify"))
            for _ in range(REQUESTS)
        )
    )

    assert count_types(outcomes) == {Moved: 1, Stale: REQUESTS - 1}
    for stale in (outcome for outcome in outcomes if isinstance(outcome, Stale)):
        assert stale.card is not None and stale.card.stage.id == "discovery"
        assert "just moved" in stale.message
    kinds = await kinds_of(services.db, ready_deal.deal_id)
    assert kinds.count(EventKind.ADVANCED) == 1
    row = await deal_row(services.db, ready_deal.deal_id)
    assert (row.stage, row.version) == ("discovery", ready_deal.version + 1)


async def test_fifty_typed_advances_never_double_advance(
    services: Services, ready_deal: DealCard
) -> None:
    # A typed `/deal advance` carries no stage: the stage is the one the request reads
    # first. Requests that read before the move are Stale; one that reads after it asks
    # to leave Discovery, whose items are open, so it is Blocked. None moves it again.
    # How many read before the winner commits depends on scheduling (the pools' queues,
    # the database's): both answers are right, a second move never is.
    outcomes = await asyncio.gather(
        *(moving.advance(services, REP, DealNumber(ready_deal.deal_id)) for _ in range(REQUESTS))
    )

    counts = count_types(outcomes)
    assert counts[Moved] == 1
    assert counts[Stale] + counts[Blocked] == REQUESTS - 1
    for blocked in (outcome for outcome in outcomes if isinstance(outcome, Blocked)):
        assert blocked.card is not None and blocked.card.stage.id == "discovery"
    kinds = await kinds_of(services.db, ready_deal.deal_id)
    assert kinds.count(EventKind.ADVANCED) == 1
    assert (await deal_row(services.db, ready_deal.deal_id)).stage == "discovery"


def fifty_selections() -> list[list[str]]:
    """Fifty checkbox states of Qualification's five items (every one of the 32 subsets,
    then 18 more), in a fixed shuffled order."""
    subsets = [
        [str(n) for n in combo]
        for size in range(6)
        for combo in itertools.combinations(range(1, 6), size)
    ]
    chosen = subsets + random.Random(7).sample(subsets, REQUESTS - len(subsets))
    random.Random(11).shuffle(chosen)
    return chosen


def evidence_of(stage: Stage, selection: list[str]) -> dict[str, str]:
    """The same value every time for the selected items that ask for one: a selection
    that repeats the set changes nothing."""
    return {n: f"value {n}" for n in selection if stage.exit[int(n) - 1].evidence is not None}


def applied_order(pair: tuple[Ticked, list[str]]) -> tuple[int, bool]:
    result = pair[0]
    return result.card.version, not (result.ticked or result.unticked)


async def test_fifty_concurrent_selections_apply_one_after_another(
    services: Services,
) -> None:
    card = await new_deal(services, REP, "Acme")
    stage = card.stage
    selections = fifty_selections()

    outcomes = await asyncio.gather(
        *(
            ticking.set_ticks(
                services,
                REP,
                DealNumber(card.deal_id),
                selection=selection,
                evidence=evidence_of(stage, selection),
            )
            for selection in selections
        )
    )

    # Ticking never moves the deal, so no request is Stale: every one applied.
    results = [expect(outcome, Ticked) for outcome in outcomes]
    # Replay them in the order they were applied: by the deal's version after each, a
    # request that changed nothing (its selection was already the set) after the change
    # that produced the version it saw. Each one's change is exactly the difference
    # between its selection and the set before it.
    ordered = sorted(zip(results, selections, strict=True), key=applied_order)
    current: set[str] = set()
    expected_events: list[tuple[EventKind, str]] = []
    for result, selection in ordered:
        wanted = {stage.exit[int(number) - 1].id for number in selection}
        assert set(result.ticked) == wanted - current
        assert set(result.unticked) == current - wanted
        assert set(result.card.ticked) == wanted
        expected_events += [(EventKind.TICKED, item) for item in result.ticked]
        expected_events += [(EventKind.UNTICKED, item) for item in result.unticked]
        current = wanted
    final = await ticked_items(services.db, card.deal_id, stage.id)
    assert final == current
    assert final in [{stage.exit[int(n) - 1].id for n in s} for s in selections]
    events = [
        (EventKind(event.kind), event.item_id)
        for event in await events_of(services.db, card.deal_id)
        if event.kind != EventKind.CREATED
    ]
    assert events == expected_events
    changes = sum(1 for result in results if result.ticked or result.unticked)
    assert (await deal_row(services.db, card.deal_id)).version == card.version + changes


async def test_fifty_clicks_on_a_deal_of_an_older_map_version(services: Services) -> None:
    # After a new map version is published, a deal of the old version needs its map
    # read from the database; that read must not wait for a connection that the
    # requests queued behind the deal's lock are holding.
    card = await make_ready(services, REP, await new_deal(services, REP, "Acme"))
    published = catalog_from(default_map_v2_source())
    await published.register(services.db)
    after_deploy = Services(
        db=services.db, catalog=published, admins=services.admins, clock=services.clock
    )

    outcomes = await asyncio.wait_for(
        asyncio.gather(
            *(
                moving.advance(after_deploy, REP, SeenDeal(card.deal_id, "qualify"))
                for _ in range(REQUESTS)
            )
        ),
        timeout=20,
    )

    assert count_types(outcomes) == {Moved: 1, Stale: REQUESTS - 1}
    assert (await deal_row(services.db, card.deal_id)).stage == "discovery"
    await after_deploy.deals.flush()  # before the database goes (see test_map_versions)


async def test_a_lost_version_race_answers_stale_with_the_card_it_read(
    services: Services, ready_deal: DealCard, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the lock ever be missing, the version check refuses the write: the answer is
    Stale, with the card as read under the transaction that was rolled back."""

    async def somebody_moved_it_first(*_args: object, **_kwargs: object) -> bool:
        return False

    monkeypatch.setattr(deal_writes, "save_deal", somebody_moved_it_first)
    before = await events_of(services.db, ready_deal.deal_id)
    seen = SeenDeal(ready_deal.deal_id, ready_deal.stage.id)
    outcome = await moving.advance(services, REP, seen)
    stale = expect(outcome, Stale)
    assert stale.card.stage.id == ready_deal.stage.id
    assert set(stale.card.ticked) == set(ready_deal.ticked) and not stale.card.missing
    assert await events_of(services.db, ready_deal.deal_id) == before  # nothing written


ROOMS = 10  # pairs of requests at once, each pair on deals and a channel of its own


async def _bound(services: Services, card: DealCard, room: str) -> Deal:
    """`card`'s deal bound to `room`, as the database holds it now."""
    expect(await bind_deal(services, replace(REP, channel_id=room), DealNumber(card.deal_id)), Done)
    return await deal_row(services.db, card.deal_id)


async def test_a_bind_and_an_advance_of_the_deal_it_unbinds_both_land(
    services: Services,
) -> None:
    """Binding a channel unbinds the deal bound there before; that deal advancing at the
    same moment keeps its move, loses its binding, and takes a version for each."""
    olds, news = [], []
    for room in range(ROOMS):
        ready = await make_ready(services, REP, await new_deal(services, REP, f"Old {room}"))
        olds.append(await _bound(services, ready, f"CROOM{room}"))
        news.append(await new_deal(services, REP, f"New {room}"))

    outcomes = await asyncio.gather(
        *(
            request
            for room, (old, new) in enumerate(zip(olds, news, strict=True))
            for request in (
                bind_deal(
                    services, replace(REP, channel_id=f"CROOM{room}"), DealNumber(new.deal_id)
                ),
                moving.advance(services, REP, SeenDeal(old.id, "qualify")),
            )
        )
    )

    assert count_types(outcomes) == {Done: ROOMS, Moved: ROOMS}
    for room, (old, new) in enumerate(zip(olds, news, strict=True)):
        assert old.id is not None
        moved, bound = await deal_row(services.db, old.id), await deal_row(services.db, new.deal_id)
        assert (moved.stage, moved.channel_id, moved.version) == (
            "discovery",
            None,
            old.version + 2,
        )
        assert (bound.channel_id, bound.version) == (f"CROOM{room}", new.version + 1)
        assert (await kinds_of(services.db, old.id)).count(EventKind.ADVANCED) == 1


async def test_a_bind_and_an_advance_of_the_same_deal_both_land_or_say_why(
    services: Services,
) -> None:
    """The advance (a click: it names the stage) always moves the deal; the typed bind
    read the deal's stage first, so it is Stale when the move came in between. The deal
    holds exactly what the answers say, with a version for each write."""
    cards = [
        await make_ready(services, REP, await new_deal(services, REP, f"Acme {room}"))
        for room in range(ROOMS)
    ]

    outcomes = await asyncio.gather(
        *(
            request
            for room, card in enumerate(cards)
            for request in (
                bind_deal(
                    services, replace(REP, channel_id=f"CROOM{room}"), DealNumber(card.deal_id)
                ),
                moving.advance(services, REP, SeenDeal(card.deal_id, "qualify")),
            )
        )
    )

    binds, advances = outcomes[::2], outcomes[1::2]
    assert count_types(advances) == {Moved: ROOMS}
    for room, (card, bind) in enumerate(zip(cards, binds, strict=True)):
        bound = isinstance(bind, Done)
        assert bound or isinstance(bind, Stale)
        row = await deal_row(services.db, card.deal_id)
        assert (row.stage, row.channel_id, row.version) == (
            "discovery",
            f"CROOM{room}" if bound else None,
            card.version + 1 + bound,
        )
        kinds = await kinds_of(services.db, card.deal_id)
        assert (kinds.count(EventKind.ADVANCED), kinds.count(EventKind.BOUND)) == (1, bound)


async def test_a_deal_moving_to_another_channel_keeps_it_when_its_old_one_is_rebound(
    services: Services,
) -> None:
    """B is bound to room 1. At once: A is bound to room 1 (which unbinds B there) and B
    to room 2. Whichever goes first, B ends in room 2: the unbinding of B holds B and
    looks again at where it is bound, so it never undoes B's move."""
    pairs = []
    for room in range(ROOMS):
        b = await new_deal(services, REP, f"B {room}")
        await _bound(services, b, f"CFIRST{room}")
        pairs.append((await new_deal(services, REP, f"A {room}"), b))

    outcomes = await asyncio.gather(
        *(
            request
            for room, (a, b) in enumerate(pairs)
            for request in (
                bind_deal(
                    services, replace(REP, channel_id=f"CFIRST{room}"), DealNumber(a.deal_id)
                ),
                bind_deal(
                    services, replace(REP, channel_id=f"CSECOND{room}"), DealNumber(b.deal_id)
                ),
            )
        )
    )

    assert count_types(outcomes) == {Done: 2 * ROOMS}
    for room, (a, b) in enumerate(pairs):
        assert (await deal_row(services.db, a.deal_id)).channel_id == f"CFIRST{room}"
        assert (await deal_row(services.db, b.deal_id)).channel_id == f"CSECOND{room}"
