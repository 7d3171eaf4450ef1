"""Fixtures for the KPI tests: the known history (tests/support/known_history.py) imported
into a real database, on SQLite and on PostgreSQL (the `services` fixture of
tests/conftest.py)."""

from __future__ import annotations

import pytest

from bot.core.context import Actor, Services
from tests.support.known_history import MANAGER, R1, TEAM, csv_text, import_text
from tests.support.team import make_team


@pytest.fixture
async def imported(services: Services) -> Services:
    report = await import_text(services, csv_text())
    assert report.rejected == [] and report.deals_created == 9, report
    return services


@pytest.fixture
async def with_team(imported: Services) -> Services:
    """MANAGER, a manager, manages R1 (set as /deal role and /deal team do)."""
    await make_team(imported, Actor(team_id=TEAM, user_id="UADMIN"), MANAGER, R1)
    return imported
