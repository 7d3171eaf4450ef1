"""expected close date: when the owner expects a deal to close, and how often it moved later

A deal whose expected close date moved later three times is slipping (the digests say so);
the count is kept on the row so a digest reads it without walking every deal's history.

Revision ID: 6c2f8e0d4a17
Revises: 3d7b1e4a9c52
Create Date: 2026-12-07 05:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6c2f8e0d4a17"
down_revision: str | None = "3d7b1e4a9c52"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expected_close", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("close_pushes", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.drop_column("close_pushes")
        batch_op.drop_column("expected_close")
