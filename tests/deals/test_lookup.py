"""Finding the deal a command is about: `#id`, a name prefix, the channel's bound deal,
or the user's most recently touched deal (the README, "The /deal command"; bot/core/refs.py)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import event

from bot.core.context import Services
from bot.core.outcomes import Ambiguous, Done, Invalid, NotFound
from bot.core.refs import CURRENT, DealName, DealNumber, parse_deal_ref
from bot.deals import ticking
from bot.deals.binding import bind_deal, unbind_deal
from bot.deals.outcomes import Shown, Ticked
from bot.deals.showing import show_deal
from storage import deal_queries
from storage.database import Database
from storage.name_keys import name_key
from tests.support.deals import OTHER_REP, REP, expect, names, new_deal, writes_nothing


@pytest.fixture
async def acme_and_globex(services: Services) -> tuple[int, int]:
    acme = await new_deal(services, REP, "Acme Corp")
    globex = await new_deal(services, REP, "Globex")
    return acme.deal_id, globex.deal_id


@pytest.mark.parametrize("form", ["#{id}", "{id}", " #{id} "])
async def test_show_by_id(services: Services, acme_and_globex: tuple[int, int], form: str) -> None:
    acme_id, _ = acme_and_globex

    shown = expect(await show_deal(services, REP, parse_deal_ref(form.format(id=acme_id))), Shown)

    assert shown.card.name == "Acme Corp"


@pytest.mark.parametrize("ref", ["acme", "ACME", "Acme C", "acme corp"])
async def test_show_by_case_insensitive_name_prefix(
    services: Services, acme_and_globex: tuple[int, int], ref: str
) -> None:
    shown = expect(await show_deal(services, REP, parse_deal_ref(ref)), Shown)

    assert shown.card.name == "Acme Corp"


async def test_anyone_in_the_workspace_may_read_a_deal(
    services: Services, acme_and_globex: tuple[int, int]
) -> None:
    shown = expect(await show_deal(services, OTHER_REP, DealName("globex")), Shown)

    assert shown.card.owner_id == REP.user_id


async def test_an_exact_name_wins_over_longer_names_with_that_prefix(services: Services) -> None:
    await new_deal(services, REP, "Acme")
    await new_deal(services, REP, "Acme Corp")

    shown = expect(await show_deal(services, REP, DealName("acme")), Shown)

    assert shown.card.name == "Acme"


async def test_a_prefix_of_several_deals_is_ambiguous_with_the_candidates(
    services: Services,
) -> None:
    await new_deal(services, REP, "Acme Corp")
    await new_deal(services, REP, "Acme Labs")
    await new_deal(services, REP, "Globex")

    async with writes_nothing(services):
        ambiguous = expect(await show_deal(services, REP, DealName("acme")), Ambiguous)

    assert names(ambiguous.candidates) == ["Acme Corp", "Acme Labs"]


async def test_an_unknown_name_is_not_found_with_suggestions(
    services: Services, acme_and_globex: tuple[int, int]
) -> None:
    async with writes_nothing(services):
        missing = expect(await show_deal(services, REP, DealName("glbex")), NotFound)

    assert missing.suggestions == ["Globex"]
    assert "Globex" in missing.hint


async def test_an_unknown_id_is_not_found(
    services: Services, acme_and_globex: tuple[int, int]
) -> None:
    async with writes_nothing(services):
        missing = expect(await show_deal(services, REP, DealNumber(999)), NotFound)

    assert "#999" in missing.message


async def test_without_a_reference_the_most_recently_touched_deal(
    services: Services, acme_and_globex: tuple[int, int]
) -> None:
    acme_id, globex_id = acme_and_globex  # creating Globex touched it last

    first = expect(await show_deal(services, REP, CURRENT), Shown)
    expect(await show_deal(services, REP, DealName("acme")), Shown)  # naming a deal touches it
    second = expect(await show_deal(services, REP, CURRENT), Shown)
    ticked = expect(await ticking.set_ticks(services, REP, DealName("globex"), tick=["1"]), Ticked)
    third = expect(await show_deal(services, REP, CURRENT), Shown)

    assert (first.card.deal_id, second.card.deal_id) == (globex_id, acme_id)
    assert third.card.deal_id == ticked.card.deal_id == globex_id


async def test_without_a_reference_and_no_history_is_not_found(services: Services) -> None:
    async with writes_nothing(services):
        expect(await show_deal(services, OTHER_REP, CURRENT), NotFound)


async def test_a_channel_bound_deal_is_the_default_there(
    services: Services, acme_and_globex: tuple[int, int]
) -> None:
    acme_id, _ = acme_and_globex
    in_room = replace(REP, channel_id="CACME")
    expect(await bind_deal(services, in_room, DealNumber(acme_id)), Done)
    expect(await show_deal(services, REP, DealName("globex")), Shown)  # touched last

    in_room_shown = expect(await show_deal(services, in_room, CURRENT), Shown)
    elsewhere = expect(await show_deal(services, REP, CURRENT), Shown)
    other_in_room = expect(
        await show_deal(services, replace(OTHER_REP, channel_id="CACME"), CURRENT), Shown
    )

    assert in_room_shown.card.deal_id == acme_id == other_in_room.card.deal_id
    assert elsewhere.card.name == "Globex"


async def test_binding_moves_a_channel_to_another_deal_and_unbind_clears_it(
    services: Services, acme_and_globex: tuple[int, int]
) -> None:
    acme_id, globex_id = acme_and_globex
    in_room = replace(REP, channel_id="CROOM")
    expect(await bind_deal(services, in_room, DealNumber(acme_id)), Done)

    rebound = expect(await bind_deal(services, in_room, DealNumber(globex_id)), Done)
    shown = expect(await show_deal(services, in_room, CURRENT), Shown)
    expect(await unbind_deal(services, in_room), Done)

    assert "Acme Corp" in rebound.message  # says which binding it replaced
    assert shown.card.deal_id == globex_id
    async with writes_nothing(services):
        expect(await unbind_deal(services, in_room), Invalid)


NAMES = (
    *("Acme", "Acme Corp", "Acmf", "Acl", "Ac", "A_me", "Acme%x"),
    *("Café Noir", "Cafè", "Cafe", "ｅvent", "ｆair", "🚀 Rocket", "🚁 Air"),
    *("\ud7ff Edge", "\ue000 After", "Acme\U0010ffffz", "Acmf\U0010ffff"),
)
PREFIXES = (
    *("acm", "acme corp", "acme ", "Acme%", "a_me", "café", "ｅ", "🚀", "\ud7ff"),
    *("acme\U0010ffff", "acmf\U0010ffff"),
)


@pytest.mark.parametrize("ref", PREFIXES)
async def test_a_name_prefix_finds_exactly_the_names_it_starts(
    services: Services, ref: str
) -> None:
    for name in NAMES:
        await new_deal(services, REP, name)
    async with services.db.read() as session:
        found = await deal_queries.deals_by_name_prefix(
            session, team_id=REP.team_id, prefix=ref, limit=20
        )
    key = name_key(ref)  # folded: "café" also finds "Cafe" and "Cafè"
    expected = {n for n in NAMES if name_key(n).startswith(key)}
    assert {deal.name for deal in found} == expected
    # the store's quick read of a few matches (a range of the index, unsorted) agrees
    quick = await services.deals.by_name(REP.team_id, ref, suggest=False)
    assert [deal.name for deal in quick.deals] == [deal.name for deal in found]


@pytest.mark.parametrize("prefix", ["Acme", "café", "🚀", "\ud7ff", "acmf\U0010ffff"])
async def test_on_sqlite_a_name_prefix_is_a_range_of_the_name_index(
    database: Database, sqlite_only: None, prefix: str
) -> None:
    # (PostgreSQL's planner picks among indexes by the table's statistics: bench/plans.py
    # shows its plan over 100,000 deals.)
    query = deal_queries.name_prefix_query("sqlite", team_id="T1", prefix=prefix, limit=10)
    sql = str(
        query.compile(dialect=database.engine.dialect, compile_kwargs={"literal_binds": True})
    )
    async with database.engine.connect() as connection:
        plan = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
        shown = " ".join(str(row[-1]) for row in plan)
    assert "USING INDEX ix_deal_team_name (team_id=? AND name_key>? AND name_key<?)" in shown


async def test_a_name_of_a_few_deals_is_looked_up_inline_and_of_many_on_the_readers_thread(
    services: Services, acme_and_globex: tuple[int, int]
) -> None:
    # A name's prefix may match much of the workspace: the sorted read of every match never
    # runs on the event loop's thread (SQLite's quick reads run there; on PostgreSQL both
    # are the same engine). What runs there reads at most eleven rows of the name index.
    for number in range(11):
        await new_deal(services, REP, f"Initech {number}")
    db = services.db
    ran: dict[str, list[str]] = {"quick": [], "read": []}
    engines = {"quick": db.quick_engine, "read": db.engine}
    for name, engine in engines.items():
        event.listen(engine.sync_engine, "before_cursor_execute", _recorder(ran[name]))

    await show_deal(services, REP, DealNumber(acme_and_globex[0]))
    expect(await show_deal(services, REP, DealName("acme")), Shown)
    expect(await show_deal(services, REP, DealName("initech")), Ambiguous)

    sorted_reads = [sql for sql in ran["read"] if _by_name(sql) and "ORDER BY" in sql]
    assert len(sorted_reads) == 1, ran  # initech's: more than ten match
    if db.quick_engine is not db.engine:
        inline = [sql for sql in ran["quick"] if _by_name(sql)]
        assert len(inline) == 2, ran["quick"]
        assert all("ORDER BY" not in sql and "LIMIT" in sql for sql in inline), inline
        assert any("exit_tick" in sql for sql in ran["quick"])  # the cards


def _by_name(sql: str) -> bool:
    """A read of deals by a range of name keys (SQLite's >=, PostgreSQL's byte-order ~>=~)."""
    return re.search(r"name_key (>=|~>=~)", sql) is not None


def _recorder(into: list[str]) -> Any:
    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        into.append(statement)

    return record
