"""Failures: what was wrong and what would be right, short enough for an ephemeral reply."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.core.outcomes import Ambiguous, Blocked, Failure, NotFound, Stale
from bot.views.blocks import context, section
from bot.views.card import card_blocks, card_text, change_blocks
from bot.views.deal_rows import row_block
from bot.views.limits import SECTION_TEXT
from bot.views.message import Message
from bot.views.mrkdwn import bullets, clip, escape, escape_keeping_mentions
from flows.i18n import _

MAX_CANDIDATES = 10


def failure_text(failure: Failure) -> str:
    """ "<message>. Try: <hint>": the whole failure in one line.

    Clipped like the blocks are: a message may quote what the user typed, of any length,
    and Slack refuses a message text over 40,000 characters."""
    hint = f" {_('Try:')} {clip(failure.hint, SECTION_TEXT)}" if failure.hint else ""
    return f"{clip(failure.message, SECTION_TEXT)}{hint}"


def failure_blocks(failure: Failure, *, emoji: str = ":x:") -> list[Block]:
    blocks: list[Block] = [section(f"{emoji} {escape_keeping_mentions(failure.message)}")]
    if failure.hint:
        blocks.append(context(f"{_('Try:')} {escape_keeping_mentions(failure.hint)}"))
    return blocks


def failure_message(failure: Failure) -> Message:
    return Message(text=failure_text(failure), blocks=failure_blocks(failure))


def ambiguous_message(failure: Ambiguous) -> Message:
    rows = failure.candidates[:MAX_CANDIDATES]
    blocks = failure_blocks(failure, emoji=":mag:") + [row_block(row) for row in rows]
    if len(failure.candidates) > len(rows):
        more = len(failure.candidates) - len(rows)
        blocks.append(context(_("and {count} more: type more of the name").format(count=more)))
    return Message(text=failure_text(failure), blocks=blocks)


def not_found_message(failure: NotFound) -> Message:
    blocks = failure_blocks(failure, emoji=":mag:")
    if failure.suggestions:
        did_you_mean = _("Did you mean: {names}?").format(names=", ".join(failure.suggestions[:10]))
        blocks.append(context(escape(did_you_mean)))
    return Message(text=failure_text(failure), blocks=blocks)


def blocked_message(failure: Blocked) -> Message:
    """Cannot advance: the card with exactly the open items called out."""
    missing = failure.missing or (failure.card.missing if failure.card else [])
    if failure.card is None:
        blocks = failure_blocks(failure)
        if missing:
            blocks.append(section(bullets(escape(item.text) for item in missing)))
        return Message(text=failure_text(failure), blocks=blocks)
    notice = "⛔ " + failure.message
    blocks = change_blocks(failure.card, notice, missing)
    if failure.hint:
        blocks.append(context(f"{_('Try:')} {escape(failure.hint)}"))
    return Message(text=card_text(failure.card, notice=notice), blocks=blocks)


def stale_message(failure: Stale) -> Message:
    """The deal moved while the click was on its way: say so, and show where it is now."""
    notice = "🔄 " + (failure.message or _("This deal just moved; here is where it is now."))
    if failure.card is None:
        return Message(text=failure_text(failure), blocks=failure_blocks(failure, emoji="🔄"))
    blocks = card_blocks(failure.card, notice)
    if failure.hint:
        blocks.append(context(f"{_('Try:')} {escape(failure.hint)}"))
    return Message(text=card_text(failure.card, notice=notice), blocks=blocks)
