"""Every error changes nothing (PRODUCT.md: "Every error says what was wrong and what
would be right, privately, and changes nothing"): each bad request below is answered
with a failure, and every table holds exactly the rows it held before."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.core.context import Actor, Services
from bot.core.outcomes import Failure, Outcome
from bot.deals import deals, moving, notes, ticking
from bot.deals.outcomes import Moved
from bot.team import manage as people
from tests.support.deals import OTHER_REP, REP, expect, new_deal, writes_nothing

Request = Callable[[Services], Awaitable[Outcome]]

ROOM = Actor(team_id="T1", user_id="UREP", channel_id="CROOM")

BAD_REQUESTS: dict[str, Request] = {
    # a deal that does not exist
    "show unknown deal": lambda s: deals.show_deal(s, REP, "#999"),
    "tick unknown deal": lambda s: ticking.set_ticks(s, REP, "#999", tick=["1"]),
    "advance unknown name": lambda s: moving.advance(s, REP, "nosuchdeal"),
    "lose unknown deal": lambda s: moving.lose(s, REP, "#999", reason="No budget"),
    "reopen unknown deal": lambda s: moving.reopen(s, REP, "#999", stage=None),
    "history unknown deal": lambda s: deals.deal_history(s, REP, "#999"),
    "objection unknown deal": lambda s: notes.record_objection(s, REP, "too pricey", ref="#999"),
    "bind unknown deal": lambda s: deals.bind_deal(s, ROOM, "#999"),
    "ambiguous name": lambda s: moving.advance(s, REP, "ac"),
    # values that are not what they should be
    "amount 5O0k": lambda s: deals.create_deal(s, REP, name="Initech", amount="5O0k"),
    "negative amount": lambda s: deals.create_deal(s, REP, name="Initech", amount="-5k"),
    "override reason of spaces": lambda s: moving.override(s, REP, "acme lab", reason="   "),
    "lose reason of spaces": lambda s: moving.lose(s, REP, "acme lab", reason="   "),
    "lose unknown reason": lambda s: moving.lose(s, REP, "acme lab", reason="bad vibes"),
    "disqualify reason of spaces": lambda s: moving.disqualify(s, REP, "acme co", reason="  "),
    "objection of spaces": lambda s: notes.record_objection(s, REP, "   ", ref="acme co"),
    "feedback of spaces": lambda s: notes.record_feedback(s, REP, "\t "),
    "nurture past date": lambda s: moving.nurture(s, REP, "acme co", until="2026-01-01"),
    "nurture yesterday": lambda s: moving.nurture(s, REP, "acme co", until="yesterday"),
    "nurture far away": lambda s: moving.nurture(s, REP, "acme co", until="2031-01-01"),
    "reopen unknown stage": lambda s: moving.reopen(s, REP, "globex", stage="nowhere"),
    "reopen an open deal": lambda s: moving.reopen(s, REP, "acme co", stage=None),
    "list unknown stage": lambda s: deals.list_deals(s, REP, stage="nowhere"),
    "tick unknown item": lambda s: ticking.set_ticks(s, REP, "acme co", tick=["1", "12"]),
    "set role unknown": lambda s: people.set_role(s, REP, user_id=REP.user_id, role="boss"),
    # refused by the rules
    "advance with open items": lambda s: moving.advance(s, REP, "acme co"),
    "another rep ticks": lambda s: ticking.set_ticks(s, OTHER_REP, "acme co", tick=["2"]),
    "rep overrides": lambda s: moving.override(s, REP, "acme lab", reason="please"),
    "rep sets a role": lambda s: people.set_role(s, REP, user_id=REP.user_id, role="admin"),
    "lose from qualification": lambda s: moving.lose(s, REP, "acme co", reason="No budget"),
    "stale expected stage": lambda s: moving.advance(s, REP, "acme co", expected_stage="demo"),
}


@pytest.fixture
async def populated(services: Services) -> Services:
    """Deals in several states, with ticks, events and people, so a stray write shows."""
    await new_deal(services, REP, "Acme Co", "50k")
    await ticking.set_ticks(services, REP, "acme co", tick=["1"], evidence={"budget": "20k"})
    await new_deal(services, REP, "Acme Lab")
    await new_deal(services, REP, "Globex")
    expect(await moving.disqualify(services, REP, "globex", reason="no fit"), Moved)
    await deals.show_deal(services, OTHER_REP, "acme co")
    return services


@pytest.mark.parametrize("request_name", list(BAD_REQUESTS))
async def test_a_failure_writes_nothing(populated: Services, request_name: str) -> None:
    async with writes_nothing(populated):
        outcome = await BAD_REQUESTS[request_name](populated)

    failure = expect(outcome, Failure)
    assert failure.message and failure.hint  # what was wrong, and what would be right


async def test_the_snapshot_sees_a_write(populated: Services) -> None:
    # Guards the test above: a change that does write is caught.
    with pytest.raises(AssertionError, match="exit_tick"):
        async with writes_nothing(populated):
            await ticking.set_ticks(populated, REP, "acme co", tick=["2"])
