"""webhook endpoints and their outbox

An admin registers URLs that get the workspace's stage events, signed (docs/webhooks.md).
Each change writes its stage events into `webhook_outbox`, one row per endpoint, in its
own transaction; the replicas deliver them, each row claimed through the database.

Revision ID: 3b8e6d2a9c17
Revises: 4b7e2d9c1a63
Create Date: 2026-12-07 11:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401  (the column types sqlmodel renders)
from alembic import op

revision: str = "3b8e6d2a9c17"
down_revision: str | None = "4b7e2d9c1a63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "webhook_endpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", _TEXT(length=32), nullable=False),
        sa.Column("url", _TEXT(length=500), nullable=False),
        sa.Column("events", _TEXT(length=200), nullable=False),
        sa.Column("secret", _TEXT(length=64), nullable=False),
        sa.Column("created_by", _TEXT(length=32), nullable=False),
        sa.Column("created_at", _TIME(), nullable=False),
        sa.Column("removed_at", _TIME(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_webhook_endpoint_team", "webhook_endpoint", ["team_id", "removed_at"])
    op.create_table(
        "webhook_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", _TEXT(length=32), nullable=False),
        sa.Column("endpoint_id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("event_id", _TEXT(length=32), nullable=False),
        sa.Column("kind", _TEXT(length=16), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("next_at", _TIME(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claim_token", _TEXT(length=32), nullable=True),
        sa.Column("claimed_by", _TEXT(length=80), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", _TEXT(length=200), nullable=True),
        sa.Column("created_at", _TIME(), nullable=False),
        sa.Column("finished_at", _TIME(), nullable=True),
        sa.ForeignKeyConstraint(["deal_id"], ["deal.id"]),
        sa.ForeignKeyConstraint(["endpoint_id"], ["webhook_endpoint.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_webhook_outbox_due", "webhook_outbox", ["status", "next_at", "id"])
    op.create_index("ix_webhook_outbox_deal", "webhook_outbox", ["endpoint_id", "deal_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_webhook_outbox_deal", table_name="webhook_outbox")
    op.drop_index("ix_webhook_outbox_due", table_name="webhook_outbox")
    op.drop_table("webhook_outbox")
    op.drop_index("ix_webhook_endpoint_team", table_name="webhook_endpoint")
    op.drop_table("webhook_endpoint")
