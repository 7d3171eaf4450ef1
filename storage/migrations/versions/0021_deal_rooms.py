"""deal rooms: the channel `/deal room` made for a deal, one per deal

A row is the claim on making the channel (so two requests at once make one), then the
channel and its pinned card (docs/deal-rooms.md).

Revision ID: 4b7e2d9c1a63
Revises: 3b7e0c9d2a15
Create Date: 2026-12-07 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401  (the column types sqlmodel renders)
from alembic import op

revision: str = "4b7e2d9c1a63"
down_revision: str | None = "3b7e0c9d2a15"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deal_room",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("asked_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("claimed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("channel_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("card_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.ForeignKeyConstraint(["deal_id"], ["deal.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("deal_id", name="uq_deal_room_deal"),
    )


def downgrade() -> None:
    op.drop_table("deal_room")
