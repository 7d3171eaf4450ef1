"""Fixtures for the KPI tests: the known history (tests/support/known_history.py) imported
into a real database, on SQLite and on PostgreSQL (the `services` fixture of
tests/conftest.py)."""

from __future__ import annotations

import pytest

from bot.core.context import Actor, Services
from bot.core.outcomes import Done
from bot.team import manage as people
from tests.support.known_history import MANAGER, R1, TEAM, csv_text, import_text


@pytest.fixture
async def imported(services: Services) -> Services:
    report = await import_text(services, csv_text())
    assert report.rejected == [] and report.deals_created == 9, report
    return services


@pytest.fixture
async def with_team(imported: Services) -> Services:
    """MANAGER manages R1 (set as /deal team does)."""
    admin = Actor(team_id=TEAM, user_id="UADMIN")
    added = await people.set_team(imported, admin, manager_id=MANAGER, action="add", rep_ids=[R1])
    assert isinstance(added, Done), added
    return imported
