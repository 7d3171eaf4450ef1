"""Posting claimed work (a digest's message and chart, a nudge): each Slack call is made
only while the claim is ours, in its channel's turn, and what Slack answered is recorded
on the claim (bot.digests.claims says what each state means)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.core.context import Services
from bot.digests import claims
from bot.digests.claims import Claim
from bot.digests.settings import SchedulerSettings
from bot.slack.pacing import ChannelPacer
from bot.slack.sending import Refused, Sent, attempt


@dataclass(frozen=True, slots=True)
class Poster:
    services: Services
    settings: SchedulerSettings
    client: AsyncWebClient
    pacer: ChannelPacer

    async def send(
        self, claim: Claim, *, channel: str, call: Callable[[], Awaitable[Any]], what: str
    ) -> Sent | None:
        """Make `call` for `claim`: Slack's answer, or None when nothing was posted (the
        claim went to another replica, or Slack refused: then it is tried again later) or
        when nobody knows (a call cut off mid-way stays `sending` and is never repeated)."""
        if not await claims.start_sending(self.services, self.settings, claim):
            return None
        await self.pacer.wait_turn(channel)
        result = await attempt(call(), what=what)
        if isinstance(result, Refused):
            await claims.refused(self.services, self.settings, claim, error=result.error)
        return result if isinstance(result, Sent) else None
