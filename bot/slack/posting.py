"""Posting claimed work (a digest's message and chart, a nudge): each Slack call is made
only while the claim is ours, in its channel's turn, and what Slack answered is recorded
on the claim (bot.digests.claims says what each state means)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.core.context import Services
from bot.digests import claims
from bot.digests.claims import Claim
from bot.digests.settings import SchedulerSettings
from bot.slack.pacing import ChannelPacer
from bot.slack.sending import Sent, attempt
from bot.slack.user_locales import UserLocales
from bot.slack.web_api_failures import GiveUp, RetryLater, Verdict
from bot.views.message import Message
from storage.digest_models import ClaimStatus


class Delivery(StrEnum):
    """How far one piece of claimed work got this time."""

    POSTED = "posted"
    RETRYING = "retrying"  # Slack could not take it now: `failed`, tried again later
    REFUSED = "refused"  # Slack refused for good
    UNKNOWN = "unknown"  # Slack may have it: never sent again
    NOT_OURS = "not ours"  # another replica took the claim over
    DROPPED = "dropped"  # no longer worth sending
    CRASHED = "crashed"  # our own error mid-way: left to the claim's lease (or housekeeping)


@dataclass(frozen=True, slots=True)
class Poster:
    services: Services
    settings: SchedulerSettings
    client: AsyncWebClient
    pacer: ChannelPacer
    locales: UserLocales  # a DM speaks its recipient's language (bot.slack.user_locales)

    async def send(
        self, claim: Claim, *, channel: str, call: Callable[[], Awaitable[Any]], what: str
    ) -> Sent | Delivery:
        """Make `call` for `claim`: Slack's answer, or how the claim was left when nothing
        was posted for sure (bot.slack.web_api_failures: retry later, refused, unknown)."""
        if not await claims.start_sending(self.services, self.settings, claim):
            return Delivery.NOT_OURS
        await self.pacer.wait_turn(channel)
        result = await attempt(call(), what=what)
        if isinstance(result, Sent):
            return result
        return await self._settle(claim, result)

    async def post_message(
        self, claim: Claim, *, channel: str, message: Message, what: str
    ) -> Delivery:
        """Post `message` for `claim` and mark it posted with the message's ts."""
        sent = await self.send(
            claim,
            channel=channel,
            call=lambda: self.client.chat_postMessage(channel=channel, **message.to_dict()),
            what=what,
        )
        if not isinstance(sent, Sent):
            return sent
        ours = await claims.record(
            self.services,
            claim,
            status=ClaimStatus.POSTED.value,
            posted_at=self.services.clock(),
            message_ts=str(sent.response.get("ts")),
        )
        return Delivery.POSTED if ours else Delivery.NOT_OURS

    async def drop(self, claim: Claim) -> Delivery:
        """The work is no longer worth sending (the deal moved on, the handoff was taken)."""
        await claims.record(self.services, claim, status=ClaimStatus.DROPPED.value)
        return Delivery.DROPPED

    async def _settle(self, claim: Claim, verdict: Verdict) -> Delivery:
        services, error = self.services, verdict.error
        if isinstance(verdict, RetryLater):
            status = await claims.retry_later(
                services, self.settings, claim, error=error, wait=verdict.wait
            )
            return Delivery.RETRYING if status is ClaimStatus.FAILED else Delivery.REFUSED
        if isinstance(verdict, GiveUp):
            await claims.give_up(services, claim, error=error)
            return Delivery.REFUSED
        await claims.outcome_unknown(services, claim, error=error)
        return Delivery.UNKNOWN
