"""Reading and locking a person's progress, shared by the onboarding use cases.

"Practice done" is when the practice deal reaches the won stage. The deal moves through
the ordinary deal use cases, which know nothing of onboarding, so the progress row learns
it here: readers derive it from the deal's status, writers also stamp `practice_done_at`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.context import Actor, Services
from bot.core.workspace_settings import workspace_map
from bot.onboarding.outcomes import OnboardingOverview, RepProgress
from bot.onboarding.tour import clamp_step, tour_length
from storage import deal_queries
from storage import onboarding as store
from storage.models import Deal, DealStatus
from storage.onboarding_models import OnboardingProgress


async def locked_progress(
    session: AsyncSession,
    services: Services,
    actor: Actor,
    *,
    user_id: str | None = None,
    invited_by: str | None = None,
) -> tuple[OnboardingProgress, bool]:
    """The progress row of `user_id` (default: the actor), created if need be and locked
    for this transaction; and whether it was created now."""
    row, created = await store.lock_progress(
        session, team_id=actor.team_id, user_id=user_id or actor.user_id, invited_by=invited_by
    )
    deal = await _practice_deal(session, row)
    if deal is not None and _won(deal) and row.practice_done_at is None:
        row.practice_done_at = services.clock()
        touch(services, row)
    return row, created


def touch(services: Services, row: OnboardingProgress) -> None:
    row.updated_at = services.clock()


async def overview(
    session: AsyncSession,
    services: Services,
    row: OnboardingProgress,
    *,
    notice: str | None = None,
    score: tuple[int, int] | None = None,
) -> OnboardingOverview:
    latest = await store.latest_attempt(session, team_id=row.team_id, user_id=row.user_id)
    deal = await _practice_deal(session, row)
    progress = await rep_progress(
        services,
        team_id=row.team_id,
        user_id=row.user_id,
        row=row,
        quiz_open=latest is not None and latest.finished_at is None,
        deal=deal,
    )
    title = (await workspace_map(services, row.team_id)).title
    return OnboardingOverview(progress=progress, map_title=title, notice=notice, score=score)


async def progress_rows(
    session: AsyncSession, services: Services, *, team_id: str, user_ids: Sequence[str] | None
) -> list[RepProgress]:
    """Progress of these people, in this order (None: everyone who has started)."""
    rows = {
        row.user_id: row
        for row in await store.progress_of(session, team_id=team_id, user_ids=user_ids)
    }
    users = list(user_ids) if user_ids is not None else sorted(rows)
    open_quiz = {
        a.user_id for a in await store.open_attempts(session, team_id=team_id, user_ids=users)
    }
    deal_ids = [row.practice_deal_id for row in rows.values() if row.practice_deal_id]
    deals = {d.id: d for d in await store.deals_by_ids(session, team_id=team_id, deal_ids=deal_ids)}
    return [
        await rep_progress(
            services,
            team_id=team_id,
            user_id=user,
            row=rows.get(user),
            quiz_open=user in open_quiz,
            deal=deals.get(rows[user].practice_deal_id) if user in rows else None,
        )
        for user in users
    ]


async def rep_progress(
    services: Services,
    *,
    team_id: str,
    user_id: str,
    row: OnboardingProgress | None,
    quiz_open: bool,
    deal: Deal | None,
) -> RepProgress:
    process_map = await workspace_map(services, team_id)
    return RepProgress(
        user_id=user_id,
        started=row is not None,
        tour_step=clamp_step(process_map, row.tour_step) if row else 0,
        tour_total=tour_length(process_map),
        tour_done=bool(row and row.tour_done_at),
        quiz_attempts=row.quiz_attempts if row else 0,
        best_score=row.best_score if row else None,
        best_total=row.best_total if row else None,
        quiz_open=quiz_open,
        practice_deal_id=deal.id if deal else None,
        practice_stage=await _stage_name(services, deal) if deal else None,
        practice_done=bool(row and row.practice_done_at) or (deal is not None and _won(deal)),
    )


async def _practice_deal(session: AsyncSession, row: OnboardingProgress) -> Deal | None:
    if row.practice_deal_id is None:
        return None
    return await deal_queries.deal_by_id(session, team_id=row.team_id, deal_id=row.practice_deal_id)


async def _stage_name(services: Services, deal: Deal) -> str:
    process_map = await services.catalog.get(
        services.db, map_id=deal.map_id, version=deal.map_version
    )
    return process_map.stage(deal.stage).name if process_map.has_stage(deal.stage) else deal.stage


def _won(deal: Deal) -> bool:
    # The won stage and every post-sale stage after it have the status "won".
    return DealStatus(deal.status) is DealStatus.WON
