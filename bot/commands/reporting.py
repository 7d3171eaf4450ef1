"""The commands that report: KPIs (`stats`) and the reverse funnel to a quota (`plan`)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.aliases import PLAN_PERIODS, period_in_english
from bot.commands.spec import Answer, CommandSpec, Refused
from bot.core.amounts_tr import is_amount_tail
from bot.core.context import Actor, Services
from bot.reporting.stats import plan, show_stats
from flows.i18n import N_, _
from storage.name_keys import fold


@dataclass(frozen=True, slots=True)
class StatsArgs:
    period: str | None = None  # as typed; checked by the use case, which knows today


def _parse_stats(rest: str) -> StatsArgs | Refused:
    words = rest.split()
    if len(words) == 2 and words[0].isdigit() and fold(words[1]) == "gun":
        words = [f"{words[0]}d"]  # `30 gün`
    if len(words) > 1:
        return Refused(
            _("stats takes one period, not '{text}'").format(text=rest.strip()),
            _("e.g. /deal stats 30d, /deal stats last-quarter or /deal stats all"),
        )
    return StatsArgs(period_in_english(words[0]) if words else None)


async def _stats(services: Services, actor: Actor, args: StatsArgs) -> Answer:
    return await show_stats(services, actor, period=args.period)


STATS = CommandSpec(
    "stats",
    "/deal stats [period]",
    N_(
        "KPIs of your deals (managers: the team's; admins: all): conversion, time in "
        "stage, cycle, win rate, pipeline. Period: 30d, last-quarter, 2026-Q1, all… "
        "(default 90d)"
    ),
    _parse_stats,
    _stats,
    ("/deal stats", "/deal stats last-quarter", "/deal stats 2026-01-01..2026-03-31"),
)


@dataclass(frozen=True, slots=True)
class PlanArgs:
    quota: str  # as amounts are written, e.g. 1.2m or 400k EUR
    period: str | None = None  # month, quarter or year, as typed; None: a quarter


def _parse_plan(rest: str) -> PlanArgs | Refused:
    """`<quota> [CUR] [month|quarter|year]`."""
    words = rest.split()
    while len(words) > 1 and is_amount_tail(words[1]):  # `400k EUR`, `2 milyon TL`
        words = [f"{words[0]} {words[1]}", *words[2:]]
    if not words or len(words) > 2:
        return Refused(
            _("plan needs a quota and, optionally, month, quarter or year"),
            _("e.g. /deal plan 1.2m quarter"),
        )
    period = words[1] if len(words) > 1 else None
    return PlanArgs(words[0], PLAN_PERIODS.get(fold(period), period) if period else None)


async def _plan(services: Services, actor: Actor, args: PlanArgs) -> Answer:
    return await plan(services, actor, quota=args.quota, period=args.period)


PLAN = CommandSpec(
    "plan",
    "/deal plan <quota> [month|quarter|year]",
    N_(
        "Reverse funnel: deals needed in each stage per period to make a quota, from "
        "measured conversions (default: quarter)"
    ),
    _parse_plan,
    _plan,
    ("/deal plan 1.2m quarter", "/deal plan $400k month"),
)
