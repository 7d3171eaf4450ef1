"""Posting a claimed digest to its channel, in the workspace's language: the message, then
its funnel chart.

What is due and who claims it is decided in bot.digests.runs; what the digest says, in
bot.digests.compose; how it looks, in bot.views.digest. This module only talks to Slack
and records what Slack answered on the claim.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from bot.core.context import Services
from bot.digests import claims
from bot.digests.claims import Claim
from bot.digests.compose import compose_digest
from bot.digests.content import Digest
from bot.reporting.charts import funnel_chart_png
from bot.slack.posting import Delivery, Poster
from bot.slack.sending import Sent
from bot.slack.user_locales import speaking
from bot.views.digest import chart_title, digest_message
from storage import digest_queries
from storage.digest_models import ClaimStatus, DigestRun, DigestSubscription


async def deliver_digest(poster: Poster, claim: Claim) -> Delivery:
    """Post what is still missing of a claimed digest: POSTED once it is all out."""
    services = poster.services
    async with services.db.read() as session:
        run = await digest_queries.digest_run(session, run_id=claim.row_id)
        subscription = await session.get(DigestSubscription, run.subscription_id) if run else None
    if run is None or subscription is None:
        return Delivery.NOT_OURS
    # A channel has no one language: the digest speaks the workspace's, chart title too.
    async with speaking(poster, subscription.team_id):
        return await _post(poster, claim, run, subscription)


async def _post(
    poster: Poster, claim: Claim, run: DigestRun, subscription: DigestSubscription
) -> Delivery:
    digest = await compose_digest(
        poster.services,
        subscription=subscription,
        window_start=run.window_start,
        window_end=run.window_end,
    )
    channel = subscription.channel_id
    if run.message_ts is None:
        posted = await _post_message(poster, claim, channel, digest)
        if posted is not Delivery.POSTED:
            return posted
    return await _post_chart(poster, claim, channel, digest)


async def _post_message(poster: Poster, claim: Claim, channel: str, digest: Digest) -> Delivery:
    message = digest_message(digest)
    sent = await poster.send(
        claim,
        channel=channel,
        call=lambda: poster.client.chat_postMessage(channel=channel, **message.to_dict()),
        what="digest message",
    )
    if not isinstance(sent, Sent):
        return sent
    lease_until = poster.services.clock() + dt.timedelta(seconds=poster.settings.lease)
    ours = await claims.record(
        poster.services,
        claim,
        status=ClaimStatus.CLAIMED.value,
        message_ts=str(sent.response.get("ts")),
        lease_until=lease_until,
    )
    return Delivery.POSTED if ours else Delivery.NOT_OURS


async def _post_chart(poster: Poster, claim: Claim, channel: str, digest: Digest) -> Delivery:
    if digest.funnel is None:
        return await _finish(poster.services, claim, file_id=None)
    title = chart_title(digest)
    # Drawing is C work in pygraphviz: off the event loop, which keeps answering Slack.
    png = await asyncio.to_thread(funnel_chart_png, digest.funnel, title=title)
    sent = await poster.send(
        claim,
        channel=channel,
        call=lambda: poster.client.files_upload_v2(
            channel=channel, content=png, filename="funnel.png", title=title, alt_txt=title
        ),
        what="digest chart",
    )
    if not isinstance(sent, Sent):
        return sent
    file = sent.response.get("file") or {}
    return await _finish(poster.services, claim, file_id=file.get("id"))


async def _finish(services: Services, claim: Claim, *, file_id: str | None) -> Delivery:
    ours = await claims.record(
        services,
        claim,
        status=ClaimStatus.POSTED.value,
        posted_at=services.clock(),
        chart_file_id=file_id,
    )
    return Delivery.POSTED if ours else Delivery.NOT_OURS
