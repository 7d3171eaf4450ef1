"""An import writes its rows in bulk (storage.bulk_rows: COPY on PostgreSQL, the driver's
executemany of plain tuples on SQLite): the same deal and event rows, every column, in the
same id order, as SQLAlchemy's INSERTs write, for new deals and for deals a newer file
replaces."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from bot.core.context import Services
from storage import history_store
from tests.support.known_history import ROWS, csv_text, import_text

LEFT_OUT = ("id", "team_id", "deal_id")  # differ between two imports by construction


async def rows_of(services: Services, team_id: str) -> tuple[list[Any], list[Any]]:
    """The team's deals and events as stored (a plain SQL read: on SQLite, a time's very
    text), in id order, each event with its deal's CRM id."""
    async with services.db.read() as session:
        connection = await session.connection()
        deals = await _stored(connection, "deal", team_id)
        crm_id = {deal["id"]: deal["external_id"] for deal in deals}
        events = await _stored(connection, "deal_event", team_id)
    return (
        [_without(deal) for deal in deals],
        [(crm_id[event["deal_id"]], _without(event)) for event in events],
    )


async def _stored(connection: Any, table: str, team_id: str) -> list[Any]:
    query = text(f"SELECT * FROM {table} WHERE team_id = :team ORDER BY id")  # noqa: S608
    return list((await connection.execute(query, {"team": team_id})).mappings().all())


def _without(row: Any) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key not in LEFT_OUT}


async def import_both_ways(services: Services, text: str) -> None:
    await import_text(services, text, team_id="TBULK")
    history_store.BULK_ROWS = False
    try:
        await import_text(services, text, team_id="TPLAIN")
    finally:
        history_store.BULK_ROWS = True


async def test_bulk_writes_the_rows_inserts_write(services: Services) -> None:
    first = csv_text([row for row in ROWS if row[4] not in ("closed_won", "proposal")])
    await import_both_ways(services, first)  # every deal created
    await import_both_ways(services, csv_text())  # most replaced by the longer history
    bulk, plain = await rows_of(services, "TBULK"), await rows_of(services, "TPLAIN")
    assert bulk == plain
    deals, events = bulk
    assert len(deals) == 9 and len(events) == len(ROWS)
    assert any(event["stay_days"] for _deal, event in events)  # stay lengths are written
