"""Running statements: what the query modules (storage.deal_queries, storage.deal_writes,
storage.queries, storage.last_deals, storage.onboarding) share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel.ext.asyncio.session import AsyncSession


async def rows(session: AsyncSession, statement: Any, params: dict[str, Any]) -> Sequence[Any]:
    """The rows of a prepared Core statement, run on the session's connection (no ORM)."""
    connection = await session.connection()
    return (await connection.execute(statement, params)).all()


def one_or_many(values: list[dict[str, object]]) -> list[dict[str, object]] | dict[str, object]:
    """A single row as plain parameters: an executemany costs asyncpg a pipeline of its
    own, and one row (a click's tick, a move's entry) is the usual case."""
    return values[0] if len(values) == 1 else values


def plain(value: object) -> object:
    """An enum's value, anything else as it is (a Core statement's parameter)."""
    return value.value if isinstance(value, Enum) else value


def dialect_insert(session: AsyncSession) -> Callable[..., Any]:
    """The INSERT of the session's dialect: both have ON CONFLICT DO NOTHING / UPDATE."""
    if session.get_bind().dialect.name == "postgresql":
        return pg_insert
    return sqlite_insert


def is_sqlite(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "sqlite"
