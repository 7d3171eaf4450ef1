"""How long the reads that run on a schedule or on a click take on a long history: a
weekly digest (one manager's team, the whole workspace), the nudge scan, App Home (a rep,
a manager), the reverse funnel (`stagecoach plan`) and `stagecoach discover` over 90 days.

Not a test. Run it on databases seeded by bench/bench_kpis.py (its team, people and
clock), e.g. 100,000 and 1,000,000 deals, and compare the two:

    .venv/bin/python bench/scale_reads.py --sqlite /work/bench/digest-100k.db \\
        --pg postgresql://postgres@127.0.0.1/test_digest --schema digest_100k --out 100k.json
    .venv/bin/python bench/scale_reads.py --sqlite /work/bench/digest-k1m.db \\
        --pg postgresql://postgres@127.0.0.1/test --schema bench_1m --out 1m.json
    .venv/bin/python bench/scale_reads.py --compare 100k.json 1m.json

It only reads: nothing is migrated or analysed, and on PostgreSQL every connection is
read-only (`default_transaction_read_only`), so a shared seeded schema stays as it is.
Each case prints wall and CPU seconds (this process's; on PostgreSQL also the server's,
from the backends this run opened: bench_compare.server_cpu). `--statements N` prints each
case's N slowest statements, to find the one that reads the whole history.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from sqlalchemy import event, func, insert, select  # noqa: E402
from sqlmodel.ext.asyncio.session import AsyncSession  # noqa: E402

from bench.bench_compare import compare, cpu_of, write_json  # noqa: E402
from bench.bench_kpis import NOW, TEAM, summarize_times  # noqa: E402
from bot.core.catalog import MapCatalog  # noqa: E402
from bot.core.context import Actor, Services  # noqa: E402
from bot.core.scope import Scope  # noqa: E402
from bot.digests import nudges  # noqa: E402
from bot.digests.compose import compose_digest  # noqa: E402
from bot.home.app_home import home_overview  # noqa: E402
from bot.reporting import stats as reports  # noqa: E402
from bot.reporting.discovery.measure import discover  # noqa: E402
from bot.reporting.discovery.report import DiscoveryReport  # noqa: E402
from bot.reporting.stats import PlanReport  # noqa: E402
from storage import digest_queries  # noqa: E402
from storage.database import Database  # noqa: E402
from storage.digest_models import DigestSubscription, Nudge  # noqa: E402
from storage.history_store import DEAL, EVENT  # noqa: E402

# A case that must prepare inside its own transaction sets the moment its timed part began.
TIMED: ContextVar[float | None] = ContextVar("TIMED", default=None)
APP_NAME = "scale_reads"  # the PostgreSQL backends this run opened are the ones counted
MANAGER, REP = "UMGR00000", "UREP00000"  # UREP00000 reports to UMGR00000 (bench_kpis.people)
WEEK = dt.timedelta(days=7)

Case = Callable[[Services], Awaitable[Any]]
Statement = tuple[str, Any, float]  # SQL, its parameters, seconds


def _subscription(scope: str, user_id: str | None) -> DigestSubscription:
    return DigestSubscription(
        team_id=TEAM,
        channel_id="C0SCALE001",
        frequency="weekly",
        at_time="09:00",
        tz="UTC",
        scope=scope,
        scope_user_id=user_id,
        created_by=MANAGER,
    )


def _digest(scope: str, user_id: str | None) -> Case:
    async def run(services: Services) -> Any:
        found = await compose_digest(
            services,
            subscription=_subscription(scope, user_id),
            window_start=NOW - WEEK,
            window_end=NOW,
        )
        return {"new": len(found.new), "advanced": len(found.advanced), "stuck": len(found.stuck)}

    return run


async def _nudge_scan(services: Services) -> Any:
    return len(await nudges.new_crossings(services, now=NOW))


async def _nudge_scan_all_nudged(services: Services) -> Any:
    """The scan once every crossing has its nudge (a day's ticks after a start): the seeded
    databases have no nudge rows, so they are written first, in a transaction rolled back
    at the end, and the scan runs inside it. Only the scan is timed (see `bench`)."""
    db = services.db
    async with db.write_engine.connect() as connection:
        transaction = await connection.begin()
        if not db.is_sqlite:
            await connection.exec_driver_sql("SET TRANSACTION READ WRITE")
        session = AsyncSession(bind=connection)
        limits = {
            kind: await nudges.thresholds(services, kind=kind, now=NOW) for kind in nudges.KINDS
        }
        for kind, found in limits.items():
            crossed = await digest_queries.crossed(
                session, kind=kind, thresholds=found, limit=10**7
            )
            await connection.execute(
                insert(Nudge.__table__), [_nudged(deal, kind) for deal in crossed]
            )  # type: ignore[attr-defined]
        TIMED.set(time.perf_counter())
        left = [
            len(
                await digest_queries.crossed(
                    session, kind=kind, thresholds=found, limit=nudges.MAX_PER_TICK
                )
            )
            for kind, found in limits.items()
        ]
        await transaction.rollback()
    return left


def _nudged(deal: Any, kind: str) -> dict[str, Any]:
    return {
        "team_id": deal.team_id, "deal_id": deal.id, "kind": kind, "stage": deal.stage,
        "since": nudges.mark_of(deal, kind), "status": "posted", "claim_token": "bench",
        "claimed_by": "bench", "lease_until": NOW, "attempts": 1, "created_at": NOW,
    }  # fmt: skip


def _home(user_id: str) -> Case:
    async def run(services: Services) -> Any:
        found = await home_overview(services, Actor(team_id=TEAM, user_id=user_id))
        return {"mine": found.my_total, "team": found.team_total}

    return run


async def _plan(services: Services) -> Any:
    found = await reports.plan_for(
        services, team_id=TEAM, scope=Scope.everyone(), title="everyone", quota="1m",
        period="quarter",
    )  # fmt: skip
    assert isinstance(found, PlanReport), found
    return found.plan.wins


async def _discover(services: Services) -> Any:
    found = await discover(
        services, team_id=TEAM, scope=Scope.everyone(), title="everyone", period="90d"
    )
    assert isinstance(found, DiscoveryReport), found
    return len(found.moves)


CASES: list[tuple[str, Case]] = [
    ("digest team", _digest("team", MANAGER)),
    ("digest all", _digest("all", None)),
    ("nudge scan", _nudge_scan),
    ("nudge steady", _nudge_scan_all_nudged),
    ("home rep", _home(REP)),
    ("home manager", _home(MANAGER)),
    ("plan", _plan),
    ("discover 90d", _discover),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", metavar="FILE", help="a SQLite file seeded by bench_kpis")
    parser.add_argument("--pg", metavar="URL", help="a PostgreSQL database seeded by bench_kpis")
    parser.add_argument("--schema", help="the PostgreSQL schema (e.g. bench_1m)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cases", help="comma-separated case names (default: all)")
    parser.add_argument("--statements", type=int, default=0, metavar="N")
    parser.add_argument(
        "--explain", action="store_true", help="also EXPLAIN (QUERY PLAN) those statements"
    )
    parser.add_argument("--out", metavar="FILE", help="also write the results' JSON to FILE")
    parser.add_argument("--compare", nargs=2, metavar=("SMALL", "BIG"))
    args = parser.parse_args()
    if args.compare:
        compare(*args.compare)
        return
    rows: list[dict[str, Any]] = []
    if args.sqlite:
        rows += asyncio.run(bench("sqlite", f"sqlite:///{args.sqlite}", None, args))
    if args.pg:
        rows += asyncio.run(bench("postgresql", args.pg, args.schema, args))
    print_table(rows)
    if args.out:
        write_json(args.out, rows)


async def bench(
    backend: str, url: str, schema: str | None, args: argparse.Namespace
) -> list[dict[str, Any]]:
    db = Database(url, schema=schema)
    if not db.is_sqlite:
        _read_only_and_named(db)
    statements: list[Statement] = []
    _record_statements(db, statements)
    services = Services(db=db, catalog=MapCatalog.from_ref("default"), clock=lambda: NOW)
    seeded = await _seeded(db)
    wanted = set(args.cases.split(",")) if args.cases else None
    rows = []
    for label, case in CASES:
        if wanted is not None and label not in wanted:
            continue
        times, result = [], None
        for _ in range(args.runs):
            statements.clear()
            server = await server_cpu(db)
            TIMED.set(None)
            started, cpu = time.perf_counter(), time.process_time()
            result = await case(services)
            wall, client = time.perf_counter() - (TIMED.get() or started), time.process_time() - cpu
            times.append((wall, client, await server_cpu(db, since=server)))
        row = {"backend": backend, "case": label, **seeded, **summarize_times(times)}
        rows.append(row | {"result": json.dumps(result)})
        print(json.dumps(rows[-1]), flush=True)
        await _print_slowest(db, statements, args.statements, explain=args.explain)
    await db.dispose()
    return rows


def _read_only_and_named(db: Database) -> None:
    def on_connect(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute(f"SET application_name = '{APP_NAME}'")
        cursor.execute("SET default_transaction_read_only = on")
        cursor.close()

    for engine in {db.engine, db.write_engine, db.quick_engine}:
        event.listen(engine.sync_engine, "connect", on_connect)


def _record_statements(db: Database, into: list[Statement]) -> None:
    def before(conn: Any, _cursor: Any, _sql: str, _params: Any, context: Any, _many: Any) -> None:
        context._scale_started = time.perf_counter()

    def after(conn: Any, _cursor: Any, sql: str, params: Any, context: Any, _many: Any) -> None:
        into.append((sql, params, time.perf_counter() - context._scale_started))

    for engine in {db.engine, db.write_engine, db.quick_engine}:
        event.listen(engine.sync_engine, "before_cursor_execute", before)
        event.listen(engine.sync_engine, "after_cursor_execute", after)


async def _print_slowest(
    db: Database, statements: list[Statement], count: int, *, explain: bool
) -> None:
    if not count:
        return
    total = sum(seconds for _sql, _params, seconds in statements)
    print(f"  {len(statements)} statements, {total:.3f} s in the database (last run)")
    for sql, params, seconds in sorted(statements, key=lambda found: -found[2])[:count]:
        print(f"  {seconds:8.3f} s  {' '.join(sql.split())[:300]}")
        if explain:
            for line in await _explain(db, sql, params):
                print(f"             {line}")


async def _explain(db: Database, sql: str, params: Any) -> list[str]:
    prefix = "EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN "
    async with db.engine.connect() as connection:
        found = await connection.exec_driver_sql(prefix + sql, params)
        return [str(row[-1]) for row in found]


async def _seeded(db: Database) -> dict[str, Any]:
    async with db.engine.connect() as connection:
        deals = (
            await connection.execute(select(func.count()).where(DEAL.c.team_id == TEAM))
        ).scalar_one()
        events = (
            await connection.execute(select(func.count()).where(EVENT.c.team_id == TEAM))
        ).scalar_one()
    return {"deals": deals, "events": events}


async def server_cpu(db: Database, *, since: dict[int, float] | None = None) -> Any:
    """bench_compare.server_cpu, counting only this run's backends (others share the
    database `test`): those named APP_NAME."""
    if db.is_sqlite:
        return None
    async with db.engine.connect() as connection:
        query = f"SELECT pid FROM pg_stat_activity WHERE application_name = '{APP_NAME}'"
        pids = [row[0] for row in await connection.exec_driver_sql(query)]
    return cpu_of(pids, since)


def print_table(rows: list[dict[str, Any]]) -> None:
    head = f"{'backend':<11} {'case':<13} {'deals':>8} {'runs':>4} {'first s':>8} {'median s':>9} {'cpu s':>6} {'server cpu s':>12}  result"
    print(head)
    print("-" * len(head))
    for row in rows:
        print(
            f"{row['backend']:<11} {row['case']:<13} {row['deals']:>8} {row['runs']:>4} "
            f"{row['first_s']:>8} {row['median_s']:>9} {row['cpu_median_s']:>6} "
            f"{row.get('server_cpu_median_s', '-'):>12}  {row['result']}"
        )


if __name__ == "__main__":
    main()
