"""Bulk inserts on PostgreSQL through COPY (asyncpg's `copy_records_to_table`).

An import writes millions of rows. Through INSERT each row is a statement of its own for
the server (asyncpg pipelines them, but the server still binds, plans and executes one at
a time): at 11 million rows that was most of an import's time, the client mostly waiting.
COPY streams a batch's rows as one binary message and the server appends them in one go.

The rows are the same as an INSERT of the same dicts writes: values go through each
column's bind processing (the aware-UTC check on times), a column left out gets the
model's default as SQLAlchemy would give it, or the server's; ids are taken from the
table's sequence in the rows' order (`next_ids`), so they follow that order as they do
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
    connection: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]
) -> None:
    """COPY `rows` (dicts of one shape, ids included) into `table`, in the session's
    transaction (a statement must have run in it through SQLAlchemy: see the module)."""
    if not rows:
        return
    dialect = connection.dialect
    given = list(rows[0])
    defaults = {
        column.name: _default(column)
        for column in table.columns
        if column.name not in given and column.default is not None
    }
    names = given + list(defaults)
    bound = [_processor(table.c[name], dialect) for name in names]
    extra = tuple(defaults.values())
    records = [_record(tuple(row[name] for name in given) + extra, bound) for row in rows]
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None  # an open connection: the id query just ran on it
    await driver.copy_records_to_table(table.name, records=records, columns=names)


def _record(values: tuple[Any, ...], bound: list[Callable[[Any], Any] | None]) -> tuple[Any, ...]:
    return tuple(
        process(value) if process else value for process, value in zip(bound, values, strict=True)
    )


def _default(column: Column[Any]) -> Any:
    """The value SQLAlchemy would give a column an INSERT leaves out (a scalar or a
    function of nothing; the models have no other kind)."""
    default: Any = column.default
    return default.arg if default.is_scalar else default.arg(None)


def _processor(column: Column[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    return column.type.dialect_impl(dialect).bind_processor(dialect)  # type: ignore[no-any-return]
