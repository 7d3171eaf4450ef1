"""the open deals by map version and stage, with the marks a nudge counts from: the
scheduler's scan reads the open deals, not every deal ever made

Each scheduler tick looks for open deals that crossed their stage's target (stuck) or
rot days (idle) and have no nudge yet (storage.digest_queries.crossed), after reading
which map versions the open deals follow (open_map_versions). No index led with the
status across workspaces: PostgreSQL walked the deals in id order, and SQLite scanned
the table, until 50 unclaimed crossings turned up, which in the usual case (every
crossing already nudged) meant every deal of the history, once per kind and tick
(issue #23: 1,000,000 deals). This partial index holds only the open deals, so both
queries read the open pipeline, whatever the length of the history.

Revision ID: 3b8f2c6d9e14
Revises: 9c4f2a7e1d35
Create Date: 2026-12-07 22:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3b8f2c6d9e14"
down_revision: str | None = "9c4f2a7e1d35"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_WHERE = sa.text("status = 'open'")
OPEN_MARKS = ["map_id", "map_version", "stage", "stage_entered_at", "last_activity_at"]


def upgrade() -> None:
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deal_open_marks",
            OPEN_MARKS,
            unique=False,
            sqlite_where=OPEN_WHERE,
            postgresql_where=OPEN_WHERE,
        )


def downgrade() -> None:
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_open_marks")
