"""Handoffs to the owning team (issue #20, item 1), through signed Slack requests on both
backends: a move into a stage another team owns posts one handoff to that team's channel,
Accept records who took it once, an unaccepted handoff is reminded once after its SLA, and
a move that keeps the owner posts nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from bot.core.catalog import MapCatalog
from bot.digests.settings import SchedulerSettings
from bot.slack.scheduler import Scheduler
from bot.slack_standin import button_action
from bot.views.ids import ActionId
from storage.digest_models import Nudge
from storage.handoff_models import Handoff
from storage.models import DealEvent
from tests.conftest import Clock
from tests.support.blockkit import find, has, text_of
from tests.support.deals import catalog_from
from tests.support.harness import SlackHarness
from tests.support.maps import GOOD_MAP
from tests.support.slack import ADMIN, MANAGER, REP, REP2, deal_named, latest_card

JsonDict = dict[str, Any]
IMPL = "C0IMPL0001"
IMPL_GROUP = "S0IMPL0001"
MARKETING = "C0MKT00001"

# Discovery is Sales'; Proposal and the win Implementation's (a day to accept); the loss
# Sales' again; nurture Marketing's.
HANDOFF_MAP = (
    GOOD_MAP.replace(
        "  - id: proposal\n    name: Proposal\n    owner: Sales\n",
        "  - id: proposal\n    name: Proposal\n    owner: Implementation\n"
        "    handoff_sla_hours: 24\n",
    )
    .replace("  - id: won\n    name: Closed won\n    owner: Sales\n", "  - id: won\n    name: Closed won\n    owner: Implementation\n")
)  # fmt: skip


@pytest.fixture
def catalog() -> MapCatalog:
    assert "owner: Implementation" in HANDOFF_MAP and "handoff_sla_hours" in HANDOFF_MAP
    return catalog_from(HANDOFF_MAP)


@pytest.fixture
async def owners(slack: SlackHarness) -> None:
    """The admin gives Implementation (written in lower case) and Marketing a channel."""
    answer = await slack.command(
        f"owners set implementation <#{IMPL}|impl> <!subteam^{IMPL_GROUP}|@impl-team>", user=ADMIN
    )
    assert "Implementation's handoffs go to its channel now" in answer.text, answer.text
    await slack.command(f"owners set Marketing <#{MARKETING}|marketing>", user=ADMIN)


async def in_proposal(slack: SlackHarness) -> JsonDict:
    """Acme, its discovery items ticked (the budget with its value), advanced to Proposal."""
    await slack.command("new Acme 50k", user=REP)
    await slack.command("tick 1 2=40k EUR", user=REP)
    answer = await slack.command("advance", user=REP)
    return answer.json


def handoffs_in(slack: SlackHarness, channel: str) -> list[JsonDict]:
    return slack.standin.messages(channel)


async def accept(slack: SlackHarness, message: JsonDict, user: str) -> None:
    """A click on Accept in the team's channel (a message, not ephemeral)."""
    block, pressed = find(message["blocks"], ActionId.HANDOFF_ACCEPT)
    url = slack.standin.response_url(channel=IMPL, user=user, message_ts=message["ts"])
    await slack.action(
        button_action(ActionId.HANDOFF_ACCEPT, block_id=block["block_id"], value=pressed["value"]),
        user=user,
        channel_id=IMPL,
        message=message,
        message_ts=message["ts"],
        response_url=url,
    )


async def the_handoff(slack: SlackHarness) -> Handoff:
    async with slack.services.db.read() as session:
        (handed,) = (await session.exec(select(Handoff))).all()
    return handed


async def test_advancing_into_implementation_posts_one_handoff_to_its_channel(
    slack: SlackHarness, owners: None
) -> None:
    card = await in_proposal(slack)

    (posted,) = handoffs_in(slack, IMPL)
    shown = text_of(posted["blocks"])
    assert "Handoff to Implementation: Acme moved from Discovery to Proposal" in shown
    assert "$50,000" in shown and f"Owner: @{REP}" in shown
    assert "Confirm the budget range with the economic buyer: 40k EUR" in shown  # evidence
    assert f"<!subteam^{IMPL_GROUP}>" in str(posted["blocks"])  # the team is mentioned
    assert has(posted["blocks"], ActionId.HANDOFF_ACCEPT)
    assert "handed to Implementation: waiting for them to accept" in text_of(card["blocks"])
    shown = await slack.command("show #1", user=REP)
    assert "Stage owner: waiting for Implementation to accept" in text_of(shown.json["blocks"])
    assert handoffs_in(slack, MARKETING) == []


async def test_accept_records_the_person_once(slack: SlackHarness, owners: None) -> None:
    await in_proposal(slack)
    (posted,) = handoffs_in(slack, IMPL)

    await accept(slack, posted, REP2)

    handed = await the_handoff(slack)
    assert handed.accepted_by == REP2
    (updated,) = handoffs_in(slack, IMPL)  # the same message, now saying who holds it
    assert f"@{REP2} holds Acme for Implementation" in text_of(updated["blocks"])
    assert not has(updated["blocks"], ActionId.HANDOFF_ACCEPT)
    assert (await deal_named(slack, "Acme")).held_by == REP2
    shown = await slack.command("show #1", user=REP)
    assert f"Implementation · held by @{REP2}" in text_of(shown.json["blocks"])
    async with slack.services.db.read() as session:
        kinds = [e.kind for e in (await session.exec(select(DealEvent))).all()]
    assert kinds.count("handoff_accepted") == 1
    history = text_of((await slack.command("history #1", user=REP)).json["blocks"])
    assert f"@{REP2} accepted the handoff: holds Proposal for its team" in history

    await accept(slack, posted, MANAGER)  # the old copy, still with its button

    assert (await the_handoff(slack)).accepted_by == REP2
    assert (await deal_named(slack, "Acme")).held_by == REP2
    assert f"<@{REP2}> already holds Acme for Implementation" in latest_card(slack, MANAGER)["text"]
    async with slack.services.db.read() as session:
        kinds = [e.kind for e in (await session.exec(select(DealEvent))).all()]
    assert kinds.count("handoff_accepted") == 1


async def test_a_move_that_keeps_the_owner_posts_nothing_and_keeps_the_holder(
    slack: SlackHarness, owners: None
) -> None:
    await in_proposal(slack)
    await accept(slack, handoffs_in(slack, IMPL)[0], REP2)
    await slack.command("tick 1", user=REP)

    won = await slack.command("advance", user=REP)  # Proposal → Closed won: both Implementation's

    assert "Closed won" in text_of(won.json["blocks"])
    assert len(handoffs_in(slack, IMPL)) == 1
    shown = await slack.command("show #1", user=REP)
    assert f"Implementation · held by @{REP2}" in text_of(shown.json["blocks"])


async def test_accepting_after_the_deal_moved_on_changes_nothing(
    slack: SlackHarness, owners: None
) -> None:
    await in_proposal(slack)
    (posted,) = handoffs_in(slack, IMPL)
    lost = await slack.command("lose No budget", user=REP)  # Sales' again: no channel
    assert "Sales has no channel yet: /deal owners set Sales #channel" in text_of(
        lost.json["blocks"]
    )

    await accept(slack, posted, REP2)

    assert (await the_handoff(slack)).accepted_by is None
    assert (await deal_named(slack, "Acme")).held_by is None
    assert "has moved on since it was handed to Implementation" in latest_card(slack, REP2)["text"]
    assert has(handoffs_in(slack, IMPL)[0]["blocks"], ActionId.HANDOFF_ACCEPT)  # left as it was


async def test_a_branch_into_another_team_hands_over_too(slack: SlackHarness, owners: None) -> None:
    await slack.command("new Acme 50k", user=REP)

    moved = await slack.command("nurture 3m", user=REP)  # Discovery (Sales) → Nurture (Marketing)

    assert "handed to Marketing" in text_of(moved.json["blocks"])
    (posted,) = handoffs_in(slack, MARKETING)
    assert "Handoff to Marketing: Acme moved from Discovery to Nurture" in text_of(posted["blocks"])


async def test_an_unaccepted_handoff_is_reminded_once_after_its_sla(
    slack: SlackHarness, owners: None, clock: Clock
) -> None:
    await in_proposal(slack)
    settings = SchedulerSettings(interval=0.05, lease=60.0)
    replicas = [
        Scheduler(slack.services, client=slack.runtime.client, settings=settings) for _ in "ab"
    ]

    clock.advance(hours=23)
    await replicas[0].tick()
    assert len(handoffs_in(slack, IMPL)) == 1  # within the day: no reminder
    clock.advance(hours=2)
    await replicas[0].tick()
    await replicas[1].tick()  # the other replica, and a second run: claimed already
    clock.advance(hours=30)
    await replicas[0].tick()

    first, reminder = handoffs_in(slack, IMPL)
    assert "Nobody has accepted Acme for Implementation in 25 h" in reminder["text"]
    assert has(reminder["blocks"], ActionId.HANDOFF_ACCEPT)
    async with slack.services.db.read() as session:
        (nudge,) = (await session.exec(select(Nudge))).all()
    assert (nudge.kind, nudge.status) == ("handoff", "posted")

    await accept(slack, reminder, REP2)  # Accept on the reminder updates both messages
    assert all(not has(m["blocks"], ActionId.HANDOFF_ACCEPT) for m in handoffs_in(slack, IMPL))
    clock.advance(hours=48)
    await replicas[1].tick()
    assert len(handoffs_in(slack, IMPL)) == 2


async def test_an_accepted_handoff_is_never_reminded(
    slack: SlackHarness, owners: None, clock: Clock
) -> None:
    await in_proposal(slack)
    await accept(slack, handoffs_in(slack, IMPL)[0], REP2)
    clock.advance(days=3)

    report = await Scheduler(
        slack.services, client=slack.runtime.client, settings=SchedulerSettings(lease=60.0)
    ).tick()

    assert report.nudges == 0 and len(handoffs_in(slack, IMPL)) == 1


async def test_a_team_without_a_channel_gets_no_post_and_the_card_says_so(
    slack: SlackHarness,
) -> None:
    await slack.command(f"owners set Marketing <#{MARKETING}|marketing>", user=ADMIN)
    card = await in_proposal(slack)

    assert slack.standin.calls("chat.postMessage") == []
    assert "Implementation has no channel yet: /deal owners set Implementation #channel" in (
        text_of(card["blocks"])
    )
    shown = text_of((await slack.command("show #1", user=REP)).json["blocks"])
    assert "Implementation · no channel yet: /deal owners set Implementation #channel" in shown


async def test_a_workspace_that_gave_no_team_a_channel_hears_nothing_of_handoffs(
    slack: SlackHarness,
) -> None:
    """Handoffs are opt-in: until an admin maps one team, moves between teams say nothing
    about channels, on the card or in the reply, and nothing is recorded."""
    card = await in_proposal(slack)

    assert slack.standin.calls("chat.postMessage") == []
    assert "Moved from Discovery to Proposal" in text_of(card["blocks"])
    shown = text_of((await slack.command("show #1", user=REP)).json["blocks"])
    for said in (text_of(card["blocks"]), shown):
        assert "no channel" not in said and "handed to" not in said and "/deal owners" not in said
    assert "Stage owner: Implementation" in shown
    async with slack.services.db.read() as session:
        assert (await session.exec(select(Handoff))).all() == []
