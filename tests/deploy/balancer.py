"""A load balancer for tests, in this process: sends each request to a replica whose
/healthz said 200 at the last look (polled every POLL_S), in turn, as nginx or a cloud load
balancer does in front of `stagecoach serve`. A connection refused (nothing was sent) is
tried on the next replica; any other failure is the test's to see."""

from __future__ import annotations

import asyncio
import contextlib
import itertools

import aiohttp

from tests.resilience.replicas import Server, send
from tests.support.signing import SignedRequest

POLL_S = 0.05
GIVE_UP_S = 30.0  # no replica healthy for this long: the test fails


class Balancer:
    def __init__(self, http: aiohttp.ClientSession, servers: list[Server]) -> None:
        self.http = http
        self.servers = servers  # replaced in place by the test as it restarts them
        self.healthy: set[int] = set()  # ports
        self.refused = 0  # connections refused, each tried again elsewhere
        self._turn = itertools.count()
        self._watch: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Balancer:
        await self._look()
        self._watch = asyncio.create_task(self._watching())
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._watch is not None
        self._watch.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._watch

    async def _watching(self) -> None:
        while True:
            await asyncio.sleep(POLL_S)
            await self._look()

    async def _look(self) -> None:
        for server in list(self.servers):
            if await self._says_healthy(server):
                self.healthy.add(server.port)
            else:
                self.healthy.discard(server.port)

    async def _says_healthy(self, server: Server) -> bool:
        try:
            async with self.http.get(f"{server.base_url}/healthz") as response:
                return response.status == 200
        except aiohttp.ClientError:
            return False

    async def send(self, request: SignedRequest) -> tuple[int, str]:
        deadline = asyncio.get_running_loop().time() + GIVE_UP_S
        while asyncio.get_running_loop().time() < deadline:
            ready = [server for server in self.servers if server.port in self.healthy]
            if not ready:
                await asyncio.sleep(POLL_S / 5)
                continue
            server = ready[next(self._turn) % len(ready)]
            try:
                return await send(self.http, server, request)
            except aiohttp.ClientConnectorError:  # refused: the request never left
                self.refused += 1
                self.healthy.discard(server.port)
        raise AssertionError(f"no replica healthy for {GIVE_UP_S}s")
