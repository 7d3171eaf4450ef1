"""Two real `stagecoach serve` processes on one PostgreSQL, Slack played by the stand-in in
this process: a due digest goes out once, and so does one whose claimer died."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import socket
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.core.catalog import MapCatalog
from bot.slack_standin import SlackStandIn, TextError
from storage.database import Database
from storage.digest_models import ClaimStatus, DigestRun, DigestSubscription
from storage.migrate import upgrade
from storage.models import Person, Role
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")

STAGECOACH = Path(sys.executable).with_name("stagecoach")
CHANNEL = "C0SALES01"
MANAGER = "U0MGR0001"
SIGNING_SECRET = uuid.uuid4().hex  # 32 hex characters


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """A database of its own on the test server: the servers take a plain DATABASE_URL."""
    assert PG_URL is not None
    name = f"t_digest_{uuid.uuid4().hex[:10]}"
    admin = Database(PG_URL)
    async with admin.engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
        await conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    async with admin.engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
        await conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.dispose()


async def _seed(url: str, *, claimed_by_dead_replica: bool) -> None:
    """A manager's daily digest due a minute ago (the servers migrate nothing: done here,
    once, as `stagecoach db upgrade` would before a rollout)."""
    db = Database(url)
    await upgrade(db)
    await MapCatalog.from_ref("default").register(db)
    now = dt.datetime.now(dt.UTC)
    due = (now - dt.timedelta(minutes=1)).strftime("%H:%M")
    async with db.write() as session:
        session.add(Person(team_id="T0TEAM001", user_id=MANAGER, role=Role.MANAGER))
        subscription = DigestSubscription(
            team_id="T0TEAM001",
            channel_id=CHANNEL,
            frequency="daily",
            at_time=due,
            tz="UTC",
            scope="all",
            created_by=MANAGER,
            active_since=now - dt.timedelta(days=2),
        )
        session.add(subscription)
        await session.flush()
        if claimed_by_dead_replica:
            session.add(_dead_claim(subscription, now=now))
    await db.dispose()


def _dead_claim(subscription: DigestSubscription, *, now: dt.datetime) -> DigestRun:
    """The row a replica leaves when it is killed right after claiming (lease now over)."""
    assert subscription.id is not None
    return DigestRun(
        team_id="T0TEAM001",
        subscription_id=subscription.id,
        period=(now - dt.timedelta(minutes=1)).date().isoformat(),
        window_start=now - dt.timedelta(days=1),
        window_end=now - dt.timedelta(minutes=1),
        status=ClaimStatus.CLAIMED,
        claim_token=uuid.uuid4().hex,
        claimed_by="dead-host:4242",
        lease_until=now - dt.timedelta(seconds=1),
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _serve(url: str, standin: SlackStandIn, log: Path) -> asyncio.subprocess.Process:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "STAGECOACH_"))},
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
        "PORT": str(_free_port()),
        "STAGECOACH_SCHEDULER_INTERVAL": "0.2",
    }
    return await asyncio.create_subprocess_exec(
        str(STAGECOACH), "serve", "--host", "127.0.0.1", env=env, stdout=log.open("wb"),
        stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip


async def _run_two_servers(
    url: str, standin: SlackStandIn, tmp_path: Path, *, until: str = "files.completeUploadExternal"
) -> list[int]:
    servers = [await _serve(url, standin, tmp_path / f"serve{n}.log") for n in (1, 2)]
    try:
        await standin.wait_for(until, timeout=30)
        await asyncio.sleep(3)  # ~15 more ticks each: a second post would show up now
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{_logs(tmp_path)}") from None
    finally:
        for server in servers:
            if server.returncode is None:
                server.send_signal(signal.SIGTERM)
        codes = [await asyncio.wait_for(server.wait(), 15) for server in servers]
    return codes


def _logs(tmp_path: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in sorted(tmp_path.glob("serve*.log")))


def _assert_posted_once(standin: SlackStandIn, tmp_path: Path) -> None:
    logs = _logs(tmp_path)
    posts = [c for c in standin.calls("chat.postMessage") if c.args.get("channel") == CHANNEL]
    assert len(posts) == 1, logs
    assert len(standin.uploaded_files()) == 1, logs
    assert standin.uploaded_files()[0].channels == [CHANNEL]
    assert "Daily digest" in posts[0].args["text"]
    standin.assert_clean()


async def test_two_servers_post_a_due_digest_once(
    pg_url: str, standin: SlackStandIn, tmp_path: Path
) -> None:
    await _seed(pg_url, claimed_by_dead_replica=False)
    codes = await _run_two_servers(pg_url, standin, tmp_path)
    assert codes == [0, 0]
    _assert_posted_once(standin, tmp_path)


async def test_a_digest_claimed_by_a_dead_replica_still_goes_out_once(
    pg_url: str, standin: SlackStandIn, tmp_path: Path
) -> None:
    await _seed(pg_url, claimed_by_dead_replica=True)
    codes = await _run_two_servers(pg_url, standin, tmp_path)
    assert codes == [0, 0]
    _assert_posted_once(standin, tmp_path)
    db = Database(pg_url)
    async with db.read() as session:
        run = await session.get(DigestRun, 1)
    await db.dispose()
    assert run is not None and run.status == ClaimStatus.POSTED
    assert run.attempts == 2 and run.claimed_by != "dead-host:4242"


async def test_two_servers_never_repeat_a_digest_a_proxy_answered_500_for(
    pg_url: str, standin: SlackStandIn, tmp_path: Path
) -> None:
    """The message landed, then a proxy answered a plain-text 500: nobody knows it landed,
    so neither server sends it again, and the run ends `unknown`, not `sending`."""
    await _seed(pg_url, claimed_by_dead_replica=False)
    standin.fault_next("chat.postMessage", TextError(500, performs=True))
    codes = await _run_two_servers(pg_url, standin, tmp_path, until="chat.postMessage")
    logs = _logs(tmp_path)
    assert codes == [0, 0], logs
    assert standin.attempts("chat.postMessage") == 1, logs
    assert len(standin.messages(CHANNEL)) == 1 and standin.uploaded_files() == []
    assert "Traceback" not in logs and "cut off mid-call (http 500)" in logs, logs
    db = Database(pg_url)
    async with db.read() as session:
        run = await session.get(DigestRun, 1)
    await db.dispose()
    assert run is not None and run.status == ClaimStatus.UNKNOWN and run.last_error == "http 500"
