"""SQLite through aiosqlite, one trip to its thread per statement.

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
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Sequence
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT, await_

Outcome = tuple[Any, int, int | None, list[Any]]  # description, rowcount, lastrowid, rows


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
        driver: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        adapted: _OneTripConnection = self._adapt_connection  # type: ignore[assignment]
        begin, adapted.pending_begin = adapted.pending_begin, None
        try:
            found = await_(driver._execute(_run, driver._conn, begin, operation, parameters, many))
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


class _OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        plain = super().connect(*arg, **kw)
        connection = _OneTripConnection(self, plain._connection)
        connection.pending_begin = None
        return connection


def one_trip_dbapi() -> AsyncAdapt_aiosqlite_dbapi:
    return _OneTripDBAPI(aiosqlite, sqlite3)
