"""How fast are the KPIs? Seed a synthetic history (100,000 deals, about 1,000,000 events)
into a SQLite file (and PostgreSQL with --pg or TEST_DATABASE_URL), then time
`compute_stats` for scope all, period all (and a 90-day period and one team) over several runs.

Not a test: run `.venv/bin/python bench/bench_kpis.py [--deals N] [--runs R] [--pg [URL]]`
and read the table (and the JSON line after it). Target: under 1 s per `compute_stats`.
The schema comes from the migrations, so the indexes measured are the ones deployed.

Deals arrive at a constant rate: their creations spread over `--span-days`, by default
730 days per 100,000 deals (two years at 100,000, twenty at 1,000,000), so a 90-day
window holds the same history at every size and a bigger `--deals` means a longer past,
not a busier quarter. `--out FILE` keeps the timings; `--compare SMALL BIG` prints how
much each case grew between two such files (bench/bench_compare.py). `--stats-json FILE`
writes each case's report as `stagecoach stats --json` gives it, to compare two versions
of the queries byte for byte.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from sqlalchemy import insert  # noqa: E402

from bench.bench_compare import add_options, compare, count_seeded, server_cpu, write_json  # noqa: E402
from bot.core.catalog import MapCatalog  # noqa: E402
from bot.core.context import Services  # noqa: E402
from bot.core.deal_status import status_for  # noqa: E402  (the app's own status rule)
from bot.core.scope import Scope  # noqa: E402
from bot.reporting.kpi_json import stats_json  # noqa: E402
from bot.reporting.kpis import compute_stats  # noqa: E402
from bot.reporting.periods import Period  # noqa: E402
from flows.schema import ProcessMap  # noqa: E402
from storage import migrate  # noqa: E402
from storage.database import Database  # noqa: E402
from storage.history_store import DEAL, EVENT, PERSON  # noqa: E402
from storage.stay_lengths import with_stay_days  # noqa: E402

TEAM = "TBENCH"
NOW = dt.datetime(2026, 6, 30, 12, 0, tzinfo=dt.UTC)
BATCH = 10_000
REPS, MANAGERS = 60, 6
DAYS_PER_100K = 730  # the arrival rate: 100,000 deals created over two years
FIRST_ANALYZE = 5_000  # deals seeded before the first ANALYZE (then at each doubling)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--sqlite", metavar="FILE", help="SQLite file (default: a temp file)")
    parser.add_argument(
        "--pg",
        nargs="?",
        const="",
        metavar="URL",
        help="also PostgreSQL (default URL: TEST_DATABASE_URL)",
    )
    parser.add_argument(
        "--schema", default="bench_kpis", help="PostgreSQL schema to seed (default: bench_kpis)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="time an already seeded database (file, schema)"
    )
    add_options(parser)
    args = parser.parse_args()
    if args.compare:
        compare(*args.compare)
        return
    if args.span_days is None:
        args.span_days = DAYS_PER_100K * args.deals / 100_000
    results = asyncio.run(run_all(args))
    print_table(results)
    print(json.dumps(results))
    if args.out:
        write_json(args.out, results)


async def run_all(args: argparse.Namespace) -> list[dict[str, Any]]:
    pg_url = args.pg or os.environ.get("TEST_DATABASE_URL")
    if args.pg is not None and not pg_url:
        sys.exit("--pg needs a URL or TEST_DATABASE_URL")
    path = args.sqlite or os.path.join(tempfile.mkdtemp(prefix="bench_kpis_"), "bench.db")
    results = await bench_backend("sqlite", f"sqlite:///{path}", None, args)
    if pg_url:
        results += await bench_backend("postgresql", pg_url, args.schema, args)
    return results


async def bench_backend(
    backend: str, url: str, schema: str | None, args: argparse.Namespace
) -> list[dict[str, Any]]:
    if schema and not args.reuse:
        await recreate_schema(url, schema)
    db = Database(url, schema=schema)
    catalog = MapCatalog.from_ref("default")
    seeded = await seed(db, catalog, args) if not args.reuse else await count_seeded(db, TEAM, NOW)
    services = Services(db=db, catalog=catalog, clock=lambda: NOW)
    cases = [
        ("all / all", Scope.everyone(), Period.everything()),
        ("all / 90d", Scope.everyone(), Period.last_days(90, today=NOW.date())),
        ("team / all", Scope.team("UMGR00000"), Period.everything()),
    ]
    rows, reports = [], {}
    for label, scope, period in cases:
        times, reports[label] = await time_stats(services, scope, period, runs=args.runs)
        rows.append({"backend": backend, "case": label, **seeded, **summarize_times(times)})
    await db.dispose()
    if args.stats_json:
        write_json(f"{args.stats_json}.{backend}", reports)
    return rows


async def recreate_schema(url: str, schema: str) -> None:
    admin = Database(url)
    async with admin.engine.begin() as connection:
        await connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    await admin.dispose()


async def time_stats(
    services: Services, scope: Scope, period: Period, *, runs: int
) -> tuple[list[tuple[float, float, float | None]], dict[str, Any]]:
    """(wall seconds, this process's CPU seconds, the PostgreSQL server's CPU seconds)
    per run, and the report's JSON. On SQLite the database work runs in this process, so
    its CPU time says what the work costs on a busy machine; on PostgreSQL that is the
    client's share only, and the server's is read off its backends (bench_compare)."""
    times, report = [], {}
    for _ in range(runs):
        server = await server_cpu(services.db)
        started, cpu = time.perf_counter(), time.process_time()
        stats = await compute_stats(services, team_id=TEAM, scope=scope, period=period)
        wall, client = time.perf_counter() - started, time.process_time() - cpu
        times.append((wall, client, await server_cpu(services.db, since=server)))
        report = stats_json(stats)
    return times, report


def summarize_times(times: list[tuple[float, float, float | None]]) -> dict[str, Any]:
    walls = [wall for wall, _cpu, _server in times]
    found = {
        "runs": len(times),
        "first_s": round(walls[0], 3),
        "median_s": round(statistics.median(walls), 3),
        "best_s": round(min(walls), 3),
        "cpu_median_s": round(statistics.median(cpu for _wall, cpu, _server in times), 3),
    }
    servers = [server for _wall, _cpu, server in times if server is not None]
    if servers:
        found["server_cpu_median_s"] = round(statistics.median(servers), 3)
    return found


def print_table(rows: list[dict[str, Any]]) -> None:
    head = f"{'backend':<11} {'case':<11} {'deals':>8} {'events':>9} {'span d':>6} {'seed s':>7} {'runs':>4} {'first s':>8} {'median s':>9} {'best s':>7} {'cpu s':>6} {'server cpu s':>12}"
    print(head)
    print("-" * len(head))
    for row in rows:
        print(
            f"{row['backend']:<11} {row['case']:<11} {row.get('deals', '-'):>8} "
            f"{row.get('events', '-'):>9} {row.get('span_days', '-'):>6} "
            f"{row.get('seed_s', '-'):>7} {row['runs']:>4} "
            f"{row['first_s']:>8} {row['median_s']:>9} {row['best_s']:>7} {row['cpu_median_s']:>6} "
            f"{row.get('server_cpu_median_s', '-'):>12}"
        )


# -- seeding ---------------------------------------------------------------------------------------


async def seed(db: Database, catalog: MapCatalog, args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    await migrate.upgrade(db)
    await catalog.register(db)
    rng = random.Random(args.seed)
    deals: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    event_count = 0
    async with db.write_engine.begin() as connection:
        await connection.execute(insert(PERSON), people())
    analyze_at = FIRST_ANALYZE
    for deal_id in range(1, args.deals + 1):
        deal, history = synthetic_deal(catalog.current, deal_id, rng, args.span_days)
        deals.append(deal)
        events += history
        if len(events) >= BATCH:
            event_count += await flush(db, deals, events)
            deals, events = [], []
            if deal_id >= analyze_at:
                await analyze(db)
                analyze_at *= 2
    event_count += await flush(db, deals, events)
    if db.is_sqlite:
        async with db.write_engine.begin() as connection:
            await connection.exec_driver_sql("ANALYZE")
    else:
        # what autovacuum does within a minute of a bulk load: statistics, and the
        # visibility map without which PostgreSQL reads the table beside every index entry
        # (the timings otherwise depend on whether autovacuum came by before the runs)
        async with db.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.exec_driver_sql("VACUUM ANALYZE")
    return {
        "deals": args.deals,
        "events": event_count,
        "span_days": round(args.span_days),
        "seed_s": round(time.perf_counter() - started, 1),
    }


async def analyze(db: Database) -> None:
    """PostgreSQL's statistics, each time the history has doubled: the running totals'
    triggers run queries planned by them, and on a server whose autovacuum is off (this
    machine's) they stayed those of an empty database. The seed of 1,000,000 deals wrote
    2,600 deals a minute that way, and 22,000 after an ANALYZE."""
    if not db.is_sqlite:
        async with db.write_engine.begin() as connection:
            await connection.exec_driver_sql("ANALYZE")


async def flush(db: Database, deals: list[dict[str, Any]], events: list[dict[str, Any]]) -> int:
    """One batch, in a transaction of its own, as an import writes it."""
    async with db.write_engine.begin() as connection:
        if deals:
            await connection.execute(insert(DEAL), deals)
        if events:  # with each stay's length, as storage writes it (storage.stay_lengths)
            await connection.execute(insert(EVENT), with_stay_days(events))
    return len(events)


def people() -> list[dict[str, Any]]:
    managers = [f"UMGR{n:05d}" for n in range(MANAGERS)]
    rows = [_person(user, None, "manager") for user in managers]
    rows += [_person(f"UREP{n:05d}", managers[n % MANAGERS], "rep") for n in range(REPS)]
    return rows


def _person(user_id: str, manager_id: str | None, role: str) -> dict[str, Any]:
    return {
        "team_id": TEAM,
        "user_id": user_id,
        "role": role,
        "manager_id": manager_id,
        "created_at": NOW,
    }


def synthetic_deal(
    process_map: ProcessMap, deal_id: int, rng: random.Random, span_days: float = 730
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A deal's life on the default map: ticks and objections in each stage, then an
    advance (sometimes skipping, sometimes overridden), a loss, a nurture or a
    disqualification; some losses reopen. Stops where it reaches the present."""
    owner = f"UREP{rng.randrange(REPS):05d}"
    at = NOW - dt.timedelta(days=rng.uniform(0, span_days))
    walk = list(_stays(_walk(process_map, rng, at)))
    history = [_event(deal_id, owner, step) for step in walk]
    last = [step for step in walk if "to" in step][-1]
    stage = process_map.stage(last["to"])
    deal = {
        "id": deal_id,
        "team_id": TEAM,
        "name": f"Deal {deal_id}",
        "name_key": f"deal {deal_id}",
        "amount": float(rng.choice((5, 10, 20, 50, 80, 120, 250)) * 1000),
        "currency": "USD",
        "owner_id": owner,
        "created_by": owner,
        "map_id": process_map.id,
        "map_version": process_map.version,
        "stage": stage.id,
        "status": status_for(process_map, stage).value,
        "version": 1,
        "is_practice": rng.random() < 0.01,
        "created_at": walk[0]["at"],
        "updated_at": history[-1]["at"],
        "stage_entered_at": last["at"],
        "last_activity_at": history[-1]["at"],
    }
    return deal, history


def _walk(process_map: ProcessMap, rng: random.Random, at: dt.datetime) -> Iterator[dict[str, Any]]:
    main = [stage.id for stage in process_map.open_stages]
    here: str = main[0]
    yield {"kind": "created", "to": here, "at": at}
    while True:
        stage = process_map.stage(here)
        for item in stage.exit[: rng.randint(1, 3)]:
            at += dt.timedelta(hours=rng.uniform(1, 48))
            yield {"kind": "ticked", "from": here, "item": item.id, "at": at}
        if stage.playbook and rng.random() < 0.15:
            at += dt.timedelta(hours=rng.uniform(1, 24))
            yield {"kind": "objection", "from": here, "value": stage.playbook[0].id, "at": at}
        at += dt.timedelta(days=rng.expovariate(1 / (stage.target_days or 10)))
        if at > NOW:
            return
        move = _next_move(process_map, rng, here, main)
        if move is None:
            return
        yield {**move, "from": here, "at": at}
        here = move["to"]


def _stays(walk: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Give each move the start of the stay it ends (the time of the entry before it), as
    the app records it (`stay_started_at`, see bot.deals.moving)."""
    entered: dt.datetime | None = None
    for step in walk:
        if "to" not in step:  # a tick or an objection: no stage entry
            yield step
            continue
        yield {**step, "started": entered}  # None for the creation
        entered = step["at"]


def _next_move(
    process_map: ProcessMap, rng: random.Random, here: str, main: list[str]
) -> dict[str, Any] | None:
    stage = process_map.stage(here)
    roll = rng.random()
    if not stage.is_open:
        if stage.reopen and roll < 0.1:
            return {"kind": "reopened", "to": stage.reopen[0], "action": "reopen"}
        return None
    index = main.index(here)
    if index + 1 >= len(main):
        return None
    branches = {b.value for b in stage.branches}
    if "lose" in branches and roll < 0.2:
        reason = rng.choice(process_map.lost_reasons)
        return {
            "kind": "branched",
            "to": "lost",
            "action": "lose",
            "value": reason,
            "reason": reason,
        }
    if "nurture" in branches and roll < 0.25:
        return {"kind": "branched", "to": "nurture", "action": "nurture"}
    if "disqualify" in branches and roll < 0.3:
        return {
            "kind": "branched",
            "to": "disqualified",
            "action": "disqualify",
            "reason": "no fit",
        }
    step = 2 if roll > 0.97 and index + 2 < len(main) else 1
    kind = "overridden" if rng.random() < 0.05 else "advanced"
    return {"kind": kind, "to": main[index + step], "action": "advance"}


def _event(deal_id: int, owner: str, step: dict[str, Any]) -> dict[str, Any]:
    return {
        "team_id": TEAM,
        "deal_id": deal_id,
        "map_id": "default",
        "kind": step["kind"],
        "actor_id": owner,
        "at": step["at"],
        "from_stage": step.get("from"),
        "to_stage": step.get("to"),
        "item_id": step.get("item"),
        "action": step.get("action"),
        "reason": step.get("reason"),
        "value": step.get("value"),
        "stay_started_at": step.get("started"),
    }


if __name__ == "__main__":
    main()
