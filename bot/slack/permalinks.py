"""A message's permalink: Slack's own (chat.getPermalink, which also knows threads), or,
when Slack does not answer in time or refuses (a channel the bot cannot see), the link
built from the payload as Slack writes it: https://<domain>.slack.com/archives/<channel>/p<ts>.
"""

from __future__ import annotations

import asyncio
import re

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.listeners.evidence import SLACK_REFUSED
from bot.slack.replies import naming
from bot.slack.sending import log_failure

ASK_FOR = 1.0  # seconds: the form waits for this, and a modal's trigger lasts three
_DOMAIN = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
_CHANNEL = re.compile(r"[CDG][A-Z0-9]{2,31}")
_TS = re.compile(r"(\d{1,12})\.(\d{1,9})")


def built_permalink(*, domain: object, channel: str, message_ts: str) -> str | None:
    """The permalink Slack would give, from the payload's parts; None if one is not
    Slack's shape (a forged payload gets no link to anywhere)."""
    ts = _TS.fullmatch(message_ts)
    if not (isinstance(domain, str) and _DOMAIN.fullmatch(domain)):
        return None
    if ts is None or not _CHANNEL.fullmatch(channel):
        return None
    return f"https://{domain}.slack.com/archives/{channel}/p{ts[1]}{ts[2]}"


async def permalink_of(
    client: AsyncWebClient, *, channel: str, message_ts: str, fallback: str | None
) -> str | None:
    try:
        async with naming("chat.getPermalink"):
            answer = await asyncio.wait_for(
                client.chat_getPermalink(channel=channel, message_ts=message_ts), ASK_FOR
            )
    except SLACK_REFUSED as error:
        log_failure(error, what="the message's permalink (the built one is kept)")
        return fallback
    link = answer.get("permalink")
    return link if isinstance(link, str) and link.startswith("https://") else fallback
