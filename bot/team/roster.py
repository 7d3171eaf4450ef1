"""Who has which role and who reports to whom, read by anyone in the workspace (`/deal
role`, `/deal team`, with or without a person): reads are open to everyone, as deals are."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.access import effective_role
from bot.core.context import Actor, Services
from bot.team.outcomes import Member, RoleOf, Roles, TeamOf, Teams
from storage import queries
from storage.models import Person, Role

# The order `/deal role` lists people in: admins, then managers, then reps.
_RANK = {Role.ADMIN: 0, Role.MANAGER: 1, Role.REP: 2}


async def members(services: Services, team_id: str) -> dict[str, Member]:
    """Everyone the workspace knows (a row in `person`, or named in STAGECOACH_ADMINS),
    by user id, in user id order."""
    async with services.db.read() as session:
        rows = await queries.people(session, team_id=team_id)
    return members_of(services, rows)


def members_of(services: Services, rows: Sequence[Person]) -> dict[str, Member]:
    by_id = {row.user_id: row for row in rows}
    reports: dict[str, list[str]] = {}
    for row in rows:
        if row.manager_id:
            reports.setdefault(row.manager_id, []).append(row.user_id)
    # A manager named only as someone's manager_id, or an admin only in the settings,
    # is still a person of the workspace.
    known = sorted({*by_id, *reports, *services.admins})
    return {
        user_id: _member(services, user_id, by_id.get(user_id), reports.get(user_id, []))
        for user_id in known
    }


def _member(services: Services, user_id: str, row: Person | None, reports: list[str]) -> Member:
    return Member(
        user_id=user_id,
        role=effective_role(services, user_id, row),
        in_settings=user_id in services.admins,
        manager_id=row.manager_id if row else None,
        reports=tuple(sorted(reports)),
    )


def member(everyone: dict[str, Member], services: Services, user_id: str) -> Member:
    """`user_id` as a member; someone the workspace does not know yet is a rep in no team."""
    found = everyone.get(user_id)
    return found if found is not None else _member(services, user_id, None, [])


async def list_roles(services: Services, actor: Actor) -> Roles:
    everyone = await members(services, actor.team_id)
    ranked = sorted(everyone.values(), key=lambda m: (_RANK[m.role], m.user_id))
    return Roles(tuple(ranked))


async def role_of_user(services: Services, actor: Actor, *, user_id: str) -> RoleOf:
    return RoleOf(member(await members(services, actor.team_id), services, user_id))


async def list_teams(services: Services, actor: Actor) -> Teams:
    async with services.db.read() as session:
        rows = await queries.people(session, team_id=actor.team_id)
    everyone = members_of(services, rows)
    # Anyone with reports heads a team, even a rep left with reports by older versions
    # (the view flags them); a manager nobody reports to yet heads an empty one.
    heads = tuple(m for m in everyone.values() if m.reports or m.role is Role.MANAGER)
    heading = {m.user_id for m in heads}
    # People of this workspace only: an admin named in the settings may never have used it.
    seen = {row.user_id for row in rows}
    unassigned = tuple(
        m
        for m in everyone.values()
        if m.user_id in seen and m.user_id not in heading and m.manager_id is None
    )
    return Teams(heads, unassigned)


async def team_of_user(services: Services, actor: Actor, *, user_id: str) -> TeamOf:
    return TeamOf(member(await members(services, actor.team_id), services, user_id))
