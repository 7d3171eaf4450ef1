"""A step of the onboarding tour: one stage of the map, what it means, where it leads, and
buttons that carry the step they lead to (bot.views.onboarding.parse_step reads them)."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, InteractiveElement

from bot.onboarding.outcomes import TourShown
from bot.onboarding.tour import TourStep
from bot.views import limits
from bot.views.blocks import button, context, header, section
from bot.views.ids import ActionId
from bot.views.message import Message
from bot.views.mrkdwn import bold, bullets, escape, escape_keeping_mentions, join_clipped, quote
from flows.i18n import _
from flows.schema import Stage, StageKind


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
