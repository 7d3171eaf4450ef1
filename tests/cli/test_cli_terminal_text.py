"""The real `stagecoach` process as a terminal user meets it: text without Slack markup,
people by name, the same stage counts in `maps show` and `maps list`, and a quiet exit when
the reader of a pipe stops early (`| head`)."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from bot.cli import main
from flows.loader import load_map, shipped_map_ids
from storage.database import Database
from storage.models import Person
from tests.support.known_history import R1, TEAM, csv_text

STAGECOACH = Path(sys.executable).with_name("stagecoach")
ROOT = Path(__file__).resolve().parents[2]
SLACK_MARKUP = re.compile(r"```|<[@#!][^>]*>|(?<!\w)[*_~]\w[^*_~\n]*\w[*_~](?!\w)")
NAME = "Ana Lopez"


def stagecoach(*argv: str, database_url: str = "", pipe_to: str = "") -> tuple[int, str, str]:
    """Run the installed `stagecoach` (optionally piped into a shell command): status, out, err."""
    command = " ".join([str(STAGECOACH), *argv])
    # pipefail: the status is stagecoach's own, not head's.
    script = f"set -o pipefail; {command} | {pipe_to}" if pipe_to else command
    done = subprocess.run(
        ["bash", "-c", script], env=_env(database_url), capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    return done.returncode, done.stdout, done.stderr


def stagecoach_unread(*argv: str, database_url: str) -> tuple[int, str]:
    """Run `stagecoach` into a pipe whose reader has gone before the first line: every
    write fails, whatever the size of the output (`| head` races the pipe buffer: a short output fits it and never fails)."""
    process = subprocess.Popen(
        [str(STAGECOACH), *argv], env=_env(database_url),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    process.stdout.close()
    _out, err = process.communicate(timeout=120)
    return process.returncode, err


def _env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "STAGECOACH_"))}
    return env | {"PYTHONPATH": str(ROOT), "DATABASE_URL": database_url or "sqlite://"}


@pytest.fixture(scope="module")
def history_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file with the known history imported and R1 known by name."""
    folder = tmp_path_factory.mktemp("history")
    url = f"sqlite:///{folder / 'cli.db'}"
    (folder / "history.csv").write_text(csv_text(), encoding="utf-8")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DATABASE_URL", url)
        assert main(["import", str(folder / "history.csv"), "--team-id", TEAM]) == 0
    asyncio.run(_name(url, R1, NAME))
    return url


async def _name(url: str, user_id: str, name: str) -> None:
    db = Database(url)
    async with db.write() as session:
        found = (
            await session.exec(
                select(Person).where(Person.team_id == TEAM, Person.user_id == user_id)
            )
        ).first()
        person = found or Person(team_id=TEAM, user_id=user_id)
        person.display_name = name
        session.add(person)
    await db.dispose()


@pytest.mark.parametrize(
    "argv",
    [
        ("stats",),
        ("stats", "--scope", f"owner:{R1}"),
        ("plan", "100k"),
        ("plan", "1.2m", "--period", "year", "--scope", f"owner:{R1}"),
    ],
)
def test_reports_print_terminal_text(history_url: str, argv: tuple[str, ...]) -> None:
    code, out, err = stagecoach(*argv, database_url=history_url)
    assert (code, err) == (0, "")
    assert SLACK_MARKUP.findall(out) == []
    assert "Stage   " in out  # the table is still there, only its fences went
    if f"owner:{R1}" in argv:
        assert f"the deals of @{NAME}" in out.splitlines()[0] and R1 not in out


def test_json_keeps_the_ids(history_url: str) -> None:
    code, out, _err = stagecoach(
        "stats", "--json", "--scope", f"owner:{R1}", database_url=history_url
    )
    assert code == 0 and f'"scope": "owner:{R1}"' in out and NAME not in out


@pytest.mark.parametrize("map_id", shipped_map_ids())
def test_show_and_list_count_the_stages_alike(map_id: str) -> None:
    _code, shown, _err = stagecoach("maps", "show", map_id)
    _code, listed, _err = stagecoach("maps", "list")
    process_map = load_map(map_id)
    main_path = len(process_map.open_stages)
    side = len(process_map.stages) - main_path
    said = f"{main_path + side} stages: {main_path} on the main path, {side} side stages"
    assert shown.splitlines()[1] == said
    # No other count in the text: a hand-written one goes stale as the map changes.
    header = " ".join(shown.split("\n\n1.")[0].split())
    assert re.findall(r"(\w+) stages\b", header.replace(said, "")) == []
    [row] = [line.split() for line in listed.splitlines() if line.split()[0] == map_id]
    assert row[2:5] == [str(main_path + side), str(main_path), str(side)]
    headings = [line for line in shown.splitlines() if re.match(r"\d+\. ", line)]
    assert len(headings) == main_path + side
    assert sum("side stage" in line for line in headings) == side


@pytest.mark.parametrize(
    "argv",
    [
        ("maps", "show", "extended"),
        ("maps", "list"),
        ("maps", "diagram", "extended"),
        ("stats",),
        ("plan", "100k"),
        ("digest", "preview"),
    ],
)
def test_a_reader_that_stops_early_gets_a_quiet_exit(
    history_url: str, argv: tuple[str, ...]
) -> None:
    code, err = stagecoach_unread(*argv, database_url=history_url)
    assert (code, err) == (0, "")
