"""A deal named at the start of a command's free text is the deal acted on, or the bot asks;
it never silently changes the user's last deal with another deal's name in the reason.

Through the command line (parse and run, as Slack and the shell do), on both backends, and
as a property over generated deal names and texts."""

from __future__ import annotations

import string
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands import ParseError, parse, run_command
from bot.core.context import Actor, Services
from bot.core.outcomes import DealCard, Invalid
from bot.deals.outcomes import Moved, ObjectionNoted, Ticked, WhichDeal
from storage.models import EventKind
from tests.support.deals import ADMIN, REP, events_of, new_deal, writes_nothing


async def say(services: Services, actor: Actor, line: str) -> Any:
    command = parse(line)
    assert not isinstance(command, ParseError), command
    return await run_command(services, actor, command)


@pytest.fixture
async def globex_and_piper(services: Services) -> tuple[DealCard, DealCard]:
    """Globex, then Pied Piper: Pied Piper is the rep's last deal."""
    return await new_deal(services, REP, "Globex"), await new_deal(services, REP, "Pied Piper")


async def test_another_deals_name_in_an_objection_is_a_question_and_changes_nothing(
    services: Services, globex_and_piper: tuple[DealCard, DealCard]
) -> None:
    globex, piper = globex_and_piper
    async with writes_nothing(services):
        asked = await say(services, REP, "objection globex wants a 20% discount")

    assert isinstance(asked, WhichDeal)
    assert [(c.deal_id, c.text) for c in asked.choices] == [
        (globex.deal_id, "wants a 20% discount"),
        (piper.deal_id, "globex wants a 20% discount"),
    ]


async def test_the_current_deals_own_name_is_taken_and_leaves_the_text(
    services: Services, globex_and_piper: tuple[DealCard, DealCard]
) -> None:
    _globex, piper = globex_and_piper
    noted = await say(services, REP, "objection pied piper wants a 20% discount")

    assert isinstance(noted, ObjectionNoted)
    assert (noted.deal_name, noted.text) == ("Pied Piper", "wants a 20% discount")
    objections = [e for e in await events_of(services.db, piper.deal_id) if e.reason]
    assert [e.reason for e in objections] == ["wants a 20% discount"]


async def test_a_deal_named_with_no_current_deal_is_taken(
    services: Services, globex_and_piper: tuple[DealCard, DealCard]
) -> None:
    globex, _piper = globex_and_piper
    moved = await say(services, ADMIN, "override globex CFO agreed verbally")

    assert isinstance(moved, Moved)  # the admin has no deal of their own: no question
    assert (moved.card.deal_id, moved.reason) == (globex.deal_id, "CFO agreed verbally")


async def test_part_of_a_word_names_no_deal(
    services: Services, globex_and_piper: tuple[DealCard, DealCard]
) -> None:
    _globex, piper = globex_and_piper
    noted = await say(services, REP, "objection glob is not a word we use")

    assert isinstance(noted, ObjectionNoted)
    assert (noted.deal_name, noted.text) == ("Pied Piper", "glob is not a word we use")


async def test_tick_takes_a_deal_named_before_the_item_numbers(
    services: Services, globex_and_piper: tuple[DealCard, DealCard]
) -> None:
    globex, _piper = globex_and_piper
    ticked = await say(services, REP, "tick globex 1")

    assert isinstance(ticked, Ticked)
    assert ticked.card.deal_id == globex.deal_id


async def test_evidence_keeps_its_commas_and_apostrophes(
    services: Services, globex_and_piper: tuple[DealCard, DealCard]
) -> None:
    _globex, piper = globex_and_piper
    ticked = await say(services, REP, 'tick 2="Jane Doe, CFO" 3=it\'s Q1, maybe')

    assert isinstance(ticked, Ticked)
    recorded = {item: tick.evidence for item, tick in ticked.card.ticked.items()}
    items = piper.stage.exit
    assert recorded == {items[1].id: "Jane Doe, CFO", items[2].id: "it's Q1, maybe"}


async def test_tick_reads_a_name_only_before_the_first_item_number(
    services: Services,
) -> None:
    """Item ids are words too; and `initech 2 3` is items 2 and 3 of Initech even beside a
    deal named "Initech 2"."""
    initech = await new_deal(services, REP, "Initech")
    await new_deal(services, REP, "Initech 2")
    await new_deal(services, REP, "Budget Rent a Car")

    ticked = await say(services, REP, "tick initech 2 3")
    assert isinstance(ticked, Ticked) and ticked.card.deal_id == initech.deal_id
    assert ticked.waiting == ["problem", "budget"]  # both ask for evidence before they count

    # `budget` and `problem` are item ids of Qualification: Initech's, the current deal
    by_id = await say(services, REP, 'tick budget problem=churn budget="20k"')
    assert isinstance(by_id, Ticked) and by_id.card.deal_id == initech.deal_id
    assert {"budget", "problem"} <= set(by_id.card.ticked)


async def test_a_tick_question_keeps_the_evidence_in_each_choice(services: Services) -> None:
    await new_deal(services, REP, "Acme Corp")
    await new_deal(services, REP, "Acme Labs")

    asked = await say(services, REP, 'tick acme 1 2="50k, maybe"')

    assert isinstance(asked, WhichDeal)
    assert [c.text for c in asked.choices] == ['1 2="50k, maybe"', '1 2="50k, maybe"']


async def test_a_text_that_is_all_a_deals_name_names_it_and_asks_for_the_reason(
    services: Services, globex_and_piper: tuple[DealCard, DealCard]
) -> None:
    async with writes_nothing(services):
        refused = await say(services, REP, "disqualify globex")

    assert isinstance(refused, Invalid) and refused.field == "reason"


async def test_punctuation_ends_a_word_of_a_name(services: Services) -> None:
    acme = await new_deal(services, REP, "Acme, Inc.")
    await new_deal(services, REP, "Acmeco")  # the current deal; "acme" is not its word

    asked = await say(services, REP, "objection acme wants a discount")

    assert isinstance(asked, WhichDeal)
    assert [c.deal_id for c in asked.choices][0] == acme.deal_id


# -- the property ------------------------------------------------------------------------

WORD = st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=7)
NAME = st.lists(WORD, min_size=1, max_size=3).map(" ".join)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    names=st.lists(NAME, min_size=2, max_size=4, unique_by=str.lower),
    lead=st.one_of(st.integers(0, 3), WORD),
    reason=st.lists(WORD, min_size=1, max_size=4).map(" ".join),
    data=st.data(),
)
async def test_the_deal_changed_is_the_one_named_or_the_bot_asks(
    services: Services, names: list[str], lead: int | str, reason: str, data: st.DataObject
) -> None:
    team = f"T{abs(hash((tuple(names), lead, reason))) % 10**9}"  # a fresh workspace each time
    rep = Actor(team_id=team, user_id="UREP")
    cards = [await new_deal(services, rep, name) for name in names]
    current = cards[-1]
    if isinstance(lead, int) and lead < len(names):  # the text starts with a deal's name…
        named = names[lead]
        words = named.split()
        typed = " ".join(words[: data.draw(st.integers(1, len(words)))])
        text = f"{typed} {reason}"
    else:  # …or with any word at all
        text = f"{lead} {reason}"

    answer = await say(services, rep, f"objection {text}")

    if isinstance(answer, WhichDeal):
        assert all(choice.text.strip() for choice in answer.choices)
        return
    assert isinstance(answer, ObjectionNoted), answer
    first_words = text.lower().split()
    named = {c.name for c in cards if _starts_with(first_words, c.name.lower().split())}
    if answer.deal_name == current.name:  # the current deal: no other deal is named
        assert named <= {current.name}, (text, answer)
    else:  # another deal: the text named it, and its name left the text
        assert named == {answer.deal_name}, (text, answer)
        assert text.endswith(answer.text) and len(answer.text) < len(text)


def _starts_with(words: list[str], name: list[str]) -> bool:
    """The text starts with the start of the name, in whole words, with words left over."""
    return any(words[:n] == name[:n] for n in range(1, min(len(name), len(words) - 1) + 1))


async def test_a_question_through_slack_runs_on_the_deal_picked(slack: Any) -> None:
    """Signed requests into the real app: the ack asks, the button answers."""
    from tests.support.blockkit import elements
    from tests.support.slack import REP as SLACK_REP
    from tests.support.slack import click_from, deal_named, latest_card

    await slack.command("new Globex 20k", user=SLACK_REP)
    await slack.command("new Pied Piper 30k", user=SLACK_REP)
    answer = await slack.command("objection globex wants a 20% discount", user=SLACK_REP)
    asked = latest_card(slack, SLACK_REP)
    assert "Which deal?" in answer.text
    buttons = [element for _block, element in elements(asked["blocks"])]
    assert [b["text"]["text"] for b in buttons] == [
        "Objection Globex: wants a 20% discount",
        "Objection Pied Piper: globex wants a 20% discount",
    ]

    first = buttons[0]
    action = {"type": "button", "action_id": first["action_id"], "value": first["value"]}
    await slack.action(
        action | {"block_id": "b", "action_ts": "1"},
        user=SLACK_REP,
        **click_from(slack, asked, SLACK_REP),
    )

    globex = await deal_named(slack, "Globex")
    events = await events_of(slack.services.db, int(globex.id or 0))
    assert [(e.kind, e.reason) for e in events if e.kind == EventKind.OBJECTION] == [
        (EventKind.OBJECTION, "wants a 20% discount")
    ]
    piper = await deal_named(slack, "Pied Piper")
    assert not [e for e in await events_of(slack.services.db, int(piper.id or 0)) if e.reason]
