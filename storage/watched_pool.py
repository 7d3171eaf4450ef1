"""The connection pool, saying when a checkout had to wait.

SQLAlchemy's pool events tell when a connection is checked out and back in, never that a
checkout found every connection in use and waited for one to come back: the sign that the
pool is too small for the load (or that something holds connections too long). This pool
calls `on_wait` with the seconds such a checkout waited; whoever watches the database
(bot.slack.pool_metrics) sets it. Nothing is timed while a connection is free.

It relies on QueuePool's `_do_get` and `_max_overflow`, and on the logger's namespace
attribute, SQLAlchemy internals: pyproject
pins SQLAlchemy below 2.2 for this (and other reasons).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy.pool import AsyncAdaptedQueuePool, QueuePool


class WatchedPool(AsyncAdaptedQueuePool):
    on_wait: Callable[[float], None] | None = None
    # Log as the pool it extends: under `sqlalchemy.`, whose level bot.cli.log_format sets.
    _sqla_logger_namespace = "sqlalchemy.pool.impl.AsyncAdaptedQueuePool"

    def _do_get(self) -> Any:
        on_wait = self.on_wait
        if on_wait is None or self.checkedin() or self.overflow() < self._max_overflow:
            return super()._do_get()
        started = time.perf_counter()
        try:
            return super()._do_get()
        finally:
            on_wait(time.perf_counter() - started)

    def recreate(self) -> QueuePool:
        """A disposed engine's new pool keeps watching."""
        pool = super().recreate()
        if isinstance(pool, WatchedPool):
            pool.on_wait = self.on_wait
        return pool

    def capacity(self) -> int:
        """The most connections it opens at once."""
        return self.size() + max(self._max_overflow, 0)
