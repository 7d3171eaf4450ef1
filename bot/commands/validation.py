"""Managers answer items the map has validated (`validate: manager`) by command too:
`/deal validate [#deal] <n>` and `/deal sendback [#deal] <n> <what is missing>`, the same
use cases as the Validate and Send back buttons of their DM. As with `/deal tick`, the
words before the item number may name the deal (`/deal validate hooli 2`)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.spec import Answer, CommandSpec, Refused
from bot.commands.words import free_text, split_deal
from bot.core.context import Actor, Services
from bot.core.refs import DealRef
from bot.deals.naming import Named, deal_named_in_text
from bot.deals.outcomes import WhichDeal
from bot.deals.validating import send_back, validate
from flows.i18n import N_, _


@dataclass(frozen=True, slots=True)
class ValidateArgs:
    ref: DealRef
    item: str  # an item number as the card shows it, or its id
    name: str = ""  # the words before the item number: perhaps the deal's name


@dataclass(frozen=True, slots=True)
class SendBackArgs:
    ref: DealRef
    item: str
    reason: str
    name: str = ""


def _item_and_rest(rest: str, command: str) -> tuple[DealRef, str, str, str] | Refused:
    """The deal, the words before the first item number (a deal's name, perhaps), the
    item, and the text after it; with no number, the first word is the item (an id)."""
    ref, text = split_deal(rest)
    words = text.split(" ")
    at = next((n for n, word in enumerate(words) if word.isdigit()), 0)
    name, item, tail = " ".join(words[:at]).strip(), words[at], " ".join(words[at + 1 :])
    if not item:
        return Refused(
            _("which item? give its number"), _("e.g. /deal {name} 3").format(name=command)
        )
    return ref, free_text(name), item, free_text(tail)


def _parse_validate(rest: str) -> ValidateArgs | Refused:
    found = _item_and_rest(rest, "validate")
    if isinstance(found, Refused):
        return found
    ref, name, item, extra = found
    if extra:
        return Refused(
            _("validate takes one item number, not '{extra}'").format(extra=extra),
            _("e.g. /deal validate #12 3"),
        )
    return ValidateArgs(ref, item, name)


def _parse_send_back(rest: str) -> SendBackArgs | Refused:
    found = _item_and_rest(rest, "sendback")
    if isinstance(found, Refused):
        return found
    ref, name, item, reason = found
    if not reason:
        return Refused(
            _("say what is missing after the item number"),
            _("e.g. /deal sendback 3 the budget is a guess, ask the CFO"),
        )
    return SendBackArgs(ref, item, reason, name)


async def _validate(services: Services, actor: Actor, args: ValidateArgs) -> Answer:
    named = await _named(services, actor, "validate", args.ref, args.name, args.item)
    if isinstance(named, WhichDeal):
        return named
    return await validate(services, actor, named.ref, named.text)


async def _send_back(services: Services, actor: Actor, args: SendBackArgs) -> Answer:
    text = f"{args.item} {args.reason}"
    named = await _named(services, actor, "sendback", args.ref, args.name, text)
    if isinstance(named, WhichDeal):
        return named
    return await send_back(services, actor, named.ref, named.text, reason=args.reason)


async def _named(
    services: Services, actor: Actor, command: str, ref: DealRef, name: str, after: str
) -> Named | WhichDeal:
    """The deal `name` names (`/deal validate hooli 2`) and the item; a name that names
    no deal is taken as the item, which the card then says it lacks (as /deal tick does)."""
    named = Named(ref, f"{name} {after}".strip())
    if name:
        found = await deal_named_in_text(
            services,
            actor,
            ref,
            named.text,
            command=command,
            name_words=len(name.split()),
            ask_beside_current=False,
        )
        if isinstance(found, WhichDeal):
            return found
        named = found
    return Named(named.ref, named.text.split(" ")[0])


VALIDATE = CommandSpec(
    "validate",
    "/deal validate [#deal] <n>",
    N_("Managers: confirm an item a rep ticked, where the map asks for validation"),
    _parse_validate,
    _validate,
    ("/deal validate #12 3",),
)
SEND_BACK = CommandSpec(
    "sendback",
    "/deal sendback [#deal] <n> <what is missing>",
    N_("Managers: untick such an item and tell the rep what is missing"),
    _parse_send_back,
    _send_back,
    ("/deal sendback #12 3 the budget is a guess, ask the CFO",),
)
