"""The period grammar of /deal stats and stagecoach stats."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.scope import Scope, ScopeKind, parse_scope
from bot.core.values import BadValue
from bot.reporting.periods import Period, PlanPeriod, parse_period, parse_plan_period

TODAY = dt.date(2026, 5, 14)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("30d", dt.date(2026, 4, 15), TODAY),
        ("90d", dt.date(2026, 2, 14), TODAY),
        ("this-quarter", dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        ("last-quarter", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("2025-q4", dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
        ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        ("2026-02", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        ("2026-01-01..2026-03-31", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("last-month", dt.date(2026, 4, 1), dt.date(2026, 4, 30)),
        ("all", None, None),
    ],
)
def test_periods(text: str, start: dt.date | None, end: dt.date | None) -> None:
    period = parse_period(text, today=TODAY)
    assert isinstance(period, Period)
    assert (period.start, period.end) == (start, end)


def test_last_quarter_in_january_is_the_previous_year() -> None:
    period = parse_period("last-quarter", today=dt.date(2026, 1, 10))
    assert isinstance(period, Period)
    assert (period.start, period.end) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))


def test_a_period_is_a_window_of_whole_utc_days() -> None:
    window = Period.between(dt.date(2026, 1, 1), dt.date(2026, 1, 31)).window()
    assert window.start == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert window.end == dt.datetime(2026, 2, 1, tzinfo=dt.UTC)  # the last day included


@pytest.mark.parametrize(
    "text", ["yesterday", "2026-Q5", "2026-13", "2026-02-30..2026-03-01", "0d", "99999d", "Q1"]
)
def test_bad_periods_say_what_is_allowed(text: str) -> None:
    found = parse_period(text, today=TODAY)
    assert isinstance(found, BadValue)
    assert "is not" in found.message
    assert "30d" in found.hint or "1d" in found.hint


def test_a_range_that_ends_before_it_starts() -> None:
    found = parse_period("2026-03-31..2026-01-01", today=TODAY)
    assert isinstance(found, BadValue) and "ends before it starts" in found.message


def test_plan_periods() -> None:
    assert parse_plan_period(None) is PlanPeriod.QUARTER
    assert parse_plan_period("Yearly") is PlanPeriod.YEAR
    assert PlanPeriod.YEAR.months == 12
    assert isinstance(parse_plan_period("fortnight"), BadValue)


def test_scopes() -> None:
    assert parse_scope("all") == Scope.everyone()
    assert parse_scope("team:U0MGR0001") == Scope.team("U0MGR0001")
    assert parse_scope("owner:U0REP0001") == Scope(ScopeKind.OWNER, user_id="U0REP0001")
    assert parse_scope("map:extended").label == "map:extended"  # type: ignore[union-attr]
    for bad in ("team", "owner:dana", "everyone", "map:Bad Map"):
        assert isinstance(parse_scope(bad), BadValue), bad
