"""Approve and Reject, the buttons of an approval request (docs/approvals.md), in the
approver's DM or the map's channel. The button names only the request; the use case reads
the rest from the database. Approve answers in place of the request; Reject first opens a
form for the reason (refused at the click when the user may not answer). The form's
submission is in bot.slack.listeners.views."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.core.context import Actor
from bot.core.outcomes import Failure
from bot.core.slack_ids import is_direct_message
from bot.deals.approving import RejectForm, approve, to_reject
from bot.deals.outcomes import Approved, Rejected
from bot.slack import request_log
from bot.slack.listeners.actions import acking, reply_in_place, reply_target
from bot.slack.listeners.evidence import SLACK_REFUSED
from bot.slack.listeners.owner_notices import tell_owners
from bot.slack.runtime import Body, Runtime, guarded, mapping, text_or_none
from bot.slack.sending import log_failure
from bot.slack.user_locales import post_in_their_language
from bot.views.approvals import answered_notice, reject_modal
from bot.views.ids import ActionId, ApprovalRef, ModalMeta, ReplyTarget
from bot.views.message import without_controls
from bot.views.outcomes import outcome_message
from flows.i18n import _


def register(app: AsyncApp, runtime: Runtime) -> None:
    handlers = {ActionId.APPROVE: _on_approve, ActionId.REJECT: _on_reject}
    for action_id, handler in handlers.items():
        app.action(action_id.value)(guarded(runtime, acking(runtime, handler)))


def clicked_in(body: Body) -> str | None:
    """The channel the click came from, as Slack's signed payload says (not the button)."""
    return text_or_none(mapping(body.get("channel")).get("id")) or text_or_none(
        mapping(body.get("container")).get("channel_id")
    )


async def _on_approve(runtime: Runtime, body: Body, actor: Actor, action: dict[str, Any]) -> None:
    ref = ApprovalRef.loads(action.get("value"))
    if ref is None:
        return await _outdated(runtime, body, actor)
    where = clicked_in(body)
    outcome = await approve(runtime.services, actor, ref.request_id, where=where)
    # Approved: the request becomes the card (in a channel, without its controls, as in a
    # deal room: everyone there sees it). Refused: the request stays, answered beside it.
    message = outcome_message(request_log.noted(outcome))
    if isinstance(outcome, Approved) and not is_direct_message(where):
        message = without_controls(message)
    await reply_in_place(runtime, body, actor, message, replace=isinstance(outcome, Approved))
    await tell_requester(runtime, outcome, actor)
    tell_owners(runtime, body, actor, outcome)


async def tell_requester(runtime: Runtime, outcome: object, actor: Actor) -> None:
    """The requester's DM, in their language: approved, or rejected and why. The answer
    stands if it fails."""
    if isinstance(outcome, Approved | Rejected):
        render = partial(answered_notice, outcome, actor.user_id)
        try:
            await post_in_their_language(runtime, actor.team_id, outcome.requested_by, render)
        except SLACK_REFUSED as error:
            log_failure(error, what=f"the answer to approval request {outcome.request_id}")


async def _on_reject(runtime: Runtime, body: Body, actor: Actor, action: dict[str, Any]) -> None:
    ref = ApprovalRef.loads(action.get("value"))
    if ref is None:
        return await _outdated(runtime, body, actor)
    where = clicked_in(body)
    form = await to_reject(runtime.services, actor, ref.request_id, where=where)
    if not isinstance(form, RejectForm):
        message = outcome_message(request_log.noted(form))
        return await reply_in_place(runtime, body, actor, message, replace=False)
    target = reply_target(body)
    meta = ModalMeta(
        deal_id=form.card.deal_id,
        stage=form.card.stage.id,
        move="reject",
        item=str(ref.request_id),
        # the channel it was clicked in, which a channel's approver must answer from
        reply=ReplyTarget(target.response_url, where, target.message_ts),
    )
    view = reject_modal(form.card, form.item_id, private_metadata=meta.dumps())
    await runtime.replies.open_modal(trigger_id=str(body.get("trigger_id")), view=view)


async def _outdated(runtime: Runtime, body: Body, actor: Actor) -> None:
    message = outcome_message(
        request_log.noted(
            Failure(_("this button is out of date or not one of ours"), _("run /deal show"))
        )
    )
    await reply_in_place(runtime, body, actor, message, replace=False)
