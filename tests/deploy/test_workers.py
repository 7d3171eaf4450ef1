"""`stagecoach serve --workers N` (bot.cli.workers): N processes on one port, each with its
own pools; the scheduler's work is claimed through the database, so a due digest goes out
once however many workers tick; SIGTERM to the parent drains them all. SQLite runs one."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import signal
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.cli import main
from bot.cli.workers import YOUNG_S
from bot.core.catalog import MapCatalog
from bot.slack_standin import SlackStandIn
from bot.slack_standin.payloads import slash_command_body
from storage.database import Database
from storage.digest_models import DigestSubscription
from storage.migrate import upgrade
from storage.models import Person, Role
from tests.conftest import PG_URL
from tests.resilience.replicas import (
    Server,
    fresh_database,
    send,
    start_server,
    stop_servers,
    wait_until_healthy,
)
from tests.support.signing import signed_request

TEAM, CHANNEL, MANAGER = "T0TEAM001", "C0SALES01", "U0MGR0001"
SECRET = uuid.uuid4().hex
needs_pg = pytest.mark.skipif(
    not PG_URL, reason="runs workers on PostgreSQL: set TEST_DATABASE_URL"
)


@pytest.fixture
async def database_url() -> AsyncIterator[str]:
    assert PG_URL is not None
    async with fresh_database(PG_URL) as url:
        yield url


async def _seed_due_digest(url: str) -> None:
    """A manager's daily digest, due a minute ago."""
    db = Database(url)
    await upgrade(db)
    await MapCatalog.from_ref("default").register(db)
    now = dt.datetime.now(dt.UTC)
    async with db.write() as session:
        session.add(Person(team_id=TEAM, user_id=MANAGER, role=Role.MANAGER))
        session.add(
            DigestSubscription(
                team_id=TEAM, channel_id=CHANNEL, frequency="daily",
                at_time=(now - dt.timedelta(minutes=1)).strftime("%H:%M"), tz="UTC",
                scope="all", created_by=MANAGER, active_since=now - dt.timedelta(days=2),
            )
        )  # fmt: skip
    await db.dispose()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")


@needs_pg
async def test_two_workers_answer_on_one_port_post_a_digest_once_and_drain_on_sigterm(
    database_url: str, standin: SlackStandIn, tmp_path: Path
) -> None:
    await _seed_due_digest(database_url)
    env = {
        "DATABASE_URL": database_url, "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": standin.api_url,
        "STAGECOACH_SCHEDULER_INTERVAL": "0.2", "LOG_LEVEL": "INFO",
        "STAGECOACH_LANGUAGE": "tr",  # the host's: Slack's side must not speak it
    }  # fmt: skip
    server = await start_server(env, tmp_path / "serve.log", "--workers", "2")
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as http:
            await wait_until_healthy(http, [server])
            healthy_at = asyncio.get_running_loop().time()  # the workers are older than this
            workers = _children(server.process.pid)
            assert len(workers) == 2, server.output()
            answers = await asyncio.gather(*(_show_help(http, server, standin) for _ in range(40)))
            assert answers == [200] * 40
            await standin.wait_for("files.completeUploadExternal", timeout=30)
            await asyncio.sleep(2)  # ten more ticks of each worker: a second post shows now
            old_enough = healthy_at + YOUNG_S + 0.5 - asyncio.get_running_loop().time()
            await asyncio.sleep(max(0.0, old_enough))  # a young one's death stops it all
            workers = await _a_killed_worker_is_replaced(http, server, standin, workers)
    finally:
        (code,) = await stop_servers([server])
    log = server.output()
    assert code == 0, log
    assert not any(_alive(pid) for pid in workers)
    for pid in workers:  # each drained and said so
        assert f"stopping (pid {pid})" in log and f"stopped (pid {pid})" in log, log
    posts = [c for c in standin.calls("chat.postMessage") if c.args.get("channel") == CHANNEL]
    assert len(posts) == 1 and "Daily digest" in posts[0].args["text"], log
    assert len(standin.uploaded_files()) == 1
    # the log is JSON lines off a terminal (docs/operations.md): read the pid in the message
    listening = {
        found[1]
        for line in log.splitlines()
        if "listening" in line and (found := re.search(r"pid (\d+)", line))
    }
    assert {str(pid) for pid in workers} <= listening  # and the one killed


async def _a_killed_worker_is_replaced(
    http: aiohttp.ClientSession, server: Server, standin: SlackStandIn, workers: list[int]
) -> list[int]:
    """SIGKILL one worker (past its first YOUNG_S seconds): the parent starts another, and
    the port keeps answering meanwhile; the workers now."""
    os.kill(workers[0], signal.SIGKILL)
    assert await _show_help(http, server, standin) == 200  # the other one answers
    for _ in range(200):
        now = _children(server.process.pid)
        if len(now) == 2 and workers[0] not in now:
            break
        await asyncio.sleep(0.05)
    assert len(now) == 2 and workers[0] not in now and workers[1] in now, server.output()
    (new,) = set(now) - set(workers)
    for _ in range(400):  # until the new worker listens
        if f"(map default v1, pid {new})" in server.output():
            break
        await asyncio.sleep(0.05)
    assert f"(map default v1, pid {new})" in server.output(), server.output()
    answers = await asyncio.gather(*(_show_help(http, server, standin) for _ in range(10)))
    assert answers == [200] * 10
    assert f"worker {workers[0]} exited with -9; starting another" in server.output()
    return now


async def _show_help(http: aiohttp.ClientSession, server: Server, standin: SlackStandIn) -> int:
    url = standin.response_url(channel=CHANNEL, user=MANAGER)
    body = slash_command_body(
        "help", user_id=MANAGER, team_id=TEAM, channel_id=CHANNEL, response_url=url
    )
    status, text = await send(http, server, signed_request(body, secret=SECRET))
    assert "/deal commands" in text, text  # the manager's Slack language (en-US), not the host's
    return status


def test_sqlite_with_several_workers_is_refused_saying_why(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/one.db")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    assert main(["serve", "--workers", "3"]) == 2
    said = capsys.readouterr().err
    assert "--workers 3 needs PostgreSQL" in said and "leave --workers out" in said
    assert not (tmp_path / "one.db").exists()  # refused before anything was opened


@pytest.mark.parametrize("raw", ["0", "-1", "two", "1.5", ""])
def test_a_worker_count_that_is_not_a_positive_number_is_refused(
    raw: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["serve", "--workers", raw])
    assert refused.value.code == 2
    assert f"{raw!r} is not a number of processes; give 1 or more" in capsys.readouterr().err


async def test_sqlite_by_default_runs_one_process(standin: SlackStandIn, tmp_path: Path) -> None:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/one.db", "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": standin.api_url,
    }  # fmt: skip
    server = await start_server(env, tmp_path / "serve.log")
    try:
        async with aiohttp.ClientSession() as http:
            await wait_until_healthy(http, [server])
        assert _children(server.process.pid) == []
        server.process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(server.process.wait(), 15) == 0, server.output()
    finally:
        await stop_servers([server])
