"""All-time KPIs read from the running totals (storage.rollup_models) instead of the
history: a few rows per map and owner, whatever the history's length (docs/kpis.md,
"All time: running totals"). Each reader answers exactly what its history query answers
(tests/storage/test_kpi_totals.py compares the two over generated histories), and is
used only once the totals reach every deal (`totals_ready`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, func, literal, null, select, union_all
from sqlalchemy.sql import ColumnElement, CompoundSelect, Select
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

import storage.tables  # noqa: F401  (registers every table)
from storage.kpi_scope import KpiScope, rows_of
from storage.rollup_models import ALL_DEALS, MATRIX

MOVES: Table = SQLModel.metadata.tables["kpi_move_total"]
CREATED: Table = SQLModel.metadata.tables["kpi_created_total"]
COUNTED: Table = SQLModel.metadata.tables["kpi_counted_total"]
STATE: Table = SQLModel.metadata.tables["kpi_rollup_state"]


async def totals_ready(session: AsyncSession, name: str = MATRIX) -> bool:
    """Whether the totals `name` hold every deal (a database with history from before
    them fills them first: storage.rollup_backfill)."""
    query = select(STATE.c.next_deal_id).where(STATE.c.name == name)
    found = await rows_of(session, query)
    return bool(found) and int(found[0][0]) >= ALL_DEALS


def in_scope(table: Table, scope: KpiScope) -> list[ColumnElement[bool]]:
    """A totals table's rows of the scope: its workspace and map, and owners if any."""
    conditions = [table.c.team_id == scope.team_id, table.c.map_id == scope.map_id]
    if scope.owner_ids is not None:
        conditions.append(table.c.owner_id.in_(scope.owner_ids))
    return conditions


def matrix_totals(scope: KpiScope) -> CompoundSelect:
    """The all-time transition matrix in the shape of storage.kpi_queries.matrix's rows:
    (from, to, entered, left, migrated entered, migrated left). All time, every move both
    entered and left within it. Totals brought to 0 by deleted events are left out, as
    the history would have no row for them."""
    moves, migrated = func.sum(MOVES.c.moves), func.sum(MOVES.c.migrated)
    created = func.sum(CREATED.c.created)
    zero: Any = literal(0)
    return union_all(
        select(MOVES.c.from_stage, MOVES.c.to_stage, moves, moves, migrated, migrated)
        .where(*in_scope(MOVES, scope))
        .group_by(MOVES.c.from_stage, MOVES.c.to_stage)
        .having(moves > 0),
        select(null(), CREATED.c.stage, created, zero, zero, zero)
        .where(*in_scope(CREATED, scope))
        .group_by(CREATED.c.stage)
        .having(created > 0),
    )


def counted_totals(scope: KpiScope) -> Select[Any]:
    """All-time counted events in the shape of storage.kpi_events.event_counts' rows:
    (what, key, stage, count)."""
    count = func.sum(COUNTED.c.n)
    return (
        select(COUNTED.c.what, COUNTED.c.key, COUNTED.c.stage, count)
        .where(*in_scope(COUNTED, scope))
        .group_by(COUNTED.c.what, COUNTED.c.key, COUNTED.c.stage)
        .having(count > 0)
    )
