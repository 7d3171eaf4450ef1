"""Socket Mode: the same Bolt app over Slack's websocket, with a watchdog.

After a network drop the aiohttp socket client can wedge (a "Session is closed" loop)
while it believes it is connected. The watchdog checks the connection and the age of
the last ping-pong; when stuck, it closes the handler and builds a new one.
"""

from __future__ import annotations

import asyncio
import logging

from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

log = logging.getLogger(__name__)
CHECK_EVERY_SECONDS = 10.0
STUCK_AFTER_CHECKS = 3


class SocketModeRunner:
    def __init__(self, app: AsyncApp, *, app_token: str) -> None:
        self._app = app
        self._app_token = app_token
        self._handler: AsyncSocketModeHandler | None = None
        self.rebuilds = 0

    async def start(self) -> None:
        self._handler = AsyncSocketModeHandler(self._app, self._app_token)
        await self._handler.connect_async()

    async def is_healthy(self) -> bool:
        client = self._handler.client if self._handler else None
        if client is None:
            return False
        return await client.is_connected() and not await client.is_ping_pong_failing()

    async def rebuild(self) -> None:
        log.warning("socket mode connection is stuck; reconnecting with a new client")
        if self._handler is not None:
            try:
                await self._handler.close_async()
            except Exception:  # a wedged client may fail to close; it is dropped anyway
                log.exception("closing the stuck socket mode client failed")
        self.rebuilds += 1
        await self.start()

    async def watch(
        self, *, every: float = CHECK_EVERY_SECONDS, stop: asyncio.Event | None = None
    ) -> None:
        """Check the connection every `every` seconds; rebuild after a few failed checks."""
        failures = 0
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), timeout=every)
                break
            except TimeoutError:
                pass
            failures = 0 if await self.is_healthy() else failures + 1
            if failures >= STUCK_AFTER_CHECKS:
                await self.rebuild()
                failures = 0

    async def close(self) -> None:
        if self._handler is not None:
            await self._handler.close_async()
