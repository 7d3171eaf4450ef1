"""Bulk reads and writes for importing and exporting deal histories (Core, in batches).

An imported deal carries its CRM id in `Deal.external_id`, unique per workspace, which is
what makes importing the same file twice change nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, delete, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

import storage.tables  # noqa: F401  (registers every table)
from storage import bulk_rows
from storage.kpi_scope import ENTRY_KINDS
from storage.name_keys import name_key
from storage.stay_lengths import with_stay_days

DEAL: Table = SQLModel.metadata.tables["deal"]
EVENT: Table = SQLModel.metadata.tables["deal_event"]
PERSON: Table = SQLModel.metadata.tables["person"]
STREAM_ROWS = 2000
BULK_ROWS = True  # imported rows: COPY on PostgreSQL, plain tuples on SQLite (storage.bulk_rows)


async def team_ids(session: AsyncSession) -> list[str]:
    """Every workspace that has deals or people in this database."""
    connection = await session.connection()
    query = select(DEAL.c.team_id).union(select(PERSON.c.team_id))
    return sorted(str(row[0]) for row in (await connection.execute(query)).all())


async def known_external_ids(
    session: AsyncSession, *, team_id: str, external_ids: Sequence[str]
) -> set[str]:
    if not external_ids:
        return set()
    connection = await session.connection()
    query = select(DEAL.c.external_id).where(
        DEAL.c.team_id == team_id, DEAL.c.external_id.in_(list(external_ids))
    )
    return {str(row[0]) for row in (await connection.execute(query)).all()}


async def known_native_ids(
    session: AsyncSession, *, team_id: str, deal_ids: Sequence[int]
) -> set[int]:
    """Which of these deal ids exist in the workspace without a CRM id (exported by us)."""
    if not deal_ids:
        return set()
    connection = await session.connection()
    query = select(DEAL.c.id).where(
        DEAL.c.team_id == team_id, DEAL.c.external_id.is_(None), DEAL.c.id.in_(list(deal_ids))
    )
    return {int(row[0]) for row in (await connection.execute(query)).all()}


async def insert_deals(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Insert deals (each with an `external_id`); returns external id → new deal id. Each
    row's `name_key` is its name's, whatever the row said: the store owns how names are
    found (storage.name_keys)."""
    if not rows:
        return {}
    rows = [_keyed(row) for row in rows]
    connection = await session.connection()
    if _copies(connection):
        ids = await bulk_rows.next_ids(connection, DEAL, len(rows))
        await bulk_rows.copy_rows(connection, DEAL, rows, ids=ids)
        return {str(row["external_id"]): deal_id for row, deal_id in zip(rows, ids, strict=True)}
    statement = insert(DEAL).returning(DEAL.c.id, DEAL.c.external_id, sort_by_parameter_order=True)
    result = await connection.execute(statement, list(rows))
    return {str(row[1]): int(row[0]) for row in result.all()}


async def insert_events(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert events in the given order (ids follow it: equal times keep their order),
    each with the length of the stay it ends (storage.stay_lengths)."""
    if not rows:
        return
    connection = await session.connection()
    if _copies(connection):
        ids = await bulk_rows.next_ids(connection, EVENT, len(rows))
        await bulk_rows.copy_rows(connection, EVENT, with_stay_days(rows), ids=ids)
    elif BULK_ROWS:
        await bulk_rows.insert_rows(connection, EVENT, with_stay_days(rows))
    else:
        await connection.execute(insert(EVENT), with_stay_days(rows))


def _copies(connection: AsyncConnection) -> bool:
    """Whether bulk inserts go through COPY (storage.bulk_rows): on PostgreSQL, unless
    BULK_ROWS is off (the tests compare both ways)."""
    return BULK_ROWS and connection.dialect.name == "postgresql"


# what the KPI queries and the running totals' triggers look up (storage.rollup_triggers)
_PLANNED = "deal, deal_event, kpi_stay_item, kpi_response_item"
FIRST_REFRESH = 5_000  # deals an import writes before it first refreshes the statistics


async def refresh_statistics(session: AsyncSession) -> None:
    """After a bulk import, the planner's statistics: PostgreSQL's autovacuum gathers them
    only a while later, and until then it plans the KPI queries over a 10,000-deal import
    as if the tables were empty (the transition matrix took 40 s instead of 0.1 s). SQLite
    plans from its indexes alone."""
    if session.get_bind().dialect.name == "postgresql":
        connection = await session.connection()
        await connection.execute(text(f"ANALYZE {_PLANNED}"))


@dataclass
class GrowingStatistics:
    """Statistics refreshed while an import writes, each time the deals it wrote have
    doubled (from FIRST_REFRESH): the triggers that keep the running totals run queries
    planned by them, and planned on an empty database's statistics they cost ten times
    as much (a server whose autovacuum is off, or has not come by yet: 2,600 deals a
    minute instead of 22,000 into this machine's). A few ANALYZEs per import, a fraction
    of a second each."""

    next_at: int = field(default_factory=lambda: FIRST_REFRESH)

    def due(self, written: int) -> bool:
        """Whether `written` deals call for a refresh now (and the next at twice as many)."""
        if written < self.next_at:
            return False
        self.next_at = 2 * written
        return True

    async def after(self, session: AsyncSession, written: int) -> None:
        if self.due(written):
            await refresh_statistics(session)


async def begin_snapshot(session: AsyncSession) -> None:
    """Give the session (first thing) a transaction with one snapshot for all its reads, so
    that the exported deals and their history agree. PostgreSQL also streams rows only in a
    transaction (a server-side cursor), and reads otherwise run in autocommit."""
    if session.get_bind().dialect.name == "postgresql":
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def _export_deals() -> Any:
    return (
        select(DEAL)
        .where(DEAL.c.is_practice.is_(False))
        .order_by(DEAL.c.id)
        .execution_options(yield_per=STREAM_ROWS)
    )


async def deals_of(session: AsyncSession, *, team_id: str) -> AsyncIterator[dict[str, Any]]:
    """Every deal of the workspace but practice deals, oldest first, streamed."""
    connection = await session.connection()
    query = _export_deals().where(DEAL.c.team_id == team_id)
    result = await connection.stream(query)
    async for row in result.mappings():
        yield dict(row)


async def stage_entries_of(session: AsyncSession, *, team_id: str) -> AsyncIterator[dict[str, Any]]:
    """Every stage entry of the workspace's deals (no practice deals), deal by deal in
    time order, with the deal's fields beside each, streamed."""
    connection = await session.connection()
    query = (
        select(
            DEAL.c.id.label("deal_id"),
            DEAL.c.external_id,
            DEAL.c.name,
            DEAL.c.owner_id,
            DEAL.c.amount,
            DEAL.c.currency,
            EVENT.c.to_stage,
            EVENT.c.at,
            EVENT.c.reason,
        )
        .select_from(EVENT.join(DEAL, DEAL.c.id == EVENT.c.deal_id))
        .where(
            DEAL.c.team_id == team_id,
            DEAL.c.is_practice.is_(False),
            EVENT.c.kind.in_(_values(ENTRY_KINDS)),
            EVENT.c.to_stage.is_not(None),
        )
        .order_by(DEAL.c.id, EVENT.c.at, EVENT.c.id)
        .execution_options(yield_per=STREAM_ROWS)
    )
    result = await connection.stream(query)
    async for row in result.mappings():
        yield dict(row)


def _values(kinds: Iterable[Any]) -> list[str]:
    return [kind.value for kind in kinds]


# -- re-importing ---------------------------------------------------------------------------------

IMPORT_KINDS = ("created", "advanced", "branched", "reopened")


@dataclass(frozen=True, slots=True)
class StoredImport:
    """An imported deal as it stands: its row, its events in order, and whether anything but
    an import has touched it (a change bumps `version`; a note appends another kind)."""

    deal: dict[str, Any]
    events: list[dict[str, Any]]
    touched: bool


async def imported_deals(
    session: AsyncSession, *, team_id: str, external_ids: Sequence[str]
) -> dict[str, StoredImport]:
    if not external_ids:
        return {}
    connection = await session.connection()
    query = select(DEAL).where(
        DEAL.c.team_id == team_id, DEAL.c.external_id.in_(list(external_ids))
    )
    deals = [dict(row) for row in (await connection.execute(query)).mappings().all()]
    events: dict[int, list[dict[str, Any]]] = {deal["id"]: [] for deal in deals}
    if deals:
        query = (
            select(EVENT)
            .where(EVENT.c.deal_id.in_(list(events)))
            .order_by(EVENT.c.deal_id, EVENT.c.id)
        )
        for row in (await connection.execute(query)).mappings().all():
            events[row["deal_id"]].append(dict(row))
    return {
        str(deal["external_id"]): StoredImport(
            deal=deal,
            events=events[deal["id"]],
            touched=deal["version"] != 1
            or any(event["kind"] not in IMPORT_KINDS for event in events[deal["id"]]),
        )
        for deal in deals
    }


async def replace_imported(
    session: AsyncSession, deal_id: int, values: dict[str, Any], events: Sequence[dict[str, Any]]
) -> None:
    """Give an imported deal, untouched since, the history a newer file states (same id);
    its `name_key` is its new name's, as on insert."""
    connection = await session.connection()
    await connection.execute(delete(EVENT).where(EVENT.c.deal_id == deal_id))
    await connection.execute(update(DEAL).where(DEAL.c.id == deal_id).values(**_keyed(values)))
    await insert_events(session, events)


def _keyed(row: dict[str, Any]) -> dict[str, Any]:
    """A deal row with the key its name is found by: the store owns how names are found
    (storage.name_keys), whatever the caller wrote."""
    return {**row, "name_key": name_key(row["name"])}
