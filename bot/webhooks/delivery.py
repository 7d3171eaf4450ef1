"""Delivering the outbox: claim what is due, and record how each post went (the post is
bot.slack.webhook_sender's). docs/webhooks.md says what a receiver sees.

A claim sets the row `sending` under a lease and a token, counting the attempt. A 2xx ends
it `delivered`. No answer (network error, timeout), a 5xx, 408 or 429 is worth another
try: `pending` again after an exponential back-off (or the receiver's Retry-After), and
after `attempts` tries a dead letter. Any other answer (a 4xx: the receiver refuses this
event) is a dead letter at once. A replica that dies mid-post leaves its row `sending`:
once the lease is over another replica claims and sends it again, with the same
Idempotency-Key, so receivers see each event at least once and dedupe by that key.

A dead letter holds back its deal's later events for that endpoint until it is retried
(`stagecoach webhooks retry`): sending them past it would let a receiver that syncs a
CRM apply "won" and, after the retry, an older "advanced" that moves the deal back.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.core.context import Services
from bot.webhooks.settings import DeliverySettings
from storage import webhook_queries
from storage.webhook_models import OutboxStatus
from storage.webhook_queries import DeadLetter, Delivery

RETRIED_STATUSES = frozenset({408, 429})
# Delivered rows are the receivers' business once they answered 2xx: kept this long for
# someone asking "did it go out?", then deleted, or the outbox would grow with every move.
DELIVERED_KEPT = dt.timedelta(days=30)


@dataclass(frozen=True, slots=True)
class Claimed:
    delivery: Delivery
    token: str


@dataclass(frozen=True, slots=True)
class PostResult:
    """How the receiver answered: its HTTP status, or None when nothing came back."""

    status: int | None
    error: str | None = None
    retry_after: float | None = None  # seconds, from a Retry-After header


class Verdict(StrEnum):
    DELIVERED = "delivered"
    RETRYING = "retrying"
    DEAD = "dead"
    TAKEN_OVER = "taken_over"  # our lease ended first: the other replica's answer counts


def replica_id() -> str:
    """Who holds a claim: host and process (as bot.digests.claims says it)."""
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


def worth_retrying(result: PostResult) -> bool:
    status = result.status
    return status is None or status >= 500 or status in RETRIED_STATUSES


async def claim_due(services: Services, settings: DeliverySettings) -> list[Claimed]:
    """Claim up to a batch of deliverable rows (one per deal and endpoint at a time)."""
    now = services.clock()
    async with services.db.read() as session:
        row_ids = await webhook_queries.due(session, now=now, limit=settings.batch)
    claimed = []
    for row_id in row_ids:
        token = uuid.uuid4().hex
        lease_until = services.clock() + dt.timedelta(seconds=settings.lease)
        async with services.db.write() as session:
            delivery = await webhook_queries.claim(
                session, row_id=row_id, now=now, token=token,
                claimed_by=replica_id(), lease_until=lease_until,
            )  # fmt: skip
        if delivery is not None:
            claimed.append(Claimed(delivery, token))
    return claimed


async def record(
    services: Services, settings: DeliverySettings, claimed: Claimed, result: PostResult
) -> Verdict:
    """Write how the post went, while the claim is ours."""
    now = services.clock()
    values: dict[str, object] = {"last_status": result.status, "claim_token": None}
    if result.status is not None and 200 <= result.status < 300:
        verdict = Verdict.DELIVERED
        values.update(status=OutboxStatus.DELIVERED.value, finished_at=now, last_error=None)
    elif worth_retrying(result) and claimed.delivery.attempts < settings.attempts:
        verdict = Verdict.RETRYING
        wait = settings.retry_wait(claimed.delivery.attempts, asked=result.retry_after)
        values.update(status=OutboxStatus.PENDING.value, next_at=now + dt.timedelta(seconds=wait))
    else:
        verdict = Verdict.DEAD
        values.update(status=OutboxStatus.DEAD.value, finished_at=now)
    if verdict is not Verdict.DELIVERED:
        values["last_error"] = _error(result)
    async with services.db.write() as session:
        mine = await webhook_queries.finish(
            session, row_id=claimed.delivery.row_id, token=claimed.token, values=values
        )
    return verdict if mine else Verdict.TAKEN_OVER


def _error(result: PostResult) -> str:
    said = f"HTTP {result.status}" if result.status is not None else "no answer"
    return (f"{said}: {result.error}" if result.error else said)[:200]


async def dead_letters(services: Services, *, team_id: str | None) -> list[DeadLetter]:
    async with services.db.read() as session:
        return await webhook_queries.dead_letters(session, team_id=team_id)


@dataclass(frozen=True, slots=True)
class Requeued:
    """What `retry` did: how many dead letters it queued again, and how many of the numbers
    it was given are no dead letter (then it queued none)."""

    count: int
    unknown: int = 0


class _NotAllDead(Exception):
    def __init__(self, unknown: int) -> None:
        self.unknown = unknown


async def retry(
    services: Services, *, row_ids: Sequence[int] | None, team_id: str | None
) -> Requeued:
    """Send dead letters again (None: all of them), with their attempts counted afresh.
    All or nothing: when a number given is no dead letter, none is queued."""
    wanted = None if row_ids is None else sorted(set(row_ids))
    try:
        async with services.db.write() as session:
            count = await webhook_queries.requeue(
                session, row_ids=wanted, team_id=team_id, now=services.clock()
            )
            if wanted is not None and count < len(wanted):
                raise _NotAllDead(len(wanted) - count)  # rolls the requeue back
    except _NotAllDead as refused:
        return Requeued(0, unknown=refused.unknown)
    return Requeued(count)


async def prune(services: Services) -> int:
    """Delete what was delivered more than DELIVERED_KEPT ago (docs/webhooks.md)."""
    async with services.db.write() as session:
        return await webhook_queries.prune_delivered(
            session, before=services.clock() - DELIVERED_KEPT
        )


async def depth(services: Services) -> dict[OutboxStatus, int]:
    async with services.db.read() as session:
        return await webhook_queries.depth(session)
