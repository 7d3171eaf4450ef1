"""How deliveries are paced and retried, read once from the environment (documented in
bot.core.settings and the README beside the others)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.settings import SettingsError, seconds_setting, webhook_allow_private
from flows.i18n import _

DEFAULT_INTERVAL = 1.0  # seconds between looks at the outbox when it was empty
DEFAULT_LEASE = 60.0  # seconds a replica holds a delivery before another may send it again
DEFAULT_BACKOFF = 10.0  # seconds before the first retry; doubled each time
MAX_BACKOFF = 3600.0  # the longest wait between two tries
DEFAULT_ATTEMPTS = 8  # tries before a row is a dead letter
TIMEOUT = 10.0  # seconds a receiver has to answer


@dataclass(frozen=True, slots=True)
class DeliverySettings:
    interval: float = DEFAULT_INTERVAL
    lease: float = DEFAULT_LEASE
    backoff: float = DEFAULT_BACKOFF
    attempts: int = DEFAULT_ATTEMPTS
    timeout: float = TIMEOUT
    batch: int = 50  # rows claimed per look, posted side by side
    allow_private: bool = False  # STAGECOACH_WEBHOOK_ALLOW_PRIVATE (bot.webhooks.endpoints)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> DeliverySettings:
        def seconds(name: str, default: float) -> float:
            return seconds_setting(env, name, default, least=0.01, most=86400)

        return cls(
            interval=seconds("STAGECOACH_WEBHOOK_INTERVAL", DEFAULT_INTERVAL),
            lease=seconds("STAGECOACH_WEBHOOK_LEASE", DEFAULT_LEASE),
            backoff=seconds("STAGECOACH_WEBHOOK_BACKOFF", DEFAULT_BACKOFF),
            attempts=_attempts(env.get("STAGECOACH_WEBHOOK_ATTEMPTS", "").strip()),
            allow_private=webhook_allow_private(env),
        )

    def retry_wait(self, attempts: int, *, asked: float | None = None) -> float:
        """After the `attempts`-th failure: the back-off, doubling, up to an hour; longer
        when the receiver asked for longer (Retry-After), never beyond the hour."""
        wait = min(self.backoff * 2 ** max(0, attempts - 1), MAX_BACKOFF)
        return min(max(wait, asked or 0.0), MAX_BACKOFF)


def _attempts(raw: str) -> int:
    if not raw:
        return DEFAULT_ATTEMPTS
    if not raw.isdigit() or not 1 <= int(raw) <= 100:
        raise SettingsError(
            _("STAGECOACH_WEBHOOK_ATTEMPTS is {raw!r}; it must be a whole number, 1 to 100").format(
                raw=raw
            )
        )
    return int(raw)
