"""Seed a benchmark database with N deals of the default map, fast.

`stagecoach db upgrade` creates the schema (the same migrations production runs); then every
row goes in with bulk Core inserts, chunked, in one transaction per table. The data are
deterministic for a given seed: deals spread over the map's stages and 50 owners, some
exit items ticked, and the history events those facts imply (created, advanced, ticked,
branched). Deals fall into three pools the load driver draws from:

- `ready`: open deals with every required exit item done (a `/deal advance` moves them);
- `tickable`: other open deals whose stage has a checklist (a checkbox click changes ticks);
- every deal can be shown.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table, insert, text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from bot.core.deal_status import status_for
from flows.loader import load_map, resolve_map_path
from flows.schema import ProcessMap, Stage
from storage.models import Deal, DealEvent, EventKind, ExitTick, Person
from storage.name_keys import name_key
from storage.stay_lengths import with_stay_days
from storage.urls import async_url, is_sqlite

TEAM_ID = "T0BENCH001"
OWNERS = tuple(f"U0BENCH{i:03d}" for i in range(50))
CHUNK = 5_000  # rows per INSERT batch: big enough to be fast, small enough for parameter limits
NOW = dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class SeededDeal:
    deal_id: int
    owner_id: str
    stage: str
    items: tuple[str, ...]  # the stage's exit item ids, in card order


@dataclass(slots=True)
class Seeded:
    """What the load driver needs to know about the seeded data (no database reads)."""

    deals: int
    team_id: str = TEAM_ID
    owners: dict[int, str] = field(default_factory=dict)
    ready: list[SeededDeal] = field(default_factory=list)
    tickable: list[SeededDeal] = field(default_factory=list)
    events: int = 0
    ticks: int = 0


@dataclass(slots=True)
class Rows:
    deals: list[dict[str, Any]] = field(default_factory=list)
    ticks: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


def upgrade_schema(database_url: str) -> None:
    """The real migrations, through the CLI, as an operator would run them."""
    cli = Path(sys.executable).with_name("stagecoach")
    env = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run([str(cli), "db", "upgrade"], env=env, check=True, capture_output=True)


async def seed(database_url: str, *, deals: int, seed: int = 7) -> Seeded:
    process_map = load_map(resolve_map_path("default"))
    rows, seeded = build_rows(process_map, deals=deals, rng=random.Random(seed))
    engine = create_async_engine(async_url(database_url))
    try:
        async with engine.begin() as connection:
            await _insert(connection, Person.__table__, _people())  # type: ignore[attr-defined]
            await _insert(connection, Deal.__table__, rows.deals)  # type: ignore[attr-defined]
            await _insert(connection, ExitTick.__table__, rows.ticks)  # type: ignore[attr-defined]
            events = with_stay_days(rows.events)  # each stay's length, as storage writes it
            await _insert(connection, DealEvent.__table__, events)  # type: ignore[attr-defined]
            if not is_sqlite(engine.url):
                await _reset_sequences(connection)
        async with engine.connect() as connection:  # fresh statistics, as autovacuum would
            await connection.execute(text("ANALYZE"))
            await connection.commit()
    finally:
        await engine.dispose()
    return seeded


async def _insert(
    connection: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]
) -> None:
    for start in range(0, len(rows), CHUNK):
        await connection.execute(insert(table), list(rows[start : start + CHUNK]))


async def _reset_sequences(connection: AsyncConnection) -> None:
    # Ids were given explicitly; the app's own inserts must continue after them.
    for table in ("deal", "exit_tick", "deal_event", "person"):
        await connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {table}), 1))"
            )
        )


def _people() -> list[dict[str, Any]]:
    return [
        {"id": n, "team_id": TEAM_ID, "user_id": user, "role": "rep", "created_at": NOW}
        for n, user in enumerate(OWNERS, start=1)
    ]


def build_rows(process_map: ProcessMap, *, deals: int, rng: random.Random) -> tuple[Rows, Seeded]:
    rows, seeded = Rows(), Seeded(deals=deals)
    main = process_map.open_stages
    side = [stage for stage in process_map.stages if not stage.is_open]
    for deal_id in range(1, deals + 1):
        stage = _pick_stage(rng, main, side)
        owner = OWNERS[deal_id % len(OWNERS)]
        seeded.owners[deal_id] = owner
        deal = _deal_row(process_map, deal_id, owner, stage, rng)
        rows.deals.append(deal)
        rows.events.extend(_path_events(deal, main, stage))
        ticked = _ticks(rng, deal, stage)
        rows.ticks.extend(ticked)
        rows.events.extend(_tick_event(tick) for tick in ticked)
        _sort_into_pools(seeded, process_map, deal, stage, ticked)
    for event_id, event in enumerate(rows.events, start=1):
        event["id"] = event_id
    for tick_id, tick in enumerate(rows.ticks, start=1):
        tick["id"] = tick_id
    seeded.events, seeded.ticks = len(rows.events), len(rows.ticks)
    return rows, seeded


def _pick_stage(rng: random.Random, main: list[Stage], side: list[Stage]) -> Stage:
    # Most deals are open and early in the funnel; some are won or closed on a side stage.
    if side and rng.random() < 0.15:
        return rng.choice(side)
    weights = [len(main) - index for index in range(len(main))]
    return rng.choices(main, weights=weights)[0]


def _deal_row(
    process_map: ProcessMap, deal_id: int, owner: str, stage: Stage, rng: random.Random
) -> dict[str, Any]:
    created = NOW - dt.timedelta(days=rng.uniform(5, 400))
    entered = created + (NOW - created) * rng.uniform(0.2, 0.95)
    name = f"Bench Account {deal_id:06d}"
    return {
        "id": deal_id,
        "team_id": TEAM_ID,
        "name": name,
        "name_key": name_key(name),
        "company": f"Company {deal_id % 997}",
        "amount": float(rng.randrange(5, 500) * 1000),
        "currency": process_map.currency,
        "owner_id": owner,
        "created_by": owner,
        "map_id": process_map.id,
        "map_version": process_map.version,
        "stage": stage.id,
        "status": str(status_for(process_map, stage)),
        "version": 1,
        "channel_id": None,
        "nurture_until": None,
        "is_practice": False,
        "created_at": created,
        "updated_at": entered,
        "stage_entered_at": entered,
        "last_activity_at": entered + (NOW - entered) * rng.uniform(0, 1),
    }


def _event(deal: dict[str, Any], kind: EventKind, at: dt.datetime, **fields: Any) -> dict[str, Any]:
    base = {"from_stage": None, "to_stage": None, "item_id": None, "action": None}
    base.update({"reason": None, "value": None, "stay_started_at": None})
    return {
        **base,
        "team_id": TEAM_ID,
        "deal_id": deal["id"],
        "map_id": deal["map_id"],
        "kind": str(kind),
        "actor_id": deal["owner_id"],
        "at": at,
        **fields,
    }


def _path_events(deal: dict[str, Any], main: list[Stage], stage: Stage) -> Iterator[dict[str, Any]]:
    """Created, then one `advanced` per main stage passed (or a branch to a side stage)."""
    yield _event(deal, EventKind.CREATED, deal["created_at"], to_stage=main[0].id)
    ids = [s.id for s in main]
    passed = ids[: ids.index(stage.id)] if stage.id in ids else ids[:2]
    path = [*passed, stage.id]
    entered = deal["created_at"]  # each move ends the stay begun by the entry before it
    for before, after in zip(path, path[1:], strict=False):
        kind = EventKind.ADVANCED if stage.is_open or after != stage.id else EventKind.BRANCHED
        at = deal["stage_entered_at"]
        yield _event(deal, kind, at, from_stage=before, to_stage=after, stay_started_at=entered)
        entered = at


def _ticks(rng: random.Random, deal: dict[str, Any], stage: Stage) -> list[dict[str, Any]]:
    """A third of the deals have every required item done, a third some, the rest none."""
    if not stage.is_open or not stage.exit:
        return []
    roll = rng.random()
    if roll < 0.3:
        chosen = [item for item in stage.exit if item.required]
    elif roll < 0.65:
        chosen = [item for item in stage.exit if rng.random() < 0.4]
    else:
        chosen = []
    return [
        {
            "team_id": TEAM_ID,
            "deal_id": deal["id"],
            "stage": stage.id,
            "item_id": item.id,
            "ticked_by": deal["owner_id"],
            "ticked_at": deal["last_activity_at"],
            "evidence": f"bench evidence {deal['id']}" if item.evidence else None,
        }
        for item in chosen
    ]


def _tick_event(tick: dict[str, Any]) -> dict[str, Any]:
    deal = {"id": tick["deal_id"], "map_id": "default", "owner_id": tick["ticked_by"]}
    return _event(
        deal,
        EventKind.TICKED,
        tick["ticked_at"],
        from_stage=tick["stage"],
        item_id=tick["item_id"],
        value=tick["evidence"],
    )


def _sort_into_pools(
    seeded: Seeded,
    process_map: ProcessMap,
    deal: dict[str, Any],
    stage: Stage,
    ticks: list[dict[str, Any]],
) -> None:
    if not stage.is_open or not stage.exit:
        return
    entry = SeededDeal(deal["id"], deal["owner_id"], stage.id, tuple(i.id for i in stage.exit))
    required = {item.id for item in stage.exit if item.required}
    done = {tick["item_id"] for tick in ticks}
    if required <= done and process_map.next_stage_id(stage) is not None:
        seeded.ready.append(entry)
    else:
        seeded.tickable.append(entry)
