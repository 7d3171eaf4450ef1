"""Deal rooms (issue #20, item 3): `/deal room` makes a channel for the deal, invites its
owner and whoever asked, binds the deal to it and pins its card; each later stage change
is posted there. Signed requests into the real app, the stand-in playing Slack."""

from __future__ import annotations

from typing import Any

import pytest

from bot.slack_standin.ids import BOT_USER_ID
from bot.views.ids import CallbackId
from storage import room_queries
from storage.models import Deal
from tests.support.blockkit import text_of
from tests.support.harness import SlackHarness
from tests.support.slack import MANAGER, REP, REP2, deal_named, make_team

JsonDict = dict[str, Any]


@pytest.fixture
async def acme(slack: SlackHarness) -> Deal:
    await make_team(slack, MANAGER, REP)
    await slack.command("new Acme Corp 50k", user=REP)
    return await deal_named(slack, "Acme Corp")


def said(slack: SlackHarness, user: str) -> str:
    """Everything the user was shown privately, as text (the reply made after the
    acknowledgement may reach the stand-in before the acknowledgement itself does)."""
    return "\n".join(text_of(shown.get("blocks") or []) for shown in slack.standin.ephemerals(user))


def room_id(slack: SlackHarness) -> str:
    made = [call for call in slack.standin.calls("conversations.create") if call.ok]
    assert len(made) == 1, [call.response for call in slack.standin.calls("conversations.create")]
    return str(made[0].response["channel"]["id"])


async def test_the_room_is_made_bound_and_pinned_with_owner_and_asker_in_it(
    slack: SlackHarness, acme: Deal
) -> None:
    asked = await slack.command("room #1", user=MANAGER)

    assert "Making #deal-acme-corp for Acme Corp" in asked.text
    channel = room_id(slack)
    room = slack.standin.conversation(channel)
    assert room is not None and room["name"] == "deal-acme-corp"
    assert room["members"] == [BOT_USER_ID, REP, MANAGER]  # the owner, then who asked
    assert (await deal_named(slack, "Acme Corp")).channel_id == channel
    (card,) = slack.standin.messages(channel)
    assert room["pins"] == [card["ts"]]
    assert "Acme Corp · Qualification" in text_of(card["blocks"])
    assert not [block for block in card["blocks"] if block["type"] == "actions"]
    assert f"#{channel} is Acme Corp's room" in said(slack, MANAGER)  # a link to it
    # commands in the room need no deal name: it is bound
    shown = await slack.command("show", user=REP, channel=channel)
    assert "Acme Corp" in str(shown.json["blocks"][0])


async def test_later_stage_changes_are_posted_in_the_room(slack: SlackHarness, acme: Deal) -> None:
    await slack.command("room #1", user=REP)
    channel = room_id(slack)
    assert slack.standin.conversation(channel)["members"] == [BOT_USER_ID, REP]  # type: ignore[index]

    await slack.command("override #1 CFO agreed on the call", user=MANAGER)

    pinned, moved = slack.standin.messages(channel)
    assert f"<@{MANAGER}>" in moved["text"] or MANAGER in text_of(moved["blocks"])
    assert "Gate overridden: moved from Qualification to Discovery" in text_of(moved["blocks"])
    assert "Acme Corp · Discovery" in text_of(pinned["blocks"])  # the pinned card, updated
    await slack.command("lose #1 Price too high", user=REP)
    lost = text_of(slack.standin.messages(channel)[-1]["blocks"])
    assert f"@{REP}: ⛔ Marked lost at Discovery: Price too high" in lost


async def test_a_move_from_a_form_is_posted_in_the_room(slack: SlackHarness, acme: Deal) -> None:
    await slack.command("room #1", user=REP)
    metadata = '{"deal_id":1,"stage":"qualify","move":"override"}'
    reason = {"in_reason": {"in_reason": {"type": "plain_text_input", "value": "Board said go"}}}

    await slack.submit(CallbackId.OVERRIDE, metadata, reason, user=MANAGER)

    moved = text_of(slack.standin.messages(room_id(slack))[-1]["blocks"])
    assert "Gate overridden" in moved and "Board said go" in moved


async def test_a_deal_without_a_room_posts_nowhere(slack: SlackHarness, acme: Deal) -> None:
    await slack.command("override #1 CFO agreed", user=MANAGER)

    assert slack.standin.calls("chat.update") == []
    assert [call.args["channel"] for call in slack.standin.calls("chat.postMessage")] == [REP]


async def test_a_second_room_command_links_the_first(slack: SlackHarness, acme: Deal) -> None:
    await slack.command("room #1", user=REP)
    channel = room_id(slack)

    again = await slack.command("room acme", user="UADMIN")

    assert "Acme Corp has its room already: #deal-acme-corp" in again.text
    assert f"<#{channel}>" in str(again.json["blocks"])  # a link to it
    assert len(slack.standin.calls("conversations.create")) == 1


async def test_a_taken_name_is_tried_with_a_number(slack: SlackHarness, acme: Deal) -> None:
    slack.standin.add_channel("deal-acme-corp")
    slack.standin.add_channel("deal-acme-corp-2")

    await slack.command("room #1", user=REP)

    tried = [call.args["name"] for call in slack.standin.calls("conversations.create")]
    assert tried == ["deal-acme-corp", "deal-acme-corp-2", "deal-acme-corp-3"]
    assert slack.standin.conversation(room_id(slack))["name"] == "deal-acme-corp-3"  # type: ignore[index]


async def test_every_name_taken_keeps_nothing(slack: SlackHarness, acme: Deal) -> None:
    for name in ("deal-acme-corp", *(f"deal-acme-corp-{n}" for n in range(2, 6))):
        slack.standin.add_channel(name)

    await slack.command("room #1", user=REP)

    told = said(slack, REP)
    assert "no room was made for Acme Corp: every name tried is taken" in told
    assert "#deal-acme-corp-5" in told and "rename the deal with /deal edit" in told
    assert await _room_row(slack, acme) is None
    assert (await deal_named(slack, "Acme Corp")).channel_id is None


@pytest.mark.parametrize(
    ("error", "words"),
    [
        ("restricted_action", "this workspace does not let the app make channels"),
        ("missing_scope", "the app lacks the channels:manage scope"),
        ("invalid_name_specials", "Slack refused the name #deal-acme-corp"),
    ],
)
async def test_slack_refusing_the_channel_says_why_and_keeps_nothing(
    slack: SlackHarness, acme: Deal, error: str, words: str
) -> None:
    slack.standin.fail_next("conversations.create", error=error)

    await slack.command("room #1", user=REP)

    assert words in said(slack, REP)
    assert await _room_row(slack, acme) is None
    await slack.command("room #1", user=REP)  # tried again: made this time
    assert slack.standin.conversation(room_id(slack)) is not None


async def test_an_invitation_or_pin_refused_is_said_and_the_room_counts(
    slack: SlackHarness, acme: Deal
) -> None:
    slack.standin.fail_next("conversations.invite", error="user_is_restricted")
    slack.standin.fail_next("pins.add", error="permission_denied")

    await slack.command("room #1", user=MANAGER)

    told = said(slack, MANAGER)
    assert f"@{REP} could not be invited (`user_is_restricted`)" in told
    assert "the card could not be pinned (`permission_denied`)" in told
    assert f"Invited: @{MANAGER}\n" in told
    again = await slack.command("room #1", user=MANAGER)
    assert "has its room already" in again.text


async def test_only_the_owner_their_manager_or_an_admin_may(
    slack: SlackHarness, acme: Deal
) -> None:
    refused = await slack.command("room #1", user=REP2)

    assert "only the deal's owner" in refused.text
    assert slack.standin.calls("conversations.create") == []
    assert await _room_row(slack, acme) is None


async def _room_row(slack: SlackHarness, deal: Deal) -> object:
    assert deal.id is not None
    async with slack.services.db.read() as session:
        return await room_queries.room(session, deal_id=deal.id)


async def test_another_deal_cannot_be_bound_to_a_room(slack: SlackHarness, acme: Deal) -> None:
    await slack.command("room #1", user=REP)
    channel = room_id(slack)
    await slack.command("new Beta 10k", user=REP)

    refused = await slack.command("bind beta", user=REP, channel=channel)

    assert "this channel is the deal room of Acme Corp: Beta cannot be bound here" in refused.text
    assert "/deal room #2" in refused.text
    assert (await deal_named(slack, "Acme Corp")).channel_id == channel
    assert (await deal_named(slack, "Beta")).channel_id is None
    again = await slack.command("bind acme", user=REP, channel=channel)  # its own room: fine
    assert "Acme Corp is now bound to this channel" in again.text
