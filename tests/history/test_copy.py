"""On PostgreSQL an import writes through COPY (storage.pg_copy): the same deal and event rows,
every column, in the same id order, as the plain INSERTs write, for new deals and for deals
a newer file replaces."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.core.context import Services
from storage import history_store
from storage.history_store import DEAL, EVENT
from tests.support.known_history import ROWS, csv_text, import_text

LEFT_OUT = ("id", "team_id", "deal_id")  # differ between two imports by construction


@pytest.fixture
def postgres_only(services: Services) -> None:
    if services.db.is_sqlite:
        pytest.skip("COPY is PostgreSQL's")


async def rows_of(services: Services, team_id: str) -> tuple[list[Any], list[Any]]:
    """The team's deals and events, in id order, each event with its deal's CRM id."""
    async with services.db.read() as session:
        connection = await session.connection()
        deals = (
            (
                await connection.execute(
                    select(DEAL).where(DEAL.c.team_id == team_id).order_by(DEAL.c.id)
                )
            )
            .mappings()
            .all()
        )
        crm_id = {deal["id"]: deal["external_id"] for deal in deals}
        query = select(EVENT).where(EVENT.c.team_id == team_id).order_by(EVENT.c.id)
        events = (await connection.execute(query)).mappings().all()
    return (
        [_without(deal) for deal in deals],
        [(crm_id[event["deal_id"]], _without(event)) for event in events],
    )


def _without(row: Any) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key not in LEFT_OUT}


async def import_both_ways(services: Services, text: str) -> None:
    await import_text(services, text, team_id="TCOPY")
    history_store.BULK_COPY = False
    try:
        await import_text(services, text, team_id="TPLAIN")
    finally:
        history_store.BULK_COPY = True


@pytest.mark.usefixtures("postgres_only")
async def test_copy_writes_the_rows_inserts_write(services: Services) -> None:
    first = csv_text([row for row in ROWS if row[4] not in ("closed_won", "proposal")])
    await import_both_ways(services, first)  # every deal created
    await import_both_ways(services, csv_text())  # most replaced by the longer history
    copied, plain = await rows_of(services, "TCOPY"), await rows_of(services, "TPLAIN")
    assert copied == plain
    deals, events = copied
    assert len(deals) == 9 and len(events) == len(ROWS)
    assert any(event["stay_days"] for _deal, event in events)  # stay lengths are written
