"""The prompt loop. Input and output are whatever it is given: a terminal (with readline
editing, history and Tab completion), a pipe, or a test's StringIO."""

from __future__ import annotations

import logging
from types import ModuleType
from typing import TextIO

from bot.shell.history import History
from bot.shell.lines import SHELL_COMMANDS, run_line
from bot.shell.prompts import fill_modal
from bot.shell.render import Terminal
from bot.shell.session import ShellSession

log = logging.getLogger(__name__)
QUIT = frozenset({"quit", "exit", "/quit", "/exit"})
HELP = frozenset({"help", "/help", "?"})


class Repl:
    def __init__(
        self,
        session: ShellSession,
        *,
        stdin: TextIO,
        stdout: TextIO,
        history: History | None = None,
        readline: ModuleType | None = None,
        colour: bool | None = None,
    ) -> None:
        self.session = session
        self.stdin = stdin
        self.term = Terminal(stdout, colour=colour, humanize=session.directory.humanize)
        self.history = history
        self.readline = readline  # set only when stdin is a terminal

    async def run(self, *, banner: str = "") -> int:
        if banner:
            self.term.note(banner)
        self.term.note(f"you are {self._who()}. /deal help lists commands, help the shell's own.")
        while (line := self.read(self._prompt())) is not None:
            self._remember(line)
            if not await self.handle(line):
                break
        if self.history is not None:
            self.history.save()
        return 0

    async def handle(self, line: str) -> bool:
        """Carry out one line; False when it asks to quit."""
        text = line.strip()
        if not text or text.startswith("#"):  # comments make scripted sessions readable
            return True
        if text.lower() in QUIT:
            return False
        if text.lower() in HELP:
            self.help()
            return True
        try:
            reply = await run_line(self.session, text)
            self.term.reply(reply)
            if reply.modal is not None:
                await fill_modal(self.session, reply, ask=self.ask, term=self.term)
        except Exception as exc:  # one bad line must not end the session
            log.exception("shell line failed: %s", text)
            self.term.problem(f"that failed inside the shell ({type(exc).__name__}); see the log")
        return True

    def help(self) -> None:
        lines = [
            "Type what you would type in Slack: /deal …  (/deal help lists its commands)",
            *SHELL_COMMANDS.values(),
            "help                this help",
            "quit                leave (Ctrl-D works too)",
            "In a form: answer each field in turn; a number picks an option; /cancel closes it.",
            "The app answers in each person's Slack language: /lang, or everyone's with --lang",
            "or STAGECOACH_SHELL_LANG. The shell's own words (its prompts, this help, its notes)",
            "are English and do not follow /lang.",
        ]
        for line in lines:
            self.term.line(line)

    def ask(self, question: str) -> str | None:
        *lead, last = question.split("\n")
        for line in lead:
            self.term.line(line)
        return self.read(last)

    def read(self, prompt: str) -> str | None:
        """One line, or None at the end of the input."""
        if self.readline is not None:
            try:
                return input(prompt)
            except EOFError:
                self.term.line()
                return None
            except KeyboardInterrupt:
                self.term.line("^C")
                return ""
        self.term.out.write(prompt)
        line = self.stdin.readline()
        if not line:
            self.term.line()
            return None
        self.term.line(line.rstrip("\n"))  # echoed, so a piped session reads as a transcript
        return line.rstrip("\n")

    def _remember(self, line: str) -> None:
        if self.history is not None and self.history.add(line) and self.readline is not None:
            self.history.to_readline(self.readline)

    def _prompt(self) -> str:
        return self.term.prompt(user=self.session.user.name, channel=self.session.channel)

    def _who(self) -> str:
        user = self.session.user
        return f"{user.name} ({user.role.value}) in #{self.session.channel}"
