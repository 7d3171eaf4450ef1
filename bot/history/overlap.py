"""Writing one batch while the next is planned.

On PostgreSQL an import's time is mostly the server's (updating deal_event's indexes) and
the rest this process's (checking and planning rows): one after the other, each waits for
the other. Here a batch's write runs as a task while the importer plans the next batch,
giving the event loop a turn every few deals (`breathe`) so that the write's statements go
out and its answers come in meanwhile. At most one write is in flight and they run in
order, each in its own transaction, as before; an error in one comes out at the next hand
over (or at the end), and leaving early cancels the write in flight. On SQLite, whose
statements run on the event loop's thread, the write simply runs at the next turn.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any, Generic, TypeVar

Item = TypeVar("Item")
BREATHE_EVERY = 25  # deals planned between two turns of the event loop


class OneAhead(Generic[Item]):
    """`async with OneAhead(write) as writes:` … `await writes.hand_on(batch)` … `await
    writes.finish()`."""

    def __init__(self, write: Callable[[list[Item]], Coroutine[Any, Any, None]]) -> None:
        self._write = write
        self._running: asyncio.Task[None] | None = None
        self._since_turn = 0

    async def __aenter__(self) -> OneAhead[Item]:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        running, self._running = self._running, None
        if running is not None and not running.done():
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)

    async def hand_on(self, batch: list[Item]) -> None:
        """Wait for the write in flight, then start writing `batch`."""
        await self.finish()
        self._running = asyncio.create_task(self._write(batch))

    async def breathe(self) -> None:
        """Now and then, a turn of the event loop for the write in flight."""
        self._since_turn += 1
        if self._running is not None and self._since_turn >= BREATHE_EVERY:
            self._since_turn = 0
            await asyncio.sleep(0)

    async def finish(self) -> None:
        """Wait for the write in flight (raising what it raised)."""
        running, self._running = self._running, None
        if running is not None:
            await running
