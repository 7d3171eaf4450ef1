"""Importing and exporting at size (docs/imports.md, "At scale"): memory does not grow with
the file, rows of a deal spread over the whole file still make one deal, exporting and
importing back round-trips, and a long import tells a log how far it got."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.cli.import_sources import ProgressBar
from bot.core.context import Services
from bot.history import importing
from bot.history.export import export_history
from bot.history.grouping import DealGroups
from bot.history.importing import ImportReport, import_history
from bot.history.rows import COLUMNS, SourceRow
from storage import history_store

TEAM = "TSCALE"
STAGES = ("qualify", "discovery", "demo")
START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
CHUNK = 3000  # rows sorted in memory at once here (200,000 in the command)


def history_lines(deals: int, *, first: int = 1) -> Iterator[str]:
    """A native history of `deals` deals of three entries each, written step by step (every
    deal's first entry, then every second one …), so a deal's rows lie far apart; made as
    it is read, so the test holds none of it."""
    yield ",".join(COLUMNS) + "\n"
    for step, stage in enumerate(STAGES):
        for n in range(first, first + deals):
            at = START + dt.timedelta(days=7 * step, minutes=n)
            yield f"K{n},Deal {n},UREPAAA01,{1000 + n},USD,{stage},{at.isoformat()},\n"


async def import_deals(services: Services, deals: int, *, first: int = 1) -> ImportReport:
    return await import_history(
        services,
        team_id=TEAM,
        process_map=services.catalog.current,
        lines=history_lines(deals, first=first),
        chunk_rows=CHUNK,
    )


async def peak(run: Callable[[], Awaitable[Any]]) -> int:
    """The most memory Python held above what it held before `run`, while it ran."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        await run()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


async def test_memory_does_not_grow_with_the_file(services: Services, tmp_path: Path) -> None:
    """Ten times the deals, not ten times the memory: the old importer held every row and
    plan (its peak grew with the file); this one holds a chunk of rows and a batch of deals.
    The same for the export, which streams rows from the database to the file."""
    await import_deals(services, 20, first=900_000)  # warm: the statements' caches
    small = await peak(lambda: import_deals(services, 1_000))
    big = await peak(lambda: import_deals(services, 10_000, first=1_001))
    assert big < 2 * small, (small, big)

    await export_history(services, team_id=TEAM, out_dir=tmp_path / "warm")
    big_export = await peak(lambda: export_history(services, team_id=TEAM, out_dir=tmp_path / "b"))
    one = await import_history(
        services,
        team_id="TSMALL",
        process_map=services.catalog.current,
        lines=history_lines(2_500),  # past one fetch of the stream (STREAM_ROWS)
    )
    assert one.deals_created == 2_500
    small_export = await peak(
        lambda: export_history(services, team_id="TSMALL", out_dir=tmp_path / "s")
    )
    assert big_export < 2 * small_export, (small_export, big_export)


async def test_a_deal_spread_over_the_file_is_one_deal_and_round_trips(
    services: Services, tmp_path: Path
) -> None:
    """Rows sorted on disk (ten chunks here) make the same deals as rows read at once; the
    export imports into another workspace and exports again byte for byte."""
    report = await import_deals(services, 10_000)
    assert (report.rows, report.deals_created, report.events_created) == (30_000, 10_000, 30_000)
    assert report.rejected_count == 0
    first = await export_history(services, team_id=TEAM, out_dir=tmp_path / "first")
    with first.events_file.open(encoding="utf-8") as lines:
        copied = await import_history(
            services, team_id="TCOPY", process_map=services.catalog.current, lines=lines
        )
    assert (copied.deals_created, copied.events_created) == (10_000, 30_000)
    second = await export_history(services, team_id="TCOPY", out_dir=tmp_path / "second")
    for made, again in ((first.events_file, second.events_file), (first.deals_file, second.deals_file)):  # fmt: skip
        assert made.read_bytes() == again.read_bytes()
    again_report = await import_deals(services, 10_000)  # idempotent, whatever the chunks
    assert (again_report.deals_created, again_report.deals_unchanged) == (0, 10_000)


async def test_rejections_are_counted_and_the_first_listed(services: Services) -> None:
    def lines() -> Iterator[str]:
        yield ",".join(COLUMNS) + "\n"
        for n in range(1, 1_501):
            yield f"B{n},Bad {n},UREPAAA01,1000,USD,nowhere,2025-01-02,\n"

    report = await import_history(
        services, team_id=TEAM, process_map=services.catalog.current, lines=lines(), chunk_rows=400
    )
    assert (report.rejected_count, len(report.rejected)) == (1_500, 1_000)
    assert [item.line for item in report.rejected[:3]] == [2, 3, 4]  # the first, by line


def test_a_log_gets_a_line_a_tenth_of_the_way() -> None:
    stream = io.StringIO()  # not a terminal
    with ProgressBar(stream, label="importing rows", reading="reading rows") as progress:
        progress(200_000, None)
        progress(300_000, None)
        for done in range(500, 300_000, 500):
            progress(done, 300_000)
        progress(300_000, 300_000)
    lines = stream.getvalue().splitlines()
    assert lines[:2] == ["reading rows: 200000", "reading rows: 300000"]
    assert len(lines) == 2 + 11, lines  # 0 %, each tenth, and the end
    assert lines[-1] == "importing rows: 300000/300000"


def test_groups_keep_file_order_and_leave_no_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the chunks go
    keys = ["B", "A", " B", "", "A", "C", "B", ""]  # " B" is deal B: ids are trimmed
    rows = [SourceRow(file="f", line=n, deal_id=key, stage="s", entered_at="") for n, key in enumerate(keys)]  # fmt: skip
    with DealGroups(rows, chunk_rows=3) as groups:
        assert list(tmp_path.iterdir())  # two chunks on disk, the last in memory
        found = [[row.line for row in group] for group in groups]
    assert found == [[3], [7], [1, 4], [0, 2, 6], [5]]  # no id: alone; a deal: file order
    assert not list(tmp_path.iterdir())

    def unreadable() -> Iterator[SourceRow]:
        yield from rows
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")

    with pytest.raises(UnicodeDecodeError), DealGroups(unreadable(), chunk_rows=3):
        pass
    assert not list(tmp_path.iterdir())


def test_a_terminal_gets_a_bar_for_reading_and_one_for_importing() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    with ProgressBar(stream, label="importing rows", reading="reading rows") as progress:
        progress(300_000, None)
        progress(1_000, 300_000)
        progress(300_000, 300_000)
        assert progress.bar is not None
        bars = [(task.description, task.completed, task.total) for task in progress.bar.tasks]
    assert bars == [("reading rows", 300_000, None), ("importing rows", 300_000, 300_000)]
    assert "300000/300000" in stream.getvalue()


async def import_failing_third_batch(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> list[int]:
    """An import of 1,000 deals in batches of 100 whose third write fails (a lost
    connection); the events each write was given, as the import stops."""
    monkeypatch.setattr(importing, "BATCH_DEALS", 100)
    written: list[int] = []
    insert_events = history_store.insert_events

    async def failing_third(session: Any, rows: Any) -> None:
        written.append(len(rows))
        if len(written) == 3:
            raise RuntimeError("the connection was lost")
        await insert_events(session, rows)

    monkeypatch.setattr(history_store, "insert_events", failing_third)
    with pytest.raises(RuntimeError, match="connection was lost"):
        await import_deals(services, 1_000)
    return written


async def test_a_write_that_fails_stops_the_import_after_the_batches_before_it(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches are written one at a time and in order while the next is planned: the third
    batch's failure comes out of the import, the two before it stay written and none after
    it is started (bot.history.overlap)."""
    insert_events = history_store.insert_events
    written = await import_failing_third_batch(services, monkeypatch)
    assert written == [300, 300, 300]
    monkeypatch.setattr(history_store, "insert_events", insert_events)
    again = await import_deals(services, 1_000)  # importing again finishes it
    assert (again.deals_unchanged, again.deals_created) == (200, 800)


def test_statistics_are_refreshed_each_time_the_written_deals_double() -> None:
    statistics = history_store.GrowingStatistics(next_at=100)
    due = [
        written for written in (50, 100, 150, 199, 200, 350, 400, 800) if statistics.due(written)
    ]
    assert due == [100, 200, 400, 800]


async def test_a_long_import_refreshes_the_statistics_as_it_writes(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: the planner's statistics follow the tables while an import writes, not
    only at its end (the triggers' look-ups are planned by them): stopped after two
    batches, the statistics already count the deals of the first."""
    if services.db.is_sqlite:
        pytest.skip("SQLite plans from its indexes alone")
    monkeypatch.setattr(history_store, "FIRST_REFRESH", 100)
    await import_failing_third_batch(services, monkeypatch)
    async with services.db.read() as session:
        connection = await session.connection()
        counted = await connection.exec_driver_sql(
            "SELECT reltuples FROM pg_class WHERE oid = 'deal'::regclass"
        )
        assert counted.scalar() >= 100  # the last ANALYZE saw at least the first batch
