"""Slack's side fails while the app answers: the response URL refuses the reply, the DM
fallback fails too, a modal cannot be opened, App Home cannot be published, a response URL
cannot even be reached.

The user's action is never lost (the change is committed, and the next card shows it), and
the user is told, where Slack leaves a way to tell them, that the reply could not be shown."""

from __future__ import annotations

import dataclasses
import logging
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
    Fault,
    Hang,
    JsonError,
    Reset,
    SlackStandIn,
    TextError,
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
    # A time limit shorter than a Hang (4 s), long enough for a busy CI machine.
    runtime = build_runtime(services, settings, client=web_client(settings, timeout=1.5))
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


def _ours(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("bot.")]


def _assert_one_line(
    caplog: pytest.LogCaptureFixture, *, level: int, method: str, error: str
) -> None:
    """Logged once at `level`, naming the method and Slack's error; no traceback anywhere."""
    said = [(r.levelno, r.getMessage()) for r in _ours(caplog)]
    assert [r.getMessage() for r in _ours(caplog) if r.exc_info] == [], said
    assert [text for lvl, text in said if lvl == level and method in text and error in text], said


AFTER_ACK = {
    "views.open expired_trigger_id": (JsonError("expired_trigger_id"), logging.WARNING, "expired_trigger_id"),
    "views.open plain-text 500": (TextError(500), logging.ERROR, "http 500"),
    "views.open HTML 502": (TextError(502, html=True), logging.ERROR, "http 502"),
    "views.open timeout": (Hang(4.0), logging.ERROR, "timeout"),
    "views.open reset": (Reset(), logging.ERROR, "connection lost"),
}  # fmt: skip


@pytest.mark.parametrize(("fault", "level", "error"), AFTER_ACK.values(), ids=AFTER_ACK.keys())
async def test_a_form_slack_does_not_open_is_one_log_line_and_told(
    slack: SlackHarness,
    seeded: Seeded,
    caplog: pytest.LogCaptureFixture,
    fault: Fault,
    level: int,
    error: str,
) -> None:
    slack.standin.fault_next("views.open", fault)
    answer = await slack.command("new", user=OWNER)
    assert answer.status == 200
    await slack.runtime.tasks.drain()
    told = slack.standin.last(RESPONSE_URL).args["text"]
    assert "could not show" in told and error in told, told
    assert "upstream" not in told and "<html>" not in told  # never the raw body
    _assert_one_line(caplog, level=level, method="views.open", error=error)


@pytest.mark.parametrize(
    ("fault", "level", "error"),
    [
        (JsonError("not_enabled"), logging.WARNING, "not_enabled"),
        (TextError(500), logging.ERROR, "http 500"),
        (Hang(4.0), logging.ERROR, "timeout"),
    ],
    ids=["not_enabled", "plain-text 500", "timeout"],
)
async def test_app_home_slack_does_not_publish_is_one_log_line(
    slack: SlackHarness,
    seeded: Seeded,
    caplog: pytest.LogCaptureFixture,
    fault: Fault,
    level: int,
    error: str,
) -> None:
    slack.standin.fault_next("views.publish", fault)
    opened = await slack.event(event_callback(app_home_opened_event(OWNER), team_id=slack.team_id))
    assert opened.status == 200
    await slack.runtime.tasks.drain()
    assert slack.standin.home(OWNER) is None
    _assert_one_line(caplog, level=level, method="views.publish", error=error)


async def test_a_dm_fallback_to_someone_slack_will_not_dm_is_a_warning(
    slack: SlackHarness, seeded: Seeded, caplog: pytest.LogCaptureFixture
) -> None:
    await give_every_value(slack, seeded)
    card = latest_card(slack, OWNER)
    url = slack.standin.response_url(channel=card["channel"], user=OWNER, message_ts=card["ts"])
    slack.standin.fault_next(RESPONSE_URL, TextError(502, html=True))
    slack.standin.fail_next("chat.postMessage", error="cannot_dm_bot")
    await tick_all_on_card(slack, response_url=url)
    await slack.runtime.tasks.drain()
    assert await ticked_items(slack, seeded.deal_id)  # the change is kept
    _assert_one_line(
        caplog, level=logging.WARNING, method="chat.postMessage", error="cannot_dm_bot"
    )


async def test_a_response_url_reset_mid_reply_is_sent_again_on_a_new_connection(
    slack: SlackHarness, seeded: Seeded, caplog: pytest.LogCaptureFixture
) -> None:
    """slack_sdk's webhook client tries a reset request once more: harmless here, since the
    reply replaces the card (a second replace is the same card)."""
    card = latest_card(slack, OWNER)
    url = slack.standin.response_url(channel=card["channel"], user=OWNER, message_ts=card["ts"])
    slack.standin.fault_next(RESPONSE_URL, Reset())
    await tick_all_on_card(slack, response_url=url)
    await slack.runtime.tasks.drain()
    first, second = slack.standin.calls(RESPONSE_URL)
    assert not first.ok and second.ok and second.args["replace_original"] is True
    assert [r for r in _ours(caplog) if r.exc_info] == []
