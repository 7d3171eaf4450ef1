"""Portable SQL for time spans and rounding down, compiled per dialect.

SQLite keeps times as UTC text ('2026-01-05 09:00:00.000000', see storage.models), so a
span is `julianday(b) - julianday(a)`; PostgreSQL keeps `timestamptz`, so it is the epoch
seconds of `b - a`. Both give fractional days as a float. On PostgreSQL the seconds come
from `date_part`, a double: `EXTRACT` returns numeric since PostgreSQL 14, and numeric
arithmetic made the report queries' aggregates over every stay twice as slow.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

SECONDS_PER_DAY = 86400.0


class days_between(FunctionElement[float]):  # noqa: N801  (reads as the SQL function it is)
    """`days_between(start, end)`: fractional days from `start` to `end`."""

    type = Float()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(julianday({end}) - julianday({start}))"


@compiles(days_between, "postgresql")
def _days_postgresql(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(date_part('epoch', {end} - {start}) / {SECONDS_PER_DAY})"


class epoch_days(FunctionElement[float]):  # noqa: N801
    """A time as a number of days (fractional) since a fixed origin: differences of two are
    spans in days, and one conversion per row is cheaper than one per pair."""

    type = Float()
    inherit_cache = True
    name = "epoch_days"


@compiles(epoch_days, "sqlite")
def _epoch_days_sqlite(element: epoch_days, compiler: SQLCompiler, **kw: Any) -> str:
    return f"julianday({compiler.process(element.clauses, **kw)})"


@compiles(epoch_days, "postgresql")
def _epoch_days_postgresql(element: epoch_days, compiler: SQLCompiler, **kw: Any) -> str:
    seconds = f"date_part('epoch', {compiler.process(element.clauses, **kw)})"
    return f"({seconds} / {SECONDS_PER_DAY})"


class floor_int(FunctionElement[int]):  # noqa: N801
    """The integer part of a non-negative number (SQLite has FLOOR only in some builds)."""

    type = Integer()
    inherit_cache = True
    name = "floor_int"


@compiles(floor_int, "sqlite")
def _floor_sqlite(element: floor_int, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS INTEGER)"


@compiles(floor_int, "postgresql")
def _floor_postgresql(element: floor_int, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(FLOOR({compiler.process(element.clauses, **kw)}) AS INTEGER)"


def days(start: ColumnElement[Any], end: ColumnElement[Any]) -> days_between:
    return days_between(start, end)
