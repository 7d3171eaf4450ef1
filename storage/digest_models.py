"""Digest subscriptions, and the claims that make scheduled posts happen once.

Scheduled work (a digest for one period, a nudge for one crossing) is claimed by inserting
a row whose unique key names the work: whichever replica inserts it first owns it, the
others' inserts do nothing. The row then records how far the work got, so a replica that
died holding it is replaced once its lease has expired, and nothing Slack may already
have received is sent again.

storage.tables imports this module and storage.models, so every table is on one metadata.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models import utcnow


class ClaimStatus(StrEnum):
    CLAIMED = "claimed"  # owned under a lease; nothing is being sent right now
    SENDING = "sending"  # a Slack call is in flight: if its owner dies, nobody repeats it
    POSTED = "posted"  # done
    FAILED = "failed"  # Slack could not take it now: retried after `lease_until`
    DROPPED = "dropped"  # no longer worth sending (the deal moved on)
    REFUSED = "refused"  # Slack refused for good (or kept refusing): never retried
    UNKNOWN = "unknown"  # cut off mid-call: Slack may have it, so it is never sent again


class ClaimColumns(SQLModel):
    """Who owns a piece of scheduled work, until when, and how far it got."""

    status: ClaimStatus = Field(default=ClaimStatus.CLAIMED, sa_type=String(16))
    claim_token: str = Field(max_length=32, description="changes with every (re)claim")
    claimed_by: str = Field(max_length=80, description="host:pid of the replica")
    lease_until: dt.datetime = Field(
        description="claimable again after this (or retry time); refused or unknown: since when"
    )
    attempts: int = Field(default=1)
    last_error: str | None = Field(default=None, max_length=200)
    message_ts: str | None = Field(default=None, max_length=32)
    posted_at: dt.datetime | None = Field(default=None)
    created_at: dt.datetime = Field(default_factory=utcnow)


class DigestSubscription(SQLModel, table=True):
    """A channel's digest: how often, at what local time, for whose deals. One per channel."""

    __tablename__ = "digest_subscription"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", name="uq_digest_subscription_channel"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    channel_id: str = Field(max_length=32)
    frequency: str = Field(max_length=16, description="daily | weekly (Mondays)")
    at_time: str = Field(max_length=5, description="HH:MM in `tz`")
    tz: str | None = Field(default=None, max_length=64, description="IANA zone; None: look up")
    scope: str = Field(max_length=16, description="team | owner | all")
    scope_user_id: str | None = Field(default=None, max_length=32)
    created_by: str = Field(max_length=32)
    active: bool = Field(default=True)
    active_since: dt.datetime = Field(default_factory=utcnow)
    created_at: dt.datetime = Field(default_factory=utcnow)


class DigestRun(ClaimColumns, table=True):
    """One digest of one subscription for one period: the unique key is the exactly-once."""

    __tablename__ = "digest_run"
    __table_args__ = (
        UniqueConstraint("subscription_id", "period", name="uq_digest_run_period"),
        Index("ix_digest_run_status", "status", "lease_until"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    subscription_id: int = Field(foreign_key="digest_subscription.id")
    period: str = Field(max_length=16, description="2026-03-02 (daily) or 2026-W10 (weekly)")
    window_start: dt.datetime
    window_end: dt.datetime
    chart_file_id: str | None = Field(default=None, max_length=32)


class Nudge(ClaimColumns, table=True):
    """A stuck or idle deal's DM to its owner: once per crossing.

    `since` is what the crossing is measured from: the stage entry for `stuck`, the last
    activity for `idle` (so a deal that wakes up and goes idle again is a new crossing).
    """

    __tablename__ = "nudge"
    __table_args__ = (
        UniqueConstraint("deal_id", "kind", "since", name="uq_nudge_crossing"),
        Index("ix_nudge_status", "status", "lease_until"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    deal_id: int = Field(foreign_key="deal.id")
    kind: str = Field(max_length=8, description="stuck | idle")
    stage: str = Field(max_length=40)
    since: dt.datetime
