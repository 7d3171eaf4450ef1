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
behind: every change to a deal is committed before its answer says so, and its pointer
is remembered only then. A batch that cannot be written because the database is away
stays pending (newer updates winning) and is tried again after a pause; one the database
refuses is dropped with a log line, so it cannot hold back everyone else's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.database import Database, unreachable
from storage.models import Person
from storage.statements import dialect_insert, one_or_many

log = logging.getLogger(__name__)

BATCH_WINDOW_S = 0.05  # long enough to gather a busy moment's shows, short for a replica
RETRY_S = (0.5, 1.0, 2.0, 5.0, 10.0)  # pauses after failed writes while the database is away
UserKey = tuple[str, str]  # (team id, user id)
Pointer = int | None


class LastDeals:
    """Each user's last deal, held here until written (see the module's doc)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._pending: dict[UserKey, Pointer] = {}
        self._in_flight: list[dict[UserKey, Pointer]] = []  # batches being written, oldest first
        self._one_writer = asyncio.Lock()  # batches are written one at a time, in order
        self._writer: asyncio.Task[None] | None = None
        self._hurry = asyncio.Event()  # set by flush: write now
        self._closed = False

    def remember(self, who: UserKey, deal_id: Pointer) -> None:
        """Make `deal_id` `who`'s default deal; written behind, seen here at once. Nothing
        to write when this process holds that very update already."""
        if self.known(who) == (True, deal_id):
            return
        self._pending[who] = deal_id
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._gather_and_write(), name="last deals")

    def known(self, who: UserKey) -> tuple[bool, Pointer]:
        """(True, the deal) when this process holds an update the database may not have
        yet; (False, None) when the database's value is the latest. Ask before reading the
        database: a batch landing in between leaves memory as it lands."""
        for source in (self._pending, *reversed(self._in_flight)):
            if who in source:
                return True, source[who]
        return False, None

    async def flush(self) -> None:
        """Write whatever is pending now (for tests that read the table); one try if the
        database is away. A batch the writer is writing is waited for (batches are written
        one at a time), and the writer is hurried along."""
        self._hurry.set()
        try:
            while self._pending and await self._write_batch():
                pass
            if self._in_flight:  # taken by the writer before anything was pending here
                async with self._one_writer:
                    pass
        finally:
            self._hurry.clear()

    async def close(self) -> None:
        """Write what is held, then let the writer end (at shutdown). It is never
        cancelled: a write cancelled halfway would leave its connection inside a
        transaction."""
        self._closed = True
        await self.flush()
        if self._writer is not None and not self._writer.done():
            self._hurry.set()
            await self._writer

    async def _gather_and_write(self) -> None:
        failures = 0
        while self._pending and not self._closed:
            if failures:  # the database is away: wait it out (a flush may still try)
                await asyncio.sleep(RETRY_S[min(failures, len(RETRY_S)) - 1])
            else:
                with contextlib.suppress(TimeoutError):  # gather for a moment unless hurried
                    await asyncio.wait_for(self._hurry.wait(), BATCH_WINDOW_S)
            failures = 0 if await self._write_batch() else failures + 1

    async def _write_batch(self) -> bool:
        """Write what is pending as one batch; False if the database was away (the batch
        stays pending, newer updates winning). A batch it refuses is dropped."""
        async with self._one_writer:
            batch, self._pending = self._pending, {}
            if not batch:
                return True
            self._in_flight.append(batch)
            try:
                async with self._db.write() as session:
                    await set_last_deals(session, batch)
            except Exception as error:
                if not unreachable(error):
                    log.error(
                        "dropped %d default deals the database refused: %r", len(batch), error
                    )
                    return True
                log.warning("could not store %d default deals yet: %r", len(batch), error)
                self._pending = {**batch, **self._pending}
                return False
            finally:
                self._in_flight.remove(batch)
            return True


async def set_last_deals(session: AsyncSession, last_deals: Mapping[UserKey, Pointer]) -> None:
    """Store each (team id, user id)'s most recently touched deal, creating people as
    needed, in one statement run for every row (executemany). A multi-row VALUES statement
    was compiled anew for every batch size. Rows go in key order, so two replicas' batches
    lock rows in the same order and cannot deadlock."""
    rows: list[dict[str, object]] = [
        {"team_id": team_id, "user_id": user_id, "last_deal_id": deal_id}
        for (team_id, user_id), deal_id in sorted(last_deals.items())
    ]
    if rows:
        connection = await session.connection()
        await connection.execute(_set_last_deal(session), one_or_many(rows))


_SET_LAST_DEAL: dict[str, Any] = {}  # by dialect name


def _set_last_deal(session: AsyncSession) -> Any:
    dialect = session.get_bind().dialect.name
    statement = _SET_LAST_DEAL.get(dialect)
    if statement is None:
        insert = dialect_insert(session)(Person)
        statement = _SET_LAST_DEAL[dialect] = insert.on_conflict_do_update(
            index_elements=["team_id", "user_id"],
            set_={"last_deal_id": insert.excluded.last_deal_id},
        )
    return statement
