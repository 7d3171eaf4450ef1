"""Edits of a deal's facts as people read them: one line per field ("Amount: $50,000 →
$65,000"), on the card after an edit and in the deal's history."""

from __future__ import annotations

import datetime as dt

from bot.core.local_formats import number
from bot.core.outcomes import DealCard
from bot.deals.editing import read_edit_event
from bot.deals.outcomes import Edited, EditField, FieldChange, FieldValue
from bot.views.blocks import section
from bot.views.card import card_blocks, card_text
from bot.views.close_date import close_date_text
from bot.views.message import Message
from bot.views.money import format_amount
from bot.views.mrkdwn import escape, mention
from flows.i18n import _


def field_label(field: EditField) -> str:
    labels = {
        EditField.NAME: _("name"),
        EditField.AMOUNT: _("amount"),
        EditField.CURRENCY: _("currency"),
        EditField.OWNER: _("owner"),
        EditField.CLOSE: _("expected close"),
    }
    return labels[field]


def value_text(field: EditField, value: FieldValue, currency: str | None) -> str:
    """A field's value as mrkdwn (escaped, a person as a mention)."""
    if value is None:
        return _("none")
    if field is EditField.AMOUNT and isinstance(value, float | int):
        return format_amount(float(value), currency) if currency else number(float(value))
    if field is EditField.CLOSE and isinstance(value, dt.date):
        return close_date_text(value)
    if field is EditField.OWNER:
        return mention(str(value))
    return escape(str(value))


def change_line(
    change: FieldChange, currency: str | None = None, *, currency_before: str | None = None
) -> str:
    """`currency`: the deal's, for amounts (`currency_before`: what it was, if it changed
    in the same edit); None shows a bare number (the history does not know it)."""
    return _("{field}: {before} → {after}").format(
        field=field_label(change.field),
        before=value_text(change.field, change.before, currency_before or currency),
        after=value_text(change.field, change.after, currency),
    )


def edited_changes(edited: Edited) -> list[str]:
    was = next((c.before for c in edited.changes if c.field is EditField.CURRENCY), None)
    currency_before = was if isinstance(was, str) else None
    return [
        change_line(change, edited.card.currency, currency_before=currency_before)
        for change in edited.changes
    ]


def edited_notice(edited: Edited) -> str:
    return "✏️ " + _("Changed {changes}").format(changes="; ".join(edited_changes(edited)))


def edited_message(edited: Edited) -> Message:
    """The card, under what changed. The notice is mrkdwn (a new owner is a mention), so
    it goes in above the card's own blocks rather than as the card's plain notice."""
    notice = edited_notice(edited)
    blocks = card_blocks(edited.card)
    blocks.insert(1, section(notice))
    return Message(text=card_text(edited.card, notice=notice), blocks=blocks)


def edit_history_line(action: str | None, value: str | None) -> str | None:
    """The history's words for an edit event; None when the event is not one we wrote."""
    change = read_edit_event(action, value)
    if change is None:
        return None
    return _("changed the {line}").format(line=change_line(change))


def edit_form_opened(card: DealCard) -> Message:
    """What the command answers while the form opens (the shell shows it too)."""
    text = _("Editing {name}: the form is open.").format(name=card.name)
    return Message(text=text, blocks=[])
