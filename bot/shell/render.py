"""The terminal side: replies, modals and the prompt as text, in colour only on a TTY
(a pipe or a test's StringIO gets plain text that greps and diffs well)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TextIO

from bot.shell.reply import Reply, is_failure
from bot.shell.screen import Surface
from bot.views.plain import from_mrkdwn, text_of
from bot.views.text import render_text

RESET = "\033[0m"
BOLD, DIM, RED, GREEN, YELLOW, CYAN = "1", "2", "31", "32", "33", "36"
_NUMBER = re.compile(r"\(\d+\)")


class Terminal:
    def __init__(
        self,
        out: TextIO,
        *,
        colour: bool | None = None,
        humanize: Callable[[str], str] = str,
    ) -> None:
        self.out = out
        self.colour = _is_tty(out) if colour is None else colour
        self.humanize = humanize  # user and channel ids → names

    def paint(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}{RESET}" if self.colour else text

    def line(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def note(self, text: str) -> None:
        self.line(self.paint(text, DIM))

    def problem(self, text: str) -> None:
        self.line(self.paint(f"! {text}", RED))

    def reply(self, reply: Reply) -> None:
        if reply.note:  # the shell's own news first: "you are now maria", then what she sees
            self.note(reply.note)
        for surface in reply.surfaces:
            self.surface(surface)
        for title, path in reply.files:
            self.line(f"📎 {title}: saved as {path}")
        if reply.problem:
            self.problem(reply.problem)
        if not (reply.surfaces or reply.files or reply.note or reply.problem or reply.modal):
            self.note("(no reply)")

    def surface(self, surface: Surface) -> None:
        self.line(self.paint(self.humanize(_title(surface)), DIM))
        body = self.humanize(render_text(surface.blocks) or from_mrkdwn(surface.text))
        files = [f for f in surface.content.get("files") or [] if isinstance(f, dict)]
        body = "\n".join([body, *(f"[file: {f.get('title') or f.get('name')}]" for f in files)])
        colour = RED if is_failure(surface) else None
        for number, text in enumerate(body.splitlines()):
            painted = self.paint(text, colour) if colour and number < 3 else text
            self.line(_NUMBER.sub(lambda m: self.paint(m[0], CYAN), painted))
        self.line()

    def modal(self, view: dict[str, object]) -> None:
        """The modal's title and what it says before its inputs (they are asked one by one)."""
        title = text_of(view.get("title"))
        self.line(self.paint(f"┌ {title}", BOLD))
        blocks = view.get("blocks")
        shown = (
            [b for b in blocks or [] if isinstance(b, dict) and b.get("type") != "input"]
            if isinstance(blocks, list)
            else []
        )
        for text in self.humanize(render_text(shown)).splitlines():
            self.line(f"│ {text}")
        if view.get("submit"):
            self.note(
                "│ answer each field; a blank line keeps what is shown in [ ], /cancel closes"
            )

    def prompt(self, *, user: str, channel: str) -> str:
        """`ana@#sales> `; colour codes wrapped so readline measures the prompt right."""
        if not self.colour:
            return f"{user}@#{channel}> "
        return f"{_rl(GREEN)}{user}{_rl_reset()}@{_rl(CYAN)}#{channel}{_rl_reset()}> "


def _title(surface: Surface) -> str:
    where = f" · #{surface.channel}" if surface.channel else ""
    changed = " · updated" if surface.updated else ""
    if surface.kind == "home":
        return "── App Home ──"
    if surface.kind == "ephemeral":
        return f"── stagecoach · only visible to you{where}{changed} ──"
    if surface.channel and surface.channel.startswith("D"):
        return f"── stagecoach · direct message{changed} ──"
    return f"── stagecoach{where}{changed} ──"


def _rl(code: str) -> str:
    return f"\001\033[{code}m\002"


def _rl_reset() -> str:
    return f"\001{RESET}\002"


def _is_tty(out: TextIO) -> bool:
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty())
