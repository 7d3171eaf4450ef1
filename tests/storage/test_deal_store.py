"""storage.deal_store's contract: what each way of finding a deal finds, in its own
workspace only; which engine each read runs on (the choice is the store's alone); the
card and the user's default deal in one statement; a change held under the lock and
written only at the version it was read at."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import event

from bot.core.context import Services
from bot.core.outcomes import DealCard, Done
from bot.core.refs import DealName
from bot.deals.binding import bind_deal
from storage import queries
from storage.database import Database
from storage.deal_store import MAX_DEAL_ID, DealStore
from storage.models import Deal, EventKind
from tests.support.deals import (
    OTHER_REP,
    REP,
    T2_REP,
    deal_row,
    events_of,
    expect,
    make_ready,
    new_deal,
    writes_nothing,
)


@contextmanager
def statements_by_engine(db: Database) -> Iterator[dict[str, list[str]]]:
    """The statements run inside the block, by the engine that ran them."""
    engines = {"quick": db.quick_engine, "plain": db.engine, "write": db.write_engine}
    seen: dict[str, list[str]] = {name: [] for name in engines}
    hooks = []
    for name, engine in engines.items():

        def keep(*args: Any, _name: str = name) -> None:
            statement: str = args[2]
            if not statement.startswith(("PRAGMA", "BEGIN")):
                seen[_name].append(statement)

        hooks.append((engine, keep))
        event.listen(engine.sync_engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        for engine, keep in hooks:
            event.remove(engine.sync_engine, "before_cursor_execute", keep)


def used(seen: dict[str, list[str]]) -> dict[str, int]:
    return {name: len(statements) for name, statements in seen.items() if statements}


@pytest.fixture
async def acme(services: Services) -> DealCard:
    return await new_deal(services, REP, "Acme", "50k")


async def test_by_id_finds_a_deal_of_its_own_workspace_only(
    services: Services, acme: DealCard
) -> None:
    store = services.deals
    found = await store.by_id(REP.team_id, acme.deal_id)
    assert found is not None and found.name == "Acme"
    assert await store.by_id(T2_REP.team_id, acme.deal_id) is None
    # Out of the id column's range: no deal, and the query is never sent (asyncpg
    # would refuse the number).
    assert await store.by_id(REP.team_id, MAX_DEAL_ID + 1) is None
    assert await store.for_card(REP.team_id, 10**30) is None


async def test_current_is_the_channels_deal_else_the_users_last(
    services: Services, acme: DealCard
) -> None:
    globex = await new_deal(services, REP, "Globex")  # REP's last deal now (held, unwritten)
    expect(await bind_deal(services, replace(REP, channel_id="CACME"), DealName("acme")), Done)
    services.touch(REP, globex.deal_id)
    store = services.deals

    in_room = await store.current(REP.team_id, REP.user_id, "CACME")
    elsewhere = await store.current(REP.team_id, REP.user_id, "CELSE")
    nowhere = await store.current(REP.team_id, REP.user_id, None)
    newcomer = await store.current(OTHER_REP.team_id, OTHER_REP.user_id, None)

    assert in_room is not None and in_room.id == acme.deal_id
    assert elsewhere is not None and elsewhere.id == globex.deal_id
    assert nowhere is not None and nowhere.id == globex.deal_id
    assert newcomer is None
    await store.flush()  # and once written, another process finds the same
    replica = DealStore(services.db)
    stored = await replica.current(REP.team_id, REP.user_id, None)
    assert stored is not None and stored.id == globex.deal_id


async def test_by_name_gives_the_matches_or_the_names_to_suggest_from(
    services: Services, acme: DealCard
) -> None:
    await new_deal(services, REP, "Acme Labs")
    await new_deal(services, REP, "Globex")
    store = services.deals

    several = await store.by_name(REP.team_id, "ACM")
    none = await store.by_name(REP.team_id, "Initech")
    elsewhere = await store.by_name(T2_REP.team_id, "acme")

    assert sorted(deal.name for deal in several.deals) == ["Acme", "Acme Labs"]
    assert several.recent_names == []  # nothing to suggest when something matched
    assert none.deals == [] and sorted(none.recent_names) == ["Acme", "Acme Labs", "Globex"]
    assert elsewhere.deals == [] and elsewhere.recent_names == []


async def test_for_card_reads_the_deal_its_ticks_and_the_default_in_one_statement(
    services: Services, acme: DealCard, sqlite_only: None
) -> None:
    ready = await make_ready(services, REP, acme)
    await services.deals.flush()  # the pointer's batch lands now, not while we count
    with statements_by_engine(services.db) as seen:
        found = await services.deals.for_card(REP.team_id, acme.deal_id, named_by=REP.user_id)

    assert found is not None and found.deal.id == acme.deal_id
    assert {tick.item_id for tick in found.ticks} == set(ready.ticked)
    assert used(seen) == {"quick": 1}


async def test_a_named_deal_becomes_the_default_and_an_unchanged_one_is_not_rewritten(
    services: Services, acme: DealCard
) -> None:
    store = services.deals
    await store.flush()  # stored: acme, which REP created
    globex = await new_deal(services, OTHER_REP, "Globex")

    await store.for_card(REP.team_id, acme.deal_id, named_by=REP.user_id)
    assert store.known(REP.key) == (False, None)  # already the stored default: no write
    await store.for_card(REP.team_id, globex.deal_id)  # named by nobody: nobody's default
    assert store.known(REP.key) == (False, None)
    await store.for_card(REP.team_id, globex.deal_id, named_by=REP.user_id)
    assert store.known(REP.key) == (True, globex.deal_id)
    await store.flush()
    async with services.db.read() as session:
        person = await queries.person(session, team_id=REP.team_id, user_id=REP.user_id)
    assert person is not None and person.last_deal_id == globex.deal_id


async def test_indexed_finds_are_quick_reads_and_the_rest_plain_ones(
    services: Services, acme: DealCard, sqlite_only: None
) -> None:
    store = services.deals
    await store.flush()  # what is written behind is not the reads' doing
    deal = await store.by_id(REP.team_id, acme.deal_id)
    assert deal is not None
    quick: list[Callable[[], Awaitable[object]]] = [
        lambda: store.by_id(REP.team_id, acme.deal_id),
        lambda: store.current(REP.team_id, REP.user_id, "CROOM"),
        lambda: store.bound_to(REP.team_id, "CROOM"),
        lambda: store.for_card(REP.team_id, acme.deal_id, named_by=REP.user_id),
        lambda: store.ticks(deal),
        lambda: store.by_name(REP.team_id, "acm", card_named_by=REP.user_id),  # a few match
        lambda: store.by_name(REP.team_id, "nothing like it", suggest=False),
    ]
    plain: list[Callable[[], Awaitable[object]]] = [
        lambda: store.ticks_of([deal]),
        lambda: store.history(REP.team_id, acme.deal_id),
    ]
    # a name no deal has, with names to suggest: a quick probe, then the names
    both: list[Callable[[], Awaitable[object]]] = [
        lambda: store.by_name(REP.team_id, "nothing like it"),
    ]
    for engines, reads in (({"quick"}, quick), ({"plain"}, plain), ({"quick", "plain"}, both)):
        for number, read in enumerate(reads):
            with statements_by_engine(services.db) as seen:
                await read()
            assert set(used(seen)) == engines, (engines, number, seen)


async def test_a_deal_named_by_name_comes_with_its_card_and_becomes_the_default(
    services: Services, acme: DealCard
) -> None:
    store = services.deals
    await store.flush()  # stored: acme, which REP created
    globex = await new_deal(services, OTHER_REP, "Globex")

    same = await store.by_name(REP.team_id, "ACM", card_named_by=REP.user_id)
    assert store.known(REP.key) == (False, None)  # already the stored default: no write
    other = await store.by_name(REP.team_id, "glob", card_named_by=REP.user_id)
    assert store.known(REP.key) == (True, globex.deal_id)
    unnamed = await store.by_name(REP.team_id, "glob")

    assert same.card is not None and same.card.deal.id == acme.deal_id
    assert other.card is not None and other.named is not None
    assert other.named.id == other.card.deal.id == globex.deal_id
    assert unnamed.card is None and unnamed.named is not None  # no card asked for


async def test_a_locked_deal_is_saved_only_at_the_version_it_was_read_at(
    services: Services, acme: DealCard
) -> None:
    store = services.deals
    seen_before = await store.by_id(REP.team_id, acme.deal_id)
    assert seen_before is not None
    async with store.lock(REP.team_id, acme.deal_id) as held:
        assert held is not None and held.deal.version == acme.version
        assert await held.save(held.deal, {"amount": 60000.0})
        assert (held.deal.amount, held.deal.version) == (60000.0, acme.version + 1)

    async with writes_nothing(services), store.lock(REP.team_id, acme.deal_id) as held:
        assert held is not None
        # The version read before the save above: a write that lost a race writes nothing.
        assert not await held.save(seen_before, {"amount": 1.0})
    assert (await deal_row(services.db, acme.deal_id)).amount == 60000.0


async def test_lock_finds_no_deal_outside_the_workspace_or_the_id_range(
    services: Services, acme: DealCard
) -> None:
    async with services.deals.lock(T2_REP.team_id, acme.deal_id) as held:
        assert held is None
    async with services.deals.lock(REP.team_id, MAX_DEAL_ID + 1) as held:
        assert held is None


async def test_a_change_writes_only_deals_it_holds(services: Services, acme: DealCard) -> None:
    globex = await new_deal(services, REP, "Globex")
    other = await services.deals.by_id(REP.team_id, globex.deal_id)
    assert other is not None
    async with services.deals.lock(REP.team_id, acme.deal_id) as held:
        assert held is not None
        with pytest.raises(AssertionError, match="holds"):
            await held.save(other, {"channel_id": None})


async def test_the_deal_a_channel_is_bound_to_is_held_and_saved_at_its_version(
    services: Services, acme: DealCard
) -> None:
    globex = await new_deal(services, REP, "Globex")
    expect(await bind_deal(services, replace(REP, channel_id="CROOM"), DealName("globex")), Done)
    bound_version = (await deal_row(services.db, globex.deal_id)).version

    async with services.deals.lock(REP.team_id, acme.deal_id) as held:
        assert held is not None
        bound = await held.lock_bound_to("CROOM")
        assert bound is not None and bound.id == globex.deal_id
        assert await held.lock_bound_to("CELSEWHERE") is None
        assert await held.save(bound, {"channel_id": None})

    row = await deal_row(services.db, globex.deal_id)
    assert (row.channel_id, row.version) == (None, bound_version + 1)


async def test_a_lock_block_that_raises_writes_nothing(services: Services, acme: DealCard) -> None:
    async with writes_nothing(services):
        with pytest.raises(RuntimeError):
            async with services.deals.lock(REP.team_id, acme.deal_id) as held:
                assert held is not None
                await held.save(held.deal, {"amount": 1.0})
                await held.add_events([_event(held.deal, EventKind.UPDATED)])
                raise RuntimeError("the change failed halfway")


async def test_create_writes_the_deal_its_first_event_and_its_people(
    services: Services, acme: DealCard
) -> None:
    events = await events_of(services.db, acme.deal_id)
    assert [(event.kind, event.deal_id) for event in events] == [(EventKind.CREATED, acme.deal_id)]
    async with services.db.read() as session:
        assert await queries.person(session, team_id=REP.team_id, user_id=REP.user_id)


def _event(deal: Deal, kind: EventKind) -> dict[str, object]:
    return {
        "team_id": deal.team_id,
        "deal_id": deal.id,
        "map_id": deal.map_id,
        "kind": kind.value,
        "actor_id": REP.user_id,
    }
