"""`stagecoach digest preview` (#18): the digest a subscription would post, as terminal
text, its chart written where `--chart` says, with no Slack token; and scopes that name
people as the shell shows them (`team:maria`, `owner:ana`) for preview and stats alike."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.cli import main
from storage.database import Database
from storage.models import Person, Role
from tests.support.known_history import MANAGER, R1, R2, TEAM, csv_text

PNG = b"\x89PNG\r\n\x1a\n"


async def _people(url: str) -> None:
    db = Database(url)
    async with db.write() as session:
        session.add(
            Person(team_id=TEAM, user_id=MANAGER, display_name="Maria Moreno", role=Role.MANAGER)
        )
        session.add(Person(team_id=TEAM, user_id=R1, display_name="Ana Alves", manager_id=MANAGER))
        session.add(Person(team_id=TEAM, user_id=R2, display_name="Ana Silva"))
    await db.dispose()  # fmt: skip


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The known history imported, and its people named (two Anas); no Slack token."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "STAGECOACH_TEAM_ID"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "history.csv").write_text(csv_text(), encoding="utf-8")
    assert main(["import", str(tmp_path / "history.csv"), "--team-id", TEAM]) == 0
    asyncio.run(_people(url))
    return tmp_path


def test_preview_prints_plain_text_and_writes_the_chart(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    chart = workdir / "out.png"

    assert main(["digest", "preview", "team:maria", "--weekly", "--chart", str(chart)]) == 0

    out = capsys.readouterr().out
    assert out.startswith(
        "Preview: the weekly digest a subscription for @Maria Moreno's team would post now."
    )
    assert "Weekly digest" in out and "Funnel, the last 90 days" in out
    assert "Eta (#7)" in out and "@Ana Alves" in out  # a stuck deal of maria's team
    assert "Delta" not in out  # Ana Silva's: not in maria's team
    assert "<@" not in out and "*" not in out  # no Slack markup
    assert f"Funnel chart written to {chart}" in out
    assert chart.read_bytes().startswith(PNG)


def test_preview_by_id_and_of_everyone(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["digest", "preview", f"owner:{R2}"]) == 0
    by_id = capsys.readouterr().out
    assert "deals of @Ana Silva" in by_id and "Delta (#4)" in by_id and "Eta" not in by_id
    assert main(["digest", "preview"]) == 0
    everyone = capsys.readouterr().out
    assert "the whole workspace" in everyone and "Delta (#4)" in everyone and "Eta (#7)" in everyone


@pytest.mark.parametrize(
    ("scope", "says"),
    [
        (
            "owner:ana",
            f"'ana' names 2 people: Ana Alves ({R1}), Ana Silva ({R2}); write the whole name",
        ),
        ("team:zoe", "nobody in this workspace is named 'zoe'; known people: Ana Alves"),
        ("owner:", "'owner:' names nobody; write owner:name, e.g. owner:maria"),
        ("map:default", "a digest covers everyone, a team or an owner, not a map"),
        ("everyone", "'everyone' is not a scope; write one of: all, team:maria, owner:ana"),
    ],
)
def test_a_scope_that_names_nobody_or_several_says_who(
    workdir: Path, capsys: pytest.CaptureFixture[str], scope: str, says: str
) -> None:
    capsys.readouterr()
    chart = workdir / "never.png"
    assert main(["digest", "preview", scope, "--chart", str(chart)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("stagecoach: ") and says in captured.err, captured.err
    assert len(captured.err.splitlines()) == 1 and captured.out == ""
    assert not chart.exists()


def test_stats_scopes_take_names_too(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["stats", "--scope", "owner:Ana Alves", "--json"]) == 0
    assert f'"scope": "owner:{R1}"' in capsys.readouterr().out
    assert main(["stats", "--scope", "team:MARIA"]) == 0
    assert capsys.readouterr().out.startswith("KPIs: the team of @Maria Moreno, all time")
    assert main(["plan", "100k", "--scope", "owner:ana"]) == 2
    assert "'ana' names 2 people" in capsys.readouterr().err


def test_an_unwritable_chart_path_is_one_line(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    target = workdir / "missing-dir" / "out.png"
    assert main(["digest", "preview", "--chart", str(target)]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith(f"stagecoach: cannot write the chart to {target}") and "Traceback" not in err
    )
