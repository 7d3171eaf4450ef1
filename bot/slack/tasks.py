"""Work that runs after Slack has its acknowledgement: kept track of, never
fire-and-forget, drained on shutdown so no reply is dropped on a clean stop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from bot.slack import request_log

log = logging.getLogger(__name__)


class BackgroundTasks:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, work: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        """Run `work` as a task; it counts as part of the request that started it, and is
        logged and measured as a job of its own (bot.slack.request_log)."""
        task = asyncio.create_task(_recorded(work, request_log.job_started(name)), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s failed", task.get_name(), exc_info=task.exception())

    def __len__(self) -> int:
        return len(self._tasks)

    async def drain(self, *, timeout: float = 10.0) -> int:
        """Wait for what is running (up to `timeout`), then cancel the rest; how many
        were cancelled."""
        if not self._tasks:
            return 0
        _done, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        return len(pending)


async def _recorded(work: Coroutine[Any, Any, Any], job: request_log.JobRecord) -> Any:
    request_log.job_running(job)
    crashed = True
    try:
        result = await work
        crashed = False
        return result
    finally:
        request_log.job_ended(job, crashed=crashed)
