"""The DM an owner gets when someone else changed their deal: who, what, and why, one
line per change (several changes that came together are one DM: bot/slack/owner_notices.py)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.deals.outcomes import Edited, Moved, Ticked
from bot.deals.owner_notices import Told
from bot.views.blocks import context, section
from bot.views.edits import edited_changes
from bot.views.message import Message
from bot.views.mrkdwn import bold, bullets, escape, escape_keeping_mentions
from bot.views.notices import moved_notice
from flows.i18n import _


def owner_notice_message(actor_id: str, changes: Sequence[Told]) -> Message:
    """`changes`: the same deal's, by the same person, oldest first (never empty)."""
    card = changes[-1].card
    head = _("<@{actor}> changed your deal {name} (#{deal}):").format(
        actor=actor_id, name=bold(escape(card.name)), deal=card.deal_id
    )
    lines = [line for change in changes for line in change_lines(change)]
    text = "\n".join([head, *lines])
    hint = _("/deal show #{deal} for the card, /deal history #{deal} for every change").format(
        deal=card.deal_id
    )
    return Message(text=text, blocks=[section(f"{head}\n{bullets(lines)}"), context(escape(hint))])


def change_lines(change: Told) -> list[str]:
    if isinstance(change, Edited):
        return edited_changes(change)
    if isinstance(change, Moved):
        return [escape_keeping_mentions(moved_notice(change))]
    return _tick_lines(change)


def _tick_lines(ticked: Ticked) -> list[str]:
    stage = ticked.card.stage

    def text(item_id: str) -> str:
        item = stage.item(item_id)
        return escape(item.text if item else item_id)

    lines = [_("ticked “{item}”").format(item=text(i)) for i in ticked.ticked]
    return lines + [_("unticked “{item}”").format(item=text(i)) for i in ticked.unticked]
