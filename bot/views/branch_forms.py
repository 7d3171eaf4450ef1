"""The forms behind the card's More menu: lose, disqualify, nurture, reopen, override."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    Block,
    DatePickerElement,
    InputInteractiveElement,
    PlainTextObject,
    StaticSelectElement,
)

from bot.core.outcomes import DealCard
from bot.views.blocks import section
from bot.views.checklist import open_items_text
from bot.views.form_parts import field, options_of, text_input
from bot.views.ids import BlockId, CallbackId
from flows.i18n import _
from flows.machine import Move


@dataclass(frozen=True, slots=True)
class Form:
    title: str
    submit: str
    callback_id: CallbackId
    blocks: list[Block]


def _lose(card: DealCard, reopen_to: str | None) -> Form:
    reasons = card.process_map.lost_reasons
    element: InputInteractiveElement = (
        StaticSelectElement(
            placeholder=PlainTextObject(text=_("Pick the main reason")),
            options=options_of([(reason, reason) for reason in reasons]),
        )
        if reasons
        else text_input(placeholder=_("e.g. chose a competitor"))
    )
    hint = _("Counted in the lost-reasons report; the deal can be reopened later.")
    return Form(
        title=_("Mark as lost"),
        submit=_("Mark lost"),
        callback_id=CallbackId.LOSE,
        blocks=[field(BlockId.REASON, _("Why was it lost?"), element, hint=hint), _note()],
    )


def _disqualify(card: DealCard, reopen_to: str | None) -> Form:
    element = text_input(
        placeholder=_("e.g. under 20 employees, outside our market"), multiline=True
    )
    return Form(
        title=_("Disqualify deal"),
        submit=_("Disqualify"),
        callback_id=CallbackId.DISQUALIFY,
        blocks=[field(BlockId.REASON, _("Why is it not a fit?"), element)],
    )


def _nurture(card: DealCard, reopen_to: str | None) -> Form:
    picker = DatePickerElement(placeholder=PlainTextObject(text=_("Pick a date")))
    hint = _("The deal waits in nurture until then; you will be reminded.")
    return Form(
        title=_("Nurture deal"),
        submit=_("Nurture"),
        callback_id=CallbackId.NURTURE,
        blocks=[field(BlockId.DATE, _("Re-engage on"), picker, hint=hint), _note()],
    )


def _reopen(card: DealCard, reopen_to: str | None) -> Form:
    targets = [t.dest for t in card.moves if t.move is Move.REOPEN]
    options = options_of([(dest, card.process_map.stage(dest).name) for dest in targets])
    initial = next((o for o in options if o.value == reopen_to), options[0])
    select = StaticSelectElement(
        placeholder=PlainTextObject(text=_("Pick a stage")), options=options, initial_option=initial
    )
    return Form(
        title=_("Reopen deal"),
        submit=_("Reopen"),
        callback_id=CallbackId.REOPEN,
        blocks=[field(BlockId.STAGE, _("Reopen to"), select)],
    )


def _override(card: DealCard, reopen_to: str | None) -> Form:
    skipped = open_items_text(card, card.missing).replace(
        _("Still open:"), _("These open items will be skipped:")
    )
    hint = _("Managers only. The reason and the skipped items are recorded and shown in digests.")
    reason = text_input(placeholder=_("e.g. the signed NDA arrives Monday"), multiline=True)
    return Form(
        title=_("Override the gate"),
        submit=_("Override"),
        callback_id=CallbackId.OVERRIDE,
        blocks=[section(skipped), field(BlockId.REASON, _("Why override?"), reason, hint=hint)],
    )


def _note() -> Block:
    """An optional free-text note beside the reason or the date, kept with the move."""
    return field(BlockId.NOTE, _("Note"), text_input(multiline=True, max_length=400), optional=True)


BRANCH_FORMS: dict[Move, Callable[[DealCard, str | None], Form]] = {
    Move.LOSE: _lose,
    Move.DISQUALIFY: _disqualify,
    Move.NURTURE: _nurture,
    Move.REOPEN: _reopen,
    Move.OVERRIDE: _override,
}
