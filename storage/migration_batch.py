"""The reads and writes of moving open deals onto another map version, a batch at a time
(docs/maps.md, "Moving open deals to a new version"). The app reaches them through
storage.deal_store (`migrating`, `migration_batch`), never from here.

A batch is one write transaction: its deals are read under the lock (FOR UPDATE on
PostgreSQL, the write session's BEGIN IMMEDIATE on SQLite), so nothing changes them
between the read the moves are planned on and the writes. Every deal's row is written
only while it is still open, on the version moved from and at the version it was read at:
a batch that finds otherwise writes nothing (LostMigrationRace) and is planned again.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, select, tuple_
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.deal_moves import DealMove, MigratingDeal, Tick, version_pair
from storage.deal_writes import add_events
from storage.models import Deal, DealEvent, DealStatus, EventKind, ExitTick
from storage.statements import rows

DEAL_FIELDS = ("id", "team_id", "name", "stage", "version", "stage_entered_at")
TICK_FIELDS = ("stage", "item_id", "ticked_by", "ticked_at", "evidence", "validated_by", "validated_at")  # fmt: skip
_DEALS = Deal.__table__  # type: ignore[attr-defined]
_TICKS = ExitTick.__table__  # type: ignore[attr-defined]
_EVENTS = DealEvent.__table__  # type: ignore[attr-defined]


class LostMigrationRace(Exception):
    """A deal of the batch was not as it was read: the batch wrote nothing."""


def _open_on(*, locked: bool) -> object:
    query = (
        select(*(_DEALS.c[name] for name in DEAL_FIELDS))
        .where(
            _DEALS.c.map_id == bindparam("map_id"),
            _DEALS.c.map_version == bindparam("version"),
            _DEALS.c.status == DealStatus.OPEN.value,
            _DEALS.c.id > bindparam("after_id"),
        )
        .order_by(_DEALS.c.id)
        .limit(bindparam("limit"))
    )
    return query.with_for_update() if locked else query


_OPEN_ON, _OPEN_ON_LOCKED = _open_on(locked=False), _open_on(locked=True)
_TICKS_OF = (
    select(_TICKS.c.deal_id, *(_TICKS.c[name] for name in TICK_FIELDS))
    .where(_TICKS.c.deal_id.in_(bindparam("deal_ids", expanding=True)))
    .order_by(_TICKS.c.deal_id, _TICKS.c.id)
)


async def open_deals_on(
    session: AsyncSession,
    *,
    map_id: str,
    version: int,
    after_id: int,
    limit: int,
    locked: bool = False,
) -> list[MigratingDeal]:
    """Up to `limit` open deals of every workspace on `map_id` `version`, after deal
    `after_id` in id order, each with all its ticks; `locked`: held for this write
    transaction (PostgreSQL's row locks; SQLite's write lock is held already)."""
    params = {"map_id": map_id, "version": version, "after_id": after_id, "limit": limit}
    found = await rows(session, _OPEN_ON_LOCKED if locked else _OPEN_ON, params)
    if not found:
        return []
    tick_rows = await rows(session, _TICKS_OF, {"deal_ids": [row[0] for row in found]})
    ticks = {
        deal_id: [Tick(*row[1:]) for row in group]
        for deal_id, group in groupby(tick_rows, key=lambda row: row[0])
    }
    return [_migrating(row, ticks.get(row[0], [])) for row in found]


def _migrating(row: Any, ticks: list[Tick]) -> MigratingDeal:
    deal_id, team_id, name, stage, version, entered = row
    return MigratingDeal(deal_id, team_id, name, stage, version, entered, ticks)


_STAGES_ON = (
    select(_DEALS.c.stage, func.count())
    .where(
        _DEALS.c.map_id == bindparam("map_id"),
        _DEALS.c.map_version == bindparam("version"),
        _DEALS.c.status == DealStatus.OPEN.value,
    )
    .group_by(_DEALS.c.stage)
)


async def open_stages_on(session: AsyncSession, *, map_id: str, version: int) -> dict[str, int]:
    """How many open deals of every workspace are in each stage of a map version."""
    found = await rows(session, _STAGES_ON, {"map_id": map_id, "version": version})
    return {row[0]: int(row[1]) for row in found}


_MOVE = (
    _DEALS.update()
    .where(
        _DEALS.c.id == bindparam("b_id"),
        _DEALS.c.version == bindparam("b_version"),
        _DEALS.c.map_version == bindparam("b_from"),
        _DEALS.c.status == DealStatus.OPEN.value,
    )
    .values(
        map_version=bindparam("b_to"),
        stage=bindparam("b_stage"),
        stage_entered_at=bindparam("b_entered"),
        updated_at=bindparam("b_at"),
        version=bindparam("b_version") + 1,
    )
)


async def write_moves(session: AsyncSession, moves: Sequence[DealMove]) -> None:
    """Move the deals (each read under this transaction's lock): their rows, the ticks of
    their new stage, and one migrated event each. Raises LostMigrationRace, having
    written nothing the caller may keep, when a deal was not as read."""
    if not moves:
        return
    connection = await session.connection()
    await connection.execute(_MOVE, [_row_values(move) for move in moves])
    moved_ids = [move.deal_id for move in moves]
    to_version = moves[0].to_version
    moved = select(func.count()).where(
        _DEALS.c.id.in_(moved_ids), _DEALS.c.map_version == to_version
    )
    # An executemany's row count is not reported alike by both drivers: count instead.
    if (await connection.execute(moved)).scalar_one() != len(moves):
        raise LostMigrationRace
    keys = [(move.deal_id, move.stage) for move in moves]
    await connection.execute(
        delete(_TICKS).where(tuple_(_TICKS.c.deal_id, _TICKS.c.stage).in_(keys))
    )
    ticks = [_tick_row(move, tick) for move in moves for tick in move.ticks]
    if ticks:
        await connection.execute(_TICKS.insert(), ticks)
    await add_events(session, [_event(move) for move in moves])


def _tick_row(move: DealMove, tick: Tick) -> dict[str, object]:
    values = {name: getattr(tick, name) for name in TICK_FIELDS}
    values.update(team_id=move.team_id, deal_id=move.deal_id, stage=move.stage)
    return values


def _row_values(move: DealMove) -> dict[str, object]:
    moved_stage = move.to_stage is not None
    return {
        "b_id": move.deal_id,
        "b_version": move.expected_version,
        "b_from": move.from_version,
        "b_to": move.to_version,
        "b_stage": move.stage,
        # A new stage id starts a new stay; the same id goes on with the one it had.
        "b_entered": move.at if moved_stage else move.stay_started_at,
        "b_at": move.at,
    }


def _event(move: DealMove) -> dict[str, object]:
    return {
        "team_id": move.team_id,
        "deal_id": move.deal_id,
        "map_id": move.map_id,
        "kind": EventKind.MIGRATED,
        "actor_id": move.actor_id,
        "at": move.at,
        "from_stage": move.from_stage,
        "to_stage": move.to_stage,
        "value": version_pair(move.from_version, move.to_version),
        "reason": move.note,
        # Only a move to another stage id ends a stay (storage.kpi_queries reads stays
        # off the events that carry this).
        "stay_started_at": move.stay_started_at if move.to_stage is not None else None,
    }


async def count_migrated(
    session: AsyncSession, *, map_id: str, from_version: int, to_version: int
) -> int:
    """How many migrated events moved deals of `map_id` from one version to the other
    (what earlier runs of the same migration did)."""
    query = select(func.count()).where(
        and_(
            _EVENTS.c.kind == EventKind.MIGRATED.value,
            _EVENTS.c.map_id == map_id,
            _EVENTS.c.value == version_pair(from_version, to_version),
        )
    )
    connection = await session.connection()
    return int((await connection.execute(query)).scalar_one())
