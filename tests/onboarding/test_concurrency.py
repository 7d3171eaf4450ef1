"""Clicks at once (a double click, Slack retrying, two devices): the progress row is locked
by every onboarding write, so one attempt is started and one answer counts."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from bot.core.context import Actor, Services
from bot.onboarding.outcomes import QuizAnswered, QuizAsked
from bot.onboarding.practice import open_practice
from bot.onboarding.quizzing import answer, start_quiz
from storage.models import Deal
from storage.onboarding_models import OnboardingProgress, QuizAnswer, QuizAttempt

REP = Actor(team_id="T0TEAM001", user_id="U0REP0001")
TIMES = 8


async def test_starting_the_quiz_at_once_opens_one_attempt(services: Services) -> None:
    started = await asyncio.gather(*(start_quiz(services, REP) for _ in range(TIMES)))

    assert all(isinstance(outcome, QuizAsked) for outcome in started)
    assert len({o.attempt_id for o in started if isinstance(o, QuizAsked)}) == 1
    async with services.db.read() as session:
        assert len((await session.exec(select(QuizAttempt))).all()) == 1
        assert len((await session.exec(select(OnboardingProgress))).all()) == 1


async def test_answering_one_question_at_once_counts_it_once(services: Services) -> None:
    asked = await start_quiz(services, REP)
    assert isinstance(asked, QuizAsked)
    wrong = (asked.question.answer + 1) % len(asked.question.choices)
    choices = [asked.question.answer, wrong] * (TIMES // 2)

    answered = await asyncio.gather(
        *(
            answer(services, REP, attempt_id=asked.attempt_id, question=asked.index, choice=c)
            for c in choices
        )
    )

    assert all(isinstance(outcome, QuizAnswered) for outcome in answered)
    recorded = [o for o in answered if isinstance(o, QuizAnswered) and not o.repeated]
    assert len(recorded) == 1 and recorded[0].after is not None  # one next question posted
    async with services.db.read() as session:
        (stored,) = (await session.exec(select(QuizAnswer))).all()
    assert stored.choice == recorded[0].choice


async def test_opening_the_practice_deal_at_once_keeps_one(services: Services) -> None:
    await asyncio.gather(*(open_practice(services, REP) for _ in range(4)))

    async with services.db.read() as session:
        progress = (await session.exec(select(OnboardingProgress))).one()
        deals = (await session.exec(select(Deal))).all()
    assert progress.practice_deal_id in {deal.id for deal in deals}
    assert all(deal.is_practice for deal in deals)  # a spare, if any, stays out of every list
