"""The one-trip SQLite cursor (storage.sqlite_driver) tells SQLAlchemy what the stock one
does: rows, row counts (the version check of every change reads one), new ids, and
errors as SQLAlchemy's own exceptions."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.util import greenlet_spawn

from storage.database import Database
from storage.sqlite_driver import InlineConnection, OneTripCursor


@pytest.fixture
async def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'driver.db'}")
    async with database.write_engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
    return database


async def test_it_is_the_cursor_the_engines_use(db: Database) -> None:
    async with db.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.cursor(), OneTripCursor)
    await db.dispose()


async def test_rows_counts_and_new_ids(db: Database) -> None:
    async with db.write() as session:
        connection = await session.connection()
        inserted = await connection.execute(text("INSERT INTO t (v) VALUES ('a')"))
        assert inserted.lastrowid == 1
        many = await connection.execute(
            text("INSERT INTO t (v) VALUES (:v)"), [{"v": "b"}, {"v": "c"}]
        )
        assert many.rowcount == 2
        updated = await connection.execute(text("UPDATE t SET v = v || '!' WHERE id > 1"))
        assert updated.rowcount == 2
        none = await connection.execute(text("UPDATE t SET v = 'x' WHERE id = 99"))
        assert none.rowcount == 0
    async with db.engine.connect() as connection:
        rows = (await connection.execute(text("SELECT id, v FROM t ORDER BY id"))).all()
    assert [tuple(row) for row in rows] == [(1, "a"), (2, "b!"), (3, "c!")]
    await db.dispose()


async def test_errors_are_sqlalchemys(db: Database) -> None:
    with pytest.raises(IntegrityError):
        async with db.write() as session:
            connection = await session.connection()
            await connection.execute(text("INSERT INTO t (v) VALUES ('a'), ('a')"))
    with pytest.raises(OperationalError):
        async with db.engine.connect() as connection:
            await connection.execute(text("SELECT nothing FROM nowhere"))
    async with db.engine.connect() as connection:  # the connection is still good after both
        assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar_one() == 0
    await db.dispose()


async def test_fetching_in_pieces_works_as_with_the_stock_cursor(db: Database) -> None:
    async with db.write() as session:
        connection = await session.connection()
        await connection.execute(
            text("INSERT INTO t (v) VALUES (:v)"), [{"v": str(n)} for n in range(5)]
        )
    async with db.engine.connect() as connection:
        result = await connection.execute(text("SELECT v FROM t ORDER BY id"))
        assert [row[0] for row in result.fetchmany()] == ["0"]  # DB-API arraysize: 1
        assert [row[0] for row in result.fetchmany(2)] == ["1", "2"]
        assert [row[0] for row in result.fetchall()] == ["3", "4"]
    await db.dispose()


def _locked_from_outside(path: Path) -> bool:
    """Whether another process's writer would find the write lock taken."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return True
    finally:
        other.close()  # closing rolls back what it began
    return False


async def test_a_write_holds_the_lock_from_its_first_statement(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "driver.db"
    async with db.write() as session:
        connection = await session.connection()
        assert not _locked_from_outside(path)  # BEGIN waits for the first statement
        await connection.execute(text("SELECT count(*) FROM t"))  # a read, yet it locks
        assert _locked_from_outside(path)
        await connection.execute(text("INSERT INTO t (v) VALUES ('a')"))
    assert not _locked_from_outside(path)
    await db.dispose()


async def test_a_write_without_statements_sends_nothing_and_leaves_no_begin(
    db: Database,
) -> None:
    sent: list[str] = []
    async with db.write_engine.connect() as connection:
        raw = await connection.get_raw_connection()
        sqlite = raw.dbapi_connection._connection._conn  # type: ignore[union-attr]
        sqlite.set_trace_callback(sent.append)  # every statement SQLite runs on it
    async with db.write() as session:
        await session.connection()  # begun, nothing run
    assert sent == []
    async with db.write_engine.connect() as connection:  # the same pooled connection
        raw = await connection.get_raw_connection()
        assert raw.dbapi_connection.pending_begin is None  # type: ignore[union-attr]
    async with db.write() as session:  # a normal transaction on it
        connection = await session.connection()
        await connection.execute(text("INSERT INTO t (v) VALUES ('a')"))
    assert sent == ["BEGIN IMMEDIATE", "INSERT INTO t (v) VALUES ('a')", "COMMIT"]
    async with db.engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar_one() == 1
    await db.dispose()


async def test_a_streaming_read_in_a_write_sends_the_begin_first(
    db: Database, tmp_path: Path
) -> None:
    async with db.write() as session:
        connection = await session.connection()
        streamed = await connection.stream(text("SELECT count(*) FROM t"))
        assert (await streamed.all())[0][0] == 0
        assert _locked_from_outside(tmp_path / "driver.db")
    await db.dispose()


async def test_a_begin_that_finds_the_lock_taken_fails_its_statement_and_nothing_else(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("storage.database.SQLITE_BUSY_TIMEOUT_MS", 50)
    quick = Database(f"sqlite:///{tmp_path / 'driver.db'}")  # a 50 ms busy timeout
    other = sqlite3.connect(tmp_path / "driver.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(OperationalError, match="locked"):
        async with quick.write() as session:
            connection = await session.connection()
            await connection.execute(text("INSERT INTO t (v) VALUES ('a')"))
    other.execute("ROLLBACK")
    other.close()
    async with quick.write() as session:  # the connection is not left inside a transaction
        connection = await session.connection()
        await connection.execute(text("INSERT INTO t (v) VALUES ('b')"))
    async with quick.engine.connect() as connection:
        rows = (await connection.execute(text("SELECT v FROM t"))).scalars().all()
    assert rows == ["b"]
    await quick.dispose()
    await db.dispose()


async def _thread_running_statements(connection: AsyncConnection) -> int:
    raw = await connection.get_raw_connection()
    sqlite = raw.dbapi_connection._connection._conn  # type: ignore[union-attr]
    sqlite.create_function("thread_id", 0, threading.get_ident)
    return int((await connection.execute(text("SELECT thread_id()"))).scalar_one())


async def test_writes_and_quick_reads_run_on_the_event_loops_thread_others_on_aiosqlites(
    db: Database,
) -> None:
    async with db.write_engine.begin() as connection:
        assert await _thread_running_statements(connection) == threading.get_ident()
    async with db.quick_read() as session:
        connection = await session.connection()
        assert await _thread_running_statements(connection) == threading.get_ident()
    async with db.read() as session:
        connection = await session.connection()
        assert await _thread_running_statements(connection) != threading.get_ident()
    await db.dispose()


async def _insert(db: Database, value: str) -> None:
    async with db.write() as session:
        connection = await session.connection()
        await connection.execute(text("INSERT INTO t (v) VALUES (:v)"), {"v": value})


async def _values(db: Database) -> list[str]:
    async with db.quick_read() as session:
        connection = await session.connection()
        return list((await connection.execute(text("SELECT v FROM t ORDER BY v"))).scalars())


async def test_a_write_waiting_for_another_process_lets_the_event_loop_run(
    db: Database, tmp_path: Path
) -> None:
    await _insert(db, "before")
    other = sqlite3.connect(tmp_path / "driver.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock

    writing = asyncio.create_task(_insert(db, "waited"))
    await asyncio.sleep(0.05)
    # The loop serves others meanwhile: a read (inline too) completes while the write waits.
    assert await _values(db) == ["before"]
    assert not writing.done()
    other.execute("ROLLBACK")
    other.close()
    await asyncio.wait_for(writing, timeout=2)
    assert await _values(db) == ["before", "waited"]
    await db.dispose()


async def test_opening_a_connection_while_another_process_holds_the_database_waits_on_the_loop(
    tmp_path: Path,
) -> None:
    path = tmp_path / "other.db"  # made by another program: not in WAL mode yet
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)")
    other.execute("BEGIN EXCLUSIVE")  # no one else may even read it
    db = Database(f"sqlite:///{path}")
    writing = asyncio.create_task(_insert(db, "late"))
    for _ in range(20):  # 0.2 s of turns of the loop; a connect waiting inside SQLite
        await asyncio.sleep(0.01)  # would hold it for sqlite3's 5 s, then fail the write
    assert not writing.done()
    other.execute("ROLLBACK")
    other.close()
    await asyncio.wait_for(writing, timeout=2)
    assert await _values(db) == ["late"]
    await db.dispose()


@pytest.mark.parametrize("code", [sqlite3.SQLITE_BUSY, 261])  # 261: SQLITE_BUSY_RECOVERY
async def test_busy_in_any_of_its_forms_is_waited_out(code: int) -> None:
    connection = InlineConnection.__new__(InlineConnection)
    connection.busy_timeout_s = 1.0
    tries: list[int] = []

    def attempt() -> str:
        tries.append(1)
        if len(tries) < 3:
            error = sqlite3.OperationalError("database is locked")
            error.sqlite_errorcode = code
            raise error
        return "done"

    assert await greenlet_spawn(connection._when_not_busy, attempt) == "done"
    assert len(tries) == 3


async def test_every_few_commits_the_log_is_checkpointed_on_aiosqlites_thread(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("storage.database.CHECKPOINT_EVERY", 3)
    seen: list[str] = []
    event.listen(db.engine.sync_engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    async with db.write_engine.connect() as connection:  # the write engine never does
        auto = await connection.exec_driver_sql("PRAGMA wal_autocheckpoint")
        assert auto.scalar_one() == 0
    for value in ("a", "b"):
        await _insert(db, value)
    assert "PRAGMA wal_checkpoint(PASSIVE)" not in seen
    await _insert(db, "c")
    await db.dispose()  # waits for the checkpoint it started
    assert seen.count("PRAGMA wal_checkpoint(PASSIVE)") == 1
