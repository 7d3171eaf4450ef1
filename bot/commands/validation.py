"""Managers answer items the map has validated (`validate: manager`) by command too:
`/deal validate [#deal] <n>` and `/deal sendback [#deal] <n> <what is missing>`, the same
use cases as the Validate and Send back buttons of their DM."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.spec import Answer, CommandSpec, Refused
from bot.commands.words import split_deal
from bot.core.context import Actor, Services
from bot.core.refs import DealRef
from bot.deals.validating import send_back, validate
from flows.i18n import _


@dataclass(frozen=True, slots=True)
class ValidateArgs:
    ref: DealRef
    item: str  # an item number as the card shows it, or its id


@dataclass(frozen=True, slots=True)
class SendBackArgs:
    ref: DealRef
    item: str
    reason: str


def _item_and_rest(rest: str, name: str) -> tuple[DealRef, str, str] | Refused:
    ref, text = split_deal(rest)
    item, _sep, tail = text.partition(" ")
    if not item:
        return Refused(_("which item? give its number"), _("e.g. /deal {name} 3").format(name=name))
    return ref, item, tail.strip()


def _parse_validate(rest: str) -> ValidateArgs | Refused:
    found = _item_and_rest(rest, "validate")
    if isinstance(found, Refused):
        return found
    ref, item, extra = found
    if extra:
        return Refused(
            _("validate takes one item number, not '{extra}'").format(extra=extra),
            _("e.g. /deal validate #12 3"),
        )
    return ValidateArgs(ref, item)


def _parse_send_back(rest: str) -> SendBackArgs | Refused:
    found = _item_and_rest(rest, "sendback")
    if isinstance(found, Refused):
        return found
    ref, item, reason = found
    if not reason:
        return Refused(
            _("say what is missing after the item number"),
            _("e.g. /deal sendback 3 the budget is a guess, ask the CFO"),
        )
    return SendBackArgs(ref, item, reason)


async def _validate(services: Services, actor: Actor, args: ValidateArgs) -> Answer:
    return await validate(services, actor, args.ref, args.item)


async def _send_back(services: Services, actor: Actor, args: SendBackArgs) -> Answer:
    return await send_back(services, actor, args.ref, args.item, reason=args.reason)


VALIDATE = CommandSpec(
    "validate",
    "/deal validate [#deal] <n>",
    _("Managers: confirm an item a rep ticked, where the map asks for validation"),
    _parse_validate,
    _validate,
    ("/deal validate #12 3",),
)
SEND_BACK = CommandSpec(
    "sendback",
    "/deal sendback [#deal] <n> <what is missing>",
    _("Managers: untick such an item and tell the rep what is missing"),
    _parse_send_back,
    _send_back,
    ("/deal sendback #12 3 the budget is a guess, ask the CFO",),
)
