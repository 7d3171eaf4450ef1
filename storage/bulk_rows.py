"""Bulk inserts of an import's rows, past SQLAlchemy's per-row work.

An import writes millions of rows. Through an INSERT per row (executemany) PostgreSQL
binds, plans and executes each row as a statement of its own: at 11 million rows that was
most of an import's time, the client mostly waiting. `copy_rows` sends a batch through COPY
(asyncpg's `copy_records_to_table`) instead: one binary stream the server appends in one go.
On SQLite the statement runs in this process and SQLite's own executemany is already one
prepared statement; what `insert_rows` saves there is SQLAlchemy's per-row parameter
handling, by handing the driver plain tuples.

The rows are those an INSERT of the same dicts writes: values go through each column's
bind processing (on SQLite, how a time is stored as text), a column left out gets the
model's default as SQLAlchemy gives it, or the server's. On PostgreSQL ids are taken from
the table's sequence in the rows' order (`next_ids`), so they follow that order as they do
on INSERT. COPY runs on the session's own connection, inside its transaction: the id
query, sent through SQLAlchemy first, is what opens that transaction on the driver.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Column, Table, text
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection


async def next_ids(connection: AsyncConnection, table: Table, count: int) -> list[int]:
    """`count` new ids from `table`'s id sequence, in the order the sequence gives them."""
    query = text(
        "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"
    )
    result = await connection.execute(query, {"table": table.name, "count": count})
    return sorted(int(row[0]) for row in result.all())


async def copy_rows(
    connection: AsyncConnection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    ids: Sequence[int],
) -> None:
    """PostgreSQL: COPY `rows` (dicts of one shape) into `table` with the `ids` from
    `next_ids`, one a row, in the session's transaction (a statement must have run in it
    through SQLAlchemy: see the module)."""
    if not rows:
        return
    names, records = _records(connection.dialect, table, rows, ids=ids)
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None  # an open connection: the id query just ran on it
    await driver.copy_records_to_table(table.name, records=records, columns=names)


async def insert_rows(
    connection: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]
) -> None:
    """SQLite: INSERT `rows` (dicts of one shape) as the driver's executemany of tuples."""
    if not rows:
        return
    names, records = _records(connection.dialect, table, rows)
    quote = connection.dialect.identifier_preparer.quote
    statement = "INSERT INTO {table} ({columns}) VALUES ({marks})".format(
        table=quote(table.name),
        columns=", ".join(quote(name) for name in names),
        marks=", ".join("?" for _name in names),
    )
    await connection.exec_driver_sql(statement, records)  # type: ignore[arg-type]


def _records(
    dialect: Dialect, table: Table, rows: Sequence[dict[str, Any]], *, ids: Sequence[int] = ()
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The columns to write (the rows' own, then those with a default), and each row's
    values for them, as the driver is given them; with `ids`, the id first."""
    given = list(rows[0])
    defaults = {
        column.name: _default(column)
        for column in table.columns
        if column.name not in given and column.default is not None
    }
    names = given + list(defaults)
    bound = [(index, _processor(table.c[name], dialect)) for index, name in enumerate(names)]
    processed = [(index, process) for index, process in bound if process is not None]
    extra = list(defaults.values())
    records = [_record([row[name] for name in given] + extra, processed) for row in rows]
    if ids:
        names = ["id", *names]
        records = [(row_id, *record) for row_id, record in zip(ids, records, strict=True)]
    return names, records


def _record(
    values: list[Any], processed: list[tuple[int, Callable[[Any], Any]]]
) -> tuple[Any, ...]:
    """The values with the processed columns' (a few: the times) processed."""
    for index, process in processed:
        values[index] = process(values[index])
    return tuple(values)


def _default(column: Column[Any]) -> Any:
    """The value SQLAlchemy would give a column an INSERT leaves out (a scalar or a
    function of nothing; the models have no other kind)."""
    default: Any = column.default
    return default.arg if default.is_scalar else default.arg(None)


def _processor(column: Column[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    return column.type.dialect_impl(dialect).bind_processor(dialect)  # type: ignore[no-any-return]
