"""Whether the free text after a command begins with a deal's name.

`/deal override globex CFO agreed` names Globex even though no `#42` comes first: the bot
must not override the user's last deal with the reason "globex CFO agreed". When no deal
is named by number, the first words of the text are looked up as the start of a deal's
name, whole words only ("glob" names nothing, "globex" names Globex Corp). A named deal
that is the current one (or when there is no current one) is taken, and its name leaves
the text; a named deal beside another current deal, or several deals, is a question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.context import Actor, Services
from bot.core.refs import CurrentDeal, DealNumber, DealRef
from bot.deals.lookup import LONGEST_NAME
from bot.deals.outcomes import DealChoice, WhichDeal
from flows.i18n import _
from storage.models import Deal
from storage.name_keys import fold

MOST_NAME_WORDS = 4  # deal names people type are short; each extra word is one more look-up
MOST_CHOICES = 4  # what fits a question's buttons


@dataclass(frozen=True, slots=True)
class Named:
    """The deal the command is about, and the command's own text."""

    ref: DealRef
    text: str


async def deal_named_in_text(
    services: Services,
    actor: Actor,
    ref: DealRef,
    text: str,
    *,
    command: str,
    name_words: int = MOST_NAME_WORDS,
    ask_beside_current: bool = True,
) -> Named | WhichDeal:
    """`name_words`: at most this many leading words may be the name. A text that is all
    a deal's name names it, with no text left (the use case then asks for its reason).

    `ask_beside_current=False`: a deal named is taken even beside another current deal
    (`/deal tick initech 1`: what follows the name is item numbers, not free text)."""
    if not isinstance(ref, CurrentDeal):
        return Named(ref, text)  # the deal was named outright: the text is all text
    found = await _leading_name(services, actor, text, min(name_words, MOST_NAME_WORDS))
    if found is None:
        return Named(ref, text)
    matches, words, rest = found
    current = None  # asked only when it may matter: tick takes a named deal outright
    if ask_beside_current:
        current = await services.deals.current(actor.team_id, actor.user_id, actor.channel_id)
    beside_current = current is not None and current.id != matches[0].id
    if len(matches) == 1 and (not beside_current or not rest):
        assert matches[0].id is not None
        return Named(DealNumber(matches[0].id), rest)
    return _which(command, text, matches, words, rest, current)


async def _leading_name(
    services: Services, actor: Actor, text: str, most: int
) -> tuple[list[Deal], str, str] | None:
    """The deals whose names start with the longest run of the text's first words (whole
    words), those words, and the text after them. A deal named exactly by those words
    is the one meant, whatever longer names also start with them."""
    words = list(re.finditer(r"\S+", text))
    for count in range(min(len(words), most), 0, -1):
        prefix = " ".join(match.group() for match in words[:count])
        if len(prefix) > LONGEST_NAME:  # no deal's name is that long
            continue
        found = await services.deals.by_name(actor.team_id, prefix, suggest=False)
        whole = [deal for deal in found.deals if _starts_with_words(deal.name, prefix)]
        exact = [deal for deal in whole if fold(deal.name) == fold(prefix)]
        if whole:
            rest = text[words[count].start() :].strip() if count < len(words) else ""
            return (exact or whole)[:MOST_CHOICES], prefix, rest
    return None


def _starts_with_words(name: str, prefix: str) -> bool:
    """`Acme Corp` and `Acme, Inc.` start with the word `acme`; `Acmeco` does not (and
    `Müşteri Görüşmesi` with `MUSTERI`: compared folded, as the store finds names)."""
    key, typed = fold(name), fold(prefix)
    return key.startswith(typed) and (len(key) == len(typed) or not key[len(typed)].isalnum())


def _which(
    command: str, text: str, matches: list[Deal], words: str, rest: str, current: Deal | None
) -> WhichDeal:
    choices = [DealChoice(int(deal.id or 0), deal.name, rest) for deal in matches]
    if current is not None and current.id not in {deal.id for deal in matches}:
        choices.append(DealChoice(int(current.id or 0), current.name, text))
    names = ", ".join(deal.name for deal in matches)
    return WhichDeal(
        _("Which deal? '{words}' may name {names}, or be part of what you wrote").format(
            words=words, names=names
        ),
        command,
        tuple(choices),
    )
