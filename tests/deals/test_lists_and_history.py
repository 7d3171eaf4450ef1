"""Deal lists (mine, team, stage), a deal's history, objections and feedback."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.core.context import Actor, Services
from bot.core.outcomes import Invalid
from bot.core.refs import DealName
from bot.deals import feedback_giving, moving, notes, ticking
from bot.deals.feedback import FeedbackGiven
from bot.deals.listing import list_deals
from bot.deals.outcomes import DealHistory, DealList, Moved, ObjectionNoted, Playbook
from bot.deals.showing import deal_history
from storage.feedback_models import MapFeedback
from storage.models import DealEvent, EventKind
from tests.support.deals import (
    MANAGER,
    OTHER_REP,
    REP,
    events_of,
    expect,
    make_ready,
    names,
    new_deal,
    writes_nothing,
)


@pytest.fixture
async def pipeline(team: Services) -> Services:
    """REP: Acme (Discovery), Globex (Qualification), Hooli (lost). OTHER_REP: Initech.
    MANAGER (REP's manager): Umbrella."""
    acme = await new_deal(team, REP, "Acme")
    await make_ready(team, REP, acme)
    expect(await moving.advance(team, REP, DealName("acme")), Moved)
    await new_deal(team, REP, "Globex")
    await new_deal(team, REP, "Hooli")
    expect(await moving.disqualify(team, REP, DealName("hooli"), reason="no fit"), Moved)
    await new_deal(team, OTHER_REP, "Initech")
    await new_deal(team, MANAGER, "Umbrella")
    return team


async def listed(services: Services, actor: Actor, **options: str) -> DealList:
    return expect(await list_deals(services, actor, **options), DealList)


async def test_mine_lists_my_open_deals(pipeline: Services) -> None:
    mine = await listed(pipeline, REP, scope="mine")

    assert names(mine.rows) == ["Acme", "Globex"]
    assert mine.total == 2
    globex = next(row for row in mine.rows if row.name == "Globex")
    assert (globex.stage_name, globex.open_items) == ("Qualification", 4)


async def test_team_lists_the_managers_and_their_reps_deals(pipeline: Services) -> None:
    for_manager = await listed(pipeline, MANAGER, scope="team")
    for_rep = await listed(pipeline, REP, scope="team")  # a rep's team: manager and peers

    assert names(for_manager.rows) == ["Acme", "Globex", "Umbrella"]
    assert names(for_rep.rows) == ["Acme", "Globex", "Umbrella"]


async def test_a_rep_without_a_team_sees_the_workspace(pipeline: Services) -> None:
    everyone = await listed(pipeline, OTHER_REP, scope="team")

    assert names(everyone.rows) == ["Acme", "Globex", "Initech", "Umbrella"]


@pytest.mark.parametrize("typed", ["discovery", "Discovery", "disc"])
async def test_stage_lists_the_open_deals_in_a_stage(pipeline: Services, typed: str) -> None:
    in_stage = await listed(pipeline, OTHER_REP, scope="all", stage=typed)

    assert names(in_stage.rows) == ["Acme"]
    assert "Discovery" in in_stage.title


@pytest.mark.parametrize("typed", ["no such stage", "di", ""])
async def test_an_unknown_stage_is_refused_listing_the_stages(
    pipeline: Services, typed: str
) -> None:
    async with writes_nothing(pipeline):
        refused = expect(await list_deals(pipeline, REP, stage=typed), Invalid)

    assert "qualify" in refused.hint and "onboarding" in refused.hint


async def test_history_shows_each_event_in_order_with_names(services: Services) -> None:
    card = await new_deal(services, REP, "Acme", "50k")
    await ticking.set_ticks(services, REP, DealName("acme"), tick=["icp_fit"])
    await ticking.set_ticks(services, REP, DealName("acme"), untick=["icp_fit"])
    await make_ready(services, REP, card)
    expect(await moving.advance(services, REP, DealName("acme")), Moved)
    expect(await notes.record_objection(services, REP, "too expensive for us"), ObjectionNoted)

    history = expect(await deal_history(services, OTHER_REP, DealName("acme")), DealHistory)

    assert (history.deal_id, history.name) == (card.deal_id, "Acme")
    kinds = [entry.event.kind for entry in history.entries]
    assert kinds == [
        EventKind.CREATED,
        EventKind.TICKED,
        EventKind.UNTICKED,
        *[EventKind.TICKED] * 4,  # the four required items of Qualification
        EventKind.ADVANCED,
        EventKind.OBJECTION,
    ]
    created, ticked, unticked = history.entries[:3]
    advanced = history.entries[-2]
    assert (created.to_name, created.event.value) == ("Qualification", "50000.0")
    assert ticked.item_text == unticked.item_text == card.stage.exit[0].text
    assert (advanced.from_name, advanced.to_name) == ("Qualification", "Discovery")
    ids = [entry.event.id or 0 for entry in history.entries]
    assert ids == sorted(ids)


async def test_an_objection_is_recorded_with_the_best_playbook_match(services: Services) -> None:
    card = await new_deal(services, REP, "Acme")

    noted = expect(
        await notes.record_objection(
            services, OTHER_REP, " just send me some information ", ref=DealName("acme")
        ),
        ObjectionNoted,
    )

    assert noted.text == "just send me some information"
    assert [entry.id for _stage, entry in noted.matches] == ["qualify_send_info"]
    [_created, event] = await events_of(services.db, card.deal_id)
    assert (event.kind, event.actor_id, event.from_stage, event.reason, event.value) == (
        EventKind.OBJECTION,
        OTHER_REP.user_id,
        "qualify",
        "just send me some information",
        "qualify_send_info",
    )


async def test_an_empty_objection_is_refused(services: Services) -> None:
    await new_deal(services, REP, "Acme")

    async with writes_nothing(services):
        expect(await notes.record_objection(services, REP, "   ", ref=DealName("acme")), Invalid)


async def test_feedback_is_recorded_for_the_maps_owners(services: Services) -> None:
    given = expect(
        await feedback_giving.record_feedback(services, REP, "demo needs a security review item"),
        FeedbackGiven,
    )

    assert given.line.map_title == services.catalog.current.title
    async with services.db.read() as session:
        [row] = (await session.exec(select(MapFeedback))).all()
        assert (await session.exec(select(DealEvent))).all() == []  # not deal history
    assert (row.number, row.deal_id, row.map_id, row.map_version, row.text, row.stage_id) == (
        1,
        None,
        "default",
        1,
        "demo needs a security review item",
        "demo",  # the stage its text names
    )


async def test_empty_feedback_is_refused(services: Services) -> None:
    async with writes_nothing(services):
        expect(await feedback_giving.record_feedback(services, REP, " "), Invalid)


async def test_the_playbook_of_the_deals_stage_and_a_search(services: Services) -> None:
    await new_deal(services, REP, "Acme")

    own = expect(await notes.show_playbook(services, REP, None, ref=DealName("acme")), Playbook)
    found = expect(await notes.show_playbook(services, REP, "legal is slow"), Playbook)

    assert own.stage is not None and own.stage.id == "qualify"
    assert [entry.id for _stage, entry in own.entries] == ["qualify_send_info", "qualify_have_tool"]
    assert found.entries[0][1].id == "commit_legal_slow"
