"""Digests posted by the scheduler, in-process with a settable clock: on time, in the
subscriber's zone, once per period however many schedulers run, after a crash, and
through Slack's refusals."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlmodel import select

from bot.core.context import Services
from bot.core.outcomes import Failure
from bot.core.refs import DealNumber
from bot.deals import moving, notes
from bot.deals.creating import create_deal
from bot.deals.outcomes import Created
from bot.digests import runs
from bot.digests import subscribe as digests
from bot.slack.scheduler import Scheduler
from bot.slack_standin import SlackStandIn, TextError
from storage.digest_models import ClaimStatus, DigestRun
from tests.conftest import Clock
from tests.digests.conftest import CHANNEL, FAST, MANAGER, REP

PNG = b"\x89PNG\r\n\x1a\n"


async def _subscribe(services: Services, clock: Clock, **kwargs: str) -> None:
    answer = await digests.subscribe(
        services, MANAGER, channel_id=CHANNEL, frequency=kwargs.pop("frequency", "daily"), **kwargs
    )
    assert not hasattr(answer, "message"), answer


async def _activity(services: Services, clock: Clock) -> None:
    """A day of work: two new deals, one advanced (with an override), one lost, objections."""
    acme = await create_deal(services, REP, name="Acme Corp", amount="50k")
    globex = await create_deal(services, REP, name="Globex", amount="20k")
    assert isinstance(acme, Created) and isinstance(globex, Created)
    clock.advance(hours=1)
    overridden = await moving.override(
        services, MANAGER, DealNumber(1), reason="pilot terms signed already"
    )
    assert not isinstance(overridden, Failure), overridden
    disqualified = await moving.disqualify(
        services, REP, DealNumber(2), reason="No budget this year"
    )
    assert not isinstance(disqualified, Failure), disqualified
    await notes.record_objection(services, REP, "we already use a competitor", ref=DealNumber(1))
    await notes.record_objection(services, REP, "too expensive for us", ref=DealNumber(1))


def _digest_posts(standin: SlackStandIn) -> list[dict]:  # type: ignore[type-arg]
    return [m for m in standin.messages(CHANNEL) if not m.get("upload")]


async def test_a_due_digest_is_posted_once_with_its_chart(
    team: Services, clock: Clock, standin: SlackStandIn, scheduler: Scheduler
) -> None:
    standin.add_user(MANAGER.user_id, tz="Europe/Istanbul")  # UTC+3: 09:00 there is 06:00 UTC
    clock.now = dt.datetime(2026, 3, 2, 4, 30, tzinfo=dt.UTC)
    await _subscribe(team, clock, at_time="09:00")
    await _activity(team, clock)  # until 05:30 UTC
    assert (await scheduler.tick()).digests == 0  # 08:00 in Istanbul: not yet
    clock.now = dt.datetime(2026, 3, 2, 6, 0, 5, tzinfo=dt.UTC)
    report = await scheduler.tick()
    assert report.digests == 1 and report.unfinished == 0
    assert (await scheduler.tick()).digests == 0  # the period is done
    [post] = _digest_posts(standin)
    text = str(post["blocks"])
    for expected in ("Acme Corp", "Globex", "No budget this year", "pilot terms signed already"):
        assert expected in text
    assert "(Europe/Istanbul)" in text and "09:00" in text
    [chart] = standin.uploaded_files()
    assert chart.channels == [CHANNEL] and chart.content and chart.content.startswith(PNG)
    standin.assert_clean()


async def test_the_next_digest_counts_from_where_the_last_one_stopped(
    team: Services, clock: Clock, standin: SlackStandIn, scheduler: Scheduler
) -> None:
    clock.now = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    await _subscribe(team, clock, at_time="09:00")
    await _activity(team, clock)
    clock.now = dt.datetime(2026, 3, 2, 9, 0, 1, tzinfo=dt.UTC)
    await scheduler.tick()
    clock.now = dt.datetime(2026, 3, 10, 9, 0, 1, tzinfo=dt.UTC)  # a week of silence
    await scheduler.tick()
    first, second = _digest_posts(standin)
    assert "Acme Corp" in str(first["blocks"])
    assert "Nothing moved" in str(second["blocks"])  # yesterday's movement is not repeated
    assert "Acme Corp" in str(second["blocks"])  # but Acme, quiet for 8 days, is idle now
    standin.assert_clean()


async def test_many_schedulers_at_once_post_each_digest_once(
    team: Services, clock: Clock, standin: SlackStandIn, client, scheduler: Scheduler
) -> None:  # type: ignore[no-untyped-def]
    clock.now = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    await _subscribe(team, clock, at_time="09:00")
    clock.now = dt.datetime(2026, 3, 2, 9, 0, 1, tzinfo=dt.UTC)
    replicas = [Scheduler(team, client=client, settings=FAST) for _ in range(5)]
    reports = await asyncio.gather(*(replica.tick() for replica in replicas))
    assert sum(report.digests for report in reports) == 1
    assert len(_digest_posts(standin)) == 1 and len(standin.uploaded_files()) == 1
    standin.assert_clean()


async def test_a_crash_between_claim_and_post_is_recovered_after_the_lease(
    team: Services, clock: Clock, standin: SlackStandIn, scheduler: Scheduler
) -> None:
    clock.now = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    await _subscribe(team, clock, at_time="09:00")
    await scheduler.tick()  # resolves the subscriber's time zone
    clock.now = dt.datetime(2026, 3, 2, 9, 0, 1, tzinfo=dt.UTC)
    [due] = await runs.due_digests(team, now=clock.now, force=False)
    claim = await runs.claim_digest(team, FAST, due)
    assert claim is not None  # ...and the replica that claimed it dies here, posting nothing
    clock.advance(seconds=FAST.lease - 1)
    assert (await scheduler.tick()).digests == 0  # still leased to the dead replica
    assert _digest_posts(standin) == []
    clock.advance(seconds=2)
    assert (await scheduler.tick()).digests == 1
    assert (await scheduler.tick()).digests == 0
    assert len(_digest_posts(standin)) == 1 and len(standin.uploaded_files()) == 1
    async with team.db.read() as session:
        [run] = (await session.exec(select(DigestRun))).all()
    assert run.status == ClaimStatus.POSTED and run.attempts == 2 and run.message_ts


async def test_a_rate_limited_post_waits_and_goes_out_once(
    team: Services, clock: Clock, standin: SlackStandIn, scheduler: Scheduler
) -> None:
    clock.now = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    await _subscribe(team, clock, at_time="09:00")
    clock.now = dt.datetime(2026, 3, 2, 9, 0, 1, tzinfo=dt.UTC)
    standin.rate_limit_next("chat.postMessage", retry_after=1)
    assert (await scheduler.tick()).digests == 1  # the client waited Retry-After and retried
    assert standin.attempts("chat.postMessage") == 2
    assert len(_digest_posts(standin)) == 1


async def test_a_post_slack_could_not_take_is_retried_on_a_later_tick_and_posted_once(
    team: Services, clock: Clock, standin: SlackStandIn, scheduler: Scheduler
) -> None:
    clock.now = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    await _subscribe(team, clock, at_time="09:00")
    clock.now = dt.datetime(2026, 3, 2, 9, 0, 1, tzinfo=dt.UTC)
    standin.fault_next("chat.postMessage", TextError(503))  # a proxy's plain-text 503
    standin.fail_next("files.completeUploadExternal", error="service_unavailable")
    first = await scheduler.tick()
    assert first.digests == 0 and first.unfinished == 1 and first.retrying == 1
    clock.advance(seconds=1)  # past the back-off (one tick)
    second = await scheduler.tick()  # the message goes out; the chart upload is refused
    assert second.digests == 0 and len(_digest_posts(standin)) == 1
    clock.advance(seconds=1)
    assert (await scheduler.tick()).digests == 1  # only the chart is sent again
    assert len(_digest_posts(standin)) == 1 and len(standin.uploaded_files()) == 1


async def test_a_post_whose_outcome_is_unknown_is_never_repeated(
    team: Services, clock: Clock, standin: SlackStandIn, scheduler: Scheduler
) -> None:
    """The replica died mid-call: Slack may have the message, so nobody sends it again."""
    clock.now = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    await _subscribe(team, clock, at_time="09:00")
    await scheduler.tick()
    clock.now = dt.datetime(2026, 3, 2, 9, 0, 1, tzinfo=dt.UTC)
    [due] = await runs.due_digests(team, now=clock.now, force=False)
    claim = await runs.claim_digest(team, FAST, due)
    assert claim is not None
    from bot.digests import claims

    assert await claims.start_sending(team, FAST, claim)  # ...and dies during the call
    clock.advance(hours=2)
    assert (await scheduler.tick()).digests == 0
    assert _digest_posts(standin) == []
    async with team.db.read() as session:
        [run] = (await session.exec(select(DigestRun))).all()
    assert run.status == ClaimStatus.UNKNOWN  # ended by housekeeping, not `sending` for good


async def test_now_posts_the_current_period_at_once_but_never_twice(
    team: Services, clock: Clock, standin: SlackStandIn, scheduler: Scheduler
) -> None:
    clock.now = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)  # after today's 09:00
    await _subscribe(team, clock, at_time="09:00", frequency="weekly")
    assert (await scheduler.tick()).digests == 0  # this week's Monday 09:00 came before
    assert (await scheduler.tick(force=True)).digests == 1
    assert (await scheduler.tick(force=True)).digests == 0
    [post] = _digest_posts(standin)
    assert "Weekly digest" in post["text"]
