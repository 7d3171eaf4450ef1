"""Manager validation (`validate: manager`): the DM that asks a validator, the form to
send an item back, the cards after Validate or Send back, and the DM that tells the owner
what was sent back."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block
from slack_sdk.models.views import View

from bot.core.outcomes import DealCard
from bot.core.slack_ids import user_id
from bot.deals.outcomes import SentBack, Ticked, Validated
from bot.deals.validating import evidence_mark
from bot.views.blocks import button, context, section
from bot.views.card import change_card
from bot.views.form_parts import deal_line, field, modal, text_input
from bot.views.ids import ActionId, BlockId, CallbackId, ValidationRef
from bot.views.message import Message
from bot.views.mrkdwn import bold, escape, mention
from bot.views.notices import item_numbers
from flows.i18n import _
from flows.schema import EvidenceType, ExitItem


def validation_requests(ticked: Ticked, owner_id: str) -> list[Message]:
    """The DMs to a validator, one per item waiting (each answered on its own): the item,
    its evidence, Validate and Send back."""
    card = ticked.card
    found = []
    for item_id in ticked.to_validate:
        item = card.stage.item(item_id)
        if item is None:
            continue
        intro = _("<@{owner}> ticked this on {name} ({stage}); it counts once you validate it:")
        said = intro.format(
            owner=owner_id, name=bold(escape(card.name)), stage=escape(card.stage.name)
        )
        text = _("{name}: {item} awaits your validation").format(name=card.name, item=item.text)
        found.append(Message(text=text, blocks=[section(said), *_item_blocks(card, item)]))
    return found


def _item_blocks(card: DealCard, item: ExitItem) -> list[Block]:
    number = card.stage.exit.index(item) + 1
    tick = card.ticked.get(item.id)
    evidence = tick.evidence if tick else None
    lines = [bold(f"{number}. {escape(item.text)}")]
    if item.evidence is not None:
        lines.append(f"{escape(item.evidence.prompt)}: {_value(item, evidence)}")
    ref = ValidationRef(card.deal_id, card.stage.id, item.id, evidence_mark(evidence))
    actions = ActionsBlock(
        block_id=f"validate|{card.deal_id}|{item.id}",
        elements=[
            button(_("Validate"), action_id=ActionId.VALIDATE, value=ref.dumps(), style="primary"),
            button(_("Send back"), action_id=ActionId.SEND_BACK, value=ref.dumps()),
        ],
    )
    return [section("\n".join(lines)), actions]


def _value(item: ExitItem, evidence: str | None) -> str:
    """The value as the validator should see it: a person as a live mention."""
    person = (
        user_id(evidence or "")
        if item.evidence and item.evidence.type is EvidenceType.PERSON
        else None
    )
    return mention(person) if person else escape(evidence or "—")


def send_back_modal(card: DealCard, item_id: str, *, private_metadata: str) -> View:
    item = card.stage.item(item_id)
    said = item.text if item else item_id
    return modal(
        title=_("Send back"),
        submit=_("Send back"),
        callback_id=CallbackId.SEND_BACK,
        private_metadata=private_metadata,
        blocks=[
            deal_line(card),
            section(escape(said)),
            field(
                BlockId.REASON,
                _("What is missing"),
                text_input(placeholder=_("The budget is the buyer's guess, not the CFO's")),
                hint=_("The owner is told, and the item is unticked until they tick it again."),
            ),
        ],
    )


def validated_message(outcome: Validated) -> Message:
    notice = "☑️ " + _("Validated {items}.").format(
        items=item_numbers(outcome.card.stage, [outcome.item_id])
    )
    return change_card(outcome.card, notice=notice)


def sent_back_message(outcome: SentBack) -> Message:
    notice = "↩️ " + _("Sent back {items}: {reason}").format(
        items=item_numbers(outcome.card.stage, [outcome.item_id]), reason=outcome.reason
    )
    return change_card(outcome.card, notice=notice)


def sent_back_notice(outcome: SentBack, by: str) -> Message:
    """The DM to the owner: what was sent back, why, and how to tick it again."""
    card, number = outcome.card, item_numbers(outcome.card.stage, [outcome.item_id])
    item = card.stage.item(outcome.item_id)
    said = _("<@{by}> sent back {number}. {item} on {name}: {reason}").format(
        by=by,
        number=number,
        item=escape(item.text if item else outcome.item_id),
        name=bold(escape(card.name)),
        reason=escape(outcome.reason),
    )
    hint = _("Tick it again with what is missing: /deal tick #{deal} {number}").format(
        deal=card.deal_id, number=number
    )
    return Message(text=said, blocks=[section("↩️ " + said), context(escape(hint))])
