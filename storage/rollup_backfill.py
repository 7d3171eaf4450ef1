"""Filling the all-time totals (storage.rollup_models) for the history a database held
before they existed: a batch of deals at a time, each batch one transaction that adds
its deals' share and moves the totals' reach past them (docs/kpis.md, "All time: running
totals").

Resumable by construction: the reach (`kpi_rollup_state.next_deal_id`) is the only
progress there is, and it moves in the same transaction as the shares it covers, so a
backfill killed at any point left every deal either wholly counted or not at all, and the
next run starts from the reach. Until the reach passes the last deal the reports read the
history (storage.kpi_totals.totals_ready), so the numbers are right all along.

Online: the app keeps writing while it runs. The triggers count an event only if its
deal is below the reach, so each event is counted once, by the trigger or by the batch
that covers its deal, provided no write lands between the two. On PostgreSQL each batch
therefore locks the deal and event tables against writes (SHARE mode: reads go on), which
waits for the writes in flight and holds new ones for the batch (a fraction of a
second); it gives up after LOCK_WAIT rather than risk a deadlock with a writer, and tries
again. Two backfills at once take turns on the reach's row. SQLite has one writer at a
time anyway.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.database import Database
from storage.rollup_models import ALL_DEALS, MATRIX
from storage.rollup_responses import batch_responses
from storage.rollup_triggers import (
    batch_items,
    counted_columns,
    counted_condition,
    counted_key,
    creation_condition,
    stay_condition,
)

BATCH = 5_000  # deals per transaction: about 60,000 events, a fraction of a second
LOCK_WAIT = "500ms"  # under PostgreSQL's deadlock_timeout (1 s): the backfill yields first
RETRY_PAUSE = 0.2  # seconds before a batch that could not lock tries again

Progress = Callable[[int, int], None]  # (deals done, deals in all)

_MOVES = f"""
INSERT INTO kpi_move_total (team_id, map_id, owner_id, from_stage, to_stage, moves, migrated)
SELECT d.team_id, d.map_id, d.owner_id, e.from_stage, e.to_stage, count(*),
       sum(CASE WHEN e.kind = 'migrated' THEN 1 ELSE 0 END)
FROM deal AS d JOIN deal_event AS e ON e.deal_id = d.id
WHERE d.id >= CAST(:low AS BIGINT) AND d.id < CAST(:high AS BIGINT) AND NOT d.is_practice
  AND {stay_condition("e")}
GROUP BY d.team_id, d.map_id, d.owner_id, e.from_stage, e.to_stage
ORDER BY d.team_id, d.map_id, d.owner_id, e.from_stage, e.to_stage
ON CONFLICT (team_id, map_id, owner_id, from_stage, to_stage) DO UPDATE
SET moves = kpi_move_total.moves + excluded.moves,
    migrated = kpi_move_total.migrated + excluded.migrated
"""
_CREATED = f"""
INSERT INTO kpi_created_total (team_id, map_id, owner_id, stage, created)
SELECT d.team_id, d.map_id, d.owner_id, e.to_stage, count(*)
FROM deal AS d JOIN deal_event AS e ON e.deal_id = d.id
WHERE d.id >= CAST(:low AS BIGINT) AND d.id < CAST(:high AS BIGINT) AND NOT d.is_practice
  AND {creation_condition("e")}
GROUP BY d.team_id, d.map_id, d.owner_id, e.to_stage
ORDER BY d.team_id, d.map_id, d.owner_id, e.to_stage
ON CONFLICT (team_id, map_id, owner_id, stage) DO UPDATE
SET created = kpi_created_total.created + excluded.created
"""


def _counted(dialect: str) -> str:
    """The counted events' totals, classified as the triggers classify them."""
    columns = counted_columns("e")
    return f"""
INSERT INTO kpi_counted_total (team_id, map_id, owner_id, what, stage, key, n)
SELECT d.team_id, d.map_id, d.owner_id, {columns}, count(*)
FROM deal AS d JOIN deal_event AS e ON e.deal_id = d.id
WHERE d.id >= CAST(:low AS BIGINT) AND d.id < CAST(:high AS BIGINT) AND NOT d.is_practice
  AND {counted_condition("e")}
GROUP BY d.team_id, d.map_id, d.owner_id, {columns}
ON CONFLICT {counted_key(dialect)} DO UPDATE SET n = kpi_counted_total.n + excluded.n
"""


_REACH = "SELECT next_deal_id FROM kpi_rollup_state WHERE name = :name"
_MOVE_REACH = text("UPDATE kpi_rollup_state SET next_deal_id = :high WHERE name = :name")


@dataclass(frozen=True, slots=True)
class Reach:
    next_deal_id: int  # every deal below it is counted
    last_deal_id: int  # the newest deal when it was read (0: none)

    @property
    def done(self) -> bool:
        return self.next_deal_id >= ALL_DEALS


async def backfill(
    db: Database,
    *,
    batch: int = BATCH,
    progress: Progress | None = None,
    batches: int | None = None,
) -> Reach:
    """Fill the totals from where they reach, `batch` deals per transaction, until they
    hold every deal (or after `batches` batches: a test's interruption)."""
    reach = await reach_of(db)
    done = 0
    while not reach.done and (batches is None or done < batches):
        reach = await _one_batch(db, batch)
        done += 1
        if progress is not None:
            last = max(reach.last_deal_id, 1)
            progress(last if reach.done else min(reach.next_deal_id - 1, last), last)
    return reach


async def reach_of(db: Database) -> Reach:
    async with db.write_engine.connect() as connection:
        return await _reach(connection)


async def _reach(connection: AsyncConnection, *, lock: bool = False) -> Reach:
    """Where the totals reach; `lock` (PostgreSQL) holds the reach's row to the end of the
    transaction, so that two backfills at once (two operators, two replicas) take turns
    instead of both counting the same batch."""
    statement = text(_REACH + (" FOR UPDATE" if lock else ""))
    found = (await connection.execute(statement, {"name": MATRIX})).first()
    last = (await connection.execute(text("SELECT max(id) FROM deal"))).scalar()
    return Reach(int(found[0]) if found else ALL_DEALS, int(last or 0))


async def _one_batch(db: Database, batch: int) -> Reach:
    while True:
        try:
            async with db.write_engine.begin() as connection:
                if not db.is_sqlite:
                    await _hold_writes(connection)
                return await _fill(connection, batch, lock=not db.is_sqlite)
        except DBAPIError as exc:
            if db.is_sqlite or not _lock_timed_out(exc):
                raise
            await asyncio.sleep(RETRY_PAUSE)


async def _hold_writes(connection: AsyncConnection) -> None:
    await connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
    await connection.exec_driver_sql("LOCK TABLE deal, deal_event IN SHARE MODE")


def _lock_timed_out(error: DBAPIError) -> bool:
    return "lock timeout" in str(error.orig).lower()


async def _fill(connection: AsyncConnection, batch: int, *, lock: bool) -> Reach:
    """Count the deals from the reach on (a batch, or every one left) and move the reach
    past them, in the caller's transaction."""
    reach = await _reach(connection, lock=lock)
    if reach.done:
        return reach
    low = reach.next_deal_id
    high = low + batch if low + batch <= reach.last_deal_id else ALL_DEALS
    dialect = connection.dialect.name
    batches = (_MOVES, _CREATED, _counted(dialect), batch_items(dialect), batch_responses(dialect))
    for statement in batches:
        await connection.execute(text(statement), {"low": low, "high": high})
    await connection.execute(_MOVE_REACH, {"high": high, "name": MATRIX})
    return Reach(high, reach.last_deal_id)
