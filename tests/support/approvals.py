"""Clicking and reading approvals as a person in Slack would (tests/slack/test_approvals.py,
test_approval_answers.py): the rep's boxes and form, the approver's buttons, the rows."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from bot.slack_standin import button_action, checkboxes_action, option
from bot.views.ids import ActionId, BlockId, CallbackId
from storage.models import DealEvent, ExitTick
from tests.support.approval_map import DISCOUNT
from tests.support.blockkit import find, has
from tests.support.harness import SlackHarness
from tests.support.slack import REP, click_from, latest_card

JsonDict = dict[str, Any]
VALUE = "15% off for a three-year term"


async def click_boxes(slack: SlackHarness, card: JsonDict, items: list[str]) -> JsonDict:
    """The rep's click: the whole selection, as Slack sends it; the card that follows."""
    block, checklist = find(card["blocks"], ActionId.EXIT_ITEMS)
    chosen = [option(o["value"], o["text"]["text"]) for o in checklist["options"]]
    selected = [o for o in chosen if o["value"] in items]
    await slack.action(
        checkboxes_action(
            ActionId.EXIT_ITEMS, block_id=block["block_id"], selected_options=selected
        ),
        user=REP,
        **click_from(slack, card, REP),
    )
    return latest_card(slack, REP)


async def ask_discount(slack: SlackHarness, card: JsonDict) -> JsonDict:
    """Click the discount's box and give its value in the form that opens."""
    await click_boxes(slack, card, [DISCOUNT])
    view = slack.standin.last("views.open").args["view"]
    block_id = f"{BlockId.EVIDENCE_PREFIX}{DISCOUNT}"
    values = {block_id: {block_id: {"type": "plain_text_input", "value": VALUE}}}
    answer = await slack.submit(
        CallbackId.EVIDENCE, view["private_metadata"], values, user=REP, view=view
    )
    assert answer.status == 200 and not (answer.body or {}).get("errors"), answer.body
    return latest_card(slack, REP)


def requests_in(slack: SlackHarness, where: str) -> list[JsonDict]:
    """The approval requests posted to a user's DM or a channel."""
    return [
        m for m in slack.standin.messages(where) if has(m.get("blocks") or [], ActionId.APPROVE)
    ]


async def press(
    slack: SlackHarness, message: JsonDict, action_id: str, user: str, *, channel: str
) -> None:
    """A click on a request's button, by `user`, in `channel` (where the message is)."""
    block, pressed = find(message["blocks"], action_id)
    url = slack.standin.response_url(channel=channel, user=user, message_ts=message["ts"])
    await slack.action(
        button_action(action_id, block_id=block["block_id"], value=pressed["value"]),
        user=user,
        channel_id=channel,
        message=message,
        response_url=url,
    )


async def rows(slack: SlackHarness, table: Any) -> list[Any]:
    async with slack.services.db.read() as session:
        return list((await session.exec(select(table))).all())


async def ticked(slack: SlackHarness) -> dict[str, ExitTick]:
    return {tick.item_id: tick for tick in await rows(slack, ExitTick)}


async def kinds(slack: SlackHarness) -> list[tuple[str, str, str | None]]:
    events = sorted(await rows(slack, DealEvent), key=lambda e: e.id)
    return [(str(e.kind), e.actor_id, e.item_id) for e in events if e.kind != "created"]


def said_to(slack: SlackHarness, user: str) -> str:
    """Everything the app said to `user` beside the requests (ephemeral answers)."""
    return " ".join(str(m.get("text")) for m in slack.standin.ephemerals(user))


def box(card: JsonDict, item_id: str) -> bool:
    _block, checklist = find(card["blocks"], ActionId.EXIT_ITEMS)
    return item_id in {o["value"] for o in checklist.get("initial_options") or []}
