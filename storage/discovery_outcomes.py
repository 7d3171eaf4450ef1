"""What `stagecoach discover` counts about exit items and outcomes, in SQL (the stays and
gates are storage.discovery_queries; docs/discovery.md says what each count is for).

- *Final ticks*: a deal's last `ticked` event per stage and item in the window (a tick
  undone and done again counts once, at its last time). Items ticked in one action (one
  `/deal tick 1 2 3`, one checkbox submission) share their `at`.
- *Tick order*, per stage and item: in how many deals it was ticked, in how many of
  those at least one other item of the stage was ticked too, and in how many it was the
  last one ticked, alone (no other item at that moment).
- *Pairs*, per stage and two items: deals that ticked both, and deals that ticked both in
  one action.
- *Won against lost*: the deals created in the window that are won or lost now, and per
  feature how many of each have it: an item ticked in a stage, that tick's evidence given,
  an objection heard (by playbook entry), a first response within a day. Ticks and
  objections are compared among the deals *worked in stagecoach* (with at least one tick
  or objection recorded) only: an imported deal records neither, and would otherwise
  count as one that lacked them all. An item of a stage is compared among the worked
  deals that were in that stage: a deal lost before it never had the chance to tick it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.sql import ColumnElement, Subquery
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.kpi_scope import DEAL, EVENT, KpiScope, Window, deal_filter, rows_of, scoped_events
from storage.models import DealStatus, EventKind
from storage.sql_time import days

FAST_RESPONSE_DAYS = 1.0  # the map's own friction note: a lead answered after a day rarely books


def _final_ticks(scope: KpiScope, window: Window) -> Subquery:
    return (
        scoped_events(
            scope,
            EVENT.c.deal_id,
            EVENT.c.from_stage.label("stage"),
            EVENT.c.item_id.label("item"),
            func.max(EVENT.c.at).label("at"),
        )
        .where(
            EVENT.c.kind == EventKind.TICKED.value,
            EVENT.c.item_id.is_not(None),
            EVENT.c.from_stage.is_not(None),
            window.holds(EVENT.c.at),
        )
        .group_by(EVENT.c.deal_id, EVENT.c.from_stage, EVENT.c.item_id)
        .subquery("final_ticks")
    )


@dataclass(frozen=True, slots=True)
class TickOrder:
    stage: str
    item: str
    deals: int  # deals that ticked it
    with_others: int  # of which ticked at least one other item of the stage
    last_alone: int  # of those, deals where it came last, on its own


async def tick_order(session: AsyncSession, *, scope: KpiScope, window: Window) -> list[TickOrder]:
    ticks = _final_ticks(scope, window)
    stay = [ticks.c.deal_id, ticks.c.stage]
    placed = select(
        ticks.c.stage,
        ticks.c.item,
        ticks.c.at,
        func.max(ticks.c.at).over(partition_by=stay).label("last_at"),
        func.count().over(partition_by=stay).label("stage_items"),
        func.count()
        .over(partition_by=[ticks.c.deal_id, ticks.c.stage, ticks.c.at])
        .label("same_moment"),
    ).subquery("placed")
    with_others = placed.c.stage_items > 1
    last_alone = and_(with_others, placed.c.at == placed.c.last_at, placed.c.same_moment == 1)
    query = select(
        placed.c.stage,
        placed.c.item,
        func.count(),
        func.sum(case((with_others, 1), else_=0)),
        func.sum(case((last_alone, 1), else_=0)),
    ).group_by(placed.c.stage, placed.c.item)
    return [
        TickOrder(str(stage), str(item), int(n), int(others or 0), int(last or 0))
        for stage, item, n, others, last in await rows_of(session, query)
    ]


@dataclass(frozen=True, slots=True)
class TickPair:
    stage: str
    first: str  # the two items, in id order
    second: str
    both: int  # deals that ticked both
    together: int  # of which in one action


async def tick_pairs(session: AsyncSession, *, scope: KpiScope, window: Window) -> list[TickPair]:
    ticks = _final_ticks(scope, window)
    other = ticks.alias("other")
    query = (
        select(
            ticks.c.stage,
            ticks.c.item,
            other.c.item,
            func.count(),
            func.sum(case((ticks.c.at == other.c.at, 1), else_=0)),
        )
        .select_from(
            ticks.join(
                other,
                and_(
                    other.c.deal_id == ticks.c.deal_id,
                    other.c.stage == ticks.c.stage,
                    ticks.c.item < other.c.item,
                ),
            )
        )
        .group_by(ticks.c.stage, ticks.c.item, other.c.item)
    )
    return [
        TickPair(str(stage), str(a), str(b), int(n), int(same or 0))
        for stage, a, b, n, same in await rows_of(session, query)
    ]


class FeatureKind(StrEnum):
    TICKED = "ticked"  # `key` ticked in `stage`
    EVIDENCE = "evidence"  # `key` ticked in `stage` with its evidence given
    OBJECTION = "objection"  # the playbook entry `key` heard (in `stage`: any stage)
    FAST_RESPONSE = "fast_response"  # first response within FAST_RESPONSE_DAYS


@dataclass(frozen=True, slots=True)
class FeatureCount:
    kind: FeatureKind
    stage: str | None
    key: str | None
    won: int  # won deals that have it
    lost: int  # lost deals that have it
    of_won: int = 0  # the won and lost deals it is compared among
    of_lost: int = 0


@dataclass(frozen=True, slots=True)
class Outcomes:
    won: int  # decided deals: won or lost now, created in the window
    lost: int
    worked_won: int  # of which worked in stagecoach (a tick or an objection recorded)
    worked_lost: int
    features: list[FeatureCount]


def _decided(scope: KpiScope, window: Window) -> Subquery:
    statuses = [DealStatus.WON.value, DealStatus.LOST.value]
    return (
        select(DEAL.c.id, DEAL.c.status, DEAL.c.created_at)
        .where(*deal_filter(scope), DEAL.c.status.in_(statuses), window.holds(DEAL.c.created_at))
        .subquery("decided")
    )


async def outcomes(session: AsyncSession, *, scope: KpiScope, window: Window) -> Outcomes:
    decided = _decided(scope, window)
    won, lost = await _totals(session, decided)
    worked = _worked(decided)
    worked_won, worked_lost = await _totals(session, worked)
    bases = await _stage_bases(session, worked)
    ticks = [
        replace(f, of_won=bases.get(f.stage, (0, 0))[0], of_lost=bases.get(f.stage, (0, 0))[1])
        for f in await _tick_features(session, worked)
    ]
    heard = [
        replace(f, of_won=worked_won, of_lost=worked_lost)
        for f in await _objection_features(session, worked)
    ]
    fast = replace(await _response_feature(session, decided), of_won=won, of_lost=lost)
    return Outcomes(won, lost, worked_won, worked_lost, [*ticks, *heard, fast])


async def _totals(session: AsyncSession, deals: Subquery) -> tuple[int, int]:
    query = select(deals.c.status, func.count()).group_by(deals.c.status)
    found = {str(status): int(n) for status, n in await rows_of(session, query)}
    return found.get(DealStatus.WON.value, 0), found.get(DealStatus.LOST.value, 0)


def _worked(decided: Subquery) -> Subquery:
    """The decided deals worked in stagecoach: a tick or an objection recorded."""
    kinds = [EventKind.TICKED.value, EventKind.OBJECTION.value]
    recorded = (
        select(EVENT.c.id)
        .where(EVENT.c.deal_id == decided.c.id, EVENT.c.kind.in_(kinds))
        .correlate(decided)
        .exists()
    )
    return select(decided).where(recorded).subquery("worked")


async def _stage_bases(
    session: AsyncSession, worked: Subquery
) -> dict[str | None, tuple[int, int]]:
    """Per stage, the worked deals that were ever in it, won and lost: what an item of the
    stage is compared among (a deal lost before a stage could not tick its items)."""
    query = (
        select(EVENT.c.to_stage, *_won_and_lost(worked, EVENT.c.deal_id))
        .select_from(EVENT.join(worked, worked.c.id == EVENT.c.deal_id))
        .where(EVENT.c.to_stage.is_not(None))
        .group_by(EVENT.c.to_stage)
    )
    return {stage: (int(won), int(lost)) for stage, won, lost in await rows_of(session, query)}


def _won_and_lost(
    decided: Subquery, deal_column: ColumnElement[Any]
) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """Distinct deals counted apart by outcome (`deal_column` NULL: not counted)."""
    is_won = decided.c.status == DealStatus.WON.value
    won = func.count(case((is_won, deal_column), else_=None).distinct())
    lost = func.count(case((~is_won, deal_column), else_=None).distinct())
    return won, lost


async def _tick_features(session: AsyncSession, decided: Subquery) -> list[FeatureCount]:
    with_value = case((func.length(func.trim(EVENT.c.value)) > 0, EVENT.c.deal_id), else_=None)
    query = (
        select(
            EVENT.c.from_stage,
            EVENT.c.item_id,
            *_won_and_lost(decided, EVENT.c.deal_id),
            *_won_and_lost(decided, with_value),
        )
        .select_from(EVENT.join(decided, decided.c.id == EVENT.c.deal_id))
        .where(EVENT.c.kind == EventKind.TICKED.value, EVENT.c.item_id.is_not(None))
        .group_by(EVENT.c.from_stage, EVENT.c.item_id)
    )
    found = []
    for stage, item, won, lost, won_value, lost_value in await rows_of(session, query):
        found.append(FeatureCount(FeatureKind.TICKED, stage, item, int(won), int(lost)))
        if (won_value, lost_value) != (won, lost) and (won_value or lost_value):
            found.append(
                FeatureCount(FeatureKind.EVIDENCE, stage, item, int(won_value), int(lost_value))
            )
    return found


async def _objection_features(session: AsyncSession, decided: Subquery) -> list[FeatureCount]:
    query = (
        select(EVENT.c.value, *_won_and_lost(decided, EVENT.c.deal_id))
        .select_from(EVENT.join(decided, decided.c.id == EVENT.c.deal_id))
        .where(EVENT.c.kind == EventKind.OBJECTION.value, EVENT.c.value.is_not(None))
        .group_by(EVENT.c.value)
    )
    return [
        FeatureCount(FeatureKind.OBJECTION, None, str(key), int(won), int(lost))
        for key, won, lost in await rows_of(session, query)
    ]


async def _response_feature(session: AsyncSession, decided: Subquery) -> FeatureCount:
    """Deals whose earliest event other than their creation came within a day of it. A map
    migration is nobody's response (as in the KPIs' first response, docs/kpis.md)."""
    not_a_response = (EventKind.CREATED.value, EventKind.MIGRATED.value)
    first_at = (
        select(func.min(EVENT.c.at))
        .where(EVENT.c.deal_id == decided.c.id, EVENT.c.kind.not_in(not_a_response))
        .correlate(decided)
        .scalar_subquery()
    )
    fast = case((days(decided.c.created_at, first_at) <= FAST_RESPONSE_DAYS, decided.c.id))
    won, lost = _won_and_lost(decided, fast)
    row = (await rows_of(session, select(won, lost)))[0]
    return FeatureCount(FeatureKind.FAST_RESPONSE, None, None, int(row[0]), int(row[1]))
