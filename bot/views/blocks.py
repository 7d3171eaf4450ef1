"""One-line constructors for the blocks the views use, each clipped to Slack's limits."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.views import limits
from bot.views.mrkdwn import clip


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=PlainTextObject(text=clip(text, limits.HEADER_TEXT), emoji=True))


def section(
    text: str, *, accessory: ButtonElement | None = None, block_id: str | None = None
) -> SectionBlock:
    return SectionBlock(
        text=MarkdownTextObject(text=clip(text, limits.SECTION_TEXT)),
        accessory=accessory,
        block_id=block_id,
    )


def fields(pairs: Sequence[tuple[str, str]]) -> SectionBlock:
    """A two-column section: each field is a bold label over its value."""
    return SectionBlock(
        fields=[
            MarkdownTextObject(text=clip(f"*{label}*\n{value}", limits.FIELD_TEXT))
            for label, value in pairs[:10]
        ]
    )


def context(*texts: str) -> ContextBlock:
    return ContextBlock(
        elements=[
            MarkdownTextObject(text=clip(text, limits.CONTEXT_TEXT)) for text in texts[:10] if text
        ]
    )


def divider() -> DividerBlock:
    return DividerBlock()


def button(
    text: str, *, action_id: str, value: str | None = None, style: str | None = None
) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(text=clip(text, limits.BUTTON_TEXT), emoji=True),
        action_id=action_id,
        value=value,
        style=style,
    )
