"""A form that would change a deal opens only for someone who may submit it: every card
action that opens one (the menu's lose, nurture, disqualify, override and reopen, and
Add evidence), clicked through signed block_actions by the owner, another rep, the
owner's manager and an admin. Whoever may not is told so at the click, in the words the
command gives, naming the owner; no form opens and nothing changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import col, func, select

from bot.core.context import Actor
from bot.core.refs import DealNumber
from bot.deals import moving
from bot.deals.outcomes import Moved
from bot.slack_standin import button_action, overflow_action
from bot.views.ids import ActionId, CallbackId
from storage.models import Deal, DealEvent
from tests.support.blockkit import find
from tests.support.deals import expect, make_ready, new_deal
from tests.support.harness import SlackHarness
from tests.support.slack import ADMIN, MANAGER, REP, REP2, click_from, latest_card, make_team

JsonDict = dict[str, Any]

OWNER = REP
CLICKERS = {"owner": OWNER, "other rep": REP2, "manager": MANAGER, "admin": ADMIN}
# Who may submit each form, as the README states the rule: the owner, their manager or an
# admin changes a deal; only the owner's manager or an admin overrides a gate.
MAY_CHANGE = {"owner", "manager", "admin"}
MAY = {
    "lose": MAY_CHANGE,
    "nurture": MAY_CHANGE,
    "disqualify": MAY_CHANGE,
    "reopen": MAY_CHANGE,
    "evidence": MAY_CHANGE,
    "override": {"manager", "admin"},
}
FORM = {
    "lose": CallbackId.LOSE,
    "nurture": CallbackId.NURTURE,
    "disqualify": CallbackId.DISQUALIFY,
    "reopen": CallbackId.REOPEN,
    "evidence": CallbackId.EVIDENCE,
    "override": CallbackId.OVERRIDE,
}
# The command that makes the same change, whose refusal the click must repeat.
COMMAND = {
    "lose": "lose #{deal} No budget",
    "nurture": "nurture #{deal} 3m",
    "disqualify": "disqualify #{deal} no fit",
    "reopen": "reopen #{deal}",
    "evidence": "tick #{deal} 1",
    "override": "override #{deal} the buyer signed the pilot terms",
}


@dataclass(frozen=True)
class OwnedDeals:
    open_id: int  # in Discovery, where it may be lost, nurtured, disqualified or overridden
    lost_id: int  # lost, so it may be reopened


@pytest.fixture
async def owned(slack: SlackHarness) -> OwnedDeals:
    """OWNER's deals; MANAGER manages OWNER, REP2 reports to nobody."""
    await make_team(slack, MANAGER, OWNER)
    owner = Actor(team_id=slack.team_id, user_id=OWNER)
    ids = []
    for name in ("Acme", "Globex"):
        card = await make_ready(slack.services, owner, await new_deal(slack.services, owner, name))
        expect(await moving.advance(slack.services, owner, DealNumber(card.deal_id)), Moved)
        ids.append(card.deal_id)
    lost = await moving.lose(slack.services, owner, DealNumber(ids[1]), reason="No budget")
    expect(lost, Moved)
    return OwnedDeals(open_id=ids[0], lost_id=ids[1])


async def snapshot(slack: SlackHarness) -> tuple[list[tuple[Any, ...]], int]:
    """Every deal's stage, status and version, and how many events there are."""
    async with slack.services.db.read() as session:
        deals = (await session.exec(select(Deal).order_by(col(Deal.id)))).all()
        events = (await session.exec(select(func.count()).select_from(DealEvent))).one()
    return [(d.id, d.stage, d.status, d.version) for d in deals], events


async def click(slack: SlackHarness, user: str, deal_id: int, action: str) -> None:
    """What `user` does in Slack: show the deal's card, then click the action on it."""
    await slack.command(f"show #{deal_id}", user=user)
    card = latest_card(slack, user)
    if action == "evidence":
        block, element = find(card["blocks"], ActionId.EVIDENCE)
        clicked = button_action(
            ActionId.EVIDENCE, block_id=block["block_id"], value=element["value"]
        )
    else:
        block, element = find(card["blocks"], ActionId.MORE)
        assert element["type"] == "overflow"
        chosen = next(o for o in element["options"] if o["value"].startswith(action))
        clicked = overflow_action(ActionId.MORE, block_id=block["block_id"], selected_option=chosen)
    answer = await slack.action(clicked, user=user, **click_from(slack, card, user))
    assert answer.status == 200


CASES = [(action, who) for action in FORM for who in CLICKERS]


@pytest.mark.parametrize(("action", "who"), CASES, ids=[f"{a}-{w}" for a, w in CASES])
async def test_a_form_opens_only_for_whoever_may_submit_it(
    slack: SlackHarness, owned: OwnedDeals, action: str, who: str
) -> None:
    user = CLICKERS[who]
    deal_id = owned.lost_id if action == "reopen" else owned.open_id
    before = await snapshot(slack)
    slack.standin.forget_calls()

    await click(slack, user, deal_id, action)

    opened = slack.standin.calls("views.open")
    if who in MAY[action]:
        assert [call.args["view"]["callback_id"] for call in opened] == [FORM[action]]
        assert await snapshot(slack) == before
        return
    assert opened == []
    refusal = latest_card(slack, user)["text"]
    assert f"<@{OWNER}>" in refusal, refusal
    assert await snapshot(slack) == before
    # The command that makes the same change is refused in the same words.
    typed = await slack.command(COMMAND[action].format(deal=deal_id), user=user)
    assert typed.text == refusal
    assert await snapshot(slack) == before
