"""`/deal onboard status`: a manager sees their reps' onboarding; an admin with nobody
reporting to them sees everyone who started; anyone else sees their own."""

from __future__ import annotations

from bot.core.access import role_of
from bot.core.context import Actor, Services
from bot.core.outcomes import Outcome
from bot.onboarding.outcomes import OnboardingStatus
from bot.onboarding.progress import progress_rows
from flows.i18n import _
from storage import queries
from storage.models import Role


async def onboarding_status(services: Services, actor: Actor) -> Outcome:
    async with services.db.read() as session:
        reports = list(
            await queries.reports_of(session, team_id=actor.team_id, manager_id=actor.user_id)
        )
        is_admin = await role_of(session, services, actor) is Role.ADMIN
        user_ids, title = _scope(actor, reports, is_admin=is_admin)
        rows = await progress_rows(session, services, team_id=actor.team_id, user_ids=user_ids)
    return OnboardingStatus(title=title, rows=rows)


def _scope(actor: Actor, reports: list[str], *, is_admin: bool) -> tuple[list[str] | None, str]:
    if reports:
        return reports, _("Onboarding of your team")
    if is_admin:
        return None, _("Onboarding in this workspace")
    return [actor.user_id], _("Your onboarding")
