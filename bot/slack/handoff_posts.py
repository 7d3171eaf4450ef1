"""Posting handoffs (docs/handoffs.md): the team's message after a move hands a deal over
(bot.deals.handoffs decides and records it), the updates Accept makes to it, and the one
reminder the scheduler claims after the stage's SLA (bot.digests.handoff_nudges).
"""

from __future__ import annotations

import logging

from bot.core.context import Actor, Services
from bot.deals.handoffs import handoff_notice, posted
from bot.deals.outcomes import HandoffNotice, Moved
from bot.deals.rooms import room_of
from bot.digests.claims import Claim
from bot.digests.handoff_nudges import reminder_text, still_waiting
from bot.slack.dm_batches import SLACK_REFUSED
from bot.slack.posting import Delivery, Poster
from bot.slack.replies import Replies, naming
from bot.slack.runtime import Body, Runtime, after_ack
from bot.slack.sending import log_failure
from bot.slack.user_locales import speaking
from bot.views.blocks import section
from bot.views.handoff import handoff_message
from bot.views.message import Message
from bot.views.mrkdwn import escape
from flows.i18n import _
from storage.digest_models import Nudge

log = logging.getLogger(__name__)


async def post_handoff(replies: Replies, notice: HandoffNotice) -> str | None:
    """Post the handoff to the team's channel; the message's ts, or None when Slack
    refused (the bot not in the channel, above all): logged, the move stands."""
    try:
        async with naming("chat.postMessage"):
            answer = await replies.client.chat_postMessage(
                channel=notice.channel_id, **handoff_message(notice).to_dict()
            )
    except SLACK_REFUSED as error:
        log_failure(error, what=f"the handoff of deal {notice.deal_id} to {notice.channel_id}")
        return None
    return str(answer.get("ts"))


def not_posted(notice: HandoffNotice) -> Message:
    """What the person who moved the deal is told when the team's channel refused it."""
    text = _(
        "The handoff of {name} to {team} could not be posted in its channel: invite the "
        "bot there (/invite @stagecoach), or ask an admin to change it with /deal owners"
    ).format(name=notice.name, team=notice.team)
    return Message(text=text, blocks=[section(escape(text))])


async def hand_over(runtime: Runtime, team_id: str, handoff_id: int) -> Message | None:
    """Post handoff `handoff_id` once, in the language of where it goes (the team's
    channel: the workspace's); a message for the mover, in theirs, when it could not be."""
    services = runtime.services
    notice = await handoff_notice(services, team_id, handoff_id)
    if notice is None or notice.message_ts is not None:
        return None
    async with speaking(runtime, team_id, notice.channel_id):
        ts = await post_handoff(runtime.replies, notice)
    async with speaking(runtime, team_id):  # a deal's room is a channel
        await _copy_to_room(runtime.replies, services, notice)
    if ts is None:
        return not_posted(notice)
    await posted(services, handoff_id, ts)
    return None


async def _copy_to_room(replies: Replies, services: Services, notice: HandoffNotice) -> None:
    """The same handoff in the deal's room (docs/deal-rooms.md), if it has one: the people
    working the deal see who it went to, and Accept works on this copy too."""
    room = await room_of(services, notice.deal_id)
    if room is None or room == notice.channel_id:
        return
    try:
        async with naming("chat.postMessage"):
            await replies.client.chat_postMessage(channel=room, **handoff_message(notice).to_dict())
    except SLACK_REFUSED as error:
        log_failure(error, what=f"the handoff of deal {notice.deal_id} in its room {room}")


async def show_holder(
    runtime: Runtime, team_id: str, notice: HandoffNotice, *, clicked: tuple[str, str] | None
) -> None:
    """Accepted: the handoff, and the copy clicked if that was another message (a
    reminder, a copy in a deal's room), now say who holds it, without the button, in the
    language each was posted in."""
    shown = {(notice.channel_id, notice.message_ts), clicked or (notice.channel_id, None)}
    for channel, ts in shown:
        if ts is None:
            continue
        async with speaking(runtime, team_id, channel):
            message = handoff_message(notice)
        try:
            await runtime.replies.update(channel=channel, ts=ts, message=message)
        except SLACK_REFUSED as error:  # deleted meanwhile: the card says who holds it
            log_failure(error, what=f"updating the handoff of deal {notice.deal_id}")


async def deliver_handoff_nudge(poster: Poster, claim: Claim, nudge: Nudge) -> Delivery:
    """Remind the team's channel, once, of a handoff nobody accepted within the SLA."""
    services = poster.services
    waiting = await still_waiting(services, nudge)
    notice = None if waiting is None else await handoff_notice(services, nudge.team_id, waiting)
    if notice is None or notice.accepted_by is not None:
        return await poster.drop(claim)
    # The team's channel speaks the workspace's language; a person named instead, theirs.
    async with speaking(poster, nudge.team_id, notice.channel_id):
        reminder = reminder_text(notice, nudge, now=services.clock())
        message = handoff_message(notice, reminder=reminder)
    return await poster.post_message(
        claim, channel=notice.channel_id, message=message, what="handoff reminder"
    )


def hand_over_after(runtime: Runtime, body: Body, actor: Actor, outcome: object) -> None:
    """A move into another team's stage (from a command, a click or a form): post its
    handoff once Slack has the answer; the mover hears if the channel refused it."""
    if not isinstance(outcome, Moved) or outcome.handoff_id is None:
        return
    handoff_id = outcome.handoff_id

    async def post() -> None:
        refused = await hand_over(runtime, actor.team_id, handoff_id)
        url = body.get("response_url")
        if refused is not None and isinstance(url, str):
            await runtime.replies.to_response_url(url, refused, replace=False)

    after_ack(runtime, body, post(), name="post the handoff")
