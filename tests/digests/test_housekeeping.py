"""The scheduler forgets Slack events handled more than a day ago: the table that keeps a
retried event from being applied twice no longer grows by a row an event, forever."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from bot.core.context import Services
from bot.digests import housekeeping
from bot.slack.scheduler import Scheduler
from storage.onboarding_models import ProcessedEvent
from tests.conftest import Clock


async def handled(services: Services, *, event_id: str, ago: dt.timedelta) -> None:
    async with services.db.write() as session:
        session.add(
            ProcessedEvent(team_id="T1", event_id=event_id, received_at=services.clock() - ago)
        )


async def remembered(services: Services) -> set[str]:
    async with services.db.read() as session:
        return set((await session.exec(select(ProcessedEvent.event_id))).all())


async def test_a_tick_forgets_events_older_than_a_day_in_short_batches(
    services: Services, scheduler: Scheduler, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(housekeeping, "FORGET_BATCH", 2)  # several transactions
    for number in range(5):
        await handled(services, event_id=f"Ev-old-{number}", ago=dt.timedelta(days=1, minutes=1))
    await handled(services, event_id="Ev-recent", ago=dt.timedelta(hours=23))

    report = await scheduler.tick()

    assert report.events_forgotten == 5
    assert await remembered(services) == {"Ev-recent"}
    clock.advance(hours=2)
    assert (await scheduler.tick()).events_forgotten == 1
    assert await remembered(services) == set()


async def test_an_event_handled_within_the_day_is_kept(
    services: Services,
) -> None:
    await handled(services, event_id="Ev-retried", ago=dt.timedelta(hours=1))
    assert await housekeeping.forget_old_events(services) == 0
    assert await remembered(services) == {"Ev-retried"}  # a retry now is still caught
