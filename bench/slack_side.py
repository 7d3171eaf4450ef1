"""The Slack side of a benchmark, in its own process: the test suite's SlackStandIn, plus the
arrival time of every call it receives, so the load driver can time a reply that comes
back through the Web API instead of in the acknowledgement.

Run by bench/load.py as `python -m bench.slack_side`. The first stdout line is
`ready <base url>`; then one line per call: `<method> <deal id or -> <time.monotonic()>`.
CLOCK_MONOTONIC is one clock for every process on the machine, so the driver compares
these times with its own send times directly.
"""

from __future__ import annotations

import asyncio
import json
import re
import signal
import sys
import time
from typing import Any

from aiohttp import web

from bot.slack_standin import SlackStandIn
from bot.slack_standin.records import JsonDict, RecordedCall
from bot.slack_standin.workspace import ResponseHook

# A card names its deal in its checklist's block id. Only cards count: a nudge the
# scheduler sends about the same deal names it too, in a button value, and must not pass
# for the reply to a click.
DEAL_ID = re.compile(r"\"exit_items\|(\d+)\|")
BENCH_HOOK, BENCH_CHANNEL, BENCH_USER = "bench-", "C0BENCH001", "U0BENCH000"
FORGET_EVERY = 500  # calls; the stand-in keeps every message, the benchmark needs none


class TimedStandIn(SlackStandIn):
    async def _on_api(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        response = await super()._on_api(request)
        self._report(arrived)
        return response

    async def _on_response_url(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        response = await super()._on_response_url(request)
        self._report(arrived)
        return response

    def _respond(self, key: str, body: JsonDict, **options: Any) -> JsonDict:
        # The driver sends clicks with response URLs it cannot mint in this process, as
        # Slack would: each `bench-…` key is a fresh one (its reply is checked all the same).
        if key.startswith(BENCH_HOOK) and key not in self.workspace.hooks:
            self.workspace.hooks[key] = ResponseHook(channel=BENCH_CHANNEL, user=BENCH_USER)
        return super()._respond(key, body, **options)

    def _report(self, arrived: float) -> None:
        # No await since the call was recorded: the last record is this request's.
        call = self.calls()[-1]
        sys.stdout.write(f"{call.method} {deal_id_of(call)} {arrived!r}\n")
        sys.stdout.flush()
        if len(self.calls()) >= FORGET_EVERY:
            self.reset()


def deal_id_of(call: RecordedCall) -> str:
    found = DEAL_ID.search(json.dumps(call.args.get("blocks") or []))
    return found.group(1) if found else "-"


async def main() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with TimedStandIn() as standin:
        print(f"ready {standin.base_url}", flush=True)
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
