"""`/deal digest preview` through signed Slack requests (#18): a manager sees the digest a
subscription would post, to them alone, with its funnel chart in their DM, before
subscribing any channel; nothing reaches a channel."""

from __future__ import annotations

import pytest

from bot.slack_standin.workspace import dm_channel
from tests.conftest import Clock
from tests.digests.conftest import CHANNEL, MANAGER, REP
from tests.support.blockkit import text_of
from tests.support.harness import SlackHarness

pytestmark = pytest.mark.usefixtures("team")  # an admin made MANAGER the manager of REP
PNG = b"\x89PNG\r\n\x1a\n"


async def test_a_manager_previews_the_team_digest_with_its_chart(
    slack: SlackHarness, clock: Clock
) -> None:
    await slack.command("new Acme 50k", user=REP.user_id, channel=CHANNEL)
    clock.advance(minutes=5)

    answer = await slack.command("digest preview", user=MANAGER.user_id, channel=CHANNEL)

    shown = text_of(answer.json["blocks"])
    assert answer.json["response_type"] == "ephemeral"
    assert (
        f"Preview: the daily digest a subscription for @{MANAGER.user_id}'s team would post "
        "now. Nothing was posted to a channel. Its funnel chart follows in your direct messages."
    ) in shown
    assert "Daily digest" in shown and "Acme (#1)" in shown and "Funnel, the last 90 days" in shown
    [chart] = slack.standin.uploaded_files()
    assert chart.channels == [dm_channel(MANAGER.user_id)]
    assert chart.content is not None and chart.content.startswith(PNG)
    assert (chart.title or "").startswith("Sales funnel, the last 90 days")
    assert slack.standin.messages(CHANNEL) == []  # previewed, not posted


async def test_a_weekly_preview_of_one_owner(slack: SlackHarness, clock: Clock) -> None:
    await slack.command("new Acme 50k", user=REP.user_id)
    clock.advance(days=3)
    answer = await slack.command(
        f"digest preview weekly owner <@{REP.user_id}|rep>", user=MANAGER.user_id
    )
    shown = text_of(answer.json["blocks"])
    assert "Weekly digest" in shown and f"deals of @{REP.user_id}" in shown
    assert "Acme (#1)" in shown


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("digest preview monthly", "'monthly' is neither daily or weekly nor a digest scope"),
        ("digest preview weekly owner", "'owner' is neither daily or weekly nor a digest scope"),
        ("digest preview daily team extra", "'team extra' is neither daily or weekly"),
    ],
)
async def test_a_bad_preview_says_how_to_write_it(
    slack: SlackHarness, text: str, says: str
) -> None:
    answer = await slack.command(text, user=MANAGER.user_id)
    assert says in answer.text and "/deal digest preview weekly team" in answer.text
    assert slack.standin.uploaded_files() == []


async def test_a_rep_gets_no_preview(slack: SlackHarness) -> None:
    answer = await slack.command("digest preview all", user=REP.user_id)
    assert "only managers and admins get digests, so only they preview one" in answer.text
    assert slack.standin.uploaded_files() == []


async def test_help_names_the_preview(slack: SlackHarness) -> None:
    shown = (await slack.command("help digest", user=REP.user_id)).text
    assert "preview [daily|weekly] [team|all|owner @user]" in shown
