"""Fixtures for digests and nudges: a Web API client and a scheduler pointed at the Slack
stand-in (tests/support/slack.py), and a small team (an admin makes UMGR the manager of UREP) with deals created at known times."""

from __future__ import annotations

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.context import Actor, Services
from bot.core.settings import Settings
from bot.digests.settings import SchedulerSettings
from bot.slack.runtime import web_client
from bot.slack.scheduler import Scheduler
from bot.slack_standin import SlackStandIn
from tests.support.team import make_team

TEAM = "T0TEAM001"
ADMIN = Actor(team_id=TEAM, user_id="UADMIN")  # in services.admins (tests/conftest.py)
MANAGER = Actor(team_id=TEAM, user_id="U0MGR0001", channel_id="C0SALES01")
REP = Actor(team_id=TEAM, user_id="U0REP0001")
REP2 = Actor(team_id=TEAM, user_id="U0REP0002")
CHANNEL = "C0SALES01"
FAST = SchedulerSettings(interval=0.05, lease=60.0)


@pytest.fixture
def client(standin: SlackStandIn) -> AsyncWebClient:
    settings = Settings(database_url="sqlite://", bot_token="xoxb-test", api_url=standin.api_url)
    return web_client(settings)


@pytest.fixture
def scheduler(services: Services, client: AsyncWebClient) -> Scheduler:
    return Scheduler(services, client=client, settings=FAST)


@pytest.fixture
async def team(services: Services) -> Services:
    await make_team(services, ADMIN, MANAGER.user_id, REP.user_id)
    return services
