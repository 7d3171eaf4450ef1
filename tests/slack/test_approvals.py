"""Approval items (`approval:` in the map, docs/approvals.md), through signed Slack
requests on both databases: ticking asks the approver (a DM, or a post in a channel) and
ticks nothing; only an allowed person's Approve ticks it; a rejection needs a reason and
the card shows it; a repeated, late, forged or misplaced answer changes nothing and says
why."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.catalog import MapCatalog
from bot.slack_standin.workspace import dm_channel
from bot.views.ids import ActionId
from storage.approval_models import ApprovalRequest
from tests.support.approval_map import DISCOUNT, approval_catalog
from tests.support.approvals import (
    VALUE,
    ask_discount,
    box,
    click_boxes,
    kinds,
    press,
    requests_in,
    rows,
    said_to,
    ticked,
)
from tests.support.blockkit import has, text_of
from tests.support.harness import SlackHarness
from tests.support.slack import ADMIN, MANAGER, REP, REP2, latest_card, make_team

JsonDict = dict[str, Any]


@pytest.fixture
def catalog() -> MapCatalog:
    return approval_catalog()


@pytest.fixture
async def card(slack: SlackHarness) -> JsonDict:
    await make_team(slack, MANAGER, REP)
    await slack.command("new Acme 150k", user=REP)
    return latest_card(slack, REP)


async def test_the_rep_asks_the_manager_approves_and_the_item_counts(
    slack: SlackHarness, card: JsonDict
) -> None:
    waiting = await ask_discount(slack, card)

    assert DISCOUNT not in await ticked(slack)
    assert box(waiting, DISCOUNT) and f"waiting for approval by @{MANAGER}" in text_of(
        waiting["blocks"]
    )
    (request,) = requests_in(slack, MANAGER)
    assert VALUE in text_of(request["blocks"]) and "Acme" in text_of(request["blocks"])
    assert requests_in(slack, ADMIN) == [] and requests_in(slack, REP2) == []

    await press(slack, request, ActionId.APPROVE, MANAGER, channel=dm_channel(MANAGER))

    tick = (await ticked(slack))[DISCOUNT]
    assert (tick.ticked_by, tick.evidence) == (REP, VALUE)
    (row,) = await rows(slack, ApprovalRequest)
    assert (row.status, row.requested_by, row.answered_by) == ("approved", REP, MANAGER)
    assert await kinds(slack) == [
        ("approval_asked", REP, DISCOUNT),
        ("ticked", REP, DISCOUNT),
        ("approved", MANAGER, DISCOUNT),
    ]
    answered = slack.standin.messages(MANAGER)[-1]
    assert "Approved" in text_of(answered["blocks"])
    assert not has(answered["blocks"], ActionId.APPROVE)  # the request became the card
    told = slack.standin.messages(REP)[-1]
    assert f"<@{MANAGER}> approved" in told["text"]
    shown = await slack.command("show", user=REP)
    assert box(shown.json, DISCOUNT) and "waiting for approval" not in text_of(shown.json["blocks"])


async def test_on_a_small_deal_the_item_is_an_ordinary_tick(slack: SlackHarness) -> None:
    await make_team(slack, MANAGER, REP)
    await slack.command("new Smallco 5k", user=REP)
    await slack.command(f'tick 2="{VALUE}"', user=REP)

    assert DISCOUNT in await ticked(slack)
    assert await rows(slack, ApprovalRequest) == [] and requests_in(slack, MANAGER) == []


async def test_approving_twice_changes_nothing_and_says_why(
    slack: SlackHarness, card: JsonDict
) -> None:
    await ask_discount(slack, card)
    (request,) = requests_in(slack, MANAGER)
    await press(slack, request, ActionId.APPROVE, MANAGER, channel=dm_channel(MANAGER))
    before = await kinds(slack)

    await press(slack, request, ActionId.APPROVE, MANAGER, channel=dm_channel(MANAGER))
    await press(slack, request, ActionId.APPROVE, ADMIN, channel=dm_channel(MANAGER))

    assert await kinds(slack) == before
    assert "already approved by" in said_to(slack, MANAGER)
    assert "already approved by" in said_to(slack, ADMIN)


async def test_unticking_withdraws_and_a_late_approval_changes_nothing(
    slack: SlackHarness, card: JsonDict
) -> None:
    waiting = await ask_discount(slack, card)
    (request,) = requests_in(slack, MANAGER)

    after = await click_boxes(slack, waiting, [])  # the rep unticks the waiting box
    await press(slack, request, ActionId.APPROVE, MANAGER, channel=dm_channel(MANAGER))

    assert not box(after, DISCOUNT) and "Withdrew" in text_of(after["blocks"])
    assert DISCOUNT not in await ticked(slack)
    (row,) = await rows(slack, ApprovalRequest)
    assert (row.status, row.answered_by) == ("withdrawn", REP)
    assert f"<@{REP}> withdrew it" in said_to(slack, MANAGER)
    assert [k for k, _who, _item in await kinds(slack)] == ["approval_asked", "withdrawn"]


async def test_ticking_a_waiting_item_again_asks_no_one_again(
    slack: SlackHarness, card: JsonDict
) -> None:
    waiting = await ask_discount(slack, card)
    await click_boxes(slack, waiting, [DISCOUNT, "intro"])  # another box, the waiting one kept
    await slack.command("tick 2", user=REP)

    assert len(requests_in(slack, MANAGER)) == 1 and len(await rows(slack, ApprovalRequest)) == 1
    assert "already waits for approval" in latest_card(slack, REP)["text"]
    assert slack.standin.calls("views.open")[-1:] == slack.standin.calls("views.open")[:1]


@pytest.mark.parametrize("who", [REP, REP2, "U0OTHERMGR"])
async def test_no_one_else_can_approve(slack: SlackHarness, card: JsonDict, who: str) -> None:
    await make_team(slack, "U0OTHERMGR", REP2)  # a manager, but not the owner's
    await ask_discount(slack, card)
    (request,) = requests_in(slack, MANAGER)
    before = await kinds(slack)

    await press(slack, request, ActionId.APPROVE, who, channel=dm_channel(MANAGER))
    await press(slack, request, ActionId.REJECT, who, channel=dm_channel(MANAGER))

    assert await kinds(slack) == before and DISCOUNT not in await ticked(slack)
    assert len(slack.standin.calls("views.open")) == 1  # only the evidence form ever opened
    (row,) = await rows(slack, ApprovalRequest)
    assert row.status == "pending"
    assert "own request" in said_to(slack, who) or "can answer" in said_to(slack, who)


async def test_an_admin_may_answer_for_the_manager(slack: SlackHarness, card: JsonDict) -> None:
    await ask_discount(slack, card)
    (request,) = requests_in(slack, MANAGER)

    await press(slack, request, ActionId.APPROVE, ADMIN, channel=dm_channel(MANAGER))

    assert (await ticked(slack))[DISCOUNT].ticked_by == REP


async def test_advance_is_refused_while_the_approval_waits_and_says_for_whom(
    slack: SlackHarness, card: JsonDict
) -> None:
    await ask_discount(slack, card)
    await slack.command("tick 1 3 4 5", user=REP)  # everything else (asks the others too)

    refused = await slack.command("advance", user=REP)

    said = text_of(refused.json["blocks"])
    assert "cannot leave Propose yet" in said and f"waiting for approval by @{MANAGER}" in said
