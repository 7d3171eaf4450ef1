"""What several commands' parsers read alike: a leading `#42` that names the deal, a free
text after it (reasons, objections keep their apostrophes and spacing), or nothing."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from bot.commands.spec import Answer, Refused
from bot.core.context import Actor, Services
from bot.core.refs import CURRENT, DealRef, parse_deal_ref
from bot.core.slack_text import as_text
from bot.deals.naming import deal_named_in_text
from bot.deals.outcomes import WhichDeal
from flows.i18n import _

# A first word that names the deal before a command's own text (`/deal lose #42 …`);
# refs.parse_deal_ref turns it into the reference.
DEAL_NUMBER_WORD = re.compile(r"^#\d{1,12}$")

Args = TypeVar("Args")
Parser = Callable[[str], Args | Refused]


def split_deal(rest: str) -> tuple[DealRef, str]:
    """A leading `#42` names the deal; the remainder is the command's own argument."""
    head, _sep, tail = rest.strip().partition(" ")
    if DEAL_NUMBER_WORD.match(head):
        return parse_deal_ref(head), tail.strip()
    return CURRENT, rest.strip()


def free_text(text: str) -> str:
    """A reason, a note, a name: as it reads, mentions included (bot.core.slack_text)."""
    return as_text(text).strip()


def deal_only(make: Callable[[DealRef], Args]) -> Parser[Args]:
    """All of the text names the deal (`acme`, `#42`), or there is none."""

    def parse(rest: str) -> Args | Refused:
        return make(parse_deal_ref(free_text(rest)))

    return parse


def deal_and_text(make: Callable[[DealRef, str], Args], *, missing: str) -> Parser[Args]:
    """`[#deal] <text>`, the text required; `missing` (English, marked with N_) says that it
    is missing, in a whole sentence of its own ("the reason is missing")."""

    def parse(rest: str) -> Args | Refused:
        ref, text = split_deal(rest)
        if not text:
            return Refused(_(missing))
        return make(ref, free_text(text))

    return parse


def deal_and_optional_text(make: Callable[[DealRef, str | None], Args]) -> Parser[Args]:
    """`[#deal] [text]`."""

    def parse(rest: str) -> Args | Refused:
        ref, text = split_deal(rest)
        return make(ref, free_text(text) or None)

    return parse


def no_arguments(name: str, make: Callable[[], Args]) -> Parser[Args]:
    def parse(rest: str) -> Args | Refused:
        if rest.strip():
            return Refused(_("{name} takes no arguments").format(name=name))
        return make()

    return parse


@dataclass(frozen=True, slots=True)
class DealArgs:
    """The arguments of a command whose one argument is the deal (show, advance…)."""

    ref: DealRef = CURRENT


@dataclass(frozen=True, slots=True)
class NoArgs:
    """The arguments of a command that takes none (map, unbind)."""


async def on_named_deal(
    services: Services,
    actor: Actor,
    command: str,
    ref: DealRef,
    text: str,
    run: Callable[[DealRef, str], Awaitable[Answer]],
) -> Answer:
    """Run a command whose free text may begin with a deal's name (bot.deals.naming) on the
    deal it names, with the rest of the text; or answer with the question."""
    named = await deal_named_in_text(services, actor, ref, text, command=command)
    if isinstance(named, WhichDeal):
        return named
    return await run(named.ref, named.text)
