"""The `team` fixture for the tests that drive the use cases directly (a pytest plugin,
registered in tests/conftest.py)."""

from __future__ import annotations

import pytest

from bot.core.context import Services
from bot.core.outcomes import Done
from bot.team import manage as people
from tests.support.deals import ADMIN, MANAGER, REP, expect


@pytest.fixture
async def team(services: Services) -> Services:
    """UMGR manages UREP (set by an admin, as /deal team does); UOTHER reports to nobody."""
    added = await people.set_team(
        services, ADMIN, manager_id=MANAGER.user_id, action="add", rep_ids=[REP.user_id]
    )
    expect(added, Done)
    return services
