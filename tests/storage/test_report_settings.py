"""PostgreSQL report settings (no JIT, more sort memory, no parallel workers) hold for the
report's session only and never stay on a pooled connection (reads run in autocommit)."""

from __future__ import annotations

import pytest

from storage.database import Database
from storage.kpi_scope import REPORT_WORK_MEM, tune_for_reports


async def settings(session) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    connection = await session.connection()
    jit = (await connection.exec_driver_sql("SHOW jit")).scalar_one()
    memory = (await connection.exec_driver_sql("SHOW work_mem")).scalar_one()
    workers = "SHOW max_parallel_workers_per_gather"
    return str(jit), str(memory), str((await connection.exec_driver_sql(workers)).scalar_one())


async def test_report_settings_stay_in_the_report_session(database: Database) -> None:
    if database.is_sqlite:
        pytest.skip("PostgreSQL settings")
    async with database.read() as session:
        before = await settings(session)
    async with database.read() as session:
        await tune_for_reports(session)
        assert await settings(session) == ("off", REPORT_WORK_MEM, "0")
    for _ in range(3):  # whichever pooled connection comes next
        async with database.read() as session:
            assert await settings(session) == before
