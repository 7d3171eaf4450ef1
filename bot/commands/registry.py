"""Every `/deal` subcommand, in the order `/deal help` lists them, and the one way a
command line is read and run. Slack's listener and the shell (through the stand-in Slack)
both go through `parse` and `run_command`; `/deal help`, the shell's tab completion and
the README's command table (tests/test_docs.py) read `COMMANDS`.

A command line is `/deal <subcommand> <rest>`; each subcommand parses its own rest, since
free text (reasons, objections) must keep its apostrophes and spacing.
"""

from __future__ import annotations

import difflib
from typing import Any

from bot.commands.admin import ROLE, TEAM
from bot.commands.aliases import ALIASES, split_verb
from bot.commands.deal_commands import BIND, HISTORY, LIST, NEW, SHOW, UNBIND
from bot.commands.digest import DIGEST
from bot.commands.editing import EDIT
from bot.commands.feedback import FEEDBACK
from bot.commands.help import HELP
from bot.commands.map_commands import MAP
from bot.commands.moves import ADVANCE, DISQUALIFY, LOSE, NURTURE, OVERRIDE, REOPEN
from bot.commands.notes import OBJECTION, PLAYBOOK
from bot.commands.onboard import ONBOARD
from bot.commands.owners import OWNERS
from bot.commands.reporting import PLAN, STATS
from bot.commands.rooms import ROOM
from bot.commands.settings import SETTINGS
from bot.commands.spec import Answer, Command, CommandSpec, ParseError
from bot.commands.ticks import TICK, UNTICK
from bot.commands.usage_words import shown_usage
from bot.commands.validation import SEND_BACK, VALIDATE
from bot.commands.webhook import WEBHOOK
from bot.commands.words import DEAL_NUMBER_WORD, DealArgs
from bot.core.context import Actor, Services
from bot.core.refs import parse_deal_ref
from flows.i18n import _
from storage.name_keys import fold

COMMANDS: tuple[CommandSpec[Any], ...] = (
    SHOW,
    NEW,
    EDIT,
    TICK,
    UNTICK,
    ADVANCE,
    PLAYBOOK,
    OBJECTION,
    LOSE,
    NURTURE,
    DISQUALIFY,
    REOPEN,
    OVERRIDE,
    VALIDATE,
    SEND_BACK,
    LIST,
    HISTORY,
    ONBOARD,
    STATS,
    PLAN,
    FEEDBACK,
    BIND,
    UNBIND,
    ROOM,
    ROLE,
    TEAM,
    SETTINGS,
    OWNERS,
    MAP,
    DIGEST,
    WEBHOOK,
    HELP,
)

BY_NAME: dict[str, CommandSpec[Any]] = {spec.name: spec for spec in COMMANDS}


def usage_of(name: str) -> str:
    return BY_NAME[name].usage_line


def parse(text: str) -> Command[Any] | ParseError:
    """Parse what follows `/deal`. Empty text shows the current deal's card."""
    head, _sep, rest = text.strip().partition(" ")
    name = head.lower()
    if not name:
        return Command(SHOW, DealArgs())
    spec = BY_NAME.get(name)
    if spec is not None:
        return spec.read(rest)
    if DEAL_NUMBER_WORD.match(head):  # `/deal #42` is `/deal show #42`
        return Command(SHOW, DealArgs(parse_deal_ref(head)))
    turkish = split_verb(text)  # `/deal ilerlet`, `/deal yeniden aç acme` (bot.commands.aliases)
    if turkish is not None:
        return BY_NAME[turkish[0]].read(turkish[1])
    return _unknown(head)


async def run_command(services: Services, actor: Actor, command: Command[Any]) -> Answer:
    return await command.run(services, actor)


def _unknown(word: str) -> ParseError:
    close = difflib.get_close_matches(word.lower(), list(BY_NAME), n=1, cutoff=0.6)
    if not close:  # `ilerle`, `goster`: a Turkish command's name, misspelt
        turkish = {fold(name): name for alias in ALIASES for name in alias.words}
        found = difflib.get_close_matches(fold(word), list(turkish), n=1, cutoff=0.75)
        close = [turkish[found[0]]] if found else []
    return ParseError(
        _("'{word}' is not a /deal command").format(word=word),
        _("Usage: {usage} — /deal help lists them").format(usage=shown_usage("/deal <command> …")),
        _("did you mean /deal {name}?").format(name=close[0]) if close else None,
    )
