"""conversations.create, conversations.invite and pins.add on the stand-in, through the
real slack_sdk client: what a deal room calls, with the errors Slack answers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack_standin import SlackStandIn
from bot.slack_standin.conversation_methods import name_error
from bot.slack_standin.ids import BOT_USER_ID

REP, MANAGER = "U0REP0001", "U0MGR0001"


@pytest.fixture
def client(standin: SlackStandIn) -> AsyncWebClient:
    return AsyncWebClient(base_url=standin.api_url, token="xoxb-test")


async def refused(call: object) -> str:
    with pytest.raises(SlackApiError) as error:
        await call  # type: ignore[misc]
    return str(error.value.response["error"])


async def test_a_channel_is_made_with_the_bot_in_it(
    standin: SlackStandIn, client: AsyncWebClient
) -> None:
    made = await client.conversations_create(name="deal-acme")

    channel = made["channel"]
    assert channel["name"] == "deal-acme" and channel["id"].startswith("C")
    assert channel["is_private"] is False and channel["is_member"] is True
    assert standin.conversation(channel["id"])["members"] == [BOT_USER_ID]  # type: ignore[index]


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "invalid_name_required"),
        ("x" * 81, "invalid_name_maxlength"),
        ("Deal-Acme", "invalid_name_specials"),
        ("deal acme", "invalid_name_specials"),
        ("deal.acme", "invalid_name_specials"),
        ("müşteri", "invalid_name_specials"),
        ("--_", "invalid_name_punctuation"),
    ],
)
async def test_names_slack_refuses(client: AsyncWebClient, name: str, error: str) -> None:
    assert await refused(client.conversations_create(name=name)) == error


async def test_a_taken_name_is_refused(standin: SlackStandIn, client: AsyncWebClient) -> None:
    standin.add_channel("deal-acme")

    assert await refused(client.conversations_create(name="deal-acme")) == "name_taken"
    assert (await client.conversations_create(name="deal-acme-2"))["ok"]


async def test_invitations(standin: SlackStandIn, client: AsyncWebClient) -> None:
    channel = (await client.conversations_create(name="deal-acme"))["channel"]["id"]

    await client.conversations_invite(channel=channel, users=f"{REP},{MANAGER}")

    assert standin.conversation(channel)["members"] == [BOT_USER_ID, REP, MANAGER]  # type: ignore[index]
    invite = client.conversations_invite
    assert await refused(invite(channel=channel, users=REP)) == "already_in_channel"
    assert await refused(invite(channel=channel, users=BOT_USER_ID)) == "cant_invite_self"
    assert await refused(invite(channel=channel, users="nobody")) == "user_not_found"
    assert await refused(invite(channel=channel, users="")) == "no_user"
    assert await refused(invite(channel="C0NOWHERE", users=REP)) == "channel_not_found"
    # the bot is not in a channel someone else made
    elsewhere = standin.add_channel("general-chat")
    assert await refused(invite(channel=elsewhere, users=REP)) == "not_in_channel"


async def test_pins(standin: SlackStandIn, client: AsyncWebClient) -> None:
    channel = (await client.conversations_create(name="deal-acme"))["channel"]["id"]
    ts = (await client.chat_postMessage(channel=channel, text="the card"))["ts"]

    await client.pins_add(channel=channel, timestamp=ts)

    assert standin.conversation(channel)["pins"] == [ts]  # type: ignore[index]
    assert await refused(client.pins_add(channel=channel, timestamp=ts)) == "already_pinned"
    assert await refused(client.pins_add(channel=channel, timestamp="1.000001")) == (
        "message_not_found"
    )
    assert await refused(client.pins_add(channel=channel)) == "no_item_specified"


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=80))
def test_names_of_slacks_alphabet_pass_unless_all_punctuation(name: str) -> None:
    expected = "invalid_name_punctuation" if not name.strip("-_") else None
    assert name_error(name) == expected
