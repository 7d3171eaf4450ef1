"""One sample of each onboarding outcome, for tests/views/test_views_outcomes.py (every
Outcome type has a sample and a view) and for tests/onboarding/test_views.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.onboarding import outcomes as ob
from bot.onboarding.quiz import build_quiz
from bot.onboarding.tour import tour_step
from flows.loader import load_shipped

MAP = load_shipped("default")
QUIZ = build_quiz(MAP, seed=3)
REP = "U0REP0001"


def progress(**changes: Any) -> ob.RepProgress:
    values: dict[str, Any] = {
        "user_id": REP,
        "started": True,
        "tour_step": 2,
        "tour_total": 10,
        "tour_done": False,
        "quiz_attempts": 1,
        "best_score": 6,
        "best_total": 8,
        "quiz_open": False,
        "practice_deal_id": 12,
        "practice_stage": "Discovery",
        "practice_done": False,
    }
    return ob.RepProgress(**(values | changes))


def asked(index: int = 0) -> ob.QuizAsked:
    return ob.QuizAsked(attempt_id=5, index=index, total=len(QUIZ), question=QUIZ[index])


def answered(*, correct: bool, index: int = 0, repeated: bool = False) -> ob.QuizAnswered:
    question = QUIZ[index]
    choice = question.answer if correct else (question.answer + 1) % len(question.choices)
    return ob.QuizAnswered(
        attempt_id=5,
        index=index,
        total=len(QUIZ),
        question=question,
        choice=choice,
        correct=correct,
        repeated=repeated,
        after=asked(index + 1),
    )


def overview(**changes: Any) -> ob.OnboardingOverview:
    return ob.OnboardingOverview(progress=progress(**changes), map_title=MAP.title)


SAMPLES: dict[type, Callable[[], Any]] = {
    ob.TourShown: lambda: ob.TourShown(step=tour_step(MAP, 1), notice="Welcome back"),
    ob.QuizAsked: asked,
    ob.QuizAnswered: lambda: answered(correct=False),
    ob.OnboardingOverview: overview,
    ob.OnboardingStatus: lambda: ob.OnboardingStatus(
        title="Onboarding of your team", rows=[progress()]
    ),
    ob.Delivery: lambda: ob.Delivery(
        to_user=REP, content=ob.TourShown(step=tour_step(MAP, 0)), note="Sent the tour"
    ),
}
