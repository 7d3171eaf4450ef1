"""Every writer of stage entries records, on the entry that ends a stay, when that stay
began (`DealEvent.stay_started_at`): the time of the deal's entry before it, as the KPI
definitions have it (storage.kpi_queries). Checked against that definition (the entry
before, in (`at`, `id`) order) for advance, override, the branches, reopen and the
importer; creations and other events carry none; and the KPIs read from what the app
wrote match the stays counted by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import col, select

from bot.core.context import Services
from bot.core.refs import DealName, DealNumber
from bot.core.scope import Scope
from bot.deals import moving, notes, reopening
from bot.deals.outcomes import Moved, ObjectionNoted
from bot.reporting.kpi_json import stats_json
from bot.reporting.kpis import compute_stats
from bot.reporting.periods import Period
from storage.kpi_scope import ENTRY_KINDS
from storage.models import DealEvent, EventKind
from tests.conftest import Clock
from tests.support.deals import ADMIN, REP, events_of, expect, make_ready, new_deal
from tests.support.known_history import TEAM

ENTRIES = {kind.value for kind in ENTRY_KINDS}


def starts_by_definition(events: list[DealEvent]) -> dict[int | None, dt.datetime | None]:
    """Event id → when the stay it ends began: the `at` of the deal's entry before it (for
    an entry with a `from_stage`), else None."""
    entries = sorted(
        (e for e in events if e.kind in ENTRIES and e.to_stage), key=lambda e: (e.at, e.id)
    )
    expected: dict[int | None, dt.datetime | None] = {e.id: None for e in events}
    for before, entry in zip(entries, entries[1:], strict=False):
        if entry.from_stage is not None:
            expected[entry.id] = before.at
    return expected


def recorded(events: list[DealEvent]) -> dict[int | None, dt.datetime | None]:
    return {e.id: e.stay_started_at for e in events}


async def move(outcome: Any) -> Moved:
    return expect(await outcome, Moved)


async def test_every_move_records_when_the_stay_it_ends_began(
    services: Services, clock: Clock
) -> None:
    """qualify 2 days → (advance) discovery 5 → (override) demo 3 → (lose) lost 4 →
    (reopen) demo 6 → (nurture) nurture 1 → (reopen) qualify 2 → (disqualify)."""
    card = await new_deal(services, REP, "Acme", "50k")
    created_at = clock()
    clock.advance(days=1)
    await make_ready(services, REP, card)  # ticked events: not entries
    clock.advance(days=1)
    await move(moving.advance(services, REP, DealName("acme")))
    clock.advance(days=2)
    expect(
        await notes.record_objection(services, REP, "too expensive", ref=DealName("acme")),
        ObjectionNoted,
    )
    clock.advance(days=3)
    await move(moving.override(services, ADMIN, DealName("acme"), reason="the buyer is in a hurry"))
    clock.advance(days=3)
    await move(moving.lose(services, REP, DealName("acme"), reason="Chose a competitor"))
    clock.advance(days=4)
    await move(reopening.reopen(services, REP, DealName("acme"), stage="demo"))
    clock.advance(days=6)
    await move(moving.nurture(services, REP, DealName("acme"), until=dt.date(2026, 12, 1)))
    clock.advance(days=1)
    await move(reopening.reopen(services, REP, DealName("acme"), stage="qualify"))
    clock.advance(days=2)
    await move(moving.disqualify(services, REP, DealName("acme"), reason="no budget at all"))

    events = await events_of(services.db, card.deal_id)
    kinds = [EventKind(e.kind) for e in events if e.kind in ENTRIES]
    assert kinds == [
        EventKind.CREATED,
        EventKind.ADVANCED,
        EventKind.OVERRIDDEN,
        EventKind.BRANCHED,
        EventKind.REOPENED,
        EventKind.BRANCHED,
        EventKind.REOPENED,
        EventKind.BRANCHED,
    ]
    assert recorded(events) == starts_by_definition(events)
    day = dt.timedelta(days=1)
    stay_starts = [e.stay_started_at for e in events if e.kind in ENTRIES]
    assert stay_starts == [
        None,  # the creation ends no stay
        created_at,
        created_at + 2 * day,
        created_at + 7 * day,
        created_at + 10 * day,
        created_at + 14 * day,
        created_at + 20 * day,
        created_at + 21 * day,
    ]
    # ticks and objections are not stage entries
    assert all(e.stay_started_at is None for e in events if e.kind not in ENTRIES)

    found = stats_json(
        await compute_stats(
            services, team_id=REP.team_id, scope=Scope.everyone(), period=Period.everything()
        )
    )
    stages = {s["id"]: s for s in found["stages"]}
    exits = {e["id"]: e for e in found["exits"]}
    # qualify 2 + 2 (two stays), discovery 5, demo 3 + 6; the last stay of each apart
    assert stages["qualify"]["time_in_stage_days"] == {"median": 4.0, "p90": 4.0}
    assert stages["qualify"]["time_in_stage_latest_days"] == {"median": 2.0, "p90": 2.0}
    assert stages["discovery"]["time_in_stage_days"] == {"median": 5.0, "p90": 5.0}
    assert stages["demo"]["time_in_stage_days"] == {"median": 9.0, "p90": 9.0}
    assert stages["demo"]["time_in_stage_latest_days"] == {"median": 6.0, "p90": 6.0}
    assert exits["lost"]["time_in_stage_days"]["median"] == 4.0
    assert exits["nurture"]["time_in_stage_days"]["median"] == 1.0
    assert exits["disqualified"]["time_in_stage_days"]["median"] is None  # still there
    # the moves out of each stay, from the recorded starts (qualify entered twice)
    assert (stages["qualify"]["entered"], stages["qualify"]["converted"]) == (2, 1)
    assert (stages["demo"]["entered"], stages["demo"]["converted"]) == (2, 0)


async def test_a_period_counts_the_stays_that_began_in_it(services: Services, clock: Clock) -> None:
    """Two deals through qualify; only the stay begun in the period is counted."""
    early = await new_deal(services, REP, "Early")
    clock.advance(days=3)
    late = await new_deal(services, REP, "Late")
    clock.advance(days=2)
    for card in (early, late):
        await make_ready(services, REP, card)
        await move(moving.advance(services, REP, DealNumber(card.deal_id)))

    start = (clock() - dt.timedelta(days=2)).date()
    found = stats_json(
        await compute_stats(
            services,
            team_id=REP.team_id,
            scope=Scope.everyone(),
            period=Period.between(start, clock().date()),
        )
    )
    qualify = next(s for s in found["stages"] if s["id"] == "qualify")
    assert qualify["time_in_stage_days"] == {"median": 2.0, "p90": 2.0}  # Late's only
    assert qualify["time_in_stage_deals"] == 1


async def test_the_importer_records_the_row_before(imported: Services) -> None:
    async with imported.db.read() as session:
        query = select(DealEvent).where(DealEvent.team_id == TEAM).order_by(col(DealEvent.id))
        events = list((await session.exec(query)).all())
    by_deal: dict[int | None, list[DealEvent]] = {}
    for event in events:
        by_deal.setdefault(event.deal_id, []).append(event)
    for deal_events in by_deal.values():
        assert recorded(deal_events) == starts_by_definition(deal_events)
    # D7: lost 01-30, reopened into demo 02-09: that stay in lost began 01-30
    reopened = [e for e in events if e.kind == EventKind.REOPENED and e.to_stage == "demo"]
    assert [e.stay_started_at for e in reopened] == [dt.datetime(2026, 1, 30, tzinfo=dt.UTC)]
