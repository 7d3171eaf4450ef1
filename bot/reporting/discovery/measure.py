"""Run the discovery queries for a scope and period, and assemble the report."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.context import Services
from bot.core.outcomes import Failure
from bot.core.scope import Scope
from bot.reporting.discovery.flow import actual_flow, moves_of, skips_of
from bot.reporting.discovery.gates import gate_overrides, items_overridden
from bot.reporting.discovery.outcomes import won_against_lost
from bot.reporting.discovery.report import DiscoveryReport
from bot.reporting.discovery.ticks import tick_patterns
from bot.reporting.discovery.timing import stage_times, targets_of
from bot.reporting.frame import report_frame
from bot.reporting.periods import Period
from flows.i18n import _
from flows.schema import ProcessMap
from storage import discovery_outcomes as outcome_queries
from storage import discovery_queries as dq
from storage import kpi_queries as q
from storage.kpi_migrations import moves_made
from storage.kpi_scope import KpiScope, tune_for_reports

DEFAULT_PERIOD = "all"


async def discover(
    services: Services,
    *,
    team_id: str,
    scope: Scope,
    title: str,
    period: str | None,
    map_id: str | None = None,
) -> DiscoveryReport | Failure:
    """The discovery report of `scope` in `period` (default: all history), on `map_id`
    (default: the scope's map, else the workspace's) in its newest version."""
    frame = await report_frame(
        services,
        team_id=team_id,
        scope=scope,
        period=period,
        default_period=DEFAULT_PERIOD,
        map_id=map_id,
        map_hint=_("name a map deals follow, e.g. --map default"),
    )
    if isinstance(frame, Failure):
        return frame
    process_map, chosen = frame.process_map, frame.period
    measured = await _measure(services, frame.scope, chosen, process_map)
    return _assemble(measured, process_map, scope=scope, title=title, period=chosen)


@dataclass(frozen=True, slots=True)
class _Measured:
    matrix: list[q.Transition]
    stays: dict[str, dq.StayFigures]
    stuck: dict[str, dq.StuckNow]
    overrides: list[dq.OverrideRow]
    recorded: dict[str, int]
    orders: list[outcome_queries.TickOrder]
    pairs: list[outcome_queries.TickPair]
    outcomes: outcome_queries.Outcomes


async def _measure(
    services: Services, scope: KpiScope, period: Period, process_map: ProcessMap
) -> _Measured:
    window, targets = period.window(), targets_of(process_map)
    async with services.db.read() as session:
        await tune_for_reports(session)
        return _Measured(
            matrix=await moves_made(session, scope=scope, window=window),
            stays=await dq.stay_figures(session, scope=scope, window=window, targets=targets),
            stuck=await dq.stuck_now(session, scope=scope, now=services.clock(), targets=targets),
            overrides=await dq.overrides(session, scope=scope, window=window),
            recorded=await dq.won_gates_recorded(session, scope=scope, window=window),
            orders=await outcome_queries.tick_order(session, scope=scope, window=window),
            pairs=await outcome_queries.tick_pairs(session, scope=scope, window=window),
            outcomes=await outcome_queries.outcomes(session, scope=scope, window=window),
        )


def _assemble(
    measured: _Measured, process_map: ProcessMap, *, scope: Scope, title: str, period: Period
) -> DiscoveryReport:
    moves = moves_of(process_map, measured.matrix)
    return DiscoveryReport(
        map=process_map,
        scope=scope.label,
        scope_title=title,
        period=period,
        flow=actual_flow(process_map, moves, measured.stays),
        moves=moves,
        skips=skips_of(process_map, moves),
        times=stage_times(process_map, measured.stays, measured.stuck),
        gates=gate_overrides(process_map, measured.overrides, moves),
        items_overridden=items_overridden(process_map, measured.overrides, measured.recorded),
        ticks=tick_patterns(measured.orders, measured.pairs),
        outcomes=won_against_lost(measured.outcomes),
    )
