"""A list says how many deals it holds, not how many rows it read: with more open deals
than a list reads (100), `/deal list`, App Home and the map count them all.

The deals are made through the use cases; the lists are asked for through signed Slack
requests; every expected figure is counted here from what the test made, never read back
with the app's own queries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from bot.core.context import Actor
from bot.core.refs import DealNumber
from bot.deals import moving
from bot.deals.map_picture import map_picture
from bot.deals.outcomes import MapPicture, Moved
from bot.home import app_home
from bot.onboarding.practice import open_practice
from bot.slack_standin import app_home_opened_event, event_callback
from bot.views.ids import ActionId
from tests.support.deals import expect, make_ready, new_deal
from tests.support.harness import SlackHarness
from tests.support.slack import MANAGER, REP, REP2, make_team
from tests.support.views import block_texts

OTHER = "U0OTHER01"  # in nobody's team
MADE = {REP: 101, REP2: 60, MANAGER: 13, OTHER: 3}  # the open deals each owns
TEAM = (MANAGER, REP, REP2)  # MANAGER's team, which is REP's and REP2's too
REPORTS = (REP, REP2)  # whose deals MANAGER's pipeline on App Home holds
ADVANCED = 3  # of OTHER's deals, moved on to the map's second stage
LIST_ROWS = 20  # the rows a list message shows (bot.views.deal_list.PAGE_ROWS)
HOME_ROWS = 40  # the rows of one's own deals App Home shows (bot.views.home.MY_ROWS)


@dataclass(frozen=True)
class Made:
    """The open deals the test made: (owner, stage id) for each."""

    deals: list[tuple[str, str]]

    def count(self, *, owners: tuple[str, ...] | None = None, stage: str | None = None) -> int:
        return sum(
            1
            for owner, in_stage in self.deals
            if (owners is None or owner in owners) and (stage is None or in_stage == stage)
        )


@pytest.fixture
async def crowded(slack: SlackHarness) -> Made:
    """177 open deals; REP also has a disqualified deal and a practice deal, which no
    list holds."""
    await make_team(slack, MANAGER, REP, REP2)
    services = slack.services
    first, second = (stage.id for stage in services.catalog.current.stages[:2])
    made = []
    for owner, count in MADE.items():
        actor = Actor(team_id=slack.team_id, user_id=owner)
        for number in range(count):
            card = await new_deal(services, actor, f"{owner} deal {number}")
            if owner == OTHER and number < ADVANCED:
                await make_ready(services, actor, card)
                moved = await moving.advance(services, actor, DealNumber(card.deal_id))
                assert expect(moved, Moved).card.stage.id == second
                made.append((owner, second))
            else:
                made.append((owner, first))
    rep = Actor(team_id=slack.team_id, user_id=REP)
    lost = await new_deal(services, rep, "Lost cause")
    expect(await moving.disqualify(services, rep, DealNumber(lost.deal_id), reason="no"), Moved)
    await open_practice(services, rep)
    return Made(made)


Expected = Callable[[Made, list[str]], int]  # the made deals, the map's stage ids → total

LISTS: list[tuple[str, str, str, Expected]] = [
    (OTHER, "list all", "Open deals in this workspace", lambda made, _: made.count()),
    (MANAGER, "list team", "Your team's open deals", lambda made, _: made.count(owners=TEAM)),
    (REP, "list team", "Your team's open deals", lambda made, _: made.count(owners=TEAM)),
    (OTHER, "list team", "Open deals in this workspace", lambda made, _: made.count()),
    (REP, "list", "Your open deals", lambda made, _: made.count(owners=(REP,))),
    (REP2, "list mine", "Your open deals", lambda made, _: made.count(owners=(REP2,))),
    (OTHER, "list", "Your open deals", lambda made, _: made.count(owners=(OTHER,))),
    (REP, "list stage 1", "Deals in", lambda made, ids: made.count(stage=ids[0])),
    (REP, "list stage 2", "Deals in", lambda made, ids: made.count(stage=ids[1])),
]


@pytest.mark.parametrize(
    ("user", "text", "title", "expected"), LISTS, ids=[f"{u}-{t}" for u, t, *_ in LISTS]
)
async def test_a_list_says_how_many_deals_it_holds_beyond_the_rows_it_reads(
    slack: SlackHarness, crowded: Made, user: str, text: str, title: str, expected: Expected
) -> None:
    stages = [stage.id for stage in slack.services.catalog.current.stages]
    text = text.replace("stage 1", f"stage {stages[0]}").replace("stage 2", f"stage {stages[1]}")
    total = expected(crowded, stages)

    answer = await slack.command(text, user=user)

    assert answer.status == 200
    assert answer.text.startswith(title) and f" ({total}): " in answer.text, answer.text
    blocks = answer.json["blocks"]
    rows = [b for b in blocks if b.get("accessory", {}).get("action_id") == ActionId.SHOW]
    assert len(rows) == min(total, LIST_ROWS)
    more = [line.split(";")[0] for line in block_texts(blocks) if line.startswith("and ")]
    assert more == ([f"and {total - LIST_ROWS} more"] if total > LIST_ROWS else [])


async def home_of(slack: SlackHarness, user: str) -> list[str]:
    answer = await slack.event(event_callback(app_home_opened_event(user), team_id=slack.team_id))
    assert answer.status == 200
    home = slack.standin.home(user)
    assert home is not None
    return block_texts(home["blocks"])


async def test_app_home_counts_all_of_ones_own_deals(slack: SlackHarness, crowded: Made) -> None:
    mine = crowded.count(owners=(REP,))
    assert mine > 100  # more than a list reads

    texts = await home_of(slack, REP)

    assert f"Your open deals ({mine})" in texts
    assert f"and {mine - HOME_ROWS} more: /deal list" in texts


async def test_app_homes_pipeline_counts_the_whole_team(slack: SlackHarness, crowded: Made) -> None:
    first = slack.services.catalog.current.stages[0]
    team = crowded.count(owners=REPORTS)

    texts = await home_of(slack, MANAGER)

    assert f"Your open deals ({crowded.count(owners=(MANAGER,))})" in texts
    assert any(line.startswith(f"*{first.name}* · {team} deals") for line in texts), texts
    assert any(line.startswith(f"{team} deals · ") for line in texts), texts
    assert not any("longest in their stage" in line for line in texts)


async def test_app_homes_pipeline_says_when_it_counts_only_the_deals_it_read(
    slack: SlackHarness, crowded: Made, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_home, "TEAM_ROWS", 50)
    team = crowded.count(owners=REPORTS)

    texts = await home_of(slack, MANAGER)

    summary = [line for line in texts if line.startswith("50 deals · ")]
    assert len(summary) == 1, texts
    assert f"the stages count the 50 longest in their stage of {team} open deals" in summary[0]


async def test_the_map_counts_every_open_deal_of_the_user(
    slack: SlackHarness, crowded: Made
) -> None:
    process_map = slack.services.catalog.current
    first = process_map.stages[0].id
    rep = Actor(team_id=slack.team_id, user_id=REP)

    picture = expect(await map_picture(slack.services, rep), MapPicture)

    assert picture.counts == {first: crowded.count(owners=(REP,), stage=first)}
