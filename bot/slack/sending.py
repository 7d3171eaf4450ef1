"""One Slack call whose outcome decides a claim's next state: sent, refused, or unknown.

Refused means Slack certainly did not post (an error answer, 429 after the client's own
retries, or no connection at all): trying again is safe. Anything else that goes wrong
mid-call (a timeout, a dropped connection) leaves it unknown, and unknown is never retried.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientConnectorError
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Sent:
    response: Any


@dataclass(frozen=True, slots=True)
class Refused:
    error: str


@dataclass(frozen=True, slots=True)
class Unknown:
    error: str


Result = Sent | Refused | Unknown


async def attempt(call: Awaitable[Any], *, what: str) -> Result:
    try:
        return Sent(await call)
    except SlackApiError as exc:
        error = str(exc.response.get("error") or exc.response.status_code)
        log.warning("%s refused by Slack: %s", what, error)
        return Refused(error)
    except ClientConnectorError as exc:
        log.warning("%s: Slack unreachable: %s", what, exc)
        return Refused("unreachable")
    except Exception as exc:  # mid-call: Slack may or may not have the message
        log.exception("%s: outcome unknown; not retried, so nothing is posted twice", what)
        return Unknown(type(exc).__name__)
