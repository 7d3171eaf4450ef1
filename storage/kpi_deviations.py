"""Gate deviations: the moves that put a deal into a main-path stage without the exit
items of every gate on the way being done (docs/kpis.md defines them; this is the one
implementation, read by `/deal stats`, `stagecoach stats` and the digests).

A *gate* is a main-path stage's exit checklist, and `advance` is the only way through one
with its items done. A move is a deviation when it passed gates some other way:

- an *override* (an `overridden` event): a manager passed the gate of the stage the deal
  left, with open items, a reason and the items recorded. One gate, plus any gates the move
  jumped past beyond where `advance` leads (only an old map version can record that).
- a *skip*, any other move that landed further along the main path than its gates allow:
  an `advanced` event past the stage `advance` leads to (imported CRM history, where a deal
  went from Qualification straight to Proposal), or a `reopened` event into a stage later
  than the one the deal left the main path from (history from before reopening was held
  to that stage, or imported). The gates passed are the main-path stages from where
  `advance` leads (for a reopen: from the stage the deal left) up to the stage entered.

Not deviations: advances along the map, branches to lost / disqualified / nurture, moves
back, reopens to the stage left or an earlier one, a deal's creation (an imported history
may start in any stage), and a reopen of a deal whose history never shows it on the main
path (imported straight into a side stage: where it left is unknown).

Where a deal left the main path is the `from_stage` of its last `branched` event from a
main-path stage before the reopen, in record order (the app and the import append a deal's
events in time order); a chain of side stages (nurture, then lost) leaves from where the
chain began.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, case, func, null, select, union_all
from sqlalchemy.sql import ColumnElement, FromClause, Subquery
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.kpi_scope import (
    DEAL,
    EVENT,
    KpiScope,
    MapShape,
    Window,
    ends_a_stay,
    is_counted,
    rows_of,
    scoped_events,
    unjoined_events,
)
from storage.models import EventKind

RECENT = 20  # deviations listed per kind (newest first); the tallies count every one


class DeviationKind(StrEnum):
    OVERRIDE = "override"  # a manager passed a gate with open items, audited
    SKIP = "skip"  # a move past gates with no override: imported or old history


@dataclass(frozen=True, slots=True)
class Tally:
    moves: int = 0
    gates: int = 0  # gates passed without their items (a skip may pass several)
    deals: int = 0  # different deals

    def __add__(self, other: Tally) -> Tally:
        # the deals of different maps are different deals
        return Tally(self.moves + other.moves, self.gates + other.gates, self.deals + other.deals)


@dataclass(frozen=True, slots=True)
class GateDeviation:
    """One move past gates without their exit items, with what a reader needs to place it."""

    kind: DeviationKind
    event_id: int
    at: dt.datetime
    actor_id: str
    deal_id: int
    deal_name: str
    owner_id: str
    amount: float | None
    currency: str
    map_id: str
    map_version: int
    deal_stage: str  # where the deal stands now
    from_stage: str | None  # where the move started (a side stage, for a reopen)
    origin: str  # the main-path stage it left: from_stage, or where a reopened deal had left
    to_stage: str
    gates: int
    reason: str | None
    open_items: tuple[str, ...] = ()  # the item ids an override passed open

    @property
    def reopened(self) -> bool:
        """Came back from a side stage: it had left the main path at `origin`."""
        return self.from_stage != self.origin


@dataclass(frozen=True, slots=True)
class GateDeviations:
    overrides: Tally = field(default_factory=Tally)
    skips: Tally = field(default_factory=Tally)
    recent_overrides: list[GateDeviation] = field(default_factory=list)  # newest first
    recent_skips: list[GateDeviation] = field(default_factory=list)  # newest first

    @property
    def moves(self) -> int:
        return self.overrides.moves + self.skips.moves

    @property
    def gates(self) -> int:
        return self.overrides.gates + self.skips.gates

    def __add__(self, other: GateDeviations) -> GateDeviations:
        def newest(found: list[GateDeviation]) -> list[GateDeviation]:
            return sorted(found, key=lambda d: (d.at, d.event_id), reverse=True)[:RECENT]

        return GateDeviations(
            overrides=self.overrides + other.overrides,
            skips=self.skips + other.skips,
            recent_overrides=newest(self.recent_overrides + other.recent_overrides),
            recent_skips=newest(self.recent_skips + other.recent_skips),
        )


async def gate_deviations(
    session: AsyncSession, *, scope: KpiScope, window: Window, shape: MapShape
) -> GateDeviations:
    """Every gate deviation of the scope's deals with `at` in the window: tallied per kind,
    and the newest RECENT of each kind listed. One statement, so the events are read once
    (a tally and two lists apart read them three times: seconds on PostgreSQL at 100,000
    deals); each listed row carries its kind's tally."""
    tallies: dict[DeviationKind, Tally] = {}
    listed: dict[DeviationKind, list[GateDeviation]] = {kind: [] for kind in DeviationKind}
    newest = _newest_with_tallies(_deviations(scope, window, shape))
    for row in await rows_of(session, _in_full(newest)):
        found = _deviation(row._mapping)
        tallies[found.kind] = Tally(int(row.moves), int(row.gates_total), int(row.deals))
        listed[found.kind].append(found)
    return GateDeviations(
        overrides=tallies.get(DeviationKind.OVERRIDE, Tally()),
        skips=tallies.get(DeviationKind.SKIP, Tally()),
        recent_overrides=listed[DeviationKind.OVERRIDE],
        recent_skips=listed[DeviationKind.SKIP],
    )


def _newest_with_tallies(found: Subquery) -> Subquery:
    """The newest RECENT deviations of each kind, ranked newest first, each with its kind's
    moves, gates and deals. Counted by kind of deviation, not of event: one deal's skips
    may be an advance and a reopen, and it is one deal."""
    kind = found.c.deviation
    newest = (found.c.at.desc(), found.c.id.desc())
    ranked = select(
        found,
        func.row_number().over(partition_by=kind, order_by=newest).label("rank"),
        func.row_number()
        .over(partition_by=(kind, found.c.deal_id), order_by=found.c.id)
        .label("nth_of_deal"),
    ).subquery("ranked")
    first_of_deal = case((ranked.c.nth_of_deal == 1, 1), else_=0)
    totals = select(
        ranked,
        func.count().over(partition_by=ranked.c.deviation).label("moves"),
        func.sum(ranked.c.gates).over(partition_by=ranked.c.deviation).label("gates_total"),
        func.sum(first_of_deal).over(partition_by=ranked.c.deviation).label("deals"),
    ).subquery("totals")
    return select(totals).where(totals.c.rank <= RECENT).subquery("newest")


def _in_full(newest: Subquery) -> Select[Any]:
    """The listed deviations with what a reader needs: the event's and the deal's other
    columns are read for these few rows only, not for every move scanned."""
    counted = (newest.c[name] for name in ("deviation", "gates", "origin", *_TALLIED))
    return (
        select(*counted, *_listed_columns())
        .select_from(
            newest.join(EVENT, EVENT.c.id == newest.c.id).join(DEAL, DEAL.c.id == EVENT.c.deal_id)
        )
        .order_by(newest.c.deviation, newest.c.rank)
    )


_TALLIED = ("moves", "gates_total", "deals")


def _deviation(row: Mapping[str, Any]) -> GateDeviation:
    kind = DeviationKind(row["deviation"])
    overridden = kind is DeviationKind.OVERRIDE
    items = tuple(i for i in (row["value"] or "").split(",") if i) if overridden else ()
    return GateDeviation(
        kind=kind,
        event_id=int(row["id"]),
        at=row["at"],
        actor_id=row["actor_id"],
        deal_id=int(row["deal_id"]),
        deal_name=row["deal_name"],
        owner_id=row["owner_id"],
        amount=row["amount"],
        currency=row["currency"],
        map_id=row["map_id"],
        map_version=int(row["map_version"]),
        deal_stage=row["deal_stage"],
        from_stage=row["from_stage"],
        origin=row["origin"],
        to_stage=row["to_stage"],
        gates=int(row["gates"]),
        reason=row["reason"],
        open_items=items,
    )


def _deviations(scope: KpiScope, window: Window, shape: MapShape) -> Subquery:
    """The moves of the window that passed gates without their items, one row each with
    `gates`, how many; built on `_moves`, which finds where each move started."""
    moves = _in_window(scope, window, shape) if window.bounded else _moves(scope, shape)
    position = {stage: n for n, stage in enumerate(shape.main_path)}
    leads_to = {stage: position[dest] for stage, dest in shape.advances.items() if dest in position}
    entered = _position(moves.c.to_stage, position)
    beyond_advance = entered - _position(moves.c.origin, leads_to)
    beyond_left = entered - _position(moves.c.origin, position)
    gates = case(
        (
            moves.c.kind == EventKind.OVERRIDDEN.value,
            1 + case((beyond_advance > 0, beyond_advance), else_=0),
        ),
        (moves.c.kind == EventKind.ADVANCED.value, beyond_advance),
        else_=beyond_left,
    )
    kind = case(
        (moves.c.kind == EventKind.OVERRIDDEN.value, DeviationKind.OVERRIDE.value),
        else_=DeviationKind.SKIP.value,
    )
    counted = select(moves, gates.label("gates"), kind.label("deviation")).subquery("counted")
    return select(counted).where(counted.c.gates > 0).subquery("deviations")


def _moves(scope: KpiScope, shape: MapShape) -> Subquery:
    """All time: the moves that may have passed gates, with `origin`: the stage moved from,
    or for a reopen the main-path stage the deal had left. Read as the few they are, not
    found among every move (most are advances along the map, which pass no gate): the
    advances past where `advance` leads, a range of ix_deal_event_moves per stage left,
    and every override and reopen, from ix_deal_event_counted. Only the columns the
    count needs, and the events kept by their deal's id, not joined to each deal: joined,
    SQLite's statistics had it walk every deal of the map and look its moves up (19 s at
    1,000,000 deals)."""
    columns = (EVENT.c.id, EVENT.c.kind, EVENT.c.at, EVENT.c.deal_id, EVENT.c.from_stage)
    skips = [
        # every writer records when the stay began on each move (storage.stay_lengths):
        # the predicate of the index of moves by stage
        unjoined_events(
            scope, *columns, EVENT.c.to_stage, EVENT.c.from_stage.label("origin"), per_deal=False
        ).where(
            EVENT.c.kind == EventKind.ADVANCED.value,
            ends_a_stay(),
            EVENT.c.from_stage == left,
            EVENT.c.to_stage.in_(beyond),
        )
        for left, beyond in _beyond_advance(shape).items()
    ]
    # the scope's overrides and reopens first (materialized: PostgreSQL would otherwise
    # look up where every reopen of the workspace left, before keeping a team's)
    passed = (
        unjoined_events(scope, *columns, EVENT.c.to_stage, per_deal=False)
        .where(
            is_counted(),
            EVENT.c.kind.in_((EventKind.OVERRIDDEN.value, EventKind.REOPENED.value)),
            # Moves into side stages stay: they have no position, so no gates.
            EVENT.c.to_stage.is_not(None),
        )
        .cte("passed")
        .prefix_with("MATERIALIZED")
    )
    with_origin = select(passed, _origin(shape, passed).label("origin"))
    return union_all(*skips, with_origin).subquery("moves")


def _in_window(scope: KpiScope, window: Window, shape: MapShape) -> Subquery:
    """A window's advances, overrides and reopens, with `origin` as `_moves` gives it: one
    range of ix_deal_event_entries_at (entries by time), every move of the window read
    once. A few days' moves are few; read as `_moves` reads all time, a team's digest
    listed the team's deals once per stage left (0.9 s at 1,000,000 deals on SQLite)."""
    # most moves are advances along the map: leaving them out before the deal is joined
    # saves a look-up each (a stage `advance` does not leave gives NULL: left out too)
    along_the_map = and_(
        EVENT.c.kind == EventKind.ADVANCED.value,
        EVENT.c.to_stage == case(dict(shape.advances), value=EVENT.c.from_stage, else_=null()),
    )
    kinds = (EventKind.ADVANCED, EventKind.OVERRIDDEN, EventKind.REOPENED)
    columns = (EVENT.c.id, EVENT.c.kind, EVENT.c.at, EVENT.c.deal_id, EVENT.c.from_stage)
    return (
        scoped_events(scope, *columns, EVENT.c.to_stage, _origin(shape, EVENT).label("origin"))
        .where(
            EVENT.c.kind.in_([kind.value for kind in kinds]),
            # Moves into side stages stay: they have no position, so no gates.
            EVENT.c.to_stage.is_not(None),
            window.holds(EVENT.c.at),
            ~along_the_map,
        )
        .subquery("moves")
    )


def _beyond_advance(shape: MapShape) -> dict[str, tuple[str, ...]]:
    """For each stage `advance` leaves, the main-path stages past where it leads: an
    advance into one of them skipped a gate."""
    position = {stage: n for n, stage in enumerate(shape.main_path)}
    found = {}
    for left, dest in shape.advances.items():
        if dest in position:
            beyond = shape.main_path[position[dest] + 1 :]
            if beyond:
                found[left] = beyond
    return found


def _origin(shape: MapShape, moves: FromClause) -> ColumnElement[Any]:
    """Where the move (of `moves`) left the main path: its from_stage, or for a reopen the
    from_stage of the deal's last branch from a main-path stage before it
    (ix_deal_event_deal, newest first)."""
    branch = EVENT.alias("branch")
    left = (
        select(branch.c.from_stage)
        .where(
            branch.c.deal_id == moves.c.deal_id,
            branch.c.id < moves.c.id,
            branch.c.kind == EventKind.BRANCHED.value,
            branch.c.from_stage.in_(shape.main_path),
        )
        .order_by(branch.c.id.desc())
        .limit(1)
        .correlate(moves)
        .scalar_subquery()
    )
    return case((moves.c.kind == EventKind.REOPENED.value, left), else_=moves.c.from_stage)


def _listed_columns() -> Sequence[ColumnElement[Any]]:
    return (
        EVENT.c.id,
        EVENT.c.kind,
        EVENT.c.at,
        EVENT.c.actor_id,
        EVENT.c.deal_id,
        EVENT.c.from_stage,
        EVENT.c.to_stage,
        EVENT.c.reason,
        EVENT.c.value,
        DEAL.c.name.label("deal_name"),
        DEAL.c.owner_id,
        DEAL.c.amount,
        DEAL.c.currency,
        DEAL.c.map_id,
        DEAL.c.map_version,
        DEAL.c.stage.label("deal_stage"),
    )


def _position(column: ColumnElement[Any], positions: Mapping[str, int]) -> ColumnElement[Any]:
    """A stage's position on the main path (NULL off it), as an SQL expression."""
    if not positions:
        return null()
    return case(dict(positions), value=column, else_=null())
