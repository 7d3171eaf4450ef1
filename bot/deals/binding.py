"""Binding a deal to a channel (a deal room), so commands there need no deal name."""

from __future__ import annotations

from bot.core.access import may_change
from bot.core.context import Actor, Services
from bot.core.outcomes import Done, Invalid, Outcome
from bot.core.refs import DealNumber, DealRef
from bot.deals.writes import Change, LostRace, change_deal
from flows.i18n import _
from storage import room_queries
from storage.models import Deal, EventKind


async def bind_deal(services: Services, actor: Actor, ref: DealRef) -> Outcome:
    """Bind a deal to the current channel (a deal room): commands there need no reference."""
    if not actor.channel_id:
        return Invalid(_("binding needs a channel"), _("run /deal bind in the deal's channel"))

    async def apply(change: Change) -> Outcome:
        taken = await _another_deals_room(change, actor.channel_id or "")
        if taken is not None:
            return taken
        previous = await change.held.lock_bound_to(actor.channel_id or "")
        replaced = previous if previous is not None and previous.id != change.deal.id else None
        # One deal per channel: the one bound before is unbound, at its version too.
        if replaced is not None and not await change.held.save(replaced, {"channel_id": None}):
            raise LostRace
        await change.save(channel_id=actor.channel_id)
        change.event(EventKind.BOUND, value=actor.channel_id)
        note = _(" (it replaces {name})").format(name=replaced.name) if replaced else ""
        return Done(
            _("{name} is now bound to this channel{note}: /deal here needs no deal name").format(
                name=change.deal.name, note=note
            ),
            card=await change.card(),
        )

    return await change_deal(services, actor, ref, apply, permission=may_change)


async def _another_deals_room(change: Change, channel_id: str) -> Invalid | None:
    """A deal room belongs to its deal: its card is pinned there and its moves are posted
    there, so binding another deal to it is refused rather than done silently."""
    session = change.held.session
    room = await room_queries.room_in(session, team_id=change.deal.team_id, channel_id=channel_id)
    if room is None or room.deal_id == change.deal.id:
        return None
    owner = await session.get(Deal, room.deal_id)
    return Invalid(
        _("this channel is the deal room of {room}: {name} cannot be bound here").format(
            room=owner.name if owner else f"#{room.deal_id}", name=change.deal.name
        ),
        _(
            "bind {name} in another channel, or give it a room of its own: /deal room #{number}"
        ).format(name=change.deal.name, number=change.deal.id),
    )


async def unbind_deal(services: Services, actor: Actor) -> Outcome:
    bound = await services.deals.bound_to(actor.team_id, actor.channel_id or "")
    if bound is None:
        return Invalid(_("no deal is bound to this channel"), _("bind one with /deal bind <deal>"))

    async def apply(change: Change) -> Outcome:
        await change.save(channel_id=None)
        change.event(EventKind.UNBOUND, value=actor.channel_id)
        return Done(_("{name} is no longer bound to this channel").format(name=change.deal.name))

    assert bound.id is not None
    return await change_deal(services, actor, DealNumber(bound.id), apply)
