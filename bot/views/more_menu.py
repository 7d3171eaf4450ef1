"""The card's "More" menu: the branch moves a stage allows, and the compact values its
options carry ("lose|42|proposal": the move's trigger, the deal id, the stage the user saw).

Option values are short by design (Slack caps an option value; we keep to 75 characters for
real maps) and are parsed strictly: a click arrives from the network, so a forged or
truncated value answers None, never an exception.
"""

from __future__ import annotations

import re

from slack_sdk.models.blocks import (
    OverflowMenuElement,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.blocks.basic_components import Option

from bot.core.outcomes import DealCard
from bot.views import limits
from bot.views.ids import ActionId, DealRef
from bot.views.mrkdwn import clip
from flows.i18n import N_, _
from flows.machine import REOPEN_PREFIX, Move, Transition

SEPARATOR = "|"
_IDENT = r"[a-z][a-z0-9_]{0,39}"  # flows.schema.Ident
_VALUE = re.compile(
    rf"(?P<trigger>lose|disqualify|nurture|override|{re.escape(REOPEN_PREFIX)}{_IDENT})"
    rf"\|(?P<deal>[1-9][0-9]{{0,17}})\|(?P<stage>{_IDENT})"
)
MENU_MOVES = (Move.LOSE, Move.NURTURE, Move.DISQUALIFY, Move.REOPEN, Move.OVERRIDE)


def menu_value(transition: Transition, *, deal_id: int) -> str:
    return SEPARATOR.join((transition.trigger, str(deal_id), transition.source))


def parse_overflow_value(text: object) -> tuple[str, DealRef] | None:
    """(trigger, deal reference) from a menu option's value; None for anything else."""
    if not isinstance(text, str) or len(text) > limits.OPTION_VALUE:
        return None
    found = _VALUE.fullmatch(text)
    if found is None:
        return None
    return found["trigger"], DealRef(deal_id=int(found["deal"]), stage=found["stage"])


def menu_transitions(card: DealCard) -> list[Transition]:
    """The moves the menu offers, in the map's order; override only while items are open."""
    branches = [t for t in card.moves if t.move in MENU_MOVES and t.move is not Move.OVERRIDE]
    override = card.move(Move.OVERRIDE)
    return branches + ([override] if override and card.missing else [])


# The menu's entries but a reopen (which names its stage), in English: translated when shown.
MENU_LABELS = {
    Move.LOSE: N_("Mark as lost"),
    Move.NURTURE: N_("Nurture (not now)"),
    Move.DISQUALIFY: N_("Disqualify"),
    Move.OVERRIDE: N_("Override gate (managers)"),
}


def menu_label(transition: Transition, card: DealCard) -> str:
    if transition.move is Move.REOPEN:
        stage = card.process_map.stage(transition.dest)
        return _("Reopen to {stage}").format(stage=stage.name)
    return _(MENU_LABELS[transition.move])


def more_menu(card: DealCard) -> OverflowMenuElement | StaticSelectElement | None:
    """An overflow menu; a select when the map allows more moves than an overflow holds."""
    options = [
        Option(
            text=PlainTextObject(text=clip(menu_label(t, card), limits.OPTION_TEXT), emoji=True),
            value=menu_value(t, deal_id=card.deal_id),
        )
        for t in menu_transitions(card)
    ]
    if not options:
        return None
    if len(options) <= limits.OVERFLOW_OPTIONS:
        return OverflowMenuElement(action_id=ActionId.MORE, options=options)
    return StaticSelectElement(
        action_id=ActionId.MORE,
        placeholder=PlainTextObject(text=_("More…")),
        options=options[: limits.SELECT_OPTIONS],
    )
