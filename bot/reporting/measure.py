"""Running one report's KPI queries (storage.kpi_queries, storage.kpi_events) side by side.

Each query runs in its own read session, at most STAGECOACH_REPORT_QUERIES at once (one
per core by default): time in stage takes about as long as all the others together, so on
two cores it runs on one while the others take turns on the other, and a query more at
once than there are cores only shares them, and delays time in stage. Each query is
consistent in itself; a write landing meanwhile may show in one and not in another, which
a report of rates and medians can live with.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import partial
from typing import TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.context import Services
from bot.reporting.periods import Period
from bot.reporting.versions import flows_across
from storage import kpi_events as ev
from storage import kpi_queries as q
from storage import kpi_won as kw
from storage.kpi_deviations import GateDeviations, gate_deviations
from storage.kpi_scope import KpiScope, MapShape, Window, tune_for_reports
from storage.kpi_stays import time_in_stage
from storage.percentiles import EMPTY, Summary

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Measured:
    flows: dict[str, q.StageFlow]  # across versions, migrations apart (bot.reporting.versions)
    stays: dict[tuple[str, str], Summary]
    cycle: Summary
    won: list[q.MoneyByCurrency]
    statuses: ev.StatusCounts
    pipeline: list[ev.Pipeline]
    first_response: Summary
    events: ev.EventCounts
    deviations: GateDeviations
    moved_in: Counter[str] = field(default_factory=Counter)  # entries made by migrations
    moved_out: Counter[str] = field(default_factory=Counter)  # stays migrations ended


@dataclass(frozen=True, slots=True)
class _Reads:
    """Starts each query in its own read session, as many at once as the gate lets in."""

    services: Services
    group: asyncio.TaskGroup
    gate: asyncio.Semaphore

    def start(self, query: Callable[[AsyncSession], Awaitable[T]]) -> asyncio.Task[T]:
        return self.group.create_task(self._run(query))

    def start_if(
        self, wanted: bool, query: Callable[[AsyncSession], Awaitable[T]], otherwise: T
    ) -> asyncio.Task[T]:
        """Run `query`, or, when it is not `wanted`, stand for it with `otherwise`."""
        return self.group.create_task(self._run(query) if wanted else _given(otherwise))

    async def _run(self, query: Callable[[AsyncSession], Awaitable[T]]) -> T:
        async with self.gate, self.services.db.read() as session:
            await tune_for_reports(session)
            return await query(session)


class Need(Enum):
    """What a caller reads of a report: everything (`/deal stats`, digests), or only what
    the reverse funnel divides by (conversions, won money, the open pipeline), so that a
    plan does not pay for time in stage, deviations, first response and counted events,
    which over all time cost most of a report."""

    EVERYTHING = "everything"
    PLAN = "plan"


async def _given(value: T) -> T:
    return value


async def measure(
    services: Services,
    scope: KpiScope,
    period: Period,
    shape: MapShape,
    others: Sequence[MapShape] = (),
    need: Need = Need.EVERYTHING,
) -> Measured:
    """`others`: the map's other stored versions, newest first, whose main paths place the
    moves `shape` cannot (bot.reporting.versions). What `need` leaves out comes back empty."""
    window, gate = period.window(), asyncio.Semaphore(services.report_queries)
    full = need is Need.EVERYTHING
    async with asyncio.TaskGroup() as group:
        reads = _Reads(services, group, gate)
        # the slowest first (time in stage, then the ones that read every event or stay),
        # so that the quick ones fill the gaps at the end instead of a slow one starting last
        stays, events, deviations, first = _optional(reads, full, scope, window, shape)
        moves = reads.start(partial(q.matrix, scope=scope, window=window))  # migrations' too
        won = reads.start(partial(kw.won_deals, scope=scope, window=window, shape=shape))
        statuses = reads.start(partial(ev.status_counts, scope=scope, window=window))
        pipeline = reads.start(partial(ev.pipeline, scope=scope, shape=shape))
    matrix = moves.result()
    across = flows_across(matrix.moves, matrix.migrated, [shape, *others])
    return Measured(
        flows=across.flows,
        stays=stays.result(),
        cycle=won.result().cycle,
        won=won.result().money,
        statuses=statuses.result(),
        pipeline=pipeline.result(),
        first_response=first.result(),
        events=events.result(),
        deviations=deviations.result(),
        moved_in=across.moved_in,
        moved_out=across.moved_out,
    )


def _optional(
    reads: _Reads, full: bool, scope: KpiScope, window: Window, shape: MapShape
) -> tuple[
    asyncio.Task[dict[tuple[str, str], Summary]],
    asyncio.Task[ev.EventCounts],
    asyncio.Task[GateDeviations],
    asyncio.Task[Summary],
]:
    """Time in stage, counted events, deviations and first response: the slowest reads,
    started first, and what a plan leaves out (empty then)."""
    return (
        reads.start_if(full, partial(time_in_stage, scope=scope, window=window), _NO_STAYS),
        reads.start_if(full, partial(ev.event_counts, scope=scope, window=window), _NONE),
        reads.start_if(
            full, partial(gate_deviations, scope=scope, window=window, shape=shape), _CLEAN
        ),
        reads.start_if(full, partial(ev.first_response, scope=scope, window=window), EMPTY),
    )


_NO_STAYS: dict[tuple[str, str], Summary] = {}
_NONE = ev.EventCounts(lost_reasons=[], objections=[], overrides=[], reopens=[])
_CLEAN = GateDeviations()
