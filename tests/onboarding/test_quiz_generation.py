"""The quiz is generated from the map: on both shipped maps and on generated ones, every
question has exactly one right answer, its choices are real items of the map (none shown
twice), and the randomness is seeded.

`check_question` is the oracle: it recomputes from the map, independently of the
generator, which choices are right and which texts the map has.
"""

from __future__ import annotations

from collections import Counter

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.onboarding.choices import MAX_CHOICES, MIN_CHOICES, shown
from bot.onboarding.principles import principles
from bot.onboarding.questions import Question, QuestionKind
from bot.onboarding.quiz import QUIZ_SIZE, build_quiz, dump_questions, load_questions
from flows.loader import load_shipped, parse_map, shipped_map_ids
from flows.schema import ProcessMap, Stage
from tests.onboarding.strategies import plain_maps, quiz_maps
from tests.support.maps import GOOD_MAP

PROPERTIES = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def norm(text: str) -> str:
    """Two texts a reader cannot tell apart: case, spacing and a final full stop aside."""
    return " ".join(shown(text).casefold().split()).rstrip(".")


def right_and_items(process_map: ProcessMap, question: Question) -> tuple[list[str], list[str]]:
    """The texts that answer the question rightly, and every text of its sort in the map."""
    stage = process_map.stage(question.subject)
    stages = process_map.stages
    if question.kind is QuestionKind.NEXT_STAGE:
        following = process_map.stage(process_map.next_stage_id(stage) or "")
        return [following.name], [s.name for s in stages]
    if question.kind is QuestionKind.EXIT_ITEM:
        return [i.text for i in stage.exit], [i.text for s in stages for i in s.exit]
    if question.kind is QuestionKind.OWNER:
        return [stage.owner], [s.owner for s in stages]
    assert question.kind is QuestionKind.OBJECTION
    said = next(e for e in stage.playbook if f"“{e.objection}”" in question.prompt)
    same = [
        e.response for s in stages for e in s.playbook if norm(e.objection) == norm(said.objection)
    ]
    return [e.response for e in stage.playbook] + same, [
        e.response for s in stages for e in s.playbook
    ]


def check_question(process_map: ProcessMap, question: Question) -> None:
    keys = [norm(choice) for choice in question.choices]
    assert len(set(keys)) == len(keys), f"two choices read the same: {question.choices}"
    assert question.key == f"{question.kind}:{question.subject}"
    if question.kind is QuestionKind.PRINCIPLE:
        principle = next(p for p in principles() if p.id == question.subject)
        assert question.choices == ("True", "False")
        assert question.right == ("True" if principle.true else "False")
        assert principle.statement in question.prompt
        return
    assert MIN_CHOICES <= len(question.choices) <= MAX_CHOICES
    stage: Stage = process_map.stage(question.subject)
    assert [norm(s.name) for s in process_map.stages].count(norm(stage.name)) == 1
    assert stage.name in question.prompt and stage.name in question.source
    right, items = right_and_items(process_map, question)
    right_keys, item_keys = {norm(t) for t in right}, {norm(t) for t in items}
    correct = [i for i, key in enumerate(keys) if key in right_keys]
    assert correct == [question.answer], f"{question.prompt}: {question.choices}"
    assert set(keys) <= item_keys, "a choice that is not an item of the map"


def check_quiz(process_map: ProcessMap, quiz: list[Question]) -> None:
    assert 0 < len(quiz) <= QUIZ_SIZE
    assert len({q.key for q in quiz}) == len(quiz), "a subject asked twice"
    for question in quiz:
        check_question(process_map, question)


# -- the shipped maps ------------------------------------------------------------------------


@pytest.mark.parametrize("map_id", shipped_map_ids())
def test_shipped_maps_give_full_quizzes_with_one_right_answer_each(map_id: str) -> None:
    process_map = load_shipped(map_id)
    kinds: Counter[QuestionKind] = Counter()
    for seed in range(60):
        quiz = build_quiz(process_map, seed=seed)
        assert len(quiz) == QUIZ_SIZE
        check_quiz(process_map, quiz)
        kinds.update(q.kind for q in quiz)
    assert set(kinds) == set(QuestionKind), "every kind of question is asked"


def test_stages_that_share_an_owner_never_offer_it_twice() -> None:
    # Five stages of the compact map belong to the Account Executive: an owner question
    # about any of them offers that team once, and about any other stage as a wrong choice.
    process_map = load_shipped("default")
    asked = [
        q
        for seed in range(200)
        for q in build_quiz(process_map, seed=seed)
        if q.kind is QuestionKind.OWNER
    ]
    assert {q.subject for q in asked} == {s.id for s in process_map.stages}
    team = "Sales (Account Executive)"
    for question in asked:
        assert question.choices.count(team) <= 1
        owned = process_map.stage(question.subject).owner == team
        assert (question.right == team) == owned


@pytest.mark.parametrize("map_id", shipped_map_ids())
def test_a_retake_asks_about_other_subjects(map_id: str) -> None:
    process_map = load_shipped(map_id)
    first = build_quiz(process_map, seed=11)
    second = build_quiz(process_map, seed=12, avoid=frozenset(q.key for q in first))
    assert {q.key for q in first}.isdisjoint(q.key for q in second)
    assert len(second) == QUIZ_SIZE


def test_the_same_seed_gives_the_same_quiz_and_the_stored_form_round_trips() -> None:
    process_map = load_shipped("extended")
    quiz = build_quiz(process_map, seed=7)
    assert build_quiz(process_map, seed=7) == quiz
    assert build_quiz(process_map, seed=8) != quiz
    assert load_questions(dump_questions(quiz)) == quiz


def test_ambiguous_stages_and_a_single_owner_ask_nothing_about_them() -> None:
    data = yaml.safe_load(GOOD_MAP)
    data["stages"][0]["name"] = data["stages"][1]["name"] = "Proposal"  # two stages, one name
    process_map = parse_map(yaml.safe_dump(data, sort_keys=False))
    quizzes = [build_quiz(process_map, seed=seed) for seed in range(40)]
    asked = {q.subject for quiz in quizzes for q in quiz}
    assert not asked & {"discovery", "proposal"}
    # The map has two owner teams (Sales, Marketing): two choices are under MIN_CHOICES,
    # so no owner question is asked at all.
    assert not [q for quiz in quizzes for q in quiz if q.kind is QuestionKind.OWNER]
    for quiz in quizzes:
        check_quiz(process_map, quiz)


# -- generated maps --------------------------------------------------------------------------


@PROPERTIES
@given(quiz_maps, st.integers(min_value=0, max_value=2**31 - 1))
def test_generated_maps_give_one_right_answer_per_question(
    process_map: ProcessMap, seed: int
) -> None:
    quiz = build_quiz(process_map, seed=seed)
    check_quiz(process_map, quiz)
    assert build_quiz(process_map, seed=seed) == quiz
    assert load_questions(dump_questions(quiz)) == quiz


@PROPERTIES
@given(plain_maps, st.integers(min_value=0, max_value=2**31 - 1))
def test_the_flows_tests_maps_give_one_right_answer_per_question(
    process_map: ProcessMap, seed: int
) -> None:
    quiz = build_quiz(process_map, seed=seed)
    check_quiz(process_map, quiz)
    retake = build_quiz(process_map, seed=seed + 1, avoid=frozenset(q.key for q in quiz))
    check_quiz(process_map, retake)
