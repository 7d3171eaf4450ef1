"""Validate and Send back, the buttons of the DM a validator gets for an item the map has
validated (`validate: manager`). Validate answers in place of the DM; Send back first
opens a form for what is missing (refused at the click when the user may not validate).
The form's submission is in bot.slack.listeners.views."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.core.context import Actor
from bot.core.outcomes import Failure
from bot.core.refs import SeenDeal
from bot.deals.outcomes import Shown, Validated
from bot.deals.validating import to_answer, validate
from bot.slack import request_log
from bot.slack.listeners.actions import acking, reply_in_place, reply_target
from bot.slack.runtime import Body, Runtime, guarded
from bot.views.ids import ActionId, ModalMeta, ValidationRef
from bot.views.outcomes import outcome_message
from bot.views.validation import send_back_modal
from flows.i18n import _


def register(app: AsyncApp, runtime: Runtime) -> None:
    handlers = {ActionId.VALIDATE: _on_validate, ActionId.SEND_BACK: _on_send_back}
    for action_id, handler in handlers.items():
        app.action(action_id.value)(guarded(runtime, acking(runtime, handler)))


async def _on_validate(runtime: Runtime, body: Body, actor: Actor, action: dict[str, Any]) -> None:
    ref = ValidationRef.loads(action.get("value"))
    if ref is None:
        return await _outdated(runtime, body, actor)
    outcome = await validate(
        runtime.services, actor, SeenDeal(ref.deal_id, ref.stage), ref.item_id, seen=ref.seen
    )
    # Validated: the DM becomes the card. Refused: the request stays, answered beside it.
    replace = isinstance(outcome, Validated)
    await reply_in_place(
        runtime, body, actor, outcome_message(request_log.noted(outcome)), replace=replace
    )


async def _on_send_back(runtime: Runtime, body: Body, actor: Actor, action: dict[str, Any]) -> None:
    ref = ValidationRef.loads(action.get("value"))
    if ref is None:
        return await _outdated(runtime, body, actor)
    seen = SeenDeal(ref.deal_id, ref.stage)
    shown = await to_answer(runtime.services, actor, seen, ref.item_id, seen=ref.seen)
    if not isinstance(shown, Shown):
        return await reply_in_place(
            runtime, body, actor, outcome_message(request_log.noted(shown)), replace=False
        )
    meta = ModalMeta(
        deal_id=ref.deal_id,
        stage=ref.stage,
        move="send_back",
        item=ref.item_id,
        seen=ref.seen,
        reply=reply_target(body),
    )
    view = send_back_modal(shown.card, ref.item_id, private_metadata=meta.dumps())
    await runtime.replies.open_modal(trigger_id=str(body.get("trigger_id")), view=view)


async def _outdated(runtime: Runtime, body: Body, actor: Actor) -> None:
    message = outcome_message(
        request_log.noted(
            Failure(_("this button is out of date or not one of ours"), _("run /deal show"))
        )
    )
    await reply_in_place(runtime, body, actor, message, replace=False)
