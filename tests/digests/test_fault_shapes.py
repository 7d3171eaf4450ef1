"""Every way the Web API fails, met by two scheduler replicas sharing one database (each
with its own Web API client, as two `serve` processes have): a due digest and a nudge are
posted exactly once when Slack certainly did nothing, at most once when the outcome is
unknown (then their claim ends `unknown`), never when Slack refused for good; and no claim
is left `claimed` or `sending` once the ticks are over.

The faults are the stand-in's (bot/slack_standin/faults.py), on the wire as Slack or a
proxy in front of it sends them; the verdicts are bot/slack/web_api_failures.py's."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import socket
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel import select

from bot.core.context import Services
from bot.core.settings import Settings
from bot.deals.creating import create_deal
from bot.deals.outcomes import Created
from bot.digests import subscribe as digests
from bot.slack.runtime import web_client
from bot.slack.scheduler import Scheduler, TickReport
from bot.slack_standin import Fault, Hang, JsonError, Reset, SlackStandIn, TextError
from storage.digest_models import ClaimStatus, DigestRun, Nudge
from tests.conftest import Clock
from tests.digests.conftest import CHANNEL, FAST, MANAGER, REP

DM = "D0REP0001"  # the app's DM with REP, as the stand-in names it
CLIENT_TIMEOUT = 1.5  # seconds: a busy CI machine answers slowly; a Hang lasts longer
POSTED, REFUSED, UNKNOWN = ClaimStatus.POSTED, ClaimStatus.REFUSED, ClaimStatus.UNKNOWN


@dataclasses.dataclass(frozen=True)
class Case:
    fault: Fault
    status: ClaimStatus  # where the claim ends
    posts: int  # messages that land in Slack
    attempts: int  # chat.postMessage calls Slack receives
    level: int  # the log line's level (none carries a traceback)


CASES = {
    "json permanent (channel_not_found)": Case(JsonError("channel_not_found"), REFUSED, 0, 1, logging.WARNING),
    "json permanent (not_in_channel)": Case(JsonError("not_in_channel"), REFUSED, 0, 1, logging.WARNING),
    "json transient (service_unavailable)": Case(JsonError("service_unavailable"), POSTED, 1, 2, logging.WARNING),
    "json internal_error 500 (maybe done)": Case(JsonError("internal_error", status=500), UNKNOWN, 0, 1, logging.ERROR),
    "429 past the client's retries": Case(JsonError("ratelimited", status=429, retry_after=0), POSTED, 1, 5, logging.WARNING),
    "plain-text 500": Case(TextError(500), UNKNOWN, 0, 1, logging.ERROR),
    "plain-text 500 after posting": Case(TextError(500, performs=True), UNKNOWN, 1, 1, logging.ERROR),
    "plain-text 503": Case(TextError(503), POSTED, 1, 2, logging.WARNING),
    "HTML 502": Case(TextError(502, html=True), UNKNOWN, 0, 1, logging.ERROR),
    "HTML 504 after posting": Case(TextError(504, html=True, performs=True), UNKNOWN, 1, 1, logging.ERROR),
    "timeout": Case(Hang(4.0), UNKNOWN, 0, 1, logging.ERROR),
    "timeout after posting": Case(Hang(4.0, performs=True), UNKNOWN, 1, 1, logging.ERROR),
    "connection reset": Case(Reset(), UNKNOWN, 0, 1, logging.ERROR),
    "connection reset after posting": Case(Reset(performs=True), UNKNOWN, 1, 1, logging.ERROR),
}  # fmt: skip


def _times(case: Case) -> int:
    """A 429 is answered four times: the client's own three retries are spent first."""
    return 4 if isinstance(case.fault, JsonError) and case.fault.status == 429 else 1


def _client(api_url: str) -> AsyncWebClient:
    settings = Settings(database_url="sqlite://", bot_token="xoxb-test", api_url=api_url)
    return web_client(settings, timeout=CLIENT_TIMEOUT)


def _replicas(services: Services, standin: SlackStandIn) -> list[Scheduler]:
    """Two replicas: one database, a Web API client (and connections) each."""
    return [Scheduler(services, client=_client(standin.api_url), settings=FAST) for _ in (1, 2)]


async def _run_ticks(replicas: list[Scheduler], clock: Clock, *, rounds: int = 4) -> TickReport:
    """Both replicas tick at once, `rounds` times, the clock past any back-off in between;
    the reports added up."""
    total = TickReport()
    for _ in range(rounds):
        for report in await asyncio.gather(*(replica.tick() for replica in replicas)):
            for field in dataclasses.fields(TickReport):
                setattr(total, field.name, getattr(total, field.name) + getattr(report, field.name))
        clock.advance(seconds=5)
    return total


def _assert_logged(caplog: pytest.LogCaptureFixture, case: Case) -> None:
    ours = [r for r in caplog.records if r.name.startswith("bot.")]
    assert [r for r in ours if r.exc_info] == [], "a Web API failure is not a traceback"
    said = [(r.levelno, r.getMessage()) for r in ours]
    assert any(level == case.level and "Slack" in text for level, text in said), said


async def _claims(services: Services, model: type[DigestRun] | type[Nudge]) -> list[Any]:
    async with services.db.read() as session:
        return list((await session.exec(select(model))).all())


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
async def test_a_due_digest_meets_each_fault_on_two_replicas(
    team: Services,
    clock: Clock,
    standin: SlackStandIn,
    case: Case,
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock.now = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    subscribed = await digests.subscribe(
        team, MANAGER, channel_id=CHANNEL, frequency="daily", at_time="09:00"
    )
    assert not hasattr(subscribed, "message"), subscribed
    replicas = _replicas(team, standin)
    await replicas[0].tick()  # the subscriber's time zone
    clock.now = dt.datetime(2026, 3, 2, 9, 0, 1, tzinfo=dt.UTC)
    standin.fault_next("chat.postMessage", case.fault, times=_times(case))

    report = await _run_ticks(replicas, clock)

    posts = [m for m in standin.messages(CHANNEL) if not m.get("upload")]
    assert len(posts) == case.posts
    assert standin.attempts("chat.postMessage") == case.attempts
    [run] = await _claims(team, DigestRun)
    assert run.status == case.status, run.last_error
    assert report.digests == (case.status == POSTED)
    if case.status is not POSTED:
        assert run.last_error and run.lease_until <= clock.now  # when it ended
        assert standin.uploaded_files() == []  # the chart follows only a posted message
    _assert_logged(caplog, case)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
async def test_a_nudge_meets_each_fault_on_two_replicas(
    services: Services,
    clock: Clock,
    standin: SlackStandIn,
    case: Case,
    caplog: pytest.LogCaptureFixture,
) -> None:
    created = await create_deal(services, REP, name="Acme Corp", amount="50k")
    assert isinstance(created, Created)
    clock.advance(days=3)  # idle: one nudge due
    standin.fault_next("chat.postMessage", case.fault, times=_times(case))

    report = await _run_ticks(_replicas(services, standin), clock)

    assert len(standin.messages(DM)) == case.posts
    assert standin.attempts("chat.postMessage") == case.attempts
    [nudge] = await _claims(services, Nudge)
    assert nudge.status == case.status, nudge.last_error
    assert report.nudges == (case.status == POSTED)
    _assert_logged(caplog, case)


async def test_a_chart_cut_off_mid_upload_leaves_the_message_and_is_not_repeated(
    team: Services, clock: Clock, standin: SlackStandIn
) -> None:
    clock.now = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    await digests.subscribe(team, MANAGER, channel_id=CHANNEL, frequency="daily", at_time="09:00")
    replicas = _replicas(team, standin)
    await replicas[0].tick()
    clock.now = dt.datetime(2026, 3, 2, 9, 0, 1, tzinfo=dt.UTC)
    standin.fault_next("files.completeUploadExternal", Reset(performs=True))

    await _run_ticks(replicas, clock)

    assert len([m for m in standin.messages(CHANNEL) if not m.get("upload")]) == 1
    assert standin.attempts("files.completeUploadExternal") == 1
    [run] = await _claims(team, DigestRun)
    assert run.status == UNKNOWN and run.message_ts  # the message is known to be out


@pytest.fixture
def nowhere() -> str:
    """A Web API address where nothing listens: the connection is refused, nothing sent."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/api/"


async def test_a_refused_connection_is_retried_and_the_digest_posted_once(
    team: Services, clock: Clock, standin: SlackStandIn, nowhere: str
) -> None:
    clock.now = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    await digests.subscribe(team, MANAGER, channel_id=CHANNEL, frequency="daily", at_time="09:00")
    await Scheduler(team, client=_client(standin.api_url), settings=FAST).tick()
    clock.now = dt.datetime(2026, 3, 2, 9, 0, 1, tzinfo=dt.UTC)
    cut_off = Scheduler(team, client=_client(nowhere), settings=FAST)

    first = await cut_off.tick()

    assert first.retrying == 1 and first.unknown == 0
    [run] = await _claims(team, DigestRun)
    assert run.status == ClaimStatus.FAILED and run.last_error == "unreachable"
    await _run_ticks(_replicas(team, standin), clock)
    assert len([m for m in standin.messages(CHANNEL) if not m.get("upload")]) == 1
    [run] = await _claims(team, DigestRun)
    assert run.status == POSTED and run.attempts == 2
