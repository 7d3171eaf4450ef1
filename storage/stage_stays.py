"""The stays that ended in a window, per stage: how many, how many lasted longer than the
stage's `target_days`, and their median (the discovery picture's stage colours,
bot.reporting.actual_flow; docs/actual-flow.md defines them).

A stay is read off the entry that ends it, as storage.kpi_queries reads it (its stage is
the entry's `from_stage`, its start the `stay_started_at` the writer recorded on it), and
counted in the window its *end* falls in: a stay counts once, for the move that ended it,
like the move itself in the transition matrix. Open stays never count. Unlike the KPIs'
time in stage, each stay is one value, not a deal's stays in a stage added up: a stage is
overstayed by stays, and a deal that came back twice overstayed or not twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, case, cast, func, literal, select
from sqlalchemy.sql import ColumnElement
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.kpi_scope import EVENT, KpiScope, Window, rows_of, scoped_events
from storage.percentiles import EMPTY, summarize
from storage.sql_time import epoch_days

# Stays are compared with their target in fractional days, floating point on both
# backends: a stay of exactly the target must not count as over it by a rounding error.
# One second is far below anything a target in whole days can mean.
SLACK_DAYS = 1 / 86400


@dataclass(frozen=True, slots=True)
class StayLoad:
    """One stage's stays that ended in the window."""

    stage: str
    ended: int
    over_target: int  # of them longer than the stage's target (0 when it has none)
    median_days: float | None


async def stay_loads(
    session: AsyncSession, *, scope: KpiScope, window: Window, targets: Mapping[str, int]
) -> dict[str, StayLoad]:
    """Per stage left in the window (keyed by stage id): its ended stays, how many of them
    were longer than `targets[stage]` days, and their median length in days."""
    length = (epoch_days(EVENT.c.at) - epoch_days(EVENT.c.stay_started_at)).label("x")
    ended = (
        scoped_events(scope, EVENT.c.from_stage.label("stage"), length)
        .where(EVENT.c.stay_started_at.is_not(None), window.holds(EVENT.c.at))
        .subquery("ended")
    )
    over = ended.c.x > _target_of(ended.c.stage, targets) + SLACK_DAYS
    counted = select(ended.c.stage, func.count(), func.sum(case((over, 1), else_=0))).group_by(
        ended.c.stage
    )
    counts = {row[0]: (int(row[1]), int(row[2] or 0)) for row in await rows_of(session, counted)}
    medians = await summarize(session, ended, groups=("stage",))
    return {
        stage: StayLoad(stage, ended_stays, over_target, medians.get((stage,), EMPTY).median)
        for stage, (ended_stays, over_target) in counts.items()
        if stage is not None
    }


def _target_of(stage: ColumnElement[Any], targets: Mapping[str, int]) -> ColumnElement[Any]:
    """The stage's target in days, as SQL; stages without one get no comparison (NULL)."""
    if not targets:
        return cast(literal(None), Float())
    whens = [(stage == stage_id, float(days)) for stage_id, days in targets.items()]
    return case(*whens, else_=cast(literal(None), Float()))
