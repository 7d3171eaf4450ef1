"""each completed stay's length on the entry that ends it; first response and statuses from indexes

Time in stage computed every stay's length in its query: on SQLite, where times are text,
two date parses per stay, about a third of the report at 100,000 deals. Storage now
records the length as it writes the entry that ends the stay (`deal_event.stay_days`,
storage.stay_lengths), and the index of stays carries it, so the report adds lengths up
from the index alone. This revision adds the column, fills it for the history already
recorded, and rebuilds the index of stays with it.

The fill runs in batches of ids (BATCH ids per UPDATE, in id order, progress logged), so
no statement holds more than a batch of rows however long the history; each batch fills
only the stays still without a length, so running it again, after an interrupted
upgrade, does the remaining work only. Lengths are computed in SQL, per dialect, as the
time between the two columns (the same difference storage computes in Python as it
writes; SQLite's date functions keep milliseconds).

First response looks up each deal's first event other than its creation in the deal's
index of events; with `kind` and `at` in that index it no longer reads the table beside
every look-up (replaced, not added: one index per event as before). The deals a report reads
get an index of their own (`ix_deal_kpis`: one map's non-practice deals in id order, with
their owner, status, last move and creation): statuses and first response read it alone,
instead of a look-up of every deal's row.

Revision ID: 4b8e1f0c6a93
Revises: 5e8c1f0a7b24
Create Date: 2026-12-07 08:40:00
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401  (the column types the models use)
from alembic import op

revision: str = "4b8e1f0c6a93"
down_revision: str | None = "5e8c1f0a7b24"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 50_000  # ids per UPDATE
STAYS_WHERE = sa.text("stay_started_at IS NOT NULL")
STAYS_BEFORE = ["team_id", "deal_id", "from_stage", "stay_started_at", "at", "to_stage"]
STAYS_AFTER = [*STAYS_BEFORE, "stay_days"]
DEAL_BEFORE = ["deal_id", "id"]
DEAL_AFTER = ["deal_id", "id", "kind", "at"]
DEAL_KPIS = [
    "team_id",
    "map_id",
    "is_practice",
    "id",
    "owner_id",
    "status",
    "stage_entered_at",
    "created_at",
]
# a migration keeps its own copy of the length's SQL (storage.sql_time's, as it stood)
LENGTH_SQL = {
    "sqlite": "julianday(at) - julianday(stay_started_at)",
    "postgresql": "date_part('epoch', at - stay_started_at) / 86400.0",
}

log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    with op.batch_alter_table("deal_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stay_days", sa.Float(), nullable=True))
    fill_stay_days()
    _rebuild("ix_deal_event_stays", STAYS_AFTER, where=STAYS_WHERE)
    _rebuild("ix_deal_event_deal", DEAL_AFTER)
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.create_index("ix_deal_kpis", DEAL_KPIS, unique=False)


def fill_stay_days() -> None:
    """Give every entry that ends a stay, and has no length yet, its stay's length: a
    batch of ids at a time, in id order, logging progress."""
    connection = op.get_bind()
    low, high = connection.execute(sa.text("SELECT MIN(id), MAX(id) FROM deal_event")).one()
    if low is None:
        return
    update = sa.text(
        f"UPDATE deal_event SET stay_days = {LENGTH_SQL[connection.dialect.name]} "
        "WHERE id >= :low AND id < :high "
        "AND stay_started_at IS NOT NULL AND stay_days IS NULL"
    )
    filled = 0
    for start in range(low, high + 1, BATCH):
        filled += connection.execute(update, {"low": start, "high": start + BATCH}).rowcount
        done = min(start + BATCH - 1, high) - low + 1
        log.info("stay lengths: %d stays filled, ids %d of %d", filled, done, high - low + 1)


def _rebuild(name: str, columns: list[str], *, where: sa.TextClause | None = None) -> None:
    with op.batch_alter_table("deal_event", schema=None) as batch_op:
        batch_op.drop_index(name)
        batch_op.create_index(
            name, columns, unique=False, sqlite_where=where, postgresql_where=where
        )


def downgrade() -> None:
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_kpis")
    _rebuild("ix_deal_event_deal", DEAL_BEFORE)
    _rebuild("ix_deal_event_stays", STAYS_BEFORE, where=STAYS_WHERE)
    with op.batch_alter_table("deal_event", schema=None) as batch_op:
        batch_op.drop_column("stay_days")
