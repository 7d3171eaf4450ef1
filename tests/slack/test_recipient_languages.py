"""What is sent to someone other than whoever asked speaks the recipient's language
(bot.slack.user_locales `speaking`): a DM its reader's Slack language, a channel's post the
workspace's (`/deal settings language`), while the asker is answered in their own. Through
signed requests and the stand-in; the scheduler's work through its tick.

The expected words come from the catalogue (`_(…, locale=…)`), never typed here."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.core.catalog import MapCatalog
from bot.digests.settings import SchedulerSettings
from bot.slack.scheduler import Scheduler
from bot.slack_standin.workspace import dm_channel
from bot.views.ids import ActionId
from flows.i18n import ENGLISH, TURKISH, _
from tests.conftest import Clock
from tests.slack.test_validation import request_in_dm, tick_signed_off
from tests.support.approval_map import approval_catalog
from tests.support.approvals import ask_discount, press, requests_in
from tests.support.blockkit import find, text_of
from tests.support.harness import SlackHarness
from tests.support.slack import ADMIN, MANAGER, REP, latest_card, make_team
from tests.support.typed_map import typed_catalog

JsonDict = dict[str, Any]
TURKISH_SLACK = "tr-TR"
CHANNEL = "C0SALES01"
TICK = SchedulerSettings(interval=0.05, lease=60.0)


def says(text: str, msgid: str, language: str) -> bool:
    """Whether `text` holds `msgid` as `language` words it: every part of the translation
    between its placeholders (the values put in are not this test's business)."""
    translated = _(msgid, locale=language)
    assert language == ENGLISH or translated != msgid, f"{msgid!r} has no {language} yet"
    parts = [part.strip() for part in re.split(r"\{[^{}]*\}", translated)]
    return all(part in text for part in parts if part)


def label(message: JsonDict, action_id: str) -> str:
    _block, button = find(message["blocks"], action_id)
    return str(button["text"]["text"])


def scheduler(slack: SlackHarness) -> Scheduler:
    """A scheduler beside the app, as `serve` runs one (sharing its people's languages)."""
    runtime = slack.runtime
    return Scheduler(
        runtime.services, client=runtime.client, settings=TICK, locales=runtime.locales
    )


@pytest.fixture
def turkish_rep(slack: SlackHarness) -> None:
    slack.standin.add_user(REP, locale=TURKISH_SLACK)  # the manager keeps Slack's en-US


class TestValidation:
    @pytest.fixture
    def catalog(self) -> MapCatalog:
        return typed_catalog()

    @pytest.mark.usefixtures("turkish_rep")
    async def test_a_turkish_rep_asks_an_english_manager(self, slack: SlackHarness) -> None:
        await make_team(slack, MANAGER, REP)
        await slack.command("new Acme 50k", user=REP)
        card = await tick_signed_off(slack, latest_card(slack, REP))

        assert says(text_of(card["blocks"]), "awaiting validation", TURKISH)  # the rep's reply
        request = request_in_dm(slack, MANAGER)
        assert label(request, ActionId.VALIDATE) == _("Validate", locale=ENGLISH)
        assert says(request["text"], "{name}: {item} awaits your validation", ENGLISH)


class TestApproval:
    @pytest.fixture
    def catalog(self) -> MapCatalog:
        return approval_catalog()

    @pytest.mark.usefixtures("turkish_rep")
    async def test_a_turkish_rep_asks_an_english_approver(self, slack: SlackHarness) -> None:
        await make_team(slack, MANAGER, REP)
        await slack.command("new Acme 150k", user=REP)
        waiting = await ask_discount(slack, latest_card(slack, REP))
        assert says(text_of(waiting["blocks"]), "{number}. waiting for approval by {who}", TURKISH)

        (request,) = requests_in(slack, MANAGER)
        assert label(request, ActionId.APPROVE) == _("Approve", locale=ENGLISH)
        assert says(request["text"], "{name}: {item} awaits your approval", ENGLISH)

        await press(slack, request, ActionId.APPROVE, MANAGER, channel=dm_channel(MANAGER))
        told = slack.standin.messages(REP)[-1]  # the rep's DM: approved, in Turkish
        assert says(told["text"], "<@{by}> approved {number}. {item} on {name}.", TURKISH)


async def test_a_digest_speaks_its_workspaces_language(slack: SlackHarness) -> None:
    await make_team(slack, MANAGER, REP)
    await slack.command("settings language tr", user=ADMIN)
    # The subscriber's own Slack language is English: a channel is not theirs.
    await slack.command(f"digest subscribe <#{CHANNEL}|sales> daily 09:00 team", user=MANAGER)

    report = await scheduler(slack).tick(force=True)

    assert report.digests == 1
    digest = slack.standin.messages(CHANNEL)[0]  # its funnel chart follows
    assert says(digest["text"], "Daily digest", TURKISH)


@pytest.mark.usefixtures("turkish_rep")
async def test_a_nudge_speaks_its_owners_language(slack: SlackHarness, clock: Clock) -> None:
    await make_team(slack, MANAGER, REP)
    await slack.command(f"digest subscribe <#{CHANNEL}|sales> daily 09:00 team", user=MANAGER)
    await slack.command("new Acme Corp 50k", user=REP)
    clock.advance(days=3)  # Qualification flags a deal idle after 3 days

    report = await scheduler(slack).tick(force=True)

    assert (report.nudges, report.digests) == (1, 1)
    idle = "Nothing has happened on {name} for {days}; {stage} flags deals idle after {rot} days."
    nudge = slack.standin.messages(dm_channel(REP))[-1]
    assert says(nudge["text"], idle, TURKISH)
    digest = slack.standin.messages(CHANNEL)[0]  # the workspace's language: English
    assert says(digest["text"], "Daily digest", ENGLISH)


@pytest.mark.usefixtures("turkish_rep")
async def test_an_english_managers_changes_reach_a_turkish_owner_in_turkish(
    slack: SlackHarness,
) -> None:
    await make_team(slack, MANAGER, REP)
    await slack.command("new Acme 50k", user=REP)
    head = "<@{actor}> changed your deal {name} (#{deal}):"

    await slack.command("edit #1 amount 70k", user=MANAGER)
    await slack.command("tick #1 1", user=MANAGER)  # the same burst: the DM is rewritten

    (told,) = slack.standin.messages(REP)
    assert says(told["text"], head, TURKISH)
    assert says(text_of(told["blocks"]), "ticked “{item}”", TURKISH)
