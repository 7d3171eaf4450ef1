"""the completed stays in (from stage, to stage) order, and the creations by stage: the
transition matrix from two indexes, without a sort

The transition matrix (storage.kpi_queries.transitions) groups every completed stay by
its two stages. The index of stays is in deal order, so both databases sorted the
300,000 stays of the 100,000-deal benchmark to group them (a third of a second on
SQLite). This index holds the same entries (those that end a stay) in the order the
matrix groups them, with the times a window filters on, the deal id the scope keeps
them by and the kind, so the matrix is counted as the index is read, the moves migrations
made among them in the same pass (they were a query of their own, which SQLite answered by
reading every stay's row for its kind). The matrix's
other half, the creations by the stage they began in, gets a small index of its own (one
entry per deal), read in stage order too.

Revision ID: 9c2d5e7a1f40
Revises: e584d6015562
Create Date: 2026-12-07 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9c2d5e7a1f40"
down_revision: str | None = "e584d6015562"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAYS_WHERE = sa.text("stay_started_at IS NOT NULL")
MOVES = ["team_id", "from_stage", "to_stage", "at", "stay_started_at", "deal_id", "kind"]
CREATED_WHERE = sa.text("kind = 'created'")
CREATED = ["team_id", "to_stage", "at", "deal_id", "kind"]


def upgrade() -> None:
    with op.batch_alter_table("deal_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deal_event_moves",
            MOVES,
            unique=False,
            sqlite_where=STAYS_WHERE,
            postgresql_where=STAYS_WHERE,
        )
        batch_op.create_index(
            "ix_deal_event_created",
            CREATED,
            unique=False,
            sqlite_where=CREATED_WHERE,
            postgresql_where=CREATED_WHERE,
        )


def downgrade() -> None:
    with op.batch_alter_table("deal_event", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_event_created")
        batch_op.drop_index("ix_deal_event_moves")
