"""What the all-time totals' triggers add to a write: the time of a move (one stay-ending
event and the deal's update, one transaction, as bot.deals.moving writes it) with the
triggers and without them, on an empty database of each backend (docs/kpis.md, "All
time: running totals").

    python bench/trigger_cost.py [--moves 2000] [--pg URL]

Not a test: prints microseconds per move, with and without, measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from sqlalchemy import insert, update  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import storage.tables  # noqa: E402,F401
from storage.database import Database  # noqa: E402
from storage.history_store import DEAL, EVENT  # noqa: E402

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
STAGES = ("qualify", "discovery", "demo", "proposal")
PG_DROP = (
    "DROP FUNCTION IF EXISTS kpi_matrix_events_changed() CASCADE",
    "DROP FUNCTION IF EXISTS kpi_matrix_deal_changed() CASCADE",
    "DROP FUNCTION IF EXISTS kpi_stays_events_changed() CASCADE",
    "DROP FUNCTION IF EXISTS kpi_stay_item_changed() CASCADE",
)


async def fresh(url: str, schema: str | None) -> Database:
    if schema:
        admin = Database(url)
        async with admin.engine.begin() as connection:
            await connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            await connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        await admin.dispose()
    db = Database(url, schema=schema)
    async with db.write_engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all)
    return db


async def drop_triggers(db: Database) -> None:
    async with db.write_engine.begin() as connection:
        if db.is_sqlite:
            rows = await connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            )
            for (name,) in rows.all():
                await connection.exec_driver_sql(f"DROP TRIGGER {name}")
        else:
            for statement in PG_DROP:
                await connection.exec_driver_sql(statement)


def deal(deal_id: int) -> dict[str, object]:
    return {
        "id": deal_id,
        "team_id": "T1",
        "name": f"D{deal_id}",
        "name_key": f"d{deal_id}",
        "currency": "USD",
        "owner_id": "UA",
        "created_by": "UA",
        "map_id": "default",
        "map_version": 1,
        "stage": "qualify",
        "status": "open",
        "version": 1,
        "is_practice": False,
        "created_at": T0,
        "updated_at": T0,
        "stage_entered_at": T0,
        "last_activity_at": T0,
    }


async def moves(db: Database, count: int, deals: int = 50) -> list[float]:
    """`count` moves, round-robin over `deals` deals, each its own transaction."""
    async with db.write_engine.begin() as connection:
        await connection.execute(insert(DEAL), [deal(n) for n in range(1, deals + 1)])
    took = []
    for n in range(count):
        deal_id, step = n % deals + 1, n // deals
        at = T0 + dt.timedelta(hours=step + 1)
        row = {
            "team_id": "T1",
            "deal_id": deal_id,
            "map_id": "default",
            "kind": "advanced",
            "actor_id": "UA",
            "at": at,
            "from_stage": STAGES[step % 4],
            "to_stage": STAGES[(step + 1) % 4],
            "stay_started_at": at - dt.timedelta(hours=1),
            "stay_days": 1 / 24,
        }
        started = time.perf_counter()
        async with db.write_engine.begin() as connection:
            await connection.execute(insert(EVENT), [row])
            await connection.execute(
                update(DEAL).where(DEAL.c.id == deal_id).values(stage=row["to_stage"])
            )
        took.append(time.perf_counter() - started)
    return took


async def backend(url: str, schema: str | None, count: int) -> None:
    for label in ("with triggers", "without"):
        db = await fresh(url.replace("{label}", label.split()[0]), schema)
        if label == "without":
            await drop_triggers(db)
        took = await moves(db, count)
        await db.dispose()
        print(
            f"{db.url.get_backend_name():<11} {label:<14} "
            f"median {statistics.median(took) * 1e6:7.0f} µs  "
            f"p90 {statistics.quantiles(took, n=10)[-1] * 1e6:7.0f} µs per move"
        )
    if schema:
        admin = Database(url)
        async with admin.engine.begin() as connection:
            await connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await admin.dispose()


async def run(args: argparse.Namespace) -> None:
    path = os.path.join(tempfile.mkdtemp(prefix="trigger_cost_"), "bench-{label}.db")
    await backend(f"sqlite:///{path}", None, args.moves)
    if args.pg:
        await backend(args.pg, "trigger_cost", args.moves)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=2000)
    parser.add_argument("--pg", metavar="URL", help="also PostgreSQL")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
