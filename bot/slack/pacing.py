"""At most one post per second to one channel (Slack's chat.postMessage limit): a digest's
message and its chart, or several nudges to one owner, wait for each other."""

from __future__ import annotations

import asyncio

MIN_GAP = 1.0  # seconds between two posts to one channel


class ChannelPacer:
    def __init__(self, *, gap: float = MIN_GAP) -> None:
        self._gap = gap
        self._last: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def wait_turn(self, channel: str) -> None:
        """Return when a post to `channel` keeps the gap; the caller posts right after."""
        lock = self._locks.setdefault(channel, asyncio.Lock())
        async with lock:
            loop = asyncio.get_running_loop()
            last = self._last.get(channel)
            if last is not None:
                await asyncio.sleep(max(0.0, last + self._gap - loop.time()))
            self._last[channel] = loop.time()
