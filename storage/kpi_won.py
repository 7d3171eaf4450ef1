"""Won deals: the cycle length and the won amounts per currency, in one statement
(definitions: storage.kpi_queries).

Both read the same deals: each deal's first entry into a won stage, found among every
stage entry of the scope. They were two queries, each finding the won deals again; now
the won deals are found once (a materialized CTE) and the statement returns the cycle's
summary row beside one row per currency.
"""

from __future__ import annotations

from collections.abc import Sequence
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
from sqlalchemy.sql import ColumnElement, Subquery
from sqlalchemy.sql.elements import Label
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.kpi_queries import MoneyByCurrency
from storage.kpi_scope import (
    DEAL,
    ENTRY_KINDS,
    EVENT,
    KpiScope,
    MapShape,
    Window,
    deal_filter,
    ends_a_stay,
    is_entry,
    rows_of,
    scoped_events,
)
from storage.kpi_totals import MOVES, in_scope, totals_ready
from storage.models import EventKind
from storage.percentiles import EMPTY, Summary, summary_columns, summary_from
from storage.sql_time import days

_CYCLE, _MONEY = "cycle", "money"


@dataclass(frozen=True, slots=True)
class WonDeals:
    cycle: Summary = EMPTY  # days from creation to winning, over the deals won in the window
    money: list[MoneyByCurrency] = field(default_factory=list)  # per currency


def won_deals_cte(
    scope: KpiScope, window: Window, shape: MapShape, sources: Sequence[str] | None = None
) -> CTE:
    """One row per deal won in the window: amount, currency, and `x`, the days from its
    creation (its first stage entry) to its first entry into a won stage. Only the entries
    into won stages are grouped, a few per won deal, by deal id alone (the deal's own
    columns are joined to the few groups afterwards). Materialized: read twice. With
    `sources` (all time), the entries are read by the stages they came from (`_by_source`)."""
    per_deal = (
        _by_source(scope, shape, sources)
        if sources is not None
        else scoped_events(scope, EVENT.c.deal_id, func.min(EVENT.c.at).label("won_at"))
        .where(is_entry(), EVENT.c.to_stage.in_(shape.won_stages), _won_in(scope, window, shape))
        .group_by(EVENT.c.deal_id)
        .subquery("per_deal")
    )
    won_at = per_deal.c.won_at
    return (
        select(DEAL.c.amount, DEAL.c.currency, days(DEAL.c.created_at, won_at).label("x"))
        .select_from(per_deal.join(DEAL, DEAL.c.id == per_deal.c.deal_id))
        .where(window.holds(won_at), *deal_filter(scope))
        .cte("won")
        .prefix_with("MATERIALIZED")
    )


def _by_source(scope: KpiScope, shape: MapShape, sources: Sequence[str]) -> Subquery:
    """Every deal's first entry into a won stage, read as the few entries they are rather
    than found among every entry of the history: its creations in a won stage
    (ix_deal_event_created) and the moves into one from each stage in `sources`, the
    stages moves into a won stage came from (ix_deal_event_moves: every move ends a stay
    and carries its start, as the transition matrix reads them). Grouped by deal before
    the scope's deals are kept, which the join to the deal does (`won_deals_cte`)."""
    team, won = EVENT.c.team_id == scope.team_id, EVENT.c.to_stage.in_(shape.won_stages)
    created = select(EVENT.c.deal_id, EVENT.c.at).where(
        team, EVENT.c.kind == EventKind.CREATED.value, won
    )
    moved = select(EVENT.c.deal_id, EVENT.c.at).where(
        team,
        ends_a_stay(),
        EVENT.c.from_stage.in_(sources),
        won,
        EVENT.c.kind.in_([kind.value for kind in ENTRY_KINDS if kind is not EventKind.CREATED]),
    )
    entries = union_all(created, moved).subquery("won_entries")
    return (
        select(entries.c.deal_id, func.min(entries.c.at).label("won_at"))
        .group_by(entries.c.deal_id)
        .subquery("per_deal")
    )


async def _sources(session: AsyncSession, scope: KpiScope, shape: MapShape) -> list[str] | None:
    """For all time, once the running totals are ready: the stages the scope's moves into
    a won stage came from (kpi_move_total); None otherwise, and for a team's deals, whose
    entries are fewer than the workspace's read by stage (the entries are grouped before
    the deals are kept): 1.3 s against under 1 s for a sixth of 1,000,000 deals."""
    if scope.owner_ids is not None or not await totals_ready(session):
        return None
    query = (
        select(MOVES.c.from_stage)
        .where(*in_scope(MOVES, scope), MOVES.c.to_stage.in_(shape.won_stages), MOVES.c.moves > 0)
        .distinct()
    )
    return sorted(str(row[0]) for row in await rows_of(session, query))


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
    from_history: bool = False,
) -> WonDeals:
    """The cycle length and the won amounts per currency of the deals won in the window
    (for all time, unless `from_history` or `force_window`, found by the stages the
    running totals say moves into a won stage came from: `_by_source`).

    Rows: ('cycle', NULL, n, mean, median, p90) and ('money', currency, deals, deals with
    an amount, total, NULL)."""
    all_time = not (window.bounded or from_history or force_window)
    sources = await _sources(session, scope, shape) if all_time else None
    won = won_deals_cte(scope, window, shape, sources)
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
