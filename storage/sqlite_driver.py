"""SQLite through aiosqlite: one trip to its thread per statement, or none (inline).

SQLAlchemy's aiosqlite adapter makes four trips to the connection's thread for every
statement: open a cursor, execute, fetch the rows, close the cursor. Each trip is a
queue put, a thread wake-up and a call back into the event loop: on the request path
they cost more than the indexed statement itself. This cursor does all four in one
function on that thread and keeps what SQLAlchemy reads afterwards (description, row
count, last row id, the rows). The engine gets it through `create_async_engine(...,
module=one_trip_dbapi())`; everything else is SQLAlchemy's own aiosqlite dialect.

A transaction's BEGIN travels with its first statement (`begin_with_next_statement`):
SQLAlchemy begins right before that statement anyway, and on the write path, where
writers take turns, every trip saved shortens everyone's wait. A transaction that runs
no statement commits or rolls back without a trip.

Inline connections (`one_trip_dbapi(inline_busy_timeout_s=…)`: the write engine's, and
quick reads', see storage.database) make no trip at all: statements, COMMIT and ROLLBACK
run on the event loop's own thread.
- Writes: a write transaction holds SQLite's one write lock from BEGIN to COMMIT. Through
  the thread, every statement gave the loop back to other requests and the lock stayed
  held while they ran, so writers waited for everyone's CPU, not just each other's.
  Inline, a change's statements run back to back.
- Quick reads: a card's one indexed statement costs less than the two thread switches
  around it.
Nothing in them may wait inside SQLite: their busy timeout is 0 from the moment they
open. A BEGIN that finds the write lock taken (by another process: this one's writers
take turns, see storage.database), or a read that meets SQLite busy (a rare moment of WAL
recovery), naps on the event loop and tries again, up to the busy timeout. They do not
checkpoint the WAL either (copying pages to the database file and syncing it can take
long): storage.database has that done on aiosqlite's thread. Only short statements
belong here: long reads stay on aiosqlite's thread.
"""

from __future__ import annotations

import asyncio
import collections
import sqlite3
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT, await_

Outcome = tuple[Any, int, int | None, list[Any]]  # description, rowcount, lastrowid, rows
Result = TypeVar("Result")


def _run(
    connection: sqlite3.Connection, begin: str | None, operation: str, parameters: Any, many: bool
) -> Outcome:
    """On aiosqlite's thread: the pending BEGIN if any, the whole statement, and what
    SQLAlchemy reads of it. A failed BEGIN fails the statement (nothing ran)."""
    if begin is not None:
        connection.execute(begin).close()
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ("_description", "_rowcount", "_lastrowid", "arraysize")

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        # No cursor is opened here (the parent opens one: a trip of its own).
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self.arraysize = 1  # DB-API default; fetchmany() without a size reads it

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int | None:  # type: ignore[override]
        return self._lastrowid

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        self._trip(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Sequence[Any]) -> Any:
        self._trip(operation, seq_of_parameters, many=True)

    def _trip(self, operation: Any, parameters: Any, *, many: bool) -> None:
        adapted: _OneTripConnection = self._adapt_connection  # type: ignore[assignment]
        begin, adapted.pending_begin = adapted.pending_begin, None
        try:
            found = adapted.run(begin, operation, parameters, many)
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        self._description, self._rowcount, self._lastrowid, rows = found
        self._rows = collections.deque(rows)

    def nextset(self) -> None:
        return None  # SQLite statements have one result set

    def setinputsizes(self, *inputsizes: Any) -> None:
        return None  # a no-op in sqlite3 as well

    async def _async_soft_close(self) -> None:
        return None  # nothing open on the thread

    def close(self) -> None:
        self._rows.clear()


class _OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("pending_begin",)
    # a subclass of the base's cursor class (mypy reads the base's attribute as exact)
    _cursor_cls = OneTripCursor  # type: ignore[assignment]

    def run(self, begin: str | None, operation: str, parameters: Any, many: bool) -> Outcome:
        """`_run` on aiosqlite's thread (one trip)."""
        driver: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        return await_(driver._execute(_run, driver._conn, begin, operation, parameters, many))

    def begin_with_next_statement(self, begin: str) -> None:
        """Send `begin` (e.g. BEGIN IMMEDIATE) in the same trip as the next statement."""
        self.pending_begin: str | None = begin

    def cursor(self, server_side: bool = False) -> Any:
        if server_side and self.pending_begin is not None:
            # A streaming cursor is the stock one, which knows nothing of a pending BEGIN:
            # send it first, in a trip of its own.
            begin, self.pending_begin = self.pending_begin, None
            await_(self._connection.execute_fetchall(begin))
        return super().cursor(server_side)

    def commit(self) -> None:
        if self._unbegun():
            return  # no statement ran: there is nothing to commit
        super().commit()

    def rollback(self) -> None:
        if self._unbegun():
            return
        super().rollback()

    def _unbegun(self) -> bool:
        unbegun = self.pending_begin is not None
        self.pending_begin = None
        return unbegun


async def _done(outcome: Outcome) -> Outcome:
    return outcome


class InlineConnection(_OneTripConnection):
    """Runs everything on the calling thread, the event loop's (see the module's doc)."""

    __slots__ = ("busy_timeout_s",)
    busy_timeout_s: float

    def run(self, begin: str | None, operation: str, parameters: Any, many: bool) -> Outcome:
        raw = self._raw()
        if begin is not None:
            self._when_not_busy(lambda: raw.execute(begin).close())
            outcome = _run(raw, None, operation, parameters, many)
        elif raw.in_transaction or many:
            # In a write transaction nothing waits (WAL: the write lock is held already).
            # An executemany outside one commits row by row: it must not run twice.
            outcome = _run(raw, None, operation, parameters, many)
        else:  # one autocommit statement: when busy it changed nothing, so it runs again
            outcome = self._when_not_busy(lambda: _run(raw, None, operation, parameters, many))
        # SQLAlchemy insists that an async driver awaits something in every statement; an
        # awaitable that is already done resumes at once, without a turn of the loop.
        return await_(_done(outcome))

    def cursor(self, server_side: bool = False) -> Any:
        if server_side and self.pending_begin is not None:
            # The streaming cursor is aiosqlite's own: send the pending BEGIN here first.
            begin, self.pending_begin = self.pending_begin, None
            raw = self._raw()
            self._when_not_busy(lambda: raw.execute(begin).close())
        return super().cursor(server_side)

    def commit(self) -> None:
        if self._unbegun() or not self._connection._connection:  # type: ignore[attr-defined]
            return
        try:
            # Busy only without WAL (readers hold the file); the transaction stays open.
            self._when_not_busy(self._raw().commit)
        except Exception as error:
            self._handle_exception(error)

    def rollback(self) -> None:
        if self._unbegun() or not self._connection._connection:  # type: ignore[attr-defined]
            return
        try:
            self._raw().rollback()
        except Exception as error:
            self._handle_exception(error)

    def _when_not_busy(self, attempt: Callable[[], Result]) -> Result:
        """`attempt()`; while SQLite answers busy (another process holds the lock, or a
        rare moment of WAL recovery), nap on the event loop (other requests go on) and try
        again, until the busy timeout."""
        deadline = time.monotonic() + self.busy_timeout_s
        nap = 0.001
        while True:
            try:
                return attempt()
            except sqlite3.OperationalError as error:
                busy = error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY  # extended codes too
                if not busy or time.monotonic() > deadline:
                    raise
            await_(asyncio.sleep(nap))
            nap = min(nap * 2, 0.05)

    def _raw(self) -> sqlite3.Connection:
        """The sqlite3 connection (aiosqlite raises ValueError once it is closed, which
        SQLAlchemy's adapter translates)."""
        return self._connection._conn  # type: ignore[attr-defined,no-any-return]


class _OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def __init__(self, *, inline_busy_timeout_s: float | None) -> None:
        super().__init__(aiosqlite, sqlite3)
        self.inline_busy_timeout_s = inline_busy_timeout_s

    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        inline = self.inline_busy_timeout_s
        if inline is not None:
            # Opened on aiosqlite's thread, used on the event loop's (never both at once).
            # No wait inside SQLite, from the connection's first PRAGMA on.
            kw |= {"check_same_thread": False, "timeout": 0}
        plain = super().connect(*arg, **kw)
        connection: _OneTripConnection
        if inline is not None:
            connection = InlineConnection(self, plain._connection)
            connection.busy_timeout_s = inline
        else:
            connection = _OneTripConnection(self, plain._connection)
        connection.pending_begin = None
        return connection


def one_trip_dbapi(*, inline_busy_timeout_s: float | None = None) -> AsyncAdapt_aiosqlite_dbapi:
    """The aiosqlite DBAPI with one trip per statement; with `inline_busy_timeout_s`, no
    trip at all (InlineConnection), and what finds SQLite busy retried for that long."""
    return _OneTripDBAPI(inline_busy_timeout_s=inline_busy_timeout_s)
