"""Running totals the all-time KPIs read instead of the whole history (docs/kpis.md,
"All time: running totals").

The database keeps them: triggers on `deal_event` and `deal` (storage.rollup_triggers)
add each event's share as it is written and take it away as it is deleted, in the
writer's own transaction, and move a deal's share when its owner, map or practice flag
changes. Every writer is covered, the app's moves, imports, tests' and benchmarks' own
inserts alike, because none of them has to know. A row is keyed by what a report's scope
filters on (the workspace, the deal's map and its owner), so a report for everyone adds
up its map's rows and a report for a team only its owners'.

`kpi_rollup_state` says how far the totals reach: deals with an id below `next_deal_id`
are in them; a database that had history before the totals existed fills them in deal-id
batches (storage.rollup_backfill), and until it is done the reports read the history as
before. Not a workspace table (no `team_id`): deleting a workspace keeps it.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Text
from sqlmodel import Field, SQLModel

# every deal id is below it: the totals hold every deal, new ones included
ALL_DEALS = 2**62
MATRIX = "matrix"  # the name of the totals' reach in kpi_rollup_state
# the tables the triggers keep, in the order their rows follow from each other (an item
# of a deal's stays moves its buckets)
TOTALS = (
    "kpi_move_total",
    "kpi_created_total",
    "kpi_counted_total",
    "kpi_stay_item",
    "kpi_stay_bucket",
    "kpi_response_item",
    "kpi_response_bucket",
)


class KpiMoveTotal(SQLModel, table=True):
    """Stays ended by a move from one stage to another (the entries that carry
    `stay_started_at`), per workspace, map and owner of the deal: the all-time transition
    matrix (storage.kpi_queries.matrix). `migrated`: of those, the moves a map migration
    made. A count may reach 0 when events are deleted; readers leave such rows out."""

    __tablename__ = "kpi_move_total"

    team_id: str = Field(primary_key=True, max_length=32)
    map_id: str = Field(primary_key=True, max_length=40)
    owner_id: str = Field(primary_key=True, max_length=32)
    from_stage: str = Field(primary_key=True, max_length=40)
    to_stage: str = Field(primary_key=True, max_length=40)
    moves: int = Field(default=0)
    migrated: int = Field(default=0)


class KpiCreatedTotal(SQLModel, table=True):
    """Deals created in each stage (their `created` events), per workspace, map and owner."""

    __tablename__ = "kpi_created_total"

    team_id: str = Field(primary_key=True, max_length=32)
    map_id: str = Field(primary_key=True, max_length=40)
    owner_id: str = Field(primary_key=True, max_length=32)
    stage: str = Field(primary_key=True, max_length=40)
    created: int = Field(default=0)


class KpiCountedTotal(SQLModel, table=True):
    """Counted events (storage.kpi_events.event_counts) per workspace, map and owner: `what`
    is `lose` (a loss), `objection`, `overridden` or `reopened`; `key` the loss's map
    reason (else its text) or the objection's playbook entry; `stage` where it happened.
    Both may be empty, so the row's identity is a unique index over them made empty-safe
    (and, on PostgreSQL, the key hashed: a free-text reason may be longer than an index
    entry may be), created with the triggers (storage.rollup_triggers)."""

    __tablename__ = "kpi_counted_total"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    map_id: str = Field(max_length=40)
    owner_id: str = Field(max_length=32)
    what: str = Field(max_length=16)
    stage: str | None = Field(default=None, max_length=40)
    key: str | None = Field(default=None, sa_column=Column(Text))
    n: int = Field(default=0)


class KpiStayItem(SQLModel, table=True):
    """A deal's completed stays in one stage, as time in stage counts them
    (storage.kpi_stays): `cumulative` their lengths added up, `latest` the last one's, each
    with its bucket (storage.rollup_sql.bucket: the unit a percentile's rank is found in).
    One row per deal and stage of a counted deal, redone by the triggers whenever one of
    its stays is written or deleted."""

    __tablename__ = "kpi_stay_item"
    __table_args__ = (
        # a rank inside a bucket is an offset into one range of these, in value order
        Index(
            "ix_kpi_stay_item_cumulative",
            "team_id",
            "map_id",
            "stage",
            "cumulative_bucket",
            "cumulative",
            "owner_id",
        ),
        Index(
            "ix_kpi_stay_item_latest",
            "team_id",
            "map_id",
            "stage",
            "latest_bucket",
            "latest",
            "owner_id",
        ),
    )

    deal_id: int = Field(primary_key=True)
    stage: str = Field(primary_key=True, max_length=40)
    team_id: str = Field(max_length=32)
    map_id: str = Field(max_length=40)
    owner_id: str = Field(max_length=32)
    cumulative: float
    latest: float
    cumulative_bucket: int
    latest_bucket: int


class KpiStayBucket(SQLModel, table=True):
    """How many deals' stays in a stage fall in each bucket of `variant` (cumulative or
    latest), and their sum, per workspace, map and owner: a report counts ranks in these
    and reads only the one bucket's items each percentile needs."""

    __tablename__ = "kpi_stay_bucket"

    team_id: str = Field(primary_key=True, max_length=32)
    map_id: str = Field(primary_key=True, max_length=40)
    owner_id: str = Field(primary_key=True, max_length=32)
    stage: str = Field(primary_key=True, max_length=40)
    variant: str = Field(primary_key=True, max_length=16)
    bucket: int = Field(primary_key=True)
    n: int = Field(default=0)
    total: float = Field(default=0.0)


class KpiResponseItem(SQLModel, table=True):
    """A counted deal's first response (storage.kpi_events.first_response): `event_id` its
    first event other than its creation or a migration, in record order, and `hours` from
    the deal's creation to it, in bucket `bucket` (storage.rollup_sql.bucket). One row per
    deal with a response, redone by the triggers when an earlier event is written, that
    event deleted, or the deal changed."""

    __tablename__ = "kpi_response_item"
    __table_args__ = (
        # a rank inside a bucket is an offset into one range of these, in value order
        Index("ix_kpi_response_item_hours", "team_id", "map_id", "bucket", "hours", "owner_id"),
    )

    deal_id: int = Field(primary_key=True)
    team_id: str = Field(max_length=32)
    map_id: str = Field(max_length=40)
    owner_id: str = Field(max_length=32)
    event_id: int
    hours: float
    bucket: int


class KpiResponseBucket(SQLModel, table=True):
    """How many deals' first responses fall in each bucket, and their sum, per workspace,
    map and owner."""

    __tablename__ = "kpi_response_bucket"

    team_id: str = Field(primary_key=True, max_length=32)
    map_id: str = Field(primary_key=True, max_length=40)
    owner_id: str = Field(primary_key=True, max_length=32)
    bucket: int = Field(primary_key=True)
    n: int = Field(default=0)
    total: float = Field(default=0.0)


class KpiRollupState(SQLModel, table=True):
    """How far a family of totals reaches: every deal with an id below `next_deal_id`
    (ALL_DEALS once filled)."""

    __tablename__ = "kpi_rollup_state"

    name: str = Field(primary_key=True, max_length=40)
    next_deal_id: int = Field(sa_column=Column(BigInteger, nullable=False))
