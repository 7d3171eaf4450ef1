"""Digests in OAuth mode: the scheduler posts each workspace's digest with that workspace's
token, over its own map, at its own default time zone when Slack knows none for the
subscriber; a workspace that uninstalled gets nothing posted."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from bot.core.context import Services
from bot.slack.oauth import workspace_tokens
from bot.slack.scheduler import Scheduler
from bot.slack_standin import SlackStandIn, event_callback
from flows.loader import load_shipped
from storage.digest_models import DigestSubscription
from tests.digests.conftest import FAST
from tests.slack.oauth_support import install, start_oauth_app
from tests.support.harness import SlackHarness

TEAM_A, TEAM_B = "T0ALPHA01", "T0BRAVO01"
ANNA, BORIS = "U0ANNA001", "U0BORIS01"
CHANNEL_A, CHANNEL_B = "C0ALPHA01", "C0BRAVO01"


@pytest.fixture
async def app(services: Services, standin: SlackStandIn) -> AsyncIterator[SlackHarness]:
    harness = await start_oauth_app(services, standin)
    yield harness
    await harness.runtime.tasks.drain()
    await harness.client.close()


async def test_each_workspace_gets_its_digest_with_its_token_map_and_zone(
    app: SlackHarness, standin: SlackStandIn, services: Services
) -> None:
    for team, admin, channel in ((TEAM_A, ANNA, CHANNEL_A), (TEAM_B, BORIS, CHANNEL_B)):
        assert (await install(app, team_id=team, user_id=admin))[0] == 200
        if team == TEAM_A:
            await app.command("settings map extended", user=admin, team=team)
            await app.command("settings timezone Asia/Tokyo", user=admin, team=team)
        await app.command("new Acme 1000", user=admin, team=team)
        said = await app.command(
            f"digest subscribe <#{channel}|sales> daily 09:00 all", user=admin, team=team
        )
        assert "daily digest" in said.text, said.text
    standin.fail_next("users.info", error="user_not_found", times=2)  # no zone from Slack
    scheduler = Scheduler(
        services, client=app.runtime.client, settings=FAST, tokens=workspace_tokens(app.runtime)
    )
    report = await scheduler.tick(force=True)
    assert report.digests == 2, report

    async with services.db.read() as session:
        zones = {s.team_id: s.tz for s in (await session.exec(select(DigestSubscription))).all()}
    assert zones == {TEAM_A: "Asia/Tokyo", TEAM_B: "UTC"}
    posts = {call.args["channel"]: call for call in standin.calls("chat.postMessage")}
    assert standin.oauth.team_of(posts[CHANNEL_A].token) == TEAM_A
    assert standin.oauth.team_of(posts[CHANNEL_B].token) == TEAM_B
    first_extended = load_shipped("extended").stages[0].name
    assert first_extended in str(standin.messages(CHANNEL_A)[0]["blocks"])
    assert first_extended not in str(standin.messages(CHANNEL_B)[0]["blocks"])

    # B uninstalls: its next digest is refused for good, never posted with another's token.
    standin.oauth.revoke(TEAM_B)
    await app.event(event_callback({"type": "app_uninstalled"}, team_id=TEAM_B))
    standin.forget_calls()
    await scheduler.tick(force=True)
    assert {call.args["channel"] for call in standin.calls("chat.postMessage")} <= {CHANNEL_A}
