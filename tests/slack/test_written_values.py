"""Issue #18, item 5, through signed Slack requests: names, amounts and dates as a person
writes them. Each line once went wrong (`Project 2027` became "Project" worth $2,027,
quotes stayed in the name, `3M 50k` and `next friday` were refused); a line that could be
read two ways is asked about and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import func, select

from bot.core.local_formats import day_text
from storage.models import Deal, DealStatus
from tests.conftest import Clock
from tests.support.harness import SlackHarness
from tests.support.slack import REP
from tests.support.slack import deal_named as deal_row


async def deal_count(slack: SlackHarness) -> int:
    async with slack.services.db.read() as session:
        return (await session.exec(select(func.count()).select_from(Deal))).one()


@pytest.mark.parametrize(
    ("typed", "name", "amount"),
    [
        ("new Project 2027", "Project 2027", None),
        ('new "Project 2027" 50k', "Project 2027", 50_000),
        ("new “Project 2027” 50k", "Project 2027", 50_000),
        ("new 'O'Brien & Sons' 5k", "O'Brien & Sons", 5_000),
        ("new O'Brien Ltd 5k", "O'Brien Ltd", 5_000),
        ("new 3M 50k", "3M", 50_000),
        ("new Acme 2000 EUR", "Acme", 2_000),
    ],
)
async def test_a_deal_is_created_as_its_line_was_meant(
    slack: SlackHarness, typed: str, name: str, amount: int | None
) -> None:
    # Slack sends `"`, `'` and curly quotes as typed, and `&` as `&amp;`
    answer = await slack.command(typed.replace("&", "&amp;"), user=REP)

    shown = name.replace("&", "&amp;")  # mrkdwn carries `&` escaped
    assert answer.status == 200 and shown in answer.text, answer.body
    deal = await deal_row(slack, name)
    assert deal.amount == amount


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("new 50k", "'50k' looks like an amount, not a deal name"),
        ("new 3M", "'3M' looks like an amount, not a deal name"),
        ("new Acme 2000", "did you mean a deal named 'Acme 2000', or 'Acme' worth 2,000?"),
        ('new "2027" 5k', "'2027' is a number, not a deal name"),
        ('new "Project 2027 50k', "is not closed"),
    ],
)
async def test_a_line_without_a_clear_name_is_refused_and_creates_nothing(
    slack: SlackHarness, typed: str, said: str
) -> None:
    answer = await slack.command(typed, user=REP)

    assert answer.status == 200 and said in answer.text, answer.body
    assert await deal_count(slack) == 0


async def test_the_question_about_a_round_year_says_both_ways_to_write_it(
    slack: SlackHarness,
) -> None:
    answer = await slack.command("new Acme 2000", user=REP)

    assert '/deal new "Acme 2000"' in answer.text and "/deal new Acme 2k" in answer.text


@pytest.mark.parametrize(
    ("written", "until"),
    [
        ("tomorrow", dt.date(2026, 3, 3)),  # the clock says Monday 2026-03-02
        ("next friday", dt.date(2026, 3, 6)),
        ("friday", dt.date(2026, 3, 6)),
        ("in 2 weeks", dt.date(2026, 3, 16)),
        ("15 March", dt.date(2026, 3, 15)),
        ("March 15 2027", dt.date(2027, 3, 15)),
        ("2027-01-15", dt.date(2027, 1, 15)),
        ("3m", dt.date(2026, 6, 2)),
    ],
)
async def test_nurture_takes_a_date_as_people_write_it(
    slack: SlackHarness, written: str, until: dt.date
) -> None:
    await slack.command("new Acme Corp 50k", user=REP)
    deal_id = (await deal_row(slack, "Acme Corp")).id

    answer = await slack.command(f"nurture #{deal_id} {written}", user=REP)

    assert answer.status == 200 and day_text(until) in answer.text, answer.body
    deal = await deal_row(slack, "Acme Corp")
    assert (deal.status, deal.nurture_until) == (DealStatus.NURTURE, until)


async def test_nurture_reads_the_deal_named_before_the_date(slack: SlackHarness) -> None:
    await slack.command("new Acme Corp 50k", user=REP)
    await slack.command("new Globex 20k", user=REP)  # the current deal now

    answer = await slack.command("nurture acme corp next friday", user=REP)

    assert answer.status == 200 and "6 Mar 2026" in answer.text, answer.body
    assert (await deal_row(slack, "Acme Corp")).nurture_until == dt.date(2026, 3, 6)
    assert (await deal_row(slack, "Globex")).nurture_until is None


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("03/04/2027", "'03/04/2027' could be 3 April 2027 or 4 March 2027"),
        ("monday", "'monday' is today: did you mean today or 2026-03-09?"),
        ("someday", "'someday' is not a date"),
        ("yesterday", "'yesterday' is not a date"),
        ("today", "2 Mar 2026 is not in the future"),
        ("2 March", "2026-03-02 is today: did you mean today or 2027-03-02?"),
    ],
)
async def test_a_date_that_is_two_days_or_none_is_asked_and_changes_nothing(
    slack: SlackHarness, clock: Clock, written: str, said: str
) -> None:
    await slack.command("new Acme Corp 50k", user=REP)
    deal_id = (await deal_row(slack, "Acme Corp")).id

    answer = await slack.command(f"nurture #{deal_id} {written}", user=REP)

    assert answer.status == 200 and said in answer.text, answer.body
    deal = await deal_row(slack, "Acme Corp")
    assert (deal.status, deal.nurture_until) == (DealStatus.OPEN, None)


async def test_relative_dates_resolve_on_the_day_the_command_runs(
    slack: SlackHarness, clock: Clock
) -> None:
    await slack.command("new Acme Corp 50k", user=REP)
    clock.now += dt.timedelta(days=10)  # Thursday 2026-03-12

    answer = await slack.command("nurture acme corp tomorrow", user=REP)

    assert answer.status == 200, answer.body
    assert (await deal_row(slack, "Acme Corp")).nurture_until == dt.date(2026, 3, 13)
