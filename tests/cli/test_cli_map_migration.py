"""`stagecoach maps migrate` and `maps versions` on a SQLite file: what the dry run and the
run print, every mistake refused with one message and nothing moved, and a run killed
part-way (a real process, SIGKILL) that the same command finishes."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli import main
from storage.database import Database
from tests.support.migration import MAPPING_YAML, extended_v3_source, seed_deals


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("STAGECOACH_MAP", "extended")
    (tmp_path / "extended3.yml").write_text(extended_v3_source(), encoding="utf-8")
    (tmp_path / "mapping.yml").write_text(MAPPING_YAML, encoding="utf-8")
    return tmp_path


def seed(workdir: Path, count: int) -> None:
    assert main(["maps", "versions"]) == 0  # creates the database and stores extended@2

    async def run() -> None:
        db = Database(f"sqlite:///{workdir / 'cli.db'}")
        await seed_deals(db, count)
        await db.dispose()

    asyncio.run(run())


def versions(workdir: Path) -> list[tuple[int, str, int]]:
    with sqlite3.connect(workdir / "cli.db") as connection:
        query = "SELECT map_version, status, count(*) FROM deal GROUP BY 1, 2 ORDER BY 1, 2"
        return list(connection.execute(query))


def migrate_args(workdir: Path, *more: str) -> list[str]:
    target = str(workdir / "extended3.yml")
    return ["maps", "migrate", "--from", "extended@2", "--to", target, *more]


def test_the_dry_run_prints_what_the_run_then_does(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(workdir, 60)
    capsys.readouterr()
    before = versions(workdir)
    mapping = ["--mapping", str(workdir / "mapping.yml")]

    assert main(migrate_args(workdir, *mapping, "--dry-run")) == 0
    dry = capsys.readouterr().out.splitlines()
    assert versions(workdir) == before  # nothing written
    assert main(migrate_args(workdir, *mapping, "--by", "U0ADMIN01")) == 0
    done = capsys.readouterr().out.splitlines()

    open_count = sum(n for version, status, n in before if status == "open")
    deal_lines = [line for line in dry if line.startswith("#")]
    assert len(deal_lines) == open_count
    assert deal_lines == [line for line in done if line.startswith("#")]
    assert f"dry run: would move {open_count} open deals from extended@2 to extended@3" in dry
    assert f"moved {open_count} open deals from extended@2 to extended@3" in done
    assert any(line.startswith("  demo → solution_demo: ") for line in done)
    assert [row for row in versions(workdir) if row[1] == "open"] == [(3, "open", open_count)]

    # Again, naming the new version by its id now that it is stored: nothing left to move.
    assert main(["maps", "migrate", "--from", "extended@2", "--to", "extended@3", *mapping]) == 0
    again = capsys.readouterr().out
    assert (
        f"moved 0 open deals from extended@2 to extended@3\n  {open_count} deals moved by an earlier run"
        in again
    )

    assert main(["maps", "versions"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[1].split()[:4] == ["extended", "2", "0", str(60 - open_count)]
    assert listed[2].split()[:4] == ["extended", "3", str(open_count), "0"]


def test_the_new_version_named_by_id_is_read_from_the_deployments_map_file(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(workdir, 20)
    # The deployment publishes version 3 first (STAGECOACH_MAP), then migrates.
    monkeypatch.setenv("STAGECOACH_MAP", str(workdir / "extended3.yml"))
    mapping = ["--mapping", str(workdir / "mapping.yml")]
    capsys.readouterr()
    assert main(["maps", "migrate", "--from", "extended@2", "--to", "extended@3", *mapping]) == 0
    assert "open deals from extended@2 to extended@3" in capsys.readouterr().out
    assert {version for version, status, _n in versions(workdir) if status == "open"} == {3}


def test_undecided_deals_are_listed_and_nothing_moves(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(workdir, 40)
    before = versions(workdir)
    capsys.readouterr()

    assert main(migrate_args(workdir)) == 1  # no mapping: demo, mql, sales_engagement
    out = capsys.readouterr().out
    assert "NOT MOVED: its stage 'demo' is not in version 3" in out
    assert "nothing moved:" in out and "could not be decided (listed above)" in out
    assert versions(workdir) == before
    with sqlite3.connect(workdir / "cli.db") as connection:
        assert list(connection.execute("SELECT version FROM map_version")) == [(2,)]


BAD_RUNS = [
    (["--from", "extended2"], "--from extended2: name a map version as ID@VERSION, e.g. default@1"),
    (["--from", "extended@9"], "--from extended@9: this database holds no copy of that version"),
    (["--to", "extended@3"], "--to extended@3: no stored copy, and no map file with id 'extended' and version 3"),
    (["--to", "nowhere.yml"], "--to nowhere.yml: not ID@VERSION, and no readable file there"),
    (["--to", "default"], "--to default: not ID@VERSION, and no readable file there"),
    (["--to", "extended@2"], "--to is version 2 of 'extended', the version the deals are on already"),
    (["--mapping", "missing.yml"], "--mapping missing.yml: cannot read it"),
    (["--by", "ana"], "argument --by: a Slack user id such as U012AB3CD"),
    (["--batch", "0"], "argument --batch: a whole number of 1 or more"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "message"), BAD_RUNS)
def test_every_bad_option_is_one_message_and_moves_nothing(
    workdir: Path, capsys: pytest.CaptureFixture[str], change: list[str], message: str
) -> None:
    seed(workdir, 20)
    before = versions(workdir)
    capsys.readouterr()
    options = {"--from": "extended@2", "--to": str(workdir / "extended3.yml")}
    options["--mapping"] = str(workdir / "mapping.yml")
    options.update(zip(change[::2], change[1::2], strict=True))
    args = ["maps", "migrate", *(part for pair in options.items() for part in pair)]
    try:
        code = main(args)
    except SystemExit as refused:  # argparse's own refusals: its usage, then the message
        code = refused.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 or err.startswith("usage: stagecoach maps migrate"), err
    assert message in err
    assert versions(workdir) == before


def test_a_bad_mapping_names_its_line(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed(workdir, 20)
    before = versions(workdir)
    (workdir / "bad.yml").write_text("stages:\n  demo: solution_demo\n  mlq: qualified_lead\n")
    capsys.readouterr()
    assert main(migrate_args(workdir, "--mapping", str(workdir / "bad.yml"))) == 2
    err = capsys.readouterr().err
    assert "the mapping file has mistakes; nothing was moved" in err
    assert f"{workdir / 'bad.yml'}:3:3: error: stages.mlq: 'mlq' is not a stage" in err
    assert "did you mean 'mql'?" in err
    assert versions(workdir) == before


def test_a_run_killed_part_way_is_finished_by_the_same_command(workdir: Path) -> None:
    seed(workdir, 3000)
    open_count = sum(n for _v, status, n in versions(workdir) if status == "open")
    args = migrate_args(workdir, "--mapping", str(workdir / "mapping.yml"), "--batch", "25")
    command = [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main(sys.argv[1:]))", *args]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(Path.cwd())}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    moved = 0
    deadline = time.monotonic() + 120
    while moved < 100 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
        moved = _migrated_events(workdir)
    process.send_signal(signal.SIGKILL)
    process.wait()
    moved = _migrated_events(workdir)
    assert 0 < moved < open_count, "the run should have been killed part-way"
    assert moved % 25 == 0  # whole batches only

    assert main(args) == 0
    with sqlite3.connect(workdir / "cli.db") as connection:
        per_deal = dict(connection.execute("SELECT deal_id, count(*) FROM deal_event WHERE kind = 'migrated' GROUP BY deal_id"))  # fmt: skip
        still = connection.execute("SELECT count(*) FROM deal WHERE status = 'open' AND map_version = 2").fetchone()  # fmt: skip
    assert (len(per_deal), set(per_deal.values()), still) == (open_count, {1}, (0,))


def _migrated_events(workdir: Path) -> int:
    with sqlite3.connect(workdir / "cli.db", timeout=30) as connection:
        found = connection.execute("SELECT count(*) FROM deal_event WHERE kind = 'migrated'")
        return int(found.fetchone()[0])
