""" "Save as evidence" on an item that asks for approval (docs/approvals.md), through
signed Slack requests on both backends: the save asks the approver, as a click, the
evidence form and /deal tick do, and the approver's Approve ticks it with the message;
an approval only the deal's owner could give is refused inside the form."""

from __future__ import annotations

import pytest

from bot.core.catalog import MapCatalog
from bot.slack_standin.workspace import dm_channel
from bot.views.ids import ActionId, BlockId
from storage.approval_models import ApprovalRequest
from tests.support.approval_map import CFO, CFO_SIGNS, approval_catalog
from tests.support.approvals import press, requests_in, rows, ticked
from tests.support.blockkit import text_of
from tests.support.harness import SlackHarness
from tests.support.shortcuts import shortcut_on, submit_form
from tests.support.slack import ADMIN, REP, latest_card

SIGNED = "CFO here: signed off on the 150k, go ahead"


@pytest.fixture
def catalog() -> MapCatalog:
    return approval_catalog()


async def test_the_saved_message_asks_the_approver_who_ticks_it(slack: SlackHarness) -> None:
    await slack.command("new Acme 150k", user=REP)
    view = await shortcut_on(slack, SIGNED, user=REP)

    answer = await submit_form(slack, view, CFO_SIGNS, user=REP)

    assert answer.status == 200 and answer.body is None
    assert f"waiting for approval by @{CFO}" in text_of(latest_card(slack, REP)["blocks"])
    assert CFO_SIGNS not in await ticked(slack)
    (request,) = requests_in(slack, CFO)
    assert SIGNED in text_of(request["blocks"]) and requests_in(slack, ADMIN) == []

    await press(slack, request, ActionId.APPROVE, CFO, channel=dm_channel(CFO))

    tick = (await ticked(slack))[CFO_SIGNS]
    assert tick.ticked_by == REP and (tick.evidence or "").startswith(SIGNED)
    (row,) = await rows(slack, ApprovalRequest)
    assert (row.status, row.answered_by) == ("approved", CFO)


async def test_an_approval_only_the_owner_could_give_is_refused_in_the_form(
    slack: SlackHarness,
) -> None:
    await slack.command("new Acme 150k", user=CFO)
    view = await shortcut_on(slack, SIGNED, user=CFO)

    answer = await submit_form(slack, view, CFO_SIGNS, user=CFO)

    assert answer.json["response_action"] == "errors", answer.body
    [(block_id, error)] = answer.json["errors"].items()
    assert block_id.startswith(BlockId.SAVE_ITEM_PREFIX)
    assert f"only <@{CFO}> could" in error and "/deal override" in error
    assert await rows(slack, ApprovalRequest) == [] and await ticked(slack) == {}
    assert requests_in(slack, CFO) == []
