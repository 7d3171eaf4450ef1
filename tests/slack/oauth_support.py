"""The app in OAuth mode over HTTP, with the stand-in playing Slack's OAuth side."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import aiohttp
from aiohttp.test_utils import TestClient, TestServer

from bot.core.context import Services
from bot.core.settings import Settings
from bot.slack.app import build_bolt_app
from bot.slack.http import build_web_app
from bot.slack.runtime import build_runtime, web_client
from bot.slack_standin import SlackStandIn
from tests.support.harness import SIGNING_SECRET, SlackHarness

CLIENT_ID = "1234567890.0987654321"
CLIENT_SECRET = "b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5"
REDIRECT = "https://stagecoach.example/slack/oauth_redirect"
LINK = re.compile(r'id="add-to-slack" href="([^"]+)"')


async def start_oauth_app(services: Services, standin: SlackStandIn) -> SlackHarness:
    standin.oauth.client_id, standin.oauth.client_secret = CLIENT_ID, CLIENT_SECRET
    settings = Settings(
        database_url="sqlite://",
        admins=services.admins,
        signing_secret=SIGNING_SECRET,
        api_url=standin.api_url,
        extra_response_url_prefixes=(standin.base_url,),
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uri=REDIRECT,
    )
    runtime = build_runtime(services, settings, client=web_client(settings))
    client = TestClient(TestServer(build_web_app(build_bolt_app(runtime), runtime)))
    await client.start_server()
    return SlackHarness(services=services, standin=standin, runtime=runtime, client=client)


async def install(app: SlackHarness, *, team_id: str, user_id: str) -> tuple[int, str]:
    """A person opens the install page, approves in Slack (the stand-in), and their browser
    comes back to the redirect URL: its status and page."""
    page = await app.client.get("/slack/install")
    assert page.status == 200, await page.text()
    cookie = page.headers["Set-Cookie"].split(";")[0]
    found = LINK.search(await page.text())
    assert found is not None, "the install page has no Add to Slack link"
    authorize = found.group(1).replace("&amp;", "&") + f"&team={team_id}&user={user_id}"
    async with (
        aiohttp.ClientSession() as browser,
        browser.get(authorize, allow_redirects=False) as approved,
    ):
        assert approved.status == 302, await approved.text()
        back = urlparse(approved.headers["Location"])
    assert back.path == urlparse(REDIRECT).path
    query = {key: values[0] for key, values in parse_qs(back.query).items()}
    done = await app.client.get("/slack/oauth_redirect", params=query, headers={"Cookie": cookie})
    return done.status, await done.text()
