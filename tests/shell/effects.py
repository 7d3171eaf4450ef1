"""What a database holds, without ids, times (and spans of them) and Slack's random event ids: two runs that
did the same things (one through the shell, one through Slack's HTTP path) compare equal.
Every table is read, so a feature that adds one is covered without touching this."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Column, DateTime, Table, select
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (registers every table)
from storage.database import Database

SKIPPED_TABLES = frozenset({"processed_event"})  # Slack's event ids differ run to run
# Lengths of wall time between two of a row's times, and what is made of them (the time
# in stage totals' days, first response's hours, their buckets and sums): they differ as
# the times do.
SPANS = frozenset(
    {
        "stay_days",
        "kpi_stay_item.cumulative",
        "kpi_stay_item.latest",
        "kpi_stay_item.cumulative_bucket",
        "kpi_stay_item.latest_bucket",
        "kpi_stay_bucket.bucket",
        "kpi_stay_bucket.total",
        "kpi_response_item.hours",
        "kpi_response_item.bucket",
        "kpi_response_bucket.bucket",
        "kpi_response_bucket.total",
    }
)
Effects = dict[str, list[tuple[Any, ...]]]
# What the stand-in makes up from its call counter (a channel conversations.create made, a
# message's ts): the shell makes a call or two more than the HTTP path before the same step.
STANDIN_MADE = re.compile(r"[CG]0SC\d{6}|\d{10}\.\d{6}")


async def effects(db: Database) -> Effects:
    found: Effects = {}
    async with db.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in SKIPPED_TABLES:
                continue
            columns = _compared(table)
            query = select(*columns)
            if "id" in table.c:  # rows in the order they were written: history is a sequence
                query = query.order_by(table.c.id)
            rows = [_masked(row) for row in (await connection.execute(query)).all()]
            found[table.name] = rows if "id" in table.c else sorted(rows, key=repr)
    return found


def _compared(table: Table) -> list[Column[Any]]:
    return [
        c
        for c in table.columns
        if c.name != "id"
        and c.name not in SPANS
        and f"{table.name}.{c.name}" not in SPANS
        and not _is_time(c)
    ]


def _is_time(column: Column[Any]) -> bool:
    kind = column.type
    impl = getattr(kind, "impl", kind)  # sqlmodel's UTCDateTime decorates a DateTime
    return isinstance(kind, DateTime) or isinstance(impl, DateTime) or impl is DateTime


def _masked(row: Any) -> tuple[Any, ...]:
    return tuple(
        "<made by Slack>" if isinstance(value, str) and STANDIN_MADE.fullmatch(value) else value
        for value in row
    )
