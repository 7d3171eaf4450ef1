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
from typing import Any

from sqlalchemy import case, func, or_
from sqlalchemy.sql import ColumnElement
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.kpi_queries import (
    EVENT,
    KpiScope,
    Transition,
    Window,
    rows_of,
    scoped_events,
    transitions,
)
from storage.models import EventKind


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.sum(case((condition, 1), else_=0))


async def migrated_moves(
    session: AsyncSession, *, scope: KpiScope, window: Window
) -> list[Transition]:
    """Migrations' moves from one stage id to another, counted as storage.kpi_queries
    .transitions counts every move: `entered` those made in the window, `left` those that
    ended a stay begun in it."""
    entered, began = window.holds(EVENT.c.at), window.holds(EVENT.c.stay_started_at)
    query = (
        scoped_events(
            scope, EVENT.c.from_stage, EVENT.c.to_stage, _count_if(entered), _count_if(began)
        )
        .where(
            EVENT.c.team_id == scope.team_id,
            EVENT.c.kind == EventKind.MIGRATED.value,
            EVENT.c.stay_started_at.is_not(None),
            or_(entered, began),
        )
        .group_by(EVENT.c.from_stage, EVENT.c.to_stage)
    )
    return [
        Transition(row[0], row[1], int(row[2] or 0), int(row[3] or 0))
        for row in await rows_of(session, query)
    ]


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
    moves = await transitions(session, scope=scope, window=window)
    return without_migrations(moves, await migrated_moves(session, scope=scope, window=window))
