"""A webhook receiver for the tests: an aiohttp server that records every delivery (raw,
duplicates included), checks its signature with the endpoint's secret, and answers as it
is told (fail with a status for a while, or for good; hold a request until released)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.webhooks.signing import signature


@dataclass
class Received:
    key: str
    timestamp: int
    signature: str
    body: str
    status: int = 0  # what the receiver answered (0: not yet)

    @property
    def event(self) -> dict[str, Any]:
        return dict(json.loads(self.body))

    def verifies(self, secret: str) -> bool:
        return signature(secret, self.timestamp, self.body) == self.signature


@dataclass
class Receiver:
    """`answer(n)` gives the status for the n-th request (0-based); 200 by default. A held
    request is answered when released, whether or not its sender is still there."""

    answer: Callable[[int], int] = lambda n: 200
    headers: dict[str, str] = field(default_factory=dict)  # sent with every failure
    received: list[Received] = field(default_factory=list)  # every request, raw
    hold_next: bool = False  # the next request waits for `release`
    held: Received | None = None  # that request, once it came
    holding: asyncio.Event = field(default_factory=asyncio.Event)  # it came
    release: asyncio.Event = field(default_factory=asyncio.Event)
    server: TestServer | None = None

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/hook", self._handle)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()
        return f"http://127.0.0.1:{self.server.port}/hook"

    async def close(self) -> None:
        self.release.set()
        if self.server is not None:
            await self.server.close()

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.text()
        n = len(self.received)
        one = Received(
            request.headers["Idempotency-Key"],
            int(request.headers["X-Stagecoach-Timestamp"]),
            request.headers["X-Stagecoach-Signature"],
            body,
        )
        self.received.append(one)
        # The receiver acts on the event before it answers: a held request counts as
        # accepted even if its sender is gone (and the connection with it) by the answer.
        status = one.status = self.answer(n)
        if self.hold_next:
            self.hold_next, self.held = False, one
            self.holding.set()
            await self.release.wait()
        return web.Response(status=status, headers=self.headers if status >= 300 else None)

    def accepted(self) -> list[Received]:
        """The deliveries answered 2xx: what a receiver acts on, duplicates included."""
        return [one for one in self.received if 200 <= one.status < 300]

    def deduped(self) -> list[Received]:
        """Each accepted delivery once (the first of its Idempotency-Key), in arrival order."""
        seen: set[str] = set()
        firsts = []
        for one in self.accepted():
            if one.key not in seen:
                seen.add(one.key)
                firsts.append(one)
        return firsts

    def by_deal(self) -> dict[int, list[str]]:
        """The event ids each deal's accepted deliveries carried, deduped, in arrival order."""
        deals: dict[int, list[str]] = {}
        for one in self.deduped():
            event = one.event
            deals.setdefault(event["deal"]["id"], []).append(event["id"])
        return deals
