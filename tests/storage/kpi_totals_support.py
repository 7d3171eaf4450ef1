"""Histories written straight into the tables, the way an import, a benchmark or an older
version of the app leaves them, and the comparison every test of the all-time totals
makes: the matrix from the totals against the matrix from the history, for every scope."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import delete, insert, update

from storage.database import Database
from storage.history_store import DEAL, EVENT
from storage.kpi_events import EventCounts, event_counts, first_response
from storage.kpi_queries import Matrix, matrix
from storage.kpi_scope import KpiScope, MapShape, Window
from storage.kpi_stays import time_in_stage
from storage.kpi_won import WonDeals, won_deals
from storage.percentiles import Summary

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
TEAMS, MAPS, OWNERS = ("T1", "T2"), ("default", "other"), ("UA", "UB", "UC")
STAGES = ("qualify", "discovery", "demo", "proposal", "won", "lost", "nurture")


@dataclass(frozen=True)
class NewDeal:
    team: str
    map_id: str
    owner: str
    practice: bool
    # each step: (kind, stage entered or None for an event that enters none)
    steps: tuple[tuple[str, str | None], ...]


def deal_row(deal_id: int, new: NewDeal) -> dict[str, Any]:
    return {
        "id": deal_id,
        "team_id": new.team,
        "name": f"Deal {deal_id}",
        "name_key": f"deal {deal_id}",
        "currency": "USD",
        "owner_id": new.owner,
        "created_by": new.owner,
        "map_id": new.map_id,
        "map_version": 1,
        "stage": "qualify",
        "status": "open",
        "version": 1,
        "is_practice": new.practice,
        "created_at": T0,
        "updated_at": T0,
        "stage_entered_at": T0,
        "last_activity_at": T0,
    }


def event_rows(deal_id: int, new: NewDeal, first_stage: str) -> list[dict[str, Any]]:
    """The deal's creation in `first_stage`, then its steps: a move ends the stay the
    entry before began (as every writer records it); other events end none."""
    at, stage, entered = T0, first_stage, T0
    rows = [_event(deal_id, new, "created", at, None, stage, None)]
    for hours, (kind, dest) in enumerate(new.steps, start=1):
        # stays of many lengths (a quarter of an hour to about two months), so medians and
        # p90s interpolate between different values and fall in different buckets
        at += dt.timedelta(hours=((deal_id * 7 + hours * 13) % 60) ** 2 / 4 + 0.25)
        said = _said(kind, dest, deal_id + hours)
        if dest is None:
            rows.append({**_event(deal_id, new, kind, at, stage, None, None), **said})
            continue
        rows.append({**_event(deal_id, new, kind, at, stage, dest, entered), **said})
        stage, entered = dest, at
    return rows


def _said(kind: str, dest: str | None, seed: int) -> dict[str, Any]:
    """What a loss, a branch or an objection says: a map reason or only free text (a
    long one now and then, as a CRM export may hold), a playbook entry or none."""
    text = "lost to a cheaper offer " * (40 if seed % 5 == 0 else 1)
    if kind == "branched":
        action = {"lost": "lose", "nurture": "nurture"}.get(dest or "", "disqualify")
        return {"action": action, "value": ("price", None)[seed % 2], "reason": text}
    if kind == "objection":
        return {"value": ("budget", None, "timing")[seed % 3], "reason": text}
    return {}


def _event(
    deal_id: int,
    new: NewDeal,
    kind: str,
    at: dt.datetime,
    source: str | None,
    dest: str | None,
    started: dt.datetime | None,
) -> dict[str, Any]:
    return {
        "team_id": new.team,
        "deal_id": deal_id,
        "map_id": new.map_id,
        "kind": kind,
        "actor_id": new.owner,
        "at": at,
        "from_stage": source,
        "to_stage": dest,
        "stay_started_at": started,
        "stay_days": None if started is None else (at - started).total_seconds() / 86400,
    }


async def add_deals(db: Database, first_id: int, deals: Sequence[NewDeal]) -> None:
    """The deals, then all their events in one statement (a batch, as an import writes)."""
    events: list[dict[str, Any]] = []
    async with db.write_engine.begin() as connection:
        for offset, new in enumerate(deals):
            await connection.execute(insert(DEAL), [deal_row(first_id + offset, new)])
            # a deal may begin in a won stage, as an imported one may
            events += event_rows(
                first_id + offset, new, ("qualify", "discovery", "won")[offset % 3]
            )
        if events:
            await connection.execute(insert(EVENT), events)


async def add_events(db: Database, deal_id: int, new: NewDeal) -> None:
    """More history for a deal that exists (a later move, one event per statement)."""
    async with db.write_engine.begin() as connection:
        for row in event_rows(deal_id, new, "proposal")[1:]:
            await connection.execute(insert(EVENT), [row])


async def forget_events(db: Database, deal_id: int) -> None:
    """A re-import's first step: the deal's events go."""
    async with db.write_engine.begin() as connection:
        await connection.execute(delete(EVENT).where(EVENT.c.deal_id == deal_id))


async def change_deal(db: Database, deal_id: int, **values: Any) -> None:
    async with db.write_engine.begin() as connection:
        await connection.execute(update(DEAL).where(DEAL.c.id == deal_id).values(**values))


def scopes() -> list[KpiScope]:
    owner_sets = [None, ("UA",), ("UB", "UC"), ("nobody",)]
    return [
        KpiScope(team, map_id, owners)
        for team, map_id, owners in itertools.product(TEAMS, MAPS, owner_sets)
    ]


def _rows(found: Matrix) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    def key(move: Any) -> tuple[Any, ...]:
        return (move.from_stage or "", move.to_stage, move.entered, move.left)

    return sorted(map(key, found.moves)), sorted(map(key, found.migrated))


async def matrices(db: Database, scope: KpiScope) -> tuple[Any, Any]:
    """(from the totals where they are ready, from the history), comparable."""
    async with db.read() as session:
        totals = await matrix(session, scope=scope, window=Window())
        history = await matrix(session, scope=scope, window=Window(), from_history=True)
    return _rows(totals), _rows(history)


async def counts(db: Database, scope: KpiScope) -> tuple[EventCounts, EventCounts]:
    """The counted events (from the totals where they are ready, from the history)."""
    async with db.read() as session:
        totals = await event_counts(session, scope=scope, window=Window())
        history = await event_counts(session, scope=scope, window=Window(), from_history=True)
    return totals, history


async def stays(db: Database, scope: KpiScope) -> tuple[dict[Any, Any], dict[Any, Any]]:
    """Time in stage (from the totals where they are ready, from the history)."""
    async with db.read() as session:
        totals = await time_in_stage(session, scope=scope, window=Window())
    async with db.read() as session:  # its own session: the history's settings are local
        history = await time_in_stage(session, scope=scope, window=Window(), from_history=True)
    return totals, history


def _same_summaries(found: dict[Any, Any], expected: dict[Any, Any]) -> bool:
    """The same counts; means and percentiles equal but for the order floats were added."""
    close = pytest.approx
    return found.keys() == expected.keys() and all(
        found[key] == expected[key]  # none counted: no mean, no percentiles
        if expected[key].count == 0
        else found[key].count == expected[key].count
        and (found[key].mean, found[key].median, found[key].p90)
        == close((expected[key].mean, expected[key].median, expected[key].p90), rel=1e-9, abs=1e-9)
        for key in expected
    )


async def responses(db: Database, scope: KpiScope) -> tuple[Summary, Summary]:
    """First response (from the totals where they are ready, from the history)."""
    async with db.read() as session:
        totals = await first_response(session, scope=scope, window=Window())
        history = await first_response(session, scope=scope, window=Window(), from_history=True)
    return totals, history


SHAPE = MapShape(
    main_path=("qualify", "discovery", "demo", "proposal", "won"),
    won_stage="won",
    post_sale=(),
    probabilities={},
)


async def won(db: Database, scope: KpiScope) -> tuple[WonDeals, WonDeals]:
    """Won deals (found through the totals' sources where they are ready, and in the
    history)."""
    async with db.read() as session:
        totals = await won_deals(session, scope=scope, window=Window(), shape=SHAPE)
        history = await won_deals(
            session, scope=scope, window=Window(), shape=SHAPE, from_history=True
        )
    return totals, history


async def assert_totals_agree(db: Database) -> None:
    for scope in scopes():
        totals, history = await matrices(db, scope)
        assert totals == history, scope
        counted, in_history = await counts(db, scope)
        assert counted == in_history, scope
        kept, measured = await stays(db, scope)
        assert _same_summaries(kept, measured), (scope, kept, measured)
        answered, in_history = await responses(db, scope)
        assert _same_summaries({(): answered}, {(): in_history}), (scope, answered, in_history)
        by_source, in_full = await won(db, scope)
        assert by_source.money == in_full.money, scope
        assert _same_summaries({(): by_source.cycle}, {(): in_full.cycle}), scope
