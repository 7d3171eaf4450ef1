"""The real app, served over HTTP in-process, with Slack's side played by the stand-in.

Tests send signed requests in Slack's wire format to `POST /slack/events` and read what
the app answered and what it sent to the (stand-in) Web API.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.core.context import Services
from bot.core.settings import Settings
from bot.slack.app import build_bolt_app
from bot.slack.http import EVENTS_PATH, build_web_app
from bot.slack.runtime import Runtime, build_runtime, web_client
from bot.slack_standin.action_payloads import block_actions_payload
from bot.slack_standin.payloads import slash_command_body, view_submission_payload
from bot.slack_standin.records import JsonDict
from bot.slack_standin.standin import SlackStandIn
from tests.support.signing import signed_event, signed_form, signed_request

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"


@dataclass
class Answer:
    """What the app answered over HTTP (the acknowledgement)."""

    status: int
    body: JsonDict | str | None

    @property
    def json(self) -> JsonDict:
        assert isinstance(self.body, dict), f"not a JSON answer: {self.body!r}"
        return self.body

    @property
    def text(self) -> str:
        return str(self.json.get("text", ""))


@dataclass
class SlackHarness:
    services: Services
    standin: SlackStandIn
    runtime: Runtime
    client: TestClient  # type: ignore[type-arg]
    team_id: str = "T0TEAM001"
    channel_id: str = "C0GENERAL"
    sent: list[JsonDict] = field(default_factory=list)

    async def post(self, body: str, headers: dict[str, str]) -> Answer:
        response = await self.client.post(EVENTS_PATH, data=body.encode(), headers=headers)
        raw = await response.text()
        try:
            parsed: JsonDict | str | None = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw
        await self.settle()
        return Answer(response.status, parsed)

    async def settle(self, timeout: float = 5.0) -> None:
        """Wait until the work started after acknowledgements is done, and what is written
        behind (each user's default deal) is written."""
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.runtime.tasks) and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.005)
        await self.services.deals.flush()

    async def command(
        self, text: str, *, user: str, channel: str | None = None, team: str | None = None
    ) -> Answer:
        channel = channel or self.channel_id
        url = self.standin.response_url(channel=channel, user=user)
        body = slash_command_body(
            text, user_id=user, team_id=team or self.team_id, channel_id=channel, response_url=url
        )
        answer = await self.post(*signed_request(body, secret=SIGNING_SECRET))
        if isinstance(answer.body, dict) and answer.status == 200:
            self.standin.deliver_command_ack(url, answer.body)
        return answer

    async def action(
        self, action: JsonDict, *, user: str, team: str | None = None, **kwargs: Any
    ) -> Answer:
        payload = block_actions_payload(
            action, user_id=user, team_id=team or self.team_id, **kwargs
        )
        return await self.post(*signed_form(payload, secret=SIGNING_SECRET))

    async def submit(
        self,
        callback_id: str,
        private_metadata: str,
        values: JsonDict,
        *,
        user: str,
        team: str | None = None,
        **kwargs: Any,
    ) -> Answer:
        payload = view_submission_payload(
            callback_id,
            private_metadata,
            values,
            user_id=user,
            team_id=team or self.team_id,
            **kwargs,
        )
        return await self.post(*signed_form(payload, secret=SIGNING_SECRET))

    async def event(self, envelope: JsonDict, *, retry: int | None = None) -> Answer:
        body, headers = signed_event(envelope, secret=SIGNING_SECRET)
        if retry is not None:
            headers = {
                **headers,
                "X-Slack-Retry-Num": str(retry),
                "X-Slack-Retry-Reason": "http_timeout",
            }
        return await self.post(body, headers)


def harness_settings(standin: SlackStandIn, services: Services) -> Settings:
    return Settings(
        database_url="sqlite://",  # unused: the services are built by the caller
        admins=services.admins,
        bot_token=BOT_TOKEN,
        signing_secret=SIGNING_SECRET,
        api_url=standin.api_url,
        extra_response_url_prefixes=(standin.base_url,),
    )


async def start_harness(services: Services, standin: SlackStandIn) -> SlackHarness:
    settings = harness_settings(standin, services)
    runtime = build_runtime(services, settings, client=web_client(settings))
    app = build_web_app(build_bolt_app(runtime), runtime)
    client = TestClient(TestServer(app))
    await client.start_server()
    return SlackHarness(services=services, standin=standin, runtime=runtime, client=client)
