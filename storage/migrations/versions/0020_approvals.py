"""approval requests: who was asked to approve an exit item, and how they answered

An item the map marks `approval:` is ticked only when an allowed person approves it
(docs/approvals.md); each request, its answer and its reason are kept here, beside the
history events. At most one request per item waits at a time (a partial unique index).

Revision ID: 3b7e0c9d2a15
Revises: 3b7e1d9c4a20
Create Date: 2026-12-07 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401  (the column types sqlmodel renders)
from alembic import op

revision: str = "3b7e0c9d2a15"
down_revision: str | None = "3b7e1d9c4a20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    op.create_table(
        "approval_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("stage", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("item_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("approver", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("asked", sa.Text(), nullable=False),
        sa.Column("requested_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("requested_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("evidence", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answered_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("answered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["deal_id"], ["deal.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("approval_request", schema=None) as batch_op:
        batch_op.create_index("ix_approval_request_deal", ["deal_id", "stage", "id"], unique=False)
        batch_op.create_index(
            "uq_approval_request_pending",
            ["deal_id", "stage", "item_id"],
            unique=True,
            sqlite_where=PENDING,
            postgresql_where=PENDING,
        )


def downgrade() -> None:
    with op.batch_alter_table("approval_request", schema=None) as batch_op:
        batch_op.drop_index("uq_approval_request_pending")
        batch_op.drop_index("ix_approval_request_deal")
    op.drop_table("approval_request")
