"""10,000 deals on extended@2 moved to extended@3 (a renamed stage, two merged, changed
checklists; tests/support/migration.py) on SQLite and PostgreSQL: the dry run and the run
agree, a run that fails part-way resumes without moving a deal twice, and the history and
the KPIs agree with what the generated facts say."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import func, select

import storage.migration_batch as migration_batch
from bot.core.catalog import MapCatalog
from bot.core.context import Services
from bot.core.scope import Scope
from bot.deals.map_migration import MigrationReport, MigrationRequest, migrate
from bot.deals.migration_plan import TickNote
from bot.reporting.kpi_json import stats_json
from bot.reporting.kpis import compute_stats
from bot.reporting.periods import Period
from flows.stage_mapping import parse_stage_mapping
from storage.deal_moves import parse_version_pair
from storage.models import Deal, DealEvent, EventKind, ExitTick
from tests.support.migration import (
    MAPPING_YAML,
    STAGE_OF,
    Seeded,
    extended_v2,
    extended_v3,
    extended_v3_source,
    seed_deals,
)

COUNT = 10_000
BATCH = 500


@pytest.fixture
def catalog() -> MapCatalog:
    return MapCatalog.from_ref("extended")


def request(*, dry_run: bool) -> MigrationRequest:
    source, target = extended_v2(), extended_v3()
    mapping = parse_stage_mapping(MAPPING_YAML, file="mapping.yml", source=source, target=target)
    return MigrationRequest(
        source=source,
        target=target,
        target_yaml=extended_v3_source(),
        mapping=mapping,
        actor_id="UADMIN",
        dry_run=dry_run,
        batch=BATCH,
    )


def expected(deal: Seeded) -> tuple[str, frozenset[str]]:
    """Where the generated deal belongs on extended@3 and which ticks it keeps, from the
    facts of the generator and what version 3 changed (written out, not computed by the
    code under test)."""
    stage = STAGE_OF.get(deal.stage, deal.stage)
    candidates = set(deal.ticks[deal.stage])
    if stage == "qualified_lead":  # merged: MQL's ticks come along from Sales engagement
        candidates |= deal.ticks.get("mql", frozenset())
    candidates -= {"requirements"}  # Discovery no longer has it
    candidates -= {"discount_approved"}  # Proposal now asks who approved: ticked again
    return stage, frozenset(candidates)


async def rows_of(services: Services, model: Any) -> list[Any]:
    async with services.db.read() as session:
        return list((await session.exec(select(model))).scalars().all())


async def kpis(services: Services) -> dict[str, dict[str, Any]]:
    stats = await compute_stats(
        services, team_id="T1", scope=Scope.everyone(), period=Period.everything()
    )
    found = stats_json(stats)
    return {s["id"]: s for s in found["stages"] + found["retired_stages"]}


async def test_ten_thousand_open_deals_move_and_an_interrupted_run_resumes(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded = await seed_deals(services.db, COUNT)
    open_deals = [deal for deal in seeded if deal.status == "open"]
    before = await kpis(services)
    events_before = len(await rows_of(services, DealEvent))

    started = time.perf_counter()
    dry = await migrate(services, request(dry_run=True))
    dry_seconds = time.perf_counter() - started
    assert not dry.undecided
    assert len(dry.plans) == len(open_deals)
    assert await rows_of(services, Deal) and all(
        d.map_version == 2 for d in await rows_of(services, Deal)
    )  # the dry run wrote nothing

    real_write = migration_batch.write_moves
    calls = Counter[str]()

    async def fails_third_batch(session: Any, moves: Any) -> None:
        calls["batches"] += 1
        if calls["batches"] == 3:
            raise RuntimeError("the database went away")
        await real_write(session, moves)

    monkeypatch.setattr(migration_batch, "write_moves", fails_third_batch)
    started = time.perf_counter()
    with pytest.raises(RuntimeError):
        await migrate(services, request(dry_run=False))
    first_seconds = time.perf_counter() - started
    moved_first = [d for d in await rows_of(services, Deal) if d.map_version == 3]
    assert len(moved_first) == 2 * BATCH  # whole batches, never half of one

    monkeypatch.setattr(migration_batch, "write_moves", real_write)
    started = time.perf_counter()
    resumed = await migrate(services, request(dry_run=False))
    rest_seconds = time.perf_counter() - started
    print(
        f"\n{'sqlite' if services.db.is_sqlite else 'postgresql'}: {COUNT} deals, {len(open_deals)} open: dry run "
        f"{dry_seconds:.2f}s, run {first_seconds + rest_seconds:.2f}s "
        f"(interrupted {first_seconds:.2f}s + resumed {rest_seconds:.2f}s)"
    )

    assert resumed.moved_before == 2 * BATCH
    assert len(resumed.plans) == len(open_deals) - 2 * BATCH
    await _agrees_with_the_dry_run(services, dry, seeded)
    await _history_is_whole(services, seeded, events_before)
    _kpis_agree(before, await kpis(services), open_deals)


async def _agrees_with_the_dry_run(
    services: Services, dry: MigrationReport, seeded: list[Seeded]
) -> None:
    deals = {d.id: d for d in await rows_of(services, Deal)}
    ticks: dict[tuple[int, str], set[str]] = {}
    for tick in await rows_of(services, ExitTick):
        ticks.setdefault((tick.deal_id, tick.stage), set()).add(tick.item_id)
    notes = {
        e.deal_id: TickNote.from_json(e.reason)
        for e in await rows_of(services, DealEvent)
        if e.kind == EventKind.MIGRATED
    }
    planned = {plan.deal_id: plan for plan in dry.plans}
    for deal in seeded:
        row = deals[deal.deal_id]
        if deal.status != "open":
            assert (row.map_version, row.stage) == (2, deal.stage)  # closed: stays
            continue
        stage, carried = expected(deal)
        plan = planned[deal.deal_id]
        assert (row.map_version, row.stage, plan.to_stage) == (3, stage, stage)
        assert ticks.get((deal.deal_id, stage), set()) == carried
        assert {t.item_id for t in plan.ticks} == carried
        assert notes[deal.deal_id] == plan.note


async def _history_is_whole(services: Services, seeded: list[Seeded], before: int) -> None:
    events = await rows_of(services, DealEvent)
    migrated = Counter(e.deal_id for e in events if e.kind == EventKind.MIGRATED)
    open_ids = {d.deal_id for d in seeded if d.status == "open"}
    assert set(migrated) == open_ids and set(migrated.values()) == {1}  # once each
    assert len(events) == before + len(open_ids)
    for event in events:
        if event.kind == EventKind.MIGRATED:
            assert parse_version_pair(event.value) == (2, 3)
            assert (event.to_stage is not None) == (event.from_stage in STAGE_OF)
            assert (event.stay_started_at is not None) == (event.to_stage is not None)


def _kpis_agree(
    before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]], open_deals: list[Seeded]
) -> None:
    t1 = [d for d in open_deals if d.team_id == "T1"]
    moved = Counter(d.stage for d in t1 if d.stage in STAGE_OF)
    for stage_id, was in before.items():
        now = after[stage_id]
        out = moved.get(stage_id, 0)
        # same entries and decisions; the stays a migration ended are no longer open
        assert (now["entered"], now["converted"], now["left_otherwise"]) == (
            was["entered"],
            was["converted"],
            was["left_otherwise"],
        ), stage_id
        assert (now["still_in"], now["migrated_out"]) == (was["still_in"] - out, out), stage_id
    for new_id in ("qualified_lead", "solution_demo"):
        into = sum(n for old, n in moved.items() if STAGE_OF[old] == new_id)
        found = after[new_id]
        assert (found["entered"], found["still_in"], found["migrated_in"]) == (into, into, into)
        assert found["converted"] == found["left_otherwise"] == 0
        assert found["versions"] == [3]
    assert after["mql"]["versions"] == [2] and after["discovery"]["versions"] == [2, 3]


async def test_the_count_of_moved_events_matches_the_deals(services: Services) -> None:
    """A smaller run with no interruption: every open deal once, closed deals never."""
    seeded = await seed_deals(services.db, 300, seed=7)
    report = await migrate(services, request(dry_run=False))
    async with services.db.read() as session:
        migrated = select(func.count()).where(DealEvent.kind == EventKind.MIGRATED.value)  # type: ignore[arg-type]
        count = (await session.exec(migrated)).scalar_one()
    assert count == len(report.plans) == sum(d.status == "open" for d in seeded)
    again = await migrate(services, request(dry_run=False))
    assert (len(again.plans), again.moved_before) == (0, count)
