"""The one-trip SQLite cursor (storage.sqlite_driver) tells SQLAlchemy what the stock one
does: rows, row counts (the version check of every change reads one), new ids, and
errors as SQLAlchemy's own exceptions."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from storage.database import Database
from storage.sqlite_driver import OneTripCursor


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
