"""`/deal`: parse, run the use case, answer with the result in the acknowledgement.

Answering inline is the fast path (one indexed read or write and a render, a few ms):
no Web API round trip and no wait for Bolt's ack polling. What needs the Web API (a
modal) is started after the acknowledgement.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.commands import HelpRequested, NewDealForm, ParseError, parse, run_command
from bot.core.access import outsider_refused
from bot.core.context import Actor
from bot.core.slack_text import from_slack
from bot.deals.feedback import FeedbackClosed
from bot.deals.outcomes import EditForm, MapPicture, SentBack, Ticked
from bot.deals.room_outcomes import RoomWanted
from bot.digests.content import DigestPreview
from bot.onboarding.outcomes import Delivery
from bot.reporting.outcomes import ActualFlowReport
from bot.slack import request_log
from bot.slack.listeners.evidence import follow_up_tick, needs_follow_up, tell_owner
from bot.slack.listeners.owner_notices import tell_owners
from bot.slack.pictures import upload_actual_flow, upload_map, upload_preview_chart
from bot.slack.rooms import make_room
from bot.slack.runtime import Body, Outsider, Runtime, actor_from, after_ack, guarded
from bot.slack.user_locales import post_in_their_language, speaking
from bot.views.edit_form import edit_modal
from bot.views.help import help_message, parse_error_message
from bot.views.ids import ModalMeta, ReplyTarget
from bot.views.modals import new_deal_modal
from bot.views.onboarding import direct_note
from bot.views.outcomes import outcome_message
from flows.i18n import _

COMMAND = "/deal"


def register(app: AsyncApp, runtime: Runtime) -> None:
    async def on_deal(ack: Any, body: Body) -> None:
        actor = actor_from(body)
        if actor is None:
            request_log.note_refused()
            await ack(text=_("This request has no user or workspace; nothing was done."))
            return
        if isinstance(actor, Outsider):
            await ack(
                response_type="ephemeral",
                **outcome_message(request_log.noted(outsider_refused())).to_dict(),
            )
            return
        parsed = parse(from_slack(str(body.get("text") or "")))
        if isinstance(parsed, ParseError):
            request_log.note_outcome(parsed)
            await ack(response_type="ephemeral", **parse_error_message(parsed).to_dict())
            return
        request_log.note_verb(parsed.spec.name)
        answer = await run_command(runtime.services, actor, parsed)
        request_log.note_outcome(answer)
        await _acknowledge(runtime, ack, body, actor, answer)
        if isinstance(answer, Ticked) and needs_follow_up(answer):
            work = follow_up_tick(runtime, body, answer, actor, reply=_reply_to(body))
            after_ack(runtime, body, work, name="after a tick")
        if isinstance(answer, SentBack):
            after_ack(runtime, body, tell_owner(runtime, answer, actor), name="tell the owner")
        tell_owners(runtime, body, actor, answer)
        if isinstance(answer, FeedbackClosed):
            work = _tell_author(runtime, actor, answer)
            after_ack(runtime, body, work, name="tell the feedback's author")
        if isinstance(answer, Delivery):  # e.g. the onboarding tour: it lives in the DM
            _deliver(runtime, body, actor, answer)

    app.command(COMMAND)(guarded(runtime, on_deal))


async def _acknowledge(runtime: Runtime, ack: Any, body: Body, actor: Actor, answer: Any) -> None:
    """Answer in the acknowledgement; what needs the Web API (a modal, a file) starts after."""
    if isinstance(answer, HelpRequested):
        await ack(response_type="ephemeral", **help_message(answer.topic).to_dict())
    elif isinstance(answer, NewDealForm):
        await ack()
        after_ack(runtime, body, _open_new_deal(runtime, body), name="open new-deal modal")
    elif isinstance(answer, EditForm):
        await ack()
        after_ack(runtime, body, _open_edit(runtime, body, answer), name="open edit modal")
    else:
        await ack(response_type="ephemeral", **outcome_message(answer).to_dict())
    if isinstance(answer, MapPicture):
        after_ack(runtime, body, upload_map(runtime, actor, answer), name="upload map")
    if isinstance(answer, ActualFlowReport):
        work = upload_actual_flow(runtime, actor, answer)
        after_ack(runtime, body, work, name="upload actual flow")
    if isinstance(answer, DigestPreview):
        work = upload_preview_chart(runtime, actor, answer)
        after_ack(runtime, body, work, name="digest preview chart")
    if isinstance(answer, RoomWanted):
        work = make_room(runtime, actor, answer, _reply_to(body))
        after_ack(runtime, body, work, name="make a deal room")


def _deliver(runtime: Runtime, body: Body, actor: Actor, delivery: Delivery) -> None:
    """The content to its DM, and each copy (the admins told of a new team member) to theirs,
    each in its recipient's language (someone onboarded by an admin reads their own)."""
    content = delivery.content
    render = partial(outcome_message, content)
    work = post_in_their_language(runtime, actor.team_id, delivery.to_user, render)
    after_ack(runtime, body, work, name="DM delivery")
    for copy in delivery.copies:
        render = partial(direct_note, copy)
        work = post_in_their_language(runtime, actor.team_id, copy.to_user, render)
        after_ack(runtime, body, work, name="DM copy")


async def _tell_author(runtime: Runtime, actor: Actor, closed: FeedbackClosed) -> None:
    """The author's DM about their feedback marked done, in the author's language."""
    async with speaking(runtime, actor.team_id, closed.line.entry.author_id):
        await runtime.feedback_notices.tell(runtime.replies, actor, closed)


async def _open_new_deal(runtime: Runtime, body: Body) -> None:
    # The modal remembers where to answer: the command's response URL and channel.
    meta = ModalMeta(reply=_reply_to(body))
    view = new_deal_modal(private_metadata=meta.dumps())
    await runtime.replies.open_modal(trigger_id=str(body.get("trigger_id")), view=view)


async def _open_edit(runtime: Runtime, body: Body, form: EditForm) -> None:
    card = form.card
    meta = ModalMeta(deal_id=card.deal_id, stage=card.stage.id, move="edit", reply=_reply_to(body))
    view = edit_modal(card, private_metadata=meta.dumps())
    await runtime.replies.open_modal(trigger_id=str(body.get("trigger_id")), view=view)


def _reply_to(body: Body) -> ReplyTarget:
    return ReplyTarget(response_url=body.get("response_url"), channel_id=body.get("channel_id"))
