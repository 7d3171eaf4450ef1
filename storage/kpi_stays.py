"""Time in stage, per deal and stage, over the completed stays (definition:
storage.kpi_queries)."""

from __future__ import annotations

from functools import partial
from typing import Any

from sqlalchemy import (
    case,
    func,
    select,
)
from sqlalchemy.sql import ColumnElement
from sqlmodel.ext.asyncio.session import AsyncSession

import storage.tables  # noqa: F401  (registers every table)
from storage.kpi_scope import (
    EVENT,
    KpiScope,
    Window,
    ends_a_stay,
    group_in_index_order,
    scoped_events,
    unjoined_events,
)
from storage.kpi_stay_totals import stays_from_totals
from storage.kpi_totals import totals_ready
from storage.percentiles import Summary, summarize_columns

STAY_VARIANTS = ("cumulative", "latest")


# -- time in stage ------------------------------------------------------------------------------


async def time_in_stage(
    session: AsyncSession,
    *,
    scope: KpiScope,
    window: Window,
    force_window: bool = False,
    from_history: bool = False,
) -> dict[tuple[str, str], Summary]:
    """Days in each stage per deal, keyed by (variant, stage); variants: STAY_VARIANTS.

    For all time, from the running totals (storage.kpi_stay_totals) once they hold every
    deal, unless `from_history` or `force_window` (the tests' references). Otherwise one
    row per deal and stage, grouped as the index of stays is read (in deal and stage
    order, so without a sort or a hash table), adding up the lengths recorded on the
    stays (`stay_days`, storage.stay_lengths): `cumulative` is their sum; `latest`, the
    last stay's length, is that same sum for a deal that stayed once, and is looked up
    in the index (the stay that started last) only for the few that came back.
    """
    if not (window.bounded or from_history or force_window) and await totals_ready(session):
        return await stays_from_totals(session, scope=scope)
    await group_in_index_order(session)
    cumulative = func.sum(EVENT.c.stay_days)
    # over a window, the window's stays (ix_deal_event_stays_began) kept by their deal's id:
    # PostgreSQL joined each to its deal by hashing every deal of the map
    # and, for a team, kept by membership rather than read deal by deal: SQLite otherwise
    # walks every stay the team's deals ever had (their index is in deal order)
    events = partial(unjoined_events, per_deal=False) if window.bounded else scoped_events
    per_deal = (
        events(
            scope,
            EVENT.c.from_stage.label("stage"),
            cumulative.label("cumulative"),
            case((func.count() == 1, cumulative), else_=_last_stay(scope, window)).label("latest"),
        )
        .where(ends_a_stay(), window.holds(EVENT.c.stay_started_at))
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
