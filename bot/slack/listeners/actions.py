"""Clicks on cards, lists and App Home. Each acknowledges at once; the change and the
reply run after, and the reply replaces the card the click came from.

The deal is read from the button value or the checklist's block id, never from
`body["message"]`: a click on an ephemeral card carries no message.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.core.access import outsider_refused
from bot.core.context import Actor, Services
from bot.core.outcomes import Failure, Outcome
from bot.core.refs import DealNumber, DealRef, SeenDeal
from bot.deals import moving
from bot.deals.notes import show_playbook
from bot.deals.outcomes import Shown, Ticked
from bot.deals.showing import card_to_change, deal_history, show_deal
from bot.deals.ticking import set_ticks
from bot.slack import request_log
from bot.slack.listeners.events import publish_home
from bot.slack.listeners.evidence import ask_evidence, ask_others
from bot.slack.listeners.owner_notices import tell_owners
from bot.slack.runtime import (
    Body,
    Outsider,
    Runtime,
    after_ack,
    clicked,
    guarded,
    mapping,
    text_or_none,
)
from bot.views.ids import ActionId, ModalMeta, ReplyTarget, parse_checklist_block_id
from bot.views.ids import DealRef as CardRef
from bot.views.message import Message
from bot.views.modals import branch_modal, evidence_modal
from bot.views.more_menu import parse_overflow_value
from bot.views.outcomes import outcome_message
from flows.i18n import _
from flows.machine import Move


def register(app: AsyncApp, runtime: Runtime) -> None:
    handlers = {
        ActionId.EXIT_ITEMS: _on_exit_items,
        ActionId.ADVANCE: _on_advance,
        ActionId.PLAYBOOK: _on_playbook,
        ActionId.HISTORY: _on_history,
        ActionId.MORE: _on_more,
        ActionId.EVIDENCE: _on_evidence,
        ActionId.SHOW: _on_show,
        ActionId.FULL_CARD: _on_full_card,
        ActionId.REFRESH_HOME: _on_refresh_home,
    }
    for action_id, handler in handlers.items():
        app.action(action_id.value)(guarded(runtime, acking(runtime, handler)))
    # Anything else (an old card, a forged action id) gets a clear answer, not a 404.
    app.action(re.compile(".*"))(guarded(runtime, acking(runtime, _on_unknown)))


def acking(runtime: Runtime, handler: Any) -> Any:
    """A click's listener: acknowledge, read who clicked what, run `handler` after."""

    async def run(ack: Any, body: Body) -> None:
        await ack()
        click = clicked(body)
        if isinstance(click, Outsider):
            return refuse_outsider(runtime, body)
        if click is None:
            return
        actor, action = click
        after_ack(
            runtime,
            body,
            handler(runtime, body, actor, action),
            name=f"action {action.get('action_id')}",
        )

    return run


def refuse_outsider(runtime: Runtime, body: Body) -> None:
    """Tell someone from another organisation, beside what they clicked, that they may not
    use the bot (bot.core.access.outsider_refused); nothing is read or changed."""
    url = body.get("response_url")
    if isinstance(url, str):
        after_ack(runtime, body, _tell_outsider(runtime, url), name="refuse an outsider")


async def _tell_outsider(runtime: Runtime, response_url: str) -> None:
    message = outcome_message(request_log.noted(outsider_refused()))
    await runtime.replies.to_response_url(response_url, message, replace=False)


async def reply_in_place(
    runtime: Runtime, body: Body, actor: Actor, message: Message, *, replace: bool = True
) -> None:
    """Replace the card (or add beside it); from App Home, which has no response URL, DM it."""
    url = body.get("response_url")
    if isinstance(url, str) and await runtime.replies.to_response_url(
        url, message, replace=replace
    ):
        return
    await runtime.replies.post(channel=actor.user_id, message=message)


async def _refuse(runtime: Runtime, body: Body, actor: Actor) -> None:
    message = outcome_message(
        request_log.noted(
            Failure(
                _("this button is out of date or not one of ours"),
                _("run /deal show to get a fresh card"),
            )
        )
    )
    await reply_in_place(runtime, body, actor, message, replace=False)


async def _on_exit_items(
    runtime: Runtime, body: Body, actor: Actor, action: dict[str, Any]
) -> None:
    card = parse_checklist_block_id(action.get("block_id"))
    selected = action.get("selected_options")
    if card is None or not isinstance(selected, list):
        return await _refuse(runtime, body, actor)
    values = [str(option.get("value")) for option in selected if isinstance(option, dict)]
    outcome = await set_ticks(runtime.services, actor, _seen(card), selection=values)
    if isinstance(outcome, Ticked) and outcome.waiting:
        # First, while the click's trigger_id is fresh (3 s): the form for the values.
        await ask_evidence(runtime, body, outcome, reply=reply_target(body))
    await reply_in_place(runtime, body, actor, outcome_message(request_log.noted(outcome)))
    if isinstance(outcome, Ticked) and outcome.asks_others:
        await ask_others(runtime, outcome, actor)
    tell_owners(runtime, body, actor, outcome)


def _seen(card: CardRef) -> SeenDeal:
    """A change from a card: its deal, and the stage the card showed (stale if it moved)."""
    return SeenDeal(card.deal_id, card.stage)


async def _on_advance(runtime: Runtime, body: Body, actor: Actor, action: dict[str, Any]) -> None:
    card = CardRef.loads(action.get("value"))
    if card is None:
        return await _refuse(runtime, body, actor)
    outcome = await moving.advance(runtime.services, actor, _seen(card))
    await reply_in_place(runtime, body, actor, outcome_message(request_log.noted(outcome)))
    tell_owners(runtime, body, actor, outcome)


DealRead = Callable[[Services, Actor, DealRef], Awaitable[Outcome]]


def _shown_beside(read: DealRead, *, replace: bool = False) -> Any:
    """A button that shows something about its deal (playbook, history, the card) in a
    new message beside the one clicked, or (`replace`) in its place."""

    async def handle(runtime: Runtime, body: Body, actor: Actor, action: dict[str, Any]) -> None:
        card = CardRef.loads(action.get("value"))
        if card is None:
            return await _refuse(runtime, body, actor)
        # A read shows the deal as it is now, whatever stage the card showed: by number.
        outcome = await read(runtime.services, actor, DealNumber(card.deal_id))
        await reply_in_place(
            runtime, body, actor, outcome_message(request_log.noted(outcome)), replace=replace
        )

    return handle


async def _playbook(services: Services, actor: Actor, ref: DealRef) -> Outcome:
    return await show_playbook(services, actor, None, ref=ref)


_on_playbook = _shown_beside(_playbook)
_on_history = _shown_beside(deal_history)
_on_show = _shown_beside(show_deal)
# The reply to a change shows the checklist; its Full card button puts the card in its place.
_on_full_card = _shown_beside(show_deal, replace=True)


async def _on_more(runtime: Runtime, body: Body, actor: Actor, action: dict[str, Any]) -> None:
    selected = action.get("selected_option")
    parsed = parse_overflow_value(selected.get("value") if isinstance(selected, dict) else None)
    if parsed is None:
        return await _refuse(runtime, body, actor)
    move_name, card = parsed
    await _open_deal_modal(runtime, body, actor, card, move_name)


async def _on_evidence(runtime: Runtime, body: Body, actor: Actor, action: dict[str, Any]) -> None:
    card = CardRef.loads(action.get("value"))
    if card is None:
        return await _refuse(runtime, body, actor)
    await _open_deal_modal(runtime, body, actor, card, "evidence")


async def _open_deal_modal(
    runtime: Runtime, body: Body, actor: Actor, card: CardRef, move_name: str
) -> None:
    shown = await card_to_change(
        runtime.services, actor, DealNumber(card.deal_id), override=move_name == Move.OVERRIDE
    )
    if not isinstance(shown, Shown):
        return await reply_in_place(
            runtime, body, actor, outcome_message(request_log.noted(shown)), replace=False
        )
    meta = ModalMeta(
        deal_id=card.deal_id, stage=card.stage, move=move_name, reply=reply_target(body)
    )
    view = _modal_for(shown, move_name, meta)
    if view is None:
        return await _refuse(runtime, body, actor)
    await runtime.replies.open_modal(trigger_id=str(body.get("trigger_id")), view=view)


def _modal_for(shown: Shown, move_name: str, meta: ModalMeta) -> Any:
    if move_name == "evidence":
        return evidence_modal(shown.card, private_metadata=meta.dumps())
    base, _sep, target = move_name.partition(":")
    try:
        move = Move(base)
    except ValueError:
        return None
    return branch_modal(shown.card, move, private_metadata=meta.dumps(), reopen_to=target or None)


def reply_target(body: Body) -> ReplyTarget:
    container = mapping(body.get("container"))
    return ReplyTarget(
        response_url=text_or_none(body.get("response_url")),
        channel_id=text_or_none(container.get("channel_id")),
        message_ts=text_or_none(container.get("message_ts")),
    )


async def _on_refresh_home(
    runtime: Runtime, body: Body, actor: Actor, action: dict[str, Any]
) -> None:
    await publish_home(runtime, actor)


async def _on_unknown(runtime: Runtime, body: Body, actor: Actor, action: dict[str, Any]) -> None:
    await _refuse(runtime, body, actor)
