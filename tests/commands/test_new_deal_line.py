"""`/deal new`'s line as people write it (bot.commands.new_deal_line): quoted names, a year
in the name, a name that reads like an amount, amounts in any written form."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commands import Command, ParseError, parse
from bot.commands.deal_commands import NEW, NewArgs
from bot.core.dates import FromToday, NextWeekday
from bot.core.values import Amount

READ = [
    ("Project 2027", NewArgs("Project 2027", None, None, False)),
    ('"Project 2027" 50k', NewArgs("Project 2027", Amount(50_000, None), None, True)),
    ("“Project 2027” 50k", NewArgs("Project 2027", Amount(50_000, None), None, True)),
    ("„Projekt 2027“ 50k EUR", NewArgs("Projekt 2027", Amount(50_000, "EUR"), None, True)),
    ('"Project 2027"', NewArgs("Project 2027", None, None, True)),
    ("'Acme Corp' 5k", NewArgs("Acme Corp", Amount(5_000, None), None, True)),
    ("‘Acme Corp’ 5k", NewArgs("Acme Corp", Amount(5_000, None), None, True)),
    ("O'Brien Ltd 50k", NewArgs("O'Brien Ltd", Amount(50_000, None), None, True)),
    ("O’Brien Ltd", NewArgs("O’Brien Ltd", None, None, False)),
    ("'Dunkin' Donuts' 5k", NewArgs("Dunkin' Donuts", Amount(5_000, None), None, True)),
    ("'t Hooft 5k", NewArgs("'t Hooft", Amount(5_000, None), None, True)),
    ('"Acme "Big" Deal" 5k', NewArgs('Acme "Big" Deal', Amount(5_000, None), None, True)),
    ('Acme "Big" Deal 5k', NewArgs('Acme "Big" Deal', Amount(5_000, None), None, True)),
    ("3M 50k", NewArgs("3M", Amount(50_000, None), None, True)),
    ("3M 50k <@U0DANA|dana>", NewArgs("3M", Amount(50_000, None), "U0DANA", True)),
    ("50k", NewArgs("50k", None, None, False)),  # refused as a name by the use case
    ("Acme 2000 EUR", NewArgs("Acme", Amount(2_000, "EUR"), None, True)),
    ("Acme $2000", NewArgs("Acme", Amount(2_000, "USD"), None, True)),
    ("Acme 2,000", NewArgs("Acme", Amount(2_000, None), None, True)),
    ("Acme 2k", NewArgs("Acme", Amount(2_000, None), None, True)),
    ("Acme 1500", NewArgs("Acme", Amount(1_500, None), None, True)),
    ("Project 2027 50k", NewArgs("Project 2027", Amount(50_000, None), None, True)),
    ('"Acme 2000" 2000', NewArgs("Acme 2000", Amount(2_000, None), None, True)),
    ("Acme 1999", NewArgs("Acme 1999", None, None, False)),
    # the expected close date: `close` in lower case, the owner after or before it
    ("Acme 50k close 2027-03-31", NewArgs("Acme", Amount(50_000, None), None, True, dt.date(2027, 3, 31))),
    ("Acme 50k close 30d <@U0DANA|dana>", NewArgs("Acme", Amount(50_000, None), "U0DANA", True, FromToday(days=30))),
    ("Acme 50k <@U0DANA|dana> close friday", NewArgs("Acme", Amount(50_000, None), "U0DANA", True, NextWeekday(4, "bare", "friday"))),
    ("Acme close 2027-03-31", NewArgs("Acme", None, None, False, dt.date(2027, 3, 31))),
    ('"acme close" 5k close 2027-03-31', NewArgs("acme close", Amount(5_000, None), None, True, dt.date(2027, 3, 31))),
    ("Close Brothers 20k", NewArgs("Close Brothers", Amount(20_000, None), None, True)),
    ("Acme close", NewArgs("Acme close", None, None, False)),  # nothing after the word
]  # fmt: skip


@pytest.mark.parametrize(("text", "args"), READ, ids=[case[0] for case in READ])
def test_a_new_deal_line_reads_as_it_was_meant(text: str, args: NewArgs) -> None:
    assert parse(f"new {text}") == Command(NEW, args)


REFUSED = [
    (
        "Acme 2000",
        "did you mean a deal named 'Acme 2000', or 'Acme' worth 2,000?",
        'write /deal new "Acme 2000" for the name, or /deal new Acme 2k for the amount',
    ),
    (
        "Acme Corp 1900 <@U0DANA|dana>",
        "did you mean a deal named 'Acme Corp 1900', or 'Acme Corp' worth 1,900?",
        'write /deal new "Acme Corp 1900" <@U0DANA|dana> for the name, '
        "or /deal new Acme Corp 1.9k <@U0DANA|dana> for the amount",
    ),
    (
        '"Project 2027 50k',
        'the quote that opens "Project 2027 50k is not closed',
        'close it after the name, e.g. /deal new "Project 2027" 50k',
    ),
    (
        '"Acme" Corp 50k',
        "after the quoted name comes only the amount and the owner, not 'Corp 50k'",
        'e.g. /deal new "Acme" 50k @dana',
    ),
    (
        "acme close deal 5k",
        "'deal 5k' is not a date",
        "write a date such as tomorrow, friday, next friday, in 2 weeks, 30d, 3m, end of quarter, "
        "15 March, 15 March 2027 or 2027-03-15; a name with 'close' in it goes in quotes: "
        '/deal new "Close call" 50k',
    ),
    (
        "Acme 5k close 3/4",
        "'3/4' could be 3 April or 4 March: which did you mean?",
        "write the month's name, e.g. 3 April, or the date as YYYY-MM-DD",
    ),
    (
        "Acme 5O0k",
        "'5O0k' is not an amount",
        "write digits with an optional k or m, e.g. 50k, 1.2m, $75,000 or 20000 EUR",
    ),
]


@pytest.mark.parametrize(("text", "message", "suggestion"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_line_that_reads_two_ways_or_none_is_refused_with_how_to_write_it(
    text: str, message: str, suggestion: str
) -> None:
    refused = parse(f"new {text}")
    assert isinstance(refused, ParseError), refused
    assert (refused.message, refused.suggestion) == (message, suggestion)


# -- any name, any amount --------------------------------------------------------------------

WORD = st.text(alphabet="abcXYZ09'’-&.çğİ€", min_size=1, max_size=7)
NAMES = st.lists(WORD, min_size=1, max_size=4).map(" ".join)
CURRENCIES = st.sampled_from([("", None), (" EUR", "EUR"), (" GBP", "GBP")])


@st.composite
def written_amounts(draw: st.DrawFn) -> tuple[str, Amount]:
    """An amount in one of the ways people write it, and what it is."""
    thousands = draw(st.integers(min_value=1, max_value=999_999))
    value = thousands * 1_000
    form = draw(st.sampled_from(["k", "commas", "digits", "symbol", "millions"]))
    code, currency = draw(CURRENCIES)
    if form == "symbol":
        return f"€{value:,}", Amount(value, "EUR")
    if form == "millions" and thousands % 100 == 0:
        return f"{thousands / 1000:g}m{code}", Amount(value, currency)
    if form == "commas":
        return f"{value:,}{code}", Amount(value, currency)
    if form == "digits" and value > 2099:  # a year-like bare number belongs to the name
        return f"{value}{code}", Amount(value, currency)
    return f"{thousands}k{code}", Amount(value, currency)


OWNERS = st.sampled_from([("", None), (" <@U0DANA|dana>", "U0DANA"), (" <@W0LEE>", "W0LEE")])


@given(name=NAMES, amount=written_amounts(), owner=OWNERS)
def test_any_name_with_any_amount_round_trips_quoted(
    name: str, amount: tuple[str, Amount], owner: tuple[str, str | None]
) -> None:
    parsed = parse(f'new "{name}" {amount[0]}{owner[0]}')
    assert parsed == Command(NEW, NewArgs(name, amount[1], owner[1], True))


@given(name=NAMES, amount=written_amounts(), owner=OWNERS)
def test_any_name_with_any_amount_round_trips_unquoted(
    name: str, amount: tuple[str, Amount], owner: tuple[str, str | None]
) -> None:
    if name[0] in "'‘":  # a leading single quote may open a quoted name
        name = "x" + name
    parsed = parse(f"new {name} {amount[0]}{owner[0]}")
    assert parsed == Command(NEW, NewArgs(name, amount[1], owner[1], True))
