"""A deal room is claimed in the database before Slack is asked for a channel
(bot.deals.rooms): two requests at once make one room, a refused one leaves nothing, and
a claim whose maker stopped is taken over once it is stale."""

from __future__ import annotations

import asyncio

from bot.core.context import Actor, Services
from bot.core.outcomes import Invalid
from bot.core.refs import DealNumber
from bot.deals.room_outcomes import RoomExists, RoomWanted
from bot.deals.rooms import STALE_CLAIM, ask_room, room_made, room_of, room_refused
from tests.conftest import Clock
from tests.support.deals import expect, new_deal

REP = Actor("T0TEAM001", "U0REP0001", "C0GENERAL")
ADMIN = Actor("T0TEAM001", "UADMIN", "C0GENERAL")


async def test_two_requests_at_once_claim_one_room(services: Services) -> None:
    card = await new_deal(services, REP, "Acme Corp")

    outcomes = await asyncio.gather(
        *(ask_room(services, actor, DealNumber(card.deal_id)) for actor in (REP, ADMIN) * 3)
    )

    wanted = [outcome for outcome in outcomes if isinstance(outcome, RoomWanted)]
    waiting = [outcome for outcome in outcomes if isinstance(outcome, Invalid)]
    assert len(wanted) == 1 and len(waiting) == 5
    assert "being made right now" in waiting[0].message
    assert await room_of(services, card.deal_id) is None  # not made yet


async def test_a_made_room_is_linked_and_a_refused_one_forgotten(services: Services) -> None:
    card = await new_deal(services, REP, "Acme Corp")
    expect(await ask_room(services, REP, DealNumber(card.deal_id)), RoomWanted)
    await room_refused(services, card.deal_id)

    wanted = expect(await ask_room(services, ADMIN, DealNumber(card.deal_id)), RoomWanted)
    assert wanted.invite == (REP.user_id, ADMIN.user_id)
    await room_made(services, ADMIN, wanted.card, channel_id="C0ROOM01", name=wanted.names[0])

    assert await room_of(services, card.deal_id) == "C0ROOM01"
    linked = expect(await ask_room(services, REP, DealNumber(card.deal_id)), RoomExists)
    assert (linked.channel_id, linked.channel_name) == ("C0ROOM01", "deal-acme-corp")


async def test_a_stale_claim_is_taken_over(services: Services, clock: Clock) -> None:
    card = await new_deal(services, REP, "Acme Corp")
    expect(await ask_room(services, REP, DealNumber(card.deal_id)), RoomWanted)

    clock.advance(seconds=STALE_CLAIM.total_seconds() - 1)
    expect(await ask_room(services, REP, DealNumber(card.deal_id)), Invalid)
    clock.advance(seconds=2)
    expect(await ask_room(services, REP, DealNumber(card.deal_id)), RoomWanted)
