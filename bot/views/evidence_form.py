"""The evidence form: one input per exit item that asks for a value, the Slack input the
map's evidence type calls for (a number box, a date picker, a people menu, a URL box, a
menu of the choices), holding what is recorded.

Opened from the card's "Add evidence" button it lists every such item; opened because
someone ticked items that need a value, it lists just those. An item is ticked only with
its value, so the field of a required item (or of an item just ticked) is required.
"""

from __future__ import annotations

from collections.abc import Collection

from slack_sdk.models.blocks import (
    Block,
    DatePickerElement,
    InputBlock,
    InputInteractiveElement,
    NumberInputElement,
    PlainTextObject,
    StaticSelectElement,
    UrlInputElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.core.outcomes import DealCard
from bot.core.slack_ids import user_id
from bot.deals.evidence_values import read_evidence_value
from bot.views import limits
from bot.views.blocks import section
from bot.views.form_parts import deal_line, field, modal, options_of, text_input
from bot.views.ids import BlockId, CallbackId
from bot.views.mrkdwn import clip, escape
from flows.i18n import _
from flows.schema import Evidence, EvidenceType, ExitItem


def evidence_modal(
    card: DealCard, *, private_metadata: str, items: Collection[str] | None = None
) -> View:
    """The form for `items` (ids), or for every item of the stage that asks for evidence."""
    inputs: list[Block] = []
    for number, item in enumerate(card.stage.exit, start=1):
        if item.evidence is None or (items is not None and item.id not in items):
            continue
        recorded = card.ticked.get(item.id)
        inputs.append(
            _evidence_field(
                number,
                item,
                item.evidence,
                recorded.evidence if recorded else None,
                required=item.required or items is not None,
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


def _evidence_field(
    number: int, item: ExitItem, evidence: Evidence, recorded: str | None, *, required: bool
) -> InputBlock:
    return field(
        f"{BlockId.EVIDENCE_PREFIX}{item.id}",
        f"{number}. {evidence.prompt}",
        evidence_input(evidence, recorded),
        optional=not required,
        hint=item.text,
    )


def evidence_input(evidence: Evidence, recorded: str | None) -> InputInteractiveElement:
    """The Slack input for this type of evidence, holding the recorded value (unless the
    map retyped the item since: Slack refuses a date picker that starts on "soon")."""
    kind = evidence.type
    if recorded is not None and read_evidence_value(evidence, recorded) != recorded:
        recorded = None
    if kind is EvidenceType.NUMBER:
        return NumberInputElement(is_decimal_allowed=True, initial_value=recorded)
    if kind is EvidenceType.DATE:
        return DatePickerElement(initial_date=recorded)
    if kind is EvidenceType.PERSON:
        return UserSelectElement(initial_user=user_id(recorded or ""))
    if kind is EvidenceType.URL:
        return UrlInputElement(initial_value=recorded)
    if kind is EvidenceType.CHOICE:
        return _choice_menu(evidence, recorded)
    placeholder = "50k" if kind is EvidenceType.MONEY else None
    return text_input(initial=recorded, placeholder=placeholder)


def _choice_menu(evidence: Evidence, recorded: str | None) -> StaticSelectElement:
    # The option's value is the map's own spelling: what the use case reads back.
    options = options_of([(option, option) for option in evidence.options])
    initial = next((o for o in options if o.value == recorded), None)
    return StaticSelectElement(
        placeholder=PlainTextObject(text=clip(_("Pick one"), limits.PLACEHOLDER)),
        options=options,
        initial_option=initial,
    )
