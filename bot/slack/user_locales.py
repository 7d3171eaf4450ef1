"""The language a request is answered in (docs/i18n.md): the person's own Slack language
if stagecoach speaks it, else the workspace's (`/deal settings language`), else its map's,
else English. What is sent to someone else speaks theirs (`speaking_to`): a DM the
recipient's, a channel's post the workspace's.

Slack sends no language with a command or a click, so a person's is read from their
profile (`users.info` with `include_locale`) once and kept for an hour per process: one
extra Web API call per person per hour, none on the requests in between. A request waits
for that call half a second at most; a slow Slack costs a first answer in the workspace's
language, never the 3-second acknowledgement.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Protocol

from slack_sdk.web.async_client import AsyncWebClient

from bot.core.context import Services
from bot.core.slack_ids import is_user_id
from bot.core.workspace_settings import workspace_map, workspace_settings
from bot.slack.replies import Replies
from bot.slack.sending import Sent, attempt
from bot.slack.web_api_failures import GiveUp
from bot.views.message import Message
from flows.i18n import ENGLISH, LANGUAGES, language_of, spoken_language, using_locale

KNOWN_FOR_S = 3600.0  # a person's Slack language, once read
RETRY_AFTER_S = 60.0  # Slack could not answer: ask again after this
# How long a request waits for a person's first look-up before it answers in the
# workspace's language: Slack wants the acknowledgement within 3 s, and a slow or
# rate-limited users.info (retried after Retry-After) must never use them up.
WAIT_S = 0.5
MOST_KNOWN = 50_000  # people remembered per process; the oldest are forgotten first

Key = tuple[str, str]  # (team_id, user_id)


@dataclass(slots=True)
class UserLocales:
    """Each person's Slack locale ("tr-TR"), as users.info last said, per process; one
    look-up at a time per person, which a request waits for at most `wait_s`."""

    clock: Callable[[], float] = time.monotonic
    wait_s: float = WAIT_S
    _known: dict[Key, tuple[float, str | None]] = field(default_factory=dict)
    _asking: dict[Key, asyncio.Task[str | None]] = field(default_factory=dict)

    async def of(self, client: AsyncWebClient, team_id: str, user_id: str) -> str | None:
        """The person's Slack locale; None when unknown, or not known within `wait_s` (the
        look-up goes on and fills the memory for their next request)."""
        key = (team_id, user_id)
        kept = self._known.get(key)
        if kept is not None and kept[0] > self.clock():
            return kept[1]
        asking = self._asking.get(key)
        if asking is None:
            asking = asyncio.ensure_future(self._look_up(client, key))
            self._asking[key] = asking
        try:
            return await asyncio.wait_for(asyncio.shield(asking), self.wait_s)
        except TimeoutError:
            return None

    async def settle(self) -> None:
        """Wait for the look-ups still under way (a test's end, a shutdown)."""
        await asyncio.gather(*self._asking.values(), return_exceptions=True)

    async def _look_up(self, client: AsyncWebClient, key: Key) -> str | None:
        try:
            locale, keep_for = await _profile_locale(client, key[1])
            self._remember(key, locale, until=self.clock() + keep_for)
            return locale
        finally:
            self._asking.pop(key, None)

    def _remember(self, key: Key, locale: str | None, *, until: float) -> None:
        self._known.pop(key, None)  # re-inserted last: the dict's order is the age
        while len(self._known) >= MOST_KNOWN:
            del self._known[next(iter(self._known))]
        self._known[key] = (until, locale)


async def _profile_locale(client: AsyncWebClient, user_id: str) -> tuple[str | None, float]:
    result = await attempt(
        client.users_info(user=user_id, include_locale=True),
        what="users.info (a person's language)",
        then="; answered in the workspace's language",
    )
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


class Speaker(Protocol):
    """Whatever sends on the app's behalf: a request's runtime, the scheduler's poster."""

    @property
    def services(self) -> Services: ...
    @property
    def client(self) -> AsyncWebClient: ...
    @property
    def locales(self) -> UserLocales: ...


async def speaking_to(speaker: Speaker, team_id: str, recipient: str | None = None) -> str:
    """The language to send something to `recipient` of `team_id` in: a person's (a DM)
    is theirs, with a request's fallbacks; a channel has no one language, so a channel's
    post (or no recipient) speaks the workspace's. Whoever asked is answered in their own
    language by the request itself (`runtime.guarded`), not through here."""
    person = recipient if recipient is not None and is_user_id(recipient) else None
    return await request_language(
        speaker.services, speaker.locales, speaker.client, team_id=team_id, user_id=person
    )


@contextlib.asynccontextmanager
async def speaking(
    speaker: Speaker, team_id: str, recipient: str | None = None
) -> AsyncIterator[str]:
    """Everything said inside speaks `recipient`'s language (`speaking_to`). A message is
    translated while it is built, so it is built inside, not before."""
    with using_locale(await speaking_to(speaker, team_id, recipient)) as language:
        yield language


class Replier(Speaker, Protocol):
    """A speaker that also posts: a request's runtime."""

    @property
    def replies(self) -> Replies: ...


async def post_in_their_language(
    replier: Replier, team_id: str, channel: str, render: Callable[[], Message]
) -> None:
    """Post what `render` builds to `channel` (a user id: their DM), built in the language of
    whoever reads it there (`speaking`), not the requester's."""
    async with speaking(replier, team_id, channel):
        message = render()
    await replier.replies.post(channel=channel, message=message)
