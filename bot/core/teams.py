"""Who is in a team: the one meaning of "team" every feature uses.

A manager's team is the manager and everyone who reports to them directly
(`Person.manager_id`, set with `/deal team`). Its deals are the ones a team's KPIs
(`/deal stats`, `stagecoach stats --scope team:U…`), a team digest and `/deal list team`
count: `team_of`, `owners_in`, `team_around`.

The same team without the manager, `reports_of`, is what App Home and `/deal onboard
status` list under "your team": they show the manager's own deals and onboarding apart,
so listing them again under the team would count them twice. `overseen_by` adds the
admin's view of those screens (everyone, for an admin nobody reports to).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.access import role_of
from bot.core.context import Actor, Services
from bot.core.scope import Scope, ScopeKind
from storage import queries
from storage.models import Role


async def reports_of(session: AsyncSession, *, team_id: str, manager_id: str) -> tuple[str, ...]:
    """Everyone who reports to `manager_id` directly, in the order storage keeps them."""
    return tuple(await queries.reports_of(session, team_id=team_id, manager_id=manager_id))


async def team_of(session: AsyncSession, *, team_id: str, manager_id: str) -> tuple[str, ...]:
    """The manager's team: the manager, then their direct reports (sorted)."""
    reports = await reports_of(session, team_id=team_id, manager_id=manager_id)
    return _team(manager_id, reports)


async def owners_in(session: AsyncSession, *, team_id: str, scope: Scope) -> tuple[str, ...] | None:
    """Whose deals `scope` covers; None for everyone (a map scope covers every owner)."""
    if scope.kind is ScopeKind.OWNER and scope.user_id:
        return (scope.user_id,)
    if scope.kind is ScopeKind.TEAM and scope.user_id:
        return await team_of(session, team_id=team_id, manager_id=scope.user_id)
    return None


async def team_around(
    session: AsyncSession, *, team_id: str, user_id: str
) -> tuple[str, ...] | None:
    """The team a person works in: the one they manage when anyone reports to them, else
    their manager's (which includes them); None for someone in no team."""
    reports = await reports_of(session, team_id=team_id, manager_id=user_id)
    if reports:
        return _team(user_id, reports)
    me = await queries.person(session, team_id=team_id, user_id=user_id)
    if me is not None and me.manager_id:
        return await team_of(session, team_id=team_id, manager_id=me.manager_id)
    return None


def _team(manager_id: str, reports: tuple[str, ...]) -> tuple[str, ...]:
    return (manager_id, *sorted(reports))


@dataclass(frozen=True, slots=True)
class Overseen:
    """Whose deals and onboarding a person sees beside their own (App Home, `/deal onboard
    status`): their reports; an admin nobody reports to sees everyone."""

    reports: tuple[str, ...]
    everyone: bool

    @property
    def anyone(self) -> bool:
        return bool(self.reports) or self.everyone

    @property
    def user_ids(self) -> list[str] | None:
        """The people to list; None for everyone."""
        return list(self.reports) if self.reports else None


async def overseen_by(session: AsyncSession, services: Services, actor: Actor) -> Overseen:
    reports = await reports_of(session, team_id=actor.team_id, manager_id=actor.user_id)
    is_admin = await role_of(session, services, actor) is Role.ADMIN
    return Overseen(reports=reports, everyone=not reports and is_admin)
