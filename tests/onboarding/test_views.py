"""Onboarding messages: within Slack's limits for every tour step and question of both
shipped maps, saying what they must, with buttons that carry what they lead to."""

from __future__ import annotations

import pytest

from bot.onboarding.outcomes import OnboardingStatus, QuizAsked, TourShown
from bot.onboarding.quiz import build_quiz
from bot.onboarding.tour import tour_length, tour_stages, tour_step
from bot.views.home import home_view
from bot.views.ids import ActionId
from bot.views.onboarding import AnswerRef, parse_step
from bot.views.outcomes import outcome_message
from bot.views.text import render_text
from flows.loader import load_shipped, shipped_map_ids
from tests.support.samples.onboarding import SAMPLES, answered, overview, progress
from tests.support.views import elements_of, make_row, message_problems, view_problems


@pytest.mark.parametrize("map_id", shipped_map_ids())
def test_every_tour_step_renders_within_limits_with_its_stage(map_id: str) -> None:
    process_map = load_shipped(map_id)
    for index in range(tour_length(process_map)):
        step = tour_step(process_map, index)
        message = outcome_message(TourShown(step=step))
        assert message_problems(message) == [], step.stage.id
        shown = render_text(message.to_dict()["blocks"])
        assert step.stage.name in shown and step.stage.owner in shown
        assert all(item.text in shown for item in step.stage.exit)
        buttons = {e["action_id"]: e.get("value") for e in elements_of(message)}
        assert buttons[ActionId.TOUR_NEXT] == str(index + 1)
        assert buttons.get(ActionId.TOUR_BACK) == (str(index - 1) if index else None)
        assert ActionId.QUIZ_START in buttons


def test_the_tour_shows_the_main_path_then_the_side_exits() -> None:
    process_map = load_shipped("extended")
    ids = [stage.id for stage in tour_stages(process_map)]
    assert ids[:14] == [stage.id for stage in process_map.open_stages]
    assert set(ids[14:]) == {"lost", "disqualified", "nurture"}
    won = render_text(outcome_message(TourShown(tour_step(process_map, 9))).to_dict()["blocks"])
    assert "The win: a deal counts as won when it enters this stage." in won
    nurture = tour_step(process_map, ids.index("nurture"))
    reopen = render_text(outcome_message(TourShown(nurture)).to_dict()["blocks"])
    names = ", ".join(process_map.stage(s).name for s in process_map.stage("nurture").reopen)
    assert f"Can be reopened to: {names}" in reopen
    last = tour_step(process_map, 99)  # a saved step past the end (the map shrank): the last
    assert last.index == len(ids) - 1 and last.is_last


@pytest.mark.parametrize("map_id", shipped_map_ids())
def test_every_question_and_its_feedback_render_within_limits(map_id: str) -> None:
    process_map = load_shipped(map_id)
    for seed in range(10):
        for index, question in enumerate(build_quiz(process_map, seed=seed)):
            asked = outcome_message(
                QuizAsked(attempt_id=3, index=index, total=8, question=question)
            )
            assert message_problems(asked) == []
            values = [AnswerRef.loads(e["value"]) for e in elements_of(asked)]
            assert values == [AnswerRef(3, index, c) for c in range(len(question.choices))]


def test_feedback_names_the_right_answer_and_where_it_comes_from() -> None:
    wrong = answered(correct=False)
    shown = render_text(outcome_message(wrong).to_dict()["blocks"])
    assert f"Not quite. The right answer is {'ABCD'[wrong.question.answer]}." in shown
    assert wrong.question.right in shown and wrong.question.source in shown
    assert elements_of(outcome_message(wrong)) == []  # answered: nothing to click
    right = render_text(outcome_message(answered(correct=True)).to_dict()["blocks"])
    assert "✓ Right:" in right and "✗" not in right
    again = render_text(outcome_message(answered(correct=True, repeated=True)).to_dict()["blocks"])
    assert "it counts once" in again


def test_the_overview_offers_what_comes_next() -> None:
    fresh = outcome_message(overview(quiz_attempts=0, best_score=None, practice_deal_id=None))
    labels = [e["text"]["text"] for e in elements_of(fresh)]
    assert labels == ["Continue the tour", "Start the quiz", "Start a practice deal"]
    done = outcome_message(overview(tour_done=True, practice_done=True))
    labels = [e["text"]["text"] for e in elements_of(done)]
    assert labels == ["Tour again", "Retake the quiz", "Open the practice deal"]
    assert "Onboarding complete" in render_text(done.to_dict()["blocks"])


def test_a_long_status_list_stays_within_limits() -> None:
    rows = [progress(user_id=f"U{n:08d}") for n in range(1200)]
    message = outcome_message(OnboardingStatus(title="Onboarding in this workspace", rows=rows))
    assert message_problems(message) == []
    assert "and 400 more" in render_text(message.to_dict()["blocks"])


def test_app_home_keeps_within_100_blocks_with_the_onboarding_section() -> None:
    mine = [make_row(deal_id=i + 1) for i in range(120)]
    team = [
        make_row(deal_id=i + 1, stage=s.id) for i, s in enumerate(load_shipped("default").stages)
    ]
    order = [s.name for s in load_shipped("default").stages]
    reps = [progress(user_id=f"U{n:08d}") for n in range(60)]
    view = home_view(my_rows=mine, team_rows=team * 30, stage_order=order, onboarding=reps)
    assert view_problems(view, kind="home") == [] and len(view.blocks) <= 100
    shown = render_text(view.to_dict()["blocks"])
    assert "Onboarding\n==========" in shown and "More in /deal onboard status" in shown


def test_every_sample_renders_within_limits() -> None:
    for kind, sample in SAMPLES.items():
        assert message_problems(outcome_message(sample())) == [], kind.__name__


def test_button_values_refuse_what_is_not_theirs() -> None:
    assert AnswerRef.loads(AnswerRef(1, 2, 3).dumps()) == AnswerRef(1, 2, 3)
    forgeries = [None, "", "{}", "[1]", '{"a": 0, "q": 1, "c": 1}', '{"a": 1, "q": -1, "c": 0}']
    forgeries += ['{"a": 1e400, "q": 0, "c": 0}', '{"a": "x", "q": 0, "c": 0}']
    for forged in forgeries:
        assert AnswerRef.loads(forged) is None, forged
    assert parse_step("3") == 3
    assert [parse_step(v) for v in ("", "-1", "x", "99999", "²", None)] == [None] * 6
