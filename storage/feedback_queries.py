"""Reads and writes of map feedback (storage.feedback_models), scoped by workspace.

Functions take an open session; the caller (bot.deals.feedback*) decides the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum

from sqlalchemy import func, text, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from storage.feedback_models import MapFeedback
from storage.models import Deal
from storage.statements import is_sqlite


class Status(StrEnum):
    OPEN = "open"
    DONE = "done"
    ALL = "all"


async def add(session: AsyncSession, row: MapFeedback) -> MapFeedback:
    """Insert `row` as the workspace's next number. Two people giving feedback at once
    must not both take the same number: SQLite's write transaction already holds the
    database's one write lock (BEGIN IMMEDIATE); on PostgreSQL a transaction-scoped
    advisory lock per workspace makes them take turns until the commit."""
    if not is_sqlite(session):
        await session.exec(  # type: ignore[call-overload]
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
            params={"key": f"map_feedback:{row.team_id}"},
        )
    last = select(func.max(MapFeedback.number)).where(MapFeedback.team_id == row.team_id)
    row.number = ((await session.exec(last)).one() or 0) + 1
    session.add(row)
    await session.flush()
    return row


def _filtered(team_id: str, status: Status) -> SelectOfScalar[MapFeedback]:
    query = select(MapFeedback).where(MapFeedback.team_id == team_id)
    if status is Status.OPEN:
        query = query.where(col(MapFeedback.done_at).is_(None))
    elif status is Status.DONE:
        query = query.where(col(MapFeedback.done_at).is_not(None))
    return query


async def newest(
    session: AsyncSession,
    *,
    team_id: str,
    status: Status,
    limit: int,
    authors: Sequence[str] | None = None,
    before: dt.datetime | None = None,
) -> tuple[Sequence[MapFeedback], int]:
    """The newest `limit` entries with `status` (of `authors` only, given by `before`,
    when given), and how many there are in all."""
    query = _filtered(team_id, status)
    if authors is not None:
        query = query.where(col(MapFeedback.author_id).in_(sorted(set(authors))))
    if before is not None:
        query = query.where(col(MapFeedback.given_at) <= before)
    page = (await session.exec(query.order_by(col(MapFeedback.number).desc()).limit(limit))).all()
    if len(page) < limit:
        return page, len(page)
    counted = select(func.count()).select_from(query.subquery())
    return page, int((await session.exec(counted)).one())


async def every(session: AsyncSession, *, team_id: str, status: Status) -> Sequence[MapFeedback]:
    """Every entry with `status`, oldest first (the export)."""
    query = _filtered(team_id, status).order_by(col(MapFeedback.number))
    return (await session.exec(query)).all()


async def open_on_map(session: AsyncSession, *, team_id: str, map_id: str) -> Sequence[MapFeedback]:
    query = _filtered(team_id, Status.OPEN).where(MapFeedback.map_id == map_id)
    return (await session.exec(query.order_by(col(MapFeedback.number).desc()))).all()


async def by_number(session: AsyncSession, *, team_id: str, number: int) -> MapFeedback | None:
    query = select(MapFeedback).where(MapFeedback.team_id == team_id, MapFeedback.number == number)
    return (await session.exec(query)).first()


async def close(
    session: AsyncSession, *, team_id: str, number: int, by: str, at: dt.datetime, note: str
) -> bool:
    """Mark the entry done; False when it is done already (someone closed it first: the
    WHERE re-checks it, so of two owners closing it at once only one does)."""
    statement = (
        update(MapFeedback)
        .where(
            col(MapFeedback.team_id) == team_id,
            col(MapFeedback.number) == number,
            col(MapFeedback.done_at).is_(None),
        )
        .values(done_at=at, done_by=by, done_note=note)
        .execution_options(synchronize_session=False)
    )
    result = await session.exec(statement)  # type: ignore[call-overload]
    return bool(result.rowcount)


async def deal_names(session: AsyncSession, *, team_id: str, deal_ids: set[int]) -> dict[int, str]:
    """The names of the deals feedback was given from, as their owners typed them."""
    if not deal_ids:
        return {}
    query = select(Deal.id, Deal.name).where(
        Deal.team_id == team_id, col(Deal.id).in_(sorted(deal_ids))
    )
    return {deal_id: name for deal_id, name in (await session.exec(query)).all() if deal_id}
