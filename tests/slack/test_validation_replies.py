"""The manager's replies to Validate and Send back (issue #18, item 4), through signed Slack
requests: what changed and the checklist, with the full card behind a button."""

from __future__ import annotations

import pytest

from bot.core.catalog import MapCatalog
from bot.views.ids import ActionId
from tests.support.blockkit import has, text_of
from tests.support.harness import SlackHarness
from tests.support.slack import ADMIN, MANAGER, REP
from tests.support.typed_map import typed_catalog

ENTRY = "A buyer is talking to us"  # what the typed map's stages say a deal there is


@pytest.fixture
def catalog() -> MapCatalog:
    return typed_catalog()


@pytest.fixture
async def waiting(slack: SlackHarness) -> None:
    """REP's Acme, its item 9 (validate: manager) ticked and waiting for MANAGER."""
    await slack.command(f"role <@{MANAGER}> manager", user=ADMIN)
    await slack.command(f"team <@{MANAGER}> add <@{REP}>", user=ADMIN)
    await slack.command("new Acme 50k", user=REP)
    ticked = await slack.command('tick 9="Maria signed it off"', user=REP)
    assert "Waiting for a manager's validation: 9." in text_of(ticked.json["blocks"])


@pytest.mark.parametrize(
    ("command", "notice"),
    [
        ("validate #1 9", "☑️ Validated 9."),
        ("sendback #1 9 the price is missing", "↩️ Sent back 9: the price is missing"),
    ],
)
async def test_a_validation_answers_with_what_changed_and_the_checklist(
    slack: SlackHarness, waiting: None, command: str, notice: str
) -> None:
    answer = await slack.command(command, user=MANAGER)

    blocks = answer.json["blocks"]
    text = text_of(blocks)
    assert notice in text, text
    assert has(blocks, ActionId.EXIT_ITEMS) and has(blocks, ActionId.FULL_CARD), text
    assert ENTRY not in text and "What happens here" not in text, text
