"""Keeping the database to what is still needed: the scheduler runs this every tick."""

from __future__ import annotations

import datetime as dt
import logging

from bot.core.context import Services
from storage import queries, stale_claims
from storage.digest_models import DigestRun, Nudge

log = logging.getLogger(__name__)

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


async def end_abandoned_sends(services: Services) -> int:
    """Digests and nudges whose replica stopped mid-call: `unknown` once their lease is
    over, so none stays `sending` for good and none is sent twice; how many."""
    now = services.clock()
    ended = 0
    for model in (DigestRun, Nudge):
        async with services.db.write() as session:
            count = await stale_claims.end_abandoned_sends(session, model, now=now)
        if count:
            log.warning(
                "%d %s claim(s) abandoned mid-call: outcome unknown, not sent again",
                count,
                model.__tablename__,
            )
        ended += count
    return ended
