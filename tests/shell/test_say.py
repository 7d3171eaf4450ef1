"""The scripted session as `stagecoach say` lines, one process-like call each: state
(the database, and what stays clickable) persists from one call to the next."""

from __future__ import annotations

import io
import json

import pytest

from bot.cli import main
from bot.core.boot import open_services
from bot.shell.repl import Repl
from bot.shell.startup import open_shell, shell_settings
from tests.shell.effects import Effects, effects
from tests.shell.script import SCRIPT, Step, assert_script_outcome
from tests.shell.test_scripted_session import typed
from tests.support.shell import Env


def say(step: Step, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    answers = [part for answer in step.answers for part in ("--answer", answer)]
    code = main(["say", "--as", step.user, *answers, *extra, step.line])
    return code, capsys.readouterr().out


@pytest.fixture(autouse=True)
def no_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))


async def database_effects(env: Env) -> Effects:
    services = await open_services(shell_settings(env))
    try:
        return await effects(services.db)
    finally:
        await services.db.dispose()


def test_the_scripted_session_works_through_say(
    shell_env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    for step in SCRIPT:
        code, out = say(step, capsys)
        assert code == (1 if step.fails else 0), f"{step.line!r} exit code:\n{out}"
        for expected in step.shows:
            assert expected in out, f"{step.line!r} should show {expected!r}:\n{out}"


async def test_say_and_the_shell_leave_the_same_database(
    shell_env: Env, capsys: pytest.CaptureFixture[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    for step in SCRIPT:
        # `main` runs its own event loop: run it beside this test's loop, as a new process would.
        import asyncio

        await asyncio.to_thread(say, step, capsys)
    through_say = await database_effects(shell_env)

    other = {**shell_env, "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('shell')}/s.db"}
    async with open_shell(other) as session:
        repl = Repl(session, stdin=io.StringIO(typed(SCRIPT)), stdout=io.StringIO(), colour=False)
        await repl.run()
        await assert_script_outcome(session.runtime.services)
    assert await database_effects(other) == through_say


def test_say_exits_1_on_an_error_reply(shell_env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["say", "/deal advance"]) == 1  # no deal yet
    assert "🔍 no deal given" in capsys.readouterr().out
    assert main(["say", "/deal advanse"]) == 1  # a parse error
    assert "✗ 'advanse' is not a /deal command" in capsys.readouterr().out
    assert main(["say", "/click 1"]) == 1  # the shell's own refusal
    assert main(["say", "/deal new Acme"]) == 0
    assert main(["say", "--as", "ben", "/deal tick #1 1"]) == 1  # not ben's deal
    assert "only the deal's owner" in capsys.readouterr().out
    assert main(["say", "/deal help"]) == 0


def test_say_json_prints_the_payloads_the_app_produced(
    shell_env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["say", "--json", "/deal new Acme 50k"]) == 0
    [created] = json.loads(capsys.readouterr().out)
    assert created["request"] == "slash_command"
    assert created["ack"]["response_type"] == "ephemeral"
    assert created["ack"]["text"].startswith("✨ Created Acme in Qualification")
    assert any(b.get("block_id", "").startswith("exit_items|") for b in created["ack"]["blocks"])
    # answered inside the acknowledgement; a person's first request reads their language
    assert [c["method"] for c in created["calls"]] == ["users.info"]

    assert main(["say", "--json", "/click Advance"]) == 1  # refused: items are open
    [clicked] = json.loads(capsys.readouterr().out)
    assert clicked["request"] == "block_actions" and clicked["ack"] is None
    [reply] = [c for c in clicked["calls"] if c["method"] != "users.info"]
    assert reply["method"] == "response_url" and reply["args"]["replace_original"] is True
    assert "cannot leave Qualification yet" in reply["args"]["text"]


def test_a_form_takes_its_answers_from_stdin(
    shell_env: Env, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["say", "/deal new Globex 20k"]) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("bad fit: under 20 employees\n"))
    assert main(["say", "/click Disqualify"]) == 0
    out = capsys.readouterr().out
    assert "Why is it not a fit?: bad fit: under 20 employees" in out
    assert "🚫 Disqualified at Qualification: bad fit: under 20 employees" in out

    assert main(["say", "/deal show globex"]) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # nothing to answer with: cancelled
    assert main(["say", "/click Reopen to Qualification"]) == 1
    assert "the form was cancelled" in capsys.readouterr().out
