"""Sending what the app has to say after the acknowledgement: to a response URL (the
only way to change an ephemeral message), as a new message, or as a modal.

Response URLs come back to us inside payloads and modal metadata; we only ever post to
Slack's own hosts (or the configured stand-in), so a forged URL cannot make the app
send requests elsewhere.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlparse

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.slack.web_api_failures import METHOD_NOTE
from bot.views.message import Message

log = logging.getLogger(__name__)
SLACK_RESPONSE_HOSTS = ("hooks.slack.com",)


class Replies:
    def __init__(self, *, client: AsyncWebClient, trusted_prefixes: tuple[str, ...] = ()) -> None:
        self.client = client
        self._trusted_prefixes = trusted_prefixes

    def trusted(self, url: str | None) -> bool:
        if not url:
            return False
        parsed = urlparse(url)
        if parsed.scheme == "https" and parsed.hostname in SLACK_RESPONSE_HOSTS:
            return True
        return any(url.startswith(prefix) for prefix in self._trusted_prefixes)

    async def to_response_url(self, url: str | None, message: Message, *, replace: bool) -> bool:
        """Replace the message the click came from (or add one); False if it cannot."""
        if not self.trusted(url):
            log.warning("refusing to post to an untrusted response_url")
            return False
        assert url is not None
        webhook = AsyncWebhookClient(url, session=getattr(self.client, "session", None))
        body: dict[str, Any] = {
            **message.to_dict(),
            "replace_original": replace,
            "response_type": "ephemeral",
        }
        try:
            response = await webhook.send_dict(body)
        except (aiohttp.ClientError, TimeoutError) as error:  # Slack unreachable: try elsewhere
            log.warning("response_url could not be reached: %r", error)
            return False
        shown = response.status_code == 200 and not _refused(response.body)
        if not shown:
            log.warning("response_url answered %s: %s", response.status_code, response.body)
        return shown

    async def post(self, *, channel: str, message: Message, user: str | None = None) -> None:
        """A new message in a channel or DM; ephemeral to `user` when given."""
        if user:
            async with naming("chat.postEphemeral"):
                await self.client.chat_postEphemeral(
                    channel=channel, user=user, **message.to_dict()
                )
        else:
            async with naming("chat.postMessage"):
                await self.client.chat_postMessage(channel=channel, **message.to_dict())

    async def direct(self, *, user: str, message: Message) -> tuple[str, str]:
        """A DM to `user`; the DM's channel and the message's ts, to update it later."""
        async with naming("chat.postMessage"):
            answer = await self.client.chat_postMessage(channel=user, **message.to_dict())
        return str(answer["channel"]), str(answer["ts"])

    async def update(self, *, channel: str, ts: str, message: Message) -> None:
        async with naming("chat.update"):
            await self.client.chat_update(channel=channel, ts=ts, **message.to_dict())

    async def open_modal(self, *, trigger_id: str, view: Any) -> None:
        async with naming("views.open"):
            await self.client.views_open(trigger_id=trigger_id, view=view)

    async def update_modal(self, *, view_id: str, view_hash: str | None, view: Any) -> None:
        """Replace an open modal; a stale `view_hash` is Slack's `hash_conflict`."""
        async with naming("views.update"):
            await self.client.views_update(view_id=view_id, hash=view_hash, view=view)

    async def publish_home(self, *, user_id: str, view: Any) -> None:
        async with naming("views.publish"):
            await self.client.views_publish(user_id=user_id, view=view)


@contextlib.asynccontextmanager
async def naming(method: str) -> AsyncIterator[None]:
    """Name the Web API method on whatever its call raises: a timeout or a reset does not
    say which call it cut off, and the log line should (bot.slack.web_api_failures)."""
    try:
        yield
    except Exception as error:
        error.add_note(f"{METHOD_NOTE}{method}")
        raise


def _refused(body: str) -> bool:
    """A response URL may answer 200 and still refuse: `{"ok": false, "error": …}`."""
    try:
        answer = json.loads(body)
    except ValueError:
        return False  # plain "ok"
    return isinstance(answer, dict) and answer.get("ok") is False
