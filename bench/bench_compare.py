"""bench_kpis' options for a longer history, for keeping its results and for comparing two
runs: how many times slower each case got when the history grew (bench/bench_kpis.py)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from storage import migrate
from storage.database import Database
from storage.history_store import DEAL, EVENT


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--span-days",
        type=float,
        default=None,
        help="days the deals' creations spread over (default: 730 per 100,000 deals, "
        "a constant arrival rate, so a 90-day window holds as much at any size)",
    )
    parser.add_argument("--out", metavar="FILE", help="also write the results' JSON to FILE")
    parser.add_argument(
        "--stats-json",
        metavar="FILE",
        help="write each case's report (stats --json) to FILE.<backend>, to compare byte for byte",
    )
    parser.add_argument(
        "--compare",
        nargs=2,
        metavar=("SMALL", "BIG"),
        help="print each case's growth (BIG's median ÷ SMALL's) from two --out files, and exit",
    )


def write_json(path: str, value: Any) -> None:
    Path(path).write_text(json.dumps(value, indent=1, sort_keys=True) + "\n", encoding="utf-8")


async def count_seeded(db: Database, team: str, now: dt.datetime) -> dict[str, Any]:
    """What an already seeded database holds (--reuse), brought up to the newest schema
    first, so that the indexes timed are the ones the code deploys (`now`: where the
    seeded history ends)."""
    await migrate.upgrade(db)
    async with db.write_engine.begin() as connection:
        if db.is_sqlite:
            await connection.exec_driver_sql("ANALYZE")
        deals, first = (
            await connection.execute(
                select(func.count(), func.min(DEAL.c.created_at)).where(DEAL.c.team_id == team)
            )
        ).one()
        events = (
            await connection.execute(select(func.count()).where(EVENT.c.team_id == team))
        ).scalar_one()
    if not db.is_sqlite:
        async with db.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.exec_driver_sql("ANALYZE")
    span = (now - first.replace(tzinfo=dt.UTC)).days if first is not None else 0
    return {"deals": deals, "events": events, "span_days": span}


async def server_cpu(db: Database, *, since: dict[int, float] | None = None) -> Any:
    """PostgreSQL: the CPU seconds of this database's backends (from /proc, so only when
    the server runs on this machine) by process id; with `since`, the seconds used since
    that reading (a backend opened meanwhile counts from zero). None on SQLite."""
    if db.is_sqlite:
        return None
    async with db.engine.connect() as connection:
        query = "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        pids = [row[0] for row in await connection.exec_driver_sql(query)]
    return cpu_of(pids, since)


def cpu_of(pids: list[int], since: dict[int, float] | None) -> Any:
    """The CPU seconds of these processes by id (from /proc); with `since`, the seconds
    used since that reading (a process new since then counts from zero)."""
    ticks = os.sysconf("SC_CLK_TCK")
    now: dict[int, float] = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        now[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    if since is None:
        return now
    return sum(seconds - since.get(pid, 0.0) for pid, seconds in now.items())


def compare(small_path: str, big_path: str) -> None:
    small, big = (json.loads(Path(p).read_text(encoding="utf-8")) for p in (small_path, big_path))
    before = {(row["backend"], row["case"]): row for row in small}
    head = f"{'backend':<11} {'case':<11} {'deals':>15} {'median s':>15} {'growth':>7} {'cpu s':>13} {'growth':>7}"
    print(head)
    print("-" * len(head))
    for row in big:
        was = before.get((row["backend"], row["case"]))
        if was is None:
            continue
        print(
            f"{row['backend']:<11} {row['case']:<11} "
            f"{_pair(was.get('deals'), row.get('deals')):>15} "
            f"{_pair(was['median_s'], row['median_s']):>15} "
            f"{_ratio(row['median_s'], was['median_s']):>7} "
            f"{_pair(was['cpu_median_s'], row['cpu_median_s']):>13} "
            f"{_ratio(row['cpu_median_s'], was['cpu_median_s']):>7}" + _server(was, row)
        )


def _server(was: dict[str, Any], row: dict[str, Any]) -> str:
    small, big = was.get("server_cpu_median_s"), row.get("server_cpu_median_s")
    if small is None or big is None:
        return ""
    return f" {_pair(small, big):>13} {_ratio(big, small):>7} (server cpu s)"


def _pair(small: Any, big: Any) -> str:
    return f"{small}→{big}"


def _ratio(big: float, small: float) -> str:
    return f"{big / small:.2f}x" if small else "-"
