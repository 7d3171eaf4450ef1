"""One record per request from Slack and per piece of work run after its acknowledgement:
what it was, whose, how it ended and how long it took, as one log line and as metrics
(bot.slack.metrics). docs/operations.md describes the fields.

A request's record lives in a context variable set by the HTTP route (bot.slack.http), so
the listeners say how a request ended (`note_outcome`) without passing it around, and the
tasks started after the acknowledgement (bot.slack.tasks) inherit it: a request's work
ends when its answer is sent and its last task has finished.

What is logged is chosen, never dumped: ids (team, user, request), the command's verb or
the action's id, never free text, evidence, tokens or the signing secret.
"""

from __future__ import annotations

import logging
import secrets
import time
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bot.commands import ParseError
from bot.core.outcomes import Failure
from bot.slack import metrics

log = logging.getLogger("stagecoach.requests")
jobs_log = logging.getLogger("stagecoach.jobs")
T = TypeVar("T")
VERB_LENGTH = 64  # an action or callback id is ours, but a forger may send anything


class Outcome:
    """How a request ended, worst last: a later, worse one replaces an earlier one."""

    OK = "ok"
    REFUSED = "refused"  # the answer was an error reply: bad input, not allowed, stale…
    FAILURE = "failure"  # our error, or Slack's, while handling it
    REJECTED = "rejected"  # no valid signature: never handled
    MALFORMED = "malformed"  # not a body Slack would send: answered 400


_RANK = {Outcome.OK: 0, Outcome.REFUSED: 1, Outcome.FAILURE: 2}


@dataclass(slots=True)
class RequestRecord:
    kind: str
    verb: str | None
    team: str | None
    user: str | None
    started: float = field(default_factory=time.perf_counter)
    request_id: str = field(default_factory=lambda: secrets.token_hex(6))
    outcome: str = Outcome.OK
    ack_s: float | None = None
    pending: int = 0  # tasks started for it and not finished
    done: bool = False
    token: Token[RequestRecord | None] | None = None


_CURRENT: ContextVar[RequestRecord | None] = ContextVar("stagecoach_request", default=None)
_JOB: ContextVar[JobRecord | None] = ContextVar("stagecoach_job", default=None)


def begin(parsed: dict[str, Any], *, started: float) -> RequestRecord:
    """The record of a signed request Slack sent, current from here on; `started` is
    time.perf_counter() when its body began to be read."""
    team, user = _who(parsed)
    record = RequestRecord(
        kind=kind_of(parsed), verb=_verb(parsed), team=team, user=user, started=started
    )
    record.token = _CURRENT.set(record)
    return record


def answered(record: RequestRecord) -> None:
    """Its HTTP answer is ready: the acknowledgement's time; the end, if nothing runs after."""
    record.ack_s = time.perf_counter() - record.started
    # The tasks it started keep it; the connection's next request must not.
    if record.token is not None:
        _CURRENT.reset(record.token)
    metrics.ACK_SECONDS.labels(record.kind).observe(record.ack_s)
    if record.pending == 0:
        _finish(record)


def refused_unread(parsed: dict[str, Any] | None, outcome: str, *, started: float) -> None:
    """A request answered without being handled: an unsigned one, or one Slack never sends."""
    kind = kind_of(parsed) if parsed is not None else "unknown"
    record = RequestRecord(
        kind=kind, verb=None, team=None, user=None, outcome=outcome, started=started
    )
    record.ack_s = time.perf_counter() - record.started
    _finish(record)


def note_outcome(answer: object) -> None:
    """The use case's answer: a Failure (or a command that did not parse) is a refusal."""
    if isinstance(answer, Failure | ParseError):
        _worsen(Outcome.REFUSED)


def noted(answer: T) -> T:
    """`answer`, its outcome noted: `outcome_message(noted(outcome))` where a reply is made."""
    note_outcome(answer)
    return answer


def note_refused() -> None:
    """An error reply that no use case made (a form out of date, a request with no user)."""
    _worsen(Outcome.REFUSED)


def note_failure() -> None:
    """An error reached a listener's or a task's guard (bot.slack.runtime)."""
    _worsen(Outcome.FAILURE)


def note_verb(verb: str) -> None:
    """The command's name, once parsed (never the text after it)."""
    record = _CURRENT.get()
    if record is not None:
        record.verb = verb


def _worsen(outcome: str) -> None:
    for record in (_CURRENT.get(), _JOB.get()):
        if record is not None and _RANK[outcome] > _RANK[record.outcome]:
            record.outcome = outcome


def _finish(record: RequestRecord) -> None:
    if record.done:
        return
    record.done = True
    elapsed = time.perf_counter() - record.started
    metrics.REQUESTS.labels(record.kind, record.outcome).inc()
    metrics.REQUEST_SECONDS.labels(record.kind, record.outcome).observe(elapsed)
    fields = {
        "event": "request",
        "request_id": record.request_id,
        "kind": record.kind,
        "verb": record.verb,
        "team": record.team,
        "user": record.user,
        "outcome": record.outcome,
        "ack_ms": round((record.ack_s or 0.0) * 1000, 2),
        "duration_ms": round(elapsed * 1000, 2),
    }
    log.info("request", extra={"fields": fields})


# -- work after the acknowledgement -----------------------------------------------------------


@dataclass(slots=True)
class JobRecord:
    name: str
    request: RequestRecord | None
    started: float = field(default_factory=time.perf_counter)
    outcome: str = Outcome.OK


def job_started(name: str) -> JobRecord:
    """Called where the task is created: the request it belongs to waits for it."""
    request = _CURRENT.get()
    if request is not None:
        request.pending += 1
    metrics.JOBS_RUNNING.inc()
    return JobRecord(name=name, request=request)


def job_running(job: JobRecord) -> None:
    """Called inside the task: what it notes is its own."""
    _JOB.set(job)


def job_ended(job: JobRecord, *, crashed: bool = False) -> None:
    if crashed:
        job.outcome = Outcome.FAILURE
    elapsed = time.perf_counter() - job.started
    metrics.JOBS_RUNNING.dec()
    metrics.JOBS.labels(job.name, job.outcome).inc()
    metrics.JOB_SECONDS.labels(job.name).observe(elapsed)
    request = job.request
    ids = {
        "request_id": request.request_id if request else None,
        "team": request.team if request else None,
        "user": request.user if request else None,
    }
    job_line(job.name, outcome=job.outcome, seconds=elapsed, **ids)
    if request is None:
        return
    if _RANK.get(job.outcome, 0) > _RANK.get(request.outcome, 0):
        request.outcome = job.outcome
    request.pending -= 1
    if request.pending == 0 and request.ack_s is not None:
        _finish(request)


def job_line(name: str, *, outcome: str, seconds: float, **fields: Any) -> None:
    """The log line of one background job: after-ack work, a scheduler tick."""
    line = {"event": "job", "job": name, **fields, "outcome": outcome}
    line["duration_ms"] = round(seconds * 1000, 2)
    jobs_log.info("job", extra={"fields": line})


# -- what a body is ---------------------------------------------------------------------------

_KINDS = {
    "block_actions": "action",
    "interactive_message": "action",
    "view_submission": "view",
    "view_closed": "view",
    "block_suggestion": "options",
    "shortcut": "shortcut",
    "message_action": "shortcut",
    "event_callback": "event",
    "url_verification": "event",
    "app_rate_limited": "event",
}


def kind_of(parsed: dict[str, Any]) -> str:
    """command, action, view, options, shortcut, event, or other."""
    if "command" in parsed:
        return "command"
    return _KINDS.get(str(parsed.get("type")), "other")


def _verb(parsed: dict[str, Any]) -> str | None:
    """What was asked, named by our own ids: the action's id, the form's callback id, the
    event's type. A command's verb comes once it is parsed (`note_verb`)."""
    kind = kind_of(parsed)
    found: Any = None
    if kind in ("action", "options"):
        actions = parsed.get("actions")
        first = actions[0] if isinstance(actions, list) and actions else parsed
        found = first.get("action_id") if isinstance(first, dict) else None
    elif kind in ("view", "shortcut"):
        view = parsed.get("view")
        found = (view if isinstance(view, dict) else parsed).get("callback_id")
    elif kind == "event":
        event = parsed.get("event")
        found = event.get("type") if isinstance(event, dict) else parsed.get("type")
    return found[:VERB_LENGTH] if isinstance(found, str) else None


def _who(parsed: dict[str, Any]) -> tuple[str | None, str | None]:
    """The team and user ids, from any payload's shape."""
    team, user = parsed.get("team_id"), parsed.get("user_id")
    if isinstance(parsed.get("team"), dict):
        team = parsed["team"].get("id")
    if isinstance(parsed.get("user"), dict):
        user = parsed["user"].get("id")
    elif isinstance(parsed.get("event"), dict):
        user = parsed["event"].get("user")
    return _short(team), _short(user)


def _short(value: Any) -> str | None:
    return value[:32] if isinstance(value, str) else None
