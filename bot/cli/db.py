"""`stagecoach db upgrade`, `db backfill` and `db current`: the database schema (Alembic)
and the all-time KPI totals a new revision may have to count the history into.

The database is DATABASE_URL, or a SQLite file in the working directory when it is unset.
A URL stagecoach cannot use exits 2 and a database it cannot reach exits 1, each with one
line on stderr that says what was wrong: an admin runs this by hand, often as the first
command on a new server, and a traceback would hide the one fact that matters.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
from collections.abc import Awaitable, Callable

from sqlalchemy.exc import DBAPIError

from bot.cli.import_sources import ProgressBar
from flows.i18n import _
from storage import migrate, rollup_backfill
from storage.database import Database
from storage.urls import DatabaseUrlError, default_url

EXIT_OK, EXIT_UNREACHABLE, EXIT_BAD_URL = 0, 1, 2

DbAction = Callable[[Database], Awaitable[int]]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "db",
        help=_("create or upgrade the database schema"),
        description=_(
            "Manage the database schema. The database is DATABASE_URL "
            "(sqlite:///file.db or postgresql://user:password@host:5432/dbname), "
            "or a SQLite file in the working directory when it is unset."
        ),
    )
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    upgrade = actions.add_parser(
        "upgrade", help=_("apply every migration the database is missing (upgrade to head)")
    )
    upgrade.set_defaults(handler=lambda _args: run(upgrade_to_head))
    backfill = actions.add_parser(
        "backfill",
        help=_("count the history into the all-time KPI totals (resumes where it stopped)"),
    )
    backfill.set_defaults(handler=lambda _args: run(fill_totals))
    current = actions.add_parser(
        "current", help=_("print the database's schema revision and the newest one")
    )
    current.set_defaults(handler=lambda _args: run(print_revisions))


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or default_url()


def run(action: DbAction) -> int:
    """Open the configured database, run `action` on it, and turn the usual failures into
    one line on stderr and an exit code."""
    try:
        db = Database(database_url())
    except DatabaseUrlError as exc:
        _fail(str(exc))
        return EXIT_BAD_URL
    return asyncio.run(_run_on(db, action))


async def _run_on(db: Database, action: DbAction) -> int:
    try:
        unreachable = await _unreachable(db)
        if unreachable:
            _fail(
                _("cannot open the database {url}: {reason}").format(
                    url=db.url.render_as_string(hide_password=True), reason=unreachable
                )
            )
            return EXIT_UNREACHABLE
        return await action(db)
    finally:
        await db.dispose()


async def _unreachable(db: Database) -> str | None:
    """Why the database cannot be reached (refused, unknown host or database, bad
    credentials, a SQLite path that cannot be opened); None when it can."""
    if db.is_sqlite:
        return _sqlite_unreachable(db.url.database)
    try:
        async with db.write_engine.connect():
            return None
    except DBAPIError as exc:
        return _first_line(exc.orig if exc.orig is not None else exc)
    except OSError as exc:  # asyncpg raises socket errors as they are
        return _first_line(exc)


def _sqlite_unreachable(path: str | None) -> str | None:
    # Probed with the standard library: after a failed connect, aiosqlite leaves its worker
    # thread to report to an event loop that asyncio.run() has closed by then, and that
    # thread's traceback would follow our one line.
    try:
        connection = sqlite3.connect(path or ":memory:")
        try:
            connection.execute("PRAGMA schema_version")  # fails on a file that is not SQLite
        finally:
            connection.close()
    except sqlite3.Error as exc:
        return _first_line(exc)
    return None


async def upgrade_to_head(db: Database) -> int:
    before = await migrate.current_revision(db)
    head = migrate.head_revision()
    if before == head:
        print(_("the database is already at the newest revision ({head})").format(head=head))
        return EXIT_OK
    await migrate.upgrade(db)
    print(
        _("upgraded the database from {before} to {head}").format(
            before=before or _("an empty schema"), head=head
        )
    )
    return await fill_totals(db)


async def fill_totals(db: Database) -> int:
    """Count the history recorded before the all-time totals existed into them, a batch of
    deals per transaction with progress; killed, it resumes where it stopped
    (storage.rollup_backfill). Until it is done, reports read the history instead."""
    if await migrate.current_revision(db) != migrate.head_revision():
        _fail(_("the database is not at the newest revision: run 'stagecoach db upgrade'"))
        return EXIT_UNREACHABLE
    if (await rollup_backfill.reach_of(db)).done:
        print(_("the all-time KPI totals hold every deal"))
        return EXIT_OK
    bar = ProgressBar(sys.stderr, label=_("counting deals into the KPI totals"), reading="")
    with bar as progress:
        await rollup_backfill.backfill(db, progress=progress)
    print(_("the all-time KPI totals hold every deal"))
    return EXIT_OK


async def print_revisions(db: Database) -> int:
    current = await migrate.current_revision(db)
    head = migrate.head_revision()
    print(_("current: {revision}").format(revision=current or _("none (empty database)")))
    print(_("head: {revision}").format(revision=head))
    if current != head:
        print(_("run 'stagecoach db upgrade' to bring the database to head"))
    elif not (await rollup_backfill.reach_of(db)).done:
        print(_("run 'stagecoach db backfill' to finish counting the all-time KPI totals"))
    return EXIT_OK


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def _fail(message: str) -> None:
    print(f"stagecoach: {message}", file=sys.stderr)
