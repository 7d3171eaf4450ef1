"""`/deal help [command]`: the answer is the help itself (bot.views.help renders it from
the registry)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.aliases import split_verb
from bot.commands.spec import Answer, CommandSpec, HelpRequested, Refused
from bot.core.context import Actor, Services
from flows.i18n import N_


@dataclass(frozen=True, slots=True)
class HelpArgs:
    topic: str | None = None  # a command's name, lower-cased; None: every command


def _parse_help(rest: str) -> HelpArgs | Refused:
    """A command's name, English or Turkish (`/deal yardım yeniden aç`: reopen's help)."""
    turkish = split_verb(rest)
    if turkish is not None and not turkish[1].strip():
        return HelpArgs(turkish[0])
    return HelpArgs(rest.strip().lower() or None)


async def _help(services: Services, actor: Actor, args: HelpArgs) -> Answer:
    return HelpRequested(args.topic)


HELP = CommandSpec(
    "help",
    "/deal help [command]",
    N_("This help, or one command's"),
    _parse_help,
    _help,
    ("/deal help tick",),
)
