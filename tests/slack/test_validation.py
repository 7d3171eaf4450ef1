"""Manager-validated items (`validate: manager`), through signed Slack requests: the rep's
tick and evidence wait; the manager gets a DM with Validate and Send back; the card says
"awaiting validation" and the gate counts the item only once validated; a send-back asks
what is missing, unticks the item and tells the rep."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlmodel import select

from bot.core.catalog import MapCatalog
from bot.digests.compose import compose_digest
from bot.digests.content import Digest
from bot.slack_standin import button_action, checkboxes_action, option
from bot.slack_standin.workspace import dm_channel
from bot.views.digest import digest_message
from bot.views.ids import ActionId, BlockId, CallbackId
from storage.digest_models import DigestSubscription
from storage.models import ExitTick
from tests.support.blockkit import find, has, text_of
from tests.support.harness import SlackHarness
from tests.support.slack import ADMIN, MANAGER, REP, REP2, click_from, latest_card
from tests.support.typed_map import SIGNED_OFF, typed_catalog

JsonDict = dict[str, Any]
VALUE = "Maria signed it off at list price"


@pytest.fixture
def catalog() -> MapCatalog:
    return typed_catalog()


@pytest.fixture
async def card(slack: SlackHarness) -> JsonDict:
    await slack.command(f"role <@{MANAGER}> manager", user=ADMIN)
    await slack.command(f"team <@{MANAGER}> add <@{REP}>", user=ADMIN)
    await slack.command("new Acme 50k", user=REP)
    return latest_card(slack, REP)


async def tick_signed_off(slack: SlackHarness, card: JsonDict) -> JsonDict:
    """Click the box, answer its evidence form: the rep's side."""
    block, checklist = find(card["blocks"], ActionId.EXIT_ITEMS)
    chosen = [option(o["value"], o["text"]["text"]) for o in checklist["options"]]
    chosen = [o for o in chosen if o["value"] == SIGNED_OFF]
    await slack.action(
        checkboxes_action(ActionId.EXIT_ITEMS, block_id=block["block_id"], selected_options=chosen),
        user=REP,
        **click_from(slack, card, REP),
    )
    view = slack.standin.last("views.open").args["view"]
    block_id = f"{BlockId.EVIDENCE_PREFIX}{SIGNED_OFF}"
    values = {block_id: {block_id: {"type": "plain_text_input", "value": VALUE}}}
    answer = await slack.submit(
        CallbackId.EVIDENCE, view["private_metadata"], values, user=REP, view=view
    )
    assert answer.status == 200 and not (answer.body or {}).get("errors")
    return latest_card(slack, REP)


def request_in_dm(slack: SlackHarness, user: str) -> JsonDict:
    (request,) = [m for m in slack.standin.messages(user) if has_action(m, ActionId.VALIDATE)]
    return request


def has_action(message: JsonDict, action_id: str) -> bool:
    return has(message.get("blocks") or [], action_id)


async def press(slack: SlackHarness, message: JsonDict, action_id: str, user: str) -> None:
    """A click on a button of the manager's DM (or on a copy forwarded to `user`)."""
    block, pressed = find(message["blocks"], action_id)
    channel = dm_channel(MANAGER)
    url = slack.standin.response_url(channel=channel, user=user, message_ts=message["ts"])
    await slack.action(
        button_action(action_id, block_id=block["block_id"], value=pressed["value"]),
        user=user,
        channel_id=channel,
        message=message,
        response_url=url,
    )


def said_to(slack: SlackHarness, user: str) -> list[str]:
    """What the app said to `user` beside its requests (ephemeral, as a response URL posts)."""
    return [str(m.get("text")) for m in slack.standin.ephemerals(user)]


async def validated_by(slack: SlackHarness) -> str | None:
    async with slack.services.db.read() as session:
        tick = (await session.exec(select(ExitTick).where(ExitTick.item_id == SIGNED_OFF))).first()
    assert tick is not None
    return tick.validated_by


def option_of(card: JsonDict, item_id: str) -> tuple[bool, str]:
    """Whether the card shows the item ticked, and what it says under it."""
    _block, checklist = find(card["blocks"], ActionId.EXIT_ITEMS)
    shown = {o["value"] for o in checklist.get("initial_options") or []}
    (found,) = [o for o in checklist["options"] if o["value"] == item_id]
    return item_id in shown, found.get("description", {}).get("text", "")


async def test_the_rep_ticks_the_manager_validates_and_the_gate_counts_it(
    slack: SlackHarness, card: JsonDict
) -> None:
    waiting = await tick_signed_off(slack, card)

    ticked, note = option_of(waiting, SIGNED_OFF)
    assert ticked and "awaiting validation" in note
    assert "awaiting validation" in text_of(waiting["blocks"])  # the count line says so
    assert await validated_by(slack) is None
    request = request_in_dm(slack, MANAGER)
    assert VALUE in text_of(request["blocks"]) and "Acme" in text_of(request["blocks"])
    assert slack.standin.messages(REP2) == []

    await press(slack, request, ActionId.VALIDATE, MANAGER)

    assert await validated_by(slack) == MANAGER
    answered = slack.standin.messages(MANAGER)[-1]
    assert "Validated" in text_of(answered["blocks"]) and not has_action(
        answered, ActionId.VALIDATE
    )
    shown = await slack.command("show", user=REP)
    ticked, note = option_of(shown.json, SIGNED_OFF)
    assert ticked and note.startswith("☑️ validated")


async def test_send_back_asks_what_is_missing_unticks_and_tells_the_rep(
    slack: SlackHarness, card: JsonDict
) -> None:
    await tick_signed_off(slack, card)
    request = request_in_dm(slack, MANAGER)

    await press(slack, request, ActionId.SEND_BACK, MANAGER)
    form = slack.standin.last("views.open").args["view"]
    blank = {BlockId.REASON: {BlockId.REASON: {"type": "plain_text_input", "value": "  "}}}
    refused = await slack.submit(
        CallbackId.SEND_BACK, form["private_metadata"], blank, user=MANAGER, view=form
    )
    assert refused.body["response_action"] == "errors" and BlockId.REASON in refused.body["errors"]
    why = {BlockId.REASON: {BlockId.REASON: {"type": "plain_text_input", "value": "not at list"}}}
    answer = await slack.submit(
        CallbackId.SEND_BACK, form["private_metadata"], why, user=MANAGER, view=form
    )

    assert answer.status == 200 and not (answer.body or {}).get("errors")
    async with slack.services.db.read() as session:
        assert (
            await session.exec(select(ExitTick).where(ExitTick.item_id == SIGNED_OFF))
        ).all() == []
    told = slack.standin.messages(REP)[-1]
    assert "sent back" in told["text"] and "not at list" in told["text"], told
    shown = await slack.command("show", user=REP)
    assert option_of(shown.json, SIGNED_OFF)[0] is False


async def test_only_the_owners_manager_or_an_admin_answers(
    slack: SlackHarness, card: JsonDict
) -> None:
    await tick_signed_off(slack, card)
    request = request_in_dm(slack, MANAGER)
    opened_before = len(slack.standin.calls("views.open"))

    await press(slack, request, ActionId.VALIDATE, REP2)  # a forwarded button, say
    await press(slack, request, ActionId.SEND_BACK, REP2)

    assert await validated_by(slack) is None
    assert len(slack.standin.calls("views.open")) == opened_before  # no form opened
    said = [m["text"] for m in slack.standin.ephemerals(REP2) + slack.standin.messages(REP2)]
    assert said and all("manager" in text for text in said), said


async def test_a_managers_own_tick_is_validated_as_written(
    slack: SlackHarness, card: JsonDict
) -> None:
    await slack.command(f'tick #1 9="{VALUE}"', user=MANAGER)

    assert await validated_by(slack) == MANAGER
    assert not [m for m in slack.standin.messages(MANAGER) if has_action(m, ActionId.VALIDATE)]


async def test_validating_what_changed_since_is_refused(
    slack: SlackHarness, card: JsonDict
) -> None:
    await tick_signed_off(slack, card)
    request = request_in_dm(slack, MANAGER)
    await slack.command('tick 9="Maria, but at 10% off"', user=REP)  # a new value asks again

    await press(slack, request, ActionId.VALIDATE, MANAGER)

    assert await validated_by(slack) is None
    first, newest = slack.standin.messages(MANAGER)  # both requests keep their buttons
    assert has_action(first, ActionId.VALIDATE) and has_action(newest, ActionId.VALIDATE)
    assert "no longer waiting" in said_to(slack, MANAGER)[-1]  # answered beside the old one


async def test_the_managers_digest_lists_what_awaits_their_validation(
    slack: SlackHarness, card: JsonDict
) -> None:
    await tick_signed_off(slack, card)

    digest = await team_digest(slack)

    (waiting,) = digest.awaiting
    assert (waiting.deal.name, waiting.number, waiting.ticked_by) == ("Acme", 9, REP)
    shown = text_of(digest_message(digest).to_dict()["blocks"])
    assert "Awaiting a manager's validation (1)" in shown
    assert "9. Get the pricing signed off, ticked by" in shown

    request = request_in_dm(slack, MANAGER)
    await press(slack, request, ActionId.VALIDATE, MANAGER)
    assert (await team_digest(slack)).awaiting == []


async def team_digest(slack: SlackHarness) -> Digest:
    subscription = DigestSubscription(
        team_id=slack.team_id,
        channel_id="C0SALES001",
        frequency="weekly",
        at_time="09:00",
        tz="UTC",
        scope="team",
        scope_user_id=MANAGER,
        created_by=MANAGER,
    )
    now = slack.services.clock()
    return await compose_digest(
        slack.services,
        subscription=subscription,
        window_start=now - dt.timedelta(days=7),
        window_end=now,
    )


async def test_send_back_of_an_item_answered_since_is_refused_at_the_click(
    slack: SlackHarness, card: JsonDict
) -> None:
    await tick_signed_off(slack, card)
    request = request_in_dm(slack, MANAGER)
    await slack.command("validate #1 9", user=MANAGER)
    opened_before = len(slack.standin.calls("views.open"))

    await press(slack, request, ActionId.SEND_BACK, MANAGER)

    assert len(slack.standin.calls("views.open")) == opened_before  # no form to fill in vain
    assert "no longer waiting" in said_to(slack, MANAGER)[-1]
    assert await validated_by(slack) == MANAGER


async def test_a_validator_who_cannot_be_reached_does_not_stop_the_card(
    slack: SlackHarness, card: JsonDict
) -> None:
    slack.standin.fail_next("chat.postMessage", error="user_not_found")

    waiting = await tick_signed_off(slack, card)

    assert option_of(waiting, SIGNED_OFF)[0]  # the card was replaced all the same


async def test_the_manager_names_the_deal_by_its_name_as_with_tick(
    slack: SlackHarness, card: JsonDict
) -> None:
    """`/deal validate acme 9`, as `/deal tick acme 9` works: the words before the item
    number name the deal (before, 'acme' was taken for the item and '9' refused)."""
    await tick_signed_off(slack, card)

    unknown = await slack.command("validate globex 9", user=MANAGER)  # no deal of that name
    assert "no deal given" in unknown.text and await validated_by(slack) is None

    named = await slack.command("validate acme 9", user=MANAGER)
    assert "Validated 9" in named.text
    assert await validated_by(slack) == MANAGER


async def test_send_back_by_command_names_the_deal_and_tells_the_rep(
    slack: SlackHarness, card: JsonDict
) -> None:
    """As the DM's Send back does (docs/maps.md): the rep hears what is missing."""
    await tick_signed_off(slack, card)

    await slack.command("sendback acme 9 ask for 2 quotes", user=MANAGER)

    told = slack.standin.messages(REP)[-1]
    assert "sent back" in told["text"] and "ask for 2 quotes" in told["text"], told
