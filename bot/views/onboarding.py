"""Onboarding messages: a tour step, a quiz question and its feedback, the overview of the
three parts, a manager's status list, and the note a `/deal onboard` answers with.

The tour and the quiz live in the app's DM: normal messages, which the app updates in
place. Buttons carry what they lead to (the step; the attempt, question and choice), so a
click on an old message still does what its label says.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass

from slack_sdk.models.blocks import ActionsBlock, Block, InteractiveElement

from bot.onboarding.outcomes import (
    Delivery,
    OnboardingOverview,
    OnboardingStatus,
    QuizAnswered,
    QuizAsked,
    RepProgress,
    TourShown,
)
from bot.onboarding.questions import Question
from bot.onboarding.tour import TourStep
from bot.views import limits
from bot.views.blocks import button, context, header, section
from bot.views.counts import counted
from bot.views.ids import ActionId
from bot.views.message import Message
from bot.views.mrkdwn import bold, bullets, escape, escape_keeping_mentions, join_clipped, quote
from flows.i18n import _
from flows.schema import Stage, StageKind

STATUS_LINES = 20  # reps per section: 20 short lines stay far below 3000 characters
STATUS_SECTIONS = 40

# -- button values ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnswerRef:
    """What an answer button carries: the attempt, the question's index, the choice's."""

    attempt_id: int
    question: int
    choice: int

    def dumps(self) -> str:
        return json.dumps({"a": self.attempt_id, "q": self.question, "c": self.choice})

    @classmethod
    def loads(cls, text: object) -> AnswerRef | None:
        """None for anything that is not a well-formed value (forged or truncated)."""
        try:
            data = json.loads(text if isinstance(text, str) else "")
            ref = cls(attempt_id=int(data["a"]), question=int(data["q"]), choice=int(data["c"]))
        except (ValueError, TypeError, KeyError, OverflowError):  # 1e400 is JSON's infinity
            return None
        return ref if ref.attempt_id > 0 and ref.question >= 0 and ref.choice >= 0 else None


def parse_step(value: object) -> int | None:
    text = value if isinstance(value, str) else ""
    # ASCII digits only: isdigit() is true for '²', which int() refuses
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else None


# -- the tour --------------------------------------------------------------------------------


def tour_message(shown: TourShown) -> Message:
    step = shown.step
    title = _("Tour {number}/{total}: {stage}").format(
        number=step.index + 1, total=step.total, stage=step.stage.name
    )
    blocks: list[Block] = [header(title)]
    if shown.notice:
        blocks.append(section(escape_keeping_mentions(shown.notice)))
    blocks += _stage_sections(step)
    blocks += [context(*_where_next(step)), _tour_buttons(step)]
    text = _("Tour of {map}, stage {number} of {total}: {stage} (owner: {owner})").format(
        map=step.map_title,
        number=step.index + 1,
        total=step.total,
        stage=step.stage.name,
        owner=step.stage.owner,
    )
    return Message(text=text, blocks=blocks)


def _stage_sections(step: TourStep) -> list[Block]:
    stage = step.stage
    parts = [
        f"{bold(_('Owner team'))}: {escape(stage.owner)}",
        f"{bold(_('What lets a deal be here'))}\n{escape(stage.entry)}",
        f"{bold(_('What happens here'))}\n{bullets(escape(a) for a in stage.activities)}",
    ]
    blocks: list[Block] = [section(join_clipped(parts, limit=limits.SECTION_TEXT))]
    blocks.append(section(_exit_text(stage)))
    if step.playbook is not None:
        entry = step.playbook
        said = quote(bold(escape(entry.objection)))
        answer = f"{escape(entry.response)}\n{bold(_('Next step'))}: {escape(entry.next_step)}"
        blocks.append(section(f"{bold(_('From the playbook'))}\n{said}\n{answer}"))
    return blocks


def _exit_text(stage: Stage) -> str:
    if not stage.exit:
        if stage.is_open:
            return bold(_("No exit checklist: nothing has to be ticked to move on."))
        return bold(_("A side exit: deals land here, with their reason, instead of moving on."))
    lines = [
        f"{n}. {escape(item.text)}" + ("" if item.required else " _(" + _("optional") + ")_")
        for n, item in enumerate(stage.exit, start=1)
    ]
    head = bold(_("Exit criteria: done before a deal may move on"))
    return join_clipped([head, *lines], limit=limits.SECTION_TEXT)


def _where_next(step: TourStep) -> list[str]:
    stage = step.stage
    found = []
    if stage.won:
        found.append(":trophy: " + _("The win: a deal counts as won when it enters this stage."))
    if step.next_stage is not None:
        found.append(_("Advance leads to {stage}").format(stage=escape(step.next_stage.name)))
    if step.side_exits:
        names = ", ".join(escape(s.name) for s in step.side_exits)
        found.append(_("It can also go to: {stages}").format(stages=names))
    if stage.kind is not StageKind.OPEN and step.reopen_to:
        names = ", ".join(escape(s.name) for s in step.reopen_to)
        found.append(_("Can be reopened to: {stages}").format(stages=names))
    return found or [_("The last stage of the map.")]


def _tour_buttons(step: TourStep) -> ActionsBlock:
    elements: list[InteractiveElement] = []
    if step.index > 0:
        elements.append(button(_("Back"), action_id=ActionId.TOUR_BACK, value=str(step.index - 1)))
    label = _("Finish tour") if step.is_last else _("Next")
    elements.append(
        button(label, action_id=ActionId.TOUR_NEXT, value=str(step.index + 1), style="primary")
    )
    elements.append(button(_("Skip to quiz"), action_id=ActionId.QUIZ_START, value="skip"))
    return ActionsBlock(elements=elements)


# -- the quiz --------------------------------------------------------------------------------


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


# -- where the person stands -----------------------------------------------------------------


def overview_message(overview: OnboardingOverview) -> Message:
    progress = overview.progress
    blocks: list[Block] = [header(_("Your onboarding: {map}").format(map=overview.map_title))]
    if overview.notice:
        emoji = ":trophy: " if overview.score else ""
        blocks.append(section(emoji + escape_keeping_mentions(overview.notice)))
    blocks.append(section("\n".join(_part_lines(progress))))
    if progress.complete:
        blocks.append(context(":tada: " + _("Onboarding complete: welcome aboard.")))
    blocks.append(_next_buttons(progress))
    text = (overview.notice + " " if overview.notice else "") + " · ".join(_parts(progress))
    return Message(text=text, blocks=blocks)


def _part_lines(progress: RepProgress) -> list[str]:
    names = [_("Tour of the map"), _("Quiz"), _("Practice deal")]
    return [
        f"{n}. {bold(name)}: {part}"
        for n, (name, part) in enumerate(zip(names, _parts(progress), strict=True), start=1)
    ]


def _parts(progress: RepProgress) -> list[str]:
    return [_tour_part(progress), _quiz_part(progress), _practice_part(progress)]


def _tour_part(progress: RepProgress) -> str:
    if progress.tour_done:
        return "✓ " + _("done")
    if not progress.started:
        return _("not started")
    return _("stage {number} of {total}").format(
        number=progress.tour_step + 1, total=progress.tour_total
    )


def _quiz_part(progress: RepProgress) -> str:
    parts = []
    if progress.best_score is not None and progress.best_total:
        attempts = counted(progress.quiz_attempts, _("{count} attempt"), _("{count} attempts"))
        best = _("best {score} of {total}").format(
            score=progress.best_score, total=progress.best_total
        )
        parts.append(f"{best} ({attempts})")
    if progress.quiz_open:
        parts.append(_("one under way"))
    return ", ".join(parts) or _("not taken")


def _practice_part(progress: RepProgress) -> str:
    if progress.practice_done:
        return "✓ " + _("won")
    if progress.practice_deal_id is None:
        return _("not started")
    return _("in {stage} (#{id})").format(
        stage=progress.practice_stage or "?", id=progress.practice_deal_id
    )


def _next_buttons(progress: RepProgress) -> ActionsBlock:
    if progress.tour_done:
        tour = button(_("Tour again"), action_id=ActionId.TOUR_NEXT, value="0")
    else:
        step = str(progress.tour_step)
        tour = button(_("Continue the tour"), action_id=ActionId.TOUR_NEXT, value=step)
    quiz_label = (
        _("Continue the quiz")
        if progress.quiz_open
        else (_("Retake the quiz") if progress.quiz_attempts else _("Start the quiz"))
    )
    practice_label = (
        _("Open the practice deal") if progress.practice_deal_id else _("Start a practice deal")
    )
    return ActionsBlock(
        elements=[
            tour,
            button(quiz_label, action_id=ActionId.QUIZ_START, value="start", style="primary"),
            button(practice_label, action_id=ActionId.PRACTICE, value="open"),
        ]
    )


def status_blocks(rows: list[RepProgress]) -> list[Block]:
    """One line per person, packed into sections (App Home reuses them)."""
    lines = [_status_line(row) for row in rows]
    chunks = [lines[i : i + STATUS_LINES] for i in range(0, len(lines), STATUS_LINES)]
    blocks: list[Block] = [section("\n".join(chunk)) for chunk in chunks[:STATUS_SECTIONS]]
    shown = STATUS_LINES * STATUS_SECTIONS
    if len(lines) > shown:
        blocks.append(context(_("and {count} more").format(count=len(lines) - shown)))
    return blocks


def _status_line(row: RepProgress) -> str:
    if not row.started:
        parts = [_("not started: /deal onboard @them sends the tour")]
    else:
        labels = [_("tour"), _("quiz"), _("practice")]
        parts = [f"{label} {part}" for label, part in zip(labels, _parts(row), strict=True)]
    done = " :tada:" if row.complete else ""
    return f"<@{row.user_id}>{done} — " + " · ".join(parts)


def status_message(status: OnboardingStatus) -> Message:
    blocks: list[Block] = [header(status.title)]
    if not status.rows:
        blocks.append(section(_("Nobody has started onboarding yet.")))
        blocks.append(context(_("Send a new rep the tour: /deal onboard @name")))
        return Message(text=status.title, blocks=blocks)
    blocks += status_blocks(status.rows)
    done = sum(row.complete for row in status.rows)
    summary = _("{done} of {count} done").format(done=done, count=len(status.rows))
    blocks.append(context(summary))
    return Message(text=f"{status.title}: {summary}", blocks=blocks)


def delivery_message(delivery: Delivery) -> Message:
    """What the person who typed `/deal onboard` sees; the content goes to the DM."""
    return Message(text=delivery.note, blocks=[section(escape_keeping_mentions(delivery.note))])
