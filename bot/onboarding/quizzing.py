"""Taking the quiz: start (or continue) an attempt, answer its questions one by one.

An attempt stores the questions it asked; an answer is checked against that stored
question, never against a quiz generated again. The seed comes from the person and the
attempt's number, so an attempt can be reproduced, and a retake avoids the subjects of
the previous attempt, so it asks different questions.
"""

from __future__ import annotations

import datetime as dt
import zlib

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.context import Actor, Services
from bot.core.outcomes import Invalid, NotFound, Outcome
from bot.core.workspace_settings import workspace_map
from bot.onboarding.outcomes import OnboardingOverview, QuizAnswered, QuizAsked
from bot.onboarding.progress import locked_progress, overview, touch
from bot.onboarding.questions import Question
from bot.onboarding.quiz import build_quiz, dump_questions, load_questions
from flows.i18n import _
from flows.schema import ProcessMap
from storage import onboarding as store
from storage.onboarding_models import OnboardingProgress, QuizAnswer, QuizAttempt


async def start_quiz(services: Services, actor: Actor) -> Outcome:
    """The next question of the unfinished attempt, or the first of a new one."""
    process_map = await workspace_map(services, actor.team_id)
    async with services.db.write() as session:
        await locked_progress(session, services, actor)  # one start at a time per person
        latest = await store.latest_attempt(session, team_id=actor.team_id, user_id=actor.user_id)
        if latest is not None and latest.finished_at is None:
            return await next_question(session, latest)
        attempt = _new_attempt(process_map, actor, previous=latest, now=services.clock())
        session.add(attempt)
        await session.flush()
        return _asked(attempt, load_questions(attempt.questions), 0)


def _new_attempt(
    process_map: ProcessMap, actor: Actor, *, previous: QuizAttempt | None, now: dt.datetime
) -> QuizAttempt:
    number = previous.number + 1 if previous else 1
    # Stable per person and attempt; 31 bits, as the column is a 4-byte integer on PostgreSQL.
    seed = zlib.crc32(f"{actor.team_id}:{actor.user_id}:{number}".encode()) & 0x7FFFFFFF
    avoid = (
        frozenset(q.key for q in load_questions(previous.questions)) if previous else frozenset()
    )
    questions = build_quiz(process_map, seed=seed, avoid=avoid)
    return QuizAttempt(
        team_id=actor.team_id,
        user_id=actor.user_id,
        number=number,
        map_id=process_map.id,
        map_version=process_map.version,
        seed=seed,
        questions=dump_questions(questions),
        total=len(questions),
        started_at=now,
    )


async def next_question(session: AsyncSession, attempt: QuizAttempt) -> QuizAsked:
    """The first question of an unfinished attempt that has no answer yet."""
    assert attempt.id is not None
    answered = {a.question for a in await store.answers(session, attempt_id=attempt.id)}
    questions = load_questions(attempt.questions)
    index = next(i for i in range(len(questions)) if i not in answered)
    return _asked(attempt, questions, index)


def _asked(attempt: QuizAttempt, questions: list[Question], index: int) -> QuizAsked:
    assert attempt.id is not None
    return QuizAsked(
        attempt_id=attempt.id, index=index, total=len(questions), question=questions[index]
    )


async def answer(
    services: Services, actor: Actor, *, attempt_id: int, question: int, choice: int
) -> Outcome:
    """Record `choice` for question `question` of the attempt, once; say whether it was
    right, and what comes next (the next question, or the score)."""
    async with services.db.write() as session:
        row, _created = await locked_progress(session, services, actor)
        attempt = await store.attempt(session, team_id=actor.team_id, attempt_id=attempt_id)
        if attempt is None or attempt.user_id != actor.user_id:
            return NotFound(
                _("that quiz is not one of yours"), _("start your own with /deal onboard")
            )
        questions = load_questions(attempt.questions)
        if not 0 <= question < len(questions) or not 0 <= choice < len(questions[question].choices):
            return Invalid(
                _("that answer is not one of the question's choices"), _("pick a button")
            )
        given = {a.question: a for a in await store.answers(session, attempt_id=attempt_id)}
        if question in given:  # a double click, or an old message: nothing changes
            earlier = given[question].choice
            return _answered(attempt, questions, index=question, choice=earlier, after=None)
        correct = choice == questions[question].answer
        await store.record_answer(
            session,
            answer=QuizAnswer(
                team_id=actor.team_id,
                attempt_id=attempt_id,
                question=question,
                choice=choice,
                correct=correct,
                answered_at=services.clock(),
            ),
        )
        right = sum(a.correct for a in given.values()) + correct
        after = await _after(
            session, services, row, attempt, answered={*given, question}, right=right
        )
    return _answered(attempt, questions, index=question, choice=choice, after=after)


async def _after(
    session: AsyncSession,
    services: Services,
    row: OnboardingProgress,
    attempt: QuizAttempt,
    *,
    answered: set[int],
    right: int,
) -> QuizAsked | OnboardingOverview:
    """The first question still open, or, after the last one, the score."""
    questions = load_questions(attempt.questions)
    unanswered = [i for i in range(len(questions)) if i not in answered]
    if unanswered:
        return _asked(attempt, questions, unanswered[0])
    _finish(services, row, attempt, right=right)
    notice = _("Quiz finished: {right} of {total} right.").format(right=right, total=len(questions))
    return await overview(session, services, row, notice=notice, score=(right, len(questions)))


def _finish(
    services: Services, row: OnboardingProgress, attempt: QuizAttempt, *, right: int
) -> None:
    attempt.score, attempt.finished_at = right, services.clock()
    row.quiz_attempts += 1
    if _better(right, attempt.total, than=(row.best_score, row.best_total)):
        row.best_score, row.best_total = right, attempt.total
    touch(services, row)


def _better(right: int, total: int, *, than: tuple[int | None, int | None]) -> bool:
    """The best share, not the best count: a later map version may ask more or fewer."""
    best, best_total = than
    return best is None or not best_total or right * best_total > best * total


def _answered(
    attempt: QuizAttempt,
    questions: list[Question],
    *,
    index: int,
    choice: int,
    after: QuizAsked | OnboardingOverview | None,
) -> QuizAnswered:
    """Feedback on an answer; no `after` means it had been given before (counted once)."""
    assert attempt.id is not None
    asked = questions[index]
    return QuizAnswered(
        attempt_id=attempt.id,
        index=index,
        total=len(questions),
        question=asked,
        choice=choice,
        correct=choice == asked.answer,
        repeated=after is None,
        after=after,
    )
