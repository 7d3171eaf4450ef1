"""`/deal edit` through signed Slack requests (issue #18, item 1): by text, several fields at
once, or by the form (opened on the command's trigger_id, each field filled in); each change
is a history event; who may edit is who may change the deal, and giving it away is the rule
of `/deal new … @owner`; bad input says what was wrong and changes nothing. The expected
close date shows on the card and in lists, and three pushes flag it slipping."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.core.context import Services
from bot.digests.compose import compose_digest
from bot.views.digest import digest_message
from bot.views.ids import BlockId, CallbackId
from storage.digest_models import DigestSubscription
from storage.models import Deal
from tests.support.blockkit import text_of
from tests.support.harness import SlackHarness
from tests.support.slack import ADMIN, MANAGER, REP, REP2, deal_named, make_team

JsonDict = dict[str, Any]


@pytest.fixture
async def acme(slack: SlackHarness) -> Deal:
    await make_team(slack, MANAGER, REP, REP2)
    created = await slack.command("new Acme 50k", user=REP)
    assert "Acme" in created.text, created.text
    return await deal_named(slack, "Acme")


async def history_of(slack: SlackHarness, user: str) -> str:
    answer = await slack.command("history #1", user=user)
    return text_of(answer.json["blocks"])


async def test_the_amount_changes_and_history_says_who_from_what_to_what(
    slack: SlackHarness, acme: Deal
) -> None:
    answer = await slack.command("edit amount 65k", user=REP)

    shown = text_of(answer.json["blocks"])
    assert "amount: $50,000 → $65,000" in shown and "$65,000" in shown
    assert (await deal_named(slack, "Acme")).amount == 65_000
    history = await history_of(slack, REP)
    assert f"@{REP} changed the amount: 50,000 → 65,000" in history


async def test_an_amount_in_another_currency_says_both_as_they_were_and_are(
    slack: SlackHarness, acme: Deal
) -> None:
    answer = await slack.command("edit amount 65k EUR", user=REP)

    assert "amount: $50,000 → €65,000; currency: USD → EUR" in text_of(answer.json["blocks"])


async def test_several_fields_at_once_are_each_an_event(slack: SlackHarness, acme: Deal) -> None:
    answer = await slack.command(
        "edit #1 amount 65k close 2027-03-31 name Acme Holdings currency EUR", user=REP
    )

    assert "Changed" in answer.text or "Acme Holdings" in text_of(answer.json["blocks"])
    deal = await deal_named(slack, "Acme Holdings")
    assert (deal.amount, deal.currency) == (65_000, "EUR")
    assert deal.expected_close == dt.date(2027, 3, 31) and deal.close_pushes == 0
    history = await history_of(slack, REP)
    for line in (
        "changed the name: Acme → Acme Holdings",
        "changed the amount: 50,000 → 65,000",
        "changed the currency: USD → EUR",
        "changed the expected close: none → 31 Mar 2027",
    ):
        assert line in history, history


@pytest.mark.parametrize(
    "typed", ["31 March 2027", "March 31, 2027", "31st Mar 2027", "2027-03-31"]
)
async def test_a_close_date_with_a_month_name(slack: SlackHarness, acme: Deal, typed: str) -> None:
    await slack.command(f"edit close {typed}", user=REP)

    assert (await deal_named(slack, "Acme")).expected_close == dt.date(2027, 3, 31)


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("close 2026-03-01", "1 Mar 2026 is in the past"),
        ("close 1 March 2020", "1 Mar 2020 is in the past"),
        ("close 2027-02-30", "is not a day of the calendar"),
        ("close soonish", "'soonish' is not a date"),
        ("amount lots", "'lots' is not an amount"),
        ("currency euros", "'euros' is not a currency code"),
        ("amount 65k USD currency EUR", "the amount says USD but the currency says EUR"),
        ("name 42", "is a number, not a deal name"),
        ("amoutn 65k", "did you mean 'amount'?"),
        ("amount", "'amount' needs a value after it"),
        ("amount 5k amount 6k", "'amount' is given twice"),
        ("owner dana", "is not one Slack user"),
        ("amount 50k", "already has those values"),
    ],
)
async def test_bad_input_says_what_is_wrong_and_changes_nothing(
    slack: SlackHarness, acme: Deal, typed: str, said: str
) -> None:
    answer = await slack.command(f"edit {typed}", user=REP)

    assert said in answer.text, answer.text
    after = await deal_named(slack, "Acme")
    assert (after.version, after.amount, after.expected_close) == (acme.version, 50_000, None)
    assert "changed the" not in await history_of(slack, REP)
    assert slack.standin.calls("chat.postMessage") == []  # nobody was told of a non-change


async def test_someone_who_may_not_change_the_deal_may_not_edit_it(
    slack: SlackHarness, acme: Deal
) -> None:
    answer = await slack.command("edit #1 amount 1k", user=REP2)

    assert "only the deal's owner" in answer.text
    assert (await deal_named(slack, "Acme")).amount == 50_000
    form = await slack.command("edit #1", user=REP2)  # the form is refused before it opens
    assert "only the deal's owner" in form.text and slack.standin.calls("views.open") == []


async def test_the_owner_changes_by_the_rule_of_new_deal_for_someone(
    slack: SlackHarness, acme: Deal
) -> None:
    refused = await slack.command(f"edit owner <@{REP2}>", user=REP)
    assert "only an admin or the manager of" in refused.text
    assert (await deal_named(slack, "Acme")).owner_id == REP

    moved = await slack.command(f"edit #1 owner <@{REP2}|ben>", user=MANAGER)
    assert f"owner: @{REP} → @{REP2}" in text_of(moved.json["blocks"])
    assert (await deal_named(slack, "Acme")).owner_id == REP2
    # the deal is no longer the rep's: their change is refused now
    assert "only the deal's owner" in (await slack.command("edit #1 amount 1k", user=REP)).text


async def test_the_form_opens_filled_in_and_its_answer_edits(
    slack: SlackHarness, acme: Deal
) -> None:
    await slack.command("edit close 2027-01-15", user=REP)
    answer = await slack.command("edit", user=REP)

    assert answer.status == 200
    opened = slack.standin.last("views.open")
    assert opened.args["trigger_id"]
    view = opened.args["view"]
    initial = {
        block["block_id"]: {k: v for k, v in block["element"].items() if k.startswith("initial")}
        for block in view["blocks"]
        if block["type"] == "input"
    }
    assert initial[BlockId.NAME] == {"initial_value": "Acme"}
    assert initial[BlockId.AMOUNT] == {"initial_value": "50,000"}
    assert initial[BlockId.CURRENCY] == {"initial_value": "USD"}
    assert initial[BlockId.OWNER] == {"initial_user": REP}
    assert initial[BlockId.DATE] == {"initial_date": "2027-01-15"}

    values = form_values(name="Acme", amount="65k", currency="USD", owner=REP, date="2027-03-31")
    submitted = await slack.submit(
        CallbackId.EDIT, view["private_metadata"], values, user=REP, view=view
    )

    assert submitted.status == 200 and not (submitted.body or {}).get("errors")
    deal = await deal_named(slack, "Acme")
    assert (deal.amount, deal.expected_close, deal.close_pushes) == (
        65_000,
        dt.date(2027, 3, 31),
        1,
    )
    assert "changed the expected close: 15 Jan 2027 → 31 Mar 2027" in await history_of(slack, REP)


async def test_a_past_date_in_the_form_is_shown_beside_the_date(
    slack: SlackHarness, acme: Deal
) -> None:
    await slack.command("edit", user=REP)
    view = slack.standin.last("views.open").args["view"]

    values = form_values(name="Acme", amount="65k", currency="USD", owner=REP, date="2025-12-31")
    submitted = await slack.submit(
        CallbackId.EDIT, view["private_metadata"], values, user=REP, view=view
    )

    assert submitted.json["response_action"] == "errors"
    assert "31 Dec 2025 is in the past" in submitted.json["errors"][BlockId.DATE]
    assert (await deal_named(slack, "Acme")).amount == 50_000  # nothing half-written


def form_values(*, name: str, amount: str, currency: str, owner: str, date: str) -> JsonDict:
    def text(block: str, value: str) -> JsonDict:
        return {block: {block: {"type": "plain_text_input", "value": value}}}

    return {
        **text(BlockId.NAME, name),
        **text(BlockId.AMOUNT, amount),
        **text(BlockId.CURRENCY, currency),
        BlockId.OWNER: {BlockId.OWNER: {"type": "users_select", "selected_user": owner}},
        BlockId.DATE: {BlockId.DATE: {"type": "datepicker", "selected_date": date}},
    }


async def test_three_pushes_make_a_deal_slipping_on_its_card_list_and_digest(
    slack: SlackHarness, acme: Deal, services: Services
) -> None:
    await slack.command("edit close 2027-01-31", user=REP)  # set: not a push
    await slack.command("edit close 2027-02-28", user=REP)  # 1
    await slack.command("edit close 2027-01-15", user=REP)  # earlier: not a push
    await slack.command("edit close 2027-03-31", user=REP)  # 2
    card = await slack.command("show", user=REP)
    assert "slipping" not in text_of(card.json["blocks"])

    await slack.command("edit close 2027-04-30", user=REP)  # 3

    card = await slack.command("show", user=REP)
    assert "30 Apr 2027 · ⚠ slipping (moved 3 times)" in text_of(card.json["blocks"])
    listed = await slack.command("list", user=REP)
    assert "closes 30 Apr 2027" in text_of(listed.json["blocks"])
    subscription = DigestSubscription(
        team_id=slack.team_id,
        channel_id="C0DIGEST",
        frequency="daily",
        at_time="09:00",
        scope="all",
        created_by=ADMIN,
        tz="UTC",
    )
    digest = await compose_digest(
        services,
        subscription=subscription,
        window_start=services.clock() - dt.timedelta(days=1),
        window_end=services.clock(),
    )
    assert [s.deal.name for s in digest.slipping] == ["Acme"]
    said = text_of(digest_message(digest).to_dict()["blocks"])
    assert "Slipping" in said and "slipping (moved 3 times)" in said


async def test_a_new_deal_takes_its_expected_close_date_and_refuses_a_past_one(
    slack: SlackHarness,
) -> None:
    """`/deal new … close <date>` once made "Beta 50k close 2027-03-31" the deal's name."""
    await make_team(slack, MANAGER, REP)
    answer = await slack.command("new Beta 50k close 2027-03-31", user=REP)

    assert "Expected close: 31 Mar 2027" in text_of(answer.json["blocks"])
    deal = await deal_named(slack, "Beta")
    assert (deal.name, deal.amount, deal.expected_close) == ("Beta", 50_000, dt.date(2027, 3, 31))
    assert deal.close_pushes == 0  # a first date is not a push

    refused = await slack.command("new Gamma 5k close 2020-01-01", user=REP)
    assert "1 Jan 2020 is in the past" in refused.text, refused.text
    listed = await slack.command("list", user=REP)
    assert "Gamma" not in text_of(listed.json["blocks"])  # nothing was created


async def test_the_new_deal_form_takes_an_expected_close_date(slack: SlackHarness) -> None:
    await make_team(slack, MANAGER, REP)
    await slack.command("new", user=REP)
    view = slack.standin.last("views.open").args["view"]
    assert BlockId.DATE in {block.get("block_id") for block in view["blocks"]}

    def answers(day: str) -> JsonDict:
        return {
            BlockId.NAME: {BlockId.NAME: {"type": "plain_text_input", "value": "Delta"}},
            BlockId.DATE: {BlockId.DATE: {"type": "datepicker", "selected_date": day}},
        }

    async def submit(day: str) -> Any:
        return await slack.submit(
            CallbackId.NEW_DEAL, view["private_metadata"], answers(day), user=REP, view=view
        )

    past = await submit("2020-01-01")
    [(block, said)] = past.body["errors"].items()
    assert block == BlockId.DATE and said.startswith("1 Jan 2020 is in the past"), said
    assert (await submit("2027-03-31")).status == 200
    # one deal only (.one()): the refused submission created none
    assert (await deal_named(slack, "Delta")).expected_close == dt.date(2027, 3, 31)
