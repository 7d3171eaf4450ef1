"""`/deal map actual [period] [scope]` and `stagecoach maps actual`: what deals actually
did on the map, for managers and admins (bot.reporting.actual_flow measures it).

Who sees whose deals: an admin the whole workspace unless they name a scope, a manager
their team (themselves and their reports) unless they name another; either may name
`all` or one owner, as a digest's scope can be. Reps are told who may.
"""

from __future__ import annotations

from bot.core.access import role_of
from bot.core.context import Actor, Services
from bot.core.outcomes import Invalid, NotAllowed, Outcome
from bot.core.scope import Scope, ScopeKind
from bot.reporting.actual_flow import actual_flow
from bot.reporting.frame import report_frame
from bot.reporting.outcomes import ActualFlowReport
from flows.i18n import _
from storage.models import Role

DEFAULT_PERIOD = "90d"


async def show_actual_flow(
    services: Services,
    actor: Actor,
    *,
    period: str | None,
    scope: str | None,
    scope_user: str | None = None,
) -> Outcome:
    """The actual flow of the current map for the scope `actor` asks for, or why not."""
    async with services.db.read() as session:
        role = await role_of(session, services, actor)
    if role not in (Role.MANAGER, Role.ADMIN):
        return NotAllowed(
            _("only managers and admins can see the actual flow on the map"),
            _(
                "ask your manager to share it, or an admin to make you a manager (/deal role); "
                "/deal map shows the map with your own deals"
            ),
        )
    kind = ScopeKind(scope) if scope else ScopeKind.ALL if role is Role.ADMIN else ScopeKind.TEAM
    chosen, title = _scope(kind, actor, scope_user)
    return await actual_flow_for(
        services, team_id=actor.team_id, scope=chosen, title=title, period=period
    )


def _scope(kind: ScopeKind, actor: Actor, owner: str | None) -> tuple[Scope, str]:
    if kind is ScopeKind.OWNER and owner:
        return Scope.owner(owner), _("the deals of <@{owner}>").format(owner=owner)
    if kind is ScopeKind.TEAM:
        return Scope.team(actor.user_id), _("your team")
    return Scope.everyone(), _("the whole workspace")


async def actual_flow_for(
    services: Services,
    *,
    team_id: str,
    scope: Scope,
    title: str,
    period: str | None,
    map_id: str | None = None,
    default_period: str = DEFAULT_PERIOD,
) -> Outcome:
    """The actual flow of an explicit scope (the CLI names it and may name the map)."""
    frame = await report_frame(
        services,
        team_id=team_id,
        scope=scope,
        period=period,
        default_period=default_period,
        map_id=map_id,
        map_hint=_("name a map deals follow here, e.g. default"),
    )
    if isinstance(frame, Invalid):
        return frame
    process_map, chosen = frame.process_map, frame.period
    flow = await actual_flow(
        services,
        team_id=team_id,
        process_map=process_map,
        window=chosen.window(),
        owner_ids=frame.scope.owner_ids,
    )
    return ActualFlowReport(process_map=process_map, flow=flow, scope_title=title, period=chosen)
