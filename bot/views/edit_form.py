"""The edit form (`/deal edit` with nothing to change): the deal's name, amount, currency,
owner and expected close date, each filled in as the deal has it; and reading it back."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, DatePickerElement, PlainTextObject, UserSelectElement
from slack_sdk.models.views import View

from bot.core.outcomes import DealCard
from bot.deals.editing import DealEdit
from bot.views.form_parts import NAME_LENGTH, deal_line, field, modal, text_input
from bot.views.ids import BlockId, CallbackId
from bot.views.modal_state import read_input
from flows.i18n import _


def edit_modal(card: DealCard, *, private_metadata: str) -> View:
    amount = f"{card.amount:,.2f}".removesuffix(".00") if card.amount is not None else None
    close = card.expected_close.isoformat() if card.expected_close else None
    blocks: list[Block] = [
        deal_line(card),
        field(BlockId.NAME, _("Deal name"), text_input(initial=card.name, max_length=NAME_LENGTH)),
        field(
            BlockId.AMOUNT,
            _("Amount"),
            text_input(placeholder="50k", initial=amount, max_length=40),
            optional=True,
            hint=_("e.g. 65k, $1.2m, 20000 EUR"),
        ),
        field(
            BlockId.CURRENCY,
            _("Currency"),
            text_input(initial=card.currency, max_length=3),
            hint=_("three letters, e.g. USD, EUR, GBP"),
        ),
        field(BlockId.OWNER, _("Owner"), UserSelectElement(initial_user=card.owner_id)),
        field(
            BlockId.DATE,
            _("Expected close"),
            DatePickerElement(
                initial_date=close, placeholder=PlainTextObject(text=_("Pick a date"))
            ),
            optional=True,
        ),
    ]
    return modal(
        title=_("Edit deal"),
        submit=_("Save"),
        callback_id=CallbackId.EDIT,
        private_metadata=private_metadata,
        blocks=blocks,
    )


def read_edit(view_state: object) -> DealEdit:
    """What the form holds; a field left blank is left as it is (the use case changes only
    what differs from the deal)."""
    return DealEdit(
        name=read_input(view_state, BlockId.NAME),
        amount=read_input(view_state, BlockId.AMOUNT),
        currency=read_input(view_state, BlockId.CURRENCY),
        owner_id=read_input(view_state, BlockId.OWNER),
        close=read_input(view_state, BlockId.DATE),
    )
