"""The scheduler: every `interval` seconds, post the digests that are due and the nudges
that crossed, each claimed through the database so every replica can run it safely, and
forget the Slack events handled long ago.

`stagecoach serve` starts it beside the Slack app and stops it on shutdown;
`stagecoach digest run` runs one tick (for cron).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from bot.core.context import Services
from bot.digests import claims as claims_of_work
from bot.digests import handoff_nudges, housekeeping, nudges, runs
from bot.digests.claims import Claim
from bot.digests.settings import SchedulerSettings
from bot.slack import digest_posts, metrics, nudge_posts, request_log
from bot.slack.installations import WorkspaceTokens
from bot.slack.pacing import ChannelPacer
from bot.slack.posting import Delivery, Poster
from bot.slack.time_zones import resolve_time_zones
from bot.slack.tokens import acting_for
from bot.slack.user_locales import UserLocales
from storage.digest_models import DigestRun, Nudge

log = logging.getLogger(__name__)


@dataclass(slots=True)
class TickReport:
    digests: int = 0  # posted in full this tick
    nudges: int = 0
    unfinished: int = 0  # claimed but not (fully) posted, for any of the reasons below
    retrying: int = 0  # Slack could not take it now: tried again on a later tick
    refused: int = 0  # Slack refused for good
    unknown: int = 0  # cut off mid-call: Slack may have it, so it is not sent again
    abandoned: int = 0  # left `sending` by a replica that stopped: now unknown (housekeeping)
    events_forgotten: int = 0  # handled Slack events old enough to forget (housekeeping)

    def count(self, delivery: Delivery, *, kind: str) -> None:
        metrics.SCHEDULER_DELIVERIES.labels(kind.removesuffix("s"), delivery.value).inc()
        if delivery is Delivery.POSTED:
            setattr(self, kind, getattr(self, kind) + 1)
            return
        self.unfinished += 1
        if delivery is Delivery.RETRYING:
            self.retrying += 1
        elif delivery is Delivery.REFUSED:
            self.refused += 1
        elif delivery is Delivery.UNKNOWN:
            self.unknown += 1


class Scheduler:
    def __init__(
        self,
        services: Services,
        *,
        client: AsyncWebClient,
        settings: SchedulerSettings,
        tokens: WorkspaceTokens | None = None,
        locales: UserLocales | None = None,
    ) -> None:
        self.services = services
        self.client = client
        self.tokens = tokens  # OAuth mode: each workspace's token (else the client's own)
        self.settings = settings
        # `serve` shares the app's: a person's Slack language is then read once for both
        self.poster = Poster(services, settings, client, ChannelPacer(), locales or UserLocales())
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def tick(self, *, force: bool = False) -> TickReport:
        """One pass; measured and logged as a background job (bot.slack.request_log)."""
        started = time.perf_counter()
        try:
            report = await self._tick(force=force)
        except BaseException:
            _measured(None, started)
            raise
        _measured(report, started)
        return report

    async def _tick(self, *, force: bool) -> TickReport:
        report = TickReport()
        await resolve_time_zones(self.services, client=self.client, tokens=self.tokens)
        await self._digests(report, force=force)
        await self._nudges(report)
        report.abandoned = await housekeeping.end_abandoned_sends(self.services)
        report.events_forgotten = await housekeeping.forget_old_events(self.services)
        return report

    async def _digests(self, report: TickReport, *, force: bool) -> None:
        now = self.services.clock()
        for due in await runs.due_digests(self.services, now=now, force=force):
            if self._stop.is_set():
                return  # stopping: unclaimed work is left to the other replicas
            claim = await runs.claim_digest(self.services, self.settings, due)
            if claim is None:
                continue  # another replica has it
            metrics.SCHEDULER_CLAIMED.labels("digest").inc()
            if not force:  # a forced run's periods may have begun long ago, on purpose
                lag = (now - due.period.starts_at).total_seconds()
                metrics.SCHEDULER_LAG_SECONDS.labels("digest").observe(max(lag, 0.0))
            delivery = await self._deliver(digest_posts.deliver_digest, claim)
            report.count(delivery, kind="digests")

    async def _nudges(self, report: TickReport) -> None:
        claimed = await nudges.retry_claims(self.services, self.settings)
        for crossing in await nudges.new_crossings(self.services, now=self.services.clock()):
            claim = await nudges.claim_crossing(self.services, self.settings, crossing)
            if claim is not None:
                claimed.append(claim)
                metrics.SCHEDULER_CLAIMED.labels("nudge").inc()
        for late in await handoff_nudges.overdue(self.services, now=self.services.clock()):
            claim = await handoff_nudges.claim_overdue(self.services, self.settings, late)
            if claim is not None:
                claimed.append(claim)
                metrics.SCHEDULER_CLAIMED.labels("nudge").inc()
        try:
            while claimed and not self._stop.is_set():
                delivery = await self._deliver(nudge_posts.deliver_nudge, claimed.pop(0))
                report.count(delivery, kind="nudges")
        finally:  # stopping: the other replicas take these on their next tick
            await self._release(claimed)

    async def _deliver(
        self, deliver: Callable[[Poster, Claim], Awaitable[Delivery]], claim: Claim
    ) -> Delivery:
        """One delivery failing (a bug, the database gone mid-way) never stops the others:
        its claim is taken over after the lease, or, if it was `sending`, ends `unknown`."""
        try:
            with acting_for(await self._token_of(claim)):
                return await deliver(self.poster, claim)
        except asyncio.CancelledError:  # stopped past its time: give back what was not sent
            await self._release([claim])
            raise
        except Exception:
            log.exception(
                "%s %s failed; its claim is left to its lease", deliver.__name__, claim.row_id
            )
            return Delivery.CRASHED

    async def _token_of(self, claim: Claim) -> str | None:
        """The token of the claim's workspace in OAuth mode; None (the client's own) else.
        A workspace that uninstalled the app has none: Slack refuses the post, for good."""
        if self.tokens is None:
            return None
        async with self.services.db.read() as session:
            row = await session.get(claim.model, claim.row_id)
        team_id = row.team_id if isinstance(row, DigestRun | Nudge) else None
        return await self.tokens.bot_token(team_id) if team_id is not None else None

    async def _release(self, claims: list[Claim]) -> None:
        for claim in claims:
            try:
                await claims_of_work.release(self.services, claim)
            except Exception:  # its lease still ends: another replica takes it then
                log.warning("could not give back %s %s", claim.model.__tablename__, claim.row_id)

    # -- running beside the app ---------------------------------------------------------------

    def start(self) -> None:
        self._stop.clear()
        self._task = asyncio.create_task(self._run(), name="digest scheduler")

    async def stop(self, *, timeout: float = 10.0) -> None:
        """Let the delivery in progress finish (up to `timeout`), give back the work
        claimed but not started, and stop."""
        self._stop.set()
        if self._task is None:
            return
        try:
            await asyncio.wait_for(self._task, timeout)
        except TimeoutError:
            log.warning("scheduler tick still running after %.0fs; cancelled", timeout)
        self._task = None

    async def _run(self) -> None:
        while not self._stop.is_set():
            try:
                await self.tick()
            except Exception:  # a bad tick (database away…) must not end the loop
                log.exception("scheduler tick failed; trying again next tick")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.settings.interval)


def _measured(report: TickReport | None, started: float) -> None:
    """A tick's metrics, and its log line when it did anything (or failed: `report` None)."""
    elapsed = time.perf_counter() - started
    metrics.SCHEDULER_TICKS.labels("ok" if report is not None else "failed").inc()
    metrics.SCHEDULER_TICK_SECONDS.observe(elapsed)
    metrics.SCHEDULER_LAST_TICK.set(time.time())
    counts = dataclasses.asdict(report) if report is not None else {}
    if report is None or any(value for key, value in counts.items() if key != "events_forgotten"):
        outcome = "ok" if report is not None and not report.unfinished else "failure"
        request_log.job_line("scheduler tick", outcome=outcome, seconds=elapsed, **counts)
