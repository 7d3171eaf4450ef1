"""`stagecoach digest run --now`, run as cron runs it (its own process and event loop)
against the stand-in failing the way Slack and the proxies in front of it do: one line
saying what happened, an exit status, never a traceback, and nothing posted twice."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import socket
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from bot.core.catalog import MapCatalog
from bot.slack_standin import Fault, JsonError, Reset, SlackStandIn, TextError
from storage.database import Database
from storage.digest_models import ClaimStatus, DigestRun, DigestSubscription
from storage.migrate import upgrade
from storage.models import Person, Role

STAGECOACH = Path(sys.executable).with_name("stagecoach")
ROOT = Path(__file__).resolve().parents[2]
TEAM, CHANNEL, MANAGER = "T0TEAM001", "C0SALES01", "U0MGR0001"


@pytest.fixture
async def database_url(tmp_path: Path) -> str:
    """A migrated SQLite file with a manager's daily digest (its zone known)."""
    url = f"sqlite:///{tmp_path / 'deals.db'}"
    db = Database(url)
    await upgrade(db)
    await MapCatalog.from_ref("default").register(db)
    async with db.write() as session:
        session.add(Person(team_id=TEAM, user_id=MANAGER, role=Role.MANAGER))
        session.add(
            DigestSubscription(
                team_id=TEAM, channel_id=CHANNEL, frequency="daily", at_time="09:00",
                tz="UTC", scope="all", created_by=MANAGER,
                active_since=dt.datetime.now(dt.UTC) - dt.timedelta(days=2),
            )
        )  # fmt: skip
    await db.dispose()
    return url


async def digest_run_now(
    database_url: str, standin: SlackStandIn, *, api_url: str | None = None
) -> tuple[int, str, str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "STAGECOACH_"))},
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": api_url or standin.api_url,
    }
    process = await asyncio.create_subprocess_exec(
        str(STAGECOACH), "digest", "run", "--now", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def run_status(database_url: str) -> DigestRun:
    db = Database(database_url)
    async with db.read() as session:
        [run] = (await session.exec(select(DigestRun))).all()
    await db.dispose()
    return run


@pytest.mark.parametrize(
    ("fault", "said", "status"),
    [
        (TextError(500), "1 cut off mid-call, not sent again", ClaimStatus.UNKNOWN),
        (Reset(performs=True), "1 cut off mid-call, not sent again", ClaimStatus.UNKNOWN),
        (JsonError("channel_not_found"), "1 refused by Slack for good", ClaimStatus.REFUSED),
        (TextError(503, html=True), "1 to be tried again later", ClaimStatus.FAILED),
    ],
    ids=["plain-text 500", "reset after posting", "channel_not_found", "HTML 503"],
)
async def test_digest_run_now_says_what_slack_did_in_one_line(
    database_url: str, standin: SlackStandIn, fault: Fault, said: str, status: ClaimStatus
) -> None:
    standin.fault_next("chat.postMessage", fault)

    code, out, err = await digest_run_now(database_url, standin)

    assert code == 1, (out, err)
    assert "Traceback" not in out + err, err
    assert out.strip().startswith("posted 0 digests") and said in out, out
    assert (await run_status(database_url)).status == status
    again = await digest_run_now(database_url, standin)
    if status is not ClaimStatus.FAILED:  # refused or unknown: never sent again
        assert again[0] == 0 and "posted 0 digests" in again[1], again
        assert standin.attempts("chat.postMessage") == 1


async def test_digest_run_now_posts_and_says_so(database_url: str, standin: SlackStandIn) -> None:
    code, out, err = await digest_run_now(database_url, standin)
    assert (code, out.strip()) == (0, "posted 1 digest and 0 nudges; 0 not (yet) posted")
    assert "Traceback" not in err and "WARNING" not in err, err


def closed_port_url() -> str:
    """A Web API address nothing listens on: Slack unreachable."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/"


async def test_digest_run_with_slack_unreachable_fails_until_the_digest_is_posted(
    database_url: str, standin: SlackStandIn
) -> None:
    """#17: the second run found the digest waiting for its retry time, said "0 not (yet)
    posted" and exited 0, so cron never reported the outage."""
    unreachable = closed_port_url()
    first = await digest_run_now(database_url, standin, api_url=unreachable)
    again = await digest_run_now(database_url, standin, api_url=unreachable)

    for code, out, err in (first, again):
        assert code == 1, (out, err)
        assert "Traceback" not in out + err, err
        assert "1 not (yet) posted" in out, out
        assert f"not posted: the digest for #{CHANNEL} (" in out, out
        assert "unreachable; tried again from " in out and "attempts left" in out, out
    assert "still waiting to be tried again after an earlier failure" in again[1]
    run = await run_status(database_url)
    retry_at = f"{run.lease_until:%Y-%m-%d %H:%M:%S} UTC"
    assert retry_at in again[1], again[1]  # when it is tried again, as stored
    assert standin.attempts("chat.postMessage") == 0


async def test_a_digest_refused_for_good_is_named_once(
    database_url: str, standin: SlackStandIn
) -> None:
    standin.fault_next("chat.postMessage", JsonError("channel_not_found"))
    code, out, _err = await digest_run_now(database_url, standin)
    assert code == 1
    assert f"not posted: the digest for #{CHANNEL}" in out and "never tried again" in out, out
    code, out, _err = await digest_run_now(database_url, standin)
    assert (code, out.strip()) == (0, "posted 0 digests and 0 nudges; 0 not (yet) posted")
