"""`/deal onboard`: start onboarding or resume it where it stopped; `/deal onboard @user`:
an admin or the user's manager marks someone as new, and the tour is sent to them, once.
A brand-new hire has no manager yet: a manager who onboards them becomes it (they join
the manager's team), and the admins are told by DM, since only admins change teams
otherwise.

Both answer with a Delivery: what to post in the person's DM, and a note for the one who
typed the command.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.access import effective_role, is_admin_or_manager_of
from bot.core.context import Actor, Services
from bot.core.outcomes import Invalid, NotAllowed, Outcome
from bot.core.workspace_settings import workspace_map
from bot.onboarding import quizzing
from bot.onboarding.outcomes import Delivery, DirectNote, TourShown
from bot.onboarding.progress import locked_progress, overview
from bot.onboarding.tour import tour_step
from flows.i18n import _
from flows.schema import ProcessMap
from storage import onboarding as store
from storage import queries
from storage.models import Role
from storage.onboarding_models import OnboardingProgress


async def onboard(services: Services, actor: Actor) -> Outcome:
    async with services.db.write() as session:
        row, created = await locked_progress(session, services, actor)
        content = await _where_they_are(session, services, row, fresh=created)
    return Delivery(
        to_user=actor.user_id,
        content=content,
        note=_("Your onboarding is in your direct messages with stagecoach."),
    )


async def _where_they_are(
    session: AsyncSession, services: Services, row: OnboardingProgress, *, fresh: bool
) -> Outcome:
    """An unfinished quiz first (it was the last thing they did), then the tour at its
    saved step, then the overview that says what is left."""
    latest = await store.latest_attempt(session, team_id=row.team_id, user_id=row.user_id)
    if latest is not None and latest.finished_at is None:
        return await quizzing.next_question(session, latest)
    if row.tour_done_at is None:
        process_map = await workspace_map(services, row.team_id)
        notice = (
            _welcome(process_map)
            if fresh
            else _("Welcome back: the tour goes on where you stopped.")
        )
        return TourShown(step=tour_step(process_map, row.tour_step), notice=notice)
    return await overview(session, services, row, notice=_("Here is where your onboarding stands."))


def _welcome(process_map: ProcessMap) -> str:
    return _(
        "Welcome! This tour walks you through {map}, one stage per step. A short quiz made "
        "from the map follows, then a practice deal you walk from the first stage to won."
    ).format(map=process_map.title)


@dataclass(frozen=True, slots=True)
class Joined:
    """`user_id` had no manager and now reports to the manager who onboarded them."""

    manager_id: str
    admins: tuple[str, ...]  # to tell, the manager aside


async def invite(services: Services, actor: Actor, *, user_id: str) -> Outcome:
    """Mark `user_id` as new and send them the tour; a second time sends nothing."""
    if user_id == actor.user_id:
        return await onboard(services, actor)
    async with services.db.write() as session:
        allowed = await _may_invite(session, services, actor, user_id)
        if isinstance(allowed, NotAllowed):
            return allowed
        _row, created = await locked_progress(
            session, services, actor, user_id=user_id, invited_by=actor.user_id
        )
        if not created:  # marked as new once: the tour is not sent again (nor a team joined)
            return _already_started(user_id)
        if allowed is not None:
            await queries.upsert_person(
                session,
                team_id=actor.team_id,
                user_id=user_id,
                values={"manager_id": actor.user_id},
            )
    process_map = await workspace_map(services, actor.team_id)
    return _tour_sent(process_map, actor, user_id, joined=allowed)


def _tour_sent(
    process_map: ProcessMap, actor: Actor, user_id: str, *, joined: Joined | None
) -> Delivery:
    notice = (
        _("<@{by}> added you to onboarding.").format(by=actor.user_id) + " " + _welcome(process_map)
    )
    sent = _("Sent the onboarding tour to <@{user}>.").format(user=user_id)
    if joined is not None:
        sent += " " + _("They had no manager, so they now report to you.")
    sent += " " + _("Their progress: /deal onboard status")
    return Delivery(
        to_user=user_id,
        content=TourShown(step=tour_step(process_map, 0), notice=notice),
        note=sent,
        copies=_tell_admins(joined, user_id) if joined else (),
    )


def _already_started(user_id: str) -> Invalid:
    return Invalid(
        _("<@{user}> has already started onboarding, so nothing was sent again").format(
            user=user_id
        ),
        _("they continue with /deal onboard; their progress: /deal onboard status"),
    )


def _tell_admins(joined: Joined, user_id: str) -> tuple[DirectNote, ...]:
    text = _(
        "<@{manager}> onboarded <@{user}>, who had no manager: <@{user}> now reports to "
        "<@{manager}>. To change it: /deal team @manager add <@{user}>"
    ).format(manager=joined.manager_id, user=user_id)
    return tuple(DirectNote(to_user=admin, text=text) for admin in joined.admins)


async def _may_invite(
    session: AsyncSession, services: Services, actor: Actor, user_id: str
) -> NotAllowed | Joined | None:
    """None: the actor is an admin or the person's manager; Joined: the person has no
    manager and the actor, a manager, becomes it; otherwise why not."""
    if await is_admin_or_manager_of(session, services, actor, user_id=user_id):
        return None
    # Locked as bot.team.manage locks them: a team or role change deciding on these rows
    # waits, so nobody gains two managers and a rep never gains a report.
    rows = await queries.lock_people(
        session, team_id=actor.team_id, user_ids=[actor.user_id, user_id]
    )
    person = rows.get(user_id)
    if person is not None and person.manager_id:
        return _reports_elsewhere(actor, user_id, person.manager_id)
    if effective_role(services, user_id, person) is not Role.REP:
        return NotAllowed(
            _("<@{user}> is not a rep; only an admin can start onboarding for them").format(
                user=user_id
            ),
            _("ask an admin (/deal role lists them)"),
        )
    if effective_role(services, actor.user_id, rows.get(actor.user_id)) is not Role.MANAGER:
        return _not_a_manager(actor, user_id)
    return Joined(manager_id=actor.user_id, admins=await _admins(session, services, actor))


def _reports_elsewhere(actor: Actor, user_id: str, manager_id: str) -> NotAllowed:
    return NotAllowed(
        _(
            "<@{user}> reports to <@{manager}>; only they or an admin can start onboarding for <@{user}>"
        ).format(user=user_id, manager=manager_id),
        _(
            "ask <@{manager}>, or ask an admin to move them to your team: /deal team <@{me}> add <@{user}>"
        ).format(manager=manager_id, me=actor.user_id, user=user_id),
    )


def _not_a_manager(actor: Actor, user_id: str) -> NotAllowed:
    return NotAllowed(
        _(
            "only an admin, or a manager (who then becomes their manager), can start onboarding for <@{user}>"
        ).format(user=user_id),
        _(
            "start your own with /deal onboard, or ask an admin to make you a manager: /deal role <@{me}> manager"
        ).format(me=actor.user_id),
    )


async def _admins(session: AsyncSession, services: Services, actor: Actor) -> tuple[str, ...]:
    people = await queries.people(session, team_id=actor.team_id)
    named = {p.user_id for p in people if effective_role(services, p.user_id, p) is Role.ADMIN}
    return tuple(sorted((named | set(services.admins)) - {actor.user_id}))
