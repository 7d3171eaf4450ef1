"""The questions a quiz asks, one maker per kind: each takes the map, its subject and the
quiz's random source, and gives a question with exactly one right choice, or None when
the map has too few choices of that sort (bot.onboarding.quiz builds a quiz from them)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum

from bot.onboarding.choices import Picked, choice_key, distinct, pick_choices
from bot.onboarding.principles import Principle
from flows.i18n import _
from flows.schema import ProcessMap, Stage


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


def next_stage_question(
    process_map: ProcessMap, stage: Stage, rng: random.Random
) -> Question | None:
    dest = process_map.stage(process_map.next_stage_id(stage) or "")
    others = (s.name for s in process_map.stages if s.id not in (stage.id, dest.id))
    return _question(
        QuestionKind.NEXT_STAGE,
        stage.id,
        _("A deal in {stage} has every required exit item done. Which stage does it advance to?"),
        pick_choices(rng, right=dest.name, candidates=others),
        _("{stage}: advance leads to {next}").format(stage=stage.name, next=dest.name),
        stage=stage.name,
    )


def exit_item_question(
    process_map: ProcessMap, stage: Stage, rng: random.Random
) -> Question | None:
    item = rng.choice(stage.exit)
    others = (i.text for s in process_map.stages if s.id != stage.id for i in s.exit)
    own = [i.text for i in stage.exit]
    number = stage.exit.index(item) + 1
    return _question(
        QuestionKind.EXIT_ITEM,
        stage.id,
        _("Which of these is an exit criterion of {stage}?"),
        pick_choices(rng, right=item.text, candidates=others, also_right=own),
        _("{stage}: exit criteria, item {number}").format(stage=stage.name, number=number),
        stage=stage.name,
    )


def owner_question(process_map: ProcessMap, stage: Stage, rng: random.Random) -> Question | None:
    others = (s.owner for s in process_map.stages if s.id != stage.id)
    return _question(
        QuestionKind.OWNER,
        stage.id,
        _("Which team owns the {stage} stage?"),
        pick_choices(rng, right=stage.owner, candidates=others),
        _("{stage}: owner").format(stage=stage.name),
        stage=stage.name,
    )


def objection_question(
    process_map: ProcessMap, stage: Stage, rng: random.Random
) -> Question | None:
    entry = rng.choice(stage.playbook)
    entries = [(s, e) for s in process_map.stages for e in s.playbook]
    # Also right: any answer of this stage, and any answer anywhere to the same objection.
    own = [e.response for s, e in entries if s.id == stage.id]
    same = [
        e.response for _s, e in entries if choice_key(e.objection) == choice_key(entry.objection)
    ]
    others = (e.response for s, e in entries if s.id != stage.id)
    return _question(
        QuestionKind.OBJECTION,
        stage.id,
        _("In {stage}, a buyer says: “{objection}” Which answer is in this stage's playbook?"),
        pick_choices(rng, right=entry.response, candidates=others, also_right=own + same),
        _("{stage}: playbook, “{objection}”").format(stage=stage.name, objection=entry.objection),
        stage=stage.name,
        objection=entry.objection,
    )


def principle_question(
    process_map: ProcessMap, principle: Principle, _rng: random.Random
) -> Question | None:
    sides = [s.name for s in process_map.stages if not s.is_open]
    why = principle.why.format(
        owners=", ".join(distinct(s.owner for s in process_map.stages)),
        sides=", ".join(sides) or _("none yet"),
    )
    return _question(
        QuestionKind.PRINCIPLE,
        principle.id,
        _("True or false? {statement}"),
        ((_("True"), _("False")), 0 if principle.true else 1),
        _("The source article on sales process mapping: {why}").format(why=why),
        statement=principle.statement,
    )


def _question(
    kind: QuestionKind,
    subject: str,
    template: str,
    picked: Picked | None,
    source: str,
    **names: str,
) -> Question | None:
    """The question, or None when too few choices were found to ask it."""
    if picked is None:
        return None
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
