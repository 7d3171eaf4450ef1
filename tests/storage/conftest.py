"""Fixtures for the storage and use-case tests (the `database`, `services`, `clock` and
`catalog` fixtures come from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.core.context import Services
from bot.core.outcomes import Done
from bot.team import manage as people
from storage.database import Database
from tests.conftest import BACKENDS, drop_database, fresh_database
from tests.storage.helpers import ADMIN, MANAGER, REP, expect


@pytest.fixture(params=BACKENDS)
async def empty_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Database]:
    """A database with no tables at all, as a new deployment finds it."""
    db = await fresh_database(request.param, tmp_path_factory)
    yield db
    await drop_database(db)


@pytest.fixture
async def team(services: Services) -> Services:
    """UMGR manages UREP (set by an admin, as /deal team does); UOTHER reports to nobody."""
    added = await people.set_team(
        services, ADMIN, manager_id=MANAGER.user_id, action="add", rep_ids=[REP.user_id]
    )
    expect(added, Done)
    return services
