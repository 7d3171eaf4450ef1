"""a list of deals reads an index in its order and counts its total in the same index

`/deal list all` read and sorted every open deal of the workspace for its first 100, and
counting its total read them all again (4.4 ms and 3.2 ms on SQLite at 10,000 deals). An
index of each workspace's deals by status, practice and the day they entered their stage
serves both: the list walks it and stops at its page, the count reads the index alone.

Revision ID: 3d7b1e4a9c52
Revises: 8eb895ef903f
Create Date: 2026-12-07 05:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3d7b1e4a9c52"
down_revision: str | None = "8eb895ef903f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deal_team_status_entered",
            ["team_id", "status", "is_practice", "stage_entered_at"],
        )


def downgrade() -> None:
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_team_status_entered")
