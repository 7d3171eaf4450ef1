"""What `stagecoach discover` measures about stays and gates, in SQL over the event
history (the app's own and imported CRM history are both events). The flow between
stages is storage.kpi_queries.transitions; the tick patterns and what won deals have that
lost ones lack are storage.discovery_outcomes. docs/discovery.md says what each figure
means and which thresholds the report applies to it.

- *Stays*: per stage, each deal's completed stays there added up (as `time_in_stage_days`
  of the KPIs), over the stays that began in the window; the median, p75 and p90 are
  `percentile_cont`'s linear interpolation between the two values around p·(n−1), found
  with a ranking window over each stage's values (a report run by hand, not a card: the
  sort is affordable, and it works the same on both databases), plus how many are longer
  than the stage's `target_days`.
- *Stuck now*: open deals in each stage whose current stay is already longer than its
  target.
- *Overrides*: each `overridden` event in the window, with the items that were open (the
  event's `value`), who overrode, and the deal's status now.
- *Gates recorded*: per stage, the won deals whose way through its gate the app recorded
  (a tick in the stage, or an override of it): what a share of "overridden in won deals"
  is out of. Imported history records no ticks, so it is not counted against the items.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, and_, case, cast, false, func, literal, or_, select
from sqlalchemy.sql import ColumnElement
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.kpi_scope import DEAL, EVENT, KpiScope, Window, deal_filter, rows_of, scoped_events
from storage.models import DealStatus, EventKind
from storage.sql_time import epoch_days, floor_int

FRACTIONS = (0.5, 0.75, 0.9)


@dataclass(frozen=True, slots=True)
class StayFigures:
    """One stage's completed stays, in days per deal (None: no stay)."""

    count: int
    over_target: int  # stays longer than the stage's target_days (0 without a target)
    median: float | None
    p75: float | None
    p90: float | None


def _target_of(stage: ColumnElement[Any], targets: Mapping[str, int]) -> ColumnElement[Any]:
    whens = [(stage == stage_id, literal(days)) for stage_id, days in targets.items()]
    return case(*whens, else_=None) if whens else literal(None, Float())


async def stay_figures(
    session: AsyncSession, *, scope: KpiScope, window: Window, targets: Mapping[str, int]
) -> dict[str, StayFigures]:
    """Per stage: the completed stays that began in the window (see the module's text)."""
    ended, started = epoch_days(EVENT.c.at), epoch_days(EVENT.c.stay_started_at)
    per_deal = (
        scoped_events(
            scope, EVENT.c.from_stage.label("stage"), func.sum(ended - started).label("x")
        )
        .where(EVENT.c.stay_started_at.is_not(None), window.holds(EVENT.c.stay_started_at))
        .group_by(EVENT.c.deal_id, EVENT.c.from_stage)
        .subquery("per_deal")
    )
    target = _target_of(per_deal.c.stage, targets)
    by_stage = per_deal.c.stage
    ranked = select(
        per_deal.c.stage,
        per_deal.c.x,
        (func.row_number().over(partition_by=by_stage, order_by=per_deal.c.x) - 1).label("i"),
        func.count().over(partition_by=by_stage).label("n"),
        func.sum(case((per_deal.c.x > target, 1), else_=0))
        .over(partition_by=by_stage)
        .label("over"),
    ).subquery("ranked")
    wanted = []
    for fraction in FRACTIONS:
        low = floor_int(literal(fraction, Float()) * cast(ranked.c.n - 1, Float()))
        wanted += [ranked.c.i == low, ranked.c.i == low + 1]
    query = select(ranked.c.stage, ranked.c.n, ranked.c.over, ranked.c.i, ranked.c.x).where(
        or_(*wanted)
    )
    values: dict[str, dict[int, float]] = {}
    counts: dict[str, tuple[int, int]] = {}
    for stage, n, over, rank, x in await rows_of(session, query):
        values.setdefault(stage, {})[int(rank)] = float(x)
        counts[stage] = (int(n), int(over or 0))
    return {stage: _figures(counts[stage], values[stage]) for stage in values}


def _figures(counts: tuple[int, int], values: Mapping[int, float]) -> StayFigures:
    n, over = counts
    median, p75, p90 = (_interpolated(values, fraction * (n - 1)) for fraction in FRACTIONS)
    return StayFigures(count=n, over_target=over, median=median, p75=p75, p90=p90)


def _interpolated(values: Mapping[int, float], position: float) -> float:
    """percentile_cont's value at `position` (0-based rank), from the ranks around it."""
    low = math.floor(position)
    weight = position - low
    below = values[low]
    return below + (values.get(low + 1, below) - below) * weight


@dataclass(frozen=True, slots=True)
class StuckNow:
    open: int  # open deals in the stage now
    over_target: int  # of which have been there longer than its target_days


async def stuck_now(
    session: AsyncSession, *, scope: KpiScope, now: dt.datetime, targets: Mapping[str, int]
) -> dict[str, StuckNow]:
    over = or_(
        false(),
        *(
            and_(DEAL.c.stage == stage_id, DEAL.c.stage_entered_at < now - dt.timedelta(days=days))
            for stage_id, days in targets.items()
        ),
    )
    query = (
        select(DEAL.c.stage, func.count(), func.sum(case((over, 1), else_=0)))
        .where(*deal_filter(scope), DEAL.c.status == DealStatus.OPEN.value)
        .group_by(DEAL.c.stage)
    )
    return {
        stage: StuckNow(open=int(n), over_target=int(late or 0))
        for stage, n, late in await rows_of(session, query)
    }


@dataclass(frozen=True, slots=True)
class OverrideRow:
    deal_id: int
    stage: str  # the stage whose gate was overridden
    actor_id: str
    open_items: tuple[str, ...]
    status: str  # the deal's status now: won, lost, open…


async def overrides(session: AsyncSession, *, scope: KpiScope, window: Window) -> list[OverrideRow]:
    """Every override in the window (a few per hundred moves: read as rows)."""
    query = scoped_events(
        scope,
        EVENT.c.deal_id,
        EVENT.c.from_stage,
        EVENT.c.actor_id,
        EVENT.c.value,
        DEAL.c.status,
    ).where(EVENT.c.kind == EventKind.OVERRIDDEN.value, window.holds(EVENT.c.at))
    return [
        OverrideRow(
            deal_id=int(deal_id),
            stage=str(stage),
            actor_id=str(actor),
            open_items=tuple(item for item in (value or "").split(",") if item),
            status=str(status),
        )
        for deal_id, stage, actor, value, status in await rows_of(session, query)
        if stage is not None
    ]


async def won_gates_recorded(
    session: AsyncSession, *, scope: KpiScope, window: Window
) -> dict[str, int]:
    """Per stage: won deals with a tick in it or an override of its gate, in the window."""
    kinds = [EventKind.TICKED.value, EventKind.OVERRIDDEN.value]
    query = (
        scoped_events(scope, EVENT.c.from_stage, func.count(EVENT.c.deal_id.distinct()))
        .where(
            EVENT.c.kind.in_(kinds),
            EVENT.c.from_stage.is_not(None),
            DEAL.c.status == DealStatus.WON.value,
            window.holds(EVENT.c.at),
        )
        .group_by(EVENT.c.from_stage)
    )
    return {str(stage): int(n) for stage, n in await rows_of(session, query)}
