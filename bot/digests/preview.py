"""Previewing a digest before subscribing a channel to it: `/deal digest preview` (Slack
and the shell) and `stagecoach digest preview` (no Slack token needed).

The preview is the digest a subscription would post if it fell due now: the same
subscription row the subscriber would save (never saved here), composed by the same
`compose_digest` over the window one period long that ends now.
"""

from __future__ import annotations

from bot.core.context import Actor, Services
from bot.core.outcomes import Invalid, NotAllowed, Outcome
from bot.core.scope import Scope, ScopeKind
from bot.digests.compose import compose_digest
from bot.digests.content import DigestPreview
from bot.digests.schedule import DEFAULT_TIME
from bot.digests.subscribe import Schedule, check_schedule, may_schedule
from flows.i18n import _
from storage import queries
from storage.digest_models import DigestSubscription


async def preview_digest(
    services: Services,
    actor: Actor,
    *,
    frequency: str,
    scope: str = ScopeKind.TEAM.value,
    scope_user: str | None = None,
) -> Outcome:
    """What `actor` would see posted, had they subscribed a channel with these values."""
    schedule = check_schedule(
        frequency=frequency, at_time=DEFAULT_TIME, scope=scope, scope_user=scope_user
    )
    if isinstance(schedule, Invalid):
        return schedule
    async with services.db.read() as session:
        denied = await may_schedule(session, services, actor)
        me = await queries.person(session, team_id=actor.team_id, user_id=actor.user_id)
    if denied:
        return NotAllowed(
            _("only managers and admins get digests, so only they preview one"),
            denied.hint,
        )
    manager = actor.user_id if schedule.scope is ScopeKind.TEAM else schedule.scope_user
    return await _preview(
        services, actor.team_id, schedule, user_id=manager, tz=me.tz if me else None
    )


async def preview_for_scope(
    services: Services, *, team_id: str, scope: Scope, frequency: str
) -> Outcome:
    """The command line's preview: any scope of the workspace, in UTC."""
    if scope.kind is ScopeKind.MAP:
        return Invalid(
            _("a digest covers everyone, a team or an owner, not a map"),
            _("write all, team:maria or owner:ana"),
        )
    schedule = check_schedule(
        frequency=frequency,
        at_time=DEFAULT_TIME,
        scope=scope.kind.value,
        scope_user=scope.user_id,
    )
    if isinstance(schedule, Invalid):
        return schedule
    return await _preview(services, team_id, schedule, user_id=scope.user_id, tz="UTC")


async def _preview(
    services: Services, team_id: str, schedule: Schedule, *, user_id: str | None, tz: str | None
) -> DigestPreview:
    unsaved = DigestSubscription(
        team_id=team_id,
        channel_id="",
        frequency=schedule.frequency.value,
        at_time=schedule.at_time,
        scope=schedule.scope.value,
        scope_user_id=user_id,
        created_by=user_id or "",
        tz=tz or "UTC",
    )
    now = services.clock()
    digest = await compose_digest(
        services,
        subscription=unsaved,
        window_start=now - schedule.frequency.length,
        window_end=now,
    )
    return DigestPreview(digest=digest)
