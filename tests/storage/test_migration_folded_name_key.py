"""The revision that folds `deal.name_key` recomputes the keys stored before it (lower-cased
names), so that deals made before the upgrade are found as new ones are, on both backends;
and the downgrade puts the lower-cased keys back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from alembic import command
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from storage import migrate
from storage.database import Database
from storage.deal_store import DealStore
from storage.history_store import DEAL
from storage.name_keys import name_key

BEFORE = "6c2f8e0d4a17"  # the revision before the folded keys
T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
NAMES = {1: "Müşteri Görüşmesi", 2: "İSTANBUL Lojistik", 3: "Crème Brûlée", 4: "Acme Corp"}


def deal(deal_id: int, name: str) -> dict[str, Any]:
    return {
        "id": deal_id,
        "team_id": "T1",
        "name": name,
        "name_key": name.lower(),  # as every writer stored it before this revision
        "currency": "USD",
        "owner_id": "UREP",
        "created_by": "UREP",
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


async def _keys(db: Database) -> dict[int, str]:
    async with db.engine.connect() as connection:
        return dict((await connection.execute(select(DEAL.c.id, DEAL.c.name_key))).all())


async def test_the_upgrade_folds_the_keys_of_deals_stored_before_it(
    empty_database: Database,
) -> None:
    db = empty_database
    await migrate.upgrade(db, BEFORE)
    async with db.write_engine.begin() as connection:
        await connection.execute(insert(DEAL), [deal(i, name) for i, name in NAMES.items()])
    # the old keys (read raw: the deal model has columns later revisions add)
    assert await _keys(db) == {i: name.lower() for i, name in NAMES.items()}

    await migrate.upgrade(db)

    assert await _keys(db) == {i: name_key(name) for i, name in NAMES.items()}
    assert (await _keys(db))[1] == "musteri gorusmesi"
    store = DealStore(db)
    for typed, deal_id in [("MÜŞTERİ", 1), ("mus", 1), ("istanbul", 2), ("creme b", 3)]:
        assert [d.id for d in (await store.by_name("T1", typed)).deals] == [deal_id], typed


async def test_the_downgrade_puts_the_lower_cased_keys_back(empty_database: Database) -> None:
    db = empty_database
    await migrate.upgrade(db)
    async with db.write_engine.begin() as connection:
        await connection.execute(
            insert(DEAL),
            [{**deal(i, name), "name_key": name_key(name)} for i, name in NAMES.items()],
        )

    def down(connection: Connection) -> None:
        command.downgrade(migrate.alembic_config(connection), BEFORE)

    async with db.write_engine.begin() as connection:
        await connection.run_sync(down)
    assert await _keys(db) == {i: name.lower() for i, name in NAMES.items()}
    assert await migrate.current_revision(db) == BEFORE
