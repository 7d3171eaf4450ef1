"""A rep's day through the real HTTP app: signed Slack requests in, Web API calls out."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from bot.slack_standin import button_action, checkboxes_action, option, overflow_action
from bot.views.ids import ActionId, BlockId, CallbackId
from storage.models import DealEvent, DealStatus, EventKind, ExitTick
from tests.support.blockkit import find, has, text_of
from tests.support.harness import SlackHarness
from tests.support.slack import REP, REP2, click_from, latest_card
from tests.support.slack import deal_named as deal_row


async def events(slack: SlackHarness, kind: EventKind) -> list[DealEvent]:
    async with slack.services.db.read() as session:
        return list((await session.exec(select(DealEvent).where(DealEvent.kind == kind))).all())


async def test_new_deal_answers_with_the_stage_card_in_the_acknowledgement(
    slack: SlackHarness,
) -> None:
    answer = await slack.command("new Acme Corp 50k", user=REP)
    assert answer.status == 200
    assert "Acme Corp" in answer.text
    assert has(answer.json["blocks"], ActionId.EXIT_ITEMS)
    assert has(answer.json["blocks"], ActionId.ADVANCE)
    deal = await deal_row(slack, "Acme Corp")
    assert deal.amount == 50_000 and deal.owner_id == REP and deal.stage == "qualify"


async def test_advance_is_refused_with_the_open_items_then_ticking_and_advancing_works(
    slack: SlackHarness,
) -> None:
    await slack.command("new Acme Corp 50k", user=REP)
    card = latest_card(slack, REP)
    block, advance = find(card["blocks"], ActionId.ADVANCE)

    await slack.action(
        button_action(ActionId.ADVANCE, block_id=block["block_id"], value=advance["value"]),
        user=REP,
        **click_from(slack, card, REP),
    )
    refused = latest_card(slack, REP)
    assert "open" in text_of(refused["blocks"]).lower()
    assert (await deal_row(slack, "Acme Corp")).stage == "qualify"

    checklist_block, checklist = find(refused["blocks"], ActionId.EXIT_ITEMS)
    everything = [option(o["value"], o["text"]["text"]) for o in checklist["options"]]
    deal = await deal_row(slack, "Acme Corp")
    stage = slack.services.catalog.current.stage(deal.stage)
    evidence_items = [item.id for item in stage.exit if item.evidence]
    await slack.action(
        checkboxes_action(
            ActionId.EXIT_ITEMS, block_id=checklist_block["block_id"], selected_options=everything
        ),
        user=REP,
        **click_from(slack, refused, REP),
    )
    # The click ticks what needs no value, and opens the form for the rest at once
    plain = {item.id for item in stage.exit if not item.evidence}
    assert await ticked_ids(slack) == plain
    assert ticked_on(latest_card(slack, REP)) == plain  # the boxes agree with the count
    modal = slack.standin.last("views.open").args["view"]
    assert input_ids(modal) == [f"{BlockId.EVIDENCE_PREFIX}{item}" for item in evidence_items]
    values = {
        block_id: {block_id: {"type": "plain_text_input", "value": "50k budget"}}
        for block_id in input_ids(modal)
    }
    answer = await slack.submit(CallbackId.EVIDENCE, modal["private_metadata"], values, user=REP)
    assert answer.status == 200 and not (answer.body or {}).get("errors")
    assert await ticked_ids(slack) == {o["value"] for o in everything}
    assert ticked_on(latest_card(slack, REP)) == {o["value"] for o in everything}

    card = latest_card(slack, REP)
    block, advance = find(card["blocks"], ActionId.ADVANCE)
    await slack.action(
        button_action(ActionId.ADVANCE, block_id=block["block_id"], value=advance["value"]),
        user=REP,
        **click_from(slack, card, REP),
    )
    assert (await deal_row(slack, "Acme Corp")).stage == "discovery"
    assert len(await events(slack, EventKind.ADVANCED)) == 1
    assert "Discovery" in text_of(latest_card(slack, REP)["blocks"])


async def ticked_ids(slack: SlackHarness) -> set[str]:
    async with slack.services.db.read() as session:
        return {t.item_id for t in (await session.exec(select(ExitTick))).all()}


def ticked_on(card: dict[str, Any]) -> set[str]:
    """The items the card's checklist shows ticked."""
    _block, checklist = find(card["blocks"], ActionId.EXIT_ITEMS)
    return {o["value"] for o in checklist.get("initial_options") or []}


def input_ids(view: dict[str, Any]) -> list[str]:
    return [b["block_id"] for b in view["blocks"] if b.get("type") == "input"]


def ready_line(slack: SlackHarness, stage_id: str) -> str:
    """`tick …` text that ticks every required item of a stage, with evidence where asked."""
    stage = slack.services.catalog.current.stage(stage_id)
    parts = [
        f'{number}="checked"' if item.evidence else str(number)
        for number, item in enumerate(stage.exit, start=1)
        if item.required
    ]
    return "tick " + " ".join(parts)


async def open_lose_form(slack: SlackHarness) -> dict[str, Any]:
    """Globex in Discovery (Qualification allows no 'lose'), and its card's Lose form."""
    await slack.command("new Globex 20k", user=REP)
    await slack.command(ready_line(slack, "qualify"), user=REP)
    await slack.command("advance", user=REP)
    assert (await deal_row(slack, "Globex")).stage == "discovery"
    card = latest_card(slack, REP)
    block, menu = find(card["blocks"], ActionId.MORE)
    lose = next(o for o in menu["options"] if o["value"].startswith("lose"))
    await slack.action(
        overflow_action(ActionId.MORE, block_id=block["block_id"], selected_option=lose),
        user=REP,
        **click_from(slack, card, REP),
    )
    modal = slack.standin.last("views.open").args["view"]
    assert modal["callback_id"] == CallbackId.LOSE
    return modal


async def test_losing_through_the_modal_requires_a_listed_reason(slack: SlackHarness) -> None:
    modal = await open_lose_form(slack)
    deal = await deal_row(slack, "Globex")

    # no reason picked: the modal answers with an error beside the field, nothing changes
    empty = await slack.submit(CallbackId.LOSE, modal["private_metadata"], {}, user=REP)
    assert empty.json["response_action"] == "errors"
    assert (await deal_row(slack, "Globex")).status == DealStatus.OPEN

    reason = slack.services.catalog.current.lost_reasons[0]
    values = {
        BlockId.REASON: {
            BlockId.REASON: {"type": "static_select", "selected_option": option(reason, reason)}
        }
    }
    answer = await slack.submit(CallbackId.LOSE, modal["private_metadata"], values, user=REP)
    assert answer.status == 200 and answer.body in (None, "", {})
    lost = await deal_row(slack, "Globex")
    assert lost.status == DealStatus.LOST and lost.id == deal.id
    branched = await events(slack, EventKind.BRANCHED)
    assert [e.reason for e in branched] == [reason]


async def test_the_lose_forms_reason_and_note_are_recorded_together(
    slack: SlackHarness,
) -> None:
    modal = await open_lose_form(slack)
    reason = slack.services.catalog.current.lost_reasons[0]
    picked = {"type": "static_select", "selected_option": option(reason, reason)}
    values: dict[str, Any] = {BlockId.REASON: {BlockId.REASON: picked}}

    too_long = {BlockId.NOTE: {BlockId.NOTE: {"type": "plain_text_input", "value": "x" * 600}}}
    refused = await slack.submit(
        CallbackId.LOSE, modal["private_metadata"], values | too_long, user=REP, view=modal
    )
    assert list(refused.json["errors"]) == [BlockId.NOTE]  # beside the note, not the reason
    assert (await deal_row(slack, "Globex")).status == DealStatus.OPEN

    note = {BlockId.NOTE: {BlockId.NOTE: {"type": "plain_text_input", "value": "20% cheaper"}}}
    await slack.submit(CallbackId.LOSE, modal["private_metadata"], values | note, user=REP)
    assert (await deal_row(slack, "Globex")).status == DealStatus.LOST
    branched = await events(slack, EventKind.BRANCHED)
    assert [(e.value, e.reason) for e in branched] == [(reason, f"{reason}: 20% cheaper")]


async def test_another_rep_can_read_but_not_change_a_deal(slack: SlackHarness) -> None:
    await slack.command("new Initech 10k", user=REP)
    deal = await deal_row(slack, "Initech")
    shown = await slack.command(f"show #{deal.id}", user=REP2)
    assert "Initech" in shown.text
    refused = await slack.command(f"tick #{deal.id} 1", user=REP2)
    assert "owner" in refused.text.lower()
    async with slack.services.db.read() as session:
        assert (await session.exec(select(ExitTick))).all() == []


async def test_the_map_picture_is_uploaded_to_the_users_dm_with_their_deals(
    slack: SlackHarness,
) -> None:
    await slack.command("new Acme Corp 50k", user=REP)
    answer = await slack.command("map", user=REP)
    assert answer.status == 200 and "1 open deal" in answer.text
    files = slack.standin.uploaded_files()
    assert len(files) == 1
    assert files[0].content.startswith(b"\x89PNG")
