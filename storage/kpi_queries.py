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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    and_,
    func,
    literal,
    not_,
    null,
    select,
    union_all,
)
from sqlalchemy.sql import Select
from sqlmodel.ext.asyncio.session import AsyncSession

import storage.tables  # noqa: F401  (registers every table)
from storage.kpi_scope import (
    EVENT,
    KpiScope,
    MapShape,
    Window,
    count_if,
    ends_a_stay,
    rows_of,
    unjoined_events,
)
from storage.kpi_totals import matrix_totals, totals_ready
from storage.models import EventKind

FLOW_SUMS = ("entered", "left", "converted", "skipped", "jumped", "backward")


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


async def matrix(
    session: AsyncSession, *, scope: KpiScope, window: Window, from_history: bool = False
) -> Matrix:
    """The transition matrix, and which of its moves migrations made. For all time, from
    the running totals (storage.kpi_totals) once they hold every deal, unless
    `from_history` (the tests' reference); otherwise from the history (`_from_history`)."""
    if not window.bounded and not from_history and await totals_ready(session):
        query: Any = matrix_totals(scope)
    else:
        query = _from_history(scope, window)
    rows = await rows_of(session, query)
    return Matrix(
        moves=[Transition(row[0], row[1], int(row[2] or 0), int(row[3] or 0)) for row in rows],
        migrated=[
            Transition(row[0], row[1], int(row[4] or 0), int(row[5] or 0))
            for row in rows
            if row[4] or row[5]
        ],
    )


def _from_history(scope: KpiScope, window: Window) -> Any:
    """A deal's entries are its creation and its moves, each move ending a stay and
    carrying its start: the moves are grouped by their two stages as their index hands
    them over (ix_deal_event_moves, in that order, so without sorting 300,000 stays; it
    holds the kind, so the migrations' are counted in the same pass), the creations by
    the stage they began in (from ix_deal_event_created). Over a window, only the
    window's moves are read (`_in_window`)."""
    moves = _in_window(scope, window) if window.bounded else _every_move(scope)
    created = (
        unjoined_events(
            scope,
            null(),
            EVENT.c.to_stage,
            func.count(),
            *(literal(0),) * 3,
            per_deal=not window.bounded,
        )
        .where(
            EVENT.c.kind == EventKind.CREATED.value,
            EVENT.c.to_stage.is_not(None),
            window.holds(EVENT.c.at),
        )
        .group_by(EVENT.c.to_stage)
    )
    return union_all(moves, created)


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
        .where(ends_a_stay())
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
        unjoined_events(scope, *columns, EVENT.c.kind, per_deal=False).where(
            ends_a_stay(), EVENT.c.to_stage.is_not(None), entered
        ),
        unjoined_events(scope, *columns, EVENT.c.kind, per_deal=False).where(
            ends_a_stay(), began, not_(entered)
        ),
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


# -- won deals: cycle length and amounts (storage.kpi_won) ----------------------------------------


@dataclass(frozen=True, slots=True)
class MoneyByCurrency:
    currency: str
    count: int  # deals
    with_amount: int  # of which have an amount
    total: float
