"""The commands that move a deal: advance, lose, nurture, disqualify, reopen, override."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.spec import Answer, CommandSpec, Refused
from bot.commands.words import (
    DealArgs,
    deal_and_optional_text,
    deal_and_text,
    deal_only,
    free_text,
    on_named_deal,
    split_deal,
)
from bot.core.context import Actor, Services
from bot.core.dates import DATE_HINT, Ambiguous, WrittenDate, date_at_end
from bot.core.refs import CurrentDeal, DealRef, parse_deal_ref
from bot.core.values import BadValue
from bot.deals import moving, reopening
from flows.i18n import N_, _


async def _advance(services: Services, actor: Actor, args: DealArgs) -> Answer:
    return await moving.advance(services, actor, args.ref)


ADVANCE = CommandSpec(
    "advance",
    "/deal advance [deal]",
    N_("Move to the next stage if every required item is ticked"),
    deal_only(DealArgs),
    _advance,
    ("/deal advance", "/deal advance acme"),
)


@dataclass(frozen=True, slots=True)
class ReasonArgs:
    """`[#deal] <reason>`: lose, disqualify and override say why."""

    ref: DealRef
    reason: str


async def _lose(services: Services, actor: Actor, args: ReasonArgs) -> Answer:
    return await on_named_deal(
        services,
        actor,
        "lose",
        args.ref,
        args.reason,
        lambda ref, text: moving.lose(services, actor, ref, reason=text),
    )


LOSE = CommandSpec(
    "lose",
    "/deal lose [#deal] <reason>",
    N_("Mark the deal lost, with one of the map's lost reasons"),
    deal_and_text(ReasonArgs, missing=N_("the reason is missing")),
    _lose,
    ("/deal lose chose a competitor",),
)


@dataclass(frozen=True, slots=True)
class NurtureArgs:
    ref: DealRef
    until: WrittenDate  # as written (`next friday`): the use case resolves it on its today


def _parse_nurture(rest: str) -> NurtureArgs | Refused:
    """`[#deal | deal name] <date>`: the date is read off the end (bot.core.dates), so the
    words before it can only be the deal's name."""
    ref, text = split_deal(rest)
    if not text:
        return Refused(_("the re-engage date is missing"), _("e.g. /deal nurture next friday"))
    found = date_at_end(text)
    if isinstance(found, Ambiguous):
        return Refused(found.question, found.hint)
    if isinstance(found, BadValue):
        return Refused(found.message, found.hint)
    name, until = found
    if not name:
        return NurtureArgs(ref, until)
    if not isinstance(ref, CurrentDeal):  # `#3 acme 3m`: the deal is named twice
        return Refused(_("'{text}' is not a date").format(text=text), _(DATE_HINT))
    return NurtureArgs(parse_deal_ref(free_text(name)), until)


async def _nurture(services: Services, actor: Actor, args: NurtureArgs) -> Answer:
    return await moving.nurture(services, actor, args.ref, until=args.until)


NURTURE = CommandSpec(
    "nurture",
    "/deal nurture [#deal] <date>",
    N_("Park the deal until a re-engage date (next friday, in 2 weeks, 15 March, 3m, 2027-03-15)"),
    _parse_nurture,
    _nurture,
    ("/deal nurture 3m", "/deal nurture #12 next friday"),
)


async def _disqualify(services: Services, actor: Actor, args: ReasonArgs) -> Answer:
    return await on_named_deal(
        services,
        actor,
        "disqualify",
        args.ref,
        args.reason,
        lambda ref, text: moving.disqualify(services, actor, ref, reason=text),
    )


DISQUALIFY = CommandSpec(
    "disqualify",
    "/deal disqualify [#deal] <reason>",
    N_("Disqualify the deal, saying why"),
    deal_and_text(ReasonArgs, missing=N_("the reason is missing")),
    _disqualify,
    ("/deal disqualify no budget this year",),
)


@dataclass(frozen=True, slots=True)
class ReopenArgs:
    ref: DealRef
    stage: str | None  # a stage's id or name, as typed; None: the first the map allows


async def _reopen(services: Services, actor: Actor, args: ReopenArgs) -> Answer:
    if args.stage is None:
        return await reopening.reopen(services, actor, args.ref, stage=None)
    return await on_named_deal(
        services,
        actor,
        "reopen",
        args.ref,
        args.stage,
        lambda ref, text: reopening.reopen(services, actor, ref, stage=text),
    )


REOPEN = CommandSpec(
    "reopen",
    "/deal reopen [#deal] [stage]",
    N_("Bring a lost, disqualified or nurtured deal back, to the stage it left or earlier"),
    deal_and_optional_text(ReopenArgs),
    _reopen,
    ("/deal reopen", "/deal reopen discovery"),
)


async def _override(services: Services, actor: Actor, args: ReasonArgs) -> Answer:
    return await on_named_deal(
        services,
        actor,
        "override",
        args.ref,
        args.reason,
        lambda ref, text: moving.override(services, actor, ref, reason=text),
    )


OVERRIDE = CommandSpec(
    "override",
    "/deal override [#deal] <reason>",
    N_("Managers: advance despite open items (audited)"),
    deal_and_text(ReasonArgs, missing=N_("the reason is missing")),
    _override,
    ("/deal override customer signed the pilot terms already",),
)
