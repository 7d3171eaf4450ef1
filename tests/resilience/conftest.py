"""Fixtures for the resilience tests: the real HTTP app in-process with the Slack stand-in,
and a workspace seeded with a deal per team (PostgreSQL runs where TEST_DATABASE_URL is set)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from bot.core.context import Services
from tests.support.blockkit import find
from tests.support.harness import SlackHarness
from tests.support.slack import deal_named

OWNER = "U0OWNER01"
INTRUDER = "U0INTRUDER"  # a rep of the same workspace who owns none of the seeded deals
ADMIN = "UADMIN"  # in services.admins (tests/conftest.py)
OTHER_TEAM = "T0OTHER01"
OTHER_OWNER = "U0OTHER01"  # owns the other workspace's deal


@dataclass(frozen=True, slots=True)
class Seeded:
    """The seeded deals: one in the harness's workspace, one in another workspace."""

    deal_id: int
    stage: str
    other_team_deal_id: int
    other_team_stage: str


@pytest.fixture
def slack_must_end_clean() -> bool:
    """Here the app gets forged, huge and broken input at random and Slack fails on purpose:
    these tests check what the user is told and what is stored, and leave Slack's Block Kit
    rules to the other folders' tests (as they did before the fixture was shared)."""
    return False


@pytest.fixture
async def seeded(slack: SlackHarness) -> Seeded:
    """Acme Corp (owned by OWNER, item 1 ticked) here, Globex in another workspace."""
    await slack.command("new Acme Corp 50k", user=OWNER)
    await slack.command("tick 1", user=OWNER)
    await slack.command("new Globex 20k", user=OTHER_OWNER, team=OTHER_TEAM)
    acme, globex = await deal_named(slack, "Acme Corp"), await deal_named(slack, "Globex")
    assert acme.id is not None and globex.id is not None
    return Seeded(
        deal_id=acme.id,
        stage=acme.stage,
        other_team_deal_id=globex.id,
        other_team_stage=globex.stage,
    )


def ready_line(services: Services, stage_id: str) -> str:
    """`tick …` that ticks every required item of a stage, with evidence where it is asked."""
    stage = services.catalog.current.stage(stage_id)
    parts = [
        f'{number}="checked"' if item.evidence else str(number)
        for number, item in enumerate(stage.exit, start=1)
        if item.required
    ]
    return "tick " + " ".join(parts)


def element_on(card: dict[str, Any], action_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The block and the interactive element with `action_id` on a card."""
    return find(card.get("blocks", []), action_id)
