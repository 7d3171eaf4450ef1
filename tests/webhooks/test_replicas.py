"""Two delivery processes (`stagecoach webhooks deliver`, what every `serve` replica runs) on
one PostgreSQL database, the receiver failing for a while, and one process killed with
SIGKILL while the receiver holds its post: every stage event arrives, once after dedupe
by Idempotency-Key, in order per deal, signed."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy.engine import make_url
from sqlmodel import select

from bot.core.catalog import MapCatalog
from bot.core.context import Services
from bot.webhooks.endpoints import add_webhook
from bot.webhooks.outcomes import WebhookAdded
from storage.database import Database
from storage.migrate import upgrade
from storage.webhook_models import OutboxStatus, WebhookOutbox
from tests.conftest import PG_URL
from tests.support.deals import ADMIN, REP, expect
from tests.support.webhook_deals import walk
from tests.support.webhook_receiver import Receiver

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")

ROOT = Path(__file__).resolve().parents[2]
FAILING = 4  # the receiver's first answers are 500s
HELD = FAILING + 3  # the request held while its sender is killed
LEASE = 4.0


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """A database of its own: the delivery processes take a plain DATABASE_URL."""
    assert PG_URL is not None
    name = f"t_hooks_{uuid.uuid4().hex[:10]}"
    admin = Database(PG_URL)
    async with admin.engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
        await conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    async with admin.engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
        await conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.dispose()


async def replica(url: str) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": url,
        "STAGECOACH_WEBHOOK_INTERVAL": "0.05",
        "STAGECOACH_WEBHOOK_LEASE": str(LEASE),
        "STAGECOACH_WEBHOOK_BACKOFF": "0.1",
        "STAGECOACH_WEBHOOK_ATTEMPTS": "30",
        "STAGECOACH_WEBHOOK_ALLOW_PRIVATE": "1",
        "LOG_LEVEL": "WARNING",
    }
    code = "from bot.cli import run; run()"
    return await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, "webhooks", "deliver", env=env, cwd=ROOT
    )


async def undelivered(db: Database) -> int:
    async with db.read() as session:
        query = select(func.count()).where(WebhookOutbox.status != OutboxStatus.DELIVERED.value)  # type: ignore[arg-type]
        return int((await session.exec(query)).one())


async def test_two_replicas_one_killed_mid_delivery(pg_url: str) -> None:
    db = Database(pg_url)
    await upgrade(db)
    catalog = MapCatalog.from_ref("default")
    await catalog.register(db)
    services = Services(
        db=db, catalog=catalog, admins=frozenset({ADMIN.user_id}), webhook_allow_private=True
    )
    receiver = Receiver(answer=lambda n: 500 if n < FAILING else 200)
    url = await receiver.start()
    added = expect(await add_webhook(services, ADMIN, url=url, events=()), WebhookAdded)
    replicas = [await replica(pg_url), await replica(pg_url)]
    try:
        plans = [["advanced", "advanced", "lost", "reopened", "advanced"]] * 3 + [["advanced", "overridden", "advanced", "advanced", "won"]]  # fmt: skip
        walks = await asyncio.gather(
            *(walk(services, REP, f"Deal {n}", steps) for n, steps in enumerate(plans))
        )
        expected = dict(walks)
        killed = await _kill_the_holder(services, receiver, replicas)
        for _ in range(300):
            if await undelivered(db) == 0:
                break
            await asyncio.sleep(0.1)
        assert await undelivered(db) == 0

        got = receiver.deduped()
        assert all(one.verifies(added.secret) for one in receiver.received)
        assert len(got) == sum(len(events) for events in expected.values())
        by_deal: dict[int, list[str]] = {}
        for one in got:
            by_deal.setdefault(one.event["deal"]["id"], []).append(one.event["type"])
        assert by_deal == expected, "each event once, in order per deal"
        duplicates = len(receiver.accepted()) - len(got)
        assert duplicates >= 1, "the killed replica's post was sent again"
        assert sum(1 for one in receiver.received if one.status == 500) == FAILING
        assert killed.returncode == -signal.SIGKILL
    finally:
        for process in replicas:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), 15)
        await receiver.close()
        await services.close()


async def _kill_the_holder(
    services: Services, receiver: Receiver, replicas: list[asyncio.subprocess.Process]
) -> asyncio.subprocess.Process:
    """Hold a post after the failures, SIGKILL the replica that sent it, then let the
    receiver answer it (200: it acted on the event, but nobody hears that)."""
    while len(receiver.received) < HELD:
        await asyncio.sleep(0.01)
    receiver.hold_next = True
    await asyncio.wait_for(receiver.holding.wait(), 30)
    assert receiver.held is not None
    event_id = receiver.held.key.split(".")[0]
    async with services.db.read() as session:
        query = select(WebhookOutbox.claimed_by).where(WebhookOutbox.event_id == event_id)  # type: ignore[arg-type]
        claimed_by = (await session.exec(query)).one()
    pid = int(str(claimed_by).rsplit(":", 1)[1])
    [holder] = [process for process in replicas if process.pid == pid]
    holder.send_signal(signal.SIGKILL)
    await holder.wait()
    receiver.release.set()
    return holder
