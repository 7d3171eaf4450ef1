"""What every KPI query starts from: whose deals (`KpiScope`), which time (`Window`), the
map's shape as plain data (`MapShape`), and the building blocks that keep a query to the
scope's events and read them the cheap way. The definitions the queries implement are in
storage.kpi_queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Table,
    and_,
    bindparam,
    case,
    func,
    select,
    union_all,
)
from sqlalchemy.sql import ColumnElement, CompoundSelect, FromClause, Select
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

import storage.tables  # noqa: F401  (registers every table)
from storage.models import COUNTED_KINDS, EventKind

DEAL: Table = SQLModel.metadata.tables["deal"]
EVENT: Table = SQLModel.metadata.tables["deal_event"]

ENTRY_KINDS = (
    EventKind.CREATED,
    EventKind.ADVANCED,
    EventKind.OVERRIDDEN,
    EventKind.BRANCHED,
    EventKind.REOPENED,
)
REPORT_WORK_MEM = "64MB"


@dataclass(frozen=True, slots=True)
class KpiScope:
    """Whose deals: one workspace, one map, optionally some owners (None: everyone's)."""

    team_id: str
    map_id: str
    owner_ids: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Window:
    """A half-open time range [start, end); None on a side means unbounded."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None

    def holds(self, column: ColumnElement[Any]) -> ColumnElement[bool]:
        conditions = []
        if self.start is not None:
            conditions.append(column >= self.start)
        if self.end is not None:
            conditions.append(column < self.end)
        return and_(True, *conditions)

    @property
    def bounded(self) -> bool:
        return self.start is not None or self.end is not None


@dataclass(frozen=True, slots=True)
class MapShape:
    """What the queries need from the map, as plain data (stage ids in map order)."""

    main_path: tuple[str, ...]
    won_stage: str
    post_sale: tuple[str, ...]
    probabilities: Mapping[str, int]
    advances: Mapping[str, str] = field(default_factory=dict)  # stage → where `advance` leads

    @property
    def first_stage(self) -> str:
        return self.main_path[0]

    @property
    def won_stages(self) -> tuple[str, ...]:
        return (self.won_stage, *self.post_sale)


# -- building blocks ------------------------------------------------------------------------


def deal_filter(scope: KpiScope) -> list[ColumnElement[bool]]:
    conditions = [
        DEAL.c.team_id == scope.team_id,
        DEAL.c.map_id == scope.map_id,
        DEAL.c.is_practice.is_(False),
    ]
    if scope.owner_ids is not None:
        conditions.append(DEAL.c.owner_id.in_(scope.owner_ids))
    return conditions


def scoped_events(scope: KpiScope, *columns: Any) -> Select[Any]:
    return (
        select(*columns)
        .select_from(EVENT.join(DEAL, DEAL.c.id == EVENT.c.deal_id))
        .where(EVENT.c.team_id == scope.team_id, *deal_filter(scope))
    )


def unjoined_events(scope: KpiScope, *columns: Any, per_deal: bool = True) -> Select[Any]:
    """The scope's events, like `scoped_events`, with no join to the deal: for a query that
    reads events in an order other than their deals' (by kind, by stage), where looking
    up each event's deal (about 2 µs each on SQLite, in random order) costs most of the
    query. Without an owner filter the events are kept unless their deal is one of the
    team's few deals outside the scope (practice deals, other maps'), a small set both
    databases hash or index once; with one, only the scope's deals are kept, and
    `per_deal=False` keeps SQLite from reading them deal by deal (for a query whose index
    is not in deal order: it would read each event's row beside it). Exact because an
    event's team is its deal's: every writer takes it from the deal."""
    if scope.owner_ids is None:
        kept = EVENT.c.deal_id.not_in(_outside(scope))
    else:  # `+ 0`: an expression SQLite cannot look up by, so it never goes deal by deal
        deal_id = EVENT.c.deal_id if per_deal else EVENT.c.deal_id + 0
        kept = deal_id.in_(select(DEAL.c.id).where(*deal_filter(scope)))
    return select(*columns).where(
        EVENT.c.team_id == scope.team_id, EVENT.c.deal_id.is_not(None), kept
    )


def _outside(scope: KpiScope) -> CompoundSelect:
    """The ids of the team's deals outside the scope (other maps', practice deals) as
    three ranges of ix_deal_kpis (before the map, after it, its practice deals), so both
    databases read only the few outside rather than every deal of the team and a filter
    (an OR of the three is a scan of them all on SQLite). map_id and is_practice are
    never NULL, so the three are exactly the deals not in the scope's map or practice."""
    team = DEAL.c.team_id == scope.team_id
    return union_all(
        select(DEAL.c.id).where(team, DEAL.c.map_id < scope.map_id),
        select(DEAL.c.id).where(team, DEAL.c.map_id > scope.map_id),
        select(DEAL.c.id).where(team, DEAL.c.map_id == scope.map_id, DEAL.c.is_practice.is_(True)),
    )


def is_entry(events: FromClause = EVENT) -> ColumnElement[bool]:
    """A stage entry of `events` (the event table, or an alias of it)."""
    kinds = [kind.value for kind in ENTRY_KINDS]
    return and_(events.c.to_stage.is_not(None), events.c.kind.in_(kinds))


def is_counted() -> ColumnElement[bool]:
    """The events the KPIs count (losses, objections, overrides, reopens): the predicate of
    ix_deal_event_counted, its values written into the statement, as a query must repeat
    it to read that index (neither database matches a partial index's predicate to bound
    parameters)."""
    kinds = [kind.value for kind in COUNTED_KINDS]
    return EVENT.c.kind.in_(bindparam("counted_kinds", kinds, expanding=True, literal_execute=True))


def ends_a_stay() -> ColumnElement[bool]:
    """The entries that end a stay: every writer records when the stay began on them, and
    on them only (the predicate of the index of stays, ix_deal_event_stays)."""
    return EVENT.c.stay_started_at.is_not(None)


async def tune_for_reports(session: AsyncSession) -> None:
    """PostgreSQL settings for the report queries of this session: no JIT (compiling them
    took about a second here, more than running them), room to sort in memory (the
    percentiles sort every stay; 4 MB spills to disk), and no parallel workers (a report
    already runs its queries side by side, one per core: workers on top only share the
    same cores, and cost their start). Call it first in the session.

    Reads run in autocommit (storage.database), where SET LOCAL does nothing and a plain
    SET would stay on the pooled connection for whoever takes it next: this session's
    connection runs in a transaction instead, rolled back (settings and all) at its end.
    """
    if session.get_bind().dialect.name == "postgresql":
        connection = await session.connection(
            execution_options={"isolation_level": "READ COMMITTED"}
        )
        await connection.exec_driver_sql("SET LOCAL jit = off")
        await connection.exec_driver_sql(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'")
        await connection.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")


async def group_in_index_order(session: AsyncSession) -> None:
    """PostgreSQL: group rows as an index hands them over instead of hashing them. With
    the report's work_mem it hashes the 300,000 groups of deal and stage (it estimates a
    third of them), 0.1 s slower than a merge join and grouping in order. SET LOCAL: for
    this query's transaction (tune_for_reports), not the pooled connection."""
    if session.get_bind().dialect.name == "postgresql":
        connection = await session.connection()
        await connection.exec_driver_sql("SET LOCAL enable_hashagg = off")


async def rows_of(session: AsyncSession, query: Any) -> Sequence[Any]:
    connection = await session.connection()
    return (await connection.execute(query)).all()


def count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.sum(case((condition, 1), else_=0))
