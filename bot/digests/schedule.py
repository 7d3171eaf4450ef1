"""When a subscription's digests fall due: pure calendar arithmetic in the subscriber's zone.

A period is one occurrence of the schedule: a day for daily digests, an ISO week (starting
Monday) for weekly ones. Its key ("2026-03-02", "2026-W10") is half of the unique key that
makes a digest post once; `starts_at` is the local time the digest is due.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIME = "09:00"
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class Frequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"  # Mondays

    @property
    def length(self) -> dt.timedelta:
        return dt.timedelta(days=1 if self is Frequency.DAILY else 7)


@dataclass(frozen=True, slots=True)
class Period:
    key: str
    starts_at: dt.datetime  # aware, UTC


def parse_time(text: str) -> dt.time | None:
    """ "9:00", "09:00" or "17:30" → a time; anything else → None."""
    match = _TIME.match(text.strip())
    return dt.time(int(match.group(1)), int(match.group(2))) if match else None


def zone(name: str | None) -> ZoneInfo:
    """The subscriber's zone; an unknown or missing name falls back to UTC."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def current_period(
    *, frequency: Frequency, at: dt.time, tz: str | None, now: dt.datetime
) -> Period:
    """The period whose due time is the latest one at or before `now`."""
    local_zone = zone(tz)
    today = now.astimezone(local_zone).date()
    day = _period_day(frequency, today)
    starts = _due(day, at, local_zone)
    if starts > now:  # today's (or this week's) time has not come yet: the one before
        day -= frequency.length
        starts = _due(day, at, local_zone)
    return Period(key=_key(frequency, day), starts_at=starts)


def _period_day(frequency: Frequency, today: dt.date) -> dt.date:
    if frequency is Frequency.WEEKLY:
        return today - dt.timedelta(days=today.weekday())
    return today


def _due(day: dt.date, at: dt.time, local_zone: ZoneInfo) -> dt.datetime:
    # A wall time skipped or repeated by a DST change resolves as zoneinfo does (fold=0).
    return dt.datetime.combine(day, at, tzinfo=local_zone).astimezone(dt.UTC)


def _key(frequency: Frequency, day: dt.date) -> str:
    if frequency is Frequency.WEEKLY:
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()
