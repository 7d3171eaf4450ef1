"""Answering approvals (docs/approvals.md), through signed Slack requests on both databases:
Reject needs a reason and the card shows it; an admin's, a channel's and a named person's
approvals are answered by them alone; a button whose value was tampered with changes
nothing; and the buttons' and the reason form's bodies as Slack's own SDK tests have them
(tests/support/samples/slack_sdk/SOURCES.md) are read the same."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.core.catalog import MapCatalog
from bot.slack_standin.workspace import dm_channel
from bot.views.ids import ActionId, ApprovalRef, BlockId, CallbackId
from storage.approval_models import ApprovalRequest
from tests.support.approval_map import (
    CFO,
    CFO_SIGNS,
    DEAL_DESK,
    DESK,
    DISCOUNT,
    LEGAL,
    approval_catalog,
)
from tests.support.approvals import (
    ask_discount,
    box,
    kinds,
    press,
    requests_in,
    rows,
    said_to,
    ticked,
)
from tests.support.blockkit import find, text_of
from tests.support.harness import SlackHarness
from tests.support.sdk_samples import (
    as_submission_of,
    replay_interaction,
    sample,
    trigger_id,
    with_action,
)
from tests.support.slack import ADMIN, MANAGER, REP, REP2, latest_card, make_team

JsonDict = dict[str, Any]
WHY = "30% is past what this deal's margin allows"


@pytest.fixture
def catalog() -> MapCatalog:
    return approval_catalog()


@pytest.fixture
async def card(slack: SlackHarness) -> JsonDict:
    await make_team(slack, MANAGER, REP)
    await slack.command("new Acme 150k", user=REP)
    return latest_card(slack, REP)


def reason(text: str) -> JsonDict:
    return {BlockId.REASON: {BlockId.REASON: {"type": "plain_text_input", "value": text}}}


async def test_reject_needs_a_reason_and_the_card_shows_it(
    slack: SlackHarness, card: JsonDict
) -> None:
    await ask_discount(slack, card)
    (request,) = requests_in(slack, MANAGER)
    await press(slack, request, ActionId.REJECT, MANAGER, channel=dm_channel(MANAGER))
    form = slack.standin.last("views.open").args["view"]
    meta = form["private_metadata"]

    blank = await slack.submit(CallbackId.REJECT, meta, reason("  "), user=MANAGER, view=form)
    forged = await slack.submit(CallbackId.REJECT, meta, reason(WHY), user=REP2, view=form)
    assert blank.body["response_action"] == "errors" and BlockId.REASON in blank.body["errors"]
    assert forged.body["response_action"] == "errors"
    assert [row.status for row in await rows(slack, ApprovalRequest)] == ["pending"]

    answer = await slack.submit(CallbackId.REJECT, meta, reason(WHY), user=MANAGER, view=form)

    assert answer.status == 200 and not (answer.body or {}).get("errors")
    (row,) = await rows(slack, ApprovalRequest)
    assert (row.status, row.answered_by, row.reason) == ("rejected", MANAGER, WHY)
    assert DISCOUNT not in await ticked(slack)
    assert [k for k, _who, _item in await kinds(slack)] == ["approval_asked", "rejected"]
    told = slack.standin.messages(REP)[-1]["text"]
    assert f"<@{MANAGER}> rejected" in told and "margin allows" in told
    shown = (await slack.command("show", user=REP)).json
    assert not box(shown, DISCOUNT)
    assert f"rejected by @{MANAGER}: {WHY}" in text_of(shown["blocks"])

    await slack.command('tick 2="10% instead"', user=REP)  # asked again, with a new value
    assert [r.status for r in await rows(slack, ApprovalRequest)] == ["rejected", "pending"]
    assert "rejected by" not in text_of(latest_card(slack, REP)["blocks"])


async def test_an_admins_approval_is_not_a_managers(slack: SlackHarness, card: JsonDict) -> None:
    await slack.command("tick 3", user=REP)
    (request,) = requests_in(slack, ADMIN)
    assert requests_in(slack, MANAGER) == []

    await press(slack, request, ActionId.APPROVE, MANAGER, channel=dm_channel(ADMIN))
    assert LEGAL not in await ticked(slack) and "an admin" in said_to(slack, MANAGER)

    await press(slack, request, ActionId.APPROVE, ADMIN, channel=dm_channel(ADMIN))
    assert LEGAL in await ticked(slack)


async def test_a_channels_approval_is_answered_in_that_channel(
    slack: SlackHarness, card: JsonDict
) -> None:
    await slack.command("tick 4", user=REP)
    (request,) = requests_in(slack, DEAL_DESK)

    # The same button, clicked from elsewhere (a copy in a DM): Slack's payload says where.
    await press(slack, request, ActionId.APPROVE, REP2, channel=dm_channel(REP2))
    assert DESK not in await ticked(slack) and DEAL_DESK in said_to(slack, REP2)

    await press(slack, request, ActionId.APPROVE, REP2, channel=DEAL_DESK)
    assert DESK in await ticked(slack)
    assert (await rows(slack, ApprovalRequest))[0].answered_by == REP2
    # The request became the card for everyone in the channel: no buttons or boxes there,
    # where one person's click would change it for all (as in a deal room).
    (answered,) = slack.standin.messages(DEAL_DESK)
    assert "Exit checklist" in text_of(answered["blocks"])
    assert not [block for block in answered["blocks"] if block["type"] == "actions"]


async def test_a_named_approver_alone_answers(slack: SlackHarness, card: JsonDict) -> None:
    await slack.command("tick 5", user=REP)
    (request,) = requests_in(slack, CFO)

    await press(slack, request, ActionId.APPROVE, ADMIN, channel=dm_channel(CFO))
    assert CFO_SIGNS not in await ticked(slack) and CFO in said_to(slack, ADMIN)

    await press(slack, request, ActionId.APPROVE, CFO, channel=dm_channel(CFO))
    assert CFO_SIGNS in await ticked(slack)


async def test_a_value_naming_another_request_is_judged_on_that_request(
    slack: SlackHarness, card: JsonDict
) -> None:
    await ask_discount(slack, card)
    await slack.command("tick 3", user=REP)  # an admin's: the manager may not answer it
    (mine,) = requests_in(slack, MANAGER)
    (admins,) = requests_in(slack, ADMIN)
    block, button = find(mine["blocks"], ActionId.APPROVE)
    mine["blocks"] = [*find(admins["blocks"], ActionId.APPROVE)[:1]]  # the admin's value

    await press(slack, mine, ActionId.APPROVE, MANAGER, channel=dm_channel(MANAGER))

    assert await ticked(slack) == {} and "an admin" in said_to(slack, MANAGER)
    assert button["value"] != find(admins["blocks"], ActionId.APPROVE)[1]["value"], block


VALUES = st.one_of(
    st.text(max_size=40),
    st.integers().map(lambda n: json.dumps({"request_id": n})),
    st.sampled_from(['{"request_id": 1e400}', '{"request_id": "1"}', "[]", "null", "{}"]),
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(value=VALUES)
async def test_a_tampered_value_changes_nothing(
    slack: SlackHarness, card: JsonDict, value: str
) -> None:
    if not requests_in(slack, MANAGER):
        await ask_discount(slack, card)
        await slack.command("new Other 150k", user=REP, team="T0OTHER01")  # another workspace's
        await slack.command('tick 2="5%"', user=REP, team="T0OTHER01")
    (request,) = requests_in(slack, MANAGER)
    block, button = find(request["blocks"], ActionId.APPROVE)
    named = ApprovalRef.loads(value)
    assume(named is None or named != ApprovalRef.loads(button["value"]))  # not the real one
    forged = {
        **request,
        "blocks": [{**block, "elements": [{**block["elements"][0], "value": value}]}],
    }
    before = await kinds(slack)

    await press(slack, forged, ActionId.APPROVE, MANAGER, channel=dm_channel(MANAGER))

    mine = [r for r in await rows(slack, ApprovalRequest) if r.team_id == slack.team_id]
    assert await kinds(slack) == before and [r.status for r in mine] == ["pending"]


# -- the bodies as Slack's SDK tests have them --------------------------------------------------


async def test_approve_from_the_sdks_message_button_body(slack: SlackHarness) -> None:
    payload = sample("block_actions.message_button.json")
    approver, team = payload["user"]["id"], payload["team"]["id"]
    await make_team_in(slack, team, approver, REP)
    await slack.command("new Acme 150k", user=REP, team=team)
    await slack.command('tick 2="15%"', user=REP, team=team)
    (request,) = requests_in(slack, approver)
    block, button = find(request["blocks"], ActionId.APPROVE)
    with_action(payload, action_id=ActionId.APPROVE.value, block_id=block["block_id"])
    with_action(payload, value=button["value"])
    channel = dm_channel(approver)
    payload["channel"]["id"] = payload["container"]["channel_id"] = channel
    payload["response_url"] = slack.standin.response_url(
        channel=channel, user=approver, message_ts=request["ts"]
    )

    answer = await replay_interaction(slack, payload)

    assert answer.status == 200
    await slack.settle()
    assert (await ticked(slack))[DISCOUNT].ticked_by == REP
    assert (await rows(slack, ApprovalRequest))[0].answered_by == approver


async def test_reject_from_the_sdks_view_submission_body(slack: SlackHarness) -> None:
    payload = sample("view_submission.json")
    approver, team = payload["user"]["id"], payload["team"]["id"]
    await make_team_in(slack, team, approver, REP)
    await slack.command("new Acme 150k", user=REP, team=team)
    await slack.command('tick 2="15%"', user=REP, team=team)
    (request,) = requests_in(slack, approver)
    await press_in(slack, request, approver, team)
    modal = slack.standin.last("views.open").args["view"]

    body = as_submission_of(payload, modal, {BlockId.REASON.value: WHY}, trigger=trigger_id(2))
    answer = await replay_interaction(slack, body)

    assert answer.status == 200 and not (answer.body or {}).get("errors"), answer.body
    await slack.settle()
    (row,) = await rows(slack, ApprovalRequest)
    assert (row.status, row.answered_by, row.reason) == ("rejected", approver, WHY)


async def make_team_in(slack: SlackHarness, team: str, manager: str, rep: str) -> None:
    await slack.command(f"role <@{manager}> manager", user=ADMIN, team=team)
    added = await slack.command(f"team <@{manager}> add <@{rep}>", user=ADMIN, team=team)
    assert "now report" in added.text, added.text


async def press_in(slack: SlackHarness, request: JsonDict, user: str, team: str) -> None:
    from bot.slack_standin import button_action

    block, button = find(request["blocks"], ActionId.REJECT)
    channel = dm_channel(user)
    await slack.action(
        button_action(ActionId.REJECT, block_id=block["block_id"], value=button["value"]),
        user=user,
        team=team,
        channel_id=channel,
        message=request,
        response_url=slack.standin.response_url(channel=channel, user=user),
    )


async def test_a_request_slack_refuses_is_reported_to_the_requester(
    slack: SlackHarness, card: JsonDict
) -> None:
    slack.standin.fail_next("chat.postMessage", error="not_in_channel")

    await slack.command("tick 4", user=REP)

    assert requests_in(slack, DEAL_DESK) == []
    told = slack.standin.messages(REP)[-1]["text"]
    assert "did not reach" in told and "not_in_channel" in told and "/invite" in told
    assert [r.status for r in await rows(slack, ApprovalRequest)] == ["pending"]
