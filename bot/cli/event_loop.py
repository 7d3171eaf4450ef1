"""The event loop `stagecoach serve` runs on: uvloop where it is installed.

Under load the server is bound by the CPU each request costs, and much of that is the
loop's own work: reading and writing sockets, waking up for aiosqlite's thread. uvloop
does it in C; in the load benchmark it took a checkbox click from 3.5 to 3.0 ms of CPU
and a `/deal show` at 20 at once from 19 to 16 ms (PostgreSQL). Where it is missing (it
has no Windows build) the standard loop runs the same code.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def new_event_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def run(main: Coroutine[Any, Any, T]) -> T:
    """asyncio.run(main) on the fastest loop available."""
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        return runner.run(main)
