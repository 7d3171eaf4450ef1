"""Every writer of stage entries records, on the entry that ends a stay, that stay's length
(`DealEvent.stay_days`, days from `stay_started_at` to `at`), in the same write as the
entry, and nothing on other events: the app's moves and the importer. Time in stage adds
these lengths up (storage.kpi_queries), so a writer that left one out would drop a stay."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import col, select

from bot.core.context import Services
from bot.core.refs import DealName
from bot.deals import moving, notes, reopening
from bot.deals.outcomes import Moved, ObjectionNoted
from storage.models import DealEvent
from tests.conftest import Clock
from tests.support.deals import REP, events_of, expect, make_ready, new_deal
from tests.support.known_history import TEAM


def assert_lengths(events: list[DealEvent]) -> None:
    assert events
    for e in events:
        if e.stay_started_at is None:
            assert e.stay_days is None, e
        else:
            wanted = (e.at - e.stay_started_at) / dt.timedelta(days=1)
            assert e.stay_days == pytest.approx(wanted, abs=1e-9), e


async def test_every_move_records_the_length_of_the_stay_it_ends(
    services: Services, clock: Clock
) -> None:
    card = await new_deal(services, REP, "Acme", "50k")
    clock.advance(hours=30)
    await make_ready(services, REP, card)
    clock.advance(days=1, minutes=7)
    expect(await moving.advance(services, REP, DealName("acme")), Moved)
    clock.advance(days=2)
    objection = await notes.record_objection(services, REP, "too expensive", ref=DealName("acme"))
    expect(objection, ObjectionNoted)
    clock.advance(days=3, seconds=11)
    expect(await moving.lose(services, REP, DealName("acme"), reason="Chose a competitor"), Moved)
    clock.advance(days=4)
    expect(await reopening.reopen(services, REP, DealName("acme"), stage="discovery"), Moved)

    events = await events_of(services.db, card.deal_id)
    assert_lengths(events)
    lengths = [e.stay_days for e in events if e.stay_days is not None]
    assert lengths == pytest.approx([30 / 24 + 1 + 7 / 1440, 5 + 11 / 86400, 4.0])


async def test_the_importer_records_each_stay_length(imported: Services) -> None:
    async with imported.db.read() as session:
        query = select(DealEvent).where(DealEvent.team_id == TEAM).order_by(col(DealEvent.id))
        events = list((await session.exec(query)).all())
    assert_lengths(events)
    assert sum(e.stay_days is not None for e in events) > 10
