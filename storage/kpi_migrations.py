"""The moves that migrations made between stage ids (docs/kpis.md, "Across map versions").

A deal moved onto a new map version whose stage has another id (a renamed or merged
stage) has a migrated event that ends its stay in the old stage and starts one in the new
(`stay_started_at` set, like any move), so the transition matrix of storage.kpi_queries
holds it. It is neither a conversion nor a loss of the old stage: bot.reporting.versions
takes these moves out of the matrix and counts them apart. A migration that kept the
stage id is no move at all (no `to_stage`, no `stay_started_at`) and is in no KPI.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.kpi_queries import Transition, matrix
from storage.kpi_scope import KpiScope, Window


async def migrated_moves(
    session: AsyncSession, *, scope: KpiScope, window: Window
) -> list[Transition]:
    """Migrations' moves from one stage id to another, counted as storage.kpi_queries
    .transitions counts every move: `entered` those made in the window, `left` those that
    ended a stay begun in it. Counted in the matrix's own pass (storage.kpi_queries.matrix):
    a caller that needs both asks it once."""
    return (await matrix(session, scope=scope, window=window)).migrated


def without_migrations(
    moves: Sequence[Transition], migrated: Sequence[Transition]
) -> list[Transition]:
    """The transition matrix less the moves migrations made: what the deals themselves did
    (the discovery report and its picture read this; a renamed stage is not a skip)."""
    taken = {(m.from_stage, m.to_stage): m for m in migrated}
    left = []
    for move in moves:
        gone = taken.get((move.from_stage, move.to_stage))
        if gone is not None:
            move = Transition(
                move.from_stage, move.to_stage, move.entered - gone.entered, move.left - gone.left
            )
        if move.entered or move.left:
            left.append(move)
    return left


async def moves_made(session: AsyncSession, *, scope: KpiScope, window: Window) -> list[Transition]:
    """storage.kpi_queries.transitions without the migrations' moves."""
    found = await matrix(session, scope=scope, window=window)
    return without_migrations(found.moves, found.migrated)
