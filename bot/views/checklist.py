"""The exit checklist of a stage card: one checkbox group, numbered as `/deal tick` counts."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    CheckboxesElement,
    InteractiveElement,
    MarkdownTextObject,
    PlainTextObject,
    TextObject,
)
from slack_sdk.models.blocks.basic_components import Option

from bot.core.outcomes import DealCard, TickInfo
from bot.core.slack_ids import user_id
from bot.views import limits
from bot.views.approval_notes import approval_short, approvals_said, waits_for_approval
from bot.views.blocks import button, context, section
from bot.views.counts import counted
from bot.views.ids import ActionId, DealRef, checklist_block_id
from bot.views.mrkdwn import (
    bold,
    clip,
    clip_escaped,
    escape,
    escape_keeping_mentions,
    mention,
)
from flows.i18n import _
from flows.schema import ExitItem


def item_label(number: int, item: ExitItem) -> str:
    return f"{number}. {item.text}"


def item_note(item: ExitItem, card: DealCard) -> str | None:
    """What the checkbox says under the item: optional, and the evidence it needs or has."""
    notes = [] if item.required else [_("optional")]
    recorded = card.ticked.get(item.id)
    if item.validate_by is not None:  # first: the evidence may fill the line's 75 characters
        notes.append(_validation_note(recorded))
    if item.approval is not None and (approval := card.approvals.get(item.id)) is not None:
        notes.append(approval_short(approval))
    if item.evidence:
        value = recorded.evidence if recorded else None
        notes.append(
            f"{item.evidence.prompt}: {value}"
            if value
            else _("needed: {prompt}").format(prompt=item.evidence.prompt)
        )
    elif recorded and recorded.evidence:  # given unasked: a message saved as evidence
        notes.append(recorded.evidence)
    return " · ".join(notes) or None


def _validation_note(recorded: TickInfo | None) -> str:
    if recorded is None:
        return _("a manager validates it")
    if recorded.validated_by is None:
        return "⏳ " + _("awaiting validation")
    return "☑️ " + _("validated")


def _option(number: int, item: ExitItem, card: DealCard) -> Option:
    return Option(
        text=PlainTextObject(text=clip(item_label(number, item), limits.OPTION_TEXT)),
        value=item.id,
        description=_description(item, card),
    )


def _description(item: ExitItem, card: DealCard) -> TextObject | None:
    note = item_note(item, card)
    if note is None:
        return None
    recorded = card.ticked.get(item.id)
    value = (recorded.evidence if recorded and item.evidence else None) or ""  # as item_note
    person = user_id(value) if value.startswith("<@") else None  # "USA" is no one's id
    if person is None:
        return PlainTextObject(text=clip(note, limits.OPTION_TEXT))
    # A person's evidence is a mention: plain text would show it as `<@U…>`, mrkdwn shows
    # the name. The value ends the note (item_note); the rest is escaped to stay text.
    shown = mention(person)
    head = note.removesuffix(value)
    return MarkdownTextObject(text=clip_escaped(head, limits.OPTION_TEXT - len(shown)) + shown)


def checklist_status(card: DealCard) -> str:
    required = sum(1 for item in card.stage.exit if item.required)
    if not card.missing:
        return _("every required item done")
    status = _("{open} of {required} open").format(
        open=len(card.missing),
        required=counted(required, "{count} required item", "{count} required items"),
    )
    awaiting = sum(1 for item in card.awaiting if item.required)
    if awaiting:
        status += " " + _("({count} of them awaiting validation)").format(count=awaiting)
    return status


def checklist_blocks(card: DealCard) -> list[Block]:
    """Title, then the checkboxes (with "Add evidence" beside them when an item asks for it)."""
    items = card.stage.exit[: limits.CHECKBOX_OPTIONS]
    if not items:
        return []
    options = [_option(number, item, card) for number, item in enumerate(items, start=1)]
    # An item waiting for approval shows ticked: unticking it withdraws the request.
    ticked = [
        option
        for option, item in zip(options, items, strict=True)
        if item.id in card.ticked or waits_for_approval(card, item.id)
    ]
    elements: list[InteractiveElement] = [
        CheckboxesElement(
            action_id=ActionId.EXIT_ITEMS, options=options, initial_options=ticked or None
        )
    ]
    ref = DealRef(deal_id=card.deal_id, stage=card.stage.id)
    if any(item.evidence for item in items):
        elements.append(button(_("Add evidence"), action_id=ActionId.EVIDENCE, value=ref.dumps()))
    title = f"{bold(_('Exit checklist'))} · {escape(checklist_status(card))}"
    # A checkbox payload has no button value (and no message when the card is ephemeral):
    # the block id names the deal and the stage the user saw.
    block = ActionsBlock(block_id=checklist_block_id(ref), elements=elements)
    in_full = items_in_full(card, items)
    said = approvals_said(card)
    return [
        section(title),
        block,
        *([context(said)] if said else []),
        *([context(in_full)] if in_full else []),
    ]


def items_in_full(card: DealCard, items: Sequence[ExitItem]) -> str | None:
    """The items a checkbox shows cut short, whole: Slack holds an option's text and its
    description to 75 characters each, and a rep must be able to read what they tick."""
    lines = []
    for number, item in enumerate(items, start=1):
        label, note = item_label(number, item), item_note(item, card)
        long_note = note is not None and len(note) > limits.OPTION_TEXT
        if len(label) > limits.OPTION_TEXT or long_note:
            lines.append(f"{label} ({note})" if long_note else label)
    if not lines:
        return None
    said = _("In full: {items}").format(items="\n".join(lines))
    return clip_escaped(said, limits.CONTEXT_TEXT, escaper=escape_keeping_mentions)


def open_items_text(card: DealCard, items: Sequence[ExitItem]) -> str:
    """ ":warning: *Still open:* 1. …, 3. …", numbered as on the checklist."""
    numbers = {item.id: number for number, item in enumerate(card.stage.exit, start=1)}
    listed = "\n".join(f"{numbers.get(item.id, '?')}. {escape(item.text)}" for item in items)
    return f":warning: {bold(_('Still open:'))}\n{listed}"
