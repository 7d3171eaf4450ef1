"""A quiz question and the feedback on its answer, in the app's DM. Each answer button
carries its attempt, question and choice (bot.views.onboarding.AnswerRef)."""

from __future__ import annotations

import string

from slack_sdk.models.blocks import ActionsBlock, Block, InteractiveElement

from bot.onboarding.outcomes import QuizAnswered, QuizAsked
from bot.onboarding.questions import Question
from bot.views.blocks import button, context, header, section
from bot.views.ids import ActionId
from bot.views.message import Message
from bot.views.mrkdwn import bold, escape
from bot.views.onboarding import AnswerRef
from flows.i18n import _


def _letter(index: int) -> str:
    return string.ascii_uppercase[index]


def _choice_lines(question: Question, marks: dict[int, str] | None = None) -> str:
    marks = marks or {}
    lines = [
        f"{marks.get(i, '')}{bold(_letter(i) + '.')} {escape(choice)}".strip()
        for i, choice in enumerate(question.choices)
    ]
    return "\n".join(lines)


def _quiz_title(index: int, total: int) -> str:
    return _("Quiz: question {number} of {total}").format(number=index + 1, total=total)


def question_message(asked: QuizAsked) -> Message:
    question = asked.question
    body = f"{bold(escape(question.prompt))}\n\n{_choice_lines(question)}"
    buttons: list[InteractiveElement] = [
        button(
            f"{_letter(i)}. {choice}",
            action_id=f"{ActionId.QUIZ_ANSWER}_{i}",
            value=AnswerRef(asked.attempt_id, asked.index, i).dumps(),
        )
        for i, choice in enumerate(question.choices)
    ]
    blocks: list[Block] = [
        header(_quiz_title(asked.index, asked.total)),
        section(body),
        ActionsBlock(elements=buttons),
    ]
    text = f"{_quiz_title(asked.index, asked.total)}: {question.prompt}"
    return Message(text=text, blocks=blocks)


def answered_message(answered: QuizAnswered) -> Message:
    question = answered.question
    marks = {question.answer: ":white_check_mark: "}
    if not answered.correct:
        marks[answered.choice] = ":x: "
    right = f"{bold(_letter(question.answer) + '.')} {escape(question.right)}"
    verdict = (
        ":white_check_mark: " + _("Right: {answer}").format(answer=right)
        if answered.correct
        else ":x: " + _("Not quite. The right answer is {answer}").format(answer=right)
    )
    notes = [_("From: {source}").format(source=escape(question.source))]
    if answered.repeated:
        notes.append(_("You had answered this question already; it counts once."))
    blocks: list[Block] = [
        header(_quiz_title(answered.index, answered.total)),
        section(f"{bold(escape(question.prompt))}\n\n{_choice_lines(question, marks)}"),
        section(verdict),
        context(*notes),
    ]
    said = _("Right") if answered.correct else _("Not quite")
    text = f"{_quiz_title(answered.index, answered.total)}: {said}. {question.right}"
    return Message(text=text, blocks=blocks)
