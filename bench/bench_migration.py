"""How long does `stagecoach maps migrate` take? Seed N deals (10,000 by default; about 88%
open, in every stage before the win) on extended@2 into a SQLite file (and PostgreSQL with
--pg URL or TEST_DATABASE_URL), then time the dry run and the run to extended@3 (a renamed
stage, two merged: tests/support/migration.py).

Not a test: `.venv/bin/python bench/bench_migration.py [--deals N] [--batch B] [--pg [URL]]`.
The schema comes from the migrations, so the indexes measured are the ones deployed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from bot.core.catalog import MapCatalog  # noqa: E402
from bot.core.context import Services  # noqa: E402
from bot.deals.map_migration import MigrationRequest, migrate  # noqa: E402
from flows.stage_mapping import parse_stage_mapping  # noqa: E402
from storage import migrate as schema  # noqa: E402
from storage.database import Database  # noqa: E402
from tests.support.migration import (  # noqa: E402
    MAPPING_YAML,
    extended_v2,
    extended_v3,
    extended_v3_source,
    seed_deals,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--pg", nargs="?", const=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(f"sqlite:///{folder}/bench.db", args.deals, args.batch))
    if args.pg:
        asyncio.run(run(args.pg, args.deals, args.batch))


async def run(url: str, deals: int, batch: int) -> None:
    schema_name = None if url.startswith("sqlite") else f"bench_{uuid.uuid4().hex[:8]}"
    if schema_name:
        admin = Database(url)
        async with admin.engine.begin() as connection:
            await connection.exec_driver_sql(f'CREATE SCHEMA "{schema_name}"')
        await admin.dispose()
    db = Database(url, schema=schema_name) if schema_name else Database(url)
    try:
        await schema.upgrade(db)
        catalog = MapCatalog.from_ref("extended")
        await catalog.register(db)
        services = Services(db=db, catalog=catalog)
        seeded = await seed_deals(db, deals)
        source, target = extended_v2(), extended_v3()
        mapping = parse_stage_mapping(MAPPING_YAML, file="mapping.yml", source=source, target=target)  # fmt: skip
        request = MigrationRequest(source, target, extended_v3_source(), mapping, "UBENCH", batch=batch)  # fmt: skip
        timings = []
        for dry in (True, False):
            started = time.perf_counter()
            report = await migrate(services, MigrationRequest(**{**_fields(request), "dry_run": dry}))  # fmt: skip
            timings.append((time.perf_counter() - started, len(report.plans)))
        backend = "sqlite" if db.is_sqlite else "postgresql"
        open_count = sum(deal.status == "open" for deal in seeded)
        print(
            f"{backend}: {deals} deals, {open_count} open, batch {batch}: dry run "
            f"{timings[0][0]:.2f} s, run {timings[1][0]:.2f} s "
            f"({timings[1][1] / timings[1][0]:.0f} deals/s)"
        )
        await services.close()
    finally:
        if schema_name:
            await db.dispose()
            admin = Database(url)
            async with admin.engine.begin() as connection:
                await connection.exec_driver_sql(f'DROP SCHEMA "{schema_name}" CASCADE')
            await admin.dispose()


def _fields(request: MigrationRequest) -> dict[str, object]:
    return {name: getattr(request, name) for name in request.__dataclass_fields__}


if __name__ == "__main__":
    main()
