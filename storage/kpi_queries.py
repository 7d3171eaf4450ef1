"""KPIs as SQL over the append-only event history; the definitions below are the
reference (the README's KPI paragraph points here).

Pure data access: every function takes an open session, a `KpiScope` (workspace, map,
optionally the owners) and a `Window` (half-open UTC time range), aggregates in the
database and returns a few rows. No deal list is ever loaded into Python. Practice deals
(`Deal.is_practice`) are left out of everything, and every query filters on the team id.

Definitions, as implemented:

- A *stage entry* is an event that put a deal into a stage: kinds created, advanced,
  overridden, branched, reopened (each has `to_stage`; all but `created` also have
  `from_stage`, the stage the deal left, which every writer takes from the deal itself).
  A deal's entries are in (`at`, `id`) order.
- A *stay* runs from an entry to the deal's next entry, whatever stage that is (lost,
  disqualified and nurture included). A completed stay is read off the entry that ends it:
  its stage is that entry's `from_stage`, its end that entry's `at`, and its start the `at`
  of the deal's entry before it, which the writer records on the entry as
  `stay_started_at` (the deal's `stage_entered_at` as it moves: bot.deals.moving; the
  row before, on import; filled by migration for older history, with `LAG` over the
  deal's entries). Only the entries that end a stay carry it, so no query walks a deal's
  entries in order. The writer also records the stay's length on it, `stay_days` (`at`
  − `stay_started_at` in days: storage.stay_lengths, filled by migration for older
  history), which time in stage adds up. A stay with no next entry is *open* and never
  counted as a duration.
- The *main path* is the map's open stages in map order (sales stages, the won stage, the
  post-sale stages); a stage's position on it is its index. Side stages (lost,
  disqualified, nurture) have no position.
- *Entered* (per stage): entries into the stage with `at` in the window (entry cohort).
  Each entry is *decided* once its stay has ended, or *still in* the stage (`still_in`).
  A decided entry either *converted*: its next stage has a higher main-path position (the
  won stage and post-sale stages included), or *left otherwise* (`left_otherwise`): a side
  exit (lost, disqualified, nurture) or a backward move (a reopen to an earlier stage, a
  `next` that points back; counted as `backward_into`). So skipping stages converts
  (qualify → demo converts qualify; the entry into demo counts as `skipped_into` and
  discovery, with no entry, as one stage skipped). *Conversion* = converted ÷ decided:
  an entry still in the stage is no failure, it is reported beside the rate, and a young
  cohort's rate rests on fewer entries instead of looking worse. The won stage, the last
  main-path stage and the side stages have no conversion (bot.reporting.kpis). A deal
  that comes back to a stage makes a new entry there.
- *Time in stage* (per stage, days per deal), over the completed stays that started in the
  window: `cumulative` = the deal's completed stays in the stage added up (the pinned
  `time_in_stage_days`: every completed stay counts, open ones never do), `latest` = the
  deal's last completed stay there. They differ only for deals that came back to a stage.
- *Won*: a deal's first entry into the won stage or any post-sale stage, in the window.
  *Cycle length*: from the deal's first stage entry (its creation: `created_at` is the
  time of its `created` event) to that won entry, in days.
- *Lost* / *disqualified*: deals in that status now whose entry into it (their
  `stage_entered_at`) is in the window; a lost deal reopened later is not lost.
  *Open* and *nurture* are counts of the deals in that status now (a snapshot; the window
  does not apply).
- *Pipeline*: open deals now, per currency: how many, Σ amount × the probability of the
  deal's current stage ÷ 100, and how many are *qualified* (past the map's first stage).
  Amounts in different currencies are never added up here; a reporting currency with
  rates (bot.reporting.money) converts them after the query.
- *First response*: for deals created in the window, the deal's first event other than
  `created` (in record order) minus the creation time, in hours; deals with no such event
  are left out.
- *Lost reasons*: branched events with action `lose` in the window, by `value` (the map's
  reason; the full text is in `reason`, used when `value` is empty) and the stage the deal
  was lost from. *Objections*: OBJECTION events in the window, by playbook entry matched
  (`value`, empty when none) and stage. Both are reported per stage, so the same reason
  heard in two stages is two lines that name their stage, never one line printed twice.
  *Overrides*: OVERRIDDEN events by the stage whose gate was overridden; *reopens*:
  REOPENED events by the stage reopened to.
- *Gate deviations* (every move past a gate without its exit items: overrides, and skips
  found in the history): storage.kpi_deviations, defined in docs/kpis.md.

The KPIs that need no stage entries (status counts, pipeline, first response, counted
events) are in storage.kpi_events. Medians and percentiles: storage.percentiles
(`percentile_cont` on PostgreSQL, bucket counts and a few ranked values on SQLite).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Table,
    and_,
    case,
    func,
    literal,
    not_,
    null,
    select,
    union_all,
)
from sqlalchemy.sql import ColumnElement, CompoundSelect, FromClause, Select
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

import storage.tables  # noqa: F401  (registers every table)
from storage.models import EventKind
from storage.percentiles import Summary, summarize_columns

DEAL: Table = SQLModel.metadata.tables["deal"]
EVENT: Table = SQLModel.metadata.tables["deal_event"]

ENTRY_KINDS = (
    EventKind.CREATED,
    EventKind.ADVANCED,
    EventKind.OVERRIDDEN,
    EventKind.BRANCHED,
    EventKind.REOPENED,
)
STAY_VARIANTS = ("cumulative", "latest")
REPORT_WORK_MEM = "64MB"
FLOW_SUMS = ("entered", "left", "converted", "skipped", "jumped", "backward")


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


def _ends_a_stay() -> ColumnElement[bool]:
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


async def _group_in_index_order(session: AsyncSession) -> None:
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


# -- per stage: entries, conversion, deviations -----------------------------------------------


@dataclass(frozen=True, slots=True)
class StageFlow:
    stage: str
    entered: int
    converted: int
    still_in: int  # entries whose stay has not ended: undecided, never a failure
    skipped_into: int  # entries that jumped over main-path stages to get here
    stages_skipped: int  # how many stages those jumps passed over
    backward_into: int  # entries from a later main-path stage (a move back)
    left_otherwise: int = 0  # decided entries that did not move further along the path

    @property
    def decided(self) -> int:
        """Entries whose stay has ended, converted or not: what a conversion rests on."""
        return self.converted + self.left_otherwise

    @property
    def conversion(self) -> float | None:
        """Converted ÷ decided (None: no decided entry yet)."""
        return self.converted / self.decided if self.decided else None


@dataclass(frozen=True, slots=True)
class Transition:
    """Moves from one stage to another: `entered` counts the moves made in the window,
    `left` the moves that ended a stay begun in the window (`from_stage` None: creations,
    which end no stay)."""

    from_stage: str | None
    to_stage: str
    entered: int
    left: int


async def transitions(
    session: AsyncSession, *, scope: KpiScope, window: Window
) -> list[Transition]:
    """The stage-to-stage matrix (`matrix`), a few dozen rows."""
    return (await matrix(session, scope=scope, window=window)).moves


@dataclass(frozen=True, slots=True)
class Matrix:
    moves: list[Transition]  # every move, the migrations' included
    migrated: list[Transition]  # of those, the moves migrations made (storage.kpi_migrations)


async def matrix(session: AsyncSession, *, scope: KpiScope, window: Window) -> Matrix:
    """The transition matrix, and which of its moves migrations made. A deal's entries are
    its creation and its moves, each move ending a stay and carrying its start: the moves
    are grouped by their two stages as their index hands them over (ix_deal_event_moves,
    in that order, so without sorting 300,000 stays; it holds the kind, so the migrations'
    are counted in the same pass), the creations by the stage they began in (from
    ix_deal_event_created). Over a window, only the window's moves are read (`_in_window`)."""
    moves = _in_window(scope, window) if window.bounded else _every_move(scope)
    created = (
        unjoined_events(scope, null(), EVENT.c.to_stage, func.count(), *(literal(0),) * 3)
        .where(
            EVENT.c.kind == EventKind.CREATED.value,
            EVENT.c.to_stage.is_not(None),
            window.holds(EVENT.c.at),
        )
        .group_by(EVENT.c.to_stage)
    )
    rows = await rows_of(session, union_all(moves, created))
    return Matrix(
        moves=[Transition(row[0], row[1], int(row[2] or 0), int(row[3] or 0)) for row in rows],
        migrated=[
            Transition(row[0], row[1], int(row[4] or 0), int(row[5] or 0))
            for row in rows
            if row[4] or row[5]
        ],
    )


def _every_move(scope: KpiScope) -> Select[Any]:
    """Every stay's end, grouped by its two stages in the order of ix_deal_event_moves."""
    migration = count_if(EVENT.c.kind == EventKind.MIGRATED.value)
    return (
        unjoined_events(
            scope,
            EVENT.c.from_stage,
            EVENT.c.to_stage,
            func.count(),
            func.count(),
            migration,
            migration,
        )
        .where(_ends_a_stay())
        .group_by(EVENT.c.from_stage, EVENT.c.to_stage)
    )


def _in_window(scope: KpiScope, window: Window) -> Select[Any]:
    """The moves made in the window or ending a stay begun in it, grouped by their stages,
    from two ranges led by time instead of every stay: the moves made in the window (by
    `at`, ix_deal_event_entries_at), and the stays begun in it that did not end in it (by
    `stay_started_at`, ix_deal_event_stays_began): each stay with either time in the
    window, once. Every entry that ends a stay has the stage it entered (`to_stage`), the
    predicate of the entries' index."""
    columns = (EVENT.c.from_stage, EVENT.c.to_stage, EVENT.c.at, EVENT.c.stay_started_at)
    entered, began = window.holds(EVENT.c.at), window.holds(EVENT.c.stay_started_at)
    parts = [
        unjoined_events(scope, *columns, EVENT.c.kind).where(
            _ends_a_stay(), EVENT.c.to_stage.is_not(None), entered
        ),
        unjoined_events(scope, *columns, EVENT.c.kind).where(_ends_a_stay(), began, not_(entered)),
    ]
    stays = union_all(*parts).subquery("window_stays")
    entered, began = window.holds(stays.c.at), window.holds(stays.c.stay_started_at)
    migration = stays.c.kind == EventKind.MIGRATED.value
    return select(
        stays.c.from_stage,
        stays.c.to_stage,
        count_if(entered),
        count_if(began),
        count_if(and_(migration, entered)),
        count_if(and_(migration, began)),
    ).group_by(stays.c.from_stage, stays.c.to_stage)


def count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.sum(case((condition, 1), else_=0))


async def stage_flow(
    session: AsyncSession, *, scope: KpiScope, window: Window, shape: MapShape
) -> dict[str, StageFlow]:
    """Entries per stage in the window and how the stays they began ended, read off the
    transition matrix: a move S→T counts as entered for T, and as left (and converted when
    T lies further along the main path) for S; its positions tell skips and moves back."""
    return flow_from(await transitions(session, scope=scope, window=window), shape=shape)


def flow_from(moves: Sequence[Transition], *, shape: MapShape) -> dict[str, StageFlow]:
    position = {stage: index for index, stage in enumerate(shape.main_path)}
    sums: dict[str, dict[str, int]] = {}
    for move in moves:
        into = sums.setdefault(move.to_stage, dict.fromkeys(FLOW_SUMS, 0))
        into["entered"] += move.entered
        here, before = position.get(move.to_stage), position.get(move.from_stage or "")
        if here is not None and before is not None:
            jump = here - before - 1
            into["skipped"] += move.entered if jump > 0 else 0
            into["jumped"] += move.entered * jump if jump > 0 else 0
            into["backward"] += move.entered if before > here else 0
        if move.from_stage is None:
            continue
        out = sums.setdefault(move.from_stage, dict.fromkeys(FLOW_SUMS, 0))
        out["left"] += move.left
        if here is not None and before is not None and here > before:
            out["converted"] += move.left
    return {
        stage: StageFlow(
            stage,
            entered=n["entered"],
            converted=n["converted"],
            still_in=n["entered"] - n["left"],
            skipped_into=n["skipped"],
            stages_skipped=n["jumped"],
            backward_into=n["backward"],
            left_otherwise=n["left"] - n["converted"],
        )
        for stage, n in sums.items()
    }


# -- time in stage ------------------------------------------------------------------------------


async def time_in_stage(
    session: AsyncSession, *, scope: KpiScope, window: Window, force_window: bool = False
) -> dict[tuple[str, str], Summary]:
    """Days in each stage per deal, keyed by (variant, stage); variants: STAY_VARIANTS.

    One row per deal and stage, grouped as the index of stays is read (in deal and stage
    order, so without a sort or a hash table), adding up the lengths recorded on the
    stays (`stay_days`, storage.stay_lengths): `cumulative` is their sum; `latest`, the
    last stay's length, is that same sum for a deal that stayed once, and is looked up
    in the index (the stay that started last) only for the few that came back.
    """
    await _group_in_index_order(session)
    cumulative = func.sum(EVENT.c.stay_days)
    # over a window, the window's stays (ix_deal_event_stays_began) kept by their deal's id:
    # PostgreSQL joined each to its deal by hashing every deal of the map
    events = unjoined_events if window.bounded else scoped_events
    per_deal = (
        events(
            scope,
            EVENT.c.from_stage.label("stage"),
            cumulative.label("cumulative"),
            case((func.count() == 1, cumulative), else_=_last_stay(scope, window)).label("latest"),
        )
        .where(_ends_a_stay(), window.holds(EVENT.c.stay_started_at))
        .group_by(EVENT.c.deal_id, EVENT.c.from_stage)
        .subquery("per_deal")
    )
    found = await summarize_columns(
        session, per_deal, groups=("stage",), values=STAY_VARIANTS, force_window=force_window
    )
    return {
        (variant, key[0]): summary
        for variant, summaries in found.items()
        for key, summary in summaries.items()
    }


def _last_stay(scope: KpiScope, window: Window) -> ColumnElement[Any]:
    """The length of the grouped deal's last stay in the grouped stage that started in
    the window: one look-up in the index of stays, newest start first. A deal's stays
    never overlap, so the one that started last is the one that ended last."""
    last = EVENT.alias("last_stay")
    return (
        select(last.c.stay_days)
        .where(
            last.c.team_id == scope.team_id,
            last.c.deal_id == EVENT.c.deal_id,
            last.c.from_stage == EVENT.c.from_stage,
            last.c.stay_started_at.is_not(None),
            window.holds(last.c.stay_started_at),
        )
        .order_by(last.c.stay_started_at.desc(), last.c.at.desc())
        .limit(1)
        .correlate(EVENT)
        .scalar_subquery()
    )


# -- won deals: cycle length and amounts (storage.kpi_won) ----------------------------------------


@dataclass(frozen=True, slots=True)
class MoneyByCurrency:
    currency: str
    count: int  # deals
    with_amount: int  # of which have an amount
    total: float
