"""deal external id for imported histories; stage-entry index for the KPI queries

Revision ID: e3fcc4665d0a
Revises: 357371fcfc59
Create Date: 2026-11-27 06:49:32.516029
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401  (autogenerate renders sqlmodel's column types)
from alembic import op

revision: str = "e3fcc4665d0a"
down_revision: str | None = "357371fcfc59"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENTRIES_COLUMNS = ["team_id", "deal_id", "at", "id", "kind", "from_stage", "to_stage"]
ENTRIES_WHERE = sa.text("to_stage IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.create_index("uq_deal_team_external", ["team_id", "external_id"], unique=True)

    with op.batch_alter_table("deal_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deal_event_entries",
            ENTRIES_COLUMNS,
            unique=False,
            sqlite_where=ENTRIES_WHERE,
            postgresql_where=ENTRIES_WHERE,
        )


def downgrade() -> None:
    with op.batch_alter_table("deal_event", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_event_entries")

    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.drop_index("uq_deal_team_external")
        batch_op.drop_column("external_id")
