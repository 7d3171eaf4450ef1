"""The revision that adds `deal_event.stay_days` fills it for the history recorded before
it: on every entry that ends a stay, the days from `stay_started_at` to `at`; nothing on
the other events; across several batches of ids; and a second fill changes nothing. It
goes back down. Both backends."""

from __future__ import annotations

import datetime as dt
import importlib
import random
from typing import Any

import pytest
from alembic import command
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, inspect, select
from sqlalchemy.engine import Connection

from storage import migrate
from storage.database import Database
from storage.history_store import DEAL, EVENT
from tests.storage.test_migration_stay_starts import deal, event

BEFORE = "5e8c1f0a7b24"  # the revision before the stay lengths (map_feedback)
REVISION = importlib.import_module("storage.migrations.versions.0016_stay_days")
T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


def history(rng: random.Random, deals: int) -> list[dict[str, Any]]:
    """Each deal: created, then moves at random times (some the same instant), each
    ending the stay the move before began; ticks in between end none."""
    rows: list[dict[str, Any]] = []
    for deal_id in range(1, deals + 1):
        at = T0 + dt.timedelta(hours=rng.uniform(0, 1000))
        rows.append({**event(0, deal_id, "created", at, None, "qualify"), "stay_started_at": None})
        entered = at
        for stage in ("discovery", "demo", "lost"):
            at += dt.timedelta(seconds=rng.choice((0, 1, 3600, 86400 * rng.uniform(0, 30))))
            tick = {**event(0, deal_id, "ticked", at, stage, None), "stay_started_at": None}
            rows.append(tick)
            move = event(0, deal_id, "advanced", at, "qualify", stage)
            rows.append({**move, "stay_started_at": entered})
            entered = at
    for index, row in enumerate(rows, start=1):
        row["id"] = index
    return rows


def expected_days(row: dict[str, Any]) -> float | None:
    started = row["stay_started_at"]
    return None if started is None else (row["at"] - started).total_seconds() / 86400


async def test_the_upgrade_fills_every_stay_length_in_batches(
    empty_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = empty_database
    monkeypatch.setattr(REVISION, "BATCH", 7)  # many batches, ragged at the end
    await migrate.upgrade(db, BEFORE)
    rows = history(random.Random(5), deals=6)
    async with db.write_engine.begin() as connection:
        await connection.execute(insert(DEAL), [deal(n) for n in range(1, 7)])
        await connection.execute(insert(EVENT), rows)

    await migrate.upgrade(db)

    async with db.engine.connect() as connection:
        found = dict((await connection.execute(select(EVENT.c.id, EVENT.c.stay_days))).all())
    assert set(found) == {row["id"] for row in rows}
    for row in rows:
        wanted = expected_days(row)
        if wanted is None:
            assert found[row["id"]] is None, row
        else:  # SQLite's date functions keep milliseconds
            assert found[row["id"]] == pytest.approx(wanted, abs=1e-8), row


async def test_filling_again_changes_nothing(empty_database: Database) -> None:
    """An upgrade interrupted and run again fills only what is still empty."""
    db = empty_database
    await migrate.upgrade(db)
    rows = [{**row, "stay_days": None} for row in history(random.Random(9), deals=3)]
    rows[2]["stay_days"] = 99.0  # already filled: left as it is
    async with db.write_engine.begin() as connection:
        await connection.execute(insert(DEAL), [deal(n) for n in range(1, 4)])
        await connection.execute(insert(EVENT), rows)

    def fill(connection: Connection) -> None:
        with Operations.context(MigrationContext.configure(connection)):
            REVISION.fill_stay_days()
            REVISION.fill_stay_days()

    async with db.write_engine.begin() as connection:
        await connection.run_sync(fill)
        found = dict((await connection.execute(select(EVENT.c.id, EVENT.c.stay_days))).all())
    assert found[rows[2]["id"]] == 99.0
    for row in rows[3:]:
        wanted = expected_days(row)
        assert found[row["id"]] == (None if wanted is None else pytest.approx(wanted, abs=1e-8))


async def test_the_downgrade_drops_the_column_and_indexes(empty_database: Database) -> None:
    db = empty_database
    await migrate.upgrade(db)

    def down_and_look(connection: Connection) -> tuple[set[str], dict[str, list[str]]]:
        command.downgrade(migrate.alembic_config(connection), BEFORE)
        found = inspect(connection)
        columns = {column["name"] for column in found.get_columns("deal_event")}
        indexes = {
            index["name"]: list(index["column_names"])
            for table in ("deal", "deal_event")
            for index in found.get_indexes(table)
        }
        return columns, indexes

    async with db.write_engine.begin() as connection:
        columns, indexes = await connection.run_sync(down_and_look)
    assert "stay_days" not in columns and "stay_started_at" in columns
    assert "ix_deal_kpis" not in indexes
    assert indexes["ix_deal_event_deal"] == ["deal_id", "id"]
    assert "stay_days" not in indexes["ix_deal_event_stays"]
    assert await migrate.current_revision(db) == BEFORE
