"""Won deals: the cycle length and the won amounts per currency, in one statement
(definitions: storage.kpi_queries).

Both read the same deals: each deal's first entry into a won stage, found among every
stage entry of the scope. They were two queries, each finding the won deals again; now
the won deals are found once (a materialized CTE) and the statement returns the cycle's
summary row beside one row per currency.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import (
    CTE,
    Float,
    Integer,
    String,
    and_,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.elements import Label
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.kpi_queries import MoneyByCurrency
from storage.kpi_scope import (
    DEAL,
    EVENT,
    KpiScope,
    MapShape,
    Window,
    is_entry,
    rows_of,
    scoped_events,
)
from storage.percentiles import EMPTY, Summary, summary_columns, summary_from
from storage.sql_time import days

_CYCLE, _MONEY = "cycle", "money"


@dataclass(frozen=True, slots=True)
class WonDeals:
    cycle: Summary = EMPTY  # days from creation to winning, over the deals won in the window
    money: list[MoneyByCurrency] = field(default_factory=list)  # per currency


def won_deals_cte(scope: KpiScope, window: Window, shape: MapShape) -> CTE:
    """One row per deal won in the window: amount, currency, and `x`, the days from its
    creation (its first stage entry) to its first entry into a won stage. Only the entries
    into won stages are grouped, a few per won deal, by deal id alone (the deal's own
    columns are joined to the few groups afterwards). Materialized: read twice."""
    per_deal = (
        scoped_events(scope, EVENT.c.deal_id, func.min(EVENT.c.at).label("won_at"))
        .where(is_entry(), EVENT.c.to_stage.in_(shape.won_stages), _won_in(scope, window, shape))
        .group_by(EVENT.c.deal_id)
        .subquery("per_deal")
    )
    won_at = per_deal.c.won_at
    return (
        select(DEAL.c.amount, DEAL.c.currency, days(DEAL.c.created_at, won_at).label("x"))
        .select_from(per_deal.join(DEAL, DEAL.c.id == per_deal.c.deal_id))
        .where(window.holds(won_at))
        .cte("won")
        .prefix_with("MATERIALIZED")
    )


def _won_in(scope: KpiScope, window: Window, shape: MapShape) -> ColumnElement[bool]:
    """Over a window, only the deals that entered a won stage in it can have their first
    such entry in it: they are found in the window's range of the entries by time
    (ix_deal_event_entries_at), and only their won entries are grouped, instead of every
    won deal's in the history. Exact: the first entry of each is still the minimum over
    all its won entries, before the window included."""
    if not window.bounded:
        return and_(True)
    entry = EVENT.alias("won_entry")
    in_window = select(entry.c.deal_id).where(
        entry.c.team_id == scope.team_id,
        is_entry(entry),
        entry.c.to_stage.in_(shape.won_stages),
        window.holds(entry.c.at),
    )
    return EVENT.c.deal_id.in_(in_window)


async def won_deals(
    session: AsyncSession,
    *,
    scope: KpiScope,
    window: Window,
    shape: MapShape,
    force_window: bool = False,
) -> WonDeals:
    """The cycle length and the won amounts per currency of the deals won in the window.

    Rows: ('cycle', NULL, n, mean, median, p90) and ('money', currency, deals, deals with
    an amount, total, NULL)."""
    won = won_deals_cte(scope, window, shape)
    postgres = session.get_bind().dialect.name == "postgresql"
    cycle = summary_columns(won, postgres=postgres, force_window=force_window).subquery("cycle")
    rows = union_all(
        select(_tag(_CYCLE), cast(null(), String()), *list(cycle.c)[-4:]),
        select(
            _tag(_MONEY),
            won.c.currency,
            cast(func.count(), Integer()),
            cast(func.count(won.c.amount), Float()),
            func.sum(won.c.amount),
            cast(null(), Float()),
        ).group_by(won.c.currency),
    )
    cycle_summary, money = EMPTY, []
    for row in await rows_of(session, rows):
        if row[0] == _CYCLE:
            cycle_summary = summary_from(row[2:])
        else:
            money.append(MoneyByCurrency(row[1], int(row[2]), int(row[3]), float(row[4] or 0.0)))
    return WonDeals(cycle=cycle_summary, money=money)


def _tag(name: str) -> Label[str]:
    return literal(name, String()).label("what")
