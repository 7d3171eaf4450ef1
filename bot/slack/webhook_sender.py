"""Posting the webhook outbox (the rules are bot.webhooks.delivery's; docs/webhooks.md).

Every `serve` replica runs one `WebhookSender` beside the scheduler; rows are claimed
through the database, so replicas never post one row at once, and a replica killed
mid-post leaves its row to be sent again once its lease ends. It lives beside the Slack
adapters because it is the other place the app speaks HTTP out (features import no
aiohttp).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email.utils
import errno
import logging
import time

import aiohttp

from bot.core.context import Services
from bot.slack import metrics
from bot.slack.webhook_resolver import PublicOnlyResolver
from bot.webhooks import delivery, signing
from bot.webhooks.delivery import Claimed, PostResult, Verdict
from bot.webhooks.endpoints import check_url
from bot.webhooks.settings import DeliverySettings

log = logging.getLogger(__name__)
DEPTH_EVERY = 15.0  # seconds between two reads of the outbox's depth for /metrics
PRUNE_EVERY = 3600.0  # seconds between two deletions of long-delivered rows
USER_AGENT = "stagecoach-webhooks/1"
ANSWER_READ = 4096  # bytes of a receiver's answer read: only its status counts


class WebhookSender:
    def __init__(
        self,
        services: Services,
        settings: DeliverySettings,
        *,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.services = services
        self.settings = settings
        self._session = session
        self._own_session = session is None
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._depth_read = 0.0
        self._pruned = float("-inf")  # the first pass of the loop prunes

    async def tick(self) -> list[Verdict]:
        """Claim what is due, post it side by side, record each answer."""
        claimed = await delivery.claim_due(self.services, self.settings)
        if not claimed:
            return []
        # One row's surprise must not leave the others of the batch unrecorded (in flight
        # until their lease ends, then sent again).
        answers = await asyncio.gather(*(self._post(one) for one in claimed), return_exceptions=True)  # fmt: skip
        verdicts = []
        for one, answer in zip(claimed, answers, strict=True):
            if isinstance(answer, BaseException):
                log.error("webhook %s, delivery %s: post failed", one.delivery.endpoint_id, one.delivery.row_id, exc_info=answer)  # fmt: skip
            result = answer if isinstance(answer, PostResult) else PostResult(None, "failed")
            verdict = await delivery.record(self.services, self.settings, one, result)
            metrics.WEBHOOK_DELIVERIES.labels(verdict.value).inc()
            if verdict is Verdict.DEAD:
                said = result.status or result.error or "no answer"
                # numbered as `/deal webhook list` and `stagecoach webhooks failed` number them
                log.warning("webhook %s: dead letter %s after %d tries (%s)", one.delivery.endpoint_id, one.delivery.row_id, one.delivery.attempts, said)  # fmt: skip
            verdicts.append(verdict)
        return verdicts

    async def _post(self, claimed: Claimed) -> PostResult:
        sent = claimed.delivery
        if not isinstance(check_url(sent.url, allow_private=self.settings.allow_private), str):
            return PostResult(None, "address not allowed")
        headers = signing.headers(
            secret=sent.secret, timestamp=int(time.time()), body=sent.payload,
            event_id=sent.event_id, endpoint_id=sent.endpoint_id, kind=sent.kind,
        )  # fmt: skip
        headers["User-Agent"] = USER_AGENT
        # A post ends well within its lease: past it, another replica may send the row
        # again, and a later event of the deal could overtake this one.
        timeout = aiohttp.ClientTimeout(total=min(self.settings.timeout, self.settings.lease / 2))
        try:
            async with self._client().post(
                sent.url, data=sent.payload.encode(), headers=headers,
                timeout=timeout, allow_redirects=False,
            ) as response:  # fmt: skip
                await response.content.read(ANSWER_READ)
                wait = retry_after(response.headers.get("Retry-After"))
                return PostResult(response.status, None, wait)
        except Exception as exc:  # any: one receiver's failure is that row's, never the batch's
            log.info("webhook %s: no answer from %s", sent.row_id, sent.url, exc_info=exc)
            return PostResult(None, failure(exc))

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            resolver = None if self.settings.allow_private else PublicOnlyResolver()
            connector = aiohttp.TCPConnector(resolver=resolver)
            self._session = aiohttp.ClientSession(connector=connector)
        return self._session

    async def measure_depth(self) -> None:
        now = time.monotonic()
        if now - self._depth_read < DEPTH_EVERY:
            return
        self._depth_read = now
        for status, count in (await delivery.depth(self.services)).items():
            metrics.WEBHOOK_OUTBOX.labels(status.value).set(count)

    async def prune_now_and_then(self) -> None:
        """Delete long-delivered rows, once every PRUNE_EVERY (the first time at once)."""
        now = time.monotonic()
        if now - self._pruned >= PRUNE_EVERY:
            self._pruned = now
            await delivery.prune(self.services)

    # -- running beside the app -----------------------------------------------------------

    def start(self) -> None:
        self._stop.clear()
        self._task = asyncio.create_task(self._run(), name="webhook sender")

    async def stop(self, *, timeout: float = 10.0) -> None:
        """Let the posts in flight finish (up to `timeout`); a post cut off is sent again
        by another replica once its lease ends."""
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self._task, timeout)
            self._task = None
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def _run(self) -> None:
        while not self._stop.is_set():
            busy = False
            try:
                busy = bool(await self.tick())
                await self.measure_depth()
                await self.prune_now_and_then()
            except Exception:  # the database away for a moment must not end the loop
                log.exception("webhook delivery failed; trying again")
            if not busy:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), self.settings.interval)


def failure(exc: BaseException) -> str:
    """What admins see of a post that got no answer: its kind, never the raw text (it
    can name internal hosts and addresses; the log has it)."""
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, ConnectionRefusedError) or getattr(exc, "errno", None) == errno.ECONNREFUSED:
        return "connection refused"
    if isinstance(exc, aiohttp.ClientSSLError):
        return "TLS error"
    if isinstance(exc, aiohttp.ClientConnectorError | OSError):
        return "could not connect"
    if isinstance(exc, aiohttp.ClientError):
        return "bad answer"
    return "failed"


def retry_after(raw: str | None) -> float | None:
    """Retry-After in seconds: a number of seconds, or an HTTP date (None: not given or
    not readable)."""
    if not raw:
        return None
    raw = raw.strip()
    if raw.isdigit():
        return float(raw)
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
