"""The Slack stand-in that `stagecoach shell` runs the app against, driven by the real
slack_sdk client: it keeps messages, ephemerals, modals, App Home and files as Slack does,
refuses what Slack would refuse, and its payload builders send what Slack sends."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.slack_standin import (
    COMMAND_ACK,
    FILE_UPLOAD,
    RESPONSE_URL,
    JsonDict,
    SlackStandIn,
    block_actions_payload,
    button_action,
    checkboxes_action,
    event_callback,
    form_fields,
    new_trigger_id,
    option,
    overflow_action,
    slash_command_body,
    view_submission_payload,
)

TEAM, CHANNEL, REP = "T0STAGE01", "C0DEALS01", "U0REP0001"
PAYLOADS = Path(__file__).resolve().parents[2].parent / "shared" / "slack" / "payloads"


@pytest.fixture
def slack(standin: SlackStandIn) -> SlackStandIn:
    """Here `slack` is the stand-in itself (tests/support/slack.py starts it), not the app."""
    return standin


@pytest.fixture
def client(slack: SlackStandIn) -> AsyncWebClient:
    return AsyncWebClient(base_url=slack.api_url, token="xoxb-test")


def section(text: str, **extra: Any) -> JsonDict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def button(action_id: str, text: str = "Advance", **extra: Any) -> JsonDict:
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": text},
        **extra,
    }


def checkboxes(count: int) -> JsonDict:
    options = [
        {"text": {"type": "mrkdwn", "text": f"item {n}"}, "value": str(n)} for n in range(count)
    ]
    return {"type": "checkboxes", "action_id": "exit_items", "options": options}


def stage_card() -> list[JsonDict]:
    """A realistic card at the limits: 10 checkboxes, buttons, an overflow menu."""
    overflow = {
        "type": "overflow",
        "action_id": "more",
        "options": [option("lose", "Lose"), option("nurture", "Nurture")],
    }
    return [
        {"type": "header", "text": {"type": "plain_text", "text": "Acme · Discovery"}},
        section("*Entry:* a qualified need", accessory=overflow),
        {"type": "divider"},
        {"type": "actions", "block_id": "exit", "elements": [checkboxes(10)]},
        {
            "type": "actions",
            "block_id": "buttons",
            "elements": [button("advance"), button("playbook", "Playbook")],
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "3 days in stage"}]},
    ]


# -- recording and state -------------------------------------------------------------------


async def test_post_message_is_recorded_and_kept(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    answer = await client.chat_postMessage(channel=CHANNEL, text="Acme moved", blocks=stage_card())

    call = slack.last("chat.postMessage")
    assert call.token == "xoxb-test" and call.ok
    assert call.args["channel"] == CHANNEL and call.args["blocks"][0]["type"] == "header"
    assert answer["channel"] == CHANNEL and answer["message"]["text"] == "Acme moved"
    [kept] = slack.messages(CHANNEL)
    assert kept["ts"] == answer["ts"] and kept["bot_id"]
    assert all(block["block_id"] for block in kept["blocks"])  # Slack fills missing block ids
    slack.assert_clean()


async def test_form_encoded_blocks_arrive_decoded(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    blocks = json.dumps([section("hello")])
    await client.api_call(
        "chat.postMessage", data={"channel": CHANNEL, "text": "hi", "blocks": blocks}
    )

    assert slack.last("chat.postMessage").args["blocks"] == [section("hello")]
    assert slack.messages(CHANNEL)[0]["blocks"][0]["text"]["text"] == "hello"


async def test_a_call_without_a_token_is_not_authed(slack: SlackStandIn) -> None:
    with pytest.raises(SlackApiError) as refused:
        await AsyncWebClient(base_url=slack.api_url).chat_postMessage(channel=CHANNEL, text="x")
    assert refused.value.response["error"] == "not_authed"


async def test_posting_to_a_user_lands_in_their_dm(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    opened = await client.conversations_open(users=REP)
    await client.chat_postMessage(channel=REP, text="Welcome aboard")

    assert slack.messages(opened["channel"]["id"])[0]["text"] == "Welcome aboard"
    assert slack.messages(REP) == slack.messages(opened["channel"]["id"])


async def test_users_info_gives_time_zones(slack: SlackStandIn, client: AsyncWebClient) -> None:
    slack.add_user(REP, name="ayse", tz="Europe/Istanbul")

    user = (await client.users_info(user=REP))["user"]
    assert user["tz"] == "Europe/Istanbul" and user["tz_offset"] == 3 * 3600
    assert (await client.users_info(user="U0SOMEONE"))["user"]["tz"] == "UTC"


# -- what Slack would refuse ---------------------------------------------------------------

Call = Callable[[AsyncWebClient], Awaitable[Any]]


def post(blocks: list[JsonDict], text: str | None = "fallback") -> Call:
    return lambda client: client.chat_postMessage(channel=CHANNEL, text=text, blocks=blocks)


def modal(blocks: list[JsonDict], title: str = "New deal", **extra: Any) -> Call:
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": blocks,
        **extra,
    }
    return lambda client: client.views_open(trigger_id=new_trigger_id(), view=view)


def home(blocks: list[JsonDict]) -> Call:
    return lambda client: client.views_publish(user_id=REP, view={"type": "home", "blocks": blocks})


def actions(*elements: JsonDict, **extra: Any) -> JsonDict:
    return {"type": "actions", "elements": list(elements), **extra}


def header(text: str, kind: str = "plain_text") -> JsonDict:
    return {"type": "header", "text": {"type": kind, "text": text}}


def input_block() -> JsonDict:
    element = {"type": "plain_text_input", "action_id": "name"}
    return {"type": "input", "label": {"type": "plain_text", "text": "Name"}, "element": element}


REJECTIONS: dict[str, tuple[Call, str, str]] = {
    "51 blocks in a message": (post([section("x")] * 51), "invalid_blocks", "too_many_blocks"),
    "101 blocks in a modal": (modal([section("x")] * 101), "invalid_arguments", "too_many_blocks"),
    "101 blocks in App Home": (home([section("x")] * 101), "invalid_arguments", "too_many_blocks"),
    "11 checkbox options": (post([actions(checkboxes(11))]), "invalid_blocks", "too_many_options"),
    "section text over 3000": (post([section("x" * 3001)]), "invalid_blocks", "text_too_long"),
    "header text over 150": (post([header("x" * 151)]), "invalid_blocks", "text_too_long"),
    "mrkdwn header": (post([header("*Acme*", "mrkdwn")]), "invalid_blocks", "plain_text_required"),
    "button text over 75": (
        post([actions(button("go", "x" * 76))]),
        "invalid_blocks",
        "text_too_long",
    ),
    "mrkdwn button": (
        post([actions({**button("go"), "text": {"type": "mrkdwn", "text": "*Go*"}})]),
        "invalid_blocks",
        "plain_text_required",
    ),
    "action_id over 255": (
        post([actions(button("a" * 256))]),
        "invalid_blocks",
        "action_id_too_long",
    ),
    "block_id over 255": (
        post([section("x", block_id="b" * 256)]),
        "invalid_blocks",
        "block_id_too_long",
    ),
    "duplicate action_id in a block": (
        post([actions(button("go"), button("go", "Again"))]),
        "invalid_blocks",
        "duplicate_action_id",
    ),
    "duplicate block_id in a message": (
        post([section("a", block_id="card"), section("b", block_id="card")]),
        "invalid_blocks",
        "duplicate_block_id",
    ),
    "blocks without fallback text": (
        post([section("x")], text=None),
        "no_text",
        "missing_fallback_text",
    ),
    "ephemeral blocks without fallback text": (
        lambda client: client.chat_postEphemeral(channel=CHANNEL, user=REP, blocks=[section("x")]),
        "no_text",
        "missing_fallback_text",
    ),
    "neither text nor blocks": (
        lambda client: client.chat_postMessage(channel=CHANNEL),
        "no_text",
        "no_text",
    ),
    "text over 40000": (post([], text="x" * 40_001), "msg_too_long", "msg_too_long"),
    "unknown block type": (post([{"type": "table"}]), "invalid_blocks", "unknown_block_type"),
    "empty section text": (post([section("")]), "invalid_blocks", "empty_text"),
    "modal title over 24": (
        modal([section("x")], title="x" * 25),
        "invalid_arguments",
        "text_too_long",
    ),
    "modal input without submit": (modal([input_block()]), "invalid_arguments", "submit_required"),
    "view over 250 kB": (
        home([section("x" * 2900)] * 90),
        "view_too_large",
        "view_too_large",
    ),
}


@pytest.mark.filterwarnings("ignore::UserWarning")  # slack_sdk warns about missing text too
@pytest.mark.parametrize(("call", "error", "rule"), REJECTIONS.values(), ids=REJECTIONS.keys())
async def test_slack_would_refuse(
    slack: SlackStandIn, client: AsyncWebClient, call: Call, error: str, rule: str
) -> None:
    with pytest.raises(SlackApiError) as refused:
        await call(client)

    assert refused.value.response["error"] == error
    assert rule in {violation.rule for violation in slack.violations}
    assert slack.messages(CHANNEL) == [] and slack.open_views == [] and slack.home(REP) is None
    with pytest.raises(AssertionError, match=rule):
        slack.assert_clean()


async def test_update_without_fallback_text_is_refused(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel=CHANNEL, text="card", blocks=[section("v1")])
    with pytest.warns(UserWarning), pytest.raises(SlackApiError) as refused:
        await client.chat_update(channel=CHANNEL, ts=posted["ts"], blocks=[section("v2")])
    assert refused.value.response["error"] == "no_text"
    assert slack.messages(CHANNEL)[0]["blocks"][0]["text"]["text"] == "v1"


async def test_valid_surfaces_pass_clean(slack: SlackStandIn, client: AsyncWebClient) -> None:
    await client.chat_postMessage(channel=CHANNEL, text="Acme · Discovery", blocks=stage_card())
    await client.chat_postEphemeral(channel=CHANNEL, user=REP, text="Acme", blocks=stage_card())
    await modal([input_block()], submit={"type": "plain_text", "text": "Create"})(client)
    await home([section(f"deal {n}") for n in range(96)])(client)  # fine in App Home only

    slack.assert_clean()
    assert len(slack.home(REP)["blocks"]) == 96  # type: ignore[index]


# -- ephemeral messages and response URLs --------------------------------------------------


async def test_chat_update_cannot_touch_an_ephemeral(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    sent = await client.chat_postEphemeral(channel=CHANNEL, user=REP, text="Acme card")

    for attempt in (
        client.chat_update(channel=CHANNEL, ts=sent["message_ts"], text="changed"),
        client.chat_delete(channel=CHANNEL, ts=sent["message_ts"]),
    ):
        with pytest.raises(SlackApiError) as refused:
            await attempt
        assert refused.value.response["error"] == "message_not_found"
    assert [m["text"] for m in slack.ephemerals(REP)] == ["Acme card"]
    slack.assert_clean()  # a missing message is Slack's answer, not a rule broken


async def test_chat_update_keeps_blocks_it_was_not_sent(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel=CHANNEL, text="v1", blocks=[section("card")])
    updated = await client.chat_update(channel=CHANNEL, ts=posted["ts"], text="v2")

    [kept] = slack.messages(CHANNEL)
    assert updated["ts"] == posted["ts"] == kept["ts"]
    assert kept["text"] == "v2" and kept["blocks"][0]["text"]["text"] == "card" and kept["edited"]


async def test_response_url_replaces_then_deletes_an_ephemeral(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    sent = await client.chat_postEphemeral(channel=CHANNEL, user=REP, text="2 of 5 ticked")
    url = slack.response_url(channel=CHANNEL, user=REP, message_ts=sent["message_ts"])
    webhook = AsyncWebhookClient(url)

    replaced = await webhook.send(
        text="3 of 5 ticked", blocks=[section("3 of 5")], replace_original=True
    )
    assert replaced.status_code == 200 and json.loads(replaced.body) == {"ok": True}
    [shown] = slack.ephemerals(REP)
    assert (shown["ts"], shown["text"], shown["channel"]) == (
        sent["message_ts"],
        "3 of 5 ticked",
        CHANNEL,
    )
    assert slack.messages(CHANNEL) == []  # still private

    await webhook.send_dict({"delete_original": True})
    assert slack.ephemerals(REP) == []
    assert [c.args.get("replace_original") for c in slack.calls(RESPONSE_URL)] == [True, None]


async def test_response_url_posts_ephemeral_unless_in_channel(slack: SlackStandIn) -> None:
    url = slack.response_url(channel=CHANNEL, user=REP)
    webhook = AsyncWebhookClient(url)

    await webhook.send(text="only you see this")
    await webhook.send(text="everyone sees this", response_type="in_channel")
    await webhook.send(text="replaces the first", replace_original=True)

    assert [m["text"] for m in slack.ephemerals(REP)] == ["replaces the first"]
    assert [m["text"] for m in slack.messages(CHANNEL)] == ["everyone sees this"]


async def test_response_url_works_five_times(slack: SlackStandIn) -> None:
    webhook = AsyncWebhookClient(slack.response_url(channel=CHANNEL, user=REP))
    statuses = [(await webhook.send(text=f"try {n}")).status_code for n in range(6)]

    assert statuses == [200] * 5 + [404]
    assert slack.last(RESPONSE_URL).response["error"] == "used_url"


async def test_a_command_ack_shows_as_its_response_url_would(slack: SlackStandIn) -> None:
    url = slack.response_url(channel=CHANNEL, user=REP)

    assert slack.deliver_command_ack(url, None) is None
    assert slack.deliver_command_ack(url, {"text": "card", "blocks": [section("x")]}) == {
        "ok": True
    }
    slack.deliver_command_ack(url, {"text": "moved", "response_type": "in_channel"})

    assert [m["text"] for m in slack.ephemerals(REP)] == ["card"]
    assert [m["text"] for m in slack.messages(CHANNEL)] == ["moved"]
    assert len(slack.calls(COMMAND_ACK)) == 2


# -- modals and App Home -------------------------------------------------------------------


async def test_modal_stack_open_push_update(slack: SlackStandIn, client: AsyncWebClient) -> None:
    trigger = new_trigger_id()
    opened = (await client.views_open(trigger_id=trigger, view=modal_view("New deal")))["view"]
    pushed = (await client.views_push(trigger_id=new_trigger_id(), view=modal_view("Owner")))[
        "view"
    ]
    updated = await client.views_update(
        view_id=pushed["id"], hash=pushed["hash"], view=modal_view("Owner?")
    )

    assert pushed["root_view_id"] == opened["id"] and pushed["previous_view_id"] == opened["id"]
    assert [v["title"]["text"] for v in slack.open_views] == ["New deal", "Owner?"]
    assert updated["view"]["id"] == pushed["id"] and updated["view"]["hash"] != pushed["hash"]
    for stale in (
        client.views_update(view_id=pushed["id"], hash=pushed["hash"], view=modal_view("x")),
        client.views_update(view_id="V0NOPE", view=modal_view("x")),
        client.views_open(trigger_id=trigger, view=modal_view("again")),
    ):
        with pytest.raises(SlackApiError) as refused:
            await stale
        assert refused.value.response["error"] in {
            "hash_conflict",
            "not_found",
            "exchanged_trigger_id",
        }

    slack.close_view(opened["id"])
    assert slack.open_views == []


def modal_view(title: str) -> JsonDict:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": [section("x")],
    }


async def test_app_home_is_kept_per_user(slack: SlackStandIn, client: AsyncWebClient) -> None:
    first = await client.views_publish(
        user_id=REP, view={"type": "home", "blocks": [section("v1")]}
    )
    again = await client.views_publish(
        user_id=REP, view={"type": "home", "blocks": [section("v2")]}
    )

    assert first["view"]["id"] == again["view"]["id"]
    assert slack.home(REP)["blocks"][0]["text"]["text"] == "v2"  # type: ignore[index]
    assert slack.home("U0OTHER") is None


# -- files v2 ------------------------------------------------------------------------------


async def test_files_upload_v2_end_to_end(slack: SlackStandIn, client: AsyncWebClient) -> None:
    png = b"\x89PNG\r\n\x1a\n funnel"

    answer = await client.files_upload_v2(
        content=png,
        filename="funnel.png",
        title="Funnel",
        channel=CHANNEL,
        initial_comment="Weekly",
    )

    [uploaded] = slack.uploaded_files()
    assert answer["file"]["id"] == uploaded.id and uploaded.content == png
    assert answer["file"]["mimetype"] == "image/png" and answer["file"]["title"] == "Funnel"
    [shared] = slack.messages(CHANNEL)
    assert shared["text"] == "Weekly" and shared["files"][0]["id"] == uploaded.id
    methods = [c.method for c in slack.calls()]
    assert methods == ["files.getUploadURLExternal", FILE_UPLOAD, "files.completeUploadExternal"]


async def test_completing_an_upload_that_never_came_fails(client: AsyncWebClient) -> None:
    announced = await client.files_getUploadURLExternal(filename="x.png", length=3)

    with pytest.raises(SlackApiError) as refused:
        await client.files_completeUploadExternal(
            files=[{"id": announced["file_id"], "title": "x"}]
        )
    assert refused.value.response["error"] == "file_not_found"


# -- payload builders: Slack's shapes --------------------------------------------------

needs_samples = pytest.mark.skipif(
    not PAYLOADS.is_dir(), reason=f"Slack payload samples not found at {PAYLOADS}"
)


def sample(name: str) -> JsonDict:
    loaded: JsonDict = json.loads((PAYLOADS / name).read_text())
    return loaded


@needs_samples
def test_slash_command_has_every_field_slack_sends() -> None:
    url = "https://hooks.slack.com/commands/T/1/x"
    body = slash_command_body(
        "tick 1 2", user_id=REP, team_id=TEAM, channel_id=CHANNEL, response_url=url
    )
    fields = form_fields(body)

    enterprise_only = {"enterprise_id", "enterprise_name"}
    assert set(fields) == set(sample("shapes/SlashCommandPayload.json")) - enterprise_only
    assert (
        fields["command"] == "/deal"
        and fields["text"] == "tick 1 2"
        and fields["response_url"] == url
    )
    assert fields["is_enterprise_install"] == "false"
    real_form = form_fields((PAYLOADS / "slash_command.form.txt").read_text().strip())
    assert set(real_form) - enterprise_only <= set(fields)


@needs_samples
def test_block_actions_mirror_the_real_capture() -> None:
    real = sample("block_actions_checkboxes.json")
    picked = [option("apple", "*juicy apple*", mrkdwn=True)]
    tick = checkboxes_action("select_options", block_id="checkboxes", selected_options=picked)
    in_channel = block_actions_payload(
        tick, user_id=REP, team_id=TEAM, channel_id=CHANNEL, message=real["message"]
    )
    ephemeral = block_actions_payload(
        tick, user_id=REP, team_id=TEAM, channel_id=CHANNEL, message_ts="1.2", is_ephemeral=True
    )

    assert set(in_channel) == set(real) and set(in_channel["container"]) == set(real["container"])
    assert (
        set(ephemeral) == set(real) - {"message"} and ephemeral["container"]["is_ephemeral"] is True
    )
    assert set(in_channel["actions"][0]) == set(real["actions"][0])
    assert ephemeral["state"] == {"values": {"checkboxes": real["state"]["values"]["checkboxes"]}}


def test_button_and_overflow_actions() -> None:
    click = button_action("advance", block_id="buttons", value="deal:42")
    more = overflow_action("more", block_id="card", selected_option=option("lose", "Lose"))
    message = {"type": "message", "ts": "1767225601.000001", "text": "card"}

    payload = block_actions_payload(
        click, user_id=REP, team_id=TEAM, channel_id=CHANNEL, message=message
    )
    assert (
        payload["container"]["message_ts"] == message["ts"]
        and payload["actions"][0]["value"] == "deal:42"
    )
    assert more["selected_option"]["value"] == "lose"
    with pytest.raises(ValueError, match="message"):
        block_actions_payload(
            click, user_id=REP, team_id=TEAM, channel_id=CHANNEL, message_ts="1.2"
        )


@needs_samples
def test_view_submission_and_event_mirror_the_real_samples() -> None:
    real = sample("view_submission.json")
    values = {"deal": {"name": {"type": "plain_text_input", "value": "Acme"}}}
    submitted = view_submission_payload(
        "new_deal", '{"map": "b2b"}', values, user_id=REP, team_id=TEAM
    )
    real_event = sample("app_home_opened.event_callback.json")
    envelope = event_callback(real_event["event"], team_id=TEAM, event_id="Ev1")

    assert set(submitted) == set(real) and set(submitted["view"]) == set(real["view"])
    assert submitted["view"]["state"]["values"] == values
    # The sample is an org-wide install; a workspace install has no enterprise_id.
    assert set(envelope) == set(real_event) - {"enterprise_id"} and envelope["event_id"] == "Ev1"
