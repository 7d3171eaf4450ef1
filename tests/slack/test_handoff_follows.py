"""A handoff nobody has accepted yet, when the deal moves on within the same team's stages
(found using the extended map: the card said "waiting" while Accept said there was nothing
to accept, and the digest had dropped it). It follows the deal: the card, Accept and the
digest agree. A side exit the same team owns ends the wait instead. Signed Slack requests,
both backends."""

from __future__ import annotations

import pytest

from bot.core.catalog import MapCatalog
from bot.views.ids import ActionId
from storage import handoff_queries
from tests.slack.test_handoffs import (  # noqa: F401  (the fixture `owners` is used by name)
    HANDOFF_MAP,
    IMPL,
    accept,
    handoffs_in,
    in_proposal,
    owners,
    the_handoff,
)
from tests.support.blockkit import has, text_of
from tests.support.deals import catalog_from
from tests.support.harness import SlackHarness
from tests.support.slack import REP, REP2, deal_named, latest_card

SALES_LOSS = "  - id: lost\n    name: Closed lost\n    kind: lost\n    owner: Sales\n"


IMPL_LOSS = SALES_LOSS.replace("owner: Sales", "owner: Implementation")


@pytest.fixture
def catalog(request: pytest.FixtureRequest) -> MapCatalog:
    """Proposal and the win are Implementation's; given IMPL_LOSS, the loss is too."""
    assert SALES_LOSS in HANDOFF_MAP
    return catalog_from(HANDOFF_MAP.replace(SALES_LOSS, getattr(request, "param", SALES_LOSS)))


async def waiting_names(slack: SlackHarness) -> list[str]:
    team_id = (await deal_named(slack, "Acme")).team_id
    async with slack.services.db.read() as session:
        rows = await handoff_queries.waiting(session, team_id=team_id)
    return [deal.name for _handoff, deal in rows]


async def test_an_unaccepted_handoff_follows_the_deal_into_the_teams_next_stage(
    slack: SlackHarness,
    owners: None,  # noqa: F811
) -> None:
    await in_proposal(slack)
    (posted,) = handoffs_in(slack, IMPL)
    await slack.command("tick 1", user=REP)

    won = await slack.command("advance", user=REP)  # Proposal → Closed won: both Implementation's

    assert "Closed won" in text_of(won.json["blocks"])
    assert len(handoffs_in(slack, IMPL)) == 1  # no second handoff
    shown = await slack.command("show #1", user=REP)
    assert "Stage owner: waiting for Implementation to accept" in text_of(shown.json["blocks"])
    assert await waiting_names(slack) == ["Acme"]

    await accept(slack, posted, REP2)

    assert (await the_handoff(slack)).accepted_by == REP2
    assert (await deal_named(slack, "Acme")).held_by == REP2
    shown = await slack.command("show #1", user=REP)
    assert f"Implementation · held by @{REP2}" in text_of(shown.json["blocks"])
    assert not has(handoffs_in(slack, IMPL)[0]["blocks"], ActionId.HANDOFF_ACCEPT)
    assert await waiting_names(slack) == []


@pytest.mark.parametrize("catalog", [IMPL_LOSS], indirect=True)
async def test_a_loss_the_same_team_owns_ends_the_wait(
    slack: SlackHarness,
    owners: None,  # noqa: F811
) -> None:
    await in_proposal(slack)
    (posted,) = handoffs_in(slack, IMPL)

    lost = await slack.command("lose No budget", user=REP)  # Proposal → Closed lost: Impl's

    assert "waiting for" not in text_of(lost.json["blocks"])
    assert (await deal_named(slack, "Acme")).handoff is None
    assert await waiting_names(slack) == []
    await accept(slack, posted, REP2)
    assert (await the_handoff(slack)).accepted_by is None
    assert "has moved on since it was handed to Implementation" in latest_card(slack, REP2)["text"]
