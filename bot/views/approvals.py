"""Approvals (docs/approvals.md): the request an approver is sent (a DM, or a post in the
map's channel) with Approve and Reject, the form that asks why on Reject, the cards after
an answer, and the DM that tells the requester."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock
from slack_sdk.models.views import View

from bot.core.outcomes import DealCard
from bot.deals.outcomes import ApprovalAsked, Approved, Rejected
from bot.views.blocks import button, context, section
from bot.views.card import change_card
from bot.views.form_parts import deal_line, field, modal, text_input
from bot.views.ids import ActionId, ApprovalRef, BlockId, CallbackId
from bot.views.message import Message
from bot.views.money import format_amount
from bot.views.mrkdwn import bold, escape
from bot.views.notices import item_numbers
from flows.i18n import _


def approval_request(card: DealCard, asked: ApprovalAsked) -> Message:
    """What an approver is sent: the deal, the item and its value, Approve and Reject."""
    item = card.stage.item(asked.item_id)
    what = item.text if item else asked.item_id
    number = item_numbers(card.stage, [asked.item_id])
    said = _("<@{who}> asks for your approval on {name} ({stage}, {amount}):").format(
        who=asked.requested_by,
        name=bold(escape(card.name)),
        stage=escape(card.stage.name),
        amount=escape(format_amount(card.amount, card.currency)),
    )
    lines = [bold(f"{number}. {escape(what)}")]
    if asked.evidence:
        prompt = item.evidence.prompt if item and item.evidence else _("Value")
        lines.append(f"{escape(prompt)}: {escape(asked.evidence)}")
    ref = ApprovalRef(asked.request_id).dumps()
    actions = ActionsBlock(
        block_id=f"approval|{asked.request_id}",
        elements=[
            button(_("Approve"), action_id=ActionId.APPROVE, value=ref, style="primary"),
            button(_("Reject"), action_id=ActionId.REJECT, value=ref, style="danger"),
        ],
    )
    text = _("{name}: {item} awaits your approval").format(name=card.name, item=what)
    hint = _("It counts as ticked only once approved; a rejection asks you why.")
    return Message(
        text=text, blocks=[section(said), section("\n".join(lines)), actions, context(hint)]
    )


def approval_unsent(card: DealCard, asked: ApprovalAsked, recipient: str, *, said: str) -> Message:
    """The requester's DM when a request could not be delivered: where, why, what to do."""
    where = f"<#{recipient}>" if asked.to_channel else f"<@{recipient}>"
    number = item_numbers(card.stage, [asked.item_id])
    text = "⚠️ " + _(
        "The approval request for {number} on {name} did not reach {where} (Slack said: "
        "{said}). It still waits; if it went to a channel, invite the app there "
        "(/invite @stagecoach), then untick {number} and tick it again."
    ).format(number=number, name=bold(escape(card.name)), where=where, said=escape(said))
    return Message(text=text, blocks=[section(text)])


def reject_modal(card: DealCard, item_id: str, *, private_metadata: str) -> View:
    item = card.stage.item(item_id)
    return modal(
        title=_("Reject"),
        submit=_("Reject"),
        callback_id=CallbackId.REJECT,
        private_metadata=private_metadata,
        blocks=[
            deal_line(card),
            section(escape(item.text if item else item_id)),
            field(
                BlockId.REASON,
                _("Why not"),
                text_input(placeholder=_("30% is past what this deal's margin allows")),
                hint=_("The requester is told, and the card shows it beside the item."),
            ),
        ],
    )


def approved_message(outcome: Approved) -> Message:
    notice = "✅ " + _("Approved {items}: it counts as ticked.").format(
        items=item_numbers(outcome.card.stage, [outcome.item_id])
    )
    return change_card(outcome.card, notice=notice)


def rejected_message(outcome: Rejected) -> Message:
    notice = "✋ " + _("Rejected {items}: {reason}").format(
        items=item_numbers(outcome.card.stage, [outcome.item_id]), reason=outcome.reason
    )
    return change_card(outcome.card, notice=notice)


def answered_notice(outcome: Approved | Rejected, by: str) -> Message:
    """The DM to whoever asked: approved, or rejected and why."""
    card, number = outcome.card, item_numbers(outcome.card.stage, [outcome.item_id])
    item = card.stage.item(outcome.item_id)
    names = {
        "by": by,
        "number": number,
        "item": escape(item.text if item else outcome.item_id),
        "name": bold(escape(card.name)),
    }
    if isinstance(outcome, Approved):
        said = "✅ " + _("<@{by}> approved {number}. {item} on {name}.").format(**names)
    else:
        said = "✋ " + _("<@{by}> rejected {number}. {item} on {name}: {reason}").format(
            **names, reason=escape(outcome.reason)
        )
    return Message(text=said, blocks=[section(said)])
