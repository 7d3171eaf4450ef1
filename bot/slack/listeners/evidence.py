"""What follows a tick: the evidence form for the items that wait for a value (at once,
on the click's or the command's trigger_id, which Slack honours for 3 seconds), and a DM
to each validator for the items that wait for validation (`validate: manager`), and each
approval request to its approvers (`approval:`, docs/approvals.md); and what follows a
send-back: the owner's DM saying what is missing. Each DM speaks its recipient's language
(bot.slack.user_locales `speaking`), whatever the language of whoever ticked."""

from __future__ import annotations

from functools import partial

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.core.context import Actor
from bot.deals.outcomes import ApprovalAsked, SentBack, Ticked
from bot.slack.runtime import Body, Runtime
from bot.slack.sending import log_failure
from bot.slack.user_locales import post_in_their_language, speaking
from bot.views.approvals import approval_request, approval_unsent
from bot.views.ids import ModalMeta, ReplyTarget
from bot.views.modals import evidence_modal
from bot.views.validation import sent_back_notice, validation_requests

# What Slack answering no, or not at all, raises from the Web API client.
SLACK_REFUSED = (SlackApiError, aiohttp.ClientError, TimeoutError)


def needs_follow_up(outcome: object) -> bool:
    return isinstance(outcome, Ticked) and bool(outcome.waiting or outcome.asks_others)


async def follow_up_tick(
    runtime: Runtime, body: Body, ticked: Ticked, actor: Actor, *, reply: ReplyTarget
) -> None:
    """The form, then the validators' DMs. Neither failing stops the other, nor the card's
    reply: the card's notice already says how to give a value by command."""
    if ticked.waiting:
        await ask_evidence(runtime, body, ticked, reply=reply)
    await ask_others(runtime, ticked, actor)


async def ask_others(runtime: Runtime, ticked: Ticked, actor: Actor) -> None:
    """The validators of what was ticked, and the approvers of what asks for approval."""
    if ticked.to_validate:
        await ask_validators(runtime, ticked, actor)
    if ticked.approvals:
        await ask_approvers(runtime, ticked, actor)


async def ask_evidence(runtime: Runtime, body: Body, ticked: Ticked, *, reply: ReplyTarget) -> None:
    """Open the form for the items that wait for a value; its answer replaces the card at
    `reply`. A form Slack will not open (an expired trigger) is logged, not raised."""
    card = ticked.card
    meta = ModalMeta(deal_id=card.deal_id, stage=card.stage.id, move="evidence", reply=reply)
    view = evidence_modal(card, private_metadata=meta.dumps(), items=ticked.waiting)
    try:
        await runtime.replies.open_modal(trigger_id=str(body.get("trigger_id")), view=view)
    except SLACK_REFUSED as error:
        log_failure(error, what=f"the evidence form for deal {card.deal_id}")


async def ask_validators(runtime: Runtime, ticked: Ticked, actor: Actor) -> None:
    """One DM per item to each validator, in their language, with Validate and Send back;
    one that cannot be reached (a user gone from the workspace) does not keep the others
    from being asked."""
    for validator in ticked.validators:
        async with speaking(runtime, actor.team_id, validator):
            messages = validation_requests(ticked, actor.user_id)
        for message in messages:
            try:
                await runtime.replies.post(channel=validator, message=message)
            except SLACK_REFUSED as error:
                log_failure(error, what=f"validation request to {validator}")


async def ask_approvers(runtime: Runtime, ticked: Ticked, actor: Actor) -> None:
    """Each request to each person asked (a DM, in their language), or to the map's
    channel (one post, in the workspace's); one that cannot be reached does not keep the
    others from being asked."""
    for asked in ticked.approvals:
        for recipient in asked.asked:
            render = partial(approval_request, ticked.card, asked)
            try:
                await post_in_their_language(runtime, actor.team_id, recipient, render)
            except SLACK_REFUSED as error:
                log_failure(error, what=f"approval request {asked.request_id} to {recipient}")
                await _tell_unsent(runtime, actor, ticked, asked, recipient, error)


async def _tell_unsent(
    runtime: Runtime,
    actor: Actor,
    ticked: Ticked,
    asked: ApprovalAsked,
    recipient: str,
    error: Exception,
) -> None:
    """The requester learns that a request did not arrive (a channel the bot is not in,
    most often), and what to do, instead of waiting for an answer that cannot come."""
    said = error.response.get("error") if isinstance(error, SlackApiError) else None
    render = partial(
        approval_unsent, ticked.card, asked, recipient, said=str(said or type(error).__name__)
    )
    try:
        await post_in_their_language(runtime, actor.team_id, asked.requested_by, render)
    except SLACK_REFUSED as again:
        log_failure(again, what=f"the unsent notice of approval request {asked.request_id}")


async def tell_owner(runtime: Runtime, sent_back: SentBack, actor: Actor) -> None:
    """The owner's DM, in their language: what the validator found missing."""
    render = partial(sent_back_notice, sent_back, actor.user_id)
    await post_in_their_language(runtime, actor.team_id, sent_back.owner_id, render)
