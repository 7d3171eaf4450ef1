"""The choices of a quiz question: the right answer and distractors of the same sort, each
shown as the quiz shows it and compared by `choice_key`, so that no distractor is another
way of writing a right answer (bot.onboarding.quiz says why every question has exactly one)."""

from __future__ import annotations

import random
from collections.abc import Iterable

MAX_CHOICES = 4  # the right answer and up to three distractors
MIN_CHOICES = 3
CHOICE_CHARS = 600  # four choices and the question fit one Slack section (3000)

Picked = tuple[tuple[str, ...], int]  # the choices, and the index of the right one


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
) -> Picked | None:
    """`right` and up to three distractors from `candidates`, shuffled, with the index of
    `right`; None when fewer than MIN_CHOICES distinct choices remain."""
    answer = shown(right)
    banned = {choice_key(answer)} | {choice_key(shown(text)) for text in also_right}
    distractors = distinct(
        text for text in map(shown, candidates) if choice_key(text) not in banned
    )
    if len(distractors) + 1 < MIN_CHOICES:
        return None
    choices = [answer, *rng.sample(distractors, min(len(distractors), MAX_CHOICES - 1))]
    rng.shuffle(choices)
    return tuple(choices), choices.index(answer)


def distinct(texts: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for text in texts:
        seen.setdefault(choice_key(text), text)
    return list(seen.values())
