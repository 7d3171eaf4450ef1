"""A stuck or idle deal's nudge: the owner's DM with why the deal needs attention, then its
card with the open items."""

from __future__ import annotations

from bot.core.outcomes import DealCard
from bot.views.card import stage_card
from bot.views.counts import counted
from bot.views.message import Message
from flows.i18n import _


def nudge_message(card: DealCard, *, kind: str) -> Message:
    """The owner's DM: why the deal needs attention, then its card with the open items."""
    return stage_card(card, notice=nudge_notice(card, kind=kind), highlight=card.missing)


def nudge_notice(card: DealCard, *, kind: str) -> str:
    if kind == "stuck":
        return "⏰ " + _(
            "{name} has been in {stage} for {days}; the target is {target} days."
        ).format(
            name=card.name,
            stage=card.stage.name,
            days=counted(card.days_in_stage, "{count} day", "{count} days"),
            target=card.stage.target_days,
        )
    return "💤 " + _(
        "Nothing has happened on {name} for {days}; {stage} flags deals idle after {rot} days."
    ).format(
        name=card.name,
        days=counted(card.idle_days, "{count} day", "{count} days"),
        stage=card.stage.name,
        rot=card.stage.rot_days,
    )
