"""A role change and a team change about the same manager, at the same moment: whichever
goes first, the other decides on what it left (bot.team.manage locks the rows it decides
on), so nobody ends up reporting to a rep."""

from __future__ import annotations

import asyncio

from bot.core.context import Services
from bot.team import manage as people
from bot.team.outcomes import TeamAction
from storage import queries
from storage.models import Role
from tests.support.deals import ADMIN
from tests.support.team import make_team

ROUNDS = 20


async def stored(services: Services, user_id: str) -> tuple[Role, str | None]:
    async with services.db.read() as session:
        found = await queries.person(session, team_id="T1", user_id=user_id)
    return (Role(found.role), found.manager_id) if found else (Role.REP, None)


async def test_a_demotion_and_new_reports_at_once_never_leave_reports_with_a_rep(
    services: Services,
) -> None:
    for round_ in range(ROUNDS):
        manager, rep = f"U0MGR{round_:04d}", f"U0REP{round_:04d}"
        await make_team(services, ADMIN, manager)
        demote = people.set_role(services, ADMIN, user_id=manager, role=Role.REP)
        add = people.set_team(
            services, ADMIN, manager_id=manager, action=TeamAction.ADD, rep_ids=[rep]
        )
        await asyncio.gather(demote, add)

        role, _ = await stored(services, manager)
        _, reports_to = await stored(services, rep)
        assert not (role is Role.REP and reports_to == manager), f"round {round_}"
