"""deal look-ups by name and by recent activity read an index, not the workspace

- A name's prefix (`/deal show acme`): no index served the LIKE, and both backends read
  every deal of the workspace for it (16 ms on SQLite at 100,000 deals). The query now
  also gives the prefix as a range of name_key in byte order; on PostgreSQL the name index
  is rebuilt in byte order (text_pattern_ops) to serve that range under any collation.
- A name no deal starts with: the suggestions come from the workspace's 500 most recently
  active names, which were read and sorted from every deal (27 ms on SQLite at 100,000).
  A new index of each workspace's deals by last activity serves them.

Revision ID: 9a4f2c7e1b30
Revises: 6e9dca8435dd
Create Date: 2026-11-27 14:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "9a4f2c7e1b30"
down_revision: str | None = "6e9dca8435dd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.create_index("ix_deal_team_activity", ["team_id", "last_activity_at"])
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_deal_team_name", table_name="deal")
        op.create_index(
            "ix_deal_team_name",
            "deal",
            ["team_id", "name_key"],
            postgresql_ops={"name_key": "text_pattern_ops"},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_deal_team_name", table_name="deal")
        op.create_index("ix_deal_team_name", "deal", ["team_id", "name_key"])
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_team_activity")
