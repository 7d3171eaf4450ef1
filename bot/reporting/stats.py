"""`/deal stats [period]` and `/deal plan <quota> [period]`: KPIs and the reverse funnel
for the user's scope. A rep sees their own deals, a manager their team's (theirs and their
reports'), an admin the whole workspace."""

from __future__ import annotations

from bot.core.access import role_of
from bot.core.context import Actor, Services
from bot.core.outcomes import Invalid, Outcome
from bot.core.scope import Scope
from bot.core.teams import reports_of
from bot.core.values import BadValue, parse_amount
from bot.reporting.kpis import ScopeError, Stats, compute_stats
from bot.reporting.measure import Need
from bot.reporting.money import CurrencyMoney
from bot.reporting.outcomes import PlanReport, StatsReport
from bot.reporting.periods import Period, parse_period, parse_plan_period
from bot.reporting.plan import NoPlan, reverse_funnel
from flows.i18n import _
from storage.models import Role

DEFAULT_PERIOD = "90d"


async def show_stats(services: Services, actor: Actor, *, period: str | None) -> Outcome:
    scope, title = await scope_of(services, actor)
    return await stats_for(services, team_id=actor.team_id, scope=scope, title=title, period=period)


async def plan(
    services: Services, actor: Actor, *, quota: str | None, period: str | None
) -> Outcome:
    scope, title = await scope_of(services, actor)
    return await plan_for(
        services, team_id=actor.team_id, scope=scope, title=title, quota=quota, period=period
    )


async def stats_for(
    services: Services,
    *,
    team_id: str,
    scope: Scope,
    title: str,
    period: str | None,
    default_period: str = DEFAULT_PERIOD,
) -> Outcome:
    """The KPIs of an explicit scope (the CLI names it; Slack derives it from the role)."""
    chosen = parse_period(period, today=services.clock().date(), default=default_period)
    if isinstance(chosen, BadValue):
        return Invalid(chosen.message, chosen.hint, field="period")
    try:
        stats = await compute_stats(services, team_id=team_id, scope=scope, period=chosen)
    except ScopeError as exc:
        return Invalid(str(exc), _("ask an admin which map this workspace uses"))
    return StatsReport(stats=stats, scope_title=title)


async def plan_for(
    services: Services,
    *,
    team_id: str,
    scope: Scope,
    title: str,
    quota: str | None,
    period: str | None,
) -> Outcome:
    """The reverse funnel, from conversions measured over all the scope's history."""
    amount = parse_amount(quota or "")
    if not quota or isinstance(amount, BadValue):
        hint = _(
            "write the quota for the period, e.g. /deal plan 1.2m quarter or /deal plan $500k month"
        )
        message = amount.message if isinstance(amount, BadValue) else _("the quota is missing")
        return Invalid(message, hint, field="quota")
    length = parse_plan_period(period)
    if isinstance(length, BadValue):
        return Invalid(length.message, length.hint, field="period")
    try:
        stats = await compute_stats(
            services, team_id=team_id, scope=scope, period=Period.everything(), need=Need.PLAN
        )
    except ScopeError as exc:
        return Invalid(str(exc), _("ask an admin which map this workspace uses"))
    money = _money_for(stats, amount.currency)
    if isinstance(money, Invalid):
        return money
    funnel = reverse_funnel(stats, quota=amount.value, period=length, money=money)
    if isinstance(funnel, NoPlan):
        return Invalid(funnel.message, funnel.hint)
    return PlanReport(plan=funnel, scope_title=title)


def _money_for(stats: Stats, currency: str | None) -> CurrencyMoney | Invalid:
    """The figures a quota in `currency` is planned from: the headline ones (the reporting
    currency's, else the map's) unless the quota names another currency deals are in."""
    if currency is None or currency == stats.currency:
        return stats.headline_money
    found = next((m for m in stats.money if m.currency == currency and (m.open or m.won)), None)
    if found is not None:
        return found
    shown = [m.currency for m in stats.money if m.open or m.won] or [stats.currency]
    choice = _("one of {codes}").format(codes=", ".join(shown)) if len(shown) > 1 else shown[0]
    return Invalid(
        _("the quota is in {given}, deals are in {currency}").format(
            given=currency, currency=", ".join(shown)
        ),
        _("write the quota in {currency}").format(currency=choice),
        field="quota",
    )


async def scope_of(services: Services, actor: Actor) -> tuple[Scope, str]:
    """Whose numbers `actor` sees, and how to say so."""
    async with services.db.read() as session:
        role = await role_of(session, services, actor)
        if role is Role.ADMIN:
            return Scope.everyone(), _("the whole workspace")
        if role is Role.MANAGER or await reports_of(
            session, team_id=actor.team_id, manager_id=actor.user_id
        ):
            return Scope.team(actor.user_id), _("your team")
    return Scope.owner(actor.user_id), _("your deals")
