"""stay start on the entries that end a stay, and an index of completed stays (KPIs)

Time in stage and the transition matrix of a bounded period read when each completed stay
began. They found it with a window over every deal's entries (`LAG`), which cost more than
a second on 100,000 deals. Every writer now records it on the entry that ends the stay
(`deal_event.stay_started_at`: the deal's `stage_entered_at` as it moves). This revision
adds the column, fills it for the history already recorded with that same window (the
time of the deal's entry before, in (`at`, `id`) order), and indexes the completed stays.

Revision ID: 6e9dca8435dd
Revises: 5c1e0a9d7b24
Create Date: 2026-11-27 09:25:29.487637
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401  (autogenerate renders sqlmodel's column types)
from alembic import op

revision: str = "6e9dca8435dd"
down_revision: str | None = "5c1e0a9d7b24"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENTRY_KINDS = ("created", "advanced", "overridden", "branched", "reopened")
STAYS_COLUMNS = ["team_id", "deal_id", "from_stage", "stay_started_at", "at", "to_stage"]
STAYS_WHERE = sa.text("stay_started_at IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("deal_event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("stay_started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    op.execute(_backfill())
    with op.batch_alter_table("deal_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deal_event_stays",
            STAYS_COLUMNS,
            unique=False,
            sqlite_where=STAYS_WHERE,
            postgresql_where=STAYS_WHERE,
        )


def _backfill() -> sa.Update:
    """Each entry with a `from_stage` gets the time of the deal's entry before it."""
    event = sa.table(
        "deal_event",
        sa.column("id", sa.Integer()),
        sa.column("deal_id", sa.Integer()),
        sa.column("kind", sa.String()),
        sa.column("at", sqlmodel.sql.sqltypes.UTCDateTime()),
        sa.column("from_stage", sa.String()),
        sa.column("to_stage", sa.String()),
        sa.column("stay_started_at", sqlmodel.sql.sqltypes.UTCDateTime()),
    )
    before = sa.func.lag(event.c.at).over(
        partition_by=event.c.deal_id, order_by=(event.c.at, event.c.id)
    )
    entries = (
        sa.select(event.c.id, event.c.from_stage, before.label("started"))
        .where(event.c.to_stage.is_not(None), event.c.kind.in_(ENTRY_KINDS))
        .subquery("entries")
    )
    return (
        event.update()
        .values(stay_started_at=entries.c.started)
        .where(
            event.c.id == entries.c.id,
            entries.c.from_stage.is_not(None),
            entries.c.started.is_not(None),
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("deal_event", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_event_stays")
        batch_op.drop_column("stay_started_at")
