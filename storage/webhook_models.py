"""Webhook endpoints and their outbox (docs/webhooks.md).

An endpoint is a URL a workspace's admin registered, the stage events it wants and the
secret its deliveries are signed with. The outbox holds one row per (endpoint, event),
written in the transaction that changed the deal, so an event exists exactly when its
change does. A row is claimed through the database (a token and a lease, as digests are:
storage.digest_models) by whichever replica delivers it; unlike a digest, a delivery cut
off mid-call is sent again once its lease is over (at least once: receivers dedupe by the
Idempotency-Key).

storage.tables imports this module, so every table is on one metadata.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Column, Index, String, Text
from sqlmodel import Field, SQLModel

from storage.models import utcnow


class OutboxStatus(StrEnum):
    PENDING = "pending"  # to send, once `next_at` has come (first try, or a retry)
    SENDING = "sending"  # a replica is posting it until `next_at` (its lease)
    DELIVERED = "delivered"  # the receiver answered 2xx
    DEAD = "dead"  # failed for good (or too often): a dead letter, until retried


class WebhookEndpoint(SQLModel, table=True):
    __tablename__ = "webhook_endpoint"
    __table_args__ = (Index("ix_webhook_endpoint_team", "team_id", "removed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    url: str = Field(max_length=500)
    events: str = Field(max_length=200, description="comma-separated stage event kinds")
    secret: str = Field(max_length=64, description="signs every delivery (HMAC-SHA256)")
    created_by: str = Field(max_length=32)
    created_at: dt.datetime = Field(default_factory=utcnow)
    removed_at: dt.datetime | None = Field(default=None)


class WebhookOutbox(SQLModel, table=True):
    __tablename__ = "webhook_outbox"
    __table_args__ = (
        # what is due, oldest first (storage.webhook_queries.due)
        Index("ix_webhook_outbox_due", "status", "next_at", "id"),
        # a deal's earlier rows for the same endpoint: the order a delivery waits for
        Index("ix_webhook_outbox_deal", "endpoint_id", "deal_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    endpoint_id: int = Field(foreign_key="webhook_endpoint.id")
    deal_id: int = Field(foreign_key="deal.id")
    event_id: str = Field(max_length=32, description="the event's id, the same for every endpoint")
    kind: str = Field(max_length=16)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    status: OutboxStatus = Field(default=OutboxStatus.PENDING, sa_type=String(16))
    next_at: dt.datetime = Field(
        default_factory=utcnow, description="pending: sent from then on; sending: lease end"
    )
    attempts: int = Field(default=0)
    claim_token: str | None = Field(default=None, max_length=32)
    claimed_by: str | None = Field(default=None, max_length=80)
    last_status: int | None = Field(default=None, description="the receiver's last HTTP status")
    last_error: str | None = Field(default=None, max_length=200)
    created_at: dt.datetime = Field(default_factory=utcnow)
    finished_at: dt.datetime | None = Field(default=None, description="delivered or dead since")


@dataclass(frozen=True, slots=True)
class OutboundEvent:
    """A stage event to write to the outbox of every endpoint that wants `kind` (the app
    decides which events go out and what they say: bot.deals.stage_events)."""

    team_id: str
    deal_id: int
    event_id: str
    kind: str
    payload: str  # the JSON body, exactly as it is posted and signed
    at: dt.datetime  # when it happened: due for delivery from then on
