"""What every listener needs, built once per process: the use-case services, the Web API
client, the reply channels and the background tasks."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.context import Actor, Services
from bot.core.settings import Settings
from bot.slack import request_log
from bot.slack.feedback_notices import FeedbackNotifier
from bot.slack.metered_client import MeteredWebClient, RateLimitCounter
from bot.slack.owner_notices import OwnerNotifier
from bot.slack.pool_metrics import watch_database
from bot.slack.replies import Replies
from bot.slack.sending import log_failure
from bot.slack.tasks import BackgroundTasks
from bot.slack.user_locales import UserLocales, request_language
from bot.slack.web_api_failures import error_name, method_of
from bot.slack.workspace import from_another_organisation, installation_of
from bot.views.message import Message
from flows.i18n import ENGLISH, _, using_locale
from storage.database import unreachable

log = logging.getLogger(__name__)
Body = dict[str, Any]
SLACK_ID = re.compile(r"[A-Za-z0-9]{1,32}")  # the id columns are 32 characters long
WEB_API_TIMEOUT = 30.0  # seconds for one Web API call, answer included (slack_sdk's default)


@dataclass(slots=True)
class Runtime:
    services: Services
    settings: Settings
    client: AsyncWebClient
    replies: Replies
    tasks: BackgroundTasks
    owner_notices: OwnerNotifier
    feedback_notices: FeedbackNotifier
    locales: UserLocales = field(default_factory=UserLocales)  # each person's Slack language


def web_client(
    settings: Settings,
    *,
    session: aiohttp.ClientSession | None = None,
    timeout: float = WEB_API_TIMEOUT,
) -> AsyncWebClient:
    """`session`: one HTTP session (kept-alive connections) for every call; without it,
    slack_sdk opens a new session and connection per call, a few ms each. `timeout`
    applies to a session of slack_sdk's own; a shared one carries its own (web_session)."""
    client = MeteredWebClient(
        # OAuth mode: no token of its own; each request's (bot.slack.tokens)
        token=None if settings.oauth else settings.bot_token,
        base_url=settings.api_url,
        session=session,
        timeout=timeout,  # type: ignore[arg-type]  # aiohttp takes a float
        retry_handlers=[
            RateLimitCounter(),  # first: it sees every 429, and retries nothing itself
            # slack_sdk's default also re-sends after a reset or a closed connection, when
            # the first request may have been served: a second post. Only a connection that
            # was never made is tried again (bot/slack/web_api_failures.py).
            AsyncConnectionErrorRetryHandler(error_types=[aiohttp.ClientConnectorError]),
            # Not on by default: without it a 429 from Slack is an error instead of a short wait.
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        ],
    )
    return client


def web_session(*, timeout: float = WEB_API_TIMEOUT) -> aiohttp.ClientSession:
    """The HTTP session `serve` shares among every Web API call and response URL, with the
    same time limit a call has without it (aiohttp's own default is five minutes)."""
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout))


def build_runtime(
    services: Services, settings: Settings, *, client: AsyncWebClient | None = None
) -> Runtime:
    client = client or web_client(settings)
    watch_database(services.db)
    trusted = settings.extra_response_url_prefixes
    return Runtime(
        services=services,
        settings=settings,
        client=client,
        replies=Replies(client=client, trusted_prefixes=trusted),
        tasks=BackgroundTasks(),
        owner_notices=OwnerNotifier(services.clock),
        feedback_notices=FeedbackNotifier(services.clock),
    )


def mapping(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one: payload fields are untrusted."""
    return value if isinstance(value, dict) else {}


def text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True, slots=True)
class Outsider:
    """Someone from another organisation (a Slack Connect partner in a shared channel).
    They are refused everything: bot.core.access.outsider_refused says why."""

    user_id: str


def clicked(body: Body) -> tuple[Actor, dict[str, Any]] | Outsider | None:
    """Who clicked, and what (the payload's first action); None for a payload without."""
    actor = actor_from(body)
    if isinstance(actor, Outsider):
        return actor
    actions = body.get("actions")
    action = actions[0] if isinstance(actions, list) and actions else None
    return (actor, action) if actor is not None and isinstance(action, dict) else None


def actor_from(body: Body, *, channel_id: str | None = None) -> Actor | Outsider | None:
    """Who acts, in which workspace (bot.slack.workspace: the installation's, whatever the
    user's own team), from any payload shape: slash commands are flat, interactions nest,
    events name the user inside the event."""
    team = installation_of(body)
    user = body.get("user_id") or _nested(body, "user", "id") or _nested(body, "event", "user")
    channel = channel_id or body.get("channel_id") or _nested(body, "channel", "id")
    if not _is_slack_id(team) or not _is_slack_id(user):
        return None
    if from_another_organisation(body):
        return Outsider(user_id=user)
    return Actor(team_id=team, user_id=user, channel_id=channel if _is_slack_id(channel) else None)


def _is_slack_id(value: Any) -> bool:
    """Slack's ids (U…, W…, T…, C…, D…) are short runs of letters and digits. Anything else
    came from a forger: refuse it here, not in the database (SQLite would store a 41-character
    id in a 32-character column, PostgreSQL refuses it)."""
    return isinstance(value, str) and SLACK_ID.fullmatch(value) is not None


def _nested(body: Body, *keys: str) -> Any:
    value: Any = body
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def sorry() -> Message:
    """An error nobody handled, in the request's language."""
    return Message(
        text=_(
            ":warning: Something went wrong on our side; nothing was changed. Please try again."
        ),
        blocks=[],
    )


def database_down() -> Message:
    return Message(
        text=_(
            ":warning: The database is not reachable right now, so nothing was changed. "
            "Please try again in a minute."
        ),
        blocks=[],
    )


Listener = Callable[..., Awaitable[None]]


def failure_message(error: Exception) -> Message:
    """What the user is told about an error no listener handled."""
    # aiohttp's errors (the Web API, a response URL) subclass ConnectionError and
    # TimeoutError too: they are not the database's, nor is a timeout a Web API call noted.
    if isinstance(error, SlackApiError | aiohttp.ClientError) or method_of(error) is not None:
        return reply_not_shown(error)
    if unreachable(error):
        return database_down()
    return sorry()


def reply_not_shown(error: Exception) -> Message:
    """The Web API refused the answer. Changes commit before the app answers, so whatever
    the user changed is kept: say so, instead of "nothing was changed"."""
    # Never the raw body: a proxy's error page is no reason, and not JSON either.
    text = _(
        ":warning: Slack could not show the answer ({error}). Anything you changed is saved: "
        "run /deal show to see the deal as it is now."
    ).format(error=error_name(error))
    return Message(text=text, blocks=[])


def guarded(runtime: Runtime, listener: Listener) -> Listener:
    """Never let an exception reach Bolt (it would answer 500): log it, and tell the user."""

    async def run(ack: Any, body: Body) -> None:
        with using_locale(await _language(runtime, body)):
            await _run_guarded(runtime, listener, ack, body)

    return run


async def _language(runtime: Runtime, body: Body) -> str:
    """The request's language (bot.slack.user_locales); asked only of requests a listener
    takes, never of the events and shortcuts stagecoach ignores."""
    actor = actor_from(body)
    team_id = actor.team_id if isinstance(actor, Actor) else text_or_none(body.get("team_id"))
    user_id = actor.user_id if isinstance(actor, Actor) else None
    try:
        return await request_language(
            runtime.services, runtime.locales, runtime.client, team_id=team_id, user_id=user_id
        )
    except Exception as error:  # the settings unread (database down): the listener says so
        log_failure(error, what="the request's language")
        return ENGLISH


async def _run_guarded(runtime: Runtime, listener: Listener, ack: Any, body: Body) -> None:
    try:
        await listener(ack, body)
    except Exception as error:
        log_failure(error, what=f"listener {getattr(listener, '__name__', listener)}")
        request_log.note_failure()
        message = failure_message(error)
        if getattr(ack, "response", None) is None:
            await _ack_failure(ack, body, message)
        elif isinstance(body.get("response_url"), str):
            await runtime.replies.to_response_url(body["response_url"], message, replace=False)


async def _ack_failure(ack: Any, body: Body, message: Message) -> None:
    """A modal shows the failure beside its first field (Slack refuses a text answer to a
    submission); anything else answers with the text, privately."""
    view = mapping(body.get("view"))
    blocks = view.get("blocks") if body.get("type") == "view_submission" else None
    inputs = [
        block["block_id"]
        for block in (blocks if isinstance(blocks, list) else [])
        if isinstance(block, dict)
        and block.get("type") == "input"
        and isinstance(block.get("block_id"), str)
    ]
    if inputs:
        await ack(response_action="errors", errors={inputs[0]: message.text})
    else:
        await ack(text=message.text)


def after_ack(runtime: Runtime, body: Body, work: Awaitable[None], *, name: str) -> None:
    """Run `work` once Slack has its acknowledgement; a failure is logged (a refusal by
    Slack as a warning, a bug with its traceback) and told. Nothing raises out of it."""

    async def run() -> None:
        try:
            await work
        except Exception as error:
            log_failure(error, what=f"{name} (after the acknowledgement)")
            request_log.note_failure()
            await _tell(runtime, body, error)

    runtime.tasks.spawn(run(), name=name)


async def _tell(runtime: Runtime, body: Body, error: Exception) -> None:
    url = body.get("response_url") or _first_response_url(body)
    if not isinstance(url, str):
        return
    try:
        await runtime.replies.to_response_url(url, failure_message(error), replace=False)
    except Exception:  # the user cannot be told: the log above says what happened
        log.exception("telling the user that a reply failed failed too")


def _first_response_url(body: Body) -> str | None:
    urls = body.get("response_urls")
    if isinstance(urls, list) and urls and isinstance(urls[0], dict):
        url = urls[0].get("response_url")
        return url if isinstance(url, str) else None
    return None
