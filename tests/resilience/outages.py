"""Taking the app's database away and bringing it back, the same way on both backends.

PostgreSQL: the app reaches the server through a TCP forwarder (tests/resilience/tcp_proxy);
cutting it drops every connection and refuses new ones, as a network partition or a server
restart does. SQLite: the directory holding the file is moved away (a volume unmounted) and
the pool's idle connections are closed, so every new connection fails to open the file.

`lose_now()` is synchronous: a driver hook calls it between two statements of one
transaction, to lose the database in the middle of a change."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from storage.database import Database
from tests.conftest import PG_URL
from tests.resilience.tcp_proxy import TcpProxy


class Outage:
    """A database that can go away. Subclasses say how."""

    db: Database

    def lose_now(self) -> None:
        raise NotImplementedError

    async def go_down(self) -> None:
        self.lose_now()

    async def come_back(self) -> None:
        raise NotImplementedError


class PostgresOutage(Outage):
    def __init__(self, db: Database, proxy: TcpProxy) -> None:
        self.db, self.proxy = db, proxy

    def lose_now(self) -> None:
        self.proxy.cut()  # the statement in flight fails when it waits for its answer

    async def come_back(self) -> None:
        await self.proxy.restore()


class SqliteOutage(Outage):
    def __init__(self, db: Database, volume: Path) -> None:
        self.db, self.volume = db, volume
        self.away = volume.with_name(volume.name + ".away")

    def lose_now(self) -> None:
        os.rename(self.volume, self.away)
        # An open SQLite connection keeps its file; what a lost disk does to the statement
        # in flight is an I/O error from the driver (SQLAlchemy wraps it as it would a real one).
        raise sqlite3.OperationalError("disk I/O error")

    async def go_down(self) -> None:
        os.rename(self.volume, self.away)
        await self.db.dispose()  # idle connections would keep the moved file open

    async def come_back(self) -> None:
        os.rename(self.away, self.volume)


@asynccontextmanager
async def database_that_can_go_away(backend: str, tmp_path: Path) -> AsyncIterator[Outage]:
    """An empty database with the tables, reached in a way the test can cut."""
    if backend == "sqlite":
        volume = tmp_path / "volume"
        volume.mkdir()
        db = Database(f"sqlite:///{volume / 'stagecoach.db'}")
        await _create_tables(db)
        yield SqliteOutage(db, volume)
        await db.dispose()
        return
    assert PG_URL is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = Database(PG_URL)
    async with admin.engine.begin() as connection:
        await connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    server = make_url(PG_URL)
    proxy = await TcpProxy(
        target_host=server.host or "127.0.0.1", target_port=server.port or 5432
    ).start()
    proxied = server.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    db = Database(proxied, schema=schema)
    try:
        await _create_tables(db)
        yield PostgresOutage(db, proxy)
    finally:
        await db.dispose()
        await proxy.stop()
        async with admin.engine.begin() as connection:
            await connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.dispose()


async def _create_tables(db: Database) -> None:
    async with db.write_engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all)


@contextmanager
def lost_at(
    outage: Outage, *, statement: str | None = None, commit: bool = False
) -> Iterator[list[str]]:
    """Lose the database once, just before the first write-path statement starting with
    `statement`, or inside the driver's COMMIT; yields the statements seen until then."""
    engine = outage.db.write_engine.sync_engine
    dialect = engine.dialect
    seen: list[str] = []
    armed = [True]

    def trip() -> None:
        if armed[0]:
            armed[0] = False
            outage.lose_now()

    def before_execute(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        seen.append(sql.split("(")[0].strip())
        if statement and sql.lstrip().upper().startswith(statement.upper()):
            trip()

    def failing_commit(dbapi_connection: Any) -> None:
        seen.append("COMMIT")
        trip()  # PostgreSQL: the COMMIT below finds its connection gone
        type(dialect).do_commit(dialect, dbapi_connection)

    event.listen(engine, "before_cursor_execute", before_execute)
    if commit:
        dialect.do_commit = failing_commit  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before_execute)
        if commit:
            del dialect.do_commit
