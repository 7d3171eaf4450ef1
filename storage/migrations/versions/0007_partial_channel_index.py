"""deal's channel index holds bound deals only (SQLite scanned the table for a channel)

With every unbound deal (channel_id NULL) in ix_deal_team_channel, SQLite's statistics
after ANALYZE say a channel look-up matches every row, and `/deal show` in a channel
scanned the whole deal table. As a partial index (channel_id IS NOT NULL) it holds only
bound deals, and both backends search it.

Revision ID: 5c1e0a9d7b24
Revises: e3fcc4665d0a
Create Date: 2026-11-27 07:58:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c1e0a9d7b24"
down_revision: str | None = "e3fcc4665d0a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BOUND = sa.text("channel_id IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_team_channel")
        batch_op.create_index(
            "ix_deal_team_channel",
            ["team_id", "channel_id"],
            unique=False,
            sqlite_where=BOUND,
            postgresql_where=BOUND,
        )


def downgrade() -> None:
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_team_channel")
        batch_op.create_index("ix_deal_team_channel", ["team_id", "channel_id"], unique=False)
