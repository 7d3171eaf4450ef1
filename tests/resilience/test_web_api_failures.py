"""Slack's side fails while the app answers: the response URL refuses the reply, the DM
fallback fails too, a modal cannot be opened, App Home cannot be published, a response URL
cannot even be reached.

The user's action is never lost (the change is committed, and the next card shows it), and
the user is told, where Slack leaves a way to tell them, that the reply could not be shown."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import select

from bot.core.context import Services
from bot.slack.app import build_bolt_app
from bot.slack.http import build_web_app
from bot.slack.runtime import build_runtime, web_client
from bot.slack_standin import (
    RESPONSE_URL,
    SlackStandIn,
    app_home_opened_event,
    checkboxes_action,
    event_callback,
    option,
    overflow_action,
)
from bot.views.ids import ActionId
from storage.models import DealEvent, EventKind, ExitTick
from tests.resilience.answers import assert_no_leak
from tests.resilience.conftest import OWNER, Seeded, element_on
from tests.resilience.snapshots import snapshot
from tests.support.harness import SlackHarness, harness_settings
from tests.support.slack import latest_card

JsonDict = dict[str, Any]


@pytest.fixture
def dead_hooks() -> str:
    """A loopback address where nothing listens (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/"


@pytest.fixture
async def slack(
    services: Services, standin: SlackStandIn, dead_hooks: str
) -> AsyncIterator[SlackHarness]:
    """The harness, also trusting response URLs on `dead_hooks` (as if Slack's)."""
    settings = dataclasses.replace(
        harness_settings(standin, services),
        extra_response_url_prefixes=(standin.base_url, dead_hooks),
    )
    runtime = build_runtime(services, settings, client=web_client(settings))
    client = TestClient(TestServer(build_web_app(build_bolt_app(runtime), runtime)))
    await client.start_server()
    yield SlackHarness(services=services, standin=standin, runtime=runtime, client=client)
    await runtime.tasks.drain()
    await client.close()


def checklist(card: JsonDict) -> tuple[str, list[JsonDict]]:
    """The checklist's block id and its options, from a card."""
    block, element = element_on(card, ActionId.EXIT_ITEMS)
    return block["block_id"], element["options"]


def ticked_on(card: JsonDict) -> set[str]:
    """The items a card shows as ticked (the checklist's initial options)."""
    found: set[str] = set()
    for block in card.get("blocks", []):
        for element in [block.get("accessory") or {}, *block.get("elements", [])]:
            if element.get("action_id") == ActionId.EXIT_ITEMS:
                found |= {o["value"] for o in element.get("initial_options", [])}
    return found


async def tick_all_on_card(slack: SlackHarness, *, response_url: str) -> JsonDict:
    """Click every checkbox of OWNER's latest card; the reply goes to `response_url`.
    The items that ask for evidence got theirs first, so the click ticks every one."""
    card = latest_card(slack, OWNER)
    block_id, options = checklist(card)
    selection = [option(o["value"], o["text"]["text"]) for o in options]
    answer = await slack.action(
        checkboxes_action(ActionId.EXIT_ITEMS, block_id=block_id, selected_options=selection),
        user=OWNER, channel_id=card["channel"], message_ts=card["ts"], is_ephemeral=True,
        response_url=response_url,
    )  # fmt: skip
    assert answer.status == 200
    return card


async def give_every_value(slack: SlackHarness, seeded: Seeded) -> None:
    """`/deal tick 2="…" 3="…"`: a value for each item of the stage that asks for one."""
    stage = slack.services.catalog.current.stage(seeded.stage)
    given = [f'{n}="checked"' for n, item in enumerate(stage.exit, start=1) if item.evidence]
    await slack.command("tick " + " ".join(given), user=OWNER)


async def ticked_items(slack: SlackHarness, deal_id: int) -> set[str]:
    async with slack.services.db.read() as session:
        ticks = (await session.exec(select(ExitTick).where(ExitTick.deal_id == deal_id))).all()
    return {tick.item_id for tick in ticks}


async def events_of(slack: SlackHarness, deal_id: int, kind: EventKind) -> list[DealEvent]:
    async with slack.services.db.read() as session:
        query = select(DealEvent).where(DealEvent.deal_id == deal_id, DealEvent.kind == kind)
        return list((await session.exec(query)).all())


def dm_texts(slack: SlackHarness, user: str) -> list[str]:
    return [str(m.get("text")) for m in slack.standin.messages(user)]


@pytest.mark.parametrize(
    "fault",
    [
        {"error": "expired_url", "status": 404},
        {"error": "invalid_blocks", "status": 200},
        {"error": "internal_error", "status": 500},
    ],
    ids=["expired (404)", "ok false (200)", "server error (500)"],
)
async def test_a_tick_whose_card_cannot_be_replaced_is_kept_and_shown_in_a_dm(
    slack: SlackHarness, seeded: Seeded, fault: dict[str, Any]
) -> None:
    await give_every_value(slack, seeded)
    card = latest_card(slack, OWNER)
    url = slack.standin.response_url(channel=card["channel"], user=OWNER, message_ts=card["ts"])
    slack.standin.fail_next(RESPONSE_URL, **fault)

    await tick_all_on_card(slack, response_url=url)

    options = checklist(card)[1]
    assert await ticked_items(slack, seeded.deal_id) == {o["value"] for o in options}
    assert slack.standin.last(RESPONSE_URL).response.get("ok") is False
    shown = dm_texts(slack, OWNER)
    assert shown and "Acme Corp" in shown[-1], shown  # the updated card, in the app's DM
    assert_no_leak(shown[-1])


async def test_when_no_reply_can_be_shown_the_user_learns_the_change_was_kept(
    slack: SlackHarness, seeded: Seeded
) -> None:
    await give_every_value(slack, seeded)
    card = latest_card(slack, OWNER)
    url = slack.standin.response_url(channel=card["channel"], user=OWNER, message_ts=card["ts"])
    slack.standin.fail_next(RESPONSE_URL, error="expired_url", status=404)
    slack.standin.fail_next("chat.postMessage", error="channel_not_found")

    await tick_all_on_card(slack, response_url=url)

    everything = {o["value"] for o in checklist(card)[1]}
    assert await ticked_items(slack, seeded.deal_id) == everything
    ticked = await events_of(slack, seeded.deal_id, EventKind.TICKED)
    assert {event.item_id for event in ticked} == everything  # and the history says so
    told = slack.standin.last(RESPONSE_URL).args["text"]
    assert "saved" in told and "nothing was changed" not in told, told
    assert_no_leak(told)
    shown = await slack.command("show", user=OWNER)  # the next card shows the ticks
    assert ticked_on(shown.json) == await ticked_items(slack, seeded.deal_id)


async def test_a_response_url_that_cannot_be_reached_falls_back_to_a_dm(
    slack: SlackHarness, seeded: Seeded, dead_hooks: str
) -> None:
    await tick_all_on_card(slack, response_url=f"{dead_hooks}response/nothing-listens")
    assert await ticked_items(slack, seeded.deal_id)
    assert dm_texts(slack, OWNER), "the updated card never reached the user"


async def test_a_form_that_cannot_be_opened_from_a_card_is_explained(
    slack: SlackHarness, seeded: Seeded
) -> None:
    card = latest_card(slack, OWNER)
    menu_block, menu = element_on(card, ActionId.MORE)
    url = slack.standin.response_url(channel=card["channel"], user=OWNER, message_ts=card["ts"])
    slack.standin.fail_next("views.open", error="expired_trigger_id")
    before = await snapshot(slack.services.db)
    answer = await slack.action(
        overflow_action(ActionId.MORE, block_id=menu_block["block_id"], selected_option=menu["options"][0]),
        user=OWNER, channel_id=card["channel"], message_ts=card["ts"], is_ephemeral=True, response_url=url,
    )  # fmt: skip
    assert answer.status == 200
    told = slack.standin.last(RESPONSE_URL).args["text"]
    assert "could not show" in told and "expired_trigger_id" in told, told
    assert_no_leak(told)
    assert await snapshot(slack.services.db) == before


async def test_the_new_deal_form_that_cannot_be_opened_is_explained(
    slack: SlackHarness, seeded: Seeded
) -> None:
    slack.standin.fail_next("views.open", error="trigger_exchanged")
    answer = await slack.command("new", user=OWNER)
    assert answer.status == 200
    told = slack.standin.last(RESPONSE_URL).args["text"]
    assert "could not show" in told and "trigger_exchanged" in told, told


async def test_app_home_that_cannot_be_published_is_published_on_the_next_visit(
    slack: SlackHarness, seeded: Seeded
) -> None:
    slack.standin.fail_next("views.publish", error="internal_error")
    first = await slack.event(event_callback(app_home_opened_event(OWNER), team_id=slack.team_id))
    assert first.status == 200 and slack.standin.home(OWNER) is None
    second = await slack.event(event_callback(app_home_opened_event(OWNER), team_id=slack.team_id))
    assert second.status == 200
    home = slack.standin.home(OWNER)
    assert home is not None and "Acme Corp" in str(home)
