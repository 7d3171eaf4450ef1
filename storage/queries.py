"""The reads and writes of people, map versions and handled Slack events, each scoped by
the workspace's team id where it has one. (Deals: storage.deal_store.)

Functions take an open session; the caller (a use case) decides the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, func, tuple_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Deal, MapVersion, Person, utcnow
from storage.onboarding_models import ProcessedEvent
from storage.statements import dialect_insert

# -- people ----------------------------------------------------------------------------


async def person(session: AsyncSession, *, team_id: str, user_id: str) -> Person | None:
    query = select(Person).where(Person.team_id == team_id, Person.user_id == user_id)
    return (await session.exec(query)).first()


async def reports_of(session: AsyncSession, *, team_id: str, manager_id: str) -> Sequence[str]:
    query = select(Person.user_id).where(Person.team_id == team_id, Person.manager_id == manager_id)
    return (await session.exec(query)).all()


async def lock_people(
    session: AsyncSession, *, team_id: str, user_ids: Sequence[str]
) -> dict[str, Person]:
    """The rows of `user_ids` that exist, locked until the transaction ends (PostgreSQL:
    FOR UPDATE, in user id order so that two transactions never wait on each other; SQLite
    holds the database's one write lock already). A role change and a team change that
    name the same manager take turns, so neither decides on what the other is changing."""
    query = (
        select(Person)
        .where(Person.team_id == team_id, col(Person.user_id).in_(sorted(set(user_ids))))
        .order_by(col(Person.user_id))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {person.user_id: person for person in (await session.exec(query)).all()}


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
    insert = dialect_insert(session)
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
    insert = dialect_insert(session)
    statement = insert(Person).values(team_id=team_id, user_id=user_id, **values)
    if values:
        statement = statement.on_conflict_do_update(
            index_elements=["team_id", "user_id"], set_=values
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=["team_id", "user_id"])
    await session.exec(statement)  # type: ignore[call-overload]


async def claim_event(session: AsyncSession, *, team_id: str, event_id: str) -> bool:
    """Record that this event is being handled; False if some request already did."""
    insert = dialect_insert(session)
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


async def deals_per_map_version(session: AsyncSession) -> dict[tuple[str, int, str], int]:
    """How many deals of every workspace are on each map version, by status (practice
    deals included: they follow a version like any deal)."""
    query = select(Deal.map_id, Deal.map_version, Deal.status, func.count()).group_by(
        col(Deal.map_id), col(Deal.map_version), col(Deal.status)
    )
    return {
        (map_id, version, str(status)): int(count)
        for map_id, version, status, count in (await session.exec(query)).all()
    }


async def versions_of_map(session: AsyncSession, *, map_id: str) -> list[tuple[int, dt.datetime]]:
    """The stored versions of a map and when each was stored, newest first (without their
    YAML: a report asks this on every run)."""
    query = (
        select(MapVersion.version, MapVersion.loaded_at)
        .where(MapVersion.map_id == map_id)
        .order_by(col(MapVersion.version).desc())
    )
    return [(int(version), loaded_at) for version, loaded_at in (await session.exec(query)).all()]
