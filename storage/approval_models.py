"""Approval requests (`approval:` on an exit item, docs/approvals.md): one row per time an
item was asked to be approved, and how it was answered. The tick itself is written only
when an allowed person approves; this table says who was asked, who answered and why."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Column, Index, String, Text, text
from sqlmodel import Field, SQLModel

from storage.models import utcnow


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # the requester unticked it before anyone answered


class ApprovalRequest(SQLModel, table=True):
    __tablename__ = "approval_request"
    __table_args__ = (
        Index("ix_approval_request_deal", "deal_id", "stage", "id"),
        # At most one request waits per item: a second tick of a waiting item asks no one.
        Index(
            "uq_approval_request_pending",
            "deal_id",
            "stage",
            "item_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    deal_id: int = Field(foreign_key="deal.id")
    stage: str = Field(max_length=40)
    item_id: str = Field(max_length=40)
    approver: str = Field(
        max_length=40, description="as the map wrote it: manager, admin, @U…, #C…"
    )
    # Text: one user id per admin, and a workspace may have any number of admins.
    asked: str = Field(
        sa_column=Column(Text, nullable=False),
        description="who was sent it: user ids, or one channel id",
    )
    requested_by: str = Field(max_length=32)
    requested_at: dt.datetime = Field(default_factory=utcnow)
    evidence: str | None = Field(default=None, max_length=500)
    status: ApprovalStatus = Field(default=ApprovalStatus.PENDING, sa_type=String(16))
    answered_by: str | None = Field(default=None, max_length=32)
    answered_at: dt.datetime | None = Field(default=None)
    reason: str | None = Field(default=None, sa_column=Column(Text))
