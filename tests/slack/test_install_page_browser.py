"""The install pages as a real browser shows them: headless Chromium (Debian's package;
.ci/run installs it) loads /slack/install from the running app and reads back its DOM."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlparse

import pytest

from bot.core.context import Services
from bot.slack_standin import SlackStandIn
from tests.slack.oauth_support import CLIENT_ID, start_oauth_app
from tests.support.harness import SlackHarness

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class Page(HTMLParser):
    """What the tests read of a page: its heading, its links by id, its text."""

    def __init__(self, dom: str) -> None:
        super().__init__()
        self.h1, self.text, self.links = "", "", dict[str, tuple[str, str]]()
        self._in: str | None = None
        self._link: tuple[str, str] | None = None
        self.feed(dom)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("id"):
            self._link = (found["id"] or "", found.get("href") or "")
        self._in = tag

    def handle_endtag(self, tag: str) -> None:
        self._in, self._link = None, None if tag == "a" else self._link

    def handle_data(self, data: str) -> None:
        self.text += data
        if self._in == "h1":
            self.h1 += data
        if self._link is not None:
            self.links[self._link[0]] = (self._link[1], data)


@pytest.fixture
async def app(services: Services, standin: SlackStandIn) -> AsyncIterator[SlackHarness]:
    harness = await start_oauth_app(services, standin)
    yield harness
    await harness.client.close()


async def rendered(url: str) -> str:
    """The DOM Chromium built from `url` (scripts run, markup repaired as a browser does)."""
    assert CHROMIUM is not None
    process = await asyncio.create_subprocess_exec(
        CHROMIUM,
        "--headless",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--dump-dom",
        url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    out, _err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0
    return out.decode()


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
async def test_the_install_pages_render_in_chromium(
    app: SlackHarness, standin: SlackStandIn
) -> None:
    page = Page(await rendered(str(app.client.make_url("/slack/install"))))
    assert page.h1 == "Install stagecoach"
    href, label = page.links["add-to-slack"]
    assert label == "Add to Slack"
    target = urlparse(href)
    assert f"{target.scheme}://{target.netloc}/" == standin.base_url
    assert target.path == "/oauth/v2/authorize"
    query = parse_qs(target.query)
    assert query["client_id"] == [CLIENT_ID] and query["state"][0]
    assert "commands" in query["scope"][0].split(",")
    # Coming back without the browser's cookie: a page that says why, not a stack trace.
    failed = Page(await rendered(str(app.client.make_url("/slack/oauth_redirect?code=x&state=y"))))
    assert failed.h1 == "stagecoach was not installed"
    assert "did not start the install" in failed.text
