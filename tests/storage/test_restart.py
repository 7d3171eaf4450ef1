"""What was acknowledged survives a restart: a new process (new Database, new catalog)
on the same SQLite file or PostgreSQL schema finds every deal, tick and event."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from bot.core.catalog import MapCatalog
from bot.core.context import Services
from bot.core.refs import CURRENT, DealName
from bot.deals import moving, ticking
from bot.deals.outcomes import DealHistory, Moved, Shown, Ticked
from bot.deals.showing import deal_history, show_deal
from storage.database import Database
from storage.models import EventKind
from tests.support.deals import REP, expect, make_ready, new_deal, snapshot

Restart = Callable[[], Awaitable[Services]]


@pytest.fixture
async def restart(services: Services) -> AsyncIterator[Restart]:
    """Call to dispose the services' database and get services as a new process has them."""
    reopened: list[Database] = []

    async def restarted() -> Services:
        await services.close()  # what `serve` and the shell do when they stop
        url = services.db.url.render_as_string(hide_password=False)
        db = Database(url, schema=services.db.schema)
        reopened.append(db)
        catalog = MapCatalog.from_ref("default")
        await catalog.register(db)
        return Services(db=db, catalog=catalog, admins=services.admins, clock=services.clock)

    yield restarted
    for db in reopened:
        await db.dispose()


async def test_deals_ticks_and_events_survive_a_restart(
    services: Services, restart: Restart
) -> None:
    acme = await new_deal(services, REP, "Acme", "$1.2m")
    await make_ready(services, REP, acme)
    moved = expect(await moving.advance(services, REP, DealName("acme")), Moved)
    ticked = expect(
        await ticking.set_ticks(
            services, REP, DealName("acme"), tick=["requirements"], evidence={"1": "2m/yr"}
        ),
        Ticked,
    )
    await services.deals.flush()  # what a clean stop writes, written now
    before = await snapshot(services.db)

    after_restart = await restart()

    assert await snapshot(after_restart.db) == before
    shown = expect(await show_deal(after_restart, REP, CURRENT), Shown)  # last touched
    assert shown.card.deal_id == acme.deal_id
    assert (shown.card.stage.id, shown.card.amount) == ("discovery", 1_200_000)
    assert (
        shown.card.ticked.keys()
        == ticked.card.ticked.keys()
        == {
            "requirements",
            "pain_quantified",
        }
    )
    assert shown.card.ticked["pain_quantified"].evidence == "2m/yr"
    assert shown.card.version == ticked.card.version == moved.card.version + 1
    history = expect(await deal_history(after_restart, REP, DealName("acme")), DealHistory)
    assert [entry.event.kind for entry in history.entries].count(EventKind.ADVANCED) == 1


async def test_work_goes_on_after_a_restart(services: Services, restart: Restart) -> None:
    acme = await new_deal(services, REP, "Acme")

    after_restart = await restart()
    await make_ready(after_restart, REP, acme)
    moved = expect(await moving.advance(after_restart, REP, DealName("acme")), Moved)
    second = await new_deal(after_restart, REP, "Globex")

    assert moved.card.stage.id == "discovery"
    assert second.deal_id > acme.deal_id
