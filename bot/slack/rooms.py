"""The Slack side of deal rooms (bot.deals.rooms, docs/deal-rooms.md), after the
acknowledgement: make the channel under the first free name, bind the deal to it, invite
the owner, whoever asked and the owning team's user group, post the card and pin it, then
say how it went. Once the
channel is made the room counts: what Slack refuses after that is said, not undone.
Later, each stage change of the deal is posted there and the pinned card kept current (all
in the workspace's language: a channel has no one language),
and a handoff to another team invites that team's group (`invite_team`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.context import Actor
from bot.core.outcomes import DealCard, Outcome
from bot.deals.lookup import card_by_number
from bot.deals.outcomes import Moved
from bot.deals.room_outcomes import (
    OwningTeam,
    RoomMade,
    RoomNotMade,
    RoomProblem,
    RoomStep,
    RoomWanted,
)
from bot.deals.rooms import (
    Room,
    card_pinned,
    room_made,
    room_record,
    room_refused,
    team_to_invite,
)
from bot.slack.runtime import Runtime
from bot.slack.sending import Sent, attempt
from bot.slack.user_locales import speaking
from bot.views.ids import ReplyTarget
from bot.views.outcomes import outcome_message
from bot.views.rooms import room_card_message, room_move_message

NAME_TAKEN = "name_taken"
ALREADY_IN = "already_in_channel"  # the owner asked for the room themselves: not a problem


@dataclass(frozen=True, slots=True)
class Channel:
    id: str
    name: str


async def make_room(runtime: Runtime, actor: Actor, wanted: RoomWanted, reply: ReplyTarget) -> None:
    made = await _create(runtime, wanted)
    if not isinstance(made, Channel):
        await room_refused(runtime.services, wanted.card.deal_id)
        await _answer(runtime, actor, reply, made)
        return
    bound = await room_made(
        runtime.services, actor, wanted.card, channel_id=made.id, name=made.name
    )
    card = bound if isinstance(bound, DealCard) else wanted.card
    problems = [] if isinstance(bound, DealCard) else [RoomProblem(RoomStep.BIND, bound.message)]
    members = await _members(runtime, wanted.team)
    if isinstance(members, RoomProblem):
        problems.append(members)
        members = ()
    invite = tuple(dict.fromkeys((*wanted.invite, *members)))
    problems += await _invite(runtime, made.id, invite)
    problems += await _pin_card(runtime, actor.team_id, made.id, card)
    failed = {problem.user_id for problem in problems}
    invited = tuple(user for user in invite if user not in failed)
    made_room = RoomMade(card, made.id, made.name, invited, tuple(problems), wanted.team)
    await _answer(runtime, actor, reply, made_room)


async def _create(runtime: Runtime, wanted: RoomWanted) -> Channel | RoomNotMade:
    """The channel under the first name Slack does not say is taken."""
    tried: list[str] = []
    error = NAME_TAKEN
    for name in wanted.names:
        tried.append(name)
        what = f"making #{name} for deal {wanted.card.deal_id}"
        result = await attempt(runtime.client.conversations_create(name=name), what=what)
        if isinstance(result, Sent):
            return Channel(str(result.response["channel"]["id"]), name)
        error = result.error
        if error != NAME_TAKEN:
            break
    return RoomNotMade(wanted.card.deal_id, wanted.card.name, tuple(tried), error)


async def _invite(runtime: Runtime, channel_id: str, users: tuple[str, ...]) -> list[RoomProblem]:
    """One call per person, so one who cannot be invited (a guest) stops nobody else."""
    problems = []
    for user in users:
        call = runtime.client.conversations_invite(channel=channel_id, users=user)
        result = await attempt(call, what=f"inviting {user} to {channel_id}")
        if not isinstance(result, Sent) and result.error != ALREADY_IN:
            problems.append(RoomProblem(RoomStep.INVITE, result.error, user))
    return problems


async def _members(runtime: Runtime, team: OwningTeam | None) -> tuple[str, ...] | RoomProblem:
    """The members of the team's user group (none without one), or Slack's refusal to
    list them (`missing_scope` before a reinstall, `no_such_subteam` once deleted)."""
    if team is None or team.usergroup_id is None:
        return ()
    call = runtime.client.usergroups_users_list(usergroup=team.usergroup_id)
    listed = await attempt(call, what=f"the members of {team.owner}'s group {team.usergroup_id}")
    if not isinstance(listed, Sent):
        return RoomProblem(RoomStep.TEAM, listed.error, team=team.owner)
    return tuple(str(user) for user in listed.response.get("users") or ())


async def invite_team(runtime: Runtime, team_id: str, deal_id: int, owner: str) -> None:
    """A deal with a room was handed to `owner`'s team: invite its group's members there.
    After the acknowledgement; what Slack refuses is logged (the handoff stands)."""
    invite = await team_to_invite(runtime.services, team_id, deal_id, owner)
    if invite is None:
        return
    members = await _members(runtime, invite.team)
    if isinstance(members, tuple):  # each refusal (to list, to invite) is logged by attempt()
        await _invite(runtime, invite.channel_id, members)


async def _pin_card(
    runtime: Runtime, team_id: str, channel_id: str, card: DealCard
) -> list[RoomProblem]:
    async with speaking(runtime, team_id):  # a channel: the workspace's language
        message = room_card_message(card)
    call = runtime.client.chat_postMessage(channel=channel_id, **message.to_dict())
    posted = await attempt(call, what=f"the card in {channel_id}")
    if not isinstance(posted, Sent):
        return [RoomProblem(RoomStep.CARD, posted.error)]
    ts = str(posted.response["ts"])
    pin = runtime.client.pins_add(channel=channel_id, timestamp=ts)
    pinned = await attempt(pin, what=f"pinning the card in {channel_id}")
    if not isinstance(pinned, Sent):
        return [RoomProblem(RoomStep.PIN, pinned.error)]
    await card_pinned(runtime.services, card.deal_id, ts)
    return []


async def _answer(runtime: Runtime, actor: Actor, reply: ReplyTarget, outcome: Outcome) -> None:
    """To the command's response URL; without one that works, by DM."""
    message = outcome_message(outcome)
    if await runtime.replies.to_response_url(reply.response_url, message, replace=False):
        return
    await runtime.replies.post(channel=actor.user_id, message=message)


async def post_move(runtime: Runtime, actor: Actor, moved: Moved) -> None:
    """A stage change in the deal's room, if it has one, and its pinned card brought up to
    date. Slack refusing either (the room archived, the bot removed) is logged, not raised:
    the change is committed and answered already."""
    room = await room_record(runtime.services, moved.card.deal_id)
    if room is None:
        return
    async with speaking(runtime, actor.team_id):  # a channel: the workspace's language
        notice = room_move_message(actor.user_id, moved).to_dict()
        card = room_card_message(moved.card).to_dict()
    call = runtime.client.chat_postMessage(channel=room.channel_id, **notice)
    await attempt(call, what=f"the move of deal {moved.card.deal_id} in its room")
    await _update_pinned(runtime, room, moved.card.deal_id, card)


async def refresh_pinned_card(runtime: Runtime, actor: Actor, deal_id: int) -> None:
    """The room's pinned card brought up to date after a change that posts no move there
    (an accepted handoff: the card says who holds the stage now)."""
    room = await room_record(runtime.services, deal_id)
    if room is None or room.card_ts is None:
        return
    async with speaking(runtime, actor.team_id):  # a channel: the workspace's language
        card = await card_by_number(runtime.services, actor.team_id, deal_id)
        message = room_card_message(card).to_dict() if card else None
    if message is not None:
        await _update_pinned(runtime, room, deal_id, message)


async def _update_pinned(runtime: Runtime, room: Room, deal_id: int, card: dict[str, Any]) -> None:
    if room.card_ts is not None:
        update = runtime.client.chat_update(channel=room.channel_id, ts=room.card_ts, **card)
        await attempt(update, what=f"the pinned card of deal {deal_id}")
