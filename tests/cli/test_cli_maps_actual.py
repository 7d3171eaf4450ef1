"""`stagecoach maps actual -o FILE.png` on a SQLite file: the picture written and its text
on stdout; a mistake, or nothing to draw, is one line on stderr and no file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from tests.reporting.test_map_actual_slack import moves_of
from tests.support.known_history import R1, ROWS, TEAM, csv_text

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def imported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:  # fmt: skip
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("STAGECOACH_TEAM_ID", raising=False)
    monkeypatch.delenv("STAGECOACH_MAP", raising=False)
    (tmp_path / "history.csv").write_text(csv_text(), encoding="utf-8")
    assert main(["import", str(tmp_path / "history.csv"), "--team-id", TEAM]) == 0
    capsys.readouterr()
    return tmp_path


def test_the_picture_and_its_text(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = imported / "actual.png"
    assert main(["maps", "actual", "-o", str(out_file), "--scope", f"owner:{R1}"]) == 0
    out = capsys.readouterr().out
    mine = moves_of({R1})
    deals = len({row[0] for row in ROWS if row[2] == R1})
    title = f"Actual flow: the deals of @{R1}, all time"
    assert out.startswith(
        f"{title}\n{'=' * len(title)}\n{len(mine)} moves between stages of the B2B sales "
        f"process (compact) map (v1), {deals} deals created."
    )
    assert "direct messages" not in out  # the file is the picture here
    assert out_file.read_bytes().startswith(PNG)
    assert f"wrote {out_file} (" in out


def test_mistakes_and_an_empty_period_write_nothing(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = imported / "actual.png"
    assert main(["maps", "actual", "-o", str(imported / "actual.svg")]) == 2
    assert "the picture is a PNG: write -o FILE.png" in capsys.readouterr().err
    assert main(["maps", "actual", "-o", str(target), "--period", "yesterday"]) == 2
    assert "'yesterday' is not a period" in capsys.readouterr().err
    assert main(["maps", "actual", "-o", str(target), "--map", "extended"]) == 1
    assert "no deals follow a map called 'extended'" in capsys.readouterr().err
    assert main(["maps", "actual", "-o", str(target), "--period", "2025"]) == 1
    err = capsys.readouterr().err
    assert "no deal moved between stages of map default in 2025" in err
    assert "not enough data" in err and "Nothing written" in err
    assert not target.exists()
