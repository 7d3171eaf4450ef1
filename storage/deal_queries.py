"""The reads of deals and their exit ticks, each scoped by the workspace's team id.

Functions take an open session; storage.deal_store chooses it (and so the engine and
the thread a read runs on). The app reads deals through that store, not from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, false, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Deal, DealEvent, DealStatus, ExitTick, Person
from storage.name_keys import name_key
from storage.rows import RowLoader
from storage.statements import is_sqlite, rows

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
_DEAL_BY_ID_LOCKED = _DEAL_BY_ID.with_for_update()


async def deal_by_id(session: AsyncSession, *, team_id: str, deal_id: int) -> Deal | None:
    found = await rows(session, _DEAL_BY_ID, {"deal_id": deal_id, "team_id": team_id})
    return DEALS.load(found[0]) if found else None


def _deal_with_current_ticks(*columns: Any, team_id: Any) -> Any:
    """The deal joined to its current stage's ticks (a row per tick; one row with no tick
    when there is none), and `columns`: see `_deal_and_ticks`."""
    current_ticks = and_(_TICKS.c.deal_id == _DEALS.c.id, _TICKS.c.stage == _DEALS.c.stage)
    return (
        select(*DEALS.columns, *TICKS.columns, *columns)
        .select_from(_DEALS.outerjoin(_TICKS, current_ticks))
        .where(_DEALS.c.id == bindparam("deal_id"), _DEALS.c.team_id == team_id)
    )


def _deal_and_ticks(found: Sequence[Any]) -> tuple[Deal, list[ExitTick]]:
    """The deal and its ticks from the (non-empty) rows of `_deal_with_current_ticks`."""
    deal_end, tick_end = DEALS.width, DEALS.width + TICKS.width
    deal = DEALS.load(found[0][:deal_end])
    return deal, [TICKS.load(row[deal_end:tick_end]) for row in found if row[deal_end] is not None]


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
    if is_sqlite(session):
        found = await rows(session, _DEAL_WITH_TICKS, params)
        return _deal_and_ticks(found) if found else None
    locked = await rows(session, _DEAL_BY_ID_LOCKED, params)
    if not locked:
        return None
    deal = DEALS.load(locked[0])
    return deal, await ticks_for(session, deal_id=deal_id, stage=deal.stage)


async def deal_for_card(
    session: AsyncSession, *, team_id: str, deal_id: int, user_id: str | None
) -> tuple[Deal, list[ExitTick], int | None] | None:
    """The deal, its current stage's ticks and `user_id`'s last deal id (None without a
    user), in one statement.

    Showing a card to the user who named it needs all three; one statement is one round
    trip instead of three. None when there is no such deal.
    """
    if user_id is None:
        found = await rows(session, _DEAL_WITH_TICKS, {"team_id": team_id, "deal_id": deal_id})
        return (*_deal_and_ticks(found), None) if found else None
    params = {"team_id": team_id, "deal_id": deal_id, "user_id": user_id}
    found = await rows(session, _DEAL_FOR_CARD, params)
    if not found:
        return None
    return *_deal_and_ticks(found), found[0][-1]


def _deal_for_card() -> Any:
    team_id: Any = bindparam("team_id")
    last_deal = (
        select(_PEOPLE.c.last_deal_id)
        .where(_PEOPLE.c.team_id == team_id, _PEOPLE.c.user_id == bindparam("user_id"))
        .scalar_subquery()
    )
    return _deal_with_current_ticks(last_deal, team_id=team_id)


_DEAL_FOR_CARD = _deal_for_card()

_LAST_DEAL_ID = select(_PEOPLE.c.last_deal_id).where(
    _PEOPLE.c.team_id == bindparam("team_id"), _PEOPLE.c.user_id == bindparam("user_id")
)


async def last_deal_id(session: AsyncSession, *, team_id: str, user_id: str) -> int | None:
    """The deal `user_id` touched last, as stored (storage.last_deals writes it behind)."""
    found = await rows(session, _LAST_DEAL_ID, {"team_id": team_id, "user_id": user_id})
    return found[0][0] if found else None


_BOUND_TO = select(*DEALS.columns).where(
    _DEALS.c.team_id == bindparam("team_id"), _DEALS.c.channel_id == bindparam("channel_id")
)
_BOUND_TO_LOCKED = _BOUND_TO.with_for_update()


async def deal_bound_to(
    session: AsyncSession, *, team_id: str, channel_id: str, locked: bool = False
) -> Deal | None:
    """The deal bound to the channel; `locked`: held for this write transaction (a row
    lock on PostgreSQL; on SQLite the write session holds the database's write lock)."""
    statement = _BOUND_TO_LOCKED if locked else _BOUND_TO
    found = await rows(session, statement, {"team_id": team_id, "channel_id": channel_id})
    return DEALS.load(found[0]) if found else None


NAME_MATCHES = 10  # the most deals a name's prefix answers with


async def deals_by_name_prefix(
    session: AsyncSession, *, team_id: str, prefix: str, limit: int = NAME_MATCHES
) -> Sequence[Deal]:
    dialect = session.get_bind().dialect.name
    query = name_prefix_query(dialect, team_id=team_id, prefix=prefix, limit=limit)
    return (await session.exec(query)).all()


def _few_by_name(dialect: str) -> Any:
    """At most NAME_MATCHES + 1 deals whose key starts with the prefix, in no order (a range
    of the (team_id, name_key) index that stops at its limit; see name_prefix_query), each
    joined to its current stage's ticks (a row per tick; one row with no tick when there is
    none), and `user_id`'s last deal id: whatever the deal the prefix names, its card's read
    is done."""
    key_column: Any = _DEALS.c.name_key
    start: Any = bindparam("key")
    end: Any = bindparam("end")
    if dialect == "postgresql":  # byte order whatever the collation (text_pattern_ops)
        ranged = (key_column.op("~>=~")(start), key_column.op("~<~")(end))
    else:
        ranged = (key_column >= start, key_column < end)
    team_id: Any = bindparam("team_id")
    # No LIKE: the range alone is exactly the keys that start with the prefix (code point
    # order is UTF-8's byte order), and SQLite prepares a statement again whenever a LIKE's
    # bound pattern changes, which cost this read ten times its run.
    few = (
        select(*DEALS.columns)
        .where(_DEALS.c.team_id == team_id, *ranged)
        .where(_DEALS.c.is_practice == false())
        .limit(NAME_MATCHES + 1)
        .subquery("few")
    )
    last_deal = (
        select(_PEOPLE.c.last_deal_id)
        .where(_PEOPLE.c.team_id == team_id, _PEOPLE.c.user_id == bindparam("user_id"))
        .scalar_subquery()
    )
    current_ticks = and_(_TICKS.c.deal_id == few.c.id, _TICKS.c.stage == few.c.stage)
    columns: list[Any] = [*few.c, *TICKS.columns, last_deal]
    return select(*columns).select_from(few.outerjoin(_TICKS, current_ticks))


_FEW_BY_NAME = {dialect: _few_by_name(dialect) for dialect in ("sqlite", "postgresql")}
_DEAL_ID_AT = [column.name for column in DEALS.columns].index("id")


@dataclass(frozen=True, slots=True)
class FewNamed:
    """Every deal a name's prefix matches (at most NAME_MATCHES), open ones first, then the
    most recently active; the ticks of each one's current stage, by deal id; and the last
    deal id stored for the user asked about (None: none, or no user)."""

    deals: list[Deal]
    ticks: dict[int, list[ExitTick]]
    last_deal_id: int | None


async def few_by_name_prefix(
    session: AsyncSession, *, team_id: str, prefix: str, user_id: str | None = None
) -> FewNamed | None:
    """The deals whose name starts with `prefix`, when there are at most NAME_MATCHES,
    with what the card of any of them needs, in one statement; None when there are more (or
    the prefix is no range): then only `deals_by_name_prefix` can say which come first.

    Reads at most NAME_MATCHES + 1 rows of the name index and their ticks, whatever the
    workspace's size: quick enough for the event loop's thread, where the sorted read of
    every match is not (a short prefix may match much of the workspace)."""
    key = name_key(prefix)
    end = _prefix_end(key)
    if end is None:
        return None
    params = {"team_id": team_id, "key": key, "end": end}
    statement = _FEW_BY_NAME[session.get_bind().dialect.name]
    found = await rows(session, statement, params | {"user_id": user_id or ""})
    deals: dict[int, Deal] = {}
    ticks: dict[int, list[ExitTick]] = {}
    deal_end, tick_end = DEALS.width, DEALS.width + TICKS.width
    for row in found:
        deal_id = row[_DEAL_ID_AT]
        if deal_id not in deals:
            deals[deal_id], ticks[deal_id] = DEALS.load(row[:deal_end]), []
        if row[deal_end] is not None:
            ticks[deal_id].append(TICKS.load(row[deal_end:tick_end]))
    if len(deals) > NAME_MATCHES:
        return None
    recent_first = sorted(deals.values(), key=lambda deal: deal.last_activity_at, reverse=True)
    ordered = sorted(recent_first, key=lambda deal: deal.status != DealStatus.OPEN)  # stable
    last_deal_id = found[0][-1] if found and user_id else None
    return FewNamed(ordered, ticks, last_deal_id)


def _like_prefix(key: str) -> str:
    return key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def name_prefix_query(dialect: str, *, team_id: str, prefix: str, limit: int) -> Any:
    """Open deals first, then the most recently active, whose name starts with `prefix`."""
    key = name_key(prefix)  # folded as the keys are: case, accents, the Turkish i's
    query = (
        select(Deal)
        .where(Deal.team_id == team_id)
        .where(Deal.is_practice == False)  # noqa: E712  (SQL comparison, not Python)
        .order_by(col(Deal.status) != DealStatus.OPEN, col(Deal.last_activity_at).desc())
        .limit(limit)
    )
    key_column: Any = col(Deal.name_key)
    end = _prefix_end(key)
    if end is None:  # every character is the last: no range says it (and no index serves)
        return query.where(key_column.like(_like_prefix(key), escape="\\"))
    # The prefix as a range of name_key (folded already), in byte order, is a range of the
    # (team_id, name_key) index on both backends, and exactly the keys that start with it.
    # A LIKE was read through no index (every deal of the workspace, 16 ms at 100,000 on
    # SQLite), and SQLite prepares a statement again whenever a LIKE's pattern changes.
    if dialect == "postgresql":  # byte order whatever the collation (text_pattern_ops)
        return query.where(key_column.op("~>=~")(key), key_column.op("~<~")(end))
    return query.where(key_column >= key, key_column < end)


def _prefix_end(key: str) -> str | None:
    """The least string above every string that starts with `key`, in code point order
    (the byte order of UTF-8); None when there is none (every character is the last)."""
    while key:
        last = ord(key[-1])
        if last != 0x10FFFF:  # the next code point; surrogates are not text, skip them
            return key[:-1] + chr(0xE000 if last == 0xD7FF else last + 1)
        key = key[:-1]  # carry: nothing follows U+10FFFF
    return None


async def all_deal_names(session: AsyncSession, *, team_id: str, limit: int = 500) -> Sequence[str]:
    query = (
        select(Deal.name)
        .where(Deal.team_id == team_id, Deal.is_practice == False)  # noqa: E712
        .order_by(col(Deal.last_activity_at).desc())
        .limit(limit)
    )
    return (await session.exec(query)).all()


@dataclass(frozen=True, slots=True)
class DealFilter:
    """Which deals a list holds: one filter for reading its rows and for counting them all,
    so that a list's total counts exactly what it would show without a limit."""

    team_id: str
    owner_ids: tuple[str, ...] | None = None  # None: every owner in the workspace
    stage: str | None = None
    statuses: tuple[DealStatus, ...] = (DealStatus.OPEN,)
    include_practice: bool = False
    entered_since: dt.datetime | None = None  # only deals that entered their stage since

    def conditions(self) -> list[ColumnElement[bool]]:
        found = [
            _DEALS.c.team_id == self.team_id,
            _DEALS.c.status.in_([status.value for status in self.statuses]),
        ]
        if self.owner_ids is not None:
            found.append(_DEALS.c.owner_id.in_(self.owner_ids))
        if self.stage is not None:
            found.append(_DEALS.c.stage == self.stage)
        if not self.include_practice:
            found.append(_DEALS.c.is_practice == false())
        if self.entered_since is not None:
            found.append(_DEALS.c.stage_entered_at >= self.entered_since)
        return found


class DealOrder(StrEnum):
    """Which deals of a list come first (and so which a page holds)."""

    LONGEST_IN_STAGE = "longest_in_stage"
    NEWEST_IN_STAGE = "newest_in_stage"  # a closed stage: the deals closed last
    LARGEST_AMOUNT = "largest_amount"  # deals without an amount last
    SOONEST_CLOSE = "soonest_close"  # deals without an expected close date last


def _order_by(order: DealOrder) -> list[Any]:
    # The deal's id last: rows that tie on the rest come in the same order on both backends.
    entered = _DEALS.c.stage_entered_at
    if order is DealOrder.NEWEST_IN_STAGE:
        return [entered.desc(), _DEALS.c.id.desc()]
    if order is DealOrder.LARGEST_AMOUNT:
        # "IS NULL" first, false before true: no NULLS LAST, which SQLite lacked until 3.30
        return [_DEALS.c.amount.is_(None), _DEALS.c.amount.desc(), entered, _DEALS.c.id]
    if order is DealOrder.SOONEST_CLOSE:
        close = _DEALS.c.expected_close
        return [close.is_(None), close, entered, _DEALS.c.id]
    return [entered, _DEALS.c.id]


@dataclass(frozen=True, slots=True)
class DealPage:
    """The first deals of a list (in the order asked for) and how many it holds."""

    deals: Sequence[Deal]
    total: int  # every deal the filter matches, read or not


async def list_deals(
    session: AsyncSession,
    matching: DealFilter,
    *,
    limit: int = 100,
    order: DealOrder = DealOrder.LONGEST_IN_STAGE,
) -> Sequence[Deal]:
    """The deals in `order` (longest in their stage first unless asked), at most `limit`."""
    query = (
        select(*DEALS.columns)
        .where(*matching.conditions())
        .order_by(*_order_by(order))
        .limit(limit)
    )
    return [DEALS.load(row) for row in await rows(session, query, {})]


async def count_deals(session: AsyncSession, matching: DealFilter) -> int:
    query = select(func.count()).select_from(_DEALS).where(*matching.conditions())
    found = await rows(session, query, {})
    return int(found[0][0])


async def count_by_stage(session: AsyncSession, matching: DealFilter) -> dict[tuple[str, str], int]:
    """How many deals the filter matches in each (map id, stage)."""
    query = (
        select(_DEALS.c.map_id, _DEALS.c.stage, func.count())
        .where(*matching.conditions())
        .group_by(_DEALS.c.map_id, _DEALS.c.stage)
    )
    return {(map_id, stage): count for map_id, stage, count in await rows(session, query, {})}


async def deal_page(
    session: AsyncSession,
    matching: DealFilter,
    *,
    limit: int = 100,
    order: DealOrder = DealOrder.LONGEST_IN_STAGE,
) -> DealPage:
    """The first `limit` deals and the total: counted only when the page is full, since a
    shorter page already holds every deal the filter matches."""
    deals = await list_deals(session, matching, limit=limit, order=order)
    if len(deals) < limit:
        return DealPage(deals, total=len(deals))
    # Reads run in autocommit, so the count may see a later moment than the rows did: a
    # total below the rows shown would read as nonsense, so it is at least the page.
    return DealPage(deals, total=max(len(deals), await count_deals(session, matching)))


# -- ticks -----------------------------------------------------------------------------


_TICKS_FOR = select(*TICKS.columns).where(
    _TICKS.c.deal_id == bindparam("deal_id"), _TICKS.c.stage == bindparam("stage")
)


async def ticks_for(session: AsyncSession, *, deal_id: int, stage: str) -> list[ExitTick]:
    found = await rows(session, _TICKS_FOR, {"deal_id": deal_id, "stage": stage})
    return [TICKS.load(row) for row in found]


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
