"""What a `/deal` subcommand is: its name and help, a parser from the text after its name
to its own typed arguments, and a handler from those arguments to a use case's answer.

A parser that cannot read its text says why (`Refused`); the registry adds the command's
usage and hands the user a `ParseError`. A parsed command (`Command`) is the spec and its
arguments together, so the handler that runs is the one that owns those arguments.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bot.commands.usage_words import shown_usage
from bot.core.context import Actor, Services
from bot.core.outcomes import Outcome
from flows.i18n import _


@dataclass(frozen=True, slots=True)
class HelpRequested:
    topic: str | None


@dataclass(frozen=True, slots=True)
class NewDealForm:
    """`/deal new` with no name: Slack opens a modal, the shell asks the questions."""


# A use case's outcome, or one of the two answers that are not about a deal.
Answer = Outcome | HelpRequested | NewDealForm


@dataclass(frozen=True, slots=True)
class Refused:
    """Why a command's text cannot be read, and what to type instead."""

    message: str
    suggestion: str | None = None


@dataclass(frozen=True, slots=True)
class ParseError:
    message: str
    usage: str
    suggestion: str | None = None


Args = TypeVar("Args")


@dataclass(frozen=True, slots=True)
class CommandSpec(Generic[Args]):
    """A spec is built when its module is imported, before anyone asks in any language: its
    summary and details are English marked with `N_`, translated where they are shown
    (`said_summary`, `said_details`); its usage is English syntax (bot.commands.usage_words)."""

    name: str
    usage: str
    summary: str
    parse: Callable[[str], Args | Refused] = field(repr=False)
    handle: Callable[[Services, Actor, Args], Awaitable[Answer]] = field(repr=False)
    examples: tuple[str, ...] = ()
    group: str = "deals"
    details: str = ""  # what `/deal help <command>` adds to the summary: rules, forms
    details_values: tuple[tuple[str, str], ...] = ()  # the details' {placeholders}, typed words

    @property
    def said_usage(self) -> str:
        return shown_usage(self.usage)

    @property
    def said_summary(self) -> str:
        return _(self.summary)

    @property
    def said_details(self) -> str:
        # never _(""): gettext answers the empty string with the catalogue's header
        return _(self.details).format(**dict(self.details_values)) if self.details else ""

    @property
    def usage_line(self) -> str:
        return _("Usage: {usage}").format(usage=self.said_usage)

    def read(self, rest: str) -> Command[Args] | ParseError:
        """The command with its arguments, from the text after its name."""
        args = self.parse(rest)
        if isinstance(args, Refused):
            return ParseError(args.message, self.usage_line, args.suggestion)
        return Command(self, args)


@dataclass(frozen=True, slots=True)
class Command(Generic[Args]):
    """A parsed command: its spec and the typed arguments its handler takes."""

    spec: CommandSpec[Args]
    args: Args

    @property
    def name(self) -> str:
        return self.spec.name

    async def run(self, services: Services, actor: Actor) -> Answer:
        return await self.spec.handle(services, actor, self.args)
