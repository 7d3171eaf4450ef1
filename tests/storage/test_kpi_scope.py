"""The counted events and the transition matrix keep exactly the scope's events: the
queries that read events in kind or stage order keep them by their deal's id instead of
joining each to its deal (storage.kpi_queries.unjoined_events). Histories mix deals in
the scope with practice deals, another map's and another workspace's, and several
owners; the expected figures are counted here from the generated rows, on both backends."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from bot.core.context import Services
from storage.history_store import DEAL, EVENT
from storage.kpi_events import event_counts
from storage.kpi_queries import transitions
from storage.kpi_scope import KpiScope, Window
from storage.stay_lengths import with_stay_days

START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
STAGES = ("qualify", "discovery", "demo", "proposal", "lost", "nurture")
OWNERS = ("U1", "U2", "U3")
# a step: a move (kind, to stage, action) or an objection (its playbook entry or None)
MOVES = st.tuples(
    st.sampled_from(("advanced", "overridden", "reopened", "lose", "nurture")),
    st.sampled_from(STAGES),
    st.sampled_from((None, "price", "timing")),  # a loss's map reason (None: text only)
)
OBJECTIONS = st.tuples(st.just("objection"), st.just(""), st.sampled_from((None, "budget")))


@dataclass(frozen=True)
class ModelDeal:
    other_team: bool
    other_map: bool
    practice: bool
    owner: str
    steps: list[tuple[str, str, str | None]]


DEALS = st.builds(
    ModelDeal,
    other_team=st.booleans(),
    other_map=st.booleans(),
    practice=st.booleans(),
    owner=st.sampled_from(OWNERS),
    steps=st.lists(st.one_of(MOVES, OBJECTIONS), max_size=6),
)


def history(deal_id: int, team: str, deal: ModelDeal, hour: int) -> list[dict[str, Any]]:
    """The deal's events, a day apart (at `hour`), each move ending the stay the one before
    began."""
    map_id = "other" if deal.other_map else "default"
    base = {"team_id": team, "deal_id": deal_id, "map_id": map_id, "actor_id": deal.owner}
    at, stage = START + dt.timedelta(hours=hour), STAGES[0]
    rows = [{**base, "kind": "created", "at": at, "to_stage": stage}]
    entered = at
    for day, (kind, to, value) in enumerate(deal.steps, start=1):
        at = START + dt.timedelta(days=day, hours=hour)
        if kind == "objection":
            rows.append({**base, "kind": kind, "at": at, "from_stage": stage, "value": value})
            continue
        action = {"lose": "lose", "nurture": "nurture"}.get(kind)
        stored = "branched" if action else kind
        rows.append(
            {
                **base,
                "kind": stored,
                "action": action,
                "at": at,
                "from_stage": stage,
                "to_stage": to,
                "value": value if action == "lose" else None,
                "reason": f"said {value}" if action == "lose" else None,
                "stay_started_at": entered,
            }
        )
        stage, entered = to, at
    return rows


def deal_row(deal_id: int, team: str, deal: ModelDeal) -> dict[str, Any]:
    return {
        "id": deal_id,
        "team_id": team,
        "name": f"Deal {deal_id}",
        "name_key": f"deal {deal_id}",
        "currency": "USD",
        "owner_id": deal.owner,
        "created_by": deal.owner,
        "map_id": "other" if deal.other_map else "default",
        "map_version": 1,
        "stage": STAGES[0],
        "status": "open",
        "version": 1,
        "is_practice": deal.practice,
        "created_at": START,
        "updated_at": START,
        "stage_entered_at": START,
        "last_activity_at": START,
    }


def expected(
    rows: list[dict[str, Any]], window: Window
) -> tuple[Counter[tuple[Any, ...]], Counter[tuple[Any, ...]]]:
    """(transitions as (from, to, entered, left) rows, counted events by (what, key, stage))."""

    def inside(at: dt.datetime | None) -> bool:
        return at is not None and (window.start is None or at >= window.start)

    entered: Counter[tuple[Any, ...]] = Counter()
    left: Counter[tuple[Any, ...]] = Counter()
    counted: Counter[tuple[Any, ...]] = Counter()
    for row in rows:
        kind, started = row["kind"], row.get("stay_started_at")
        pair = (row.get("from_stage"), row.get("to_stage"))
        if row.get("to_stage") and (started is not None or kind == "created"):
            entered[pair] += inside(row["at"])
            left[pair] += inside(started)
        if not inside(row["at"]):
            continue
        if kind == "branched" and row["action"] == "lose":
            counted["lose", row["value"] or row["reason"], row["from_stage"]] += 1
        elif kind == "objection":
            counted[kind, row["value"], row["from_stage"]] += 1
        elif kind == "overridden":
            counted[kind, None, row["from_stage"]] += 1
        elif kind == "reopened":
            counted[kind, None, row["to_stage"]] += 1
    matrix = Counter(
        {
            (*pair, entered[pair], left[pair]): 1
            for pair in entered | left
            if entered[pair] or left[pair]
        }
    )
    return matrix, +counted


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    deals=st.lists(DEALS, min_size=1, max_size=8),
    owners=st.one_of(st.none(), st.sets(st.sampled_from(OWNERS), min_size=1)),
    from_day=st.one_of(st.none(), st.integers(0, 6)),
)
async def test_only_the_scopes_events_count(
    services: Services, deals: list[ModelDeal], owners: set[str] | None, from_day: int | None
) -> None:
    team, other = (f"T{uuid.uuid4().hex[:10].upper()}" for _ in range(2))  # fresh per example
    first_id = uuid.uuid4().int % 10**9
    deal_rows, event_rows, kept = [], [], []
    for offset, deal in enumerate(deals):
        deal_id, deal_team = first_id + offset, other if deal.other_team else team
        rows = history(deal_id, deal_team, deal, hour=offset)
        deal_rows.append(deal_row(deal_id, deal_team, deal))
        event_rows += rows
        in_owners = owners is None or deal.owner in owners
        if not (deal.other_team or deal.other_map or deal.practice) and in_owners:
            kept += rows
    columns = dict.fromkeys(("from_stage", "to_stage", "action", "value", "reason"))
    columns["stay_started_at"] = None
    async with services.db.write_engine.begin() as connection:
        await connection.execute(insert(DEAL), deal_rows)
        rows = [{**columns, **row} for row in event_rows]  # one shape for the batch
        await connection.execute(insert(EVENT), with_stay_days(rows))

    scope = KpiScope(team, "default", None if owners is None else tuple(sorted(owners)))
    window = Window(None if from_day is None else START + dt.timedelta(days=from_day))
    async with services.db.read() as session:
        moves = await transitions(session, scope=scope, window=window)
        counts = await event_counts(session, scope=scope, window=window)
    matrix, counted = expected(kept, window)
    assert Counter((m.from_stage, m.to_stage, m.entered, m.left) for m in moves) == matrix
    found = Counter(
        {
            (what, c.key, c.stage): c.count
            for what, items in (
                ("lose", counts.lost_reasons),
                ("objection", counts.objections),
                ("overridden", counts.overrides),
                ("reopened", counts.reopens),
            )
            for c in items
        }
    )
    assert found == counted
