"""PostgreSQL: a pooled connection is checked before use only when in doubt.

A connection handed back a moment ago is used as it is (no ping: a round trip before
every request); one the server closed is replaced; one idle for a while is pinged and
replaced if the ping fails. Every case ends with the read succeeding."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from storage import database as database_module
from storage.database import Database
from tests.conftest import PG_URL


@pytest.fixture
async def pg() -> AsyncIterator[Database]:
    if not PG_URL:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (.ci/run sets it)")
    db = Database(PG_URL)
    yield db
    await db.dispose()


@pytest.fixture
def pings(pg: Database, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every ping the read engine's pool sends, in order."""
    sent: list[Any] = []
    dialect = pg.engine.sync_engine.dialect
    real_ping = dialect.do_ping

    def counting_ping(dbapi_connection: Any) -> bool:
        sent.append(dbapi_connection)
        return real_ping(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", counting_ping)
    return sent


async def backend_pid(db: Database) -> int:
    async with db.engine.connect() as connection:
        return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_a_connection_back_a_moment_ago_is_used_without_a_ping(
    pg: Database, pings: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database_module, "PING_AFTER_IDLE_S", 60.0)  # "a moment", however slow
    first = await backend_pid(pg)
    for _ in range(5):
        assert await backend_pid(pg) == first  # the same pooled connection
    assert pings == []


async def test_an_idle_connection_is_pinged_before_use(
    pg: Database, pings: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await backend_pid(pg)
    monkeypatch.setattr(database_module, "PING_AFTER_IDLE_S", 0.0)
    assert await backend_pid(pg) == first
    assert len(pings) == 1


async def test_an_idle_connection_that_fails_its_ping_is_replaced(
    pg: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await backend_pid(pg)
    monkeypatch.setattr(database_module, "PING_AFTER_IDLE_S", 0.0)

    def failing_ping(_dbapi_connection: Any) -> bool:
        raise OperationalError("SELECT 1", {}, Exception("no answer"))

    monkeypatch.setattr(pg.engine.sync_engine.dialect, "do_ping", failing_ping)
    replaced = await backend_pid(pg)  # a new connection is fresh: not pinged
    assert replaced != first


async def test_a_connection_the_server_closed_is_replaced_before_use(pg: Database) -> None:
    async with pg.engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        first = int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())
    admin = Database(str(PG_URL))
    try:
        async with admin.engine.connect() as connection:
            await connection.execute(text(f"SELECT pg_terminate_backend({first})"))
    finally:
        await admin.dispose()
    async with asyncio.timeout(5):  # until the event loop has seen the socket close
        while not driver.is_closed():
            await asyncio.sleep(0.01)
    assert await backend_pid(pg) != first  # and no request failed on the dead one
