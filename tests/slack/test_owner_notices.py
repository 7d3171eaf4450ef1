"""The owner is told by DM when someone else changes their deal (issue #18, item 2): who,
what and why, for an edit, a tick or untick, a move and above all a manager's override of
their gate; several changes by the same person to the same deal within two minutes are one
DM (the first is sent, the rest are added to it); their own changes tell nobody."""

from __future__ import annotations

from typing import Any

import pytest

from bot.slack_standin import checkboxes_action, option
from bot.views.ids import ActionId, CallbackId
from storage.models import Deal
from tests.conftest import Clock
from tests.support.blockkit import find, text_of
from tests.support.harness import SlackHarness
from tests.support.slack import MANAGER, REP, REP2, click_from, deal_named, latest_card, make_team

JsonDict = dict[str, Any]


@pytest.fixture
async def acme(slack: SlackHarness) -> Deal:
    await make_team(slack, MANAGER, REP, REP2)
    await slack.command("new Acme 50k", user=REP)
    await slack.command("tick 1", user=REP)  # the rep's own: nobody is told
    await slack.command("edit amount 65k", user=REP)
    return await deal_named(slack, "Acme")


def dms(slack: SlackHarness, user: str) -> list[str]:
    """The DMs `user` has, as they read now (an updated DM reads as updated)."""
    return [text_of(message["blocks"]) for message in slack.standin.messages(user)]


async def test_the_rep_is_told_when_their_manager_overrides_their_gate(
    slack: SlackHarness, acme: Deal
) -> None:
    assert dms(slack, REP) == []  # the rep's own changes told nobody

    await slack.command("override #1 CFO agreed on the call", user=MANAGER)

    (told,) = dms(slack, REP)
    assert f"@{MANAGER} changed your deal Acme (#1)" in told
    assert "Gate overridden: moved from Qualification to Discovery" in told
    assert "CFO agreed on the call" in told  # why
    assert dms(slack, MANAGER) == []


async def test_one_edit_of_two_fields_is_one_dm(slack: SlackHarness, acme: Deal) -> None:
    await slack.command("edit #1 amount 70k close 2027-03-31", user=MANAGER)

    (told,) = dms(slack, REP)
    assert "amount: $65,000 → $70,000" in told
    assert "expected close: none → 31 Mar 2027" in told
    assert len(slack.standin.calls("chat.postMessage")) == 1


async def test_changes_within_two_minutes_are_one_dm_and_later_ones_another(
    slack: SlackHarness, acme: Deal, clock: Clock
) -> None:
    await slack.command("override #1 CFO agreed", user=MANAGER)
    clock.advance(seconds=90)
    await slack.command("edit #1 close 2027-03-31", user=MANAGER)

    (told,) = dms(slack, REP)  # the first DM, with the edit added to it
    assert "Gate overridden" in told and "expected close: none → 31 Mar 2027" in told
    assert len(slack.standin.calls("chat.postMessage")) == 1
    assert len(slack.standin.calls("chat.update")) == 1

    clock.advance(minutes=3)
    await slack.command("edit #1 amount 80k", user=MANAGER)

    first, second = dms(slack, REP)
    assert "$80,000" not in first and "amount: $65,000 → $80,000" in second
    assert "Gate overridden" not in second


async def test_another_person_changing_it_is_another_dm(slack: SlackHarness, acme: Deal) -> None:
    await slack.command("edit #1 amount 70k", user=MANAGER)
    await slack.command("role <@UADMIN> admin", user="UADMIN")
    await slack.command("edit #1 amount 75k", user="UADMIN")

    by_manager, by_admin = dms(slack, REP)
    assert f"@{MANAGER} changed" in by_manager and "@UADMIN changed" in by_admin


async def test_ticks_and_unticks_by_someone_else_are_told(slack: SlackHarness, acme: Deal) -> None:
    card = (await slack.command("show #1", user=MANAGER)).json
    block, checklist = find(card["blocks"], ActionId.EXIT_ITEMS)
    first = checklist["options"][0]
    shown = latest_card(slack, MANAGER)
    # the manager's click unticks item 1 (the selection Slack sends is now empty)
    await slack.action(
        checkboxes_action(ActionId.EXIT_ITEMS, block_id=block["block_id"], selected_options=[]),
        user=MANAGER,
        **click_from(slack, shown, MANAGER),
    )

    (told,) = dms(slack, REP)
    assert "unticked “" + first["text"]["text"].split(". ", 1)[-1][:30] in told

    await slack.action(
        checkboxes_action(
            ActionId.EXIT_ITEMS,
            block_id=block["block_id"],
            selected_options=[option(first["value"], first["text"]["text"])],
        ),
        user=MANAGER,
        **click_from(slack, latest_card(slack, MANAGER), MANAGER),
    )
    (told,) = dms(slack, REP)  # within two minutes: the same DM, now with both
    assert "unticked" in told and "ticked “" in told.replace("unticked “", "")


async def test_an_override_by_the_form_is_told(slack: SlackHarness, acme: Deal) -> None:
    metadata = '{"deal_id":1,"stage":"qualify","move":"override"}'
    reason = {"in_reason": {"in_reason": {"type": "plain_text_input", "value": "Board said go"}}}

    answer = await slack.submit(CallbackId.OVERRIDE, metadata, reason, user=MANAGER)

    assert answer.status == 200 and not (answer.body or {}).get("errors")
    (told,) = dms(slack, REP)
    assert "Gate overridden" in told and "Board said go" in told


async def test_a_deal_given_to_someone_else_tells_both_owners(
    slack: SlackHarness, acme: Deal
) -> None:
    await slack.command(f"edit #1 owner <@{REP2}>", user=MANAGER)

    (old_owner,) = dms(slack, REP)
    (new_owner,) = dms(slack, REP2)
    assert f"owner: @{REP} → @{REP2}" in old_owner and f"owner: @{REP} → @{REP2}" in new_owner


async def test_a_dm_slack_refuses_leaves_the_change_made(slack: SlackHarness, acme: Deal) -> None:
    slack.standin.fail_next("chat.postMessage", error="user_not_found")

    answer = await slack.command("edit #1 amount 70k", user=MANAGER)

    assert "amount: $65,000 → $70,000" in text_of(answer.json["blocks"])
    assert (await deal_named(slack, "Acme")).amount == 70_000
    assert dms(slack, REP) == []
