"""Installing the app into two workspaces through Slack's OAuth flow (the stand-in's
oauth.v2.access), using both with different maps, a rotated token, an uninstall: each
workspace sees only its own, and an uninstall removes the tokens and keeps the data."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml
from sqlmodel import select

from bot.core.context import Services
from bot.slack.oauth import BOT_SCOPES
from bot.slack_standin import SlackStandIn, event_callback
from storage import workspace_store
from storage.models import Deal, Person, Role
from tests.slack.oauth_support import install, start_oauth_app
from tests.support.harness import SlackHarness

TEAM_A, TEAM_B = "T0ALPHA01", "T0BRAVO01"
ANNA, BORIS = "U0ANNA001", "U0BORIS01"


@pytest.fixture
async def app(services: Services, standin: SlackStandIn) -> AsyncIterator[SlackHarness]:
    harness = await start_oauth_app(services, standin)
    yield harness
    await harness.runtime.tasks.drain()
    await harness.client.close()


async def token_of(services: Services, team_id: str) -> str | None:
    async with services.db.read() as session:
        row = await workspace_store.installation(session, team_id=team_id)
    return row.bot_token if row else None


def tokens_used(standin: SlackStandIn, method: str) -> set[str | None]:
    return {call.token for call in standin.calls(method)}


async def deals_of(services: Services, team_id: str) -> list[Deal]:
    async with services.db.read() as session:
        return list((await session.exec(select(Deal).where(Deal.team_id == team_id))).all())


async def test_two_workspaces_install_use_rotate_and_uninstall(
    app: SlackHarness, standin: SlackStandIn, services: Services
) -> None:
    standin.oauth.rotation, standin.oauth.expires_in = True, 6 * 3600
    for team, user in ((TEAM_A, ANNA), (TEAM_B, BORIS)):
        status, page = await install(app, team_id=team, user_id=user)
        assert status == 200 and "You are its first admin" in page, page
    async with services.db.read() as session:
        admins = (await session.exec(select(Person).where(Person.role == Role.ADMIN))).all()
    assert {(p.team_id, p.user_id) for p in admins} == {(TEAM_A, ANNA), (TEAM_B, BORIS)}
    token_a, token_b = await token_of(services, TEAM_A), await token_of(services, TEAM_B)
    assert token_a and token_b and token_a != token_b

    # A chooses the extended map; B keeps the deployment's. Only an admin may choose.
    refused = await app.command("settings map extended", user=BORIS + "X", team=TEAM_A)
    assert "only an admin" in refused.text
    chosen = await app.command("settings map extended", user=ANNA, team=TEAM_A)
    assert "extended v2" in chosen.text, chosen.text
    assert "(default v1)" in (await app.command("settings", user=BORIS, team=TEAM_B)).text

    await app.command("new Acme 5000", user=ANNA, team=TEAM_A)
    await app.command("new Globex 7000", user=BORIS, team=TEAM_B)
    (acme,), (globex,) = await deals_of(services, TEAM_A), await deals_of(services, TEAM_B)
    assert (acme.name, acme.map_id) == ("Acme", "extended")
    assert (globex.name, globex.map_id) == ("Globex", "default")
    listed_a = await app.command("list", user=ANNA, team=TEAM_A)
    assert "Acme" in str(listed_a.json) and "Globex" not in str(listed_a.json)
    stats_b = await app.command("stats", user=BORIS, team=TEAM_B)
    assert "Acme" not in str(stats_b.json)

    # Each workspace's Web API calls carry its own token (the map picture goes by DM).
    standin.forget_calls()
    await app.command("map", user=ANNA, team=TEAM_A)
    assert tokens_used(standin, "conversations.open") == {token_a}
    standin.forget_calls()
    await app.command("map", user=BORIS, team=TEAM_B)
    assert tokens_used(standin, "conversations.open") == {token_b}

    # A's token is about to expire: the next request rotates it, and uses the new one.
    async with services.db.write() as session:
        row = await workspace_store.installation(session, team_id=TEAM_A)
        assert row is not None and row.bot_refresh_token
        old_refresh = row.bot_refresh_token
        row.bot_token_expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
        session.add(row)
    standin.forget_calls()
    await app.command("map", user=ANNA, team=TEAM_A)
    rotated = await token_of(services, TEAM_A)
    assert rotated not in (None, token_a)
    assert tokens_used(standin, "conversations.open") == {rotated}
    async with services.db.read() as session:
        row = await workspace_store.installation(session, team_id=TEAM_A)
    assert row is not None and row.bot_refresh_token not in (None, old_refresh)
    assert old_refresh not in standin.oauth.refresh_tokens  # Slack took it back

    # B uninstalls: its tokens go, its deals stay; A goes on as before.
    standin.oauth.revoke(TEAM_B)
    gone = await app.event(event_callback({"type": "app_uninstalled"}, team_id=TEAM_B))
    assert gone.status == 200
    assert await token_of(services, TEAM_B) is None
    assert [d.name for d in await deals_of(services, TEAM_B)] == ["Globex"]
    after = await app.command("show", user=BORIS, team=TEAM_B)
    assert after.status == 200  # told through the response URL, privately
    assert "not installed in this workspace" in standin.ephemerals(BORIS)[-1]["text"]
    still = await app.command("show Acme", user=ANNA, team=TEAM_A)
    assert "Acme" in str(still.json)

    # A revokes the bot's token: likewise.
    revoked = event_callback(
        {"type": "tokens_revoked", "tokens": {"bot": ["U0STAGEBOT"]}}, team_id=TEAM_A
    )
    assert (await app.event(revoked)).status == 200
    assert await token_of(services, TEAM_A) is None
    assert [d.name for d in await deals_of(services, TEAM_A)] == ["Acme"]


async def test_a_used_or_forged_state_installs_nothing(
    app: SlackHarness, standin: SlackStandIn, services: Services
) -> None:
    code = standin.oauth.approve(team_id=TEAM_A, user_id=ANNA)
    forged = await app.client.get(
        "/slack/oauth_redirect",
        params={"code": code, "state": "made-up"},
        headers={"Cookie": "slack-app-oauth-state=made-up"},
    )
    assert forged.status == 401
    assert "expired or was already used" in await forged.text()
    no_cookie = await app.client.get("/slack/oauth_redirect", params={"code": code, "state": "x"})
    assert no_cookie.status == 400 and "did not start the install" in await no_cookie.text()
    cancelled = await app.client.get("/slack/oauth_redirect", params={"error": "access_denied"})
    assert "cancelled" in await cancelled.text()
    assert await token_of(services, TEAM_A) is None


async def test_the_scopes_asked_for_are_the_manifests() -> None:
    manifest = yaml.safe_load(Path("manifest.yml").read_text(encoding="utf-8"))
    assert sorted(BOT_SCOPES) == sorted(manifest["oauth_config"]["scopes"]["bot"])
    assert "https://YOUR-HOST/slack/oauth_redirect" in manifest["oauth_config"]["redirect_urls"]
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert {"app_uninstalled", "tokens_revoked"} <= set(events)
