"""The all-time totals (storage.rollup_models, kept by storage.rollup_triggers) answer
exactly what the history answers: generated histories of several workspaces, maps,
owners and practice deals, written in batches and one event at a time, with deals changing
hands, maps and practice flag and re-imports deleting a deal's events, compared scope by
scope with the matrix read from the history. Both backends."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import SQLModel

from storage.database import Database
from storage.kpi_queries import matrix
from storage.kpi_scope import KpiScope, Window
from storage.kpi_totals import totals_ready
from tests.conftest import BACKENDS, drop_database, fresh_database
from tests.storage.kpi_totals_support import (
    MAPS,
    OWNERS,
    STAGES,
    T0,
    TEAMS,
    NewDeal,
    add_deals,
    add_events,
    assert_totals_agree,
    change_deal,
    forget_events,
    matrices,
    responses,
)

steps = st.lists(
    st.tuples(
        st.sampled_from(("advanced", "branched", "reopened", "migrated", "ticked", "objection")),
        st.sampled_from(STAGES),
    ).map(lambda step: (step[0], None if step[0] in ("ticked", "objection") else step[1])),
    max_size=6,
)
new_deals = st.builds(
    NewDeal,
    team=st.sampled_from(TEAMS),
    map_id=st.sampled_from(MAPS),
    owner=st.sampled_from(OWNERS),
    practice=st.sampled_from((False, False, False, True)),  # now and then a practice deal
    steps=steps.map(tuple),
)
changes = st.one_of(
    st.tuples(st.just("owner"), st.sampled_from(OWNERS)),
    st.tuples(st.just("created"), st.integers(-3, 3)),  # hours moved: an import's correction
    st.tuples(st.just("map"), st.sampled_from(MAPS)),
    st.tuples(st.just("practice"), st.booleans()),
    st.tuples(st.just("forget"), st.none()),
    st.tuples(st.just("more"), new_deals),
)


async def _history(db: Database, deals: list[NewDeal], later: list[tuple[int, tuple]]) -> None:
    await add_deals(db, 1, deals)
    for index, (what, value) in later:
        deal_id = index % len(deals) + 1
        if what == "owner":
            await change_deal(db, deal_id, owner_id=value)
        elif what == "map":
            await change_deal(db, deal_id, map_id=value)
        elif what == "created":
            await change_deal(db, deal_id, created_at=T0 + dt.timedelta(hours=value))
        elif what == "practice":
            await change_deal(db, deal_id, is_practice=value)
        elif what == "forget":
            await forget_events(db, deal_id)
        else:
            # an event's workspace is its deal's, as every writer takes it from the deal
            await add_events(db, deal_id, replace(deals[deal_id - 1], steps=value.steps))


async def _check(backend: str, tmp_path_factory, deals, later) -> None:
    db = await fresh_database(backend, tmp_path_factory)
    try:
        async with db.write_engine.begin() as connection:
            await connection.run_sync(SQLModel.metadata.create_all)
        await _history(db, deals, later)
        async with db.read() as session:
            assert await totals_ready(session)
        await assert_totals_agree(db)
    finally:
        await drop_database(db)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    deals=st.lists(new_deals, min_size=1, max_size=8),
    later=st.lists(st.tuples(st.integers(0, 20), changes), max_size=8),
)
def test_the_totals_answer_what_the_history_answers(tmp_path_factory, deals, later) -> None:
    for backend in BACKENDS:
        asyncio.run(_check(backend, tmp_path_factory, deals, later))


async def test_a_total_brought_to_nothing_is_no_move(database: Database) -> None:
    """A deal's only move deleted (a re-import): the pair it counted leaves the matrix,
    as the history would have no row for it, instead of a move counted zero times."""
    deal = NewDeal("T1", "default", "UA", False, (("advanced", "discovery"),))
    await add_deals(database, 1, [deal])
    scope = KpiScope("T1", "default")
    totals, _history = await matrices(database, scope)
    assert ("qualify", "discovery", 1, 1) in totals[0]
    await forget_events(database, 1)
    totals, history = await matrices(database, scope)
    assert totals == history == ([], [])


async def test_a_first_response_follows_its_events(database: Database) -> None:
    """A re-import deletes a deal's events, its first response with them, then writes them
    again: the totals' first response goes with them and comes back, as the history's."""
    deal = NewDeal("T1", "default", "UA", False, (("advanced", "discovery"),))  # its only one
    await add_deals(database, 1, [deal])
    scope = KpiScope("T1", "default")
    totals, history = await responses(database, scope)
    assert totals.count == history.count == 1
    await forget_events(database, 1)
    totals, history = await responses(database, scope)
    assert totals == history and totals.count == 0
    await add_events(database, 1, deal)
    totals, history = await responses(database, scope)
    assert totals.count == history.count == 1 and totals.median == history.median


async def test_a_window_is_still_read_from_the_history(database: Database) -> None:
    """Only all time comes from the totals: a window before the deal's history has none
    of its moves, though the totals hold them."""
    deal = NewDeal("T1", "default", "UA", False, (("advanced", "discovery"),))
    await add_deals(database, 1, [deal])
    scope = KpiScope("T1", "default")
    async with database.read() as session:
        every = await matrix(session, scope=scope, window=Window())
        before = await matrix(session, scope=scope, window=Window(end=T0))
    assert len(every.moves) == 2 and before.moves == []  # the creation and the move
