"""Dates as people write them (bot.core.dates): each supported form resolves to the day it
names, on any day it is read; what could be two days is asked, never guessed."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.dates import Ambiguous, FromToday, date_at_end, parse_date, read_date
from bot.core.values import BadValue

FRIDAY = dt.date(2027, 3, 12)
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

READ_ON_A_FRIDAY = [
    ("tomorrow", dt.date(2027, 3, 13)),
    ("Tomorrow", dt.date(2027, 3, 13)),
    ("today", FRIDAY),
    ("next friday", dt.date(2027, 3, 19)),
    ("this friday", FRIDAY),
    ("monday", dt.date(2027, 3, 15)),
    ("Thu", dt.date(2027, 3, 18)),
    ("in 2 weeks", dt.date(2027, 3, 26)),
    ("2 weeks", dt.date(2027, 3, 26)),
    ("in a month", dt.date(2027, 4, 12)),
    ("3 days from now", dt.date(2027, 3, 15)),
    ("30d", dt.date(2027, 4, 11)),
    ("6w", dt.date(2027, 4, 23)),
    ("3m", dt.date(2027, 6, 12)),
    ("15 March", dt.date(2027, 3, 15)),
    ("March 15", dt.date(2027, 3, 15)),
    ("15th of March", dt.date(2027, 3, 15)),
    ("1 March", dt.date(2028, 3, 1)),  # passed this year: the next one
    ("29 Feb", dt.date(2028, 2, 29)),
    ("March 15 2027", dt.date(2027, 3, 15)),
    ("March 15, 2027", dt.date(2027, 3, 15)),
    ("15 Sept 2027", dt.date(2027, 9, 15)),
    ("2027-03-15", dt.date(2027, 3, 15)),
    ("2027/03/15", dt.date(2027, 3, 15)),
    ("15/03/2027", dt.date(2027, 3, 15)),
    ("15.03.2027", dt.date(2027, 3, 15)),
    ("03/03/2027", dt.date(2027, 3, 3)),  # either order, one day
    ("end of month", dt.date(2027, 3, 31)),
    ("EOM", dt.date(2027, 3, 31)),
    ("end of the quarter", dt.date(2027, 3, 31)),
    ("end of next quarter", dt.date(2027, 6, 30)),
    ("eoq", dt.date(2027, 3, 31)),
    ("end of next month", dt.date(2027, 4, 30)),
    ("End of year", dt.date(2027, 12, 31)),
    ("end of this year", dt.date(2027, 12, 31)),
]


@pytest.mark.parametrize(("text", "date"), READ_ON_A_FRIDAY)
def test_a_date_written_as_people_write_it_resolves_to_its_day(text: str, date: dt.date) -> None:
    assert parse_date(text, FRIDAY) == date


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("03/04/2027", "'03/04/2027' could be 3 April 2027 or 4 March 2027"),
        ("03/04", "'03/04' could be 3 April or 4 March"),
        ("friday", "'friday' is today: did you mean today or 2027-03-19?"),
        ("12 March", "2027-03-12 is today: did you mean today or 2028-03-12?"),
        ("next month", "'next month' could be any day of it: which day?"),
        ("next quarter", "'next quarter' could be any day of it: which day?"),
    ],
)
def test_a_date_that_could_be_two_days_is_asked(text: str, asked: str) -> None:
    answer = parse_date(text, FRIDAY)
    assert isinstance(answer, Ambiguous) and answer.question.startswith(asked), answer
    assert answer.hint


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("someday", "'someday' is not a date"),
        ("", "'' is not a date"),
        ("2027", "'2027' is not a date"),
        ("15", "'15' is not a date"),
        ("March", "'march' does not say which day"),
        ("31 April 2027", "'31 april 2027' is not a day of the calendar"),
        ("42 15 March", "'42 15 March' is not a date"),
        ("end of week", "'end of week' is not a date"),
        ("15/03/27", "'15/03/27' is not a date"),
    ],
)
def test_text_that_is_no_day_is_refused_with_what_to_write(text: str, message: str) -> None:
    answer = parse_date(text, FRIDAY)
    assert isinstance(answer, BadValue) and answer.message == message, answer
    assert answer.hint


def test_relative_words_are_read_without_today_and_resolved_later() -> None:
    assert read_date("in 2 weeks") == FromToday(days=14)
    assert parse_date("in 2 weeks", dt.date(2030, 12, 25)) == dt.date(2031, 1, 8)
    assert parse_date("1m", dt.date(2027, 1, 31)) == dt.date(2027, 2, 28)


def test_the_date_at_the_end_leaves_the_words_before_it() -> None:
    assert date_at_end("acme corp next friday") == ("acme corp", read_date("next friday"))
    assert date_at_end("42 15 march") == ("42", read_date("15 march"))
    assert date_at_end("tomorrow") == ("", FromToday(days=1))
    assert isinstance(date_at_end("acme 03/04/2027"), Ambiguous)
    assert isinstance(date_at_end("acme someday"), BadValue)


TODAYS = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))


def written_forms(date: dt.date, today: dt.date) -> list[str]:
    """Every way the grammar lets a person write `date` when it is `today`."""
    month, days = MONTHS[date.month - 1], (date - today).days
    forms = [
        date.isoformat(),
        f"{date.day} {month} {date.year}",
        f"{month} {date.day}, {date.year}",
        f"{month[:3].lower()} {date.day} {date.year}",
        f"{date.year}/{date.month}/{date.day}",
    ]
    if date.day > 12:
        forms.append(f"{date.day}/{date.month:02}/{date.year}")
    if 0 < days < 365:
        forms += [f"{date.day} {month}", f"{month} {date.day}"]
    if days < 1000:
        forms += [f"in {days} days", f"{days}d"]
    if days % 7 == 0 and days // 7 < 1000:
        forms.append(f"in {days // 7} weeks")
    if days == 1:
        forms.append("tomorrow")
    if 1 <= days <= 7:
        forms.append(f"next {WEEKDAYS[date.weekday()]}")
    if 1 <= days <= 6:
        forms.append(WEEKDAYS[date.weekday()])
    return forms


@given(today=TODAYS, ahead=st.integers(min_value=1, max_value=3 * 366), data=st.data())
def test_any_future_date_in_any_supported_form_resolves_to_that_date(
    today: dt.date, ahead: int, data: st.DataObject
) -> None:
    date = today + dt.timedelta(days=ahead)
    written = data.draw(st.sampled_from(written_forms(date, today)))
    assert parse_date(written, today) == date, written


@given(
    today=TODAYS,
    day=st.integers(min_value=1, max_value=12),
    month=st.integers(min_value=1, max_value=12),
    year=st.integers(min_value=2000, max_value=2099),
)
def test_day_and_month_in_digits_that_could_swap_are_asked_never_guessed(
    today: dt.date, day: int, month: int, year: int
) -> None:
    answer = parse_date(f"{day:02}/{month:02}/{year}", today)
    if day == month:
        assert answer == dt.date(year, month, day)
    else:
        assert isinstance(answer, Ambiguous), answer


def _period(date: dt.date, months: int) -> tuple[int, int]:
    return date.year, (date.month - 1) // months


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)))
def test_the_end_of_a_period_is_its_last_day_whatever_day_it_is_read(today: dt.date) -> None:
    """The last day of this (or the next) month, quarter or year: the day after it lies in
    the period after, and it is in the period asked for."""
    day = dt.timedelta(days=1)
    for words, months in (("month", 1), ("quarter", 3), ("year", 12)):
        this, following = (
            parse_date(f"end of {words}", today),
            parse_date(f"end of next {words}", today),
        )
        assert isinstance(this, dt.date) and isinstance(following, dt.date)
        assert _period(this, months) == _period(today, months) != _period(this + day, months)
        assert _period(following, months) == _period(this + day, months)
        assert _period(following + day, months) != _period(following, months)
