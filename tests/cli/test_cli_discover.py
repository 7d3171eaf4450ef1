"""`stagecoach discover` on a SQLite file holding a planted history: the text a manager
reads, the JSON, the proposal written to a new file that `stagecoach maps lint` passes,
and one line on stderr (changing nothing) for every mistake."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from bot.cli import main
from bot.core.boot import open_services
from bot.core.settings import Settings
from tests.conftest import Clock
from tests.support.planted_history import MISSING_BRANCH, NOW, SLOW, Record, plant


async def _planted(planted: bool) -> Record:
    services = await open_services(Settings.from_env(os.environ))
    clock = Clock(NOW)
    services.clock = clock
    try:
        return await plant(services, clock, planted=planted)
    finally:
        await services.close()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("STAGECOACH_ADMINS", "UADMIN")
    for name in ("STAGECOACH_TEAM_ID", "STAGECOACH_MAP"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_report_and_proposal(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = asyncio.run(_planted(True))
    assert main(["discover"]) == 0
    text = capsys.readouterr().out
    lost = record.moves[MISSING_BRANCH]
    assert f"Qualification → Closed lost: {lost} moves (" in text
    assert "; not on the map" in text and "Where won and lost deals differ" in text
    assert (
        "Discovery (target 14 days): median " in text
        and "Where deals stall most: Discovery." in text
    )

    out = workdir / "new.yml"
    assert main(["discover", "--propose", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    changes = [line for line in text.splitlines() if line[:1].isdigit() and ". " in line[:4]]
    assert len(changes) == 5 and text.count("   Why: ") == len(changes)
    assert f"Written to {out}; nothing was applied." in text
    assert main(["maps", "lint", str(out)]) == 0
    assert "no problems" in capsys.readouterr().out

    before = out.read_text(encoding="utf-8")
    assert main(["discover", "--propose", "-o", str(out)]) == 2
    assert "exists; name a new file" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == before


def test_json(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = asyncio.run(_planted(True))
    assert main(["discover", "--json", "--propose"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["map"] == {"id": "default", "version": 1} and found["scope"] == "all"
    moves = {(m["from"], m["to"]): m for m in found["moves"] if m["from"]}
    assert moves[MISSING_BRANCH]["count"] == record.moves[MISSING_BRANCH]
    assert moves[MISSING_BRANCH]["on_map"] is False
    slow = next(t for t in found["time_in_stage"] if t["stage"] == SLOW)
    assert slow["stays"] == len(record.stays[SLOW])
    kinds = [p["kind"] for p in found["proposals"]]
    assert kinds[0] == "version" and {"target_days", "optional_item", "add_branch"} <= set(kinds)
    assert all(p["reason"] and p["related_feedback"] == [] for p in found["proposals"])
    assert found["won_against_lost"]["significance"]["test"] == "fisher_exact_two_sided"


def test_nothing_to_propose_writes_nothing(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(_planted(False))
    out = workdir / "new.yml"
    assert main(["discover", "-o", str(out)]) == 0
    assert "Nothing to propose" in capsys.readouterr().out
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--period", "nonsense"], "'nonsense' is not a period; write one of: "),
        (["--map", "nope"], "no deals follow a map called 'nope'"),
        (["--scope", "everyone"], "'everyone' is not a scope"),
    ],
)
def test_mistakes_say_what_would_be_right(
    workdir: Path, capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    asyncio.run(_planted(False))
    out = workdir / "new.yml"
    assert main(["discover", *args, "-o", str(out)]) == 2
    captured = capsys.readouterr()
    assert said in captured.err and captured.out == ""
    assert not out.exists()
