"""The scheduler's settings, read once from the environment (documented in bot.core.settings
and the README beside the others)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.settings import seconds_setting

DEFAULT_INTERVAL = 30.0  # seconds between ticks
DEFAULT_LEASE = 300.0  # seconds a claim is held before another replica may take it over
MAX_RETRY_WAIT = 900.0  # seconds: the longest back-off after Slack refused a post


@dataclass(frozen=True, slots=True)
class SchedulerSettings:
    interval: float = DEFAULT_INTERVAL
    lease: float = DEFAULT_LEASE

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SchedulerSettings:
        return cls(
            interval=_seconds(env, "STAGECOACH_SCHEDULER_INTERVAL", DEFAULT_INTERVAL),
            lease=_seconds(env, "STAGECOACH_CLAIM_LEASE", DEFAULT_LEASE),
        )

    def retry_wait(self, attempts: int) -> float:
        """Back-off after the `attempts`-th refusal: a tick, then doubling, up to 15 minutes."""
        return min(self.interval * 2 ** max(0, attempts - 1), MAX_RETRY_WAIT)


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    return seconds_setting(env, name, default, least=0.05, most=86400)
