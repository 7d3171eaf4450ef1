"""Each user's default deal is written behind (storage.last_deals): this process sees it
at once, the database (and so another replica) once the batch lands, in the order the
commands came; a batch is kept while the database is away, and one it refuses is dropped
so that it cannot hold back the ones after it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.core.context import Services
from bot.core.refs import CURRENT, DealNumber
from bot.deals import ticking
from bot.deals.outcomes import Shown, Ticked
from bot.deals.showing import show_deal
from storage import deal_queries, queries
from tests.support.deals import OTHER_REP, REP, expect, new_deal


async def stored_default(services: Services) -> int | None:
    async with services.db.read() as session:
        person = await queries.person(session, team_id=REP.team_id, user_id=REP.user_id)
    return person.last_deal_id if person else None


def replica_of(services: Services) -> Services:
    """Another process on the same database: its own memory, nothing held."""
    return Services(db=services.db, catalog=services.catalog, clock=services.clock)


async def test_a_shown_deal_is_the_default_at_once_and_stored_soon(services: Services) -> None:
    acme = await new_deal(services, REP, "Acme")
    globex = await new_deal(services, REP, "Globex")

    expect(await show_deal(services, REP, DealNumber(acme.deal_id)), Shown)
    shown = expect(await show_deal(services, REP, CURRENT), Shown)  # no flush in between
    assert shown.card.deal_id == acme.deal_id

    await services.deals.flush()
    assert await stored_default(services) == acme.deal_id
    elsewhere = expect(await show_deal(replica_of(services), REP, CURRENT), Shown)
    assert elsewhere.card.deal_id == acme.deal_id != globex.deal_id


async def test_the_last_command_wins_whatever_wrote_it(services: Services) -> None:
    acme = await new_deal(services, REP, "Acme")
    globex = await new_deal(services, REP, "Globex")

    expect(await show_deal(services, REP, DealNumber(acme.deal_id)), Shown)
    expect(await ticking.set_ticks(services, REP, DealNumber(globex.deal_id), tick=["1"]), Ticked)
    await services.deals.flush()

    assert await stored_default(services) == globex.deal_id


async def test_many_users_land_in_one_batch(services: Services) -> None:
    acme = await new_deal(services, REP, "Acme")
    globex = await new_deal(services, OTHER_REP, "Globex")
    await services.deals.flush()

    await asyncio.gather(
        show_deal(services, REP, DealNumber(globex.deal_id)),
        show_deal(services, OTHER_REP, DealNumber(acme.deal_id)),
    )
    await services.deals.flush()

    replica = replica_of(services)
    assert expect(await show_deal(replica, REP, CURRENT), Shown).card.deal_id == globex.deal_id
    mine = expect(await show_deal(replica, OTHER_REP, CURRENT), Shown)
    assert mine.card.deal_id == acme.deal_id


async def test_a_refused_batch_is_kept_and_written_later(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    acme = await new_deal(services, REP, "Acme")
    globex = await new_deal(services, REP, "Globex")
    await services.deals.flush()
    assert await stored_default(services) == globex.deal_id

    with monkeypatch.context() as away:  # writes fail, as they do when the database went away
        away.setattr(services.db, "write", _unreachable)
        services.deals.remember(REP.key, acme.deal_id)
        await services.deals.flush()  # the database says no: kept, not raised
        assert services.deals.known(REP.key) == (True, acme.deal_id)
        assert await stored_default(services) == globex.deal_id

    await services.deals.flush()
    assert await stored_default(services) == acme.deal_id
    assert services.deals.known(REP.key) == (False, None)


def _unreachable() -> object:
    raise ConnectionError("database unreachable")


async def test_a_batch_landing_during_a_show_does_not_swallow_the_show(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    acme = await new_deal(services, REP, "Acme")
    globex = await new_deal(services, REP, "Globex")
    expect(await show_deal(services, REP, DealNumber(acme.deal_id)), Shown)
    await services.deals.flush()  # stored: acme
    expect(await show_deal(services, REP, DealNumber(globex.deal_id)), Shown)  # held: globex
    real = deal_queries.deal_for_card

    async def batch_lands_meanwhile(*args: Any, **kwargs: Any) -> Any:
        found = await real(*args, **kwargs)  # reads the stored acme
        await services.deals.flush()  # globex lands and leaves memory
        return found

    monkeypatch.setattr(deal_queries, "deal_for_card", batch_lands_meanwhile)
    expect(await show_deal(services, REP, DealNumber(acme.deal_id)), Shown)  # back to acme
    monkeypatch.setattr(deal_queries, "deal_for_card", real)
    await services.deals.flush()

    assert await stored_default(services) == acme.deal_id


async def test_a_batch_the_database_refuses_is_dropped_not_retried_forever(
    services: Services,
) -> None:
    acme = await new_deal(services, REP, "Acme")
    await services.deals.flush()
    services.deals.remember(("T1", "U" + "9" * 40), acme.deal_id)  # too long
    services.deals.remember(REP.key, None)

    await services.deals.flush()

    if services.db.is_sqlite:  # SQLite keeps an over-long text: both are written
        assert await stored_default(services) is None
    else:  # PostgreSQL refuses the batch: dropped, and what comes next is written
        assert services.deals.known(REP.key) == (False, None)
        services.deals.remember(REP.key, acme.deal_id)
        await services.deals.flush()
        assert await stored_default(services) == acme.deal_id


async def test_a_default_is_set_only_by_a_change_that_committed(services: Services) -> None:
    acme = await new_deal(services, REP, "Acme")
    globex = await new_deal(services, REP, "Globex")
    await services.deals.flush()

    refused = await ticking.set_ticks(services, REP, DealNumber(acme.deal_id), tick=["99"])

    assert not isinstance(refused, Ticked)
    assert services.deals.known(REP.key) == (False, None)
    assert await stored_default(services) == globex.deal_id
