"""The writes of a change to a deal: its row (only at the version it was read at), its
exit ticks and its events. Each runs in the write transaction that holds the deal
(storage.deal_store.LockedDeal); the app writes through that, not from here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, delete, update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Deal, DealEvent, ExitTick
from storage.statements import one_or_many, plain
from storage.stay_lengths import with_stay_days


async def save_deal(
    session: AsyncSession, *, deal_id: int, expected_version: int, values: Mapping[str, object]
) -> bool:
    """Write `values` and the next version only if the deal is still at `expected_version`.

    Returns False when the deal moved on in the meantime: the caller reports it, never
    overwrites it.
    """
    params = {f"new_{key}": value for key, value in values.items()}
    params.update(deal_id=deal_id, version=expected_version, new_version=expected_version + 1)
    connection = await session.connection()
    result = await connection.execute(_save_statement(tuple(sorted(values))), params)
    return bool(result.rowcount == 1)


_SAVES: dict[tuple[str, ...], Any] = {}  # one prepared UPDATE per set of columns written


def _save_statement(columns: tuple[str, ...]) -> Any:
    statement = _SAVES.get(columns)
    if statement is None:
        table = Deal.__table__  # type: ignore[attr-defined]
        new = {name: bindparam(f"new_{name}", type_=table.c[name].type) for name in columns}
        statement = _SAVES[columns] = (
            table.update()
            .where(table.c.id == bindparam("deal_id"), table.c.version == bindparam("version"))
            .values(version=bindparam("new_version"), **new)
        )
    return statement


_EVENT_TABLE = DealEvent.__table__  # type: ignore[attr-defined]
_EVENT_COLUMNS = tuple(column.name for column in _EVENT_TABLE.columns if column.name != "id")
_INSERT_EVENT = _EVENT_TABLE.insert()  # built once: its cache key is computed once


async def add_events(session: AsyncSession, events: Sequence[Mapping[str, object]]) -> None:
    """Insert events, given as column values (those left out are empty), in one statement
    (executemany). The ORM would send one INSERT per event on SQLite, to read each new id
    back; nothing needs those ids, nor a model object built per event."""
    if not events:
        return
    events = with_stay_days(events)  # the length of the stay a move ends, as it is written
    given = set().union(*events)  # one set of keys for every row: the statement's columns
    unknown = given - set(_EVENT_COLUMNS)
    if unknown:
        raise ValueError(f"deal_event has no column {', '.join(sorted(unknown))}")
    columns = [name for name in _EVENT_COLUMNS if name in given]  # the rest: their defaults
    values = [{name: plain(event.get(name)) for name in columns} for event in events]
    connection = await session.connection()
    await connection.execute(_INSERT_EVENT, one_or_many(values))


_TICKS = ExitTick.__table__  # type: ignore[attr-defined]
_TICK_COLUMNS = tuple(column.name for column in _TICKS.columns if column.name != "id")
_INSERT_TICK = _TICKS.insert()


async def add_ticks(session: AsyncSession, ticks: Sequence[ExitTick]) -> None:
    """Insert exit ticks in one statement (see add_events)."""
    if not ticks:
        return
    values = [{name: getattr(tick, name) for name in _TICK_COLUMNS} for tick in ticks]
    connection = await session.connection()
    await connection.execute(_INSERT_TICK, one_or_many(values))


_UNTICK = delete(ExitTick).where(
    col(ExitTick.deal_id) == bindparam("deal_id"),
    col(ExitTick.stage) == bindparam("stage"),
    col(ExitTick.item_id).in_(bindparam("items", expanding=True)),
)


async def remove_ticks(
    session: AsyncSession, *, deal_id: int, stage: str, items: Sequence[str]
) -> None:
    params = {"deal_id": deal_id, "stage": stage, "items": list(items)}
    connection = await session.connection()
    await connection.execute(_UNTICK, params)


_VALIDATE = (
    update(ExitTick)
    .where(
        col(ExitTick.deal_id) == bindparam("b_deal"),
        col(ExitTick.stage) == bindparam("b_stage"),
        col(ExitTick.item_id) == bindparam("b_item"),
    )
    .values(validated_by=bindparam("b_by"), validated_at=bindparam("b_at"))
)  # bindparam names other than the columns': SQLAlchemy keeps those for SET


async def validate_tick(
    session: AsyncSession, *, deal_id: int, stage: str, item: str, by: str, at: dt.datetime
) -> None:
    params = {"b_deal": deal_id, "b_stage": stage, "b_item": item, "b_by": by, "b_at": at}
    connection = await session.connection()
    await connection.execute(_VALIDATE, params)
