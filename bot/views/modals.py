"""Modals: the branch forms (lose, disqualify, nurture, reopen, override), a new deal, and
evidence for the checklist. The caller passes `private_metadata` (which deal, where to
answer); the readers of what was submitted live in `bot.views.modal_state` and are
re-exported here."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, DatePickerElement, PlainTextObject
from slack_sdk.models.views import View

from bot.core.outcomes import DealCard
from bot.views.blocks import context, section
from bot.views.branch_forms import BRANCH_FORMS
from bot.views.evidence_form import evidence_modal
from bot.views.form_parts import NAME_LENGTH, deal_line, field, modal, text_input
from bot.views.ids import BlockId, CallbackId
from bot.views.modal_state import read_branch, read_evidence, read_new_deal
from bot.views.more_menu import MENU_LABELS
from bot.views.mrkdwn import escape
from flows.i18n import N_, _
from flows.machine import Move

__all__ = ["branch_modal", "evidence_modal", "new_deal_modal"]
__all__ += ["read_branch", "read_evidence", "read_new_deal"]


def branch_modal(
    card: DealCard, move: Move, *, private_metadata: str, reopen_to: str | None = None
) -> View:
    """The form for `move` on this card's deal; a "not available" note when the stage does
    not allow it (the card the user clicked may be older than the deal)."""
    build = BRANCH_FORMS.get(move)
    if build is None or card.move(move) is None or (move is Move.OVERRIDE and not card.missing):
        return _unavailable(card, move, private_metadata=private_metadata)
    form = build(card, reopen_to)
    return modal(
        title=form.title,
        submit=form.submit,
        callback_id=form.callback_id,
        private_metadata=private_metadata,
        blocks=[deal_line(card), *form.blocks],
    )


def _unavailable(card: DealCard, move: Move, *, private_metadata: str) -> View:
    said = _("{name} is in {stage}, where “{move}” is not possible.").format(
        name=card.name, stage=card.stage.name, move=_(_BUTTONS[move])
    )
    return modal(
        title=_("Not available"),
        callback_id=None,
        private_metadata=private_metadata,
        blocks=[section(escape(said)), context(escape(_("Run /deal show for the current card.")))],
        submit=None,
    )


# -- new deal --------------------------------------------------------------------


def new_deal_modal(*, private_metadata: str) -> View:
    blocks: list[Block] = [
        field(
            BlockId.NAME,
            _("Deal name"),
            text_input(placeholder=_("Acme Corp"), max_length=NAME_LENGTH),
        ),
        field(
            BlockId.AMOUNT,
            _("Amount"),
            text_input(placeholder="50k", max_length=40),
            optional=True,
            hint=_("e.g. 50k, $1.2m, 20000 EUR"),
        ),
        field(BlockId.COMPANY, _("Company"), text_input(max_length=NAME_LENGTH), optional=True),
        field(
            BlockId.DATE,
            _("Expected close"),
            DatePickerElement(placeholder=PlainTextObject(text=_("Pick a date"))),
            optional=True,
        ),
    ]
    return modal(
        title=_("New deal"),
        submit=_("Create"),
        callback_id=CallbackId.NEW_DEAL,
        private_metadata=private_metadata,
        blocks=blocks,
    )


# The labels of the buttons and menu entries that open these forms, quoted as the user saw
# them (the menu's are bot/views/more_menu.py's); the move's value is the English a user types.
_BUTTONS = {**MENU_LABELS, Move.ADVANCE: N_("Advance"), Move.REOPEN: N_("Reopen")}
