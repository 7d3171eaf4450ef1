"""The `team` fixture for the tests that drive the use cases directly (a pytest plugin,
registered in tests/conftest.py), and `make_team`, the way an admin sets one up."""

from __future__ import annotations

import pytest

from bot.core.context import Actor, Services
from bot.team import manage as people
from bot.team.outcomes import RepChange, RoleChanged, TeamAction, TeamChanged
from storage.models import Role
from tests.support.deals import ADMIN, MANAGER, REP, expect


async def make_team(services: Services, admin: Actor, manager_id: str, *rep_ids: str) -> None:
    """What an admin types: /deal role @manager manager, then /deal team @manager add @rep…
    (only a manager or an admin can have reports)."""
    promoted = await people.set_role(services, admin, user_id=manager_id, role=Role.MANAGER)
    assert expect(promoted, RoleChanged).role is Role.MANAGER
    if rep_ids:
        added = await people.set_team(
            services, admin, manager_id=manager_id, action=TeamAction.ADD, rep_ids=rep_ids
        )
        assert all(move.change is RepChange.JOINED for move in expect(added, TeamChanged).moves)


@pytest.fixture
async def team(services: Services) -> Services:
    """UMGR, a manager, manages UREP (set by an admin, as /deal role and /deal team do);
    UOTHER reports to nobody."""
    await make_team(services, ADMIN, MANAGER.user_id, REP.user_id)
    return services
