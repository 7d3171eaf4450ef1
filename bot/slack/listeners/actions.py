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

from bot.core.context import Actor, Services
from bot.core.outcomes import Failure, Outcome
from bot.deals import deals, moving, notes, ticking
from bot.deals.outcomes import Shown
from bot.slack.listeners.events import publish_home
from bot.slack.runtime import (
    Body,
    Runtime,
    actor_from,
    after_ack,
    guarded,
    mapping,
    text_or_none,
)
from bot.views.ids import ActionId, DealRef, ModalMeta, ReplyTarget, parse_checklist_block_id
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
        ActionId.REFRESH_HOME: _on_refresh_home,
    }
    for action_id, handler in handlers.items():
        app.action(action_id.value)(guarded(runtime, _acking(runtime, handler)))
    # Anything else (an old card, a forged action id) gets a clear answer, not a 404.
    app.action(re.compile(".*"))(guarded(runtime, _acking(runtime, _on_unknown)))


def _acking(runtime: Runtime, handler: Any) -> Any:
    async def run(ack: Any, body: Body) -> None:
        await ack()
        actor = actor_from(body)
        action = _first_action(body)
        if actor is None or action is None:
            return
        after_ack(
            runtime,
            body,
            handler(runtime, body, actor, action),
            name=f"action {action.get('action_id')}",
        )

    return run


def _first_action(body: Body) -> dict[str, Any] | None:
    actions = body.get("actions")
    if isinstance(actions, list) and actions and isinstance(actions[0], dict):
        return actions[0]
    return None


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
        Failure(
            _("this button is out of date or not one of ours"),
            _("run /deal show to get a fresh card"),
        )
    )
    await reply_in_place(runtime, body, actor, message, replace=False)


async def _on_exit_items(
    runtime: Runtime, body: Body, actor: Actor, action: dict[str, Any]
) -> None:
    ref = parse_checklist_block_id(action.get("block_id"))
    selected = action.get("selected_options")
    if ref is None or not isinstance(selected, list):
        return await _refuse(runtime, body, actor)
    values = [str(option.get("value")) for option in selected if isinstance(option, dict)]
    outcome = await ticking.set_ticks(
        runtime.services, actor, f"#{ref.deal_id}", selection=values, expected_stage=ref.stage
    )
    await reply_in_place(runtime, body, actor, outcome_message(outcome))


async def _on_advance(runtime: Runtime, body: Body, actor: Actor, action: dict[str, Any]) -> None:
    ref = DealRef.loads(action.get("value"))
    if ref is None:
        return await _refuse(runtime, body, actor)
    outcome = await moving.advance(
        runtime.services, actor, f"#{ref.deal_id}", expected_stage=ref.stage
    )
    await reply_in_place(runtime, body, actor, outcome_message(outcome))


DealRead = Callable[[Services, Actor, str], Awaitable[Outcome]]


def _shown_beside(read: DealRead) -> Any:
    """A button that shows something about its deal (playbook, history, the card) in a
    new message beside the one clicked."""

    async def handle(runtime: Runtime, body: Body, actor: Actor, action: dict[str, Any]) -> None:
        ref = DealRef.loads(action.get("value"))
        if ref is None:
            return await _refuse(runtime, body, actor)
        outcome = await read(runtime.services, actor, f"#{ref.deal_id}")
        await reply_in_place(runtime, body, actor, outcome_message(outcome), replace=False)

    return handle


async def _playbook(services: Services, actor: Actor, ref: str) -> Outcome:
    return await notes.show_playbook(services, actor, None, ref=ref)


_on_playbook = _shown_beside(_playbook)
_on_history = _shown_beside(deals.deal_history)
_on_show = _shown_beside(deals.show_deal)


async def _on_more(runtime: Runtime, body: Body, actor: Actor, action: dict[str, Any]) -> None:
    selected = action.get("selected_option")
    parsed = parse_overflow_value(selected.get("value") if isinstance(selected, dict) else None)
    if parsed is None:
        return await _refuse(runtime, body, actor)
    move_name, ref = parsed
    await _open_deal_modal(runtime, body, actor, ref, move_name)


async def _on_evidence(runtime: Runtime, body: Body, actor: Actor, action: dict[str, Any]) -> None:
    ref = DealRef.loads(action.get("value"))
    if ref is None:
        return await _refuse(runtime, body, actor)
    await _open_deal_modal(runtime, body, actor, ref, "evidence")


async def _open_deal_modal(
    runtime: Runtime, body: Body, actor: Actor, ref: DealRef, move_name: str
) -> None:
    shown = await deals.show_deal(runtime.services, actor, f"#{ref.deal_id}")
    if not isinstance(shown, Shown):
        return await reply_in_place(runtime, body, actor, outcome_message(shown), replace=False)
    meta = ModalMeta(
        deal_id=ref.deal_id, stage=ref.stage, move=move_name, reply=_reply_target(body)
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


def _reply_target(body: Body) -> ReplyTarget:
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
