"""What a report over the history reads before it measures anything: the period as the user
wrote it, the map (the one named, else the scope's, else the workspace's, in its newest
version) and the deals in scope. The discovery report and its picture both start here."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.context import Services
from bot.core.outcomes import Invalid
from bot.core.scope import Scope
from bot.core.teams import owners_in
from bot.core.values import BadValue
from bot.reporting.kpis import ScopeError, map_for, map_named
from bot.reporting.periods import Period, parse_period
from flows.schema import ProcessMap
from storage.kpi_scope import KpiScope


@dataclass(frozen=True, slots=True)
class ReportFrame:
    period: Period
    process_map: ProcessMap
    scope: KpiScope  # the map's deals of the scope's owners


async def report_frame(
    services: Services,
    *,
    team_id: str,
    scope: Scope,
    period: str | None,
    default_period: str,
    map_id: str | None,
    map_hint: str,
) -> ReportFrame | Invalid:
    """`map_hint`: what to suggest when the map named has no deals here."""
    chosen = parse_period(period, today=services.clock().date(), default=default_period)
    if isinstance(chosen, BadValue):
        return Invalid(chosen.message, chosen.hint, field="period")
    try:
        process_map = await (
            map_named(services, map_id) if map_id else map_for(services, scope, team_id=team_id)
        )
    except ScopeError as exc:
        return Invalid(str(exc), map_hint)
    async with services.db.read() as session:
        owners = await owners_in(session, team_id=team_id, scope=scope)
    kpi_scope = KpiScope(team_id=team_id, map_id=process_map.id, owner_ids=owners)
    return ReportFrame(chosen, process_map, kpi_scope)
