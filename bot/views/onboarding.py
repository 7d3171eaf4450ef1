"""Onboarding messages: the overview of the three parts, a manager's status list, and the
note a `/deal onboard` answers with; and what the tour's and the quiz's buttons carry (the
tour step is bot.views.tour, a quiz question bot.views.quiz).

The tour and the quiz live in the app's DM: normal messages, which the app updates in
place. Buttons carry what they lead to (the step; the attempt, question and choice), so a
click on an old message still does what its label says.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from slack_sdk.models.blocks import ActionsBlock, Block

from bot.onboarding.outcomes import (
    Delivery,
    DirectNote,
    OnboardingOverview,
    OnboardingStatus,
    RepProgress,
)
from bot.views.blocks import button, context, header, section
from bot.views.counts import counted
from bot.views.ids import ActionId
from bot.views.message import Message
from bot.views.mrkdwn import bold, escape_keeping_mentions
from flows.i18n import _

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
        attempts = counted(progress.quiz_attempts, "{count} attempt", "{count} attempts")
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


def direct_note(note: DirectNote) -> Message:
    """A line to someone's DM (the admins told who joined a team)."""
    return Message(text=note.text, blocks=[section(escape_keeping_mentions(note.text))])
