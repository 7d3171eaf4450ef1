"""The issue's scripted session typed into the shell (stdin and stdout are StringIO)."""

from __future__ import annotations

import io
import re

from bot.shell.repl import Repl
from bot.shell.session import ShellSession
from tests.shell.script import SCRIPT, Step, assert_script_outcome

PROMPT = re.compile(r"^(\w+)@#([\w-]+)> (.*)$", re.MULTILINE)


def typed(script: tuple[Step, ...]) -> str:
    """The lines a person would type: `/as` when the user changes, then each step and
    the answers to its form."""
    lines, user = [], "ana"
    for step in script:
        if step.user != user:
            lines.append(f"/as {step.user}")
            user = step.user
        lines += [step.line, *step.answers]
    return "\n".join([*lines, "quit"]) + "\n"


def replies(transcript: str) -> dict[str, str]:
    """Each typed line (as `user: line`) → what the shell printed until the next prompt."""
    found = list(PROMPT.finditer(transcript))
    ends = [m.start() for m in found[1:]] + [len(transcript)]
    return {
        f"{m[1]}: {m[3]}": transcript[m.end() : end] for m, end in zip(found, ends, strict=True)
    }


async def run_shell(session: ShellSession, text: str) -> str:
    out = io.StringIO()
    repl = Repl(session, stdin=io.StringIO(text), stdout=out, colour=False)
    assert await repl.run() == 0
    return out.getvalue()


async def test_the_scripted_session_works_in_the_shell(session: ShellSession) -> None:
    transcript = await run_shell(session, typed(SCRIPT))

    shown = replies(transcript)
    for step in SCRIPT:
        reply = shown[f"{step.user}: {step.line}"]
        for expected in step.shows:
            assert expected in reply, f"{step.line!r} should show {expected!r}:\n{reply}"
    assert "you are now maria (Maria Moreno, manager)" in shown["ana: /as maria"]
    assert "\033[" not in transcript  # no colour: stdout is not a terminal
    await assert_script_outcome(session.runtime.services)


async def test_a_form_the_app_refuses_is_asked_again_and_can_be_cancelled(
    session: ShellSession,
) -> None:
    lines = [
        "/deal new Globex 20k",
        "/click Nurture (not now)",
        "2020-01-01",  # in the past: the app answers with an error beside the field
        "",
        "/cancel",
        "/deal show globex",
    ]
    transcript = await run_shell(session, "\n".join(lines) + "\n")

    form = replies(transcript)["ana: /click Nurture (not now)"]
    assert "┌ Nurture deal" in form
    assert form.count("Re-engage on YYYY-MM-DD: ") == 2
    assert "! Re-engage on:" in form
    assert "the form was cancelled; nothing was changed" in form
    assert "Globex · Qualification" in replies(transcript)["ana: /deal show globex"]
    assert session.standin.open_views == []


async def test_shell_commands_refuse_clearly(session: ShellSession) -> None:
    lines = ["/click 3", "/deal new Acme", "/click 99", "hello", "/nope", "/as", "help"]
    shown = replies(await run_shell(session, "\n".join(lines) + "\n"))

    assert "! nothing to click: show a card first" in shown["ana: /click 3"]
    assert "! there is no choice 99" in shown["ana: /click 99"]
    assert "! type what you would type in Slack" in shown["ana: hello"]
    assert "! /nope is not a command here" in shown["ana: /nope"]
    assert "! who?" in shown["ana: /as"]
    assert "/click <n|label>" in shown["ana: help"]


async def test_a_manager_runs_the_digests_from_the_shell(session: ShellSession) -> None:
    lines = [
        "/deal new Globex 20k",
        "/as maria",
        "/deal override globex the CFO signed the pilot",
        "/deal digest subscribe #sales weekly 09:00 team",
        "/scheduler now",
        "/scheduler now",
        "/scheduler later",
    ]
    transcript = await run_shell(session, "\n".join(lines) + "\n")

    shown = replies(transcript)
    digest = shown["maria: /scheduler now"]  # the first: a later reply of the same line wins
    assert "posted 0 digests" in digest  # the period's digest went out once, below
    assert transcript.count("Weekly digest\n=============") == 1
    assert "1 gate passed without its exit items" in transcript
    assert "gate overridden by @maria with 4 items open: the CFO signed the pilot" in transcript
    assert "posted 1 digest and 0 nudges; 0 not posted" in transcript
    assert "! 'later' is not a /scheduler option" in shown["maria: /scheduler later"]
