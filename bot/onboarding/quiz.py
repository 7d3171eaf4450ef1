"""The quiz, generated from the map (never written per map): which stage follows X, which
item is an exit criterion of Y, who owns Z, which answer to an objection belongs to W,
and true/false on the source article's principles.

Every question has exactly one right answer, by construction:
- a question is only asked about a stage whose name no other stage shares (two stages
  called "Demo" would make "who owns Demo?" ambiguous);
- distractors are real items of the map of the same sort (other stages' names, exit
  items, owners, playbook answers), compared by `choice_key` (case, spacing and a final
  full stop ignored) on the text as shown: every text that would also be right is
  removed, duplicates are removed, and the right text itself can then never reappear;
- a question with fewer than MIN_CHOICES choices is not asked (a map where every stage
  has the same owner asks no owner questions).
Randomness is seeded: the same seed gives the same quiz. The questions are stored with
the attempt, so answers are checked against what was asked.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import asdict
from functools import partial

from bot.onboarding.choices import choice_key
from bot.onboarding.principles import principles
from bot.onboarding.questions import (
    Question,
    QuestionKind,
    exit_item_question,
    next_stage_question,
    objection_question,
    owner_question,
    principle_question,
)
from flows.schema import ProcessMap, Stage

QUIZ_SIZE = 8

Maker = Callable[[random.Random], Question | None]
Subject = tuple[str, Maker]


def build_quiz(
    process_map: ProcessMap,
    *,
    seed: int,
    size: int = QUIZ_SIZE,
    avoid: frozenset[str] = frozenset(),
) -> list[Question]:
    """Up to `size` questions, the kinds taken in turn; subjects in `avoid` (the last
    attempt's keys) come only after every other subject of their kind."""
    rng = random.Random(seed)
    queues = [_queue(rng, subjects, avoid) for subjects in _subjects(process_map)]
    rng.shuffle(queues)
    quiz: list[Question] = []
    while len(quiz) < size and any(queues):
        for queue in queues:
            question = _next_question(rng, queue)
            if question is not None and len(quiz) < size:
                quiz.append(question)
    return quiz


def _queue(rng: random.Random, subjects: list[Subject], avoid: frozenset[str]) -> list[Subject]:
    shuffled = list(subjects)
    rng.shuffle(shuffled)
    return sorted(shuffled, key=lambda subject: subject[0] in avoid)  # stable: keeps the shuffle


def _next_question(rng: random.Random, queue: list[Subject]) -> Question | None:
    while queue:
        _key, make = queue.pop(0)
        question = make(rng)
        if question is not None:
            return question
    return None


def _subjects(process_map: ProcessMap) -> list[list[Subject]]:
    """One list per kind of question, in map order."""
    named = named_once(process_map)
    return [
        [
            (f"{QuestionKind.NEXT_STAGE}:{s.id}", partial(next_stage_question, process_map, s))
            for s in named
            if process_map.next_stage_id(s)
        ],
        [
            (f"{QuestionKind.EXIT_ITEM}:{s.id}", partial(exit_item_question, process_map, s))
            for s in named
            if s.exit
        ],
        [(f"{QuestionKind.OWNER}:{s.id}", partial(owner_question, process_map, s)) for s in named],
        [
            (f"{QuestionKind.OBJECTION}:{s.id}", partial(objection_question, process_map, s))
            for s in named
            if s.playbook
        ],
        [
            (f"{QuestionKind.PRINCIPLE}:{p.id}", partial(principle_question, process_map, p))
            for p in principles()
        ],
    ]


def named_once(process_map: ProcessMap) -> list[Stage]:
    """Stages a question can name without ambiguity: no other stage shows the same name."""
    keys = [choice_key(stage.name) for stage in process_map.stages]
    return [
        stage for stage, key in zip(process_map.stages, keys, strict=True) if keys.count(key) == 1
    ]


# -- stored with the attempt -----------------------------------------------------------------


def dump_questions(questions: list[Question]) -> str:
    return json.dumps([asdict(q) for q in questions], ensure_ascii=False, separators=(",", ":"))


def load_questions(text: str) -> list[Question]:
    return [
        Question(
            key=str(item["key"]),
            kind=QuestionKind(item["kind"]),
            subject=str(item["subject"]),
            prompt=str(item["prompt"]),
            choices=tuple(str(choice) for choice in item["choices"]),
            answer=int(item["answer"]),
            source=str(item["source"]),
        )
        for item in json.loads(text)
    ]
