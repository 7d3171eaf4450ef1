"""Keeping the database to what is still needed: the scheduler runs this every tick."""

from __future__ import annotations

import datetime as dt

from bot.core.context import Services
from storage import queries

# Slack retries an event it thinks was missed within the hour; a day leaves room for a
# replica that was down meanwhile.
EVENT_MEMORY = dt.timedelta(days=1)
FORGET_BATCH = 1_000  # rows a transaction: every write stays short (SQLite has one writer)


async def forget_old_events(services: Services) -> int:
    """Forget the Slack events handled more than EVENT_MEMORY ago (the table that keeps
    a retried event from being applied twice grew by one row an event, forever); how
    many were forgotten."""
    received_before = services.clock() - EVENT_MEMORY
    forgotten = 0
    while True:
        async with services.db.write() as session:
            batch = await queries.forget_events(
                session, received_before=received_before, limit=FORGET_BATCH
            )
        forgotten += batch
        if batch < FORGET_BATCH:
            return forgotten
