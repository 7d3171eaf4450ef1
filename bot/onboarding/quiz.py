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
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum
from functools import partial

from bot.onboarding.principles import Principle, principles
from flows.i18n import _
from flows.schema import ProcessMap, Stage

QUIZ_SIZE = 8
MAX_CHOICES = 4  # the right answer and up to three distractors
MIN_CHOICES = 3
CHOICE_CHARS = 600  # four choices and the question fit one Slack section (3000)


class QuestionKind(StrEnum):
    NEXT_STAGE = "next_stage"
    EXIT_ITEM = "exit_item"
    OWNER = "owner"
    OBJECTION = "objection"
    PRINCIPLE = "principle"


@dataclass(frozen=True, slots=True)
class Question:
    key: str  # kind:subject: what a retake avoids asking again
    kind: QuestionKind
    subject: str  # the stage id (or principle id) the question is about
    prompt: str
    choices: tuple[str, ...]
    answer: int  # index of the one right choice
    source: str  # where in the map (or the source article) the answer comes from

    @property
    def right(self) -> str:
        return self.choices[self.answer]


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
            (f"{QuestionKind.NEXT_STAGE}:{s.id}", partial(_next_stage, process_map, s))
            for s in named
            if process_map.next_stage_id(s)
        ],
        [
            (f"{QuestionKind.EXIT_ITEM}:{s.id}", partial(_exit_item, process_map, s))
            for s in named
            if s.exit
        ],
        [(f"{QuestionKind.OWNER}:{s.id}", partial(_owner, process_map, s)) for s in named],
        [
            (f"{QuestionKind.OBJECTION}:{s.id}", partial(_objection, process_map, s))
            for s in named
            if s.playbook
        ],
        [
            (f"{QuestionKind.PRINCIPLE}:{p.id}", partial(_principle, process_map, p))
            for p in principles()
        ],
    ]


def named_once(process_map: ProcessMap) -> list[Stage]:
    """Stages a question can name without ambiguity: no other stage shows the same name."""
    keys = [choice_key(stage.name) for stage in process_map.stages]
    return [
        stage for stage, key in zip(process_map.stages, keys, strict=True) if keys.count(key) == 1
    ]


# -- one question per kind -------------------------------------------------------------------


def _next_stage(process_map: ProcessMap, stage: Stage, rng: random.Random) -> Question | None:
    dest = process_map.stage(process_map.next_stage_id(stage) or "")
    others = (s.name for s in process_map.stages if s.id not in (stage.id, dest.id))
    picked = pick_choices(rng, right=dest.name, candidates=others)
    if picked is None:
        return None
    return _question(
        QuestionKind.NEXT_STAGE,
        stage.id,
        _("A deal in {stage} has every required exit item done. Which stage does it advance to?"),
        picked,
        _("{stage}: advance leads to {next}").format(stage=stage.name, next=dest.name),
        stage=stage.name,
    )


def _exit_item(process_map: ProcessMap, stage: Stage, rng: random.Random) -> Question | None:
    item = rng.choice(stage.exit)
    others = (i.text for s in process_map.stages if s.id != stage.id for i in s.exit)
    own = [i.text for i in stage.exit]
    picked = pick_choices(rng, right=item.text, candidates=others, also_right=own)
    number = stage.exit.index(item) + 1
    if picked is None:
        return None
    return _question(
        QuestionKind.EXIT_ITEM,
        stage.id,
        _("Which of these is an exit criterion of {stage}?"),
        picked,
        _("{stage}: exit criteria, item {number}").format(stage=stage.name, number=number),
        stage=stage.name,
    )


def _owner(process_map: ProcessMap, stage: Stage, rng: random.Random) -> Question | None:
    others = (s.owner for s in process_map.stages if s.id != stage.id)
    picked = pick_choices(rng, right=stage.owner, candidates=others)
    if picked is None:
        return None
    return _question(
        QuestionKind.OWNER,
        stage.id,
        _("Which team owns the {stage} stage?"),
        picked,
        _("{stage}: owner").format(stage=stage.name),
        stage=stage.name,
    )


def _objection(process_map: ProcessMap, stage: Stage, rng: random.Random) -> Question | None:
    entry = rng.choice(stage.playbook)
    entries = [(s, e) for s in process_map.stages for e in s.playbook]
    # Also right: any answer of this stage, and any answer anywhere to the same objection.
    own = [e.response for s, e in entries if s.id == stage.id]
    same = [
        e.response for _s, e in entries if choice_key(e.objection) == choice_key(entry.objection)
    ]
    others = (e.response for s, e in entries if s.id != stage.id)
    picked = pick_choices(rng, right=entry.response, candidates=others, also_right=own + same)
    if picked is None:
        return None
    return _question(
        QuestionKind.OBJECTION,
        stage.id,
        _("In {stage}, a buyer says: “{objection}” Which answer is in this stage's playbook?"),
        picked,
        _("{stage}: playbook, “{objection}”").format(stage=stage.name, objection=entry.objection),
        stage=stage.name,
        objection=entry.objection,
    )


def _principle(process_map: ProcessMap, principle: Principle, _rng: random.Random) -> Question:
    sides = [s.name for s in process_map.stages if not s.is_open]
    why = principle.why.format(
        owners=", ".join(_distinct(s.owner for s in process_map.stages)),
        sides=", ".join(sides) or _("none yet"),
    )
    return Question(
        key=f"{QuestionKind.PRINCIPLE}:{principle.id}",
        kind=QuestionKind.PRINCIPLE,
        subject=principle.id,
        prompt=_("True or false? {statement}").format(statement=principle.statement),
        choices=(_("True"), _("False")),
        answer=0 if principle.true else 1,
        source=_("The source article on sales process mapping: {why}").format(why=why),
    )


def _question(
    kind: QuestionKind,
    subject: str,
    template: str,
    picked: tuple[tuple[str, ...], int],
    source: str,
    **names: str,
) -> Question:
    choices, answer = picked
    return Question(
        key=f"{kind}:{subject}",
        kind=kind,
        subject=subject,
        prompt=template.format(**names),
        choices=choices,
        answer=answer,
        source=source,
    )


# -- choices ---------------------------------------------------------------------------------


def choice_key(text: str) -> str:
    """What makes two choices "the same" to a reader: case, spacing, a final full stop aside."""
    return " ".join(text.casefold().split()).rstrip(".")


def shown(text: str) -> str:
    """A choice as the quiz shows it: long playbook answers are shortened."""
    text = " ".join(text.split())
    return text if len(text) <= CHOICE_CHARS else text[: CHOICE_CHARS - 1].rstrip() + "…"


def pick_choices(
    rng: random.Random,
    *,
    right: str,
    candidates: Iterable[str],
    also_right: Iterable[str] = (),
) -> tuple[tuple[str, ...], int] | None:
    """`right` and up to three distractors from `candidates`, shuffled, with the index of
    `right`; None when fewer than MIN_CHOICES distinct choices remain."""
    answer = shown(right)
    banned = {choice_key(answer)} | {choice_key(shown(text)) for text in also_right}
    distractors = _distinct(
        text for text in map(shown, candidates) if choice_key(text) not in banned
    )
    if len(distractors) + 1 < MIN_CHOICES:
        return None
    choices = [answer, *rng.sample(distractors, min(len(distractors), MAX_CHOICES - 1))]
    rng.shuffle(choices)
    return tuple(choices), choices.index(answer)


def _distinct(texts: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for text in texts:
        seen.setdefault(choice_key(text), text)
    return list(seen.values())


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
