"""What App Home shows a user: their open deals, and a manager's team pipeline."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.context import Actor, Services
from bot.core.outcomes import DealRow
from bot.core.teams import overseen_by
from bot.core.workspace_settings import workspace_map
from bot.deals.lookup import rows_for
from bot.onboarding.outcomes import RepProgress
from bot.onboarding.progress import progress_rows
from bot.onboarding.status import workspace_reps
from storage import deal_queries
from storage.deal_queries import DealFilter

TEAM_ROWS = 500  # the pipeline's deals, longest in their stage first; the rest are counted


@dataclass(frozen=True, slots=True)
class HomeOverview:
    """The first rows of each list and, counted, how many deals each holds in all."""

    my_rows: list[DealRow]
    my_total: int
    team_rows: list[DealRow] | None  # None for someone with nobody reporting to them
    team_total: int | None
    stage_order: list[str]  # stage names in map order, for the pipeline by stage
    onboarding: list[RepProgress] | None = None  # the reps' onboarding, beside the pipeline


async def home_overview(services: Services, actor: Actor) -> HomeOverview:
    async with services.db.read() as session:
        mine = await deal_queries.deal_page(
            session, DealFilter(team_id=actor.team_id, owner_ids=(actor.user_id,))
        )
        overseen = await overseen_by(session, services, actor)
        team = onboarding = None
        if overseen.anyone:
            owners = overseen.user_ids
            matching = DealFilter(
                team_id=actor.team_id, owner_ids=None if owners is None else tuple(owners)
            )
            team = await deal_queries.deal_page(session, matching, limit=TEAM_ROWS)
            onboarding = await progress_rows(
                session,
                services,
                team_id=actor.team_id,
                user_ids=owners or await workspace_reps(session, services, actor),
            )
        my_rows = await rows_for(session, services, mine.deals)
        team_rows = await rows_for(session, services, team.deals) if team is not None else None
    stage_order = [stage.name for stage in (await workspace_map(services, actor.team_id)).stages]
    return HomeOverview(
        my_rows=my_rows,
        my_total=mine.total,
        team_rows=team_rows,
        team_total=team.total if team is not None else None,
        stage_order=stage_order,
        onboarding=onboarding,
    )
