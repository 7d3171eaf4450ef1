"""validated ticks: who confirmed a ticked item the map has validated (`validate: manager`)

Revision ID: 8eb895ef903f
Revises: 9a4f2c7e1b30
Create Date: 2026-12-07 02:30:49.919700
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401  (autogenerate renders sqlmodel's column types)
from alembic import op

revision: str = "8eb895ef903f"
down_revision: str | None = "9a4f2c7e1b30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("exit_tick", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("validated_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
        batch_op.add_column(
            sa.Column("validated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("exit_tick", schema=None) as batch_op:
        batch_op.drop_column("validated_at")
        batch_op.drop_column("validated_by")
