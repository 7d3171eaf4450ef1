"""Evidence is part of the tick, through signed Slack requests: ticking an item that asks
for a value opens its form at once (the click's or the command's trigger_id), with the
Slack input its type calls for; a wrong value is answered beside its field and changes
nothing; the box shows ticked, and the checklist counts it, only with its value."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import select

from bot.core.catalog import MapCatalog
from bot.slack_standin import button_action, checkboxes_action, option, overflow_action
from bot.views.ids import ActionId, BlockId, CallbackId
from storage.models import DealEvent, ExitTick
from tests.support.blockkit import find, text_of
from tests.support.harness import SlackHarness
from tests.support.slack import REP, REP2, click_from, latest_card
from tests.support.typed_map import PLAIN, SIGNED_OFF, TYPED, typed_catalog

JsonDict = dict[str, Any]

# The Slack element each evidence type is asked with, and where its answer sits.
ELEMENTS = {
    "notes": ("plain_text_input", "value"),
    "seats": ("number_input", "value"),
    "budget": ("plain_text_input", "value"),
    "decided_by": ("datepicker", "selected_date"),
    "champion": ("users_select", "selected_user"),
    "order": ("url_text_input", "value"),
    "tier": ("static_select", "selected_option"),
}
# What each element submits for the good value (a users_select answers with the bare id).
SUBMITTED = {
    "notes": "Buyer said: Q1, maybe",
    "seats": "1200",
    "budget": "$50k",
    "decided_by": "2027-01-15",
    "champion": "U0CHAMP",
    "order": "https://example.com/order.pdf",
    "tier": {"value": "Growth", "text": {"type": "plain_text", "text": "Growth"}},
}


@pytest.fixture
def catalog() -> MapCatalog:
    return typed_catalog()


@pytest.fixture
async def card(slack: SlackHarness) -> JsonDict:
    await slack.command("new Acme 50k", user=REP)
    return latest_card(slack, REP)


async def ticks(slack: SlackHarness) -> dict[str, str | None]:
    async with slack.services.db.read() as session:
        rows = (await session.exec(select(ExitTick))).all()
    return {t.item_id: t.evidence for t in rows}


async def event_count(slack: SlackHarness) -> int:
    async with slack.services.db.read() as session:
        return len((await session.exec(select(DealEvent))).all())


def boxes(card: JsonDict) -> tuple[set[str], str]:
    """What the checklist shows ticked, and its count line."""
    block, checklist = find(card["blocks"], ActionId.EXIT_ITEMS)
    index = card["blocks"].index(block)
    title = card["blocks"][index - 1]["text"]["text"]
    return {o["value"] for o in checklist.get("initial_options") or []}, title


async def click_boxes(slack: SlackHarness, card: JsonDict, item_ids: list[str]) -> JsonDict:
    block, checklist = find(card["blocks"], ActionId.EXIT_ITEMS)
    chosen = [
        option(o["value"], o["text"]["text"])
        for o in checklist["options"]
        if o["value"] in item_ids
    ]
    answer = await slack.action(
        checkboxes_action(ActionId.EXIT_ITEMS, block_id=block["block_id"], selected_options=chosen),
        user=REP,
        **click_from(slack, card, REP),
    )
    assert answer.status == 200
    return latest_card(slack, REP)


async def submit(slack: SlackHarness, view: JsonDict, values: JsonDict) -> Any:
    """Submit the view the app opened (its blocks say where an error goes), as Slack does."""
    return await slack.submit(
        CallbackId.EVIDENCE, view["private_metadata"], values, user=REP, view=view
    )


def input_blocks(view: JsonDict) -> list[JsonDict]:
    return [b for b in view["blocks"] if b.get("type") == "input"]


def answer_for(item_id: str, value: object) -> JsonDict:
    kind, key = ELEMENTS[item_id]
    block_id = f"{BlockId.EVIDENCE_PREFIX}{item_id}"
    return {block_id: {block_id: {"type": kind, key: value}}}


@pytest.mark.parametrize("item_id", list(TYPED))
async def test_ticking_an_evidence_box_opens_its_typed_form_and_counts_once_answered(
    slack: SlackHarness, card: JsonDict, item_id: str
) -> None:
    events_before = await event_count(slack)
    _before, count_before = boxes(card)

    waiting = await click_boxes(slack, card, [item_id])

    view = slack.standin.last("views.open").args["view"]
    (field,) = input_blocks(view)
    assert field["block_id"] == f"{BlockId.EVIDENCE_PREFIX}{item_id}"
    assert field["element"]["type"] == ELEMENTS[item_id][0]
    assert not field.get("optional")  # the value is what ticks it: required, never "(optional)"
    assert await ticks(slack) == {} and await event_count(slack) == events_before
    assert boxes(waiting) == (set(), count_before)  # unticked, and counted open

    answer = await slack.submit(
        CallbackId.EVIDENCE,
        view["private_metadata"],
        answer_for(item_id, SUBMITTED[item_id]),
        user=REP,
    )

    assert answer.status == 200 and not (answer.body or {}).get("errors")
    assert await ticks(slack) == {item_id: TYPED[item_id][2]}
    shown, count = boxes(latest_card(slack, REP))
    assert shown == {item_id}
    assert count != count_before or not TYPED_REQUIRED[item_id]


TYPED_REQUIRED = {item_id: item_id != "tier" for item_id in TYPED}  # typed_map: tier is optional


@pytest.mark.parametrize("item_id", [i for i in TYPED if i not in ("decided_by", "tier")])
async def test_a_wrong_value_is_answered_beside_its_field_and_changes_nothing(
    slack: SlackHarness, card: JsonDict, item_id: str
) -> None:
    await click_boxes(slack, card, [item_id])
    view = slack.standin.last("views.open").args["view"]
    events_before = await event_count(slack)
    bad = TYPED[item_id][3] if item_id != "champion" else "B0TNOTAUSER"

    answer = await submit(slack, view, answer_for(item_id, bad))

    assert isinstance(answer.body, dict) and answer.body["response_action"] == "errors"
    assert list(answer.body["errors"]) == [f"{BlockId.EVIDENCE_PREFIX}{item_id}"]
    assert await ticks(slack) == {} and await event_count(slack) == events_before


async def test_a_plain_box_ticks_at_once_and_opens_no_form(
    slack: SlackHarness, card: JsonDict
) -> None:
    ticked = await click_boxes(slack, card, [PLAIN])

    assert slack.standin.calls("views.open") == []
    assert await ticks(slack) == {PLAIN: None}
    assert boxes(ticked)[0] == {PLAIN}


async def test_ticking_by_command_opens_the_same_form(slack: SlackHarness, card: JsonDict) -> None:
    answer = await slack.command("tick 1 3", user=REP)

    view = slack.standin.last("views.open").args["view"]
    assert [b["block_id"] for b in input_blocks(view)] == [f"{BlockId.EVIDENCE_PREFIX}seats"]
    assert "counts as ticked once its evidence is in (Seats)" in answer.text
    assert await ticks(slack) == {PLAIN: None}


async def test_a_value_given_in_the_command_is_read_by_its_type(
    slack: SlackHarness, card: JsonDict
) -> None:
    refused = await slack.command("tick 3=a dozen", user=REP)
    assert "'a dozen' is not a number" in refused.text and await ticks(slack) == {}

    await slack.command('tick 3="1,200" 5=15 Jan 2027 8=growth', user=REP)
    assert await ticks(slack) == {"seats": "1200", "decided_by": "2027-01-15", "tier": "Growth"}
    assert slack.standin.calls("views.open") == []


async def test_the_add_evidence_form_requires_what_the_gate_requires(
    slack: SlackHarness, card: JsonDict
) -> None:
    block, button = find(card["blocks"], ActionId.EVIDENCE)
    await slack.action(
        button_action(ActionId.EVIDENCE, block_id=block["block_id"], value=button["value"]),
        user=REP,
        **click_from(slack, card, REP),
    )

    view = slack.standin.last("views.open").args["view"]
    optional = {b["block_id"].removeprefix(BlockId.EVIDENCE_PREFIX): bool(b.get("optional"))
                for b in input_blocks(view)}  # fmt: skip
    expected = {item_id: not required for item_id, required in TYPED_REQUIRED.items()}
    assert optional == expected | {SIGNED_OFF: False}


async def test_a_form_the_user_may_not_submit_is_refused_at_the_click(
    slack: SlackHarness, card: JsonDict
) -> None:
    """REP2 is not REP's manager: neither the Lose form nor the evidence form opens."""
    block, menu = find(card["blocks"], ActionId.MORE)
    lose = next(o for o in menu["options"] if o["value"].startswith("lose"))
    await slack.action(
        overflow_action(ActionId.MORE, block_id=block["block_id"], selected_option=lose),
        user=REP2,
        **click_from(slack, card, REP2),
    )
    block, button = find(card["blocks"], ActionId.EVIDENCE)
    await slack.action(
        button_action(ActionId.EVIDENCE, block_id=block["block_id"], value=button["value"]),
        user=REP2,
        **click_from(slack, card, REP2),
    )

    assert slack.standin.calls("views.open") == []
    told = [m["text"] for m in slack.standin.ephemerals(REP2)]
    assert len(told) == 2 and all("only the deal's owner" in text for text in told), told


async def test_a_form_slack_will_not_open_still_leaves_the_card_right(
    slack: SlackHarness, card: JsonDict
) -> None:
    """An expired trigger (a slow click): the plain box is ticked, the card is replaced, and
    its notice says how to give the value by command."""
    slack.standin.fail_next("views.open", error="expired_trigger_id")

    shown = await click_boxes(slack, card, [PLAIN, "seats"])

    assert await ticks(slack) == {PLAIN: None}
    assert boxes(shown)[0] == {PLAIN}
    assert '/deal tick #1 3="12"' in text_of_card(shown)


def text_of_card(card: JsonDict) -> str:
    return " ".join(
        b["text"]["text"] for b in card["blocks"] if b.get("type") == "section" and "text" in b
    )


async def test_money_that_names_no_currency_is_in_the_deals_currency(
    slack: SlackHarness, card: JsonDict
) -> None:
    """As deal amounts are written (docs/maps.md): "48k" on a deal in euros is 48,000 EUR,
    on the map's dollars 48,000 USD; a currency the value names stays."""
    await slack.command("new Globex 20000 EUR", user=REP)

    await slack.command("tick #1 4=48k", user=REP)
    await slack.command("tick #2 4=48k", user=REP)
    assert await budgets(slack) == {1: "48,000 USD", 2: "48,000 EUR"}

    await slack.command('tick #2 4="£9,500"', user=REP)
    assert await budgets(slack) == {1: "48,000 USD", 2: "9,500 GBP"}


async def budgets(slack: SlackHarness) -> dict[int, str | None]:
    async with slack.services.db.read() as session:
        rows = (await session.exec(select(ExitTick).where(ExitTick.item_id == "budget"))).all()
    return {t.deal_id: t.evidence for t in rows}


async def test_a_persons_evidence_shows_their_name_on_the_card_and_in_the_history(
    slack: SlackHarness, card: JsonDict
) -> None:
    """Kept as a mention, shown as one: Slack writes the name, never `<@U0CHAMP>` as text."""
    await slack.command("tick 6=<@U0CHAMP|cat>", user=REP)
    _block, checklist = find(latest_card(slack, REP)["blocks"], ActionId.EXIT_ITEMS)
    (note,) = [o["description"] for o in checklist["options"] if o["value"] == "champion"]
    assert note == {"type": "mrkdwn", "text": "Champion: <@U0CHAMP>"}

    await slack.command("history", user=REP)
    history = json.dumps(latest_card(slack, REP)["blocks"], ensure_ascii=False)
    assert "Record the champion”: <@U0CHAMP>" in history
    assert "&lt;@" not in history


async def test_the_answer_lists_the_items_in_the_checklists_order(
    slack: SlackHarness, card: JsonDict
) -> None:
    """A changed value (3) and a new tick (4) in one command: "Ticked 3, 4", not "4, 3"."""
    await slack.command("tick 3=12", user=REP)

    answer = await slack.command("tick 3=13 4=50k", user=REP)

    assert "Ticked 3, 4." in text_of(latest_card(slack, REP)["blocks"]), answer
