"""Claiming scheduled work through the database, so N replicas do it once.

A claim is a row (DigestRun, Nudge) with a unique key for the work, a lease and a token.
Its life: claimed → sending → (claimed → sending →) posted. Each step is its own short
transaction, written only while the token is still ours. What a failed Slack call makes
of it (bot.slack.web_api_failures decides which case it is):

- Slack could not take it now (rate limited, unavailable, unreachable): `failed`,
  claimable again after a back-off (longer when Slack said how long to wait); after
  MAX_ATTEMPTS, `refused`;
- Slack refused for good (the channel is gone, the token revoked): `refused`;
- nobody knows whether Slack acted (a timeout, a reset, a proxy's 5xx): `unknown`. Never
  retried: a second post is worse than a missing one.

A replica that stops on SIGTERM gives back what it claimed but has not started sending
(release). A replica that dies while `claimed` (nothing sent yet) is replaced once the lease ends;
one that dies while `sending` leaves a row housekeeping moves to `unknown` once its lease
is over (bot.digests.housekeeping). `refused` and `unknown` keep the error, and in
`lease_until` when the claim ended; nothing leaves them.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from dataclasses import dataclass
from typing import Any

from bot.core.context import Services
from bot.digests.settings import SchedulerSettings
from storage import digest_queries, stale_claims
from storage.digest_models import ClaimStatus
from storage.digest_queries import ClaimModel

log = logging.getLogger(__name__)
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


async def release(services: Services, claim: Claim) -> bool:
    """Give back a claim this replica will not act on (it is stopping): another replica
    takes it on its next tick instead of after the lease. Nothing happens to one already
    `sending` (Slack may have it: housekeeping ends it `unknown`); False then."""
    async with services.db.write() as session:
        return await stale_claims.release(
            session, claim.model, row_id=claim.row_id, token=claim.token, now=services.clock()
        )


async def start_sending(services: Services, settings: SchedulerSettings, claim: Claim) -> bool:
    """Mark the Slack call as in flight (renewing the lease); False: do not send."""
    lease_until = services.clock() + dt.timedelta(seconds=settings.lease)
    return await record(services, claim, status=ClaimStatus.SENDING.value, lease_until=lease_until)


async def retry_later(
    services: Services,
    settings: SchedulerSettings,
    claim: Claim,
    *,
    error: str,
    wait: float | None = None,
) -> ClaimStatus:
    """Slack could not take it now: try again after the back-off, or after `wait` seconds
    when Slack asked for longer; refused for good after MAX_ATTEMPTS. The new status."""
    if claim.attempts >= MAX_ATTEMPTS:
        log.warning(
            "%s %s: still failing after %d attempts; given up",
            _name(claim),
            claim.row_id,
            claim.attempts,
        )
        await give_up(services, claim, error=f"{MAX_ATTEMPTS} attempts: {error}")
        return ClaimStatus.REFUSED
    seconds = max(settings.retry_wait(claim.attempts), wait or 0.0)
    retry_at = services.clock() + dt.timedelta(seconds=seconds)
    await record(
        services,
        claim,
        status=ClaimStatus.FAILED.value,
        lease_until=retry_at,
        last_error=error[:200],
    )
    return ClaimStatus.FAILED


async def give_up(services: Services, claim: Claim, *, error: str) -> None:
    """Slack refused for good: never tried again."""
    await _end(services, claim, ClaimStatus.REFUSED, error=error)


async def outcome_unknown(services: Services, claim: Claim, *, error: str) -> None:
    """Slack may have acted: never tried again, so nothing is sent twice."""
    await _end(services, claim, ClaimStatus.UNKNOWN, error=error)


async def _end(services: Services, claim: Claim, status: ClaimStatus, *, error: str) -> None:
    values = {"status": status.value, "lease_until": services.clock(), "last_error": error[:200]}
    await record(services, claim, **values)


def _name(claim: Claim) -> str:
    return str(claim.model.__tablename__)
