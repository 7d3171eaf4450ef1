"""`stagecoach feedback export` on a SQLite file: the CSV on stdout (`--out -`, the default)
or in a file, parsed back; a file it cannot write is one line on stderr."""

from __future__ import annotations

import asyncio
import csv
import io
import os
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli.feedback import COLUMNS
from bot.cli.workspace import with_services
from bot.core.context import Actor, Services
from bot.deals.feedback_giving import record_feedback
from bot.deals.feedback_owners import close_feedback

REP, ADMIN = Actor("T1", "UREP"), Actor("T1", "UADMIN")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("STAGECOACH_ADMINS", "UADMIN")
    monkeypatch.delenv("STAGECOACH_TEAM_ID", raising=False)
    monkeypatch.delenv("STAGECOACH_MAP", raising=False)

    async def give(services: Services) -> None:
        await record_feedback(services, REP, "the demo stage needs a security review item")
        await record_feedback(services, REP, 'proposal, "quote" and terms')
        await close_feedback(services, ADMIN, 1, "added it")

    asyncio.run(with_services(give))
    return tmp_path


def test_the_export_to_stdout_parses_back(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["feedback", "export", "--team-id", "T1"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["number"], r["status"], r["stage_id"]) for r in rows] == [
        ("1", "done", "demo"),
        ("2", "open", "proposal"),
    ]
    assert rows[1]["text"] == 'proposal, "quote" and terms' and rows[0]["done_note"] == "added it"

    assert main(["feedback", "export", "--out", "-", "--status", "open", "--team-id", "T1"]) == 0
    assert [r["number"] for r in csv.DictReader(io.StringIO(capsys.readouterr().out))] == ["2"]


def test_the_export_to_a_file(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = workdir / "feedback.csv"
    assert main(["feedback", "export", "--out", str(out), "--team-id", "T1"]) == 0
    assert f"wrote 2 entries to {out}" in capsys.readouterr().out
    with out.open(encoding="utf-8", newline="") as stream:
        header, *rows = list(csv.reader(stream))
    assert tuple(header) == COLUMNS and len(rows) == 2

    folder = workdir / "no" / "such" / "folder.csv"
    assert main(["feedback", "export", "--out", str(folder), "--team-id", "T1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"stagecoach: cannot write {folder}") and len(err.splitlines()) == 1
    assert not os.path.exists(folder)


def test_feedback_a_spreadsheet_would_run_as_a_formula_is_exported_as_text(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A cell that starts with = + - @ is a formula to Excel and LibreOffice; exported with
    a leading apostrophe it is shown as the text that was typed."""
    typed = '=HYPERLINK("http://evil.example","read me")'

    async def give(services: Services) -> None:
        await record_feedback(services, REP, typed)
        await record_feedback(services, REP, "- the demo stage is too long")
        await close_feedback(services, ADMIN, 3, "@sales: done")

    asyncio.run(with_services(give))
    assert main(["feedback", "export", "--team-id", "T1"]) == 0
    rows = {r["number"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows["3"]["text"] == "'" + typed and rows["3"]["done_note"] == "'@sales: done"
    assert rows["4"]["text"] == "'- the demo stage is too long"
    assert rows["2"]["text"] == 'proposal, "quote" and terms'  # the rest exactly as typed
    assert rows["3"]["given_at"][0].isdigit() and rows["3"]["author_id"] == "UREP"
