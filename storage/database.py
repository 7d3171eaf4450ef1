"""The async engine(s) and sessions.

Reads and writes use separate engines (and pools). On SQLite a write session starts
with `BEGIN IMMEDIATE`, so the write lock is taken before the deal is read and two writers
serialize instead of failing on a stale snapshot. On PostgreSQL the write path locks the
deal row (`SELECT … FOR UPDATE`, see storage.deal_queries).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.pgbouncer import behind_pgbouncer, connect_args
from storage.sqlite_driver import InlineConnection, one_trip_dbapi
from storage.urls import async_url, is_sqlite
from storage.watched_pool import WatchedPool

log = logging.getLogger(__name__)
SQLITE_BUSY_TIMEOUT_MS = 10_000
PING_TIMEOUT_S = 5.0
PING_AFTER_IDLE_S = 1.0  # a pooled connection idle this long is pinged before use
CHECKPOINT_EVERY = 100  # SQLite commits between checkpoints of the write-ahead log


class Database:
    def __init__(
        self, raw_url: str, *, echo: bool = False, schema: str | None = None, share: int = 1
    ) -> None:
        """`schema` (PostgreSQL only) sets every connection's search_path: tests and
        side-by-side deployments keep their tables apart on one server. `share`: this
        process is one of that many workers (`serve --workers`), whose pools together
        keep what one process's would."""
        self.url, self.behind_pgbouncer = behind_pgbouncer(async_url(raw_url))
        self.share = max(1, share)
        self.is_sqlite = is_sqlite(self.url)
        self.schema = schema
        # Separate pools for reads and writes: a read (a card, a list, the first look-up of
        # a change) never waits for a connection held by a writer queued on a deal's lock.
        # Reads run in autocommit: no BEGIN and no ROLLBACK around them (two round trips on
        # PostgreSQL, two trips to aiosqlite's thread on SQLite). Each statement still sees
        # one consistent snapshot, which is all a read transaction gives under PostgreSQL's
        # READ COMMITTED: the code already runs correctly with that on both backends.
        self.engine = self._engine(begin=None, echo=echo)
        self.write_engine = self._engine(begin="BEGIN IMMEDIATE", echo=echo, inline=True)
        # SQLite: a request's few indexed reads run on the event loop's thread, as writes
        # do; other reads (reports, digests, lists) keep aiosqlite's (see quick_read).
        self.quick_engine = (
            self._engine(begin=None, echo=echo, inline=True)
            if self.is_sqlite and not _in_memory(self.url)
            else self.engine
        )
        # SQLite: this process's writers take turns in arrival order (see _writer_turn).
        self._write_turn = asyncio.Lock() if self.is_sqlite else None
        self._commits_since_checkpoint = 0
        self._checkpointing: asyncio.Task[None] | None = None
        self._reads = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)
        self._quick_reads = async_sessionmaker(
            self.quick_engine, class_=AsyncSession, expire_on_commit=False
        )
        self._writes = async_sessionmaker(
            self.write_engine, class_=AsyncSession, expire_on_commit=False
        )

    def _engine(self, *, begin: str | None, echo: bool, inline: bool = False) -> AsyncEngine:
        # No statement's parameters in error messages: they carry evidence and names.
        options: dict[str, Any] = {"echo": echo, "hide_parameters": True}
        if begin is None and not self.behind_pgbouncer:  # see storage.pgbouncer
            # Nothing to roll back either: skip the driver's rollback() (SQLite: a trip).
            options |= {"isolation_level": "AUTOCOMMIT", "skip_autocommit_rollback": True}
        if not _in_memory(self.url):
            # The pool keeps as many connections as requests that are usually in a
            # statement or transaction at once, under load as well (20 requests at once
            # keep 10-20 busy on one process). Connections above pool_size are closed when
            # they come back, so a smaller pool (the default keeps 5) opened and closed one
            # every few requests: a new PostgreSQL server process or aiosqlite thread, a
            # cold statement cache, the slowest 10% of requests. The ceiling is 30.
            # Last in, first out: requests reuse the connections in use a moment ago, and
            # those left idle are the ones pinged before use (PostgreSQL, see
            # _ping_when_in_doubt); first in, first out rotated through all of them.
            # a replica holds about 60 connections whatever its worker count (two pools)
            size, overflow = max(1, 20 // self.share), 10 // self.share
            options |= {"pool_size": size, "max_overflow": overflow, "pool_use_lifo": True}
            options["poolclass"] = WatchedPool  # it tells when a checkout waited
        if not self.is_sqlite:
            options["connect_args"] = connect_args(
                pgbouncer=self.behind_pgbouncer, schema=self.schema
            )
        if self.is_sqlite:
            # A connection that goes back to the pool has committed or rolled back already
            # (SQLAlchemy rolls back what is open when it closes): the pool's own rollback
            # on check-in would be one more trip to aiosqlite's thread for nothing.
            options["pool_reset_on_return"] = None
            # One trip to aiosqlite's thread a statement, or none: inline engines run
            # theirs on the event loop's thread (see storage.sqlite_driver).
            options["module"] = one_trip_dbapi(
                inline_busy_timeout_s=SQLITE_BUSY_TIMEOUT_MS / 1000 if inline else None
            )
        engine = create_async_engine(self.url, **options)
        if self.is_sqlite:
            _configure_sqlite(engine, begin=begin)
        else:
            _ping_when_in_doubt(engine)
        return engine

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._reads() as session:
            yield session

    @asynccontextmanager
    async def quick_read(self) -> AsyncIterator[AsyncSession]:
        """A read of a few indexed statements, made while a user waits (a card, the deal a
        command names). On SQLite they run on the event loop's thread, without the two
        thread switches a statement costs through aiosqlite; nothing else runs meanwhile,
        so anything longer (a list, a report) uses `read`. On PostgreSQL this is `read`.
        Which reads are quick is decided in storage.deal_store, not by the app."""
        async with self._quick_reads() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A session whose work is committed on success and rolled back on any error."""
        async with self._writer_turn(), self._writes() as session:
            try:
                yield session
            except BaseException:
                await session.rollback()
                raise
            await _commit(session)
        self._checkpoint_now_and_then()

    def _checkpoint_now_and_then(self) -> None:
        """SQLite: every CHECKPOINT_EVERY commits, copy the write-ahead log into the
        database file, on aiosqlite's thread and in the background.

        The write engine's connections run on the event loop's thread and do not
        checkpoint when they commit, which SQLite does by default every 1,000 pages of log
        (a change writes a few): the copy and its sync to disk would stop the loop. A
        PASSIVE checkpoint waits for no one; what it cannot copy yet, the next one does.
        """
        if not self.is_sqlite or not self._checkpoint_due():
            return
        if self._checkpointing is None or self._checkpointing.done():
            self._checkpointing = asyncio.create_task(self._checkpoint())

    def _checkpoint_due(self) -> bool:
        """Counts this commit; True every CHECKPOINT_EVERY commits."""
        self._commits_since_checkpoint += 1
        if self._commits_since_checkpoint < CHECKPOINT_EVERY:
            return False
        self._commits_since_checkpoint = 0
        return True

    async def _checkpoint(self) -> None:
        try:
            async with self.engine.connect() as connection:
                await connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        except Exception:  # the next one tries again; the log only grows meanwhile
            log.warning("WAL checkpoint failed", exc_info=True)

    @asynccontextmanager
    async def _writer_turn(self) -> AsyncIterator[None]:
        """On SQLite, wait for this process's earlier writers first, in order.

        A `BEGIN IMMEDIATE` that finds the write lock taken naps and tries again (see
        storage.sqlite_driver): under load a writer could lose the race again and again,
        for seconds, until the busy timeout failed it. A FIFO lock in the process hands the
        turn on at once and in order; `BEGIN IMMEDIATE` still guards against other
        processes (and against this one's migrations, which write outside this lock).
        The same timeout bounds the wait.
        """
        if self._write_turn is None:
            yield
            return
        async with asyncio.timeout(SQLITE_BUSY_TIMEOUT_MS / 1000):
            await self._write_turn.acquire()
        try:
            yield
        finally:
            self._write_turn.release()

    async def ping(self, *, timeout_s: float = PING_TIMEOUT_S) -> bool:
        """Whether the database answers within `timeout_s`: a host that drops packets
        would otherwise hold /healthz (and start-up) for the driver's own connect timeout,
        a minute on asyncpg, where a load balancer wants an answer in seconds."""
        try:
            async with asyncio.timeout(timeout_s), self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            return True
        except Exception:  # any failure to reach the database means "not healthy"
            return False

    async def dispose(self) -> None:
        if self._checkpointing is not None:
            await self._checkpointing
        await self.engine.dispose()
        await self.write_engine.dispose()
        if self.quick_engine is not self.engine:
            await self.quick_engine.dispose()


def _in_memory(url: URL) -> bool:
    """An in-memory SQLite database lives in one connection (SQLAlchemy's StaticPool)."""
    return url.get_backend_name() == "sqlite" and (
        url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"
    )


def unreachable(error: BaseException) -> bool:
    """True when `error` says the database could not be reached or dropped the connection
    (rather than refusing a statement)."""
    if isinstance(error, DBAPIError):
        return bool(error.connection_invalidated) or isinstance(
            error, OperationalError | InterfaceError
        )
    # asyncpg raises the socket's own error (connection refused) when it cannot connect
    return isinstance(error, ConnectionError)


async def _commit(session: AsyncSession) -> None:
    """Commit; when COMMIT itself fails, throw the connection away.

    The driver may keep the transaction open after a failed COMMIT (SQLite does after
    SQLITE_BUSY or an I/O error) while SQLAlchemy takes it as over. Back in the pool (which
    does not roll back on check-in, see _engine), that connection would fail every later
    BEGIN ("cannot start a transaction within a transaction"), the failed change still
    pending in it."""
    connection = await session.connection() if session.in_transaction() else None
    try:
        await session.commit()
    except BaseException:
        if connection is not None:
            await connection.invalidate()
        await session.rollback()
        raise


def _ping_when_in_doubt(engine: AsyncEngine) -> None:
    """Before a pooled PostgreSQL connection is used: drop it if the driver already knows
    it is closed (the server restarted or went away: asyncpg saw the socket close), and
    ping it if it sat idle for a while (a quiet firewall may have dropped it).

    SQLAlchemy's pool_pre_ping would ping on every checkout: a round trip before every
    request's first statement, about a tenth of a card's CPU. A connection handed back a
    moment ago is alive as far as anyone can tell without that trip (HikariCP's "alive
    bypass window" makes the same bet). A DisconnectionError makes the pool replace it.
    """
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(sync_engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if record.driver_connection.is_closed():
            raise DisconnectionError("the connection was closed while in the pool")
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return  # new, or back in the pool a moment ago
        try:
            alive = sync_engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise DisconnectionError("the pooled connection did not answer a ping") from error
        if not alive:
            raise DisconnectionError("the pooled connection did not answer a ping")


def _configure_sqlite(engine: AsyncEngine, *, begin: str | None) -> None:
    # pysqlite/aiosqlite open transactions lazily and on their own terms; take over so
    # that our BEGIN is emitted when SQLAlchemy begins (the documented recipe), in the
    # same trip as the transaction's first statement.
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        if isinstance(dbapi_connection, InlineConnection):
            # Nothing may wait or take long inside SQLite on the event loop's thread: what
            # finds it busy waits on the loop (storage.sqlite_driver), and checkpoints are
            # made on aiosqlite's thread (Database._checkpoint_now_and_then).
            cursor.execute("PRAGMA busy_timeout=0")
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        else:
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    if begin is None:  # autocommit: SQLite runs each statement in its own transaction
        return

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # No trip of its own: it goes with the transaction's first statement
        # (storage.sqlite_driver).
        connection.connection.dbapi_connection.begin_with_next_statement(begin)
