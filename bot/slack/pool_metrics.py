"""The database's connection pools as metrics: connections in use and checkouts that
waited, per pool (bot.slack.metrics; docs/operations.md).

`storage.database.Database` keeps a pool for reads and one for writes, and on SQLite a
third for the quick reads that run on the event loop's thread. An in-memory SQLite
database has a single connection and no pool to watch (tests, the shell's scratch runs).
"""

from __future__ import annotations

import weakref

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.slack import metrics
from storage.database import Database
from storage.watched_pool import WatchedPool

_watched: weakref.WeakSet[Database] = weakref.WeakSet()


def watch_database(db: Database) -> None:
    """Keep the pool metrics of `db` current from now on (once per database)."""
    if db in _watched:
        return
    _watched.add(db)
    pools = {"read": db.engine, "write": db.write_engine}
    if db.quick_engine is not db.engine:
        pools["quick"] = db.quick_engine
    for name, engine in pools.items():
        _watch(name, engine)


def _watch(name: str, engine: AsyncEngine) -> None:
    pool = engine.sync_engine.pool
    if not isinstance(pool, WatchedPool):
        return  # SQLite in memory: one connection, no pool
    in_use = metrics.DB_POOL_IN_USE.labels(name)
    metrics.DB_POOL_CAPACITY.labels(name).set(pool.capacity())
    pool.on_wait = metrics.DB_POOL_WAIT_SECONDS.labels(name).observe

    # Counted up and down. A checkout that storage's own listener refuses (a dead
    # connection, storage.database) raises before this one runs, and is never checked in.
    event.listen(engine.sync_engine, "checkout", lambda *_args: in_use.inc())
    event.listen(engine.sync_engine, "checkin", lambda *_args: in_use.dec())
