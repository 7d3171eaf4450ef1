"""Stopping `stagecoach serve` without losing work: what SIGTERM starts, and for how long.

On SIGTERM the process says it is going (`/healthz` answers 503, answers carry
`Connection: close`), keeps serving for `drain_delay` seconds so a load balancer that
health-checks takes it out first, then stops listening, lets the requests in flight
finish, stops the scheduler (claims not yet sending are given back, see
bot.digests.claims.release) and lets the work started after acknowledgements finish;
all of it within `timeout` seconds, after which what is left is cancelled. The sequence
and its settings are described in docs/deploying.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.settings import seconds_setting

DEFAULT_TIMEOUT = 20.0  # inside Kubernetes' default 30 s grace period, with room to spare
DEFAULT_DRAIN_DELAY = 0.0


@dataclass(frozen=True, slots=True)
class ShutdownSettings:
    timeout: float = DEFAULT_TIMEOUT
    drain_delay: float = DEFAULT_DRAIN_DELAY

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ShutdownSettings:
        return cls(
            timeout=_seconds(env, "STAGECOACH_SHUTDOWN_TIMEOUT", DEFAULT_TIMEOUT, least=0.1),
            drain_delay=_seconds(env, "STAGECOACH_DRAIN_DELAY", DEFAULT_DRAIN_DELAY, least=0.0),
        )


def _seconds(env: Mapping[str, str], name: str, default: float, *, least: float) -> float:
    return seconds_setting(env, name, default, least=least, most=3600)


class Draining:
    """Whether this process is stopping: set once, on SIGTERM, read by every request."""

    def __init__(self) -> None:
        self.stopping = False
        self.in_flight = 0  # requests being answered (bot.slack.http counts them)

    def begin(self) -> None:
        self.stopping = True
