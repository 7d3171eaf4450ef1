"""Who may change a deal (bot/core/access.py; the README, "The /deal command"): the owner, the
owner's manager or an admin; anyone in the workspace may read it. Admins set roles and
teams."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.core.context import Actor, Services
from bot.core.dates import FromToday
from bot.core.outcomes import Done, Invalid, NotAllowed, Outcome
from bot.core.refs import DealName
from bot.deals import moving, ticking
from bot.deals.binding import bind_deal
from bot.deals.outcomes import Moved, Shown, Ticked
from bot.deals.showing import show_deal
from bot.team import manage as people
from bot.team.outcomes import RoleChanged, TeamAction, TeamChanged
from storage import queries
from storage.models import Role
from tests.support.deals import (
    ADMIN,
    MANAGER,
    OTHER_REP,
    REP,
    expect,
    make_ready,
    new_deal,
    writes_nothing,
)

Change = Callable[[Services, Actor], Awaitable[Outcome]]

# Each change a non-owner might try on REP's deal "Acme" (in Qualification).
CHANGES: dict[str, Change] = {
    "tick": lambda s, a: ticking.set_ticks(s, a, DealName("acme"), tick=["1"]),
    "untick": lambda s, a: ticking.set_ticks(s, a, DealName("acme"), selection=[]),
    "advance": lambda s, a: moving.advance(s, a, DealName("acme")),
    "disqualify": lambda s, a: moving.disqualify(s, a, DealName("acme"), reason="no fit"),
    "nurture": lambda s, a: moving.nurture(s, a, DealName("acme"), until=FromToday(days=30)),
    "bind": lambda s, a: bind_deal(s, Actor(a.team_id, a.user_id, "CROOM"), DealName("acme")),
}
ALLOWED = {
    "tick": Ticked,
    "untick": Ticked,
    "advance": Moved,
    "disqualify": Moved,
    "nurture": Moved,
    "bind": Done,
}


@pytest.fixture
async def acme_ready(team: Services) -> None:
    """REP's deal with every required item done, so an allowed advance moves."""
    await make_ready(team, REP, await new_deal(team, REP, "Acme"))


@pytest.mark.parametrize("change", list(CHANGES))
async def test_another_rep_cannot_change_a_deal(
    team: Services, acme_ready: None, change: str
) -> None:
    async with writes_nothing(team):
        refused = expect(await CHANGES[change](team, OTHER_REP), NotAllowed)

    assert f"<@{REP.user_id}>" in refused.message


async def test_another_rep_can_read_a_deal(team: Services, acme_ready: None) -> None:
    shown = expect(await show_deal(team, OTHER_REP, DealName("acme")), Shown)

    assert shown.card.owner_id == REP.user_id


@pytest.mark.parametrize("change", list(CHANGES))
@pytest.mark.parametrize("who", [MANAGER, ADMIN], ids=["manager", "admin"])
async def test_the_owners_manager_and_an_admin_can_change_a_deal(
    team: Services, acme_ready: None, change: str, who: Actor
) -> None:
    expect(await CHANGES[change](team, who), ALLOWED[change])


async def test_a_manager_of_other_reps_cannot_change_a_deal(team: Services) -> None:
    await new_deal(team, OTHER_REP, "Initech")

    async with writes_nothing(team):
        expect(await ticking.set_ticks(team, MANAGER, DealName("initech"), tick=["1"]), NotAllowed)


async def test_a_manager_removed_from_the_team_loses_the_right(team: Services) -> None:
    await new_deal(team, REP, "Acme")
    expect(
        await people.set_team(
            team, ADMIN, manager_id=MANAGER.user_id, action=TeamAction.REMOVE, rep_ids=[REP.user_id]
        ),
        TeamChanged,
    )

    expect(await ticking.set_ticks(team, MANAGER, DealName("acme"), tick=["1"]), NotAllowed)


# -- roles and teams -----------------------------------------------------------------------


async def role_in_db(services: Services, user_id: str) -> Role | None:
    async with services.db.read() as session:
        person = await queries.person(session, team_id="T1", user_id=user_id)
    return Role(person.role) if person else None


async def test_an_admin_sets_roles(services: Services) -> None:
    done = expect(
        await people.set_role(services, ADMIN, user_id="UDANA", role=Role.MANAGER), RoleChanged
    )

    assert (done.user_id, done.role, done.before) == ("UDANA", Role.MANAGER, Role.REP)
    assert await role_in_db(services, "UDANA") is Role.MANAGER


async def test_an_admin_made_by_an_admin_has_every_right(services: Services) -> None:
    # Only the first admins come from STAGECOACH_ADMINS; the others are rows in `person`.
    await new_deal(services, REP, "Acme")
    expect(await people.set_role(services, ADMIN, user_id="UDANA", role=Role.ADMIN), RoleChanged)
    dana = Actor(team_id="T1", user_id="UDANA")

    expect(await people.set_role(services, dana, user_id="USAM", role=Role.MANAGER), RoleChanged)
    expect(await ticking.set_ticks(services, dana, DealName("acme"), tick=["1"]), Ticked)
    expect(await moving.override(services, dana, DealName("acme"), reason="board decision"), Moved)


@pytest.mark.parametrize("who", [REP, MANAGER], ids=["rep", "manager"])
async def test_only_an_admin_sets_roles_and_teams(team: Services, who: Actor) -> None:
    async with writes_nothing(team):
        expect(await people.set_role(team, who, user_id=who.user_id, role=Role.ADMIN), NotAllowed)
        expect(
            await people.set_team(
                team,
                who,
                manager_id=who.user_id,
                action=TeamAction.ADD,
                rep_ids=[OTHER_REP.user_id],
            ),
            NotAllowed,
        )


@pytest.mark.parametrize("reps", [[], [MANAGER.user_id]], ids=["nobody", "themselves"])
async def test_a_bad_team_change_is_refused(team: Services, reps: list[str]) -> None:
    async with writes_nothing(team):
        expect(
            await people.set_team(
                team, ADMIN, manager_id=MANAGER.user_id, action=TeamAction.ADD, rep_ids=reps
            ),
            Invalid,
        )


async def test_reports_are_added_only_to_a_manager_or_an_admin(services: Services) -> None:
    async with writes_nothing(services):
        refused = expect(
            await people.set_team(
                services, ADMIN, manager_id="UMARIA", action=TeamAction.ADD, rep_ids=["USAM"]
            ),
            Invalid,
        )
    assert "/deal role <@UMARIA> manager" in refused.hint

    expect(await people.set_role(services, ADMIN, user_id="UMARIA", role=Role.MANAGER), RoleChanged)
    expect(
        await people.set_team(
            services, ADMIN, manager_id="UMARIA", action=TeamAction.ADD, rep_ids=["USAM", "ULEE"]
        ),
        TeamChanged,
    )
    assert await role_in_db(services, "UMARIA") is Role.MANAGER
    async with services.db.read() as session:
        reports = await queries.reports_of(session, team_id="T1", manager_id="UMARIA")
    assert sorted(reports) == ["ULEE", "USAM"]
