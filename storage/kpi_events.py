"""The KPIs that need no walk through stage entries: deals by status, the open pipeline,
first response time, and counted events (lost reasons, objections, overrides, reopens).
Definitions: storage.kpi_queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, and_, case, cast, func, null, or_, select, type_coerce
from sqlalchemy.sql import ColumnElement
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.kpi_response_totals import response_from_totals
from storage.kpi_scope import (
    DEAL,
    EVENT,
    KpiScope,
    MapShape,
    Window,
    count_if,
    deal_filter,
    is_counted,
    rows_of,
    unjoined_events,
)
from storage.kpi_totals import counted_totals, totals_ready
from storage.models import DealStatus, EventKind
from storage.percentiles import EMPTY, Summary, summarize
from storage.sql_time import days

HOURS_PER_DAY = 24.0


# -- deals by status, and the open pipeline -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatusCounts:
    open: int = 0
    nurture: int = 0
    lost: int = 0
    disqualified: int = 0


async def status_counts(session: AsyncSession, *, scope: KpiScope, window: Window) -> StatusCounts:
    """Open and nurture deals now; lost and disqualified deals whose last move (into that
    status) is in the window. Counted with one sum per status rather than grouped: SQLite
    otherwise prefers an index ordered by status that is not the scope's, and reads every
    deal's row beside it (ix_deal_kpis holds all the count needs)."""
    entered = window.holds(DEAL.c.stage_entered_at)
    counts = [
        count_if(DEAL.c.status == DealStatus.OPEN.value),
        count_if(DEAL.c.status == DealStatus.NURTURE.value),
        count_if(and_(DEAL.c.status == DealStatus.LOST.value, entered)),
        count_if(and_(DEAL.c.status == DealStatus.DISQUALIFIED.value, entered)),
    ]
    query = select(*counts).where(*deal_filter(scope))
    if window.bounded:  # only the deals counted: ranges of ix_deal_team_status_entered
        query = query.where(_counted_statuses(window))
    row = (await rows_of(session, query))[0]
    return StatusCounts(*(int(count or 0) for count in row))


def _counted_statuses(window: Window) -> ColumnElement[bool]:
    """The deals a status count counts: every open and nurture deal, and the losses and
    disqualifications whose entry is in the window (leaves out the won deals and the older
    losses, which every count skips anyway)."""
    now = DEAL.c.status.in_((DealStatus.OPEN.value, DealStatus.NURTURE.value))
    ended = DEAL.c.status.in_((DealStatus.LOST.value, DealStatus.DISQUALIFIED.value))
    return or_(now, and_(ended, window.holds(DEAL.c.stage_entered_at)))


@dataclass(frozen=True, slots=True)
class Pipeline:
    currency: str
    open: int
    qualified: int
    amount: float
    weighted: float


async def pipeline(session: AsyncSession, *, scope: KpiScope, shape: MapShape) -> list[Pipeline]:
    probability = case(dict(shape.probabilities), value=DEAL.c.stage, else_=0)
    weighted = DEAL.c.amount * cast(probability, Float()) / 100.0
    query = (
        select(
            DEAL.c.currency,
            func.count(),
            func.sum(case((DEAL.c.stage != shape.first_stage, 1), else_=0)),
            func.sum(DEAL.c.amount),
            func.sum(weighted),
        )
        .where(*_open_deals(scope))
        .group_by(DEAL.c.currency)
    )
    return [
        Pipeline(row[0], int(row[1]), int(row[2] or 0), float(row[3] or 0.0), float(row[4] or 0.0))
        for row in await rows_of(session, query)
    ]


def _open_deals(scope: KpiScope) -> list[ColumnElement[bool]]:
    """The scope's open deals, read by status: a few thousand of a history of a million.
    The map is compared as an expression (`|| ''`, the same test for a column that is
    never NULL) so that no index can be looked up by it: with the map, SQLite's statistics
    (which cannot tell how few deals are open) chose the index of the map's deals and read
    every one of them (1.8 s at 1,000,000 deals, against 0.01 s by status)."""
    conditions = [
        DEAL.c.team_id == scope.team_id,
        DEAL.c.map_id.concat("") == scope.map_id,
        DEAL.c.is_practice.is_(False),
        DEAL.c.status == DealStatus.OPEN.value,
    ]
    if scope.owner_ids is not None:
        conditions.append(DEAL.c.owner_id.in_(scope.owner_ids))
    return conditions


# -- first response ---------------------------------------------------------------------------------


async def first_response(
    session: AsyncSession, *, scope: KpiScope, window: Window, from_history: bool = False
) -> Summary:
    """Hours from a deal's creation to its first other event, for deals created in the window.

    The first other event is the deal's next event in record order (ids): the app appends
    events as they happen and the importer in time order, and the index on (deal_id, id)
    answers it with one look-up per deal instead of reading every event. For all time,
    once the running totals hold every deal and unless `from_history`, the totals answer
    instead (storage.kpi_response_totals): a look-up per deal ever created is seconds at
    a million deals.
    """
    if not window.bounded and not from_history and await totals_ready(session):
        return await response_from_totals(session, scope=scope)
    first_at = (
        select(EVENT.c.at)
        # a migration (stagecoach maps migrate) is no one's response to the buyer
        .where(
            EVENT.c.deal_id == DEAL.c.id,
            EVENT.c.kind.not_in((EventKind.CREATED.value, EventKind.MIGRATED.value)),
        )
        .order_by(EVENT.c.id)
        .limit(1)
        .correlate(DEAL)
        .scalar_subquery()
    )
    first = (
        select(DEAL.c.created_at, type_coerce(first_at, EVENT.c.at.type).label("first_at"))
        .where(*deal_filter(scope), window.holds(DEAL.c.created_at))
        .cte("first")
        # PostgreSQL would otherwise copy the correlated look-up into every aggregate
        .prefix_with("MATERIALIZED")
    )
    hours = days(first.c.created_at, first.c.first_at) * HOURS_PER_DAY
    found = await summarize(session, select(hours.label("x")).subquery("hours"))
    return found.get((), EMPTY)


# -- counted events: lost reasons, objections, overrides, reopens -----------------------------------


@dataclass(frozen=True, slots=True)
class Counted:
    key: str | None
    stage: str | None
    count: int


@dataclass(frozen=True, slots=True)
class EventCounts:
    lost_reasons: list[Counted]  # by the map's reason (`value`, else its text) and stage lost in
    objections: list[Counted]  # by playbook entry matched (None: none) and stage heard in
    overrides: list[Counted]  # by the stage whose exit gate was overridden
    reopens: list[Counted]  # by the stage reopened to


_LOSE = and_(EVENT.c.kind == EventKind.BRANCHED.value, EVENT.c.action == "lose")
_ROW = EVENT.alias("row")
# The free-text reason is not in ix_deal_event_counted (unbounded text): it is looked up
# by id for the losses with no map reason only (COALESCE stops at the first value).
_REASON = select(_ROW.c.reason).where(_ROW.c.id == EVENT.c.id).correlate(EVENT).scalar_subquery()
_KEY = case(
    (_LOSE, func.coalesce(EVENT.c.value, _REASON)),
    (EVENT.c.kind == EventKind.OBJECTION.value, EVENT.c.value),
    else_=null(),
)
_STAGE = case(
    (EVENT.c.kind == EventKind.REOPENED.value, EVENT.c.to_stage),
    else_=EVENT.c.from_stage,  # a loss, an objection: the stage the deal was in
)
# of the branches (lose, disqualify, nurture), losses only
_LOSS_IF_BRANCHED = or_(EVENT.c.kind != EventKind.BRANCHED.value, EVENT.c.action == "lose")


async def event_counts(
    session: AsyncSession, *, scope: KpiScope, window: Window, from_history: bool = False
) -> EventCounts:
    """All four, grouped in the database: for all time from the running totals
    (storage.kpi_totals) once they hold every deal, unless `from_history`; otherwise in one
    pass over the scope's counted events (`_counted_in_history`)."""
    if not window.bounded and not from_history and await totals_ready(session):
        query: Any = counted_totals(scope)
    else:
        query = _counted_in_history(scope, window)
    found: dict[str, list[Counted]] = defaultdict(list)
    for row in await rows_of(session, query):
        found[str(row[0])].append(Counted(row[1], row[2], int(row[3])))
    ordered = {
        name: sorted(items, key=lambda c: (-c.count, c.key or "", c.stage or ""))
        for name, items in found.items()
    }
    return EventCounts(
        lost_reasons=ordered.get("lose", []),
        objections=ordered.get(EventKind.OBJECTION.value, []),
        overrides=ordered.get(EventKind.OVERRIDDEN.value, []),
        reopens=ordered.get(EventKind.REOPENED.value, []),
    )


def _counted_in_history(scope: KpiScope, window: Window) -> Any:
    """The scope's counted events (ix_deal_event_counted), grouped. The index is in kind
    and time order, not deal order: the events are kept by their deal's id
    (`unjoined_events`), not joined to each deal."""
    # computed columns are grouped from a subquery: PostgreSQL matches GROUP BY expressions
    # by their text, and each repetition would get its own bound parameters
    kind = case((_LOSE, "lose"), else_=EVENT.c.kind)
    events = (
        unjoined_events(
            scope, kind.label("what"), _KEY.label("key"), _STAGE.label("stage"), per_deal=False
        )
        .where(is_counted(), _LOSS_IF_BRANCHED, window.holds(EVENT.c.at))
        .subquery("counted")
    )
    return select(events, func.count()).group_by(*events.c)


async def first_day(session: AsyncSession, *, scope: KpiScope) -> dt.date | None:
    """The day the scope's first deal was created (None: no deal yet)."""
    query = select(func.min(DEAL.c.created_at)).where(*deal_filter(scope))
    found = (await rows_of(session, query))[0][0]
    return None if found is None else found.astimezone(dt.UTC).date()


# -- maps -------------------------------------------------------------------------------------------


async def latest_map_version(session: AsyncSession, *, map_id: str) -> int | None:
    """The newest stored version of a map (the stage list stats use for it)."""
    table = EVENT.metadata.tables["map_version"]
    query = select(func.max(table.c.version)).where(table.c.map_id == map_id)
    found = (await rows_of(session, query))[0][0]
    return None if found is None else int(found)
