"""Reads and writes of onboarding progress and quiz attempts, each scoped by team id.

Functions take an open session; the caller (an onboarding use case) decides the
transaction. Writers call `lock_progress` first: it is the one row every onboarding
change of a person goes through, so concurrent clicks serialize on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Deal
from storage.onboarding_models import OnboardingProgress, QuizAnswer, QuizAttempt
from storage.statements import dialect_insert


async def progress(
    session: AsyncSession, *, team_id: str, user_id: str
) -> OnboardingProgress | None:
    query = select(OnboardingProgress).where(
        OnboardingProgress.team_id == team_id, OnboardingProgress.user_id == user_id
    )
    return (await session.exec(query)).first()


async def lock_progress(
    session: AsyncSession, *, team_id: str, user_id: str, invited_by: str | None = None
) -> tuple[OnboardingProgress, bool]:
    """The person's progress row, created if missing, locked until commit; and whether
    this call created it. (SQLite's write session already holds the database lock.)"""
    insert = dialect_insert(session)
    statement = (
        insert(OnboardingProgress)
        .values(team_id=team_id, user_id=user_id, invited_by=invited_by)
        .on_conflict_do_nothing(index_elements=["team_id", "user_id"])
    )
    created = (await session.exec(statement)).rowcount == 1  # type: ignore[call-overload]
    query = (
        select(OnboardingProgress)
        .where(OnboardingProgress.team_id == team_id, OnboardingProgress.user_id == user_id)
        .with_for_update()
    )
    return (await session.exec(query)).one(), created


async def progress_of(
    session: AsyncSession, *, team_id: str, user_ids: Iterable[str] | None = None
) -> Sequence[OnboardingProgress]:
    """Progress rows of these people (None: everyone in the workspace who has one)."""
    query = select(OnboardingProgress).where(OnboardingProgress.team_id == team_id)
    if user_ids is not None:
        query = query.where(col(OnboardingProgress.user_id).in_(list(user_ids)))
    return (await session.exec(query.order_by(col(OnboardingProgress.user_id)))).all()


async def deals_by_ids(
    session: AsyncSession, *, team_id: str, deal_ids: Iterable[int]
) -> Sequence[Deal]:
    """The practice deals of a status list, in one query."""
    wanted = list(deal_ids)
    if not wanted:
        return []
    query = select(Deal).where(Deal.team_id == team_id, col(Deal.id).in_(wanted))
    return (await session.exec(query)).all()


# -- quiz attempts ---------------------------------------------------------------------------


async def attempt(session: AsyncSession, *, team_id: str, attempt_id: int) -> QuizAttempt | None:
    query = select(QuizAttempt).where(QuizAttempt.id == attempt_id, QuizAttempt.team_id == team_id)
    return (await session.exec(query)).first()


async def latest_attempt(
    session: AsyncSession, *, team_id: str, user_id: str
) -> QuizAttempt | None:
    query = (
        select(QuizAttempt)
        .where(QuizAttempt.team_id == team_id, QuizAttempt.user_id == user_id)
        .order_by(col(QuizAttempt.number).desc())
        .limit(1)
    )
    return (await session.exec(query)).first()


async def open_attempts(
    session: AsyncSession, *, team_id: str, user_ids: Iterable[str]
) -> Sequence[QuizAttempt]:
    """Unfinished attempts of these people (for "quiz in progress" in status views)."""
    query = select(QuizAttempt).where(
        QuizAttempt.team_id == team_id,
        col(QuizAttempt.user_id).in_(list(user_ids)),
        col(QuizAttempt.finished_at).is_(None),
    )
    return (await session.exec(query)).all()


async def answers(session: AsyncSession, *, attempt_id: int) -> Sequence[QuizAnswer]:
    query = (
        select(QuizAnswer)
        .where(QuizAnswer.attempt_id == attempt_id)
        .order_by(col(QuizAnswer.question))
    )
    return (await session.exec(query)).all()


async def record_answer(session: AsyncSession, *, answer: QuizAnswer) -> bool:
    """Store the answer unless the question was answered already; True if stored."""
    insert = dialect_insert(session)
    statement = (
        insert(QuizAnswer)
        .values(
            team_id=answer.team_id,
            attempt_id=answer.attempt_id,
            question=answer.question,
            choice=answer.choice,
            correct=answer.correct,
            answered_at=answer.answered_at,
        )
        .on_conflict_do_nothing(index_elements=["attempt_id", "question"])
    )
    result = await session.exec(statement)  # type: ignore[call-overload]
    return bool(result.rowcount == 1)
