""" "Save as evidence", the message shortcut, through signed Slack requests on both backends:
the form the shortcut opens (the deal, the items a message can prove), the save through
the one change path (the message's text and permalink recorded, the card shown), picking
another deal, and each refusal inside the form: an item that wants a typed value, an item
already ticked, someone else's deal, a deal that moved while the form was open."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from bot.core.catalog import MapCatalog
from bot.views.ids import BlockId
from storage.models import DealEvent, ExitTick
from tests.support.blockkit import text_of
from tests.support.harness import SlackHarness
from tests.support.shortcuts import (
    block,
    item_options,
    pick_deal,
    shortcut_on,
    submit_form,
)
from tests.support.slack import ADMIN, REP, REP2, deal_named, latest_card
from tests.support.typed_map import PLAIN, SIGNED_OFF, TYPED, typed_catalog

JsonDict = dict[str, Any]
LINK = "https://stagecoach-test.slack.com/archives/"


@pytest.fixture
def catalog() -> MapCatalog:
    return typed_catalog()


async def ticks(slack: SlackHarness) -> dict[str, str | None]:
    async with slack.services.db.read() as session:
        return {t.item_id: t.evidence for t in (await session.exec(select(ExitTick))).all()}


async def events(slack: SlackHarness) -> int:
    async with slack.services.db.read() as session:
        return len((await session.exec(select(DealEvent))).all())


def error_of(answer: Any) -> tuple[str, str]:
    assert answer.json["response_action"] == "errors", answer.body
    [(block_id, text)] = answer.json["errors"].items()
    return block_id, text


async def test_a_message_becomes_the_evidence_of_the_item_picked(slack: SlackHarness) -> None:
    await slack.command("new Acme 50k", user=REP)
    text = "Buyer &amp; CFO: budget is <https://x.io/q|approved> for Q1, ask <@U0CHAMP>"
    view = await shortcut_on(slack, text, user=REP)

    menu = block(view, BlockId.SAVE_DEAL)
    assert menu and menu["element"]["initial_option"]["text"]["text"] == "Acme · Qualify"
    assert menu["dispatch_action"] is True
    # Only what a message can prove: text, a link, an item that asks for nothing.
    assert set(item_options(view)) == {PLAIN, "notes", "order", SIGNED_OFF}
    assert "Record the seats" in text_of(view["blocks"])  # named as wanting a typed value

    answer = await submit_form(slack, view, "notes", user=REP)

    assert answer.status == 200 and answer.body is None
    [link] = [c.response["permalink"] for c in slack.standin.calls("chat.getPermalink")]
    assert link.startswith(LINK + slack.channel_id + "/p")
    readable = "Buyer & CFO: budget is approved for Q1, ask @U0CHAMP"
    assert await ticks(slack) == {"notes": f"{readable} — {link}"}
    card = latest_card(slack, REP)  # the card beside the message, to the rep alone
    assert card["channel"] == slack.channel_id and "Ticked 2" in card["text"]


async def test_a_link_item_records_the_permalink_and_long_text_is_cut(
    slack: SlackHarness,
) -> None:
    await slack.command("new Acme 50k", user=REP)
    view = await shortcut_on(slack, "signed " * 200, user=REP)
    assert (await submit_form(slack, view, "order", user=REP)).body is None
    view = await shortcut_on(slack, "signed " * 200, user=REP)
    assert (await submit_form(slack, view, "notes", user=REP)).body is None

    saved = await ticks(slack)
    assert saved["order"] is not None and saved["order"].startswith(LINK)
    notes = saved["notes"] or ""
    assert len(notes) <= 500 and "… — " + LINK in notes


async def test_an_item_that_wants_a_typed_value_is_refused_and_nothing_changes(
    slack: SlackHarness,
) -> None:
    await slack.command("new Acme 50k", user=REP)
    view = await shortcut_on(slack, "we need 40 seats", user=REP)
    before = await events(slack)
    # A forged pick of an item the form does not offer: the rule holds at the save.
    options = item_options(view)
    seats = dict(options["notes"], value=options["notes"]["value"].replace("notes", "seats"))
    menu = block(view, BlockId.SAVE_ITEM_PREFIX)
    assert menu is not None
    menu["element"]["options"].append(seats)

    block_id, text = error_of(await submit_form(slack, view, "seats", user=REP))

    assert block_id == menu["block_id"] and "Seats (a number)" in text
    assert await ticks(slack) == {} and await events(slack) == before


async def test_an_item_ticked_with_evidence_is_replaced_only_when_asked(
    slack: SlackHarness,
) -> None:
    await slack.command("new Acme 50k", user=REP)
    await slack.command('tick 2="Call notes from Monday"', user=REP)
    view = await shortcut_on(slack, "the real notes", user=REP)
    assert "✓" in item_options(view)["notes"]["text"]["text"]
    assert block(view, BlockId.SAVE_REPLACE) is not None

    block_id, text = error_of(await submit_form(slack, view, "notes", user=REP))
    assert block_id == BlockId.SAVE_REPLACE  # beside the box that lets it through
    assert "already ticked, with: Call notes from Monday" in text
    assert await ticks(slack) == {"notes": "Call notes from Monday"}

    assert (await submit_form(slack, view, "notes", user=REP, replace=True)).body is None
    assert (await ticks(slack))["notes"].startswith("the real notes — " + LINK)  # type: ignore[union-attr]


async def test_someone_elses_deal_is_refused_in_the_form_and_at_the_save(
    slack: SlackHarness,
) -> None:
    await slack.command("new Acme 50k", user=REP)
    await slack.command("bind acme", user=REP)  # the channel's deal: REP2's form starts on it
    mine = await shortcut_on(slack, "notes from the call", user=REP)  # REP's own form
    view = await shortcut_on(slack, "notes from the call", user=REP2)
    before = await events(slack)
    # Refused at the click: said in the form, which offers no item of the deal.
    assert "only the deal's owner" in text_of(view["blocks"])
    assert block(view, BlockId.SAVE_ITEM_PREFIX) is None
    block_id, text = error_of(await submit_form(slack, view, None, user=REP2))
    assert block_id == BlockId.SAVE_DEAL and "no exit item" in text

    # A submission made anyway (REP's form's answers) is refused beside the deal.
    forged = dict(view, blocks=mine["blocks"])
    block_id, text = error_of(await submit_form(slack, forged, "notes", user=REP2))

    assert block_id == BlockId.SAVE_DEAL and "only the deal's owner" in text
    assert await ticks(slack) == {} and await events(slack) == before


async def test_a_deal_that_moved_while_the_form_was_open_is_stale(slack: SlackHarness) -> None:
    await slack.command("new Acme 50k", user=REP)
    view = await shortcut_on(slack, "notes from the call", user=REP)
    moved = await slack.command("override #1 the buyer signed early", user=ADMIN)
    assert "Propose" in moved.text, moved.text

    block_id, text = error_of(await submit_form(slack, view, "notes", user=REP))

    assert (
        block_id.startswith(BlockId.SAVE_ITEM_PREFIX)
        and "Acme moved to Propose while this form was open" in text
    )
    assert await ticks(slack) == {}


async def test_picking_another_deal_shows_its_items_and_saves_there(slack: SlackHarness) -> None:
    await slack.command("new Acme 50k", user=REP)
    await slack.command("new Globex 20k", user=REP)  # the current deal: the form starts on it
    globex, acme = await deal_named(slack, "Globex"), await deal_named(slack, "Acme")
    view = await shortcut_on(slack, "intro call held", user=REP)
    assert block(view, f"{BlockId.SAVE_ITEM_PREFIX}{globex.id}") is not None

    assert acme.id is not None
    view = await pick_deal(slack, view, acme.id, user=REP)

    assert slack.standin.last("views.update").response["ok"] is True
    assert block(view, f"{BlockId.SAVE_ITEM_PREFIX}{acme.id}") is not None
    assert (await submit_form(slack, view, PLAIN, user=REP)).body is None
    async with slack.services.db.read() as session:
        [tick] = (await session.exec(select(ExitTick))).all()
    assert tick.deal_id == acme.id and tick.evidence and tick.evidence.startswith("intro call")


async def test_an_item_that_asks_for_validation_asks_the_manager(slack: SlackHarness) -> None:
    await slack.command(f"role <@{ADMIN}> admin", user=ADMIN)
    promoted = await slack.command("role <@U0MGR0001> manager", user=ADMIN)
    assert "now a manager" in promoted.text
    await slack.command(f"team <@U0MGR0001> add <@{REP}>", user=ADMIN)
    await slack.command("new Acme 50k", user=REP)
    view = await shortcut_on(slack, "Dana signed off 40k", user=REP)

    assert (await submit_form(slack, view, SIGNED_OFF, user=REP)).body is None

    [request] = slack.standin.messages("U0MGR0001")
    assert "Dana signed off 40k" in text_of(request.get("blocks") or []) + request["text"]
    assert set(await ticks(slack)) == {SIGNED_OFF}


def test_typed_items_are_the_ones_a_message_cannot_give() -> None:
    assert {i for i, (e, *_r) in TYPED.items() if isinstance(e, dict) and e["type"] != "url"} == {
        "seats", "budget", "decided_by", "champion", "tier",
    }  # fmt: skip
