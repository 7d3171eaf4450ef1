"""The scheduler's scan for stuck and idle deals reads the open deals only: the same
deals as before, found through ix_deal_open_marks, not by walking every deal ever made
(storage.digest_queries; bench/scale_reads.py measures it on 1,000,000 deals)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import event, insert

from storage import digest_queries
from storage.database import Database
from storage.digest_queries import Threshold
from storage.history_store import DEAL

NOW = dt.datetime(2026, 6, 30, 12, 0, tzinfo=dt.UTC)
LONG_AGO = NOW - dt.timedelta(days=90)


def _deal(deal_id: int, status: str, *, version: int = 1, practice: bool = False) -> dict[str, Any]:
    return {
        "id": deal_id,
        "team_id": "T1",
        "name": f"Deal {deal_id}",
        "name_key": f"deal {deal_id}",
        "owner_id": "UREP",
        "created_by": "UREP",
        "map_id": "default",
        "map_version": version,
        "stage": "qualify",
        "status": status,
        "is_practice": practice,
        "created_at": LONG_AGO,
        "updated_at": LONG_AGO,
        "stage_entered_at": LONG_AGO,
        "last_activity_at": LONG_AGO,
    }


async def _seeded(database: Database) -> None:
    rows = [
        _deal(1, "open"),
        _deal(2, "won"),  # in the stage's column still, but closed: never nudged
        _deal(3, "lost"),
        _deal(4, "open", practice=True),
        _deal(5, "open", version=2),
        _deal(6, "nurture", version=3),  # no open deal follows version 3
    ]
    async with database.write_engine.begin() as connection:
        await connection.execute(insert(DEAL), rows)


LIMITS = [Threshold("default", v, "qualify", NOW - dt.timedelta(days=30)) for v in (1, 2, 3)]


async def test_the_scan_finds_the_open_real_deals_past_their_limit(database: Database) -> None:
    await _seeded(database)
    async with database.read() as session:
        versions = await digest_queries.open_map_versions(session)
        stuck = await digest_queries.crossed(session, kind="stuck", thresholds=LIMITS, limit=50)
        idle = await digest_queries.crossed(session, kind="idle", thresholds=LIMITS[:1], limit=50)
    assert sorted(versions) == [("default", 1), ("default", 2)]
    assert [deal.id for deal in stuck] == [1, 5]
    assert [deal.id for deal in idle] == [1]


async def test_the_scan_reads_the_index_of_open_deals(database: Database) -> None:
    await _seeded(database)
    # a history: most deals closed long ago, as on any database that has run a while
    closed = [_deal(n, "lost" if n % 2 else "won") for n in range(100, 2100)]
    async with database.write_engine.begin() as connection:
        await connection.execute(insert(DEAL), closed)
    async with database.write_engine.begin() as connection:
        await connection.exec_driver_sql("ANALYZE")
    ran: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, sql: str, params: Any, *_rest: Any) -> None:
        ran.append((sql, params))

    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    async with database.read() as session:
        await digest_queries.open_map_versions(session)
        await digest_queries.crossed(session, kind="stuck", thresholds=LIMITS, limit=50)
    event.remove(database.engine.sync_engine, "before_cursor_execute", record)
    assert len(ran) == 2
    for sql, params in ran:
        assert "ix_deal_open_marks" in await _plan(database, sql, params), sql


async def _plan(database: Database, sql: str, params: Any) -> str:
    async with database.engine.connect() as connection:
        if database.is_sqlite:
            found = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
        else:  # a few rows: PostgreSQL would rightly read the table; off, a missing index shows
            await connection.exec_driver_sql("SET enable_seqscan = off")
            found = await connection.exec_driver_sql(f"EXPLAIN {sql}", params)
        return " ".join(str(row[-1]) for row in found)
