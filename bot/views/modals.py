"""Modals: the branch forms (lose, disqualify, nurture, reopen, override), a new deal, and
evidence for the checklist. The caller passes `private_metadata` (which deal, where to
answer); the readers of what was submitted live in `bot.views.modal_state`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    Block,
    DatePickerElement,
    InputBlock,
    InputInteractiveElement,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.blocks.basic_components import Option
from slack_sdk.models.views import View

from bot.usecases.outcomes import DealCard
from bot.views import limits
from bot.views.blocks import context, section
from bot.views.checklist import open_items_text
from bot.views.ids import BlockId, CallbackId
from bot.views.modal_state import read_branch, read_evidence, read_new_deal
from bot.views.mrkdwn import bold, clip, escape
from flows.i18n import _
from flows.machine import Move

__all__ = ["branch_modal", "evidence_modal", "new_deal_modal"]
__all__ += ["read_branch", "read_evidence", "read_new_deal"]

MAX_TEXT = 500  # what the use cases accept for a reason, a note or an evidence value
NAME_LENGTH = 120  # storage.models.Deal.name


@dataclass(frozen=True, slots=True)
class Form:
    title: str
    submit: str
    callback_id: CallbackId
    blocks: list[Block]


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


# -- the branch forms -------------------------------------------------------------------------


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
        name=card.name, stage=card.stage.name, move=move.value
    )
    return modal(
        title=_("Not available"),
        callback_id=None,
        private_metadata=private_metadata,
        blocks=[section(escape(said)), context(escape(_("Run /deal show for the current card.")))],
        submit=None,
    )


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
        blocks=[
            field(BlockId.REASON, _("Why was it lost?"), element, hint=hint),
            field(
                BlockId.NOTE, _("Note"), text_input(multiline=True, max_length=400), optional=True
            ),
        ],
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
        blocks=[
            field(BlockId.DATE, _("Re-engage on"), picker, hint=hint),
            field(
                BlockId.NOTE, _("Note"), text_input(multiline=True, max_length=400), optional=True
            ),
        ],
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


BRANCH_FORMS: dict[Move, Callable[[DealCard, str | None], Form]] = {
    Move.LOSE: _lose,
    Move.DISQUALIFY: _disqualify,
    Move.NURTURE: _nurture,
    Move.REOPEN: _reopen,
    Move.OVERRIDE: _override,
}


# -- new deal and evidence --------------------------------------------------------------------


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
    ]
    return modal(
        title=_("New deal"),
        submit=_("Create"),
        callback_id=CallbackId.NEW_DEAL,
        private_metadata=private_metadata,
        blocks=blocks,
    )


def evidence_modal(card: DealCard, *, private_metadata: str) -> View:
    """One optional input per item that asks for evidence, holding what is recorded."""
    inputs: list[Block] = []
    for number, item in enumerate(card.stage.exit, start=1):
        if item.evidence is None:
            continue
        recorded = card.ticked.get(item.id)
        element = text_input(initial=recorded.evidence if recorded else None)
        label = f"{number}. {item.evidence}"
        inputs.append(
            field(
                f"{BlockId.EVIDENCE_PREFIX}{item.id}", label, element, optional=True, hint=item.text
            )
        )
    if not inputs:
        inputs = [section(escape(_("No exit item of this stage asks for evidence.")))]
    has_inputs = any(isinstance(block, InputBlock) for block in inputs)
    return modal(
        title=_("Add evidence"),
        submit=_("Save") if has_inputs else None,
        callback_id=CallbackId.EVIDENCE,
        private_metadata=private_metadata,
        blocks=[deal_line(card), *inputs],
    )
