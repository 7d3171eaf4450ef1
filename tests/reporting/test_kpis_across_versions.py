"""KPIs after a migration (docs/kpis.md, "Across map versions"): stages compared by id,
each labelled with the versions that have it and whether it existed in the period; the
migration's moves neither convert nor lose; a migration is nobody's first response."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.core.context import Services
from bot.core.scope import Scope
from bot.deals.map_migration import MigrationRequest, migrate
from bot.reporting.actual_flow import actual_flow
from bot.reporting.kpi_json import stats_json
from bot.reporting.kpis import compute_stats
from bot.reporting.outcomes import StatsReport
from bot.reporting.periods import Period
from bot.views.stats import stats_message
from flows.loader import load_shipped, parse_map
from flows.stage_mapping import StageMapping
from storage.kpi_queries import transitions
from storage.kpi_scope import KpiScope
from tests.conftest import Clock
from tests.support.deals import REP, catalog_from, default_map_v2_source, make_ready, new_deal

V2_SOURCE = default_map_v2_source()


async def migrate_to_v2(services: Services) -> None:
    request = MigrationRequest(
        source=load_shipped("default"),
        target=parse_map(V2_SOURCE, file="default@2"),
        target_yaml=V2_SOURCE,
        mapping=StageMapping({"qualify": "qualification"}),
        actor_id="UADMIN",
    )
    report = await migrate(services, request)
    assert not report.undecided


async def stats(services: Services, period: Period) -> dict[str, Any]:
    found = stats_json(
        await compute_stats(services, team_id="T1", scope=Scope.everyone(), period=period)
    )
    return {s["id"]: s for s in found["stages"] + found["retired_stages"]} | {"_": found}


async def test_a_renamed_stage_is_compared_by_id_and_labelled(
    services: Services, clock: Clock
) -> None:
    acme = await new_deal(services, REP, "Acme")  # stays in Qualification: migrated
    await new_deal(services, REP, "Globex")  # nothing but its creation and the migration
    clock.advance(days=2)
    await make_ready(services, REP, acme)
    clock.advance(days=1)
    await migrate_to_v2(services)

    everything = await stats(services, Period.everything())
    old, new = everything["qualify"], everything["qualification"]
    assert (old["entered"], old["still_in"], old["migrated_out"], old["decided"]) == (2, 0, 2, 0)
    assert (new["entered"], new["still_in"], new["migrated_in"]) == (2, 2, 2)
    assert (old["versions"], new["versions"], everything["discovery"]["versions"]) == ([1], [2], [1, 2])  # fmt: skip
    # Acme ticked items two days after its creation; Globex did nothing but get migrated
    assert everything["_"]["first_response_hours"]["median"] == 48.0
    assert everything["_"]["first_response_deals"] == 1

    # v2 was stored by the real clock (today), after the test clock's February: nothing
    # was in its new stage then, and the stage did not exist
    deployed = catalog_from(V2_SOURCE)  # the deployment now reports on version 2
    await deployed.register(services.db)
    on_v2 = Services(db=services.db, catalog=deployed, clock=services.clock)
    february = await stats(on_v2, Period.between(dt.date(2026, 2, 1), dt.date(2026, 2, 28)))
    assert february["qualification"]["existed_in_period"] is False
    assert february["discovery"]["existed_in_period"] is True
    assert "qualify" not in february  # only in v1, and nothing happened there in February
    assert everything["qualification"]["existed_in_period"] is True  # deals were in it


async def test_the_stats_message_names_the_versions_of_a_stage(
    services: Services, clock: Clock
) -> None:
    await new_deal(services, REP, "Acme")
    clock.advance(days=1)
    await migrate_to_v2(services)
    report = await compute_stats(
        services, team_id="T1", scope=Scope.everyone(), period=Period.everything()
    )
    text = str(stats_message(StatsReport(report, "everyone")).blocks)  # the funnel's rows
    assert "Qualification (only in v1)" in text
    assert "Lead qualification (only in v2)" in text
    assert "Moved by a map migration (not counted in conversion)" in text


async def test_a_migration_is_no_move_in_the_actual_flow(services: Services, clock: Clock) -> None:
    """What deals did, not what an admin's migration did: qualify → qualification (a rename)
    once showed as a move the map does not have, in the picture and in discover's report."""
    for name in ("Acme", "Globex"):
        await new_deal(services, REP, name)
    clock.advance(days=1)
    await migrate_to_v2(services)
    window = Period.everything().window()

    flow = await actual_flow(
        services, team_id="T1", process_map=load_shipped("default"), window=window
    )

    edges = {(edge.source, edge.dest): edge.count for edge in flow.edges}
    assert edges == {(None, "qualify"): 2}  # the two creations, and no migration
    async with services.db.read() as session:
        scope = KpiScope(team_id="T1", map_id="default", owner_ids=None)
        every = await transitions(session, scope=scope, window=window)
    assert ("qualify", "qualification") in {(m.from_stage, m.to_stage) for m in every}
