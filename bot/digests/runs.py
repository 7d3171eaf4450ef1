"""Which digests are due, and claiming each once (bot.slack.digest_posts posts them).

A digest is due when its subscription's current period (bot.digests.schedule) has no
finished run. The claim inserts the (subscription, period) row, whose unique key lets
one replica win; the window it counts ("since the last digest") is fixed in that same
row, so a run taken over after a crash posts exactly what the first owner would have.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from bot.core.context import Services
from bot.digests import claims
from bot.digests.claims import Claim
from bot.digests.schedule import Frequency, Period, current_period, parse_time
from bot.digests.settings import SchedulerSettings
from storage import digest_queries
from storage.digest_models import DigestRun, DigestSubscription

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
