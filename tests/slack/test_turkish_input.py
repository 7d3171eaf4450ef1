"""Issue #22, scope item 3, through signed Slack requests on both backends: a Turkish
sales team types its commands, amounts and dates in Turkish (bot/commands/aliases.py,
bot/core/amounts_tr.py, bot/core/dates_tr.py); what reads two ways is asked and changes
nothing."""

from __future__ import annotations

import datetime as dt
import json

from storage.models import DealStatus
from tests.slack.test_slack_flow import ready_line
from tests.slack.test_written_values import deal_count
from tests.support.harness import SlackHarness
from tests.support.slack import REP
from tests.support.slack import deal_named as deal_row


async def test_a_deal_goes_its_way_in_turkish(slack: SlackHarness) -> None:
    created = await slack.command("yeni Acme Ltd 1.250.000,50 TL", user=REP)
    assert created.status == 200 and "Acme Ltd" in created.text, created.body
    deal = await deal_row(slack, "Acme Ltd")
    assert (deal.amount, deal.currency) == (1_250_000.5, "TRY")

    refused = await slack.command("İLERLET", user=REP)  # nothing ticked yet
    assert refused.status == 200 and (await deal_row(slack, "Acme Ltd")).stage == "qualify"

    await slack.command(ready_line(slack, "qualify").replace("tick", "işaretle"), user=REP)
    moved = await slack.command("ilerlet", user=REP)
    assert moved.status == 200, moved.body
    assert (await deal_row(slack, "Acme Ltd")).stage == "discovery"

    await slack.command(f"ele #{deal.id} bütçe yok", user=REP)
    assert (await deal_row(slack, "Acme Ltd")).status == DealStatus.DISQUALIFIED

    reopened = await slack.command("yeniden aç acme", user=REP)
    assert reopened.status == 200, reopened.body
    # the two words are the verb, `acme` the deal (as `/deal reopen acme` reads it)
    assert (await deal_row(slack, "Acme Ltd")).status == DealStatus.OPEN


async def test_nurture_takes_a_turkish_date(slack: SlackHarness) -> None:
    await slack.command("yeni Globex 50 bin", user=REP)
    deal = await deal_row(slack, "Globex")
    assert (deal.amount, deal.currency) == (50_000, "TRY")

    answer = await slack.command(f"sıcak tut #{deal.id} 6 Aralık 2026", user=REP)

    assert answer.status == 200 and "6 Dec 2026" in answer.text, answer.body  # an en-US rep
    nurtured = await deal_row(slack, "Globex")
    assert (nurtured.status, nurtured.nurture_until) == (DealStatus.NURTURE, dt.date(2026, 12, 6))


async def test_an_amount_that_reads_two_ways_is_asked_and_creates_nothing(
    slack: SlackHarness,
) -> None:
    answer = await slack.command("yeni Initech 50.000", user=REP)

    assert "'50.000' could be 50 or 50,000" in answer.text, answer.body
    assert await deal_count(slack) == 0


async def test_turkish_help_lists_the_turkish_names(slack: SlackHarness) -> None:
    answer = await slack.command("yardım", user=REP)

    shown = json.dumps(answer.body["blocks"], ensure_ascii=False)  # the fallback lists names
    assert "(Turkish: `ilerlet`, `geçir`)" in shown and "`yeniden aç`" in shown, shown
