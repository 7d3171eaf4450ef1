"""Claiming scheduled work through the database, so N replicas do it once.

A claim is a row (DigestRun, Nudge) with a unique key for the work, a lease and a token.
Its life: claimed → sending → (claimed → sending →) posted. Each step is its own short
transaction, written only while the token is still ours:

- a replica that dies while `claimed` (nothing sent yet) is replaced once the lease ends;
- Slack refusing a post (an error answer, 429 after the client's retries, no connection)
  makes it `failed`, claimable again after a back-off;
- a replica that dies while `sending` leaves it there for good: Slack may have the
  message, and a second post is worse than a missing one. The log says so.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from dataclasses import dataclass
from typing import Any

from bot.core.context import Services
from bot.digests.settings import SchedulerSettings
from storage import digest_queries
from storage.digest_models import ClaimStatus
from storage.digest_queries import ClaimModel

MAX_ATTEMPTS = 6


def replica_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


@dataclass(frozen=True, slots=True)
class Claim:
    model: ClaimModel
    row_id: int
    token: str
    attempts: int = 1


def _ownership(services: Services, settings: SchedulerSettings) -> dict[str, Any]:
    lease_until = services.clock() + dt.timedelta(seconds=settings.lease)
    return {"claim_token": uuid.uuid4().hex, "claimed_by": replica_id(), "lease_until": lease_until}


async def claim_new(
    services: Services,
    settings: SchedulerSettings,
    model: ClaimModel,
    *,
    key: tuple[str, ...],
    values: dict[str, Any],
) -> Claim | None:
    """Insert the work's row; None when another replica (or an earlier tick) has it."""
    owner = _ownership(services, settings)
    async with services.db.write() as session:
        row_id = await digest_queries.insert_claim(
            session, model, key=key, values={**values, **owner}
        )
    return Claim(model, row_id, owner["claim_token"]) if row_id is not None else None


async def take_over(
    services: Services,
    settings: SchedulerSettings,
    model: ClaimModel,
    *,
    row_id: int,
    attempts: int,
) -> Claim | None:
    """Claim unfinished work whose lease or back-off is over; None if someone was faster."""
    owner = _ownership(services, settings)
    async with services.db.write() as session:
        won = await digest_queries.reclaim(
            session, model, row_id=row_id, now=services.clock(), values=owner
        )
    return Claim(model, row_id, owner["claim_token"], attempts + 1) if won else None


async def record(services: Services, claim: Claim, **values: Any) -> bool:
    """Write progress while the claim is ours; False if another replica took it over."""
    async with services.db.write() as session:
        return await digest_queries.update_claim(
            session, claim.model, row_id=claim.row_id, token=claim.token, values=values
        )


async def start_sending(services: Services, settings: SchedulerSettings, claim: Claim) -> bool:
    """Mark the Slack call as in flight (renewing the lease); False: do not send."""
    lease_until = services.clock() + dt.timedelta(seconds=settings.lease)
    return await record(services, claim, status=ClaimStatus.SENDING.value, lease_until=lease_until)


async def refused(
    services: Services, settings: SchedulerSettings, claim: Claim, *, error: str
) -> None:
    """Slack said no: try again after a back-off, or give up after MAX_ATTEMPTS."""
    retry_at = services.clock() + dt.timedelta(seconds=settings.retry_wait(claim.attempts))
    status = ClaimStatus.FAILED if claim.attempts < MAX_ATTEMPTS else ClaimStatus.DROPPED
    await record(services, claim, status=status.value, lease_until=retry_at, last_error=error[:200])
