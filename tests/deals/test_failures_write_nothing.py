"""Every error changes nothing (the README: errors are private, say what was wrong and
what would be right, and change nothing): each bad request below is answered with a
failure, and every table holds exactly the rows it held before."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

import pytest

from bot.core.context import Actor, Services
from bot.core.dates import FromToday
from bot.core.outcomes import Failure, Outcome
from bot.core.refs import DealName, DealNumber, SeenDeal
from bot.deals import feedback_giving, moving, notes, reopening, ticking
from bot.deals.binding import bind_deal
from bot.deals.creating import create_deal
from bot.deals.listing import list_deals
from bot.deals.outcomes import DealList, Moved
from bot.deals.showing import deal_history, show_deal
from bot.team import manage as people
from bot.team.outcomes import TeamAction
from storage.models import Role
from tests.support.deals import ADMIN, OTHER_REP, REP, expect, new_deal, writes_nothing

Request = Callable[[Services], Awaitable[Outcome]]

ROOM = Actor(team_id="T1", user_id="UREP", channel_id="CROOM")

BAD_REQUESTS: dict[str, Request] = {
    # a deal that does not exist
    "show unknown deal": lambda s: show_deal(s, REP, DealNumber(999)),
    "tick unknown deal": lambda s: ticking.set_ticks(s, REP, DealNumber(999), tick=["1"]),
    "advance unknown name": lambda s: moving.advance(s, REP, DealName("nosuchdeal")),
    "lose unknown deal": lambda s: moving.lose(s, REP, DealNumber(999), reason="No budget"),
    "reopen unknown deal": lambda s: reopening.reopen(s, REP, DealNumber(999), stage=None),
    "history unknown deal": lambda s: deal_history(s, REP, DealNumber(999)),
    "objection unknown deal": lambda s: notes.record_objection(
        s, REP, "too pricey", ref=DealNumber(999)
    ),
    "bind unknown deal": lambda s: bind_deal(s, ROOM, DealNumber(999)),
    "ambiguous name": lambda s: moving.advance(s, REP, DealName("ac")),
    # values that are not what they should be
    "amount 5O0k": lambda s: create_deal(s, REP, name="Initech", amount="5O0k"),
    "negative amount": lambda s: create_deal(s, REP, name="Initech", amount="-5k"),
    "override reason of spaces": lambda s: moving.override(
        s, REP, DealName("acme lab"), reason="   "
    ),
    "lose reason of spaces": lambda s: moving.lose(s, REP, DealName("acme lab"), reason="   "),
    "lose unknown reason": lambda s: moving.lose(s, REP, DealName("acme lab"), reason="bad vibes"),
    "disqualify reason of spaces": lambda s: moving.disqualify(
        s, REP, DealName("acme co"), reason="  "
    ),
    "objection of spaces": lambda s: notes.record_objection(s, REP, "   ", ref=DealName("acme co")),
    "feedback of spaces": lambda s: feedback_giving.record_feedback(s, REP, "\t "),
    "nurture past date": lambda s: moving.nurture(
        s, REP, DealName("acme co"), until=dt.date(2026, 1, 1)
    ),
    "nurture today": lambda s: moving.nurture(s, REP, DealName("acme co"), until=FromToday()),
    "nurture far away": lambda s: moving.nurture(
        s, REP, DealName("acme co"), until=dt.date(2031, 1, 1)
    ),
    "reopen unknown stage": lambda s: reopening.reopen(s, REP, DealName("globex"), stage="nowhere"),
    "reopen an open deal": lambda s: reopening.reopen(s, REP, DealName("acme co"), stage=None),
    "list unknown stage": lambda s: list_deals(s, REP, stage="nowhere"),
    "tick unknown item": lambda s: ticking.set_ticks(s, REP, DealName("acme co"), tick=["1", "12"]),
    "reports for a rep": lambda s: people.set_team(
        s, ADMIN, manager_id=OTHER_REP.user_id, action=TeamAction.ADD, rep_ids=[REP.user_id]
    ),
    # refused by the rules
    "advance with open items": lambda s: moving.advance(s, REP, DealName("acme co")),
    "another rep ticks": lambda s: ticking.set_ticks(s, OTHER_REP, DealName("acme co"), tick=["2"]),
    "rep overrides": lambda s: moving.override(s, REP, DealName("acme lab"), reason="please"),
    "rep sets a role": lambda s: people.set_role(s, REP, user_id=REP.user_id, role=Role.ADMIN),
    "lose from qualification": lambda s: moving.lose(
        s, REP, DealName("acme co"), reason="No budget"
    ),
    "stale expected stage": lambda s: _advance_from_a_card_in_demo(s),
}


async def _advance_from_a_card_in_demo(services: Services) -> Outcome:
    """A click on a card that showed Acme Co in Demo; it is in Qualification."""
    listed = expect(await list_deals(services, REP), DealList)
    acme = next(row for row in listed.rows if row.name == "Acme Co")
    return await moving.advance(services, REP, SeenDeal(acme.deal_id, "demo"))


@pytest.fixture
async def populated(services: Services) -> Services:
    """Deals in several states, with ticks, events and people, so a stray write shows."""
    await new_deal(services, REP, "Acme Co", "50k")
    await ticking.set_ticks(
        services, REP, DealName("acme co"), tick=["1"], evidence={"budget": "20k"}
    )
    await new_deal(services, REP, "Acme Lab")
    await new_deal(services, REP, "Globex")
    expect(await moving.disqualify(services, REP, DealName("globex"), reason="no fit"), Moved)
    await show_deal(services, OTHER_REP, DealName("acme co"))
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
            await ticking.set_ticks(populated, REP, DealName("acme co"), evidence={"2": "churn"})
