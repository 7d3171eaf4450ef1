"""Load benchmark: `stagecoach serve` over HTTP against a database of N deals, with the bare
Bolt app and a signature-only aiohttp handler measured beside it in the same run.

Not a test (nothing here asserts a time): run it and read the numbers.

    .venv/bin/python bench/load.py                       # SQLite and PostgreSQL, 10k and 100k
    .venv/bin/python bench/load.py --backends sqlite --deals 10000 --json out.json

For each backend and size it seeds a fresh database (`stagecoach db upgrade`, then bulk
inserts), starts `stagecoach serve` as a subprocess (start-up = process start until
/healthz answers 200), sends signed `/deal show #id`, `/deal advance #id` and checkbox
clicks at each concurrency, reads the server's peak RSS, then measures the references.
Time-to-ack is until the HTTP answer is read; time-to-reply is the same for answers inline
in the acknowledgement, and until the stand-in receives the reply for clicks. Every loop has
a fixed request count and a time limit; all traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

import aiohttp  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from bench.digest_time import digest_timing  # noqa: E402
from bench.plans import query_plans  # noqa: E402
from bench.processes import (  # noqa: E402
    SlackSide,
    cpu_seconds,
    free_port,
    peak_rss_mb,
    start_reference,
    start_serve,
    start_slack_side,
    stop,
)
from bench.report import Block, Row, as_json, blocks_table, table, to_row, verdicts, verdicts_text  # noqa: E402
from bench.seed import Seeded, seed, upgrade_schema  # noqa: E402
from bench.traffic import MakeRequest, Traffic, run_loop  # noqa: E402
from storage.urls import async_url  # noqa: E402

SECRET = "benchsigningsecret0123456789abcd"
# Created and dropped on the server: name another (BENCH_DB) where two runs share a server.
BENCH_DB = os.environ.get("BENCH_DB", "stagecoach_bench")
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
KINDS = ("show", "advance", "tick")  # the default; `show_name` and `list` on request
WARM_UP = 20  # requests of each kind before measuring: connections, caches, auth.test
SETTLE_S = 3.0  # after start-up, for the scheduler's first tick (nudges) to finish


@dataclass(slots=True)
class Plan:
    backends: list[str]
    sizes: list[int]
    concurrency: list[int]
    kinds: list[str]
    workers: list[int]
    requests: int
    requests_concurrent: int
    time_limit: float
    pg_url: str
    workdir: Path
    plans: bool
    rows: list[Row] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    def count(self, concurrency: int) -> int:
        return self.requests if concurrency == 1 else self.requests_concurrent


def parse_args(argv: list[str] | None = None) -> tuple[Plan, Path | None]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--deals", default="10000,100000", help="comma-separated sizes")
    parser.add_argument("--concurrency", default="1,20")
    parser.add_argument(
        "--workers",
        default="1",
        help="comma-separated `serve --workers` counts to measure in turn, e.g. 1,2 "
        "(SQLite runs one: larger counts are skipped there)",
    )
    parser.add_argument(
        "--kinds", default=",".join(KINDS), help="of show, show_name, advance, tick, list"
    )
    parser.add_argument("--requests", type=int, default=300, help="per loop at concurrency 1")
    parser.add_argument("--requests-concurrent", type=int, default=2000, help="per loop above 1")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per loop")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", PG_DEFAULT))
    parser.add_argument(
        "--workdir", type=Path, help="SQLite files and server logs (default: a temp dir)"
    )
    parser.add_argument("--no-plans", action="store_true", help="skip the EXPLAIN check")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    plan = Plan(
        backends=args.backends.split(","),
        sizes=[int(n) for n in args.deals.split(",")],
        concurrency=[int(n) for n in args.concurrency.split(",")],
        kinds=args.kinds.split(","),
        workers=[int(n) for n in args.workers.split(",")],
        requests=args.requests,
        requests_concurrent=args.requests_concurrent,
        time_limit=args.time_limit,
        pg_url=args.pg_url,
        workdir=_workdir(args.workdir),
        plans=not args.no_plans,
    )
    return plan, args.json


def _workdir(given: Path | None) -> Path:
    if given is None:
        return Path(tempfile.mkdtemp(prefix="stagecoach-bench-"))
    given.mkdir(parents=True, exist_ok=True)
    return given


async def fresh_database(plan: Plan, backend: str, deals: int) -> str:
    if backend == "sqlite":
        path = plan.workdir / f"bench-{deals}.db"
        for old in plan.workdir.glob(f"{path.name}*"):
            old.unlink()
        return f"sqlite:///{path}"
    admin = create_async_engine(async_url(plan.pg_url), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)"))
            await connection.execute(text(f"CREATE DATABASE {BENCH_DB}"))
    finally:
        await admin.dispose()
    return make_url(plan.pg_url).set(database=BENCH_DB).render_as_string(hide_password=False)


def server_env(slack: SlackSide, database_url: str, port: int) -> dict[str, str]:
    for stray in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_APP_TOKEN", "STAGECOACH_ADMINS"):
        os.environ.pop(stray, None)  # OAuth mode, Socket Mode and admins are not what we measure
    return {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
        "STAGECOACH_MAP": "default",
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
        # The digest and nudge scheduler runs inside serve: one tick at start (settled
        # before measuring, see SETTLE_S), none during the loops. Its periodic work is not
        # a request's cost; the digest line below times the heavy part on its own.
        "STAGECOACH_SCHEDULER_INTERVAL": "86400",
    }


async def measure(
    plan: Plan,
    session: aiohttp.ClientSession,
    url: str,
    make: MakeRequest,
    *,
    label: tuple[str, int, str, str],
    slack: SlackSide | None = None,
    expect_blocks: bool = False,
    limit: int | None = None,
    pid: int,
) -> None:
    backend, deals, target, kind = label
    for concurrency in plan.concurrency:
        count = plan.count(concurrency) if limit is None else min(limit, plan.count(concurrency))
        cpu_before = cpu_seconds(pid)
        result = await run_loop(
            session,
            url,
            make,
            count=count,
            concurrency=concurrency,
            time_limit=plan.time_limit,
            slack=slack,
            expect_blocks=expect_blocks,
        )
        cpu_after = cpu_seconds(pid)
        cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
        row = to_row(
            result,
            backend=backend,
            deals=deals,
            target=target,
            kind=kind,
            concurrency=concurrency,
            cpu_s=cpu,
        )
        plan.rows.append(row)
        print(table([row]).splitlines()[-1], flush=True)


def serve_target(workers: int) -> str:
    """The name a server's rows carry: `stagecoach` for one process (as before workers),
    `stagecoach x2` for two."""
    return "stagecoach" if workers == 1 else f"stagecoach x{workers}"


async def measure_serve(
    plan: Plan,
    slack: SlackSide,
    backend: str,
    seeded: Seeded,
    database_url: str,
    seed_s: float,
    workers: int = 1,
) -> None:
    port = free_port()
    env = server_env(slack, database_url, port)
    name = f"serve-{backend}-{seeded.deals}-w{workers}"
    server = await start_serve(env, port=port, logs=plan.workdir, name=name, workers=workers)
    traffic = Traffic(seeded, secret=SECRET, standin_url=slack.base_url)
    url = f"{server.base_url}/slack/events"
    makers = {
        "show": traffic.show,
        "show_name": traffic.show_by_name,
        "advance": traffic.advance,
        "tick": traffic.tick,
        "list": traffic.list_all,
    }
    await asyncio.sleep(SETTLE_S)
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
            for kind in plan.kinds:
                await run_loop(
                    session,
                    url,
                    makers[kind],
                    count=WARM_UP,
                    concurrency=1,
                    time_limit=30,
                    slack=slack,
                )
            for kind in plan.kinds:
                spare = len(traffic.ready) // len(plan.concurrency) if kind == "advance" else None
                await measure(
                    plan,
                    session,
                    url,
                    makers[kind],
                    label=(backend, seeded.deals, serve_target(workers), kind),
                    slack=slack,
                    expect_blocks=kind != "tick",
                    limit=spare,
                    pid=server.process.pid,
                )
        rss = peak_rss_mb(server.process.pid)
    finally:
        await stop(server.process)
        seeded.ready[:] = traffic.ready  # advanced now: the next server gets the others
    plan.blocks.append(
        Block(
            backend,
            seeded.deals,
            round(seed_s, 1),
            round(server.startup_s, 3),
            rss,
            serve_target(workers),
        )
    )


async def measure_references(plan: Plan, slack: SlackSide, backend: str, seeded: Seeded) -> None:
    traffic = Traffic(seeded, secret=SECRET, standin_url=slack.base_url)
    for kind, target in (("bolt", "bolt-noop"), ("floor", "floor")):
        port = free_port()
        env = server_env(slack, "sqlite://", port)
        server = await start_reference(kind, env, port=port, logs=plan.workdir)
        url = f"{server.base_url}/slack/events"
        try:
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
                await run_loop(
                    session, url, traffic.show, count=WARM_UP, concurrency=1, time_limit=30
                )
                await measure(
                    plan,
                    session,
                    url,
                    traffic.show,
                    label=(backend, seeded.deals, target, "noop"),
                    pid=server.process.pid,
                )
        finally:
            await stop(server.process)


async def run(plan: Plan) -> dict[str, object]:
    slack = await start_slack_side(plan.workdir)
    extra: dict[str, object] = {"workdir": str(plan.workdir), "plans": {}, "digest": {}}
    try:
        print(table([]), flush=True)
        for backend in plan.backends:
            for deals in plan.sizes:
                database_url = await fresh_database(plan, backend, deals)
                started = time.monotonic()
                upgrade_schema(database_url)
                seeded = await seed(database_url, deals=deals)
                seed_s = time.monotonic() - started
                if plan.plans and deals == max(plan.sizes):
                    extra["plans"][backend] = await query_plans(database_url, seeded)  # type: ignore[index]
                for workers in plan.workers:
                    if backend == "sqlite" and workers > 1:
                        print(f"sqlite: --workers {workers} skipped (SQLite runs one)", flush=True)
                        continue
                    await measure_serve(plan, slack, backend, seeded, database_url, seed_s, workers)
                await measure_references(plan, slack, backend, seeded)
                if deals == max(plan.sizes):
                    extra["digest"][backend] = await digest_timing(database_url, seeded)  # type: ignore[index]
    finally:
        await stop(slack.process)
    return extra


def print_report(plan: Plan, extra: dict[str, object]) -> None:
    print("\n## Requests (times in ms)\n")
    print(table(plan.rows))
    print("\n## Servers\n")
    print(blocks_table(plan.blocks))
    print("\n## Query plans (every per-request statement, EXPLAINed)\n")
    for backend, found in dict(extra["plans"]).items():  # type: ignore[call-overload]
        for entry in found:
            mark = "index" if entry["uses_index"] else "NO INDEX"
            print(f"[{mark}] {backend}: {entry['statement'][:110]}")
            for line in entry["plan"]:
                print(f"      {line}")
    print("\n## Digest\n")
    for backend, found in dict(extra["digest"]).items():  # type: ignore[call-overload]
        print(f"{backend}: {found}")
    print("\n## Targets\n")
    print(verdicts_text(verdicts(plan.rows, plan.blocks, extra["plans"])))  # type: ignore[arg-type]
    print(f"\nlogs and SQLite files: {plan.workdir}")


def main(argv: list[str] | None = None) -> int:
    plan, json_path = parse_args(argv)
    extra = asyncio.run(run(plan))
    print_report(plan, extra)
    if json_path:
        found = as_json(plan.rows, plan.blocks, **extra)  # type: ignore[arg-type]
        json_path.write_text(json.dumps(found, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
