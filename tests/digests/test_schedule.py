"""When digests fall due: local time in the subscriber's zone, daily and weekly periods."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.digests.schedule import Frequency, current_period, parse_time

NINE = dt.time(9, 0)


def _at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def test_a_daily_period_starts_at_the_local_time() -> None:
    before = current_period(
        frequency=Frequency.DAILY, at=NINE, tz="Europe/Istanbul", now=_at(2026, 3, 2, 5, 59)
    )
    after = current_period(
        frequency=Frequency.DAILY, at=NINE, tz="Europe/Istanbul", now=_at(2026, 3, 2, 6, 0)
    )
    assert (before.key, before.starts_at) == ("2026-03-01", _at(2026, 3, 1, 6, 0))
    assert (after.key, after.starts_at) == ("2026-03-02", _at(2026, 3, 2, 6, 0))  # fmt: skip


def test_a_weekly_period_starts_on_monday_local_time() -> None:
    # Monday 2 March 00:30 in Los Angeles is still Sunday there: last week's period.
    period = current_period(
        frequency=Frequency.WEEKLY, at=NINE, tz="America/Los_Angeles", now=_at(2026, 3, 2, 8, 30)
    )
    assert period.key == "2026-W09" and period.starts_at == _at(2026, 2, 23, 17, 0)
    period = current_period(
        frequency=Frequency.WEEKLY, at=NINE, tz="America/Los_Angeles", now=_at(2026, 3, 2, 17, 0)
    )
    assert period.key == "2026-W10"  # fmt: skip


def test_daylight_saving_moves_the_utc_time_not_the_local_one() -> None:
    winter = current_period(
        frequency=Frequency.DAILY, at=NINE, tz="Europe/Berlin", now=_at(2026, 3, 28, 12)
    )
    summer = current_period(
        frequency=Frequency.DAILY, at=NINE, tz="Europe/Berlin", now=_at(2026, 3, 30, 12)
    )
    assert winter.starts_at.hour == 8 and summer.starts_at.hour == 7  # fmt: skip


def test_an_unknown_zone_falls_back_to_utc() -> None:
    period = current_period(
        frequency=Frequency.DAILY, at=NINE, tz="Mars/Olympus", now=_at(2026, 3, 2, 10)
    )
    assert period.starts_at == _at(2026, 3, 2, 9)  # fmt: skip


@pytest.mark.parametrize(
    ("text", "time"), [("9:00", dt.time(9)), ("17:30", dt.time(17, 30)), ("23:59", dt.time(23, 59))]
)
def test_times_people_write(text: str, time: dt.time) -> None:
    assert parse_time(text) == time  # fmt: skip


@pytest.mark.parametrize("text", ["24:00", "9", "9.30", "09:60", "noon", ""])
def test_times_that_are_not(text: str) -> None:
    assert parse_time(text) is None
