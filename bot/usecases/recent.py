"""Each user's most recently touched deal: what a command that names no deal is about.

Naming a deal makes it the default for the next command, so `/deal show #42`, the
read-only command reps send most, had to write. One write transaction per show cost more
than the show itself (about 1 ms on SQLite, its single write lock taken each time). So
the pointer is kept here first and written behind: updates gather for a moment
(BATCH_WINDOW_S) and go in one statement for all users; those arriving while a batch is
written go into the next.

This process answers from its own unwritten updates, so the next command sees the deal
at once; another replica sees it when the batch lands, milliseconds later (a user's two
commands racing on two replicas had no order anyway). Only this pointer is written
behind: every change to a deal is committed before its answer says so. A batch that
cannot be written (the database is away) stays pending, newer updates winning, and goes
with the next one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from storage import queries
from storage.database import Database

log = logging.getLogger(__name__)

BATCH_WINDOW_S = 0.05  # long enough to gather a busy moment's shows, short for a replica
ActorKey = tuple[str, str]  # (team id, user id)
Pointer = int | None


class RecentDeals:
    def __init__(self) -> None:
        self._pending: dict[ActorKey, Pointer] = {}
        self._writing: dict[ActorKey, Pointer] = {}  # the batch on its way to the database
        self._writer: asyncio.Task[None] | None = None
        self._hurry = asyncio.Event()  # set by flush: write now

    def remember(self, db: Database, who: ActorKey, deal_id: Pointer) -> None:
        """Make `deal_id` `who`'s default deal; written behind, seen here at once."""
        self._pending[who] = deal_id
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._gather_and_write(db), name="recent deals")

    def known(self, who: ActorKey) -> tuple[bool, Pointer]:
        """(True, the deal) when this process holds an update the database may not have
        yet; (False, None) when the database's value is the latest."""
        for source in (self._pending, self._writing):
            if who in source:
                return True, source[who]
        return False, None

    async def flush(self, db: Database) -> None:
        """Write whatever is pending now (at shutdown, and for tests that read the table).

        The writer is hurried, never cancelled: a write cancelled halfway would leave its
        connection inside a transaction (aiosqlite's thread finishes what it was given)."""
        self._hurry.set()
        try:
            if self._writer is not None and not self._writer.done():
                await asyncio.shield(self._writer)
            while self._pending and await self._write_batch(db):
                pass
        finally:
            self._hurry.clear()

    async def _gather_and_write(self, db: Database) -> None:
        while self._pending:
            with contextlib.suppress(TimeoutError):  # gather for a moment unless hurried
                await asyncio.wait_for(self._hurry.wait(), BATCH_WINDOW_S)
            if not await self._write_batch(db):
                return  # kept pending; the next update starts a writer again

    async def _write_batch(self, db: Database) -> bool:
        """Write what is pending as one batch; True if it was written. On failure it stays
        pending, newer updates winning."""
        self._writing, self._pending = self._pending, {}
        written = False
        try:
            async with db.write() as session:
                await queries.set_last_deals(session, self._writing)
            written = True
        except Exception as error:  # the pointer is a convenience: keep it for later
            log.warning("could not store %d default deals: %r", len(self._writing), error)
        finally:
            if not written:
                self._pending = {**self._writing, **self._pending}
            self._writing = {}
        return written
