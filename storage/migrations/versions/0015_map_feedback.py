"""feedback on the map in a table of its own, numbered per workspace, with its stage and
whether an owner closed it

Feedback was a `deal_event` of kind `feedback` with no deal: the owners could not read
it, close it, or tell which stage it was about. It moves to `map_feedback`, numbered in
the order it was given (what `/deal feedback done 3` names), and leaves the deal history,
where nothing ever showed it. Downgrading puts it back as events (closing is lost).

Revision ID: 5e8c1f0a7b24
Revises: 7d3a9b2e5f61
Create Date: 2026-12-07 08:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401  (the column types sqlmodel renders)
from alembic import op

revision: str = "5e8c1f0a7b24"
down_revision: str | None = "7d3a9b2e5f61"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOVE_IN = """
INSERT INTO map_feedback (team_id, number, map_id, map_version, author_id, given_at, text)
SELECT team_id, ROW_NUMBER() OVER (PARTITION BY team_id ORDER BY id), map_id,
       CAST(COALESCE(value, '1') AS INTEGER), actor_id, at, COALESCE(reason, '')
FROM deal_event WHERE kind = 'feedback' AND deal_id IS NULL
"""
MOVE_BACK = """
INSERT INTO deal_event (team_id, deal_id, map_id, kind, actor_id, at, reason, value)
SELECT team_id, NULL, map_id, 'feedback', author_id, given_at, text,
       CAST(map_version AS VARCHAR(500))
FROM map_feedback ORDER BY team_id, number
"""


def upgrade() -> None:
    op.create_table(
        "map_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("map_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("map_version", sa.Integer(), nullable=False),
        sa.Column("author_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("given_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=True),
        sa.Column("stage_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("stage_source", sa.String(length=8), nullable=True),
        sa.Column("done_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("done_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("done_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["deal_id"], ["deal.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "number", name="uq_map_feedback_number"),
    )
    with op.batch_alter_table("map_feedback", schema=None) as batch_op:
        batch_op.create_index(
            "ix_map_feedback_open", ["team_id", "done_at", "number"], unique=False
        )
    op.execute(MOVE_IN)
    op.execute("DELETE FROM deal_event WHERE kind = 'feedback' AND deal_id IS NULL")


def downgrade() -> None:
    op.execute(MOVE_BACK)
    with op.batch_alter_table("map_feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_map_feedback_open")
    op.drop_table("map_feedback")
