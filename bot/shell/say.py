"""`stagecoach say "<line>"`: one line, its reply, an exit code, for scripts.

A modal the line opens is answered from `--answer` values in order, then from stdin (a
prompt on a terminal, a line each from a pipe); with nothing left to answer it is
cancelled. `--json` prints the payloads the app produced instead of text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TextIO

from bot.shell.lines import run_line
from bot.shell.prompts import Ask, fill_modal
from bot.shell.render import Terminal
from bot.shell.reply import Reply
from bot.shell.session import ShellSession


async def say(
    session: ShellSession,
    line: str,
    *,
    answers: Sequence[str] = (),
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
    as_json: bool = False,
) -> int:
    """Carry out `line`; 0 for a good reply, 1 for an error reply (or a refused line)."""
    shown = Terminal(stdout, humanize=session.directory.humanize)
    # With --json, stdout carries JSON only: the form's questions go to stderr.
    asking = Terminal(stderr, humanize=session.directory.humanize) if as_json else shown
    reply = await run_line(session, line)
    if not as_json:
        shown.reply(reply)
    if reply.modal is not None:
        reply = await fill_modal(
            session, reply, ask=_asker(answers, stdin=stdin, term=asking), term=asking
        )
    if as_json:
        json.dump([exchange.to_json() for exchange in reply.exchanges], stdout, indent=2)
        stdout.write("\n")
    return exit_code(reply)


def exit_code(reply: Reply) -> int:
    return 1 if reply.failed else 0


def _asker(answers: Sequence[str], *, stdin: TextIO, term: Terminal) -> Ask:
    queue = list(answers)

    def ask(question: str) -> str | None:
        *lead, last = question.split("\n")
        for text in lead:
            term.line(text)
        if queue:
            answer: str | None = queue.pop(0)
        else:
            if stdin.isatty():  # someone is there to answer: ask, and let them type
                term.out.write(last)
                term.out.flush()
            read = stdin.readline()
            answer = read.rstrip("\n") if read else None
            if stdin.isatty():
                return answer
        term.line(f"{last}{answer if answer is not None else '(no answer)'}")
        return answer

    return ask
