"""The Slack surface for tests (a pytest plugin, registered in tests/conftest.py): who acts,
the stand-in, the real app over HTTP in front of it, and what a person sees and clicks there."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlmodel import select

from bot.core.context import Services
from bot.slack_standin import SlackStandIn
from storage.models import Deal
from tests.support.harness import SlackHarness, start_harness

REP = "U0REP0001"
REP2 = "U0REP0002"
MANAGER = "U0MGR0001"
ADMIN = "UADMIN"  # in services.admins (tests/conftest.py)

JsonDict = dict[str, Any]


@pytest.fixture
async def standin() -> AsyncIterator[SlackStandIn]:
    async with SlackStandIn() as running:
        yield running


@pytest.fixture
def slack_must_end_clean() -> bool:
    """Whether a test fails when the app sent Slack anything Slack would refuse. A folder
    whose tests make the app fail on purpose overrides this in its conftest."""
    return True


@pytest.fixture
async def slack(
    services: Services, standin: SlackStandIn, slack_must_end_clean: bool
) -> AsyncIterator[SlackHarness]:
    harness = await start_harness(services, standin)
    yield harness
    await harness.runtime.tasks.drain()
    await harness.client.close()
    if slack_must_end_clean:
        standin.assert_clean()


async def make_team(slack: SlackHarness, manager: str, *reps: str) -> None:
    """What an admin types to make someone a manager and give them reps (if any are named):
    only a manager or an admin can have reports, so the role comes first."""
    promoted = await slack.command(f"role <@{manager}> manager", user=ADMIN)
    assert f"<@{manager}> is now a manager" in promoted.text, promoted.text
    if reps:
        mentions = " ".join(f"<@{rep}>" for rep in reps)
        added = await slack.command(f"team <@{manager}> add {mentions}", user=ADMIN)
        assert "now report" in added.text, added.text


async def deal_named(slack: SlackHarness, name: str) -> Deal:
    async with slack.services.db.read() as session:
        return (await session.exec(select(Deal).where(Deal.name == name))).one()


def latest_card(slack: SlackHarness, user: str) -> JsonDict:
    """The newest ephemeral message the user sees (a card, after replacements)."""
    shown = slack.standin.ephemerals(user)
    assert shown, "the user sees no card"
    return shown[-1]


def click_from(slack: SlackHarness, message: JsonDict, user: str) -> JsonDict:
    """How a click on an ephemeral card arrives: no `message`, a response URL to replace it."""
    url = slack.standin.response_url(
        channel=message["channel"], user=user, message_ts=message["ts"]
    )
    return {
        "is_ephemeral": True,
        "channel_id": message["channel"],
        "message_ts": message["ts"],
        "response_url": url,
    }
