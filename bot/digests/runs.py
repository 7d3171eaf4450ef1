"""Which digests are due, claiming each once, and posting it: the message, then its chart.

A digest is due when its subscription's current period (bot.digests.schedule) has no
finished run. The claim inserts the (subscription, period) row, whose unique key lets
one replica win; the window it counts ("since the last digest") is fixed in that same
row, so a run taken over after a crash posts exactly what the first owner would have.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from bot.core.context import Services
from bot.digests import claims
from bot.digests.claims import Claim
from bot.digests.compose import compose_digest
from bot.digests.content import Digest
from bot.digests.schedule import Frequency, Period, current_period, parse_time
from bot.digests.settings import SchedulerSettings
from bot.reporting.charts import funnel_chart_png
from bot.slack.pacing import ChannelPacer
from bot.slack.sending import Sent, Unknown, attempt
from bot.views.digest import digest_message, local_time
from flows.i18n import _
from storage import digest_queries
from storage.digest_models import ClaimStatus, DigestRun, DigestSubscription

log = logging.getLogger(__name__)
RUN_KEY = ("subscription_id", "period")


@dataclass(frozen=True, slots=True)
class Due:
    subscription: DigestSubscription
    period: Period
    run: DigestRun | None  # an unfinished run to take over, or None: claim a new one


def period_of(subscription: DigestSubscription, *, now: dt.datetime) -> Period:
    at = parse_time(subscription.at_time) or dt.time(9, 0)
    return current_period(
        frequency=Frequency(subscription.frequency), at=at, tz=subscription.tz, now=now
    )


async def due_digests(services: Services, *, now: dt.datetime, force: bool) -> list[Due]:
    """`force` (`stagecoach digest run --now`) also counts periods that began before the
    subscription did; a period already posted is never due again."""
    async with services.db.read() as session:
        subscriptions = [s for s in await digest_queries.subscriptions(session) if s.tz]
        periods = {s.id: period_of(s, now=now) for s in subscriptions}
        runs = await digest_queries.runs_for(
            session, keys=[(sid, p.key) for sid, p in periods.items() if sid is not None]
        )
    due = []
    for subscription in subscriptions:
        period = periods[subscription.id]
        if not force and period.starts_at < subscription.active_since:
            continue  # subscribed after this period's time: the next one is the first
        run = runs.get((subscription.id or 0, period.key))
        if run is None or _claimable(run, now=now):
            due.append(Due(subscription, period, run))
    return due


def _claimable(run: DigestRun, *, now: dt.datetime) -> bool:
    return run.status in digest_queries.RETRYABLE and run.lease_until <= now


async def claim_digest(services: Services, settings: SchedulerSettings, due: Due) -> Claim | None:
    if due.run is not None:
        assert due.run.id is not None
        return await claims.take_over(
            services, settings, DigestRun, row_id=due.run.id, attempts=due.run.attempts
        )
    subscription = due.subscription
    assert subscription.id is not None
    async with services.db.read() as session:
        since = await digest_queries.last_window_end(session, subscription_id=subscription.id)
    length = Frequency(subscription.frequency).length
    values = {
        "team_id": subscription.team_id,
        "subscription_id": subscription.id,
        "period": due.period.key,
        "window_start": since or due.period.starts_at - length,
        "window_end": max(services.clock(), due.period.starts_at),
    }
    return await claims.claim_new(services, settings, DigestRun, key=RUN_KEY, values=values)


async def deliver_digest(
    services: Services,
    settings: SchedulerSettings,
    *,
    client: AsyncWebClient,
    pacer: ChannelPacer,
    claim: Claim,
) -> bool:
    """Post what is still missing of a claimed digest; True once it is all out."""
    async with services.db.read() as session:
        run = await digest_queries.digest_run(session, run_id=claim.row_id)
        subscription = await session.get(DigestSubscription, run.subscription_id) if run else None
    if run is None or subscription is None:
        return False
    digest = await compose_digest(
        services,
        subscription=subscription,
        window_start=run.window_start,
        window_end=run.window_end,
    )
    channel = subscription.channel_id
    if run.message_ts is None:
        ts = await _post_message(services, settings, client, pacer, claim, channel, digest)
        if ts is None:
            return False
    return await _post_chart(services, settings, client, pacer, claim, channel, digest)


async def _post_message(
    services: Services,
    settings: SchedulerSettings,
    client: AsyncWebClient,
    pacer: ChannelPacer,
    claim: Claim,
    channel: str,
    digest: Digest,
) -> str | None:
    message = digest_message(digest)
    if not await claims.start_sending(services, settings, claim):
        return None
    await pacer.wait_turn(channel)
    result = await attempt(
        client.chat_postMessage(channel=channel, **message.to_dict()), what="digest message"
    )
    if not isinstance(result, Sent):
        await _not_sent(services, settings, claim, result)
        return None
    ts = str(result.response.get("ts"))
    lease_until = services.clock() + dt.timedelta(seconds=settings.lease)
    await claims.record(
        services,
        claim,
        status=ClaimStatus.CLAIMED.value,
        message_ts=ts,
        lease_until=lease_until,
    )
    return ts


async def _post_chart(
    services: Services,
    settings: SchedulerSettings,
    client: AsyncWebClient,
    pacer: ChannelPacer,
    claim: Claim,
    channel: str,
    digest: Digest,
) -> bool:
    if digest.funnel is None:
        return await _finish(services, claim, file_id=None)
    title = chart_title(digest)
    # Drawing is C work in pygraphviz: off the event loop, which keeps answering Slack.
    png = await asyncio.to_thread(funnel_chart_png, digest.funnel, title=title)
    if not await claims.start_sending(services, settings, claim):
        return False
    await pacer.wait_turn(channel)
    upload = client.files_upload_v2(
        channel=channel, content=png, filename="funnel.png", title=title, alt_txt=title
    )
    result = await attempt(upload, what="digest chart")
    if not isinstance(result, Sent):
        await _not_sent(services, settings, claim, result)
        return False
    file = result.response.get("file") or {}
    return await _finish(services, claim, file_id=file.get("id"))


def chart_title(digest: Digest) -> str:
    assert digest.funnel is not None
    return _("Sales funnel, last {period} · {when}").format(
        period=digest.funnel.period_label, when=local_time(digest.window_end, digest.tz)
    )


async def _finish(services: Services, claim: Claim, *, file_id: str | None) -> bool:
    return await claims.record(
        services,
        claim,
        status=ClaimStatus.POSTED.value,
        posted_at=services.clock(),
        chart_file_id=file_id,
    )


async def _not_sent(
    services: Services, settings: SchedulerSettings, claim: Claim, result: object
) -> None:
    if isinstance(result, Unknown):
        return  # stays `sending`: never repeated (bot.digests.claims)
    await claims.refused(services, settings, claim, error=getattr(result, "error", "refused"))
