"""Gate deviations between two moments, for the digests: the query `/deal stats` runs
(storage.kpi_deviations, defined in docs/kpis.md), so a digest and the stats of the same
days count the same moves. A digest covers every map its scope's deals follow; each map's
moves are counted against that map's newest version, as stats count them."""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.context import Services
from bot.reporting.kpis import map_named, map_shape
from storage.kpi_deviations import GateDeviations, gate_deviations
from storage.kpi_scope import KpiScope, Window


async def deviations_between(
    services: Services,
    *,
    team_id: str,
    owner_ids: tuple[str, ...] | None,
    window: Window,
    map_ids: Iterable[str],
) -> GateDeviations:
    found = GateDeviations()
    for map_id in sorted(set(map_ids)):
        shape = map_shape(await map_named(services, map_id))
        scope = KpiScope(team_id=team_id, map_id=map_id, owner_ids=owner_ids)
        async with services.db.read() as session:
            found += await gate_deviations(session, scope=scope, window=window, shape=shape)
    return found
