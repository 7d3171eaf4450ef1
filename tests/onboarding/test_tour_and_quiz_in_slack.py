"""A new rep's tour and quiz through the real HTTP app: signed Slack requests in, Web API
calls out, the tour and the quiz in the app's DM."""

from __future__ import annotations

from bot.onboarding.tour import tour_stages
from bot.views.ids import ActionId
from storage.onboarding_models import QuizAnswer
from tests.onboarding.conftest import (
    answer_button,
    attempts_of,
    click,
    current,
    dm,
    last_dm,
    progress_of,
    stored_questions,
)
from tests.support.blockkit import has, text_of
from tests.support.harness import SlackHarness
from tests.support.slack import REP


def header(message: dict) -> str:
    return message["blocks"][0]["text"]["text"]


async def test_onboard_sends_the_tour_to_the_dm_and_says_so(slack: SlackHarness) -> None:
    answer = await slack.command("onboard", user=REP)

    assert answer.status == 200
    assert "direct messages" in answer.text
    first = tour_stages(slack.services.catalog.current)[0]
    message = last_dm(slack, REP)
    assert header(message) == f"Tour 1/10: {first.name}"
    shown = text_of(message["blocks"])
    assert first.entry in shown and first.owner in shown and first.exit[0].text in shown
    assert first.playbook[0].objection in shown  # one playbook entry
    assert has(message["blocks"], ActionId.TOUR_NEXT) and has(
        message["blocks"], ActionId.QUIZ_START
    )
    assert not has(message["blocks"], ActionId.TOUR_BACK)  # nothing before the first step
    assert slack.standin.last("chat.postMessage").args["channel"] == REP


async def test_the_tour_moves_in_place_and_resumes_where_it_stopped(slack: SlackHarness) -> None:
    stages = tour_stages(slack.services.catalog.current)
    await slack.command("onboard", user=REP)
    message = last_dm(slack, REP)

    await click(slack, REP, message, ActionId.TOUR_NEXT)
    await click(slack, REP, current(slack, REP, message), ActionId.TOUR_NEXT)

    assert len(dm(slack, REP)) == 1  # updated in place, not posted again
    assert slack.standin.attempts("chat.update") == 2
    assert header(current(slack, REP, message)) == f"Tour 3/10: {stages[2].name}"
    assert (await progress_of(slack, REP)).tour_step == 2

    # interrupted: a day later the rep types /deal onboard again
    await slack.command("onboard", user=REP)
    resumed = last_dm(slack, REP)
    assert resumed["ts"] != message["ts"]
    assert header(resumed) == f"Tour 3/10: {stages[2].name}"
    assert "Welcome back" in text_of(resumed["blocks"])

    await click(slack, REP, resumed, ActionId.TOUR_BACK)
    assert header(current(slack, REP, resumed)) == f"Tour 2/10: {stages[1].name}"
    assert (await progress_of(slack, REP)).tour_step == 1
    assert (await progress_of(slack, REP)).tour_done_at is None


async def test_finishing_the_tour_marks_it_done_and_offers_the_quiz(slack: SlackHarness) -> None:
    total = len(tour_stages(slack.services.catalog.current))
    await slack.command("onboard", user=REP)
    message = last_dm(slack, REP)
    for _step in range(total - 1):
        await click(slack, REP, current(slack, REP, message), ActionId.TOUR_NEXT)
    last = current(slack, REP, message)
    assert header(last).startswith(f"Tour {total}/{total}")
    assert "Finish tour" in text_of(last["blocks"])

    await click(slack, REP, last, ActionId.TOUR_NEXT)

    overview = current(slack, REP, message)
    assert "You finished the tour" in text_of(overview["blocks"])
    assert "Start the quiz" in text_of(overview["blocks"])
    assert (await progress_of(slack, REP)).tour_done_at is not None


async def test_the_quiz_gives_feedback_and_stores_the_score(slack: SlackHarness) -> None:
    await slack.command("onboard", user=REP)
    await click(slack, REP, last_dm(slack, REP), ActionId.QUIZ_START)  # Skip to quiz
    questions = await stored_questions(slack, REP)
    assert len(questions) == 8

    first = last_dm(slack, REP)
    assert questions[0].prompt in text_of(first["blocks"])
    await click(slack, REP, first, answer_button(questions[0], right=True))
    feedback = current(slack, REP, first)
    assert "Right:" in text_of(feedback["blocks"])
    assert questions[0].source in text_of(feedback["blocks"])  # where in the map it comes from
    assert not has(feedback["blocks"], "onboard_answer_0")  # answered: no buttons left

    second = last_dm(slack, REP)
    assert second["ts"] != first["ts"] and questions[1].prompt in text_of(second["blocks"])
    await click(slack, REP, second, answer_button(questions[1], right=False))
    wrong = text_of(current(slack, REP, second)["blocks"])
    assert f"Not quite. The right answer is {'ABCD'[questions[1].answer]}." in wrong
    assert questions[1].right in wrong and questions[1].source in wrong

    # a double click (or a retry) on the answered question counts once
    posted = len(dm(slack, REP))
    await click(slack, REP, second, answer_button(questions[1], right=True))
    assert "it counts once" in text_of(current(slack, REP, second)["blocks"])
    assert len(dm(slack, REP)) == posted

    for question in questions[2:]:
        await click(slack, REP, last_dm(slack, REP), answer_button(question, right=True))

    final = text_of(last_dm(slack, REP)["blocks"])
    assert "Quiz finished: 7 of 8 right." in final and "Retake the quiz" in final
    (attempt,) = await attempts_of(slack, REP)
    assert attempt.score == 7 and attempt.finished_at is not None
    progress = await progress_of(slack, REP)
    assert (progress.best_score, progress.best_total, progress.quiz_attempts) == (7, 8, 1)
    async with slack.services.db.read() as session:
        from sqlmodel import select

        answers = (await session.exec(select(QuizAnswer))).all()
    assert sorted(a.question for a in answers) == list(range(8))
    assert [a.correct for a in sorted(answers, key=lambda a: a.question)][:2] == [True, False]


async def test_a_retake_asks_different_questions_and_keeps_the_best_score(
    slack: SlackHarness,
) -> None:
    await slack.command("onboard", user=REP)
    await click(slack, REP, last_dm(slack, REP), ActionId.QUIZ_START)
    first = await stored_questions(slack, REP)
    for question in first:
        await click(slack, REP, last_dm(slack, REP), answer_button(question, right=True))

    await click(slack, REP, last_dm(slack, REP), ActionId.QUIZ_START)  # Retake the quiz
    second = await stored_questions(slack, REP)
    assert {q.key for q in first}.isdisjoint({q.key for q in second})
    for question in second:
        await click(slack, REP, last_dm(slack, REP), answer_button(question, right=False))

    assert "Quiz finished: 0 of 8 right." in text_of(last_dm(slack, REP)["blocks"])
    progress = await progress_of(slack, REP)
    assert (progress.best_score, progress.quiz_attempts) == (8, 2)
    assert [a.number for a in await attempts_of(slack, REP)] == [1, 2]


async def test_an_unfinished_quiz_is_where_onboard_resumes(slack: SlackHarness) -> None:
    await slack.command("onboard", user=REP)
    await click(slack, REP, last_dm(slack, REP), ActionId.QUIZ_START)
    questions = await stored_questions(slack, REP)
    await click(slack, REP, last_dm(slack, REP), answer_button(questions[0], right=True))

    await slack.command("onboard", user=REP)
    assert questions[1].prompt in text_of(last_dm(slack, REP)["blocks"])
    # "Skip to quiz" on the old tour message continues the attempt, opens no second one
    await click(slack, REP, dm(slack, REP)[0], ActionId.QUIZ_START)
    assert questions[1].prompt in text_of(last_dm(slack, REP)["blocks"])
    assert len(await attempts_of(slack, REP)) == 1


async def test_an_answer_to_someone_elses_quiz_is_refused(slack: SlackHarness) -> None:
    await slack.command("onboard", user=REP)
    await click(slack, REP, last_dm(slack, REP), ActionId.QUIZ_START)
    question = last_dm(slack, REP)

    await click(slack, "U0OTHER01", question, "onboard_answer_0")

    refused = slack.standin.ephemerals("U0OTHER01")
    assert refused and "not one of yours" in refused[-1]["text"]
    async with slack.services.db.read() as session:
        from sqlmodel import select

        assert (await session.exec(select(QuizAnswer))).all() == []


async def test_forged_onboarding_buttons_are_answered_not_obeyed(slack: SlackHarness) -> None:
    await slack.command("onboard", user=REP)
    message = last_dm(slack, REP)
    await click(slack, REP, message, ActionId.TOUR_NEXT, value="not a step")
    await click(slack, REP, message, ActionId.TOUR_NEXT, value="")
    assert "out of date" in slack.standin.ephemerals(REP)[-1]["text"]
    assert (await progress_of(slack, REP)).tour_step == 0
