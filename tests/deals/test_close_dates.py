"""Reading an expected close date: every way it may be written reads as the same date; a
date before today is refused, whatever way it is written; only a later date is a push."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from bot.core.local_formats import day_text
from bot.core.values import BadValue
from bot.deals.close_dates import MOST_YEARS_AHEAD, is_push, parse_close_date

TODAY = dt.date(2026, 3, 2)
AHEAD = st.dates(min_value=TODAY, max_value=dt.date(TODAY.year + MOST_YEARS_AHEAD, 12, 31))
PAST = st.dates(min_value=dt.date(2000, 1, 1), max_value=TODAY - dt.timedelta(days=1))


def spellings(date: dt.date) -> list[str]:
    month, short = date.strftime("%B"), date.strftime("%b")
    return [
        date.isoformat(),
        f"{date.day} {month} {date.year}",
        f"{date.day} {short} {date.year}",
        f"{month} {date.day}, {date.year}",
        f"{short.upper()} {date.day} {date.year}",
    ]


@given(AHEAD)
def test_every_spelling_of_a_date_ahead_reads_as_it(date: dt.date) -> None:
    assert {parse_close_date(text, today=TODAY) for text in spellings(date)} == {date}


@given(PAST)
def test_a_past_date_is_refused_however_it_is_written(date: dt.date) -> None:
    for text in spellings(date):
        refused = parse_close_date(text, today=TODAY)
        assert isinstance(refused, BadValue)
        assert refused.message == f"{day_text(date)} is in the past"


def test_spans_read_from_today_and_nonsense_says_how_to_write_a_date() -> None:
    assert parse_close_date("30d", today=TODAY) == dt.date(2026, 4, 1)
    refused = parse_close_date("31 Smarch 2027", today=TODAY)
    assert isinstance(refused, BadValue) and "'31 Smarch 2027' is not a date" in refused.message
    assert "15 March 2027" in refused.hint and "2027-03-15" in refused.hint  # how to write one
    too_far = parse_close_date("2040-01-01", today=TODAY)
    assert isinstance(too_far, BadValue) and "more than 5 years away" in too_far.message


@given(st.one_of(st.none(), AHEAD), AHEAD)
def test_only_moving_a_date_later_is_a_push(before: dt.date | None, after: dt.date) -> None:
    assert is_push(before, after) == (before is not None and after > before)
