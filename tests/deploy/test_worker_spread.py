"""`serve --workers 2` spreads connections over its workers (bot.cli.workers: one
SO_REUSEPORT socket per worker). With one shared socket, the first worker to wake took a
whole burst of new connections, and keep-alive connections then stayed with it, as Slack's
do: one worker answered nearly everything while the other idled."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import Counter
from pathlib import Path

import aiohttp
import pytest

from bot.cli.workers import listening_sockets
from bot.core.boot import StartupError
from bot.slack_standin import SlackStandIn
from bot.slack_standin.payloads import slash_command_body
from tests.deploy.test_workers import _children, database_url, needs_pg  # noqa: F401
from tests.resilience.replicas import send, start_server, stop_servers, wait_until_healthy
from tests.support.signing import signed_request

TEAM, CHANNEL, USER = "T0TEAM001", "C0SALES01", "U0REP0001"
SECRET = uuid.uuid4().hex
CONNECTIONS, ROUNDS = 40, 5


@needs_pg
async def test_keep_alive_connections_opened_at_once_are_served_by_both_workers(
    database_url: str,  # noqa: F811
    standin: SlackStandIn,
    tmp_path: Path,
) -> None:
    env = {
        "DATABASE_URL": database_url, "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": standin.api_url,
        "LOG_LEVEL": "INFO", "STAGECOACH_LOG_FORMAT": "json",
    }  # fmt: skip
    server = await start_server(env, tmp_path / "serve.log", "--workers", "2")
    try:
        connector = aiohttp.TCPConnector(limit=CONNECTIONS)  # kept alive, as Slack's are
        async with aiohttp.ClientSession(connector=connector) as http:
            await wait_until_healthy(http, [server])
            workers = _children(server.process.pid)
            assert len(workers) == 2, server.output()
            body = slash_command_body("help", user_id=USER, team_id=TEAM, channel_id=CHANNEL)
            for _ in range(ROUNDS):  # a burst on 40 connections, then the same 40 again
                answers = await asyncio.gather(
                    *(
                        send(http, server, signed_request(body, secret=SECRET))
                        for _ in range(CONNECTIONS)
                    )
                )
                assert [status for status, _text in answers] == [200] * CONNECTIONS
    finally:
        await stop_servers([server])
    served = Counter(
        line["pid"] for line in _json_lines(server.output()) if line.get("event") == "request"
    )
    assert sum(served.values()) == CONNECTIONS * ROUNDS, served
    assert set(served) == set(workers), served
    # 40 connections hashed over two sockets: fewer than a fifth on one is ~1e-4 likely
    assert min(served.values()) >= CONNECTIONS * ROUNDS // 5, served


def _json_lines(output: str) -> list[dict[str, object]]:
    lines = []
    for line in output.splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def test_a_port_another_server_listens_on_is_refused_even_with_shared_ports() -> None:
    """Every worker's socket sets SO_REUSEPORT, which would let a second `serve --workers 2`
    of the same user bind the same port silently and take half of Slack's requests: a
    plain bind is tried first, so the second start stops with one line."""
    first = listening_sockets("127.0.0.1", 0, 2)
    port = first[0].getsockname()[1]
    try:
        assert {sock.getsockname()[1] for sock in first} == {port}
        with pytest.raises(StartupError, match=f"is another server using port {port}"):
            listening_sockets("127.0.0.1", port, 2)
    finally:
        for sock in first:
            sock.close()
