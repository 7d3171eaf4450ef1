"""Every read and write the bot makes, each scoped by the workspace's team id.

Functions take an open session; the caller (a use case) decides the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import Enum
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Deal,
    DealEvent,
    DealStatus,
    ExitTick,
    MapVersion,
    Person,
    ProcessedEvent,
    utcnow,
)
from storage.rows import RowLoader

# -- deals -----------------------------------------------------------------------------


# The statements every request runs are built once, with bind parameters: composing a
# statement and its cache key on each call cost about as much as running it. They select
# table columns with Core, and storage.rows builds the objects: the ORM's loading cost a
# card as much CPU again (their objects belong to no session; nothing saves them).
DEALS = RowLoader(Deal)
TICKS = RowLoader(ExitTick)
_DEALS = Deal.__table__  # type: ignore[attr-defined]
_TICKS = ExitTick.__table__  # type: ignore[attr-defined]
_PEOPLE = Person.__table__  # type: ignore[attr-defined]
assert TICKS.columns[0].primary_key  # a row of the outer join has a tick when this is set

_DEAL_BY_ID = select(*DEALS.columns).where(
    _DEALS.c.id == bindparam("deal_id"), _DEALS.c.team_id == bindparam("team_id")
)


async def _rows(session: AsyncSession, statement: Any, params: dict[str, Any]) -> Sequence[Any]:
    connection = await session.connection()
    return (await connection.execute(statement, params)).all()


async def deal_by_id(session: AsyncSession, *, team_id: str, deal_id: int) -> Deal | None:
    rows = await _rows(session, _DEAL_BY_ID, {"deal_id": deal_id, "team_id": team_id})
    return DEALS.load(rows[0]) if rows else None


_DEAL_BY_ID_LOCKED = _DEAL_BY_ID.with_for_update()


def _deal_with_current_ticks(*columns: Any, team_id: Any) -> Any:
    """The deal joined to its current stage's ticks (a row per tick; one row with no tick
    when there is none), and `columns`: see `_deal_and_ticks`."""
    current_ticks = and_(_TICKS.c.deal_id == _DEALS.c.id, _TICKS.c.stage == _DEALS.c.stage)
    return (
        select(*DEALS.columns, *TICKS.columns, *columns)
        .select_from(_DEALS.outerjoin(_TICKS, current_ticks))
        .where(_DEALS.c.id == bindparam("deal_id"), _DEALS.c.team_id == team_id)
    )


def _deal_and_ticks(rows: Sequence[Any]) -> tuple[Deal, list[ExitTick]]:
    """The deal and its ticks from the (non-empty) rows of `_deal_with_current_ticks`."""
    deal_end, tick_end = DEALS.width, DEALS.width + TICKS.width
    deal = DEALS.load(rows[0][:deal_end])
    return deal, [TICKS.load(row[deal_end:tick_end]) for row in rows if row[deal_end] is not None]


_DEAL_WITH_TICKS = _deal_with_current_ticks(team_id=bindparam("team_id"))


async def locked_deal_with_ticks(
    session: AsyncSession, *, team_id: str, deal_id: int
) -> tuple[Deal, list[ExitTick]] | None:
    """The deal, held for this write transaction, and its current stage's ticks: what
    every change starts from. None when there is no such deal.

    SQLite: one statement. The write session's BEGIN IMMEDIATE took the database's write
    lock before it, so nothing can change under it.
    PostgreSQL: lock the deal's row (SELECT … FOR UPDATE), then read the ticks. Not in one
    statement: under READ COMMITTED a statement that waited for the lock sees the locked
    row as it is now but every other table as it was when the statement began, without
    the ticks the change it waited for had just written.
    """
    params = {"team_id": team_id, "deal_id": deal_id}
    if session.get_bind().dialect.name == "sqlite":
        rows = await _rows(session, _DEAL_WITH_TICKS, params)
        return _deal_and_ticks(rows) if rows else None
    locked = await _rows(session, _DEAL_BY_ID_LOCKED, params)
    if not locked:
        return None
    deal = DEALS.load(locked[0])
    return deal, list(await ticks_for(session, deal_id=deal_id, stage=deal.stage))


async def deal_for_card(
    session: AsyncSession, *, team_id: str, deal_id: int, user_id: str
) -> tuple[Deal, list[ExitTick], int | None] | None:
    """The deal, its current stage's ticks and `user_id`'s last deal id, in one statement.

    Showing a card needs all three; one statement is one round trip instead of three.
    None when there is no such deal.
    """
    params = {"team_id": team_id, "deal_id": deal_id, "user_id": user_id}
    rows = await _rows(session, _DEAL_FOR_CARD, params)
    if not rows:
        return None
    return *_deal_and_ticks(rows), rows[0][-1]


def _deal_for_card() -> Any:
    team_id: Any = bindparam("team_id")
    last_deal = (
        select(_PEOPLE.c.last_deal_id)
        .where(_PEOPLE.c.team_id == team_id, _PEOPLE.c.user_id == bindparam("user_id"))
        .scalar_subquery()
    )
    return _deal_with_current_ticks(last_deal, team_id=team_id)


_DEAL_FOR_CARD = _deal_for_card()


async def deals_by_name_prefix(
    session: AsyncSession, *, team_id: str, prefix: str, limit: int = 10
) -> Sequence[Deal]:
    dialect = session.get_bind().dialect.name
    query = name_prefix_query(dialect, team_id=team_id, prefix=prefix, limit=limit)
    return (await session.exec(query)).all()


def name_prefix_query(dialect: str, *, team_id: str, prefix: str, limit: int) -> Any:
    """Open deals first, then the most recently active, whose name starts with `prefix`."""
    key = prefix.strip().lower()
    pattern = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    query = (
        select(Deal)
        .where(Deal.team_id == team_id, col(Deal.name_key).like(pattern, escape="\\"))
        .where(Deal.is_practice == False)  # noqa: E712  (SQL comparison, not Python)
        .order_by(col(Deal.status) != DealStatus.OPEN, col(Deal.last_activity_at).desc())
        .limit(limit)
    )
    end = _prefix_end(key)
    if end is not None:
        # No index served the LIKE: every deal of the workspace was read (16 ms at 100,000
        # on SQLite). SQLite's LIKE ignores ASCII case and the column's collation does not;
        # PostgreSQL's needs the prefix written out, and a byte-order index. The same
        # prefix as a range of name_key (lower-cased already), in byte order, is a range of
        # the (team_id, name_key) index on both; the LIKE stays for what a range cannot say.
        name_key: Any = col(Deal.name_key)
        if dialect == "postgresql":  # byte order whatever the collation (text_pattern_ops)
            query = query.where(name_key.op("~>=~")(key), name_key.op("~<~")(end))
        else:
            query = query.where(name_key >= key, name_key < end)
    return query


def _prefix_end(key: str) -> str | None:
    """The least string above every string that starts with `key`, in code point order
    (the byte order of UTF-8); None when there is none (every character is the last)."""
    while key:
        last = ord(key[-1])
        if last != 0x10FFFF:  # the next code point; surrogates are not text, skip them
            return key[:-1] + chr(0xE000 if last == 0xD7FF else last + 1)
        key = key[:-1]  # carry: nothing follows U+10FFFF
    return None


async def deal_bound_to(session: AsyncSession, *, team_id: str, channel_id: str) -> Deal | None:
    query = select(Deal).where(Deal.team_id == team_id, Deal.channel_id == channel_id)
    return (await session.exec(query)).first()


async def all_deal_names(session: AsyncSession, *, team_id: str, limit: int = 500) -> Sequence[str]:
    query = (
        select(Deal.name)
        .where(Deal.team_id == team_id, Deal.is_practice == False)  # noqa: E712
        .order_by(col(Deal.last_activity_at).desc())
        .limit(limit)
    )
    return (await session.exec(query)).all()


async def list_deals(
    session: AsyncSession,
    *,
    team_id: str,
    owner_ids: Iterable[str] | None = None,
    stage: str | None = None,
    statuses: Iterable[DealStatus] = (DealStatus.OPEN,),
    include_practice: bool = False,
    limit: int = 100,
) -> Sequence[Deal]:
    query = select(Deal).where(Deal.team_id == team_id, col(Deal.status).in_(list(statuses)))
    if owner_ids is not None:
        query = query.where(col(Deal.owner_id).in_(list(owner_ids)))
    if stage is not None:
        query = query.where(Deal.stage == stage)
    if not include_practice:
        query = query.where(Deal.is_practice == False)  # noqa: E712
    query = query.order_by(col(Deal.stage_entered_at)).limit(limit)
    return (await session.exec(query)).all()


async def move_deal(
    session: AsyncSession, *, deal: Deal, expected_version: int, values: dict[str, object]
) -> bool:
    """Write `values` only if nobody changed the deal since it was read (version check).

    Returns False when the deal moved on in the meantime: the caller reports it, never
    overwrites it.
    """
    params = {f"new_{key}": value for key, value in values.items()}
    params.update(deal_id=deal.id, version=expected_version, new_version=expected_version + 1)
    connection = await session.connection()
    result = await connection.execute(_move_statement(tuple(sorted(values))), params)
    return bool(result.rowcount == 1)


_MOVES: dict[tuple[str, ...], Any] = {}  # one prepared UPDATE per set of columns written


def _move_statement(columns: tuple[str, ...]) -> Any:
    statement = _MOVES.get(columns)
    if statement is None:
        table = Deal.__table__  # type: ignore[attr-defined]
        new = {name: bindparam(f"new_{name}", type_=table.c[name].type) for name in columns}
        statement = _MOVES[columns] = (
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
    given = set().union(*events)  # one set of keys for every row: the statement's columns
    unknown = given - set(_EVENT_COLUMNS)
    if unknown:
        raise ValueError(f"deal_event has no column {', '.join(sorted(unknown))}")
    columns = [name for name in _EVENT_COLUMNS if name in given]  # the rest: their defaults
    values = [{name: _plain(event.get(name)) for name in columns} for event in events]
    connection = await session.connection()
    await connection.execute(_INSERT_EVENT, _one_or_many(values))


_TICK_COLUMNS = tuple(column.name for column in _TICKS.columns if column.name != "id")
_INSERT_TICK = _TICKS.insert()


async def add_ticks(session: AsyncSession, ticks: Sequence[ExitTick]) -> None:
    """Insert exit ticks in one statement (see add_events)."""
    if not ticks:
        return
    values = [{name: getattr(tick, name) for name in _TICK_COLUMNS} for tick in ticks]
    connection = await session.connection()
    await connection.execute(_INSERT_TICK, _one_or_many(values))


def _one_or_many(rows: list[dict[str, object]]) -> list[dict[str, object]] | dict[str, object]:
    """A single row as plain parameters: an executemany costs asyncpg a pipeline of its
    own, and one row (a click's tick, a move's entry) is the usual case."""
    return rows[0] if len(rows) == 1 else rows


def _plain(value: object) -> object:
    return value.value if isinstance(value, Enum) else value


# -- ticks -----------------------------------------------------------------------------


_TICKS_FOR = select(*TICKS.columns).where(
    _TICKS.c.deal_id == bindparam("deal_id"), _TICKS.c.stage == bindparam("stage")
)


async def ticks_for(session: AsyncSession, *, deal_id: int, stage: str) -> list[ExitTick]:
    rows = await _rows(session, _TICKS_FOR, {"deal_id": deal_id, "stage": stage})
    return [TICKS.load(row) for row in rows]


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


async def ticks_for_deals(
    session: AsyncSession, *, deals: Sequence[Deal]
) -> dict[int, list[ExitTick]]:
    """The current-stage ticks of many deals in one query (lists, App Home)."""
    found: dict[int, list[ExitTick]] = {deal.id: [] for deal in deals if deal.id is not None}
    if not found:
        return found
    query = select(ExitTick).where(col(ExitTick.deal_id).in_(list(found)))
    stage_of = {deal.id: deal.stage for deal in deals}
    for tick in (await session.exec(query)).all():
        if stage_of.get(tick.deal_id) == tick.stage:
            found[tick.deal_id].append(tick)
    return found


# -- events ----------------------------------------------------------------------------


async def history(
    session: AsyncSession, *, team_id: str, deal_id: int, limit: int = 200
) -> Sequence[DealEvent]:
    query = (
        select(DealEvent)
        .where(DealEvent.team_id == team_id, DealEvent.deal_id == deal_id)
        .order_by(col(DealEvent.id))
        .limit(limit)
    )
    return (await session.exec(query)).all()


# -- people ----------------------------------------------------------------------------


async def person(session: AsyncSession, *, team_id: str, user_id: str) -> Person | None:
    query = select(Person).where(Person.team_id == team_id, Person.user_id == user_id)
    return (await session.exec(query)).first()


async def reports_of(session: AsyncSession, *, team_id: str, manager_id: str) -> Sequence[str]:
    query = select(Person.user_id).where(Person.team_id == team_id, Person.manager_id == manager_id)
    return (await session.exec(query)).all()


async def people(session: AsyncSession, *, team_id: str) -> Sequence[Person]:
    query = select(Person).where(Person.team_id == team_id).order_by(col(Person.user_id))
    return (await session.exec(query)).all()


# -- maps ------------------------------------------------------------------------------


async def map_version(session: AsyncSession, *, map_id: str, version: int) -> MapVersion | None:
    return await session.get(MapVersion, (map_id, version))


async def all_map_versions(session: AsyncSession) -> Sequence[MapVersion]:
    return (await session.exec(select(MapVersion))).all()


async def insert_map_version(
    session: AsyncSession, *, map_id: str, version: int, title: str, source: str
) -> None:
    """Store a map version unless it is there (two replicas may start at once)."""
    insert = _dialect_insert(session)
    statement = (
        insert(MapVersion)
        .values(map_id=map_id, version=version, title=title, source=source, loaded_at=utcnow())
        .on_conflict_do_nothing(index_elements=["map_id", "version"])
    )
    await session.exec(statement)  # type: ignore[call-overload]


async def count_deals(session: AsyncSession, *, team_id: str) -> int:
    query = select(func.count()).select_from(Deal).where(Deal.team_id == team_id)
    return int((await session.exec(query)).one())


async def upsert_person(
    session: AsyncSession, *, team_id: str, user_id: str, values: dict[str, object]
) -> None:
    """Create the person row or update `values` on it, safe against a concurrent insert."""
    insert = _dialect_insert(session)
    statement = insert(Person).values(team_id=team_id, user_id=user_id, **values)
    if values:
        statement = statement.on_conflict_do_update(
            index_elements=["team_id", "user_id"], set_=values
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=["team_id", "user_id"])
    await session.exec(statement)  # type: ignore[call-overload]


def _dialect_insert(session: AsyncSession) -> Callable[..., Any]:
    """The INSERT of the session's dialect: both have ON CONFLICT DO NOTHING / UPDATE."""
    if session.get_bind().dialect.name == "postgresql":
        return pg_insert
    return sqlite_insert


async def claim_event(session: AsyncSession, *, team_id: str, event_id: str) -> bool:
    """Record that this event is being handled; False if some request already did."""
    insert = _dialect_insert(session)
    statement = (
        insert(ProcessedEvent)
        .values(team_id=team_id, event_id=event_id)
        .on_conflict_do_nothing(index_elements=["team_id", "event_id"])
    )
    result = await session.exec(statement)  # type: ignore[call-overload]
    return bool(result.rowcount == 1)


async def forget_events(session: AsyncSession, *, received_before: dt.datetime, limit: int) -> int:
    """Forget up to `limit` handled events received before `received_before` (the oldest
    first); how many were forgotten. Slack retries an event within the hour, so after that
    its row only takes room."""
    oldest = (
        select(ProcessedEvent.team_id, ProcessedEvent.event_id)
        .where(col(ProcessedEvent.received_at) < received_before)
        .order_by(col(ProcessedEvent.received_at))
        .limit(limit)
    )
    keys = tuple_(col(ProcessedEvent.team_id), col(ProcessedEvent.event_id))
    result = await session.exec(delete(ProcessedEvent).where(keys.in_(oldest)))  # type: ignore[call-overload]
    return int(result.rowcount)


async def set_last_deals(
    session: AsyncSession, last_deals: Mapping[tuple[str, str], int | None]
) -> None:
    """Store each (team id, user id)'s most recently touched deal, creating people as
    needed, in one statement run for every row (executemany; bot.core.recent writes
    them behind). A multi-row VALUES statement was compiled anew for every batch size.
    Rows go in key order, so two replicas' batches lock rows in the same order and cannot
    deadlock."""
    rows: list[dict[str, object]] = [
        {"team_id": team_id, "user_id": user_id, "last_deal_id": deal_id}
        for (team_id, user_id), deal_id in sorted(last_deals.items())
    ]
    if rows:
        connection = await session.connection()
        await connection.execute(_set_last_deal(session), _one_or_many(rows))


_SET_LAST_DEAL: dict[str, Any] = {}  # by dialect name


def _set_last_deal(session: AsyncSession) -> Any:
    dialect = session.get_bind().dialect.name
    statement = _SET_LAST_DEAL.get(dialect)
    if statement is None:
        insert = _dialect_insert(session)(Person)
        statement = _SET_LAST_DEAL[dialect] = insert.on_conflict_do_update(
            index_elements=["team_id", "user_id"],
            set_={"last_deal_id": insert.excluded.last_deal_id},
        )
    return statement
