"""`/deal onboard`: start onboarding or resume it where it stopped; `/deal onboard @user`:
an admin or the user's manager marks someone as new, and the tour is sent to them, once.

Both answer with a Delivery: what to post in the person's DM, and a note for the one who
typed the command.
"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.access import is_admin_or_manager_of
from bot.core.context import Actor, Services
from bot.core.outcomes import Invalid, NotAllowed, Outcome
from bot.onboarding import quizzing
from bot.onboarding.outcomes import Delivery, TourShown
from bot.onboarding.progress import locked_progress, overview
from bot.onboarding.tour import tour_step
from flows.i18n import _
from storage import onboarding as store
from storage.models import OnboardingProgress


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
        notice = (
            _welcome(services) if fresh else _("Welcome back: the tour goes on where you stopped.")
        )
        return TourShown(step=tour_step(services.catalog.current, row.tour_step), notice=notice)
    return await overview(session, services, row, notice=_("Here is where your onboarding stands."))


def _welcome(services: Services) -> str:
    return _(
        "Welcome! This tour walks you through {map}, one stage per step. A short quiz made "
        "from the map follows, then a practice deal you walk from the first stage to won."
    ).format(map=services.catalog.current.title)


async def invite(services: Services, actor: Actor, *, user_id: str) -> Outcome:
    """Mark `user_id` as new and send them the tour; a second time sends nothing."""
    if user_id == actor.user_id:
        return await onboard(services, actor)
    async with services.db.write() as session:
        denied = await _may_invite(session, services, actor, user_id)
        if denied:
            return denied
        _row, created = await locked_progress(
            session, services, actor, user_id=user_id, invited_by=actor.user_id
        )
    if not created:  # marked as new once: the tour is not sent again
        return Invalid(
            _("<@{user}> has already started onboarding, so nothing was sent again").format(
                user=user_id
            ),
            _("they continue with /deal onboard; their progress: /deal onboard status"),
        )
    notice = (
        _("<@{by}> added you to onboarding.").format(by=actor.user_id) + " " + _welcome(services)
    )
    return Delivery(
        to_user=user_id,
        content=TourShown(step=tour_step(services.catalog.current, 0), notice=notice),
        note=_(
            "Sent the onboarding tour to <@{user}>. Their progress: /deal onboard status"
        ).format(user=user_id),
    )


async def _may_invite(
    session: AsyncSession, services: Services, actor: Actor, user_id: str
) -> NotAllowed | None:
    if await is_admin_or_manager_of(session, services, actor, user_id=user_id):
        return None
    return NotAllowed(
        _("only an admin or the manager of <@{user}> can start onboarding for them").format(
            user=user_id
        ),
        _("start your own with /deal onboard"),
    )
