"""What a failed Web API call means for the work that made it: try again later, give up,
or nobody knows whether Slack acted. One function, `classify`, decides, from what
slack_sdk and aiohttp really raise (checked against the stand-in's faults,
bot/slack_standin/faults.py; docs/slack-failures.md explains each case):

| on the wire                                  | raised as                          | verdict    |
|----------------------------------------------|------------------------------------|------------|
| JSON `ok: false`, a permanent error          | SlackApiError, dict data           | GiveUp     |
| JSON `ok: false`, ratelimited / 429          | SlackApiError, status 429          | RetryLater |
| JSON `ok: false`, internal_error/fatal_error | SlackApiError, dict data           | Unknown    |
| JSON `ok: false`, any other error            | SlackApiError, dict data           | RetryLater |
| 503 with any body                            | SlackApiError, str or empty data   | RetryLater |
| 408, 425, 429 without JSON                   | SlackApiError                      | RetryLater |
| other 4xx without JSON                       | SlackApiError                      | GiveUp     |
| 500, 502, 504… plain text, HTML or garbage   | SlackApiError, str or empty data   | Unknown    |
| connection refused, DNS, connect timeout     | ClientConnectorError, Connection-  | RetryLater |
|                                              | TimeoutError                       |            |
| no answer in time                            | TimeoutError                       | Unknown    |
| connection reset or closed mid-request       | ClientOSError, ServerDisconnected- | Unknown    |
|                                              | Error, ClientPayloadError          |            |
| a file's upload step refused (before share)  | SlackRequestError                  | RetryLater |

Slack acts on a JSON refusal never: it answered, and said no. A proxy's error page, a
timeout or a reset may come after Slack acted, so the outcome is unknown. A 503 means the
request was not served. Anything else raised is not a Web API failure: `classify` answers
None and the caller treats it as the bug it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError

# Refusals that will be the same next time: the channel, the user or the token is wrong.
PERMANENT = frozenset(
    {
        "account_inactive",
        "cannot_dm_bot",
        "channel_not_found",
        "ekm_access_denied",
        "enterprise_is_restricted",
        "invalid_auth",
        "is_archived",
        "missing_scope",
        "no_permission",
        "not_allowed_token_type",
        "not_authed",
        "not_enabled",
        "not_in_channel",
        "org_login_required",
        "restricted_action",
        "team_access_not_granted",
        "token_expired",
        "token_revoked",
        "user_not_found",
        "user_not_visible",
        "user_not_in_channel",
        "users_not_found",
        "expired_trigger_id",
        "trigger_exchanged",
        "invalid_trigger_id",
    }
)
# Slack's own words for these: "it's possible some aspect of the operation succeeded".
MAYBE_DONE = frozenset({"internal_error", "fatal_error"})
NOT_SERVED = frozenset({408, 425, 429, 503})  # the request was not served: nothing happened
METHOD_NOTE = "Web API method: "  # bot.slack.replies notes the method on what a call raised


@dataclass(frozen=True, slots=True)
class RetryLater:
    """Slack certainly did nothing: trying again is safe (after `wait` seconds, if given)."""

    error: str
    wait: float | None = None


@dataclass(frozen=True, slots=True)
class GiveUp:
    """Slack refused, and will refuse the same call again: a routine answer, not a fault."""

    error: str


@dataclass(frozen=True, slots=True)
class Unknown:
    """Slack may have acted: never repeat the call, a duplicate is worse than a gap."""

    error: str


Verdict = RetryLater | GiveUp | Unknown


def classify(error: BaseException) -> Verdict | None:
    """The verdict on a failed Web API call; None when `error` is not one (a bug)."""
    if isinstance(error, SlackApiError):
        return _answered(error.response)
    if isinstance(error, SlackRequestError):
        return RetryLater("upload refused")
    if isinstance(error, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError):
        return RetryLater("unreachable")
    if isinstance(error, TimeoutError):
        return Unknown("timeout")
    if isinstance(error, aiohttp.ClientConnectionError | aiohttp.ClientPayloadError):
        return Unknown("connection lost")
    return None


def _answered(response: Any) -> Verdict:
    """An HTTP answer came: Slack's JSON, or a page from something in front of it."""
    status = _status(response)
    data = getattr(response, "data", None)  # a ClientResponse (body not JSON) has none
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, str) and error:
        return _refusal(error, status=status, response=response)
    if status in NOT_SERVED:
        return RetryLater(f"http {status}", wait=retry_after(response))
    if status is not None and 400 <= status < 500:
        return GiveUp(f"http {status}")
    return Unknown(f"http {status}")


def _refusal(error: str, *, status: int | None, response: Any) -> Verdict:
    if error in PERMANENT:
        return GiveUp(error)
    if error in MAYBE_DONE:
        return Unknown(error)
    return RetryLater(error, wait=retry_after(response) if status == 429 else None)


def _status(response: Any) -> int | None:
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    return status if isinstance(status, int) else None


def retry_after(response: Any) -> float | None:
    """Seconds from a Retry-After header, when there is a sensible one."""
    headers = getattr(response, "headers", None) or {}
    raw = headers.get("Retry-After") or headers.get("retry-after")
    if isinstance(raw, list):  # slack_sdk keeps some headers as lists
        raw = raw[0] if raw else None
    try:
        seconds = float(raw) if raw is not None else None
    except ValueError:
        return None
    return seconds if seconds is not None and 0 <= seconds <= 86400 else None


def error_name(error: BaseException) -> str:
    """A short name for what went wrong, for logs and for the user: never the raw body."""
    verdict = classify(error)
    return verdict.error if verdict is not None else type(error).__name__


def method_of(error: BaseException) -> str | None:
    """The Web API method an error came from (`chat.postMessage`), when known: from the
    note bot.slack.replies adds, else from the URL of Slack's answer."""
    for note in getattr(error, "__notes__", ()):
        if isinstance(note, str) and note.startswith(METHOD_NOTE):
            return note.removeprefix(METHOD_NOTE)
    response = getattr(error, "response", None)
    url = getattr(response, "api_url", None) or str(getattr(response, "url", "") or "")
    tail = url.rstrip("/").rsplit("/", 1)[-1] if url else ""
    return tail or None
