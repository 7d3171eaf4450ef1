"""Every statement one request runs, EXPLAINed on the seeded database.

The use cases run in-process (show by number, by the implicit reference, by a name's
prefix and by a name no deal has, advance, a checkbox selection) while an engine hook
records each statement with its parameters; then each distinct statement is explained
with those parameters. A per-request statement must
find its rows through an index, or its cost grows with the number of deals:

- SQLite: no `SCAN` step (a full table or full index walk); `SEARCH … USING …` is fine.
- PostgreSQL: no `Seq Scan` even with `enable_seqscan = off` (with it on, the planner may
  rightly prefer a scan of a tiny table such as `person`; off, a missing index shows).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.seed import Seeded
from bot.core.boot import open_services
from bot.core.context import Actor, Services
from bot.core.refs import CURRENT, DealName, DealNumber, SeenDeal
from bot.core.settings import Settings
from bot.deals import moving, ticking
from bot.deals.showing import show_deal

Statement = tuple[str, Any]


async def query_plans(database_url: str, seeded: Seeded) -> list[dict[str, Any]]:
    """Call before the load runs: it advances one `ready` deal and takes it out of the pool."""
    services = await open_services(Settings(database_url=database_url))
    try:
        recorded = await _record(services, seeded)
        return [await _explain(services.db.engine, sql, params) for sql, params in recorded]
    finally:
        await services.close()


async def _record(services: Services, seeded: Seeded) -> list[Statement]:
    seen: dict[str, Any] = {}

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if statement.split(None, 1)[0].upper() in ("SELECT", "UPDATE", "INSERT", "DELETE"):
            seen.setdefault(statement, parameters)

    db = services.db
    engines = {e.sync_engine for e in (db.engine, db.quick_engine, db.write_engine)}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", keep)
    try:
        await _one_of_each(services, seeded)
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", keep)
    return list(seen.items())


async def _one_of_each(services: Services, seeded: Seeded) -> None:
    ready, tickable = seeded.ready.pop(), seeded.tickable[0]
    shower = Actor(team_id=seeded.team_id, user_id=seeded.owners[1], channel_id="C0BENCH001")
    await show_deal(services, shower, DealNumber(1))
    await show_deal(services, shower, CURRENT)  # the implicit deal: bound channel, last deal
    await show_deal(services, shower, DealName("bench account 000001"))  # a name's prefix
    await show_deal(services, shower, DealName("no such account"))  # then the names it is near
    owner = Actor(team_id=seeded.team_id, user_id=ready.owner_id, channel_id="C0BENCH001")
    await moving.advance(services, owner, DealNumber(ready.deal_id))
    ticker = Actor(team_id=seeded.team_id, user_id=tickable.owner_id)
    await ticking.set_ticks(
        services,
        ticker,
        SeenDeal(tickable.deal_id, tickable.stage),
        selection=list(tickable.items[:1]),
    )


async def _explain(engine: AsyncEngine, sql: str, params: Any) -> dict[str, Any]:
    sqlite = engine.dialect.name == "sqlite"
    if isinstance(params, list):  # an executemany (a change's events): plan one row of it
        params = params[0]
    async with engine.connect() as connection:
        prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
        shown = await connection.exec_driver_sql(prefix + sql, params)
        plan = [str(row[-1]) for row in shown]
        if sqlite:
            # A scan of a subquery's rows (a CO-ROUTINE, itself planned above) reads only
            # what the subquery found: a name's prefix reads at most eleven deals so.
            subqueries = {line.split()[1] for line in plan if line.startswith("CO-ROUTINE ")}
            uses_index = not any(
                line.lstrip().startswith("SCAN ") and line.split()[1] not in subqueries
                for line in plan
            )
        else:
            await connection.execute(text("SET enable_seqscan = off"))
            forced = await connection.exec_driver_sql(prefix + sql, params)
            uses_index = not any("Seq Scan" in str(row[-1]) for row in forced)
        await connection.rollback()
    return {"statement": " ".join(sql.split()), "plan": plan, "uses_index": uses_index}
