"""Accept, the button of a handoff in the owning team's channel (docs/handoffs.md): the
clicker takes the deal once; the handoff then says who holds it. A second Accept, or one
after the deal moved on, changes nothing and says why beside the message. The handoff's
post itself is bot/slack/handoff_posts.py, started beside the owner's DM (owner_notices)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.core.context import Actor
from bot.core.outcomes import Failure
from bot.deals.handoffs import accept_handoff
from bot.deals.outcomes import HandoffAccepted
from bot.slack import request_log
from bot.slack.handoff_posts import show_holder
from bot.slack.listeners.actions import acking, reply_in_place
from bot.slack.rooms import refresh_pinned_card
from bot.slack.runtime import Body, Runtime, guarded, mapping, text_or_none
from bot.views.ids import ActionId
from bot.views.outcomes import outcome_message
from flows.i18n import _


def register(app: AsyncApp, runtime: Runtime) -> None:
    app.action(ActionId.HANDOFF_ACCEPT.value)(guarded(runtime, acking(runtime, _on_accept)))


async def _on_accept(runtime: Runtime, body: Body, actor: Actor, action: dict[str, Any]) -> None:
    value = str(action.get("value") or "")
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        failure = Failure(_("this button is out of date or not one of ours"), _("run /deal show"))
        message = outcome_message(request_log.noted(failure))
        return await reply_in_place(runtime, body, actor, message, replace=False)
    outcome = await accept_handoff(runtime.services, actor, int(value))
    if isinstance(outcome, HandoffAccepted) and not outcome.already:
        container = mapping(body.get("container"))
        channel, ts = (
            text_or_none(container.get("channel_id")),
            text_or_none(container.get("message_ts")),
        )
        clicked = (channel, ts) if channel and ts else None
        await show_holder(runtime, actor.team_id, outcome.notice, clicked=clicked)
        await refresh_pinned_card(runtime, actor, outcome.notice.deal_id)
    message = outcome_message(request_log.noted(outcome))
    await reply_in_place(runtime, body, actor, message, replace=False)
