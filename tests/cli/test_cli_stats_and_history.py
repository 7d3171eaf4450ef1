"""`stagecoach stats|plan|import|export` on a SQLite file: exit codes, output, and one
line on stderr for every mistake."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.support.known_history import HEADER, TEAM, csv_text


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("STAGECOACH_TEAM_ID", raising=False)
    monkeypatch.delenv("STAGECOACH_MAP", raising=False)
    (tmp_path / "history.csv").write_text(csv_text(), encoding="utf-8")
    return tmp_path


def test_import_then_stats_plan_and_export(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(workdir / "history.csv"), "--team-id", TEAM]) == 0
    out, err = capsys.readouterr()
    assert "read 37 rows: 9 deals imported with 37 events" in out
    assert "importing rows: 37/37" in err  # not a terminal: plain counts, no bar

    assert main(["stats", "--json"]) == 0  # the only workspace in the database
    found = json.loads(capsys.readouterr().out)
    assert found["scope"] == "all" and found["deals"]["won"] == 2 and found["win_rate"] == 0.5

    assert main(["stats", "--period", "2026-02-01..2026-02-28", "--scope", "owner:UREPAAA01"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("KPIs: the deals of @UREPAAA01, 2026-02-01..2026-02-28")

    assert main(["plan", "100k", "--period", "year", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert (plan["wins"], plan["period"], plan["stages"][0]["source"]) == (5, "year", "map")

    assert main(["export", "--out", str(workdir / "out")]) == 0
    assert "wrote 9 deals" in capsys.readouterr().out
    exported = (workdir / "out" / "events.csv").read_text(encoding="utf-8")
    assert exported.splitlines()[0] == HEADER and len(exported.splitlines()) == 38


def test_import_twice_and_bad_rows(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = csv_text() + "D20,Bad,UREPAAA01,5000,USD,nowhere,2026-01-02,\n"
    (workdir / "bad.csv").write_text(bad, encoding="utf-8")
    assert main(["import", str(workdir / "bad.csv"), "--team-id", TEAM]) == 1
    out = capsys.readouterr().out
    assert "1 rows rejected" in out and "bad.csv line 39 (deal D20): unknown stage 'nowhere'" in out
    assert main(["import", str(workdir / "history.csv"), "--team-id", TEAM]) == 0
    out = capsys.readouterr().out
    assert (
        "0 deals imported with 0 events; 0 replaced by the file's newer history; 9 already" in out
    )


def test_mistakes_are_one_line_on_stderr(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(workdir / "history.csv")]) == 2  # empty database: which team?
    assert "name it with --team-id" in capsys.readouterr().err
    assert main(["import", str(workdir / "missing.csv"), "--team-id", TEAM]) == 2
    assert "cannot read" in capsys.readouterr().err
    (workdir / "headless.csv").write_text("D1,Acme\n", encoding="utf-8")
    assert main(["import", str(workdir / "headless.csv"), "--team-id", TEAM]) == 2
    assert "must name the columns" in capsys.readouterr().err
    main(["import", str(workdir / "history.csv"), "--team-id", TEAM])
    main(["import", str(workdir / "history.csv"), "--team-id", "T2"])
    capsys.readouterr()
    assert main(["stats"]) == 2
    assert "several workspaces (T1, T2); pick one with --team-id" in capsys.readouterr().err
    assert main(["stats", "--team-id", TEAM, "--period", "soon"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("stagecoach: 'soon' is not a period") and len(err.splitlines()) == 1
    assert main(["stats", "--team-id", TEAM, "--scope", "map:nosuch"]) == 2
    assert "no deals follow a map called 'nosuch'" in capsys.readouterr().err
    assert main(["plan", "lots", "--team-id", TEAM]) == 2
    assert "'lots' is not an amount" in capsys.readouterr().err
    assert main(["export", "--out", "-", "--team-id", TEAM]) == 2
    assert "--out takes a folder; e.g. --out exports/" in capsys.readouterr().err
    assert not (workdir / "-").exists()


def test_bytes_that_are_not_utf8_deep_in_a_file_write_nothing(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The file is read line by line, and all of it before the first deal is written: a bad
    byte on its last line still stops the import with nothing written (exit 2)."""
    good = (workdir / "history.csv").read_bytes()
    (workdir / "latin1.csv").write_bytes(good + "D20,Caf\u00e9,UREPAAA01,1,USD,qualify,2026-01-02,\n".encode("latin-1"))  # fmt: skip
    assert main(["import", str(workdir / "latin1.csv"), "--team-id", TEAM]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["export", "--out", str(workdir / "out"), "--team-id", TEAM]) == 0
    assert "wrote 0 deals" in capsys.readouterr().out


def test_the_team_from_the_environment(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAGECOACH_TEAM_ID", "T9")
    assert main(["import", str(workdir / "history.csv")]) == 0
    capsys.readouterr()
    assert main(["stats", "--json", "--team-id", "T9"]) == 0
    assert json.loads(capsys.readouterr().out)["deals"]["won"] == 2
