"""The revision that adds `deal_event.stay_started_at` fills it for the history recorded
before it, as the KPI definitions have it (the time of the deal's entry before, in (`at`,
`id`) order; only on the entries that end a stay), on both backends; and it goes back
down."""

from __future__ import annotations

import datetime as dt
from typing import Any

from alembic import command
from sqlalchemy import insert, inspect, select
from sqlalchemy.engine import Connection

from storage import migrate
from storage.database import Database
from storage.history_store import DEAL, EVENT

BEFORE = "5c1e0a9d7b24"  # the revision before the stay starts
T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
DAY, HOUR = dt.timedelta(days=1), dt.timedelta(hours=1)


def deal(deal_id: int) -> dict[str, Any]:
    return {
        "id": deal_id,
        "team_id": "T1",
        "name": f"Deal {deal_id}",
        "name_key": f"deal {deal_id}",
        "currency": "USD",
        "owner_id": "UREP",
        "created_by": "UREP",
        "map_id": "default",
        "map_version": 1,
        "stage": "demo",
        "status": "open",
        "version": 1,
        "is_practice": False,
        "created_at": T0,
        "updated_at": T0,
        "stage_entered_at": T0,
        "last_activity_at": T0,
    }


def event(
    event_id: int, deal_id: int, kind: str, at: dt.datetime, source: str | None, dest: str | None
) -> dict[str, Any]:
    return {
        "id": event_id,
        "team_id": "T1",
        "deal_id": deal_id,
        "map_id": "default",
        "kind": kind,
        "actor_id": "UREP",
        "at": at,
        "from_stage": source,
        "to_stage": dest,
    }


# (id, deal, kind, at, from, to) → the stay start the revision must give it. The two deals'
# events interleave by id; deal 2 moves in the instant it was created (ids break the tie)
# and has an entry recorded after a later one (time order, not id order, decides).
HISTORY = [
    ((1, 1, "created", T0, None, "qualify"), None),
    ((2, 2, "created", T0 + DAY, None, "qualify"), None),
    ((3, 1, "ticked", T0 + HOUR, "qualify", None), None),
    ((4, 2, "advanced", T0 + DAY, "qualify", "discovery"), T0 + DAY),
    ((5, 1, "advanced", T0 + 2 * DAY, "qualify", "discovery"), T0),
    ((6, 1, "objection", T0 + 3 * DAY, "discovery", None), None),
    ((7, 2, "advanced", T0 + 6 * DAY, "demo", "proposal"), T0 + 4 * DAY),
    ((8, 2, "overridden", T0 + 4 * DAY, "discovery", "demo"), T0 + DAY),
    ((9, 1, "branched", T0 + 5 * DAY, "discovery", "lost"), T0 + 2 * DAY),
    ((10, 1, "reopened", T0 + 9 * DAY, "lost", "demo"), T0 + 5 * DAY),
]


async def test_the_upgrade_fills_the_stay_starts_of_recorded_history(
    empty_database: Database,
) -> None:
    db = empty_database
    await migrate.upgrade(db, BEFORE)
    async with db.write_engine.begin() as connection:
        await connection.execute(insert(DEAL), [deal(1), deal(2)])
        await connection.execute(insert(EVENT), [event(*row) for row, _ in HISTORY])

    await migrate.upgrade(db)

    async with db.engine.connect() as connection:
        found = (await connection.execute(select(EVENT.c.id, EVENT.c.stay_started_at))).all()
    assert dict(found) == {row[0]: started for row, started in HISTORY}


async def test_the_downgrade_drops_the_column(empty_database: Database) -> None:
    db = empty_database
    await migrate.upgrade(db)

    def down_and_look(connection: Connection) -> set[str]:
        command.downgrade(migrate.alembic_config(connection), BEFORE)
        return {column["name"] for column in inspect(connection).get_columns("deal_event")}

    async with db.write_engine.begin() as connection:
        columns = await connection.run_sync(down_and_look)
    assert "stay_started_at" not in columns and "from_stage" in columns
    assert await migrate.current_revision(db) == BEFORE
