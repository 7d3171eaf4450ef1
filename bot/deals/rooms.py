"""Deal rooms (`/deal room`): a Slack channel made for one deal, bound to it, with its
card pinned and every stage change posted there (docs/deal-rooms.md).

The use case claims the room in the database before the adapter asks Slack for the
channel (bot/slack/rooms.py), so two requests at once make one channel; a claim whose
maker stopped before finishing is taken over after `STALE_CLAIM`. Once Slack made the
channel it counts, whatever Slack refuses after (an invitation, the pin).

`room_of` is the seam for whoever posts to a deal's room (the moves here; handoffs).
The owning team of the deal's stage is invited with the owner (its user group's members,
when /deal owners gave it one), and again whenever a handoff gives the deal to a new team.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from bot.core.context import Actor, Services
from bot.core.outcomes import DealCard, Done, Failure, Invalid, Outcome
from bot.core.refs import DealNumber, DealRef
from bot.deals.binding import bind_deal
from bot.deals.outcomes import Shown
from bot.deals.owning_teams import owning_team
from bot.deals.room_names import room_names
from bot.deals.room_outcomes import OwningTeam, RoomExists, RoomWanted
from bot.deals.showing import card_to_change
from flows.i18n import _
from storage import room_queries

STALE_CLAIM = dt.timedelta(minutes=2)  # far longer than the few calls that make a room


@dataclass(frozen=True, slots=True)
class Room:
    """A made room: its channel, and its pinned card's message (None: not pinned)."""

    channel_id: str
    card_ts: str | None


async def ask_room(services: Services, actor: Actor, ref: DealRef) -> Outcome:
    """Claim a room for the deal `ref` names: its link when it has one already. Who may:
    whoever may change the deal (its owner, their manager, an admin)."""
    shown = await card_to_change(services, actor, ref)
    if not isinstance(shown, Shown):
        return shown
    card = shown.card
    now = services.clock()
    async with services.db.write() as session:
        ours = await room_queries.claim(
            session, team_id=actor.team_id, deal_id=card.deal_id, user_id=actor.user_id, now=now
        )
        existing = None if ours else await room_queries.room(session, deal_id=card.deal_id)
        if existing is not None and existing.channel_id is None:
            ours = await room_queries.take_over(
                session,
                deal_id=card.deal_id,
                user_id=actor.user_id,
                now=now,
                before=now - STALE_CLAIM,
            )
    if existing is not None and existing.channel_id is not None:
        return RoomExists(card.deal_id, card.name, existing.channel_id, existing.name or "")
    if not ours:
        return Invalid(
            _("a room for {name} is being made right now").format(name=card.name),
            _("wait a few seconds, then run /deal room #{deal} for its link").format(
                deal=card.deal_id
            ),
        )
    invite = tuple(dict.fromkeys((card.owner_id, actor.user_id)))
    team = await owning_team(services, actor.team_id, card.stage.owner)
    return RoomWanted(card, room_names(card.name, card.deal_id), invite, team)


async def room_made(
    services: Services, actor: Actor, card: DealCard, *, channel_id: str, name: str
) -> DealCard | Failure:
    """Slack made the channel: it is the deal's room, and the deal is bound to it. The
    card as the binding left it, or why the binding was refused (the room still counts)."""
    async with services.db.write() as session:
        await room_queries.made(session, deal_id=card.deal_id, channel_id=channel_id, name=name)
    in_room = dataclasses.replace(actor, channel_id=channel_id)
    bound = await bind_deal(services, in_room, DealNumber(card.deal_id))
    if isinstance(bound, Failure):
        return bound
    return bound.card if isinstance(bound, Done) and bound.card is not None else card


async def room_refused(services: Services, deal_id: int) -> None:
    """Slack made no channel: forget the claim, so `/deal room` can be tried again."""
    async with services.db.write() as session:
        await room_queries.release(session, deal_id=deal_id)


async def card_pinned(services: Services, deal_id: int, card_ts: str) -> None:
    async with services.db.write() as session:
        await room_queries.pinned(session, deal_id=deal_id, card_ts=card_ts)


async def room_record(services: Services, deal_id: int) -> Room | None:
    async with services.db.quick_read() as session:
        row = await room_queries.room(session, deal_id=deal_id)
    if row is None or row.channel_id is None:
        return None
    return Room(row.channel_id, row.card_ts)


async def room_of(services: Services, deal_id: int) -> str | None:
    """The channel id of the deal's room, or None when it has none (or it is being made)."""
    room = await room_record(services, deal_id)
    return room.channel_id if room else None


@dataclass(frozen=True, slots=True)
class TeamInvite:
    """A handed-over deal's room, and the user group of the team it was handed to."""

    channel_id: str
    team: OwningTeam
    usergroup_id: str


async def team_to_invite(
    services: Services, team_id: str, deal_id: int, owner: str
) -> TeamInvite | None:
    """Whom a handoff to `owner` brings into the deal's room: None when the deal has no
    room, or the team no user group."""
    channel_id = await room_of(services, deal_id)
    if channel_id is None:
        return None
    team = await owning_team(services, team_id, owner)
    if team.usergroup_id is None:
        return None
    return TeamInvite(channel_id, team, team.usergroup_id)
