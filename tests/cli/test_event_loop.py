"""`stagecoach serve` runs on uvloop (bot.cli.event_loop): the load benchmark's numbers
depend on it, so losing the dependency must not go unnoticed."""

from __future__ import annotations

import asyncio

from bot.cli import event_loop


async def _loop_module() -> str:
    return type(asyncio.get_running_loop()).__module__


def test_serve_runs_on_uvloop() -> None:
    assert event_loop.run(_loop_module()).startswith("uvloop")
