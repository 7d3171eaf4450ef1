"""`stagecoach shell`, `say` and `demo` as commands: settings from the environment, the
database made on first start, history and logs kept off the prompt."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.cli import main
from bot.shell.render import Terminal
from bot.shell.reply import Reply
from tests.support.shell import Env


def test_the_shell_starts_on_a_fresh_sqlite_file_and_keeps_history(
    shell_env: Env,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    typed = "/deal new Acme 50k\n/deal list\n/deal list\nquit\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    assert main(["shell"]) == 0

    out = capsys.readouterr().out
    assert "stagecoach shell · map “B2B sales process (compact)” v1" in out
    assert "you are ana (rep) in #sales" in out
    assert "ana@#sales> /deal new Acme 50k" in out and "Your open deals" in out
    assert (tmp_path / "stagecoach.db").is_file()
    history = Path(shell_env["STAGECOACH_HISTORY"]).read_text().splitlines()
    assert history == ["/deal new Acme 50k", "/deal list", "quit"]


def test_identity_and_place_from_the_command_line(
    shell_env: Env, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("/in #acme-room\n"))
    assert main(["shell", "--as", "maria", "--in", "deals"]) == 0
    out = capsys.readouterr().out
    assert "maria@#deals> /in #acme-room" in out and "maria@#acme-room> " in out
    assert main(["shell", "--as", "no one"]) == 2


def test_demo_command_and_shell_demo_flag(
    shell_env: Env, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["demo"]) == 0
    assert "Added 10 demo deals" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("/deal list\n"))
    assert main(["shell", "--demo"]) == 0
    assert "Globex Manufacturing" in capsys.readouterr().out


def test_a_bad_setting_is_one_line_and_exit_code_2(
    shell_env: Env, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://nope")
    assert main(["say", "/deal help"]) == 2
    assert capsys.readouterr().err.startswith("stagecoach: DATABASE_URL=")
    monkeypatch.setenv("DATABASE_URL", shell_env["DATABASE_URL"])
    monkeypatch.setenv("STAGECOACH_MAP", "no-such-map")
    assert main(["say", "/deal help"]) == 2


def test_colour_only_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty, pipe = Tty(), io.StringIO()
    for out in (tty, pipe):
        Terminal(out).reply(Reply(problem="no such deal"))
    assert "\033[31m" in tty.getvalue() and "\033[" not in pipe.getvalue()
    assert Terminal(tty).prompt(user="ana", channel="sales").count("\001") == 4
