"""The language a request is answered in (docs/i18n.md): the person's own Slack language
if stagecoach speaks it, else the workspace's (`/deal settings language`), else its map's,
else English.

Slack sends no language with a command or a click, so a person's is read from their
profile (`users.info` with `include_locale`) once and kept for an hour per process: one
extra Web API call per person per hour, none on the requests in between.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from slack_sdk.web.async_client import AsyncWebClient

from bot.core.context import Services
from bot.core.workspace_settings import workspace_map, workspace_settings
from bot.slack.sending import Sent, attempt
from bot.slack.web_api_failures import GiveUp
from flows.i18n import ENGLISH, LANGUAGES, language_of, spoken_language

KNOWN_FOR_S = 3600.0  # a person's Slack language, once read
RETRY_AFTER_S = 60.0  # Slack could not answer: ask again after this


@dataclass(slots=True)
class UserLocales:
    """Each person's Slack locale ("tr-TR"), as users.info last said, per process."""

    clock: Callable[[], float] = time.monotonic
    _known: dict[tuple[str, str], tuple[float, str | None]] = field(default_factory=dict)

    async def of(self, client: AsyncWebClient, team_id: str, user_id: str) -> str | None:
        now = self.clock()
        kept = self._known.get((team_id, user_id))
        if kept is not None and kept[0] > now:
            return kept[1]
        locale, keep_for = await _profile_locale(client, user_id)
        self._known[(team_id, user_id)] = (now + keep_for, locale)
        return locale


async def _profile_locale(client: AsyncWebClient, user_id: str) -> tuple[str | None, float]:
    result = await attempt(client.users_info(user=user_id, include_locale=True), what="users.info")
    if isinstance(result, Sent):
        locale = (result.response.get("user") or {}).get("locale")
        return (locale if isinstance(locale, str) and locale else None), KNOWN_FOR_S
    if isinstance(result, GiveUp):  # no such user: asking again will not help
        return None, KNOWN_FOR_S
    return None, RETRY_AFTER_S


async def workspace_language(services: Services, team_id: str) -> str:
    """What a workspace speaks to someone whose own language it cannot use: its setting,
    else its map's `locale`."""
    chosen = (await workspace_settings(services, team_id)).language
    if chosen in LANGUAGES:
        return chosen
    return language_of((await workspace_map(services, team_id)).locale)


async def request_language(
    services: Services,
    locales: UserLocales,
    client: AsyncWebClient,
    *,
    team_id: str | None,
    user_id: str | None,
) -> str:
    """The language to answer `user_id` of `team_id` in (either unknown: the workspace's,
    else English)."""
    if team_id and user_id:
        own = spoken_language(await locales.of(client, team_id, user_id))
        if own is not None:
            return own
    return await workspace_language(services, team_id) if team_id else ENGLISH
