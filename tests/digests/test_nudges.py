"""Stuck and idle deals: one DM to the owner per crossing, with the card's open items."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from bot.core.context import Services
from bot.core.refs import DealNumber
from bot.deals import ticking
from bot.deals.creating import create_deal
from bot.deals.outcomes import Created
from bot.slack.scheduler import Scheduler
from bot.slack_standin import SlackStandIn
from storage.digest_models import ClaimStatus, Nudge
from tests.conftest import Clock
from tests.digests.conftest import FAST, REP

DM = "D0REP0001"  # the app's DM with REP, as the stand-in names it


async def _new_deal(services: Services) -> None:
    created = await create_deal(services, REP, name="Acme Corp", amount="50k")
    assert isinstance(created, Created)


async def test_an_idle_then_stuck_deal_nudges_its_owner_once_per_crossing(
    services: Services, clock: Clock, standin: SlackStandIn, scheduler: Scheduler
) -> None:
    await _new_deal(services)  # Qualification: idle after 3 days, stuck after more than 7
    clock.advance(days=2, hours=23)
    assert (await scheduler.tick()).nudges == 0
    clock.advance(hours=1)
    assert (await scheduler.tick()).nudges == 1
    assert (await scheduler.tick()).nudges == 0  # once per crossing
    [idle] = standin.messages(DM)
    assert "Nothing has happened on Acme Corp for 3 days" in idle["text"]
    assert "Still open" in str(idle["blocks"])  # the card, with the open exit items
    clock.advance(days=5)  # 8 days in Qualification: stuck (target 7)
    assert (await scheduler.tick()).nudges == 1
    stuck = standin.messages(DM)[-1]
    assert "has been in Qualification for 8 days; the target is 7 days" in stuck["text"]
    assert len(standin.messages(DM)) == 2
    standin.assert_clean()


async def test_activity_starts_a_new_idle_crossing(
    services: Services, clock: Clock, standin: SlackStandIn, scheduler: Scheduler
) -> None:
    await _new_deal(services)
    clock.advance(days=3)
    await scheduler.tick()
    await ticking.set_ticks(services, REP, DealNumber(1), tick=["1"])  # activity: no longer idle
    clock.advance(days=2)
    assert (await scheduler.tick()).nudges == 0
    clock.advance(days=1)  # idle again, three days after the tick
    assert (await scheduler.tick()).nudges == 1
    async with services.db.read() as session:
        kinds = [n.kind for n in (await session.exec(select(Nudge))).all()]
    assert kinds == ["idle", "idle"]


async def test_replicas_racing_send_one_dm_per_crossing(
    services: Services, clock: Clock, standin: SlackStandIn, client
) -> None:  # type: ignore[no-untyped-def]
    await _new_deal(services)
    clock.advance(days=3)
    replicas = [Scheduler(services, client=client, settings=FAST) for _ in range(4)]
    reports = await asyncio.gather(*(replica.tick() for replica in replicas))
    assert sum(report.nudges for report in reports) == 1
    assert len(standin.messages(DM)) == 1


async def test_a_refused_nudge_is_retried_and_sent_once(
    services: Services, clock: Clock, standin: SlackStandIn, scheduler: Scheduler
) -> None:
    await _new_deal(services)
    clock.advance(days=3)
    standin.fail_next("chat.postMessage", error="service_unavailable")
    assert (await scheduler.tick()).nudges == 0
    clock.advance(seconds=1)
    assert (await scheduler.tick()).nudges == 1
    assert (await scheduler.tick()).nudges == 0
    assert len(standin.messages(DM)) == 1
    async with services.db.read() as session:
        [nudge] = (await session.exec(select(Nudge))).all()
    assert nudge.status == ClaimStatus.POSTED and nudge.attempts == 2


async def test_practice_and_closed_deals_are_never_nudged(
    services: Services, clock: Clock, standin: SlackStandIn, scheduler: Scheduler
) -> None:
    practice = await create_deal(services, REP, name="Sandbox", is_practice=True)
    assert isinstance(practice, Created)
    clock.advance(days=30)
    assert (await scheduler.tick()).nudges == 0
    assert standin.messages(DM) == []
