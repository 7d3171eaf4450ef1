"""Running real `stagecoach serve` processes for a test: a database of their own on the test
PostgreSQL server, free loopback ports, readiness by /healthz, and a stop that always runs."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from sqlalchemy.engine import make_url

from storage.database import Database
from tests.support.signing import SignedRequest

STAGECOACH = Path(sys.executable).with_name("stagecoach")  # the console script, bot.cli:run
READY_WITHIN = 30.0  # seconds for a server to answer /healthz 200
STOP_WITHIN = 15.0


@asynccontextmanager
async def fresh_database(server_url: str) -> AsyncIterator[str]:
    """A new, empty database on the server of `server_url` (created from its `postgres`
    database), dropped afterwards: the servers take a plain DATABASE_URL, which cannot
    carry a schema search path."""
    name = f"stagecoach_t_{uuid.uuid4().hex[:12]}"
    admin = Database(make_url(server_url).set(database="postgres").render_as_string(False))
    autocommit = admin.engine.execution_options(isolation_level="AUTOCOMMIT")
    async with autocommit.connect() as connection:
        await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        async with autocommit.connect() as connection:
            await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """One `stagecoach serve` process, its port and its log."""

    process: asyncio.subprocess.Process
    port: int
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


async def start_server(env: Mapping[str, str], log: Path, *args: str) -> Server:
    """`stagecoach serve` with `args` added (e.g. `--workers`, `2`)."""
    port = free_port()
    # Nothing of this machine's Slack or stagecoach settings leaks in (OAuth mode, admins…).
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "STAGECOACH_"))}
    process = await asyncio.create_subprocess_exec(
        str(STAGECOACH), "serve", "--host", "127.0.0.1", *args,
        env={**base, **env, "PORT": str(port)},
        stdout=log.open("wb"), stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    return Server(process=process, port=port, log=log)


async def wait_until_healthy(http: aiohttp.ClientSession, servers: list[Server]) -> None:
    """Poll /healthz until every server answers 200 (bounded); fail with the logs if one
    exits or does not become healthy in time."""
    deadline = asyncio.get_running_loop().time() + READY_WITHIN
    pending = list(servers)
    while pending:
        for server in list(pending):
            if server.process.returncode is not None:
                raise AssertionError(
                    f"a server exited with {server.process.returncode}:\n{server.output()}"
                )
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(f"{server.base_url}/healthz") as response:
                    if response.status == 200:
                        pending.remove(server)
        if asyncio.get_running_loop().time() > deadline:
            logs = "\n".join(s.output() for s in pending)
            raise AssertionError(f"not healthy within {READY_WITHIN}s:\n{logs}")
        if pending:
            await asyncio.sleep(0.1)


async def stop_servers(servers: list[Server]) -> list[int | None]:
    """SIGTERM (a clean drain), then SIGKILL for any that does not stop in time."""
    for server in servers:
        if server.process.returncode is None:
            server.process.send_signal(signal.SIGTERM)
    codes: list[int | None] = []
    for server in servers:
        try:
            codes.append(await asyncio.wait_for(server.process.wait(), STOP_WITHIN))
        except TimeoutError:
            server.process.kill()
            codes.append(await server.process.wait())
    return codes


async def send(
    http: aiohttp.ClientSession, server: Server, request: SignedRequest
) -> tuple[int, str]:
    body, headers = request
    async with http.post(
        f"{server.base_url}/slack/events", data=body.encode(), headers=headers
    ) as response:
        return response.status, await response.text()
