"""Fixtures for the resilience tests: the real HTTP app in-process with the Slack stand-in,
and a workspace seeded with a deal per team (PostgreSQL runs where TEST_DATABASE_URL is set)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import select

from bot.core.context import Services
from bot.slack_standin import SlackStandIn
from storage.models import Deal
from tests.support.harness import SlackHarness, start_harness

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
async def standin() -> AsyncIterator[SlackStandIn]:
    async with SlackStandIn() as running:
        yield running


@pytest.fixture
async def slack(services: Services, standin: SlackStandIn) -> AsyncIterator[SlackHarness]:
    harness = await start_harness(services, standin)
    yield harness
    await harness.runtime.tasks.drain()
    await harness.client.close()


async def deal_named(slack: SlackHarness, name: str) -> Deal:
    async with slack.services.db.read() as session:
        return (await session.exec(select(Deal).where(Deal.name == name))).one()


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


def latest_card(slack: SlackHarness, user: str) -> dict[str, Any]:
    """The newest ephemeral message the user sees (a card, after replacements)."""
    shown = slack.standin.ephemerals(user)
    assert shown, "the user sees no card"
    return shown[-1]


def element_on(card: dict[str, Any], action_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The block and the interactive element with `action_id` on a card."""
    for block in card.get("blocks", []):
        for element in [block.get("accessory") or {}, *block.get("elements", [])]:
            if element.get("action_id") == action_id:
                return block, element
    raise AssertionError(f"no {action_id} on the card")
