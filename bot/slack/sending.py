"""One Slack call whose outcome decides a claim's next state: sent, or the verdict on its
failure (bot.slack.web_api_failures): retry later, give up, or unknown.

Never raises for a failed call, whatever Slack or a proxy answered: one delivery's failure
must not abort the scheduler's tick. Each verdict is logged once, at its own level: a
routine refusal as a warning, an unknown outcome as an error, and only a bug with a
traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from bot.slack.web_api_failures import GiveUp, RetryLater, Unknown, Verdict, classify, method_of

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Sent:
    response: Any


Result = Sent | Verdict


# Each verdict's level and line: a refusal is routine (a warning), a call cut off mid-way is
# Slack's fault or the network's (an error), neither needs our traceback.
LINES: dict[type[Verdict], tuple[int, str]] = {
    RetryLater: (logging.WARNING, "%s: Slack could not take it now (%s)%s"),
    GiveUp: (logging.WARNING, "%s: Slack refused it (%s)%s"),
    Unknown: (logging.ERROR, "%s: cut off mid-call (%s), Slack may have acted%s"),
}
# What a scheduled post does next, after each verdict (bot.slack.posting).
THEN: dict[type[Verdict], str] = {
    RetryLater: "; tried again later",
    GiveUp: "; not tried again",
    Unknown: "; not tried again, so nothing is posted twice",
}


async def attempt(call: Awaitable[Any], *, what: str, then: str | None = None) -> Result:
    """`call`'s answer, or the verdict on its failure, logged once; `then`: what the caller
    does next, for the log line (default: a scheduled post's, THEN)."""
    try:
        return Sent(await call)
    except Exception as exc:
        verdict = classify(exc)
        if verdict is None:  # not a Web API failure: our bug, mid-call
            log.exception("%s: outcome unknown; not retried, so nothing is posted twice", what)
            return Unknown(type(exc).__name__)
        log_verdict(verdict, what=what, then=THEN[type(verdict)] if then is None else then)
        return verdict


def log_verdict(verdict: Verdict, *, what: str, then: str = "") -> None:
    level, line = LINES[type(verdict)]
    log.log(level, line, what, verdict.error, then)


def log_failure(error: BaseException, *, what: str) -> None:
    """A Slack call that failed after the acknowledgement (a reply, a modal, App Home): a
    Web API failure is one line with the method and Slack's error; anything else is a
    bug, logged with its traceback."""
    verdict = classify(error)
    if verdict is None:
        log.error("%s failed", what, exc_info=error)
        return
    log_verdict(verdict, what=f"{what}: {method_of(error) or 'Web API call'}")
