"""A database with history from before the all-time totals: revision 0025 leaves them
empty, reaching no deal, and the reports read the history; the backfill counts the
deals a batch at a time, can be stopped after any batch and resumed, while the app
keeps writing below and above its reach, and ends with totals equal to the history.
The revision's triggers are the ones a new database gets. Both backends."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from storage import migrate, rollup_backfill
from storage.database import Database
from storage.kpi_totals import totals_ready
from storage.rollup_models import ALL_DEALS
from storage.rollup_triggers import statements
from tests.storage.kpi_totals_support import (
    NewDeal,
    add_deals,
    add_events,
    assert_totals_agree,
    change_deal,
    forget_events,
)

BEFORE = "7d3e9a1c5b28"  # 0024_window_indexes, the revision before the totals
ROOT = Path(__file__).resolve().parents[2]
MOVES = (("advanced", "discovery"), ("ticked", None), ("advanced", "demo"), ("branched", "lost"))


def deals(count: int) -> list[NewDeal]:
    return [
        NewDeal(("T1", "T2")[n % 2], "default", ("UA", "UB")[n % 3 == 0], n % 7 == 6, MOVES)
        for n in range(count)
    ]


async def _reach(db: Database) -> int:
    return (await rollup_backfill.reach_of(db)).next_deal_id


async def _ready(db: Database) -> bool:
    async with db.read() as session:
        return await totals_ready(session)


async def test_an_upgraded_history_is_counted_in_resumable_batches(
    empty_database: Database,
) -> None:
    db = empty_database
    await migrate.upgrade(db, BEFORE)
    await add_deals(db, 1, deals(20))
    await migrate.upgrade(db)
    assert await _reach(db) == 0 and not await _ready(db)
    await assert_totals_agree(db)  # the reports read the history meanwhile

    reach = await rollup_backfill.backfill(db, batch=3, batches=2)  # stopped after two
    assert reach.next_deal_id == 6 and not reach.done and not await _ready(db)
    # the app goes on writing: a deal counted, one not yet, a new one, a change of hands
    await add_events(db, 2, NewDeal("T2", "default", "UA", False, MOVES))
    await add_events(db, 15, NewDeal("T1", "default", "UA", False, MOVES))
    await add_deals(db, 21, deals(2))
    await change_deal(db, 4, owner_id="UC")
    await change_deal(db, 12, owner_id="UC")
    await forget_events(db, 5)
    await forget_events(db, 13)

    seen: list[tuple[int, int]] = []
    reach = await rollup_backfill.backfill(db, batch=3, progress=lambda *n: seen.append(n))
    assert reach.done and await _ready(db)
    assert seen[0] == (8, 22) and seen[-1] == (22, 22)  # deals 1-8 of 22 counted, …, all
    await assert_totals_agree(db)
    await add_deals(db, 23, deals(3))  # and the triggers keep them from then on
    await assert_totals_agree(db)
    assert (await rollup_backfill.backfill(db)).done  # nothing left: a second run is a no-op


async def test_two_backfills_at_once_count_each_deal_once(empty_database: Database) -> None:
    """Two operators (or replicas) run it together: they take turns batch by batch."""
    db = empty_database
    await migrate.upgrade(db, BEFORE)
    await add_deals(db, 1, deals(30))
    await migrate.upgrade(db)
    other = Database(db.url.render_as_string(hide_password=False), schema=db.schema)
    try:
        ends = await asyncio.gather(
            rollup_backfill.backfill(db, batch=2), rollup_backfill.backfill(other, batch=3)
        )
    finally:
        await other.dispose()
    assert all(end.done for end in ends)
    await assert_totals_agree(db)


async def test_an_empty_database_needs_no_backfill(empty_database: Database) -> None:
    await migrate.upgrade(empty_database)
    assert await _reach(empty_database) == ALL_DEALS and await _ready(empty_database)


async def _triggers(db: Database) -> list[str]:
    query = (
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
        if db.is_sqlite
        else "SELECT pg_get_triggerdef(t.oid) || ' ' || coalesce(p.prosrc, '') "
        "FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
        # the tables of this connection's schema (on its search path: named unqualified)
        "WHERE NOT t.tgisinternal AND t.tgrelid::regclass::text IN ('deal', 'deal_event', 'kpi_stay_item', 'kpi_response_item') ORDER BY t.tgname"
    )
    async with db.write_engine.connect() as connection:
        found = [" ".join(row[0].split()) for row in await connection.execute(text(query))]
    # PostgreSQL's definitions name the schema (each test has its own)
    return [row.replace(f"{db.schema}.", "") for row in found] if db.schema else found


async def test_the_revision_installs_the_triggers_a_new_database_gets(
    empty_database: Database, database: Database
) -> None:
    if empty_database.is_sqlite != database.is_sqlite:
        pytest.skip("each backend is compared with itself")
    await migrate.upgrade(empty_database)
    migrated, created = await _triggers(empty_database), await _triggers(database)
    assert migrated == created and len(migrated) == (15 if database.is_sqlite else 9)
    dialect = "sqlite" if database.is_sqlite else "postgresql"
    assert len(statements(dialect)) == (16 if database.is_sqlite else 25)


def test_db_backfill_resumes_from_the_command_line(tmp_path: Path) -> None:
    """`stagecoach db upgrade` counts the totals with progress; on a database at head
    whose totals are behind, `stagecoach db backfill` finishes them; `db current` says
    when they are behind."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}

    def stagecoach(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", "import bot.cli; bot.cli.run()", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, check=False)

    async def prepare() -> None:
        db = Database(url)
        await migrate.upgrade(db, BEFORE)
        await add_deals(db, 1, deals(12))
        await migrate.upgrade(db)
        await rollup_backfill.backfill(db, batch=5, batches=1)  # an interrupted run
        await db.dispose()

    asyncio.run(prepare())
    current = stagecoach("db", "current")
    assert "stagecoach db backfill" in current.stdout
    done = stagecoach("db", "backfill")
    assert done.returncode == 0, done.stderr
    assert "12/12" in done.stderr and "hold every deal" in done.stdout
    again = stagecoach("db", "backfill")
    assert again.returncode == 0 and "hold every deal" in again.stdout
