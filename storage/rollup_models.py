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

from sqlalchemy import BigInteger, Column, Text
from sqlmodel import Field, SQLModel

# every deal id is below it: the totals hold every deal, new ones included
ALL_DEALS = 2**62
MATRIX = "matrix"  # the name of the transition matrix's totals in kpi_rollup_state


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


class KpiRollupState(SQLModel, table=True):
    """How far a family of totals reaches: every deal with an id below `next_deal_id`
    (ALL_DEALS once filled)."""

    __tablename__ = "kpi_rollup_state"

    name: str = Field(primary_key=True, max_length=40)
    next_deal_id: int = Field(sa_column=Column(BigInteger, nullable=False))
