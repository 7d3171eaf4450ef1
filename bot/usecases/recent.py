"""Each user's most recently touched deal: what a command that names no deal is about.

Naming a deal makes it the default for the next command, so `/deal show #42`, the
read-only command reps send most, had to write. One write transaction per show cost more
than the show itself (about 1 ms on SQLite, its single write lock taken each time). So
the pointer is kept here first and written behind: every update that arrives while a
batch is being written goes into the next one, in one statement for all users.

This process answers from its own unwritten updates, so the next command sees the deal
at once; another replica sees it when the batch lands, milliseconds later (a user's two
commands racing on two replicas had no order anyway). Only this pointer is written
behind: every change to a deal is committed before its answer says so. A batch that
cannot be written (the database is away) stays pending, newer updates winning, and goes
with the next one.
"""

from __future__ import annotations

import asyncio
import logging

from storage import queries
from storage.database import Database

log = logging.getLogger(__name__)

ActorKey = tuple[str, str]  # (team id, user id)
Pointer = int | None


class RecentDeals:
    def __init__(self) -> None:
        self._pending: dict[ActorKey, Pointer] = {}
        self._writing: dict[ActorKey, Pointer] = {}  # the batch on its way to the database
        self._writer: asyncio.Task[None] | None = None

    def remember(self, db: Database, who: ActorKey, deal_id: Pointer) -> None:
        """Make `deal_id` `who`'s default deal; written behind, seen here at once."""
        self._pending[who] = deal_id
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all(db), name="recent deals")

    def known(self, who: ActorKey) -> tuple[bool, Pointer]:
        """(True, the deal) when this process holds an update the database may not have
        yet; (False, None) when the database's value is the latest."""
        for source in (self._pending, self._writing):
            if who in source:
                return True, source[who]
        return False, None

    async def flush(self, db: Database) -> None:
        """Write whatever is pending now (at shutdown, and for tests that read the table)."""
        if self._writer is not None:
            await asyncio.shield(self._writer)
        await self._write_all(db)

    async def _write_all(self, db: Database) -> None:
        while self._pending:
            self._writing, self._pending = self._pending, {}
            try:
                async with db.write() as session:
                    await queries.set_last_deals(session, self._writing)
            except Exception as error:  # the pointer is a convenience: keep it for later
                log.warning("could not store %d default deals: %r", len(self._writing), error)
                self._pending = {**self._writing, **self._pending}
                return
            finally:
                self._writing = {}
