"""A large planted history for `stagecoach discover`, and how long the report takes on it.

    python bench/discovery_history.py sqlite:////tmp/discover-10k.db --deals 10000
    python bench/discovery_history.py postgresql://postgres@127.0.0.1/bench --deals 10000 --clean

Writes the history of tests/support/planted_history.py (most deals through the CRM history
import, a few hundred walked through the use cases) into a new database, then times the
report and the proposal as `stagecoach discover --propose` builds them. Afterwards run the
command itself on the same DATABASE_URL to read what it says.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from bot.core.boot import open_services
from bot.core.scope import Scope
from bot.core.settings import Settings
from bot.reporting.discovery.map_edits import ProposedMap
from bot.reporting.discovery.measure import discover
from bot.reporting.discovery.proposing import proposed_map
from bot.reporting.discovery.report import DiscoveryReport
from tests.conftest import Clock
from tests.support.planted_history import NOW, TEAM, plant


async def run(url: str, *, deals: int, walked: int, planted: bool) -> None:
    settings = dataclasses.replace(
        Settings.from_env({"DATABASE_URL": url}), admins=frozenset({"UADMIN"})
    )
    services = await open_services(settings)
    clock = Clock(NOW)
    services.clock = clock
    started = time.perf_counter()
    record = await plant(
        services, clock, planted=planted, imported=deals, walked=walked, lost=walked
    )
    written = time.perf_counter() - started
    async with services.db.write_engine.begin() as connection:
        # fresh tables have no statistics until autovacuum gets to them: without them
        # PostgreSQL plans the tick and outcome queries as nested loops (a minute, not 1 s)
        await connection.exec_driver_sql("ANALYZE")
    print(
        f"wrote {deals + 2 * walked} deals, {sum(record.moves.values())} moves in {written:.1f} s"
    )
    for attempt in (1, 2, 3):
        started = time.perf_counter()
        report = await discover(
            services, team_id=TEAM, scope=Scope.everyone(), title="everyone", period="all"
        )
        assert isinstance(report, DiscoveryReport), report
        proposed = await proposed_map(services, report, team_id=TEAM, name="new.yml")
        took = time.perf_counter() - started
        changes = len(proposed.changes) if isinstance(proposed, ProposedMap) else proposed
        print(f"report and proposal, run {attempt}: {took:.2f} s; changes proposed: {changes}")
    await services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="DATABASE_URL of a new, empty database")
    parser.add_argument("--deals", type=int, default=10_000, help="imported deals")
    parser.add_argument("--walked", type=int, default=100, help="won and lost deals walked each")
    parser.add_argument("--clean", action="store_true", help="plant no pattern")
    args = parser.parse_args()
    asyncio.run(run(args.url, deals=args.deals, walked=args.walked, planted=not args.clean))


if __name__ == "__main__":
    main()
