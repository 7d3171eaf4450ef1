"""`/deal help [command]`: the answer is the help itself (bot.views.help renders it from
the registry)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.spec import Answer, CommandSpec, HelpRequested, Refused
from bot.core.context import Actor, Services
from flows.i18n import _


@dataclass(frozen=True, slots=True)
class HelpArgs:
    topic: str | None = None  # a command's name, lower-cased; None: every command


def _parse_help(rest: str) -> HelpArgs | Refused:
    return HelpArgs(rest.strip().lower() or None)


async def _help(services: Services, actor: Actor, args: HelpArgs) -> Answer:
    return HelpRequested(args.topic)


HELP = CommandSpec(
    "help",
    "/deal help [command]",
    _("This help, or one command's"),
    _parse_help,
    _help,
    ("/deal help tick",),
)
