"""A deal keeps the map version it was created under (docs/maps.md): publishing a
new version changes new deals only, and an edited map cannot reuse an old version number."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.core.catalog import MapCatalog, MapVersionConflict
from bot.core.context import Services
from bot.core.refs import DealName, SeenDeal
from bot.deals import moving, ticking
from bot.deals.listing import list_deals
from bot.deals.outcomes import DealHistory, DealList, Moved, Shown, Ticked
from bot.deals.showing import deal_history, show_deal
from flows.loader import SHIPPED_DIR
from tests.support.deals import (
    REP,
    catalog_from,
    deal_row,
    default_map_v2_source,
    evidence_for,
    expect,
    new_deal,
    required_refs,
)


@pytest.fixture
async def v2(services: Services) -> AsyncIterator[Services]:
    """The same database, now serving version 2 of the default map (as after a deploy)."""
    catalog = catalog_from(default_map_v2_source())
    await catalog.register(services.db)
    deployed = Services(
        db=services.db, catalog=catalog, admins=services.admins, clock=services.clock
    )
    yield deployed
    # What it writes behind lands before the database goes (PostgreSQL: dropping the
    # schema under a batch being written deadlocks).
    await deployed.deals.flush()


async def test_a_deal_keeps_its_map_version_after_a_new_one_is_published(
    services: Services, v2: Services
) -> None:
    old = await new_deal(services, REP, "Acme")  # created under v1

    shown = expect(await show_deal(v2, REP, DealName("acme")), Shown)
    new = await new_deal(v2, REP, "Globex")

    assert (shown.card.process_map.version, shown.card.stage.id) == (1, "qualify")
    assert shown.card.stage.name == "Qualification"
    assert (new.process_map.version, new.stage.id, new.stage.name) == (
        2,
        "qualification",
        "Lead qualification",
    )
    row = await deal_row(v2.db, new.deal_id)
    assert (row.map_version, row.stage) == (2, "qualification")
    assert (await deal_row(v2.db, old.deal_id)).map_version == 1


async def test_an_old_deal_keeps_working_under_its_own_version(
    services: Services, v2: Services
) -> None:
    old = await new_deal(services, REP, "Acme")

    ticked = await ticking.set_ticks(
        v2, REP, DealName("acme"), tick=required_refs(old.stage), evidence=evidence_for(old.stage)
    )
    moved = expect(await moving.advance(v2, REP, DealName("acme")), Moved)
    history = expect(await deal_history(v2, REP, DealName("acme")), DealHistory)
    listed = expect(await list_deals(v2, REP, scope="mine"), DealList)

    assert not expect(ticked, Ticked).card.missing
    assert (moved.from_stage.id, moved.card.stage.id) == ("qualify", "discovery")
    assert history.entries[-1].from_name == "Qualification"
    assert [row.name for row in listed.rows] == ["Acme"]


async def test_a_fresh_catalog_reads_old_versions_from_the_database(
    services: Services, v2: Services
) -> None:
    # After a restart only the current map is in memory; v1 comes from map_version.
    await new_deal(services, REP, "Acme")
    restarted = catalog_from(default_map_v2_source())
    after_restart = Services(db=v2.db, catalog=restarted, admins=v2.admins, clock=v2.clock)

    try:
        shown = expect(await show_deal(after_restart, REP, DealName("acme")), Shown)
    finally:  # its write-behind lands before the schema is dropped (see the v2 fixture)
        await after_restart.deals.flush()

    assert (shown.card.process_map.version, shown.card.stage.name) == (1, "Qualification")


async def test_an_edited_map_with_an_old_version_number_is_refused(services: Services) -> None:
    edited = (SHIPPED_DIR / "default.yml").read_text(encoding="utf-8")
    edited = edited.replace("    name: Qualification\n", "    name: Lead qualification\n", 1)
    same_version = catalog_from(edited)
    assert same_version.current.version == services.catalog.current.version

    with pytest.raises(MapVersionConflict, match="version 1"):
        await same_version.register(services.db)


async def test_registering_the_same_map_again_is_fine(services: Services) -> None:
    again = MapCatalog.from_ref("default")

    await again.register(services.db)
    await again.register(services.db)


async def test_a_click_on_a_deal_of_a_version_this_process_has_not_loaded_works(
    services: Services, v2: Services
) -> None:
    # Another replica published v2 after this one started: this catalog has never seen it.
    # A click reads nothing before taking the lock, so the change finds the unknown version
    # under the lock, loads it outside, and runs again.
    globex = await new_deal(v2, REP, "Globex")
    assert services.catalog.loaded_flow(map_id="default", version=2) is None

    ticked = expect(
        await ticking.set_ticks(
            services, REP, SeenDeal(globex.deal_id, "qualification"), selection=["1"]
        ),
        Ticked,
    )

    assert ticked.card.stage.name == "Lead qualification"  # v2's wording, not v1's
    assert ticked.card.ticked.keys() == {globex.stage.exit[0].id}
    assert services.catalog.loaded_flow(map_id="default", version=2) is not None
