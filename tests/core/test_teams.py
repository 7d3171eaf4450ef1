"""The one meaning of "team" (bot.core.teams): a manager and their direct reports."""

from __future__ import annotations

from bot.core.context import Actor, Services
from bot.core.scope import Scope, ScopeKind
from bot.core.teams import overseen_by, owners_in, reports_of, team_around, team_of
from storage import queries

T = "T0TEAMS"
MANAGER, REP_B, REP_A, LONER, ADMIN = "U0MGR", "U0REPB", "U0REPA", "U0LONE", "UADMIN"


async def _org(services: Services) -> None:
    async with services.db.write() as session:
        for rep in (REP_B, REP_A):
            await queries.upsert_person(
                session, team_id=T, user_id=rep, values={"manager_id": MANAGER}
            )
        await queries.upsert_person(session, team_id=T, user_id=LONER, values={})


async def test_a_team_is_the_manager_and_their_direct_reports(services: Services) -> None:
    await _org(services)
    async with services.db.read() as session:
        assert sorted(await reports_of(session, team_id=T, manager_id=MANAGER)) == [REP_A, REP_B]
        assert await team_of(session, team_id=T, manager_id=MANAGER) == (MANAGER, REP_A, REP_B)
        assert await team_of(session, team_id=T, manager_id=LONER) == (LONER,)


async def test_whose_deals_a_scope_covers(services: Services) -> None:
    await _org(services)
    async with services.db.read() as session:
        team = await owners_in(session, team_id=T, scope=Scope.team(MANAGER))
        owner = await owners_in(session, team_id=T, scope=Scope.owner(REP_A))
        everyone = await owners_in(session, team_id=T, scope=Scope.everyone())
    assert (team, owner, everyone) == ((MANAGER, REP_A, REP_B), (REP_A,), None)


def test_a_stored_scope_without_its_user_covers_everyone() -> None:
    assert Scope.of(ScopeKind.TEAM, MANAGER) == Scope.team(MANAGER)
    assert Scope.of(ScopeKind.OWNER, REP_A) == Scope.owner(REP_A)
    assert Scope.of(ScopeKind.TEAM, None) == Scope.everyone()
    assert Scope.of(ScopeKind.OWNER, None) == Scope.everyone()


async def test_the_team_someone_works_in(services: Services) -> None:
    await _org(services)
    async with services.db.read() as session:
        as_manager = await team_around(session, team_id=T, user_id=MANAGER)
        as_rep = await team_around(session, team_id=T, user_id=REP_B)
        alone = await team_around(session, team_id=T, user_id=LONER)
    assert as_manager == as_rep == (MANAGER, REP_A, REP_B)
    assert alone is None


async def test_who_oversees_whom(services: Services) -> None:
    await _org(services)
    async with services.db.read() as session:
        manager = await overseen_by(session, services, Actor(T, MANAGER))
        rep = await overseen_by(session, services, Actor(T, REP_A))
        admin = await overseen_by(session, services, Actor(T, ADMIN))
    assert sorted(manager.reports) == [REP_A, REP_B] and not manager.everyone
    assert not rep.anyone and rep.user_ids is None
    assert admin.everyone and admin.anyone and admin.user_ids is None
