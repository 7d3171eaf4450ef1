"""Every row of every table, to prove a request changed nothing (or only what it should)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, inspect, select
from sqlmodel import SQLModel

from storage.database import Database

Row = dict[str, Any]
Snapshot = dict[str, list[Row]]


_TABLES: dict[tuple[str, str | None], list[Table]] = {}  # per database: its tables don't change


async def snapshot(db: Database) -> Snapshot:
    """{table name: rows in primary-key order} for each model table the database has."""
    async with db.engine.connect() as connection:
        key = (str(db.url), db.schema)
        if key not in _TABLES:
            present = set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
            _TABLES[key] = [t for t in SQLModel.metadata.sorted_tables if t.name in present]
        found: Snapshot = {}
        for table in _TABLES[key]:
            query = select(table).order_by(*table.primary_key.columns)
            result = await connection.execute(query)
            found[table.name] = [dict(row._mapping) for row in result.all()]
        return found


def changed_tables(before: Snapshot, after: Snapshot) -> dict[str, tuple[int, int]]:
    """Tables whose rows differ: {name: (rows before, rows after)}."""
    return {
        name: (len(before.get(name, [])), len(rows))
        for name, rows in after.items()
        if rows != before.get(name, [])
    }


def rows(state: Snapshot, table: str, **equal: Any) -> list[Row]:
    """The rows of `table` whose columns equal the given values."""
    return [row for row in state.get(table, []) if all(row[k] == v for k, v in equal.items())]
