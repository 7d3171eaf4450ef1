"""Tab completion: the shell's commands, `/deal` subcommands from the commands' registry
(bot.commands.COMMANDS, the same table `/deal help` reads), people, channels and the
Slack locales `/lang` takes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import ModuleType

from bot.commands import COMMANDS
from bot.shell.languages import SUGGESTED
from bot.shell.lines import APP_COMMANDS, SHELL_COMMANDS
from bot.shell.people import DEMO_PEOPLE
from bot.shell.shortcuts import MESSAGE_SHORTCUTS

REPL_WORDS = ("help", "quit")
PEOPLE = tuple(person.name for person in DEMO_PEOPLE)


def candidates(buffer: str, *, channels: Iterable[str] = ("sales",)) -> list[str]:
    """What the last word of `buffer` can complete to."""
    words = buffer.split(" ")
    typed, before = words[-1], [w for w in words[:-1] if w]
    if typed.startswith("@"):
        pool: Iterable[str] = (f"@{name}" for name in PEOPLE)
    elif typed.startswith("#"):
        pool = (f"#{name}" for name in channels)
    else:
        pool = _pool(before, channels)
    return sorted(word for word in pool if word.startswith(typed))


def _pool(before: list[str], channels: Iterable[str]) -> Iterable[str]:
    if not before:
        return [*APP_COMMANDS, *SHELL_COMMANDS, *REPL_WORDS]
    head = before[0]
    if head in APP_COMMANDS and len(before) == 1:
        return [spec.name for spec in COMMANDS]
    if head in APP_COMMANDS and before[1:] == ["help"]:
        return [spec.name for spec in COMMANDS]
    if head == "/as" and len(before) == 1:
        return PEOPLE
    if head == "/shortcut" and len(before) == 1:
        return MESSAGE_SHORTCUTS
    if head == "/lang" and len(before) == 1:
        return SUGGESTED
    if head == "/in" and len(before) == 1:
        return [f"#{name}" for name in channels]
    return []


def install(readline: ModuleType, *, channels: Callable[[], Iterable[str]]) -> None:
    """Complete on Tab against the whole line typed so far (words split on spaces only,
    so `/deal`, `@ana` and `#sales` complete as one word)."""

    def complete(text: str, state: int) -> str | None:
        found = candidates(readline.get_line_buffer()[: readline.get_endidx()], channels=channels())
        return found[state] if state < len(found) else None

    readline.set_completer_delims(" \t\n")
    readline.set_completer(complete)
    libedit = "libedit" in (readline.__doc__ or "")  # macOS's readline speaks another syntax
    readline.parse_and_bind("bind ^I rl_complete" if libedit else "tab: complete")
