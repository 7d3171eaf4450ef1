"""`/deal onboard status`: a manager sees their reps' onboarding; an admin with nobody
reporting to them sees everyone who started; anyone else sees their own."""

from __future__ import annotations

from bot.core.context import Actor, Services
from bot.core.outcomes import Outcome
from bot.core.teams import Overseen, overseen_by
from bot.onboarding.outcomes import OnboardingStatus
from bot.onboarding.progress import progress_rows
from flows.i18n import _


async def onboarding_status(services: Services, actor: Actor) -> Outcome:
    async with services.db.read() as session:
        user_ids, title = _scope(actor, await overseen_by(session, services, actor))
        rows = await progress_rows(session, services, team_id=actor.team_id, user_ids=user_ids)
    return OnboardingStatus(title=title, rows=rows)


def _scope(actor: Actor, overseen: Overseen) -> tuple[list[str] | None, str]:
    if overseen.reports:
        return list(overseen.reports), _("Onboarding of your team")
    if overseen.everyone:
        return None, _("Onboarding in this workspace")
    return [actor.user_id], _("Your onboarding")
