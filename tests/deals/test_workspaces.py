"""Two Slack workspaces on one deployment: none ever sees another's deals (every row
carries its team id, storage/models.py). T1 and T2 each have deals, some with the same
names."""

from __future__ import annotations

import pytest

from bot.core.context import Actor, Services
from bot.core.outcomes import NotFound
from bot.core.refs import CURRENT, DealName, DealNumber
from bot.deals import moving, notes, ticking
from bot.deals.listing import list_deals
from bot.deals.outcomes import DealList, Shown
from bot.deals.showing import deal_history, show_deal
from tests.support.deals import REP, T2_REP, expect, make_ready, names, new_deal, writes_nothing

T2_ADMIN = Actor(team_id="T2", user_id="UADMIN")  # STAGECOACH_ADMINS holds in every workspace


@pytest.fixture
async def two_workspaces(services: Services) -> dict[str, int]:
    """T1: Acme (ready to advance), Globex. T2: Globex, Hooli. Returns the deal ids."""
    acme = await new_deal(services, REP, "Acme", "50k")
    await make_ready(services, REP, acme)
    t1_globex = await new_deal(services, REP, "Globex")
    t2_globex = await new_deal(services, T2_REP, "Globex")
    hooli = await new_deal(services, T2_REP, "Hooli")
    return {
        "acme": acme.deal_id,
        "t1_globex": t1_globex.deal_id,
        "t2_globex": t2_globex.deal_id,
        "hooli": hooli.deal_id,
    }


@pytest.mark.parametrize("who", [T2_REP, T2_ADMIN], ids=["rep", "admin"])
async def test_a_deal_of_another_workspace_is_not_found_by_id(
    services: Services, two_workspaces: dict[str, int], who: Actor
) -> None:
    acme = DealNumber(two_workspaces["acme"])

    async with writes_nothing(services):
        outcomes = [
            await show_deal(services, who, acme),
            await deal_history(services, who, acme),
            await ticking.set_ticks(services, who, acme, selection=[]),
            await moving.advance(services, who, acme),
            await moving.override(services, who, acme, reason="go"),
            await moving.disqualify(services, who, acme, reason="go"),
            await notes.record_objection(services, who, "too pricey", ref=acme),
        ]

    for outcome in outcomes:
        expect(outcome, NotFound)


async def test_a_deal_of_another_workspace_is_not_found_by_name(
    services: Services, two_workspaces: dict[str, int]
) -> None:
    async with writes_nothing(services):
        missing = expect(await show_deal(services, T2_REP, DealName("acme")), NotFound)
        expect(await moving.advance(services, T2_REP, DealName("acme")), NotFound)

    assert "Acme" not in missing.hint
    assert missing.suggestions == []  # not even a "did you mean"


async def test_the_same_name_finds_each_workspaces_own_deal(
    services: Services, two_workspaces: dict[str, int]
) -> None:
    in_t1 = expect(await show_deal(services, REP, DealName("globex")), Shown)
    in_t2 = expect(await show_deal(services, T2_REP, DealName("globex")), Shown)

    assert in_t1.card.deal_id == two_workspaces["t1_globex"]
    assert in_t2.card.deal_id == two_workspaces["t2_globex"]


@pytest.mark.parametrize(
    ("options", "t1", "t2"),
    [
        ({"scope": "mine"}, ["Acme", "Globex"], ["Globex", "Hooli"]),
        ({"scope": "all"}, ["Acme", "Globex"], ["Globex", "Hooli"]),
        ({"scope": "team"}, ["Acme", "Globex"], ["Globex", "Hooli"]),
        ({"scope": "all", "stage": "qualify"}, ["Acme", "Globex"], ["Globex", "Hooli"]),
    ],
)
async def test_lists_never_include_another_workspaces_deals(
    services: Services,
    two_workspaces: dict[str, int],
    options: dict[str, str],
    t1: list[str],
    t2: list[str],
) -> None:
    t1_list = expect(await list_deals(services, REP, **options), DealList)
    t2_list = expect(await list_deals(services, T2_REP, **options), DealList)
    t2_admin = expect(await list_deals(services, T2_ADMIN, **options), DealList)

    assert names(t1_list.rows) == t1
    assert names(t2_list.rows) == t2
    assert set(names(t2_admin.rows)) <= set(t2)  # "mine" is empty for the admin
    t1_ids = {two_workspaces["acme"], two_workspaces["t1_globex"]}
    assert not t1_ids & {row.deal_id for row in t2_list.rows + t2_admin.rows}


async def test_a_t2_user_with_a_t1_deal_id_as_last_deal_still_sees_nothing(
    services: Services, two_workspaces: dict[str, int]
) -> None:
    # The same Slack user id in two workspaces (Enterprise Grid) keeps separate defaults.
    same_user = Actor(team_id="T2", user_id=REP.user_id)

    missing = await show_deal(services, same_user, CURRENT)

    expect(missing, NotFound)
