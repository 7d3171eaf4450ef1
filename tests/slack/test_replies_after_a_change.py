"""The reply to a change (issue #18, item 4), through signed Slack requests: a tick, an
untick, evidence, an advance refused or done answer with what changed and the checklist,
not the stage's definition again; a Full card button puts in its place the card /deal show
shows; an item or a value longer than Slack lets a checkbox show is written out whole."""

from __future__ import annotations

from typing import Any

import pytest

from bot.slack_standin import button_action, checkboxes_action, option
from bot.views.ids import ActionId
from flows.schema import Stage
from tests.support.blockkit import find, has, text_of
from tests.support.harness import SlackHarness
from tests.support.slack import REP, click_from, latest_card

JsonDict = dict[str, Any]
# Qualification's item 1 is 83 characters; its checkbox shows 75 of "1. …"
LONG_ITEM = "1. Confirm the company matches our ideal customer profile on size, industry and region"
LONG_VALUE = (
    "Month-end close takes nine days because every entity's ledger is reconciled by hand "
    "in spreadsheets"
)


def stage(slack: SlackHarness, stage_id: str) -> Stage:
    return slack.services.catalog.current.stage(stage_id)


def assert_change_reply(blocks: list[JsonDict], shown: Stage, notice: str) -> None:
    """What changed and the checklist, a Full card button, none of what the stage means."""
    text = text_of(blocks)
    assert notice in text, text
    assert has(blocks, ActionId.EXIT_ITEMS) and has(blocks, ActionId.FULL_CARD), text
    assert shown.entry not in text and "What happens here" not in text, text
    assert not any(activity in text for activity in shown.activities), text


def assert_full_card(blocks: list[JsonDict], shown: Stage) -> None:
    text = text_of(blocks)
    assert shown.entry in text and "What happens here" in text, text
    assert not has(blocks, ActionId.FULL_CARD)


EVIDENCE = '3="40-60k" 5="2026-03-10"'
STEPS = [
    ("tick 1", "qualify", "✅ Ticked 1."),
    ("untick 1", "qualify", "✅ Unticked 1."),
    (f'tick 1 2="{LONG_VALUE}"', "qualify", "✅ Ticked 1, 2."),
    ("advance", "qualify", "⛔ Acme cannot leave Qualification yet"),
    (f"tick {EVIDENCE}", "qualify", "Every required item is done: ready to advance to Discovery."),
    ("advance", "discovery", "✅ Moved from Qualification to Discovery"),
    ("tick 5", "discovery", "✅ Ticked 5."),
]


async def test_each_change_answers_with_what_changed_and_the_checklist(
    slack: SlackHarness,
) -> None:
    created = await slack.command("new Acme 50k", user=REP)
    assert_full_card(created.json["blocks"], stage(slack, "qualify"))  # a new deal: all of it

    for text, stage_id, notice in STEPS:
        answer = await slack.command(text, user=REP)
        assert answer.status == 200
        assert_change_reply(answer.json["blocks"], stage(slack, stage_id), notice)

    shown = await slack.command("show", user=REP)
    assert_full_card(shown.json["blocks"], stage(slack, "discovery"))


async def test_a_click_answers_with_the_checklist_and_full_card_puts_the_card_back(
    slack: SlackHarness,
) -> None:
    await slack.command("new Acme 50k", user=REP)
    card = latest_card(slack, REP)
    block, checklist = find(card["blocks"], ActionId.EXIT_ITEMS)
    first = checklist["options"][0]

    await slack.action(
        checkboxes_action(
            ActionId.EXIT_ITEMS,
            block_id=block["block_id"],
            selected_options=[option(first["value"], first["text"]["text"])],
        ),
        user=REP,
        **click_from(slack, card, REP),
    )
    reply = latest_card(slack, REP)
    assert_change_reply(reply["blocks"], stage(slack, "qualify"), "✅ Ticked 1.")
    assert len(slack.standin.ephemerals(REP)) == 1  # in the card's place

    block, full = find(reply["blocks"], ActionId.FULL_CARD)
    await slack.action(
        button_action(ActionId.FULL_CARD, block_id=block["block_id"], value=full["value"]),
        user=REP,
        **click_from(slack, reply, REP),
    )
    again = latest_card(slack, REP)
    assert len(slack.standin.ephemerals(REP)) == 1  # in the reply's place
    shown = await slack.command("show", user=REP)
    assert text_of(again["blocks"]) == text_of(shown.json["blocks"])  # what /deal show shows
    assert_full_card(again["blocks"], stage(slack, "qualify"))


@pytest.mark.parametrize("command", ["show", "tick 1", "advance"])
async def test_an_item_a_checkbox_cuts_short_is_written_out_whole(
    slack: SlackHarness, command: str
) -> None:
    await slack.command("new Acme 50k", user=REP)
    await slack.command(f'tick 2="{LONG_VALUE}"', user=REP)

    answer = await slack.command(command, user=REP)

    blocks = answer.json["blocks"]
    _block, checklist = find(blocks, ActionId.EXIT_ITEMS)
    labels = [o["text"]["text"] for o in checklist["options"]]
    notes = [o.get("description", {}).get("text", "") for o in checklist["options"]]
    assert labels[0] != LONG_ITEM and labels[0].endswith("…")  # Slack's 75 characters
    assert LONG_VALUE not in notes[1]
    text = text_of(blocks)
    assert LONG_ITEM in text
    assert f"The problem, as the buyer stated it: {LONG_VALUE}" in text
