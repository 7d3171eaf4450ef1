"""The parts modals are built from: the modal itself, input fields, text inputs, options."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    InputBlock,
    InputInteractiveElement,
    PlainTextInputElement,
    PlainTextObject,
)
from slack_sdk.models.blocks.basic_components import Option
from slack_sdk.models.views import View

from bot.core.outcomes import DealCard
from bot.views import limits
from bot.views.blocks import section
from bot.views.mrkdwn import bold, clip, escape
from flows.i18n import _

MAX_TEXT = 500  # what the use cases accept for a reason, a note or an evidence value
NAME_LENGTH = 120  # storage.models.Deal.name


def modal(
    *,
    title: str,
    callback_id: str | None,
    private_metadata: str,
    blocks: list[Block],
    submit: str | None,
) -> View:
    return View(
        type="modal",
        callback_id=callback_id,
        title=PlainTextObject(text=clip(title, limits.MODAL_TITLE)),
        submit=PlainTextObject(text=clip(submit, limits.MODAL_TITLE)) if submit else None,
        close=PlainTextObject(text=clip(_("Cancel"), limits.MODAL_TITLE)),
        private_metadata=private_metadata,
        blocks=blocks,
    )


def field(
    block_id: str,
    label: str,
    element: InputInteractiveElement,
    *,
    optional: bool = False,
    hint: str | None = None,
) -> InputBlock:
    """An input block whose element answers under the block's own id."""
    element.action_id = block_id
    return InputBlock(
        block_id=block_id,
        label=PlainTextObject(text=clip(label, limits.INPUT_LABEL)),
        element=element,
        optional=optional,
        hint=PlainTextObject(text=clip(hint, limits.INPUT_LABEL)) if hint else None,
    )


def text_input(
    *,
    placeholder: str | None = None,
    multiline: bool = False,
    initial: str | None = None,
    max_length: int = MAX_TEXT,
) -> PlainTextInputElement:
    return PlainTextInputElement(
        placeholder=PlainTextObject(text=clip(placeholder, limits.PLACEHOLDER))
        if placeholder
        else None,
        multiline=multiline,
        initial_value=clip(initial, max_length) if initial else None,
        max_length=max_length,
    )


def options_of(pairs: list[tuple[str, str]]) -> list[Option]:
    """(value, label) pairs as select options, within Slack's limits."""
    return [
        Option(
            value=clip(value, limits.OPTION_VALUE),
            text=PlainTextObject(text=clip(label, limits.OPTION_TEXT)),
        )
        for value, label in pairs[: limits.SELECT_OPTIONS]
    ]


def deal_line(card: DealCard) -> Block:
    return section(f"{bold(escape(card.name))} · {escape(card.stage.name)}")
