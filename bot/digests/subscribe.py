"""`/deal digest subscribe | unsubscribe | list`: managers and admins schedule channel digests.

One digest per channel: subscribing a channel again replaces its schedule. The time is
the subscriber's local time; their zone comes from their Slack profile (the scheduler
reads it on its next tick when it is not known yet).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.access import role_of
from bot.core.context import Actor, Services
from bot.core.outcomes import Invalid, NotAllowed, Outcome
from bot.core.scope import ScopeKind
from bot.digests.content import DigestSubscriptions, SubscriptionLine
from bot.digests.schedule import Frequency, parse_time
from flows.i18n import _
from storage import digest_queries, queries
from storage.digest_models import DigestSubscription
from storage.models import Role

EXAMPLE = "/deal digest subscribe #sales weekly 09:00 team"


async def may_schedule(
    session: AsyncSession, services: Services, actor: Actor
) -> NotAllowed | None:
    if await role_of(session, services, actor) in (Role.MANAGER, Role.ADMIN):
        return None
    return NotAllowed(
        _("only managers and admins can schedule digests"),
        _("ask your manager, or an admin to make you a manager (/deal role)"),
    )


@dataclass(frozen=True, slots=True)
class Schedule:
    """A checked digest schedule, as the subscriber gave it."""

    frequency: Frequency
    at_time: str  # HH:MM in the subscriber's zone
    scope: ScopeKind
    scope_user: str | None  # an owner scope's owner


def check_schedule(
    *, frequency: str, at_time: str | None, scope: str, scope_user: str | None
) -> Schedule | Invalid:
    """The frequency, the HH:MM time and the scope, or what is wrong with them."""
    try:
        chosen = Frequency(frequency.lower())
    except ValueError:
        return Invalid(
            _("'{word}' is not a digest frequency").format(word=frequency),
            _("write daily or weekly, e.g. {example}").format(example=EXAMPLE),
            field="frequency",
        )
    at = parse_time(at_time or "09:00")
    if at is None:
        return Invalid(
            _("'{time}' is not a time of day").format(time=at_time),
            _("write it as HH:MM on a 24-hour clock, e.g. 09:00 or 17:30"),
            field="time",
        )
    kind = ScopeKind(scope)
    if kind is ScopeKind.OWNER and not scope_user:
        return Invalid(_("whose deals?"), _("write owner @dana"), field="scope")
    return Schedule(chosen, f"{at:%H:%M}", kind, scope_user)


async def subscribe(
    services: Services,
    actor: Actor,
    *,
    channel_id: str,
    frequency: str,
    at_time: str | None = None,
    scope: str = ScopeKind.TEAM.value,
    scope_user: str | None = None,
) -> Outcome:
    schedule = check_schedule(
        frequency=frequency, at_time=at_time, scope=scope, scope_user=scope_user
    )
    if isinstance(schedule, Invalid):
        return schedule
    async with services.db.write() as session:
        denied = await may_schedule(session, services, actor)
        if denied:
            return denied
        row = await _subscription_of(session, actor, channel_id)
        replaced = row is not None and row.active
        row = await _save(session, services, actor, row, channel_id=channel_id, schedule=schedule)
        listing = await _listing(session, actor)
    action = "replaced" if replaced else "subscribed"
    return DigestSubscriptions(listing, changed=line_of(row), action=action)


async def _save(
    session: AsyncSession,
    services: Services,
    actor: Actor,
    row: DigestSubscription | None,
    *,
    channel_id: str,
    schedule: Schedule,
) -> DigestSubscription:
    """The channel's one subscription, new or replaced, set to `schedule` by `actor`: a team
    digest covers the subscriber's team, in the subscriber's time zone."""
    me = await queries.person(session, team_id=actor.team_id, user_id=actor.user_id)
    row = row or DigestSubscription(
        team_id=actor.team_id,
        channel_id=channel_id,
        frequency=schedule.frequency.value,
        at_time=schedule.at_time,
        scope=schedule.scope.value,
        created_by=actor.user_id,
    )
    row.frequency, row.at_time = schedule.frequency.value, schedule.at_time
    row.scope = schedule.scope.value
    row.scope_user_id = actor.user_id if schedule.scope is ScopeKind.TEAM else schedule.scope_user
    row.created_by, row.tz = actor.user_id, me.tz if me else None
    row.active, row.active_since = True, services.clock()
    session.add(row)
    await session.flush()
    return row


async def unsubscribe(services: Services, actor: Actor, *, channel_id: str) -> Outcome:
    async with services.db.write() as session:
        denied = await may_schedule(session, services, actor)
        if denied:
            return denied
        row = await _subscription_of(session, actor, channel_id)
        if row is None or not row.active:
            return Invalid(
                _("that channel gets no digest"),
                _("/deal digest list shows the channels that do"),
                field="channel",
            )
        row.active = False
        session.add(row)
        await session.flush()
        listing = await _listing(session, actor)
    return DigestSubscriptions(listing, changed=line_of(row), action="unsubscribed")


async def list_subscriptions(services: Services, actor: Actor) -> Outcome:
    async with services.db.read() as session:
        denied = await may_schedule(session, services, actor)
        if denied:
            return denied
        return DigestSubscriptions(await _listing(session, actor))


async def _subscription_of(
    session: AsyncSession, actor: Actor, channel_id: str
) -> DigestSubscription | None:
    """The channel's subscription, active or not: one per channel, reused when subscribed again."""
    return await digest_queries.subscription_for_channel(
        session, team_id=actor.team_id, channel_id=channel_id
    )


async def _listing(session: AsyncSession, actor: Actor) -> list[SubscriptionLine]:
    rows = await digest_queries.subscriptions(session, team_id=actor.team_id)
    return [line_of(row) for row in rows]


def line_of(row: DigestSubscription) -> SubscriptionLine:
    return SubscriptionLine(
        channel_id=row.channel_id,
        frequency=row.frequency,
        at_time=row.at_time,
        tz=row.tz,
        scope=ScopeKind(row.scope),
        scope_user_id=row.scope_user_id,
        created_by=row.created_by,
    )
