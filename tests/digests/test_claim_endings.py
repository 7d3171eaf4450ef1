"""How a claim ends when Slack fails it: a back-off as long as Slack's Retry-After, refused
after too many attempts, `unknown` when its replica stopped mid-call (housekeeping), and a
subscriber's profile that cannot be read today never holding up the tick."""

from __future__ import annotations

import datetime as dt

from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel import select

from bot.core.context import Services
from bot.digests import claims, runs
from bot.digests import subscribe as digests
from bot.slack.scheduler import Scheduler
from bot.slack_standin import JsonError, SlackStandIn, TextError
from storage.digest_models import ClaimStatus, DigestRun, DigestSubscription
from tests.conftest import Clock
from tests.digests.conftest import CHANNEL, FAST, MANAGER


async def _subscribed(services: Services, clock: Clock, scheduler: Scheduler) -> None:
    clock.now = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    await digests.subscribe(
        services, MANAGER, channel_id=CHANNEL, frequency="daily", at_time="09:00"
    )
    await scheduler.tick()  # the subscriber's time zone
    clock.now = dt.datetime(2026, 3, 2, 9, 0, 1, tzinfo=dt.UTC)


async def _run(services: Services) -> DigestRun:
    async with services.db.read() as session:
        [run] = (await session.exec(select(DigestRun))).all()
    return run


def _posts(standin: SlackStandIn) -> int:
    return len([m for m in standin.messages(CHANNEL) if not m.get("upload")])


async def test_a_rate_limited_post_waits_as_long_as_slack_asked(
    team: Services, clock: Clock, standin: SlackStandIn, client: AsyncWebClient
) -> None:
    """The client's own short waits spent (here: none), Retry-After sets the back-off."""
    client.retry_handlers = [
        h for h in client.retry_handlers if not isinstance(h, AsyncRateLimitErrorRetryHandler)
    ]
    scheduler = Scheduler(team, client=client, settings=FAST)
    await _subscribed(team, clock, scheduler)
    standin.fault_next("chat.postMessage", JsonError("ratelimited", status=429, retry_after=120))
    assert (await scheduler.tick()).retrying == 1
    run = await _run(team)
    assert run.status == ClaimStatus.FAILED and run.last_error == "ratelimited"
    assert run.lease_until == clock.now + dt.timedelta(seconds=120)
    clock.advance(seconds=119)
    assert (await scheduler.tick()).digests == 0 and _posts(standin) == 0
    clock.advance(seconds=1)
    assert (await scheduler.tick()).digests == 1 and _posts(standin) == 1


async def test_a_post_slack_never_takes_is_refused_after_the_last_attempt(
    team: Services, clock: Clock, standin: SlackStandIn, scheduler: Scheduler
) -> None:
    await _subscribed(team, clock, scheduler)
    standin.fault_next("chat.postMessage", TextError(503), times=claims.MAX_ATTEMPTS)
    reports = []
    for _ in range(claims.MAX_ATTEMPTS + 2):
        reports.append(await scheduler.tick())
        clock.advance(minutes=20)  # past the longest back-off
    assert [r.retrying for r in reports] == [1] * (claims.MAX_ATTEMPTS - 1) + [0, 0, 0]
    assert [r.refused for r in reports] == [0] * (claims.MAX_ATTEMPTS - 1) + [1, 0, 0]
    run = await _run(team)
    assert run.status == ClaimStatus.REFUSED and run.attempts == claims.MAX_ATTEMPTS
    assert run.last_error == f"{claims.MAX_ATTEMPTS} attempts: http 503"
    assert standin.attempts("chat.postMessage") == claims.MAX_ATTEMPTS and _posts(standin) == 0


async def test_a_send_left_by_a_stopped_replica_ends_unknown_once_its_lease_is_over(
    team: Services, clock: Clock, standin: SlackStandIn, scheduler: Scheduler
) -> None:
    await _subscribed(team, clock, scheduler)
    [due] = await runs.due_digests(team, now=clock.now, force=False)
    claim = await runs.claim_digest(team, FAST, due)
    assert claim is not None
    assert await claims.start_sending(team, FAST, claim)  # ...and the replica stops here
    clock.advance(seconds=FAST.lease - 1)
    assert (await scheduler.tick()).abandoned == 0
    assert (await _run(team)).status == ClaimStatus.SENDING  # its owner may still answer
    clock.advance(seconds=1)
    report = await scheduler.tick()
    assert report.abandoned == 1 and report.digests == 0
    run = await _run(team)
    assert run.status == ClaimStatus.UNKNOWN and run.lease_until == clock.now
    assert run.last_error and "abandoned mid-call" in run.last_error
    clock.advance(hours=2)  # later that day: the period's digest is still not due again
    assert (await scheduler.tick()).abandoned == 0
    assert standin.attempts("chat.postMessage") == 0  # never sent by anyone else


async def test_a_profile_slack_cannot_serve_now_is_read_on_a_later_tick(
    team: Services, clock: Clock, standin: SlackStandIn, scheduler: Scheduler
) -> None:
    clock.now = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    await digests.subscribe(team, MANAGER, channel_id=CHANNEL, frequency="daily", at_time="09:00")
    standin.add_user(MANAGER.user_id, tz="Europe/Istanbul")
    standin.fault_next("users.info", TextError(500))
    await scheduler.tick()  # no traceback, no abort: the zone waits for the next tick
    async with team.db.read() as session:
        [subscription] = (await session.exec(select(DigestSubscription))).all()
    assert subscription.tz is None
    await scheduler.tick()
    async with team.db.read() as session:
        [subscription] = (await session.exec(select(DigestSubscription))).all()
    assert subscription.tz == "Europe/Istanbul"
