"""The revision that gives map feedback its own table moves the feedback stored before it
(deal events of kind `feedback`) into it, numbered per workspace in the order it was
given, and leaves every other event where it was; the downgrade puts it back as events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from alembic import command
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from storage import migrate
from storage.database import Database
from storage.feedback_models import MapFeedback
from storage.models import DealEvent

BEFORE = "7d3a9b2e5f61"  # the revision before map_feedback
T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
EVENTS = DealEvent.__table__  # type: ignore[attr-defined]
FEEDBACK = MapFeedback.__table__  # type: ignore[attr-defined]


def event(n: int, team: str, kind: str = "feedback", text: str | None = None) -> dict[str, Any]:
    return {  # no id: PostgreSQL's sequence gives them, in this order
        "team_id": team,
        "deal_id": None,
        "map_id": "default",
        "kind": kind,
        "actor_id": f"U{n}",
        "at": T0 + dt.timedelta(hours=n),
        "reason": text if text is not None else f"idea {n}",
        "value": "2" if kind == "feedback" else None,
    }


OLD = [event(1, "T1"), event(2, "T2"), event(3, "T1", "objection"), event(4, "T1"), event(5, "T2")]


async def _rows(db: Database, table: Any, *columns: str) -> list[tuple[Any, ...]]:
    async with db.engine.connect() as connection:
        query = select(*(table.c[name] for name in columns)).order_by(*(table.c[columns[0]],))
        return [tuple(row) for row in (await connection.execute(query)).all()]


async def test_the_upgrade_moves_old_feedback_into_its_table(empty_database: Database) -> None:
    db = empty_database
    await migrate.upgrade(db, BEFORE)
    async with db.write_engine.begin() as connection:
        await connection.execute(insert(EVENTS), OLD)

    await migrate.upgrade(db)

    moved = await _rows(db, FEEDBACK, "text", "team_id", "number", "author_id", "map_version")
    assert moved == [
        ("idea 1", "T1", 1, "U1", 2),
        ("idea 2", "T2", 1, "U2", 2),
        ("idea 4", "T1", 2, "U4", 2),
        ("idea 5", "T2", 2, "U5", 2),
    ]
    given = await _rows(db, FEEDBACK, "text", "given_at", "done_at", "stage_id")
    assert [(at, done, stage) for _t, at, done, stage in given] == [
        (T0 + dt.timedelta(hours=n), None, None) for n in (1, 2, 4, 5)
    ]
    assert await _rows(db, EVENTS, "reason", "kind") == [("idea 3", "objection")]  # it stays


async def test_the_downgrade_puts_feedback_back_as_events(empty_database: Database) -> None:
    db = empty_database
    await migrate.upgrade(db, BEFORE)
    async with db.write_engine.begin() as connection:
        await connection.execute(insert(EVENTS), OLD)
    await migrate.upgrade(db)

    def down(connection: Connection) -> None:
        command.downgrade(migrate.alembic_config(connection), BEFORE)

    async with db.write_engine.begin() as connection:
        await connection.run_sync(down)
    back = await _rows(db, EVENTS, "reason", "kind", "team_id", "actor_id", "value", "at")
    assert sorted(back) == sorted(
        (e["reason"], e["kind"], e["team_id"], e["actor_id"], e["value"], e["at"]) for e in OLD
    )
    assert await migrate.current_revision(db) == BEFORE
