"""Migrated deals in the running app (bot/deals/map_migration.py): a process that never
loaded the new version serves it from the stored copy, the gate is the new version's,
closed and nurtured deals stay, and a stored version is never silently replaced."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.catalog import MapCatalog, MapVersionConflict
from bot.core.context import Services
from bot.core.refs import DealName
from bot.deals import moving
from bot.deals.map_migration import MigrationRequest, migrate
from bot.deals.outcomes import Moved, Shown
from bot.deals.showing import show_deal
from flows.loader import load_shipped, parse_map
from flows.stage_mapping import StageMapping
from storage.models import DealStatus
from tests.support.deals import REP, deal_row, default_map_v2_source, expect, make_ready, new_deal

V2_SOURCE = default_map_v2_source()
V2 = parse_map(V2_SOURCE, file="default@2")


def to_v2(**changes: object) -> MigrationRequest:
    fields: dict[str, object] = {
        "source": load_shipped("default"),
        "target": V2,
        "target_yaml": V2_SOURCE,
        "mapping": StageMapping({"qualify": "qualification"}),
        "actor_id": "UADMIN",
    }
    fields.update(changes)
    return MigrationRequest(**fields)  # type: ignore[arg-type]


async def test_a_migrated_deal_is_served_and_gated_by_its_new_version(services: Services) -> None:
    acme = await new_deal(services, REP, "Acme")
    await make_ready(services, REP, acme)
    report = await migrate(services, to_v2())
    # another replica, started before the migration: its catalogue has only version 1
    replica = Services(db=services.db, catalog=MapCatalog.from_ref("default"), clock=services.clock)
    assert replica.catalog.loaded_flow(map_id="default", version=2) is None

    assert [plan.deal_id for plan in report.plans] == [acme.deal_id]
    shown = expect(await show_deal(replica, REP, DealName("acme")), Shown).card
    assert (shown.process_map.version, shown.stage.name) == (2, "Lead qualification")
    assert not shown.missing  # every required tick carried over
    moved = expect(await moving.advance(replica, REP, DealName("acme")), Moved)
    assert (moved.from_stage.id, moved.card.stage.id) == ("qualification", "discovery")
    await replica.deals.flush()  # what it writes behind lands before the database goes


async def test_closed_and_nurtured_deals_stay_on_their_version(services: Services) -> None:
    for name in ("Disqualified", "Nurtured", "Open"):
        await new_deal(services, REP, name)
    await moving.disqualify(services, REP, DealName("disq"), reason="Not our market")
    await moving.nurture(services, REP, DealName("nurtured"), until=dt.date(2027, 1, 15))

    report = await migrate(services, to_v2())

    assert [plan.name for plan in report.plans] == ["Open"]
    assert (await deal_row(services.db, report.plans[0].deal_id)).map_version == 2
    for deal_id in (1, 2):
        row = await deal_row(services.db, deal_id)
        assert row.map_version == 1 and row.status != DealStatus.OPEN


async def test_a_stored_version_is_never_replaced_by_other_content(services: Services) -> None:
    await new_deal(services, REP, "Acme")
    await migrate(services, to_v2())
    edited = V2_SOURCE.replace("name: Lead qualification", "name: Qualified lead", 1)

    with pytest.raises(MapVersionConflict, match="version 2 is stored here with other content"):
        await services.catalog.publish(services.db, parse_map(edited), source=edited)
