"""`stagecoach db upgrade` / `stagecoach db current`, run as the command line runs them
(a new event loop per command), against SQLite files in a temporary directory."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import pytest

from bot.cli import db as db_cli
from storage import migrate
from storage.database import Database


def stagecoach(*argv: str) -> int:
    """Parse and run `stagecoach db …` with only the db commands registered (the other
    command groups are not this test's business)."""
    parser = argparse.ArgumentParser(prog="stagecoach")
    db_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.handler(args))


@pytest.fixture
def database_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "deals.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    return path


def revision_of(path: Path) -> str | None:
    async def read() -> str | None:
        db = Database(f"sqlite:///{path}")
        try:
            return await migrate.current_revision(db)
        finally:
            await db.dispose()

    return asyncio.run(read())


def test_upgrade_brings_a_new_database_to_head(
    database_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = migrate.head_revision()
    assert head is not None

    assert stagecoach("db", "upgrade") == 0

    assert revision_of(database_file) == head
    assert head in capsys.readouterr().out


def test_upgrade_twice_is_harmless(database_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert stagecoach("db", "upgrade") == 0
    capsys.readouterr()

    assert stagecoach("db", "upgrade") == 0

    assert "already" in capsys.readouterr().out
    assert revision_of(database_file) == migrate.head_revision()


def test_current_prints_current_and_head(
    database_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = migrate.head_revision()
    assert head is not None

    assert stagecoach("db", "current") == 0
    before = capsys.readouterr().out
    stagecoach("db", "upgrade")
    capsys.readouterr()
    assert stagecoach("db", "current") == 0
    after = capsys.readouterr().out

    assert "current: none" in before and f"head: {head}" in before
    assert "stagecoach db upgrade" in before
    assert f"current: {head}" in after and f"head: {head}" in after
    assert "upgrade" not in after


def test_without_database_url_uses_a_file_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)

    assert stagecoach("db", "upgrade") == 0

    assert revision_of(tmp_path / "stagecoach.db") == migrate.head_revision()


@pytest.mark.parametrize("url", ["mysql://dana:hunter2@db.example.com/crm", "not a url", "sqlite"])
def test_a_bad_database_url_is_one_line_and_exit_2(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)

    assert stagecoach("db", "upgrade") == 2

    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert "DATABASE_URL" in lines[0]
    assert "sqlite:///" in lines[0] and "postgresql://" in lines[0]
    assert "hunter2" not in lines[0]  # the password never reaches a terminal or a log


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://stagecoach:hunter2@127.0.0.1:1/stagecoach",  # nothing listens on port 1
        "sqlite:////no/such/directory/deals.db",
    ],
)
@pytest.mark.parametrize("action", ["upgrade", "current"])
def test_an_unreachable_database_is_one_line_and_exit_1(
    url: str, action: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)

    assert stagecoach("db", action) == 1

    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("stagecoach: cannot open the database")
    assert "hunter2" not in lines[0]
    assert "Traceback" not in captured.err


def test_the_db_group_is_registered_with_the_command_line() -> None:
    from bot.cli import COMMAND_MODULES

    assert "bot.cli.db" in COMMAND_MODULES


def test_a_file_that_is_not_a_database_is_one_line_and_exit_1(
    database_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database_file.write_text("these are my notes, not a database\n")

    assert stagecoach("db", "upgrade") == 1

    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"stagecoach: cannot open the database sqlite+aiosqlite:///{database_file}: "
        "file is not a database"
    ]
