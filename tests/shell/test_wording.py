"""Issue #18's wording: each answer reads as English, counted nouns take their plural rule,
and an answer that changed nothing says so (through `stagecoach say`, the shell's path)."""

from __future__ import annotations

import io

import pytest

from bot.cli import main
from bot.reporting.periods import Period
from bot.views.counts import counted
from bot.views.stats import period_words
from flows.i18n import ngettext
from tests.support.shell import Env


@pytest.fixture(autouse=True)
def no_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))


def said(capsys: pytest.CaptureFixture[str], line: str, user: str = "ana") -> str:
    main(["say", "--as", user, line])
    return capsys.readouterr().out


def test_answers_read_as_english(shell_env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    said(capsys, "/deal new Acme 50k")
    untick = said(capsys, "/deal untick 3")
    assert "Nothing to untick: 3 was not ticked." in untick
    assert "Checklist saved" not in untick and "✅" not in untick
    said(capsys, "/deal tick 1")
    assert "Nothing to tick: 1 was already ticked." in said(capsys, "/deal tick 1")
    assert "Unticked 1; 2 was not ticked." in said(capsys, "/deal untick 1 2")
    said(capsys, "/deal tick 1")
    advance = said(capsys, "/deal advance")
    assert "Acme cannot leave Qualification yet: 3 required items are open" in advance
    assert "item(s)" not in advance
    lose = said(capsys, "/deal lose no budget")
    assert "a deal in Qualification cannot be marked lost" in lose
    assert "from here: /deal advance, /deal disqualify, /deal nurture" in lose
    playbook = said(capsys, "/deal playbook zzzqqq")
    assert "try other words" not in playbook
    assert "/deal playbook price" in playbook
    assert "KPIs: your deals, the last 90 days" in said(capsys, "/deal stats")
    assert "KPIs: your deals, all time" in said(capsys, "/deal stats all")
    history = said(capsys, "/deal history")
    assert "1 entries" not in history


def test_cli_stats_title_names_the_scope_in_words(
    shell_env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    said(capsys, "/deal new Acme 50k")
    main(["stats", "--scope", "all", "--period", "all"])
    out = capsys.readouterr().out
    assert "KPIs: everyone, all time" in out
    assert "all, all" not in out.lower()


@pytest.mark.parametrize("count", [0, 1, 2, 21])
def test_counted_nouns_take_english_plural_rule(count: int) -> None:
    expected = "1 entry" if count == 1 else f"{count} entries"
    assert counted(count, "{count} entry", "{count} entries") == expected
    assert ngettext("one", "other", count) == ("one" if count == 1 else "other")


def test_period_words() -> None:
    assert period_words(Period.everything()) == "all time"
    import datetime as dt

    today = dt.date(2026, 3, 1)
    assert period_words(Period.last_days(1, today=today)) == "the last day"
    assert period_words(Period.last_days(30, today=today)) == "the last 30 days"
