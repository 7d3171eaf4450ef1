"""The real app over HTTP with the Slack stand-in: fixtures for the Slack-surface tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.core.context import Services
from bot.slack_standin import SlackStandIn
from tests.support.harness import SlackHarness, start_harness

REP = "U0REP0001"
REP2 = "U0REP0002"
MANAGER = "U0MGR0001"
ADMIN = "UADMIN"  # in services.admins (tests/conftest.py)


@pytest.fixture
async def standin() -> AsyncIterator[SlackStandIn]:
    async with SlackStandIn() as running:
        yield running


@pytest.fixture
async def slack(services: Services, standin: SlackStandIn) -> AsyncIterator[SlackHarness]:
    harness = await start_harness(services, standin)
    yield harness
    await harness.runtime.tasks.drain()
    await harness.client.close()
    standin.assert_clean()
