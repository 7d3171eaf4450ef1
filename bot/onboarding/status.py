"""`/deal onboard status`: a manager sees their reps' onboarding; an admin with nobody
reporting to them sees every rep of the workspace and everyone else who started; anyone
else sees their own. Whoever is in scope is listed, started or not: a rep who never began
is exactly who the reader needs to see."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.access import effective_role
from bot.core.context import Actor, Services
from bot.core.outcomes import Outcome
from bot.core.teams import Overseen, overseen_by
from bot.onboarding.outcomes import OnboardingStatus
from bot.onboarding.progress import progress_rows
from flows.i18n import _
from storage import onboarding as store
from storage import queries
from storage.models import Role


async def onboarding_status(services: Services, actor: Actor) -> Outcome:
    async with services.db.read() as session:
        overseen = await overseen_by(session, services, actor)
        user_ids, title = await _scope(session, services, actor, overseen)
        rows = await progress_rows(session, services, team_id=actor.team_id, user_ids=user_ids)
    return OnboardingStatus(title=title, rows=rows)


async def _scope(
    session: AsyncSession, services: Services, actor: Actor, overseen: Overseen
) -> tuple[list[str], str]:
    if overseen.reports:
        return list(overseen.reports), _("Onboarding of your team")
    if overseen.everyone:
        return await workspace_reps(session, services, actor), _("Onboarding in this workspace")
    return [actor.user_id], _("Your onboarding")


async def workspace_reps(session: AsyncSession, services: Services, actor: Actor) -> list[str]:
    """Every rep the workspace knows, and anyone who started (a manager may onboard too):
    whose onboarding an admin with nobody reporting to them oversees, here and on App Home."""
    people = await queries.people(session, team_id=actor.team_id)
    reps = {
        person.user_id
        for person in people
        if effective_role(services, person.user_id, person) is Role.REP
    }
    started = {row.user_id for row in await store.progress_of(session, team_id=actor.team_id)}
    return sorted(reps | started)
