"""The commands that move a deal: advance, lose, nurture, disqualify, reopen, override."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.spec import Answer, CommandSpec
from bot.commands.words import DealArgs, deal_and_optional_text, deal_and_text, deal_only
from bot.core.context import Actor, Services
from bot.core.refs import DealRef
from bot.deals import moving, reopening
from bot.deals.naming import deal_named_in_text
from bot.deals.outcomes import WhichDeal
from flows.i18n import _


async def _advance(services: Services, actor: Actor, args: DealArgs) -> Answer:
    return await moving.advance(services, actor, args.ref)


ADVANCE = CommandSpec(
    "advance",
    "/deal advance [deal]",
    _("Move to the next stage if every required item is ticked"),
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
    named = await deal_named_in_text(services, actor, args.ref, args.reason, command="lose")
    if isinstance(named, WhichDeal):
        return named
    return await moving.lose(services, actor, named.ref, reason=named.text)


LOSE = CommandSpec(
    "lose",
    "/deal lose [#deal] <reason>",
    _("Mark the deal lost, with one of the map's lost reasons"),
    deal_and_text(ReasonArgs, what=_("the reason")),
    _lose,
    ("/deal lose chose a competitor",),
)


@dataclass(frozen=True, slots=True)
class NurtureArgs:
    ref: DealRef
    until: str  # as typed: a date or a span (bot.core.values.parse_future_date)


async def _nurture(services: Services, actor: Actor, args: NurtureArgs) -> Answer:
    named = await deal_named_in_text(services, actor, args.ref, args.until, command="nurture")
    if isinstance(named, WhichDeal):
        return named
    return await moving.nurture(services, actor, named.ref, until=named.text)


NURTURE = CommandSpec(
    "nurture",
    "/deal nurture [#deal] <date>",
    _("Park the deal until a re-engage date (YYYY-MM-DD, 30d, 6w, 3m)"),
    deal_and_text(NurtureArgs, what=_("the re-engage date")),
    _nurture,
    ("/deal nurture 3m",),
)


async def _disqualify(services: Services, actor: Actor, args: ReasonArgs) -> Answer:
    named = await deal_named_in_text(services, actor, args.ref, args.reason, command="disqualify")
    if isinstance(named, WhichDeal):
        return named
    return await moving.disqualify(services, actor, named.ref, reason=named.text)


DISQUALIFY = CommandSpec(
    "disqualify",
    "/deal disqualify [#deal] <reason>",
    _("Disqualify the deal, saying why"),
    deal_and_text(ReasonArgs, what=_("the reason")),
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
    named = await deal_named_in_text(services, actor, args.ref, args.stage, command="reopen")
    if isinstance(named, WhichDeal):
        return named
    return await reopening.reopen(services, actor, named.ref, stage=named.text)


REOPEN = CommandSpec(
    "reopen",
    "/deal reopen [#deal] [stage]",
    _("Bring a lost, disqualified or nurtured deal back"),
    deal_and_optional_text(ReopenArgs),
    _reopen,
    ("/deal reopen", "/deal reopen discovery"),
)


async def _override(services: Services, actor: Actor, args: ReasonArgs) -> Answer:
    named = await deal_named_in_text(services, actor, args.ref, args.reason, command="override")
    if isinstance(named, WhichDeal):
        return named
    return await moving.override(services, actor, named.ref, reason=named.text)


OVERRIDE = CommandSpec(
    "override",
    "/deal override [#deal] <reason>",
    _("Managers: advance despite open items (audited)"),
    deal_and_text(ReasonArgs, what=_("the reason")),
    _override,
    ("/deal override customer signed the pilot terms already",),
)
