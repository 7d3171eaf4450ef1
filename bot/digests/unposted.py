"""What a scheduler run leaves unposted, named one by one (`stagecoach digest run` prints
it): work waiting for its retry time, and work that ended unposted during the run.

A digest whose retry time has not come is due but not claimable, so a run that found only
such work used to say "0 not (yet) posted" and succeed while Slack was down.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bot.core.context import Services
from bot.digests.claims import MAX_ATTEMPTS
from storage import digest_queries
from storage.digest_models import ClaimColumns, ClaimStatus


class Work(StrEnum):
    DIGEST = "digest"
    NUDGE = "nudge"


class Ending(StrEnum):
    RETRY = "retry"  # Slack could not take it: tried again from `retry_at`
    REFUSED = "refused"  # Slack refused for good (or kept refusing): never again
    UNKNOWN = "unknown"  # cut off mid-call: Slack may have it, never sent again


@dataclass(frozen=True, slots=True)
class Unposted:
    kind: Work
    recipient: str  # the digest's channel id, the nudge's owner (user id)
    subject: str  # the digest's period key; the nudge's deal as #id and its kind
    ending: Ending
    error: str
    attempts: int
    retry_at: dt.datetime | None  # RETRY only

    @property
    def attempts_left(self) -> int:
        return max(MAX_ATTEMPTS - self.attempts, 0)


async def unposted(services: Services, *, since: dt.datetime) -> list[Unposted]:
    """Everything waiting to be retried now, and what ended unposted since `since`."""
    now = services.clock()
    async with services.db.read() as session:
        digests = await digest_queries.unposted_digests(session, now=now, ended_since=since)
        nudges = await digest_queries.unposted_nudges(session, now=now, ended_since=since)
    found = [_item(Work.DIGEST, run, sub.channel_id, run.period) for run, sub in digests]
    found += [
        _item(Work.NUDGE, nudge, deal.owner_id, f"#{deal.id} ({nudge.kind})")
        for nudge, deal in nudges
    ]
    return found


def _item(kind: Work, row: ClaimColumns, recipient: str, subject: str) -> Unposted:
    status = ClaimStatus(row.status)
    ending = {ClaimStatus.REFUSED: Ending.REFUSED, ClaimStatus.UNKNOWN: Ending.UNKNOWN}.get(
        status, Ending.RETRY
    )
    return Unposted(
        kind=kind,
        recipient=recipient,
        subject=subject,
        ending=ending,
        error=row.last_error or "",
        attempts=row.attempts,
        retry_at=_aware(row.lease_until) if ending is Ending.RETRY else None,
    )


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands datetimes back naive; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
