"""A handoff of a deal that has a room (issue #20, items 1 and 3): the team's channel gets
the handoff, and the room gets the same message, whose Accept works like the original's
(both copies then say who holds the deal). Signed requests, both backends."""

from __future__ import annotations

from typing import Any

from bot.core.catalog import MapCatalog
from bot.slack_standin import button_action
from bot.views.ids import ActionId
from tests.slack.test_handoffs import IMPL, catalog, owners, the_handoff  # noqa: F401  (fixtures)
from tests.support.blockkit import find, has, text_of
from tests.support.harness import SlackHarness
from tests.support.slack import REP, REP2, latest_card

JsonDict = dict[str, Any]


def handoffs(slack: SlackHarness, channel: str) -> list[JsonDict]:
    return [m for m in slack.standin.messages(channel) if has(m["blocks"], ActionId.HANDOFF_ACCEPT)]


async def room_of_acme(slack: SlackHarness) -> str:
    await slack.command("new Acme 50k", user=REP)
    await slack.command("room", user=REP)
    (made,) = [call for call in slack.standin.calls("conversations.create") if call.ok]
    return str(made.response["channel"]["id"])


async def test_the_room_gets_the_handoff_too_and_accept_there_holds_the_deal(
    slack: SlackHarness,
    catalog: MapCatalog,  # noqa: F811
    owners: None,  # noqa: F811
) -> None:
    room = await room_of_acme(slack)
    await slack.command("tick 1 2=40k EUR", user=REP)
    await slack.command("advance", user=REP)

    (in_team,) = handoffs(slack, IMPL)
    (in_room,) = handoffs(slack, room)
    assert text_of(in_room["blocks"]) == text_of(in_team["blocks"])
    assert "Handoff to Implementation: Acme moved from Discovery to Proposal" in text_of(
        in_room["blocks"]
    )

    block, pressed = find(in_room["blocks"], ActionId.HANDOFF_ACCEPT)
    await slack.action(
        button_action(ActionId.HANDOFF_ACCEPT, block_id=block["block_id"], value=pressed["value"]),
        user=REP2,
        channel_id=room,
        message=in_room,
        message_ts=in_room["ts"],
        response_url=slack.standin.response_url(channel=room, user=REP2, message_ts=in_room["ts"]),
    )

    assert (await the_handoff(slack)).accepted_by == REP2
    pinned = slack.standin.messages(room)[0]  # the room's card, kept current
    assert slack.standin.conversation(room)["pins"] == [pinned["ts"]]  # type: ignore[index]
    assert f"Implementation · held by @{REP2}" in text_of(pinned["blocks"])
    for channel in (IMPL, room):  # neither copy offers Accept any more; both say who holds it
        assert handoffs(slack, channel) == []
        held = [m for m in slack.standin.messages(channel) if "holds Acme" in text_of(m["blocks"])]
        assert len(held) == 1 and f"@{REP2} holds Acme for Implementation" in text_of(
            held[0]["blocks"]
        )


async def test_a_deal_without_a_room_posts_its_handoff_in_the_team_channel_only(
    slack: SlackHarness,
    catalog: MapCatalog,  # noqa: F811
    owners: None,  # noqa: F811
) -> None:
    await slack.command("new Acme 50k", user=REP)
    await slack.command("tick 1 2=40k EUR", user=REP)
    await slack.command("advance", user=REP)
    posted = [call.args["channel"] for call in slack.standin.calls("chat.postMessage") if call.ok]
    assert posted.count(IMPL) == 1 and len(handoffs(slack, IMPL)) == 1
    assert slack.standin.calls("conversations.create") == []


async def test_who_handed_the_deal_over_cannot_accept_it_for_the_other_team(
    slack: SlackHarness,
    catalog: MapCatalog,  # noqa: F811
    owners: None,  # noqa: F811
) -> None:
    room = await room_of_acme(slack)
    await slack.command("tick 1 2=40k EUR", user=REP)
    await slack.command("advance", user=REP)
    (in_room,) = handoffs(slack, room)

    block, pressed = find(in_room["blocks"], ActionId.HANDOFF_ACCEPT)
    url = slack.standin.response_url(channel=room, user=REP, message_ts=in_room["ts"])
    await slack.action(
        button_action(ActionId.HANDOFF_ACCEPT, block_id=block["block_id"], value=pressed["value"]),
        user=REP,
        channel_id=room,
        message=in_room,
        message_ts=in_room["ts"],
        response_url=url,
    )

    assert (await the_handoff(slack)).accepted_by is None
    assert len(handoffs(slack, room)) == 1 and len(handoffs(slack, IMPL)) == 1  # still open
    said = latest_card(slack, REP)["text"]
    assert "you handed Acme to Implementation: someone in Implementation accepts it" in said
