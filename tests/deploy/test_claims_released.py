"""A scheduler that stops (SIGTERM) finishes the post in flight and gives back the nudges it
claimed but did not send: another replica sends them on its next tick, not after the
lease, each once. A claim already sending is never given back (Slack may have it)."""

from __future__ import annotations

import asyncio
import datetime as dt

from aiohttp import web
from sqlmodel import col, select

from bot.core.context import Actor, Services
from bot.core.settings import Settings
from bot.deals.creating import create_deal
from bot.deals.outcomes import Created
from bot.digests import claims, nudges
from bot.digests.settings import SchedulerSettings
from bot.slack.runtime import web_client
from bot.slack.scheduler import Scheduler
from bot.slack_standin import SlackStandIn
from storage.digest_models import ClaimStatus, Nudge
from tests.conftest import Clock
from tests.digests.conftest import REP

SLOW = SchedulerSettings(interval=0.05, lease=600.0)  # a lease no test waits for


class GatedStandIn(SlackStandIn):
    """Holds the first chat.postMessage until the test opens the gate."""

    def __init__(self) -> None:
        super().__init__()
        self.first_post = asyncio.Event()
        self.gate = asyncio.Event()

    async def _on_api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["method"] == "chat.postMessage" and not self.first_post.is_set():
            self.first_post.set()
            await self.gate.wait()
        return await super()._on_api(request)


async def _idle_deals(services: Services, clock: Clock, count: int) -> None:
    """One deal each for `count` owners (a tick nudges an owner once at most)."""
    for n in range(count):
        owner = Actor(team_id=REP.team_id, user_id=f"U0OWNER0{n}")
        created = await create_deal(services, owner, name=f"Deal {n}", amount="10k")
        assert isinstance(created, Created)
    clock.advance(days=3)  # Qualification: idle after 3 days


async def _nudges(services: Services) -> list[Nudge]:
    async with services.db.read() as session:
        return list((await session.exec(select(Nudge).order_by(col(Nudge.id)))).all())


async def test_a_stopping_scheduler_gives_back_the_nudges_it_did_not_send(
    services: Services, clock: Clock
) -> None:
    await _idle_deals(services, clock, 3)
    async with GatedStandIn() as standin:
        settings = Settings(database_url="sqlite://", bot_token="xoxb-t", api_url=standin.api_url)
        stopping, other = (
            Scheduler(services, client=web_client(settings), settings=SLOW) for _ in range(2)
        )
        stopping.start()
        await asyncio.wait_for(standin.first_post.wait(), 10)  # one sending, two claimed
        stopped = asyncio.create_task(stopping.stop(timeout=10))
        await asyncio.sleep(0.05)
        standin.gate.set()  # the post in flight is answered
        await stopped

        rows = await _nudges(services)
        assert [row.status for row in rows].count(ClaimStatus.POSTED) == 1
        given_back = [row for row in rows if row.status == ClaimStatus.CLAIMED]
        assert len(given_back) == 2
        assert all(row.lease_until <= clock() and row.attempts == 0 for row in given_back)

        report = await other.tick()  # the clock has not moved: no lease ran out
        assert report.nudges == 2 and report.unfinished == 0
        rows = await _nudges(services)
        assert {row.status for row in rows} == {ClaimStatus.POSTED}
        assert sorted(row.attempts for row in rows) == [1, 1, 1]
        posts = [call.args["channel"] for call in standin.calls("chat.postMessage")]
        assert len(posts) == 3 and len(set(posts)) == 3  # one DM per owner, none twice


async def test_a_claim_already_sending_is_not_given_back(services: Services, clock: Clock) -> None:
    await _idle_deals(services, clock, 1)
    crossings = await nudges.new_crossings(services, now=clock())
    claim = await nudges.claim_crossing(services, SLOW, crossings[0])
    assert claim is not None
    assert await claims.start_sending(services, SLOW, claim)
    assert not await claims.release(services, claim)
    (row,) = await _nudges(services)
    assert row.status == ClaimStatus.SENDING
    assert row.lease_until > clock() + dt.timedelta(seconds=SLOW.lease - 1)
