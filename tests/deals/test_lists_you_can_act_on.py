"""Lists one can act on (issue #18, item 3), asked for through signed Slack requests: every
row names its deal by the number commands take; a closed or side stage lists the deals in
it (closed ones over a period the title states); a list sorts by amount or by age.

The deals are made through the use cases on the test's clock; what each list must hold is
written here from what the test made, never read back with the app's queries."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from bot.core.context import Actor
from bot.core.dates import FromToday
from bot.core.outcomes import DealCard
from bot.core.refs import DealNumber
from bot.deals import moving
from bot.deals.outcomes import Moved, Shown
from bot.deals.showing import show_deal
from bot.views.ids import ActionId
from tests.conftest import Clock
from tests.support.deals import expect, make_ready, new_deal
from tests.support.harness import SlackHarness
from tests.support.slack import MANAGER, REP, REP2, make_team

OTHER = "U0OTHER01"  # in nobody's team


@dataclass(frozen=True)
class Row:
    number: int
    name: str


def rows_of(blocks: list[dict[str, object]]) -> list[Row]:
    """The rows a list shows, as `#12 *Acme*` begins each, in order."""
    found = []
    for block in blocks:
        accessory = block.get("accessory")
        if isinstance(accessory, dict) and accessory.get("action_id") == ActionId.SHOW:
            text = block["text"]["text"]  # type: ignore[index]
            head = re.match(r"#(\d+) \*(.+?)\* · ", text)
            assert head, f"a row that does not start with its deal's number: {text!r}"
            found.append(Row(int(head[1]), head[2]))
    return found


async def made(slack: SlackHarness, owner: str, name: str, amount: str | None = None) -> int:
    card = await new_deal(slack.services, Actor(slack.team_id, owner), name, amount)
    return card.deal_id


async def moved_to(slack: SlackHarness, owner: str, deal_id: int, stage_id: str) -> None:
    """Tick and advance the deal until it is in `stage_id` (on the main path)."""
    actor, services = Actor(slack.team_id, owner), slack.services
    while True:
        card = expect(await moving.advance(services, actor, DealNumber(deal_id)), Moved).card
        if card.stage.id == stage_id:
            return
        await make_ready(services, actor, card)


@pytest.fixture
async def deals(slack: SlackHarness, clock: Clock) -> dict[str, int]:
    """MANAGER's team is REP and REP2. 100 days ago REP lost "Old loss" and won
    "Onboarded", now onboarding (a stage after the won one); now REP won "Won
    Co", lost "Lost Co" and disqualified "Dq Co"; REP2 nurtures "Later Co"; REP has "Big",
    "Small" and "No amount" open, made a day apart; OTHER has "Elsewhere" lost."""
    await make_team(slack, MANAGER, REP, REP2)
    ids: dict[str, int] = {}
    ids["Old loss"] = await made(slack, REP, "Old loss")
    await _lose(slack, REP, ids["Old loss"])
    ids["Onboarded"] = await made(slack, REP, "Onboarded")
    await make_ready(
        slack.services, Actor(slack.team_id, REP), await _card(slack, REP, ids["Onboarded"])
    )
    await moved_to(slack, REP, ids["Onboarded"], "onboarding")
    clock.advance(days=100)
    ids["Won Co"] = await made(slack, REP, "Won Co", "80k")
    await _ready_and_won(slack, ids["Won Co"])
    ids["Lost Co"] = await made(slack, REP, "Lost Co")
    await _lose(slack, REP, ids["Lost Co"])
    ids["Dq Co"] = await made(slack, REP, "Dq Co")
    rep = Actor(slack.team_id, REP)
    expect(
        await moving.disqualify(slack.services, rep, DealNumber(ids["Dq Co"]), reason="no"), Moved
    )
    ids["Later Co"] = await made(slack, REP2, "Later Co")
    rep2 = Actor(slack.team_id, REP2)
    expect(
        await moving.nurture(
            slack.services, rep2, DealNumber(ids["Later Co"]), until=FromToday(days=30)
        ),
        Moved,
    )
    ids["Elsewhere"] = await made(slack, OTHER, "Elsewhere")
    await _lose(slack, OTHER, ids["Elsewhere"])
    for name, amount in (("Small", "5k"), ("No amount", None), ("Big", "90k")):
        clock.advance(days=1)
        ids[name] = await made(slack, REP, name, amount)
    clock.advance(hours=1)
    return ids


async def _lose(slack: SlackHarness, owner: str, deal_id: int) -> None:
    """Lost at the map's second stage (the first cannot lose)."""
    services, actor = slack.services, Actor(slack.team_id, owner)
    card = await make_ready(services, actor, (await _card(slack, owner, deal_id)))
    expect(await moving.advance(services, actor, DealNumber(card.deal_id)), Moved)
    lost = await moving.lose(services, actor, DealNumber(deal_id), reason="price")
    assert expect(lost, Moved).card.stage.id == "lost"


async def _ready_and_won(slack: SlackHarness, deal_id: int) -> None:
    await make_ready(slack.services, Actor(slack.team_id, REP), await _card(slack, REP, deal_id))
    await moved_to(slack, REP, deal_id, "closed_won")


async def _card(slack: SlackHarness, owner: str, deal_id: int) -> DealCard:
    shown = await show_deal(slack.services, Actor(slack.team_id, owner), DealNumber(deal_id))
    return expect(shown, Shown).card


async def listed(slack: SlackHarness, text: str, *, user: str = REP) -> tuple[str, list[Row]]:
    answer = await slack.command(text, user=user)
    assert answer.status == 200
    blocks = answer.json["blocks"]
    return blocks[0]["text"]["text"], rows_of(blocks)


LISTS_BY_NUMBER = [
    (REP, "list", ["Small", "No amount", "Big"]),
    (MANAGER, "list team", ["Small", "No amount", "Big"]),
    (OTHER, "list team", ["Small", "No amount", "Big"]),
    (REP, "list all", ["Small", "No amount", "Big"]),
]


@pytest.mark.parametrize(("user", "text", "names"), LISTS_BY_NUMBER)
async def test_every_row_names_its_deal_by_number(
    slack: SlackHarness, deals: dict[str, int], user: str, text: str, names: list[str]
) -> None:
    answer = await slack.command(text, user=user)

    rows = rows_of(answer.json["blocks"])
    assert rows == [Row(deals[name], name) for name in names]
    assert f"#{deals['Small']} Small (" in answer.text  # what a notification shows


CLOSED = [
    (
        "list stage lost",
        "Deals in Closed lost, closed in the last 90 days",
        ["Elsewhere", "Lost Co"],
    ),
    (
        "list stage Closed Lost",
        "Deals in Closed lost, closed in the last 90 days",
        ["Elsewhere", "Lost Co"],
    ),
    (
        "list stage lost 120d",
        "Deals in Closed lost, closed in the last 120 days",
        ["Elsewhere", "Lost Co", "Old loss"],
    ),
    (
        "list team stage lost",
        "Your team's deals in Closed lost, closed in the last 90 days",
        ["Lost Co"],
    ),
    ("list stage won", "Deals in Closed won, closed in the last 90 days", ["Won Co"]),
    ("list stage closed_won", "Deals in Closed won, closed in the last 90 days", ["Won Co"]),
    ("list stage disqualified", "Deals in Disqualified, closed in the last 90 days", ["Dq Co"]),
    (
        "list mine stage disqualified 7d",
        "Your deals in Disqualified, closed in the last 7 days",
        [],
    ),
    ("list stage nurture", "Deals in Nurture", ["Later Co"]),
    ("list stage onboarding", "Deals in Onboarding", ["Onboarded"]),
    (
        "list stage qualification 2d",
        "Deals in Qualification, entered in the last 2 days",
        ["No amount", "Big"],
    ),
]


@pytest.mark.parametrize(("text", "title", "names"), CLOSED, ids=[case[0] for case in CLOSED])
async def test_a_closed_or_side_stage_lists_the_deals_in_it(
    slack: SlackHarness, deals: dict[str, int], text: str, title: str, names: list[str]
) -> None:
    shown_title, rows = await listed(slack, text, user=MANAGER)

    assert shown_title == title
    assert rows == [Row(deals[name], name) for name in names]  # closed last first


async def test_an_empty_closed_stage_says_so_and_offers_a_longer_period(
    slack: SlackHarness, deals: dict[str, int]
) -> None:
    answer = await slack.command("list mine stage disqualified 7d", user=REP2)

    texts = str(answer.json["blocks"])
    assert "None in this period." in texts
    assert "A longer period: /deal list stage disqualified 365d" in texts
    assert "Create one" not in texts


SORTED = [
    ("list by amount", "Your open deals · largest amount first", ["Big", "Small", "No amount"]),
    ("list by age", "Your open deals · longest in stage first", ["Small", "No amount", "Big"]),
    (
        "list all by AMOUNT",
        "Open deals in this workspace · largest amount first",
        ["Big", "Small", "No amount"],
    ),
    (
        "list stage lost 120d by age",
        "Deals in Closed lost, closed in the last 120 days · longest in stage first",
        ["Old loss", "Lost Co", "Elsewhere"],
    ),
]


@pytest.mark.parametrize(("text", "title", "names"), SORTED, ids=[case[0] for case in SORTED])
async def test_a_list_sorts_by_amount_or_by_age(
    slack: SlackHarness, deals: dict[str, int], text: str, title: str, names: list[str]
) -> None:
    shown_title, rows = await listed(slack, text)

    assert shown_title == title
    assert rows == [Row(deals[name], name) for name in names]


REFUSED = [
    ("list by colour", "a list is sorted by amount, by age or by close, at the end of the command"),
    ("list by", "a list is sorted by amount, by age or by close, at the end of the command"),
    (
        "list by amount team",
        "a list is sorted by amount, by age or by close, at the end of the command",
    ),
    ("list stage lost 0d", "a period is 1 to 3660 days, not 0"),
    ("list stage lost 99999d", "a period is 1 to 3660 days, not 99999"),
    ("list stage", "which stage? name it after 'stage'"),
    ("list stage 30d", "which stage? name it after 'stage'"),
    ("list team lost", "'lost' is not a list scope"),
    ("list stage nowhere", "'nowhere' is not a stage of the B2B sales process (compact) map"),
]


@pytest.mark.parametrize(("text", "message"), REFUSED, ids=[case[0] for case in REFUSED])
async def test_a_list_it_cannot_read_is_refused_saying_why(
    slack: SlackHarness, text: str, message: str
) -> None:
    answer = await slack.command(text, user=REP)

    assert answer.status == 200
    assert message in answer.text.split(" — ")[0], answer.text


async def test_a_list_sorts_by_expected_close_undated_deals_last(
    slack: SlackHarness, deals: dict[str, int]
) -> None:
    for name, close in (("Small", "2031-06-01"), ("Big", "2031-03-01")):
        edited = await slack.command(f"edit #{deals[name]} close {close}", user=REP)
        assert edited.status == 200 and "2031" in str(edited.json), edited.json

    title, rows = await listed(slack, "list by close")

    assert title == "Your open deals · soonest expected close first"
    assert rows == [Row(deals[name], name) for name in ("Big", "Small", "No amount")]
