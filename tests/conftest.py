"""Shared fixtures: a real database per test (SQLite file, and PostgreSQL where
TEST_DATABASE_URL is set), and the use-case services over it."""

from __future__ import annotations

import datetime as dt
import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (registers every table)
from bot.core.catalog import MapCatalog
from bot.core.context import Services
from storage.database import Database

# Fixtures and helpers several test folders share, defined once in tests/support.
pytest_plugins = [
    "tests.support.maps",
    "tests.support.shell",
    "tests.support.slack",
    "tests.support.team",
]

PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(autouse=True)
def _no_oauth_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # Stray SLACK_CLIENT_ID / SLACK_CLIENT_SECRET switch Bolt into OAuth mode.
    for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _cli_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    # `main([...])` speaks the locale of whoever runs the tests (LANG=tr_TR.UTF-8 would make
    # it Turkish); tests of another language set STAGECOACH_LANGUAGE themselves.
    monkeypatch.setenv("STAGECOACH_LANGUAGE", "en")


@pytest.fixture(autouse=True)
def _root_logging_restored() -> Iterator[None]:
    """A command run in-process (`main(["serve", …])`) points the root logger at that
    test's captured stderr, which pytest closes after it: every later log line then failed
    with "I/O operation on closed file" in whichever test came next."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


async def fresh_database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Database:
    """An empty database of `backend`: a new SQLite file, or a new PostgreSQL schema
    (so parallel test runs on one server never see each other's rows)."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("db") / "stagecoach.db"
        return Database(f"sqlite:///{path}")
    if not PG_URL:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (.ci/run sets it)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = Database(PG_URL)
    async with admin.engine.begin() as connection:
        await connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    await admin.dispose()
    return Database(PG_URL, schema=schema)


async def drop_database(db: Database) -> None:
    schema = db.schema
    await db.dispose()
    if schema and PG_URL:
        admin = Database(PG_URL)
        async with admin.engine.begin() as connection:
            await connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.dispose()


async def open_services(
    backend: str,
    tmp_path_factory: pytest.TempPathFactory,
    catalog: MapCatalog,
    *,
    admins: frozenset[str] = frozenset(),
) -> Services:
    """Services on a fresh database with `catalog`'s map: for tests that run their own
    event loop (hypothesis state machines), where fixtures cannot follow each example."""
    db = await fresh_database(backend, tmp_path_factory)
    async with db.write_engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all)
    await catalog.register(db)
    return Services(db=db, catalog=catalog, admins=admins)


async def close_services(services: Services) -> None:
    await services.close()  # what a clean stop does: the last-deal pointers are written
    await drop_database(services.db)


@pytest.fixture(params=BACKENDS)
async def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Database]:
    """A real, empty database with the tables created, on each backend."""
    db = await fresh_database(request.param, tmp_path_factory)
    async with db.write_engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all)
    yield db
    await drop_database(db)


@pytest.fixture
def sqlite_only(database: Database) -> None:
    if not database.is_sqlite:
        pytest.skip("this test is about SQLite")


class Clock:
    """A settable clock for use cases: tests move time on explicitly."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))


@pytest.fixture
def catalog() -> MapCatalog:
    return MapCatalog.from_ref("default")


@pytest.fixture
async def services(
    database: Database, catalog: MapCatalog, clock: Clock
) -> AsyncIterator[Services]:
    await catalog.register(database)
    services = Services(db=database, catalog=catalog, admins=frozenset({"UADMIN"}), clock=clock)
    yield services
    await services.deals.flush()  # what a clean stop writes (Services.close)


@pytest.fixture
def anyio_backend() -> Iterator[str]:
    yield "asyncio"
