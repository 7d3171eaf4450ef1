"""The subscriber's time zone, read from their Slack profile (users.info → user.tz) and
stored on the subscription, so digests arrive at their local time."""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient

from bot.core.context import Services
from bot.core.workspace_settings import workspace_settings
from bot.digests.schedule import zone
from bot.slack.installations import WorkspaceTokens
from bot.slack.sending import Sent, attempt
from bot.slack.tokens import acting_for
from bot.slack.web_api_failures import GiveUp
from storage import digest_queries

log = logging.getLogger(__name__)
UNKNOWN = ""  # Slack has no usable zone for the person: the workspace's default applies


async def resolve_time_zones(
    services: Services, *, client: AsyncWebClient, tokens: WorkspaceTokens | None = None
) -> int:
    """Fill in the zone of new subscriptions (the subscriber's, else the workspace's
    default: /deal settings timezone); how many were resolved. `tokens`: OAuth mode."""
    async with services.db.read() as session:
        pending = [s for s in await digest_queries.subscriptions(session) if not s.tz]
    for subscription in pending:
        assert subscription.id is not None
        token = await tokens.bot_token(subscription.team_id) if tokens else None
        with acting_for(token):
            tz = await _profile_zone(client, subscription.created_by)
        if tz is None:
            continue  # Slack could not answer now: next tick
        if tz == UNKNOWN:
            tz = (await workspace_settings(services, subscription.team_id)).time_zone
        async with services.db.write() as session:
            await digest_queries.set_subscription_tz(
                session, subscription_id=subscription.id, tz=tz
            )
    return len(pending)


async def _profile_zone(client: AsyncWebClient, user_id: str) -> str | None:
    result = await attempt(client.users_info(user=user_id), what="users.info")
    if isinstance(result, Sent):
        tz = (result.response.get("user") or {}).get("tz")
        return tz if isinstance(tz, str) and tz and zone(tz).key == tz else UNKNOWN
    if isinstance(result, GiveUp):  # no such user, say: asking again will not help
        log.warning("no time zone for %s (%s); digests use the workspace's", user_id, result.error)
        return UNKNOWN
    return None
